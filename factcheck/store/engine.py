"""One engine per process, SQLite tuned for several writers, migrations applied on first use,
and write transactions that retry instead of surfacing "database is locked"."""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool
from sqlmodel import Session, create_engine

from factcheck.config import describe_database, get_settings, normalize_database_url
from factcheck.errors import DatabaseUnavailable, StorageError

log = logging.getLogger(__name__)
T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str | None = None, *, migrate: bool = True) -> Engine:
    """Build the engine for `url` (or DATABASE_URL, or data/factcheck.db) and bring its schema
    up to date, so every entry point (CLI, UI, tests) sees the same, current tables."""
    url = normalize_database_url(url or get_settings().database_url)
    try:
        if url.startswith("sqlite"):
            engine = _sqlite_engine(url)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        if migrate and upgrade_schema(engine):
            from factcheck.services.sources import seed_starter_sources

            write(engine, seed_starter_sources)
    except (ArgumentError, NoSuchModuleError, ImportError, OperationalError, OSError) as error:
        raise DatabaseUnavailable(_unavailable_message(url, error)) from None
    return engine


def _unavailable_message(url: str, error: Exception) -> str:
    """One line naming the database (never its password) and what the driver said."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    try:
        where = describe_database(url)
        password = make_url(url).password
    except ArgumentError:
        where, password = "the database URL", None
        reason = "it is not a valid database URL (e.g. postgresql+psycopg://user@host/db)"
    if isinstance(error, (NoSuchModuleError, ImportError)):
        reason = (
            "factcheck works with SQLite (sqlite:///PATH) and PostgreSQL (postgresql+psycopg://…)"
        )
    if password:
        reason = reason.replace(str(password), "***")
    return f"cannot open {where}: {reason}"


def _sqlite_engine(url: str) -> Engine:
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    if not in_memory:
        path = url.removeprefix("sqlite:///")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        poolclass=StaticPool if in_memory else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself (pysqlite starts it too late).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for one user action that only reads."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


def _is_retryable(error: DBAPIError) -> bool:
    text = str(error.orig).lower() if error.orig else str(error).lower()
    if "database is locked" in text or "database is busy" in text:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    # serialization_failure, deadlock_detected
    return sqlstate in {"40001", "40P01"}


def describe_storage_error(error: DBAPIError) -> str:
    """One line for a write the database refused, whichever engine: values PostgreSQL cannot
    hold but SQLite takes (an id of 2^31 or more, a NUL character), a full disk, an over-long
    value. Never the SQL or the parameters (they may hold whole articles)."""
    cause = error.orig if error.orig is not None else error
    text = str(cause).lower()
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate in {"53100", "53200"} or "disk is full" in text or "no space left" in text:
        return "the database's disk is full: nothing was changed (free some space and retry)"
    if sqlstate == "22003" or "out of range" in text:
        return (
            "a number is too large for the database (ids and counts must be below "
            "2,147,483,648): nothing was changed"
        )
    if "nul (0x00)" in text or "0x00" in text:
        return "a text contains a NUL (0x00) character, which cannot be stored: nothing was changed"
    if sqlstate == "22001" or "too long" in text:
        return "a value is longer than the database allows: nothing was changed"
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return f"the database refused the change ({first[:200]}): nothing was changed"


def write(
    engine: Engine,
    work: Callable[[Session], T],
    *,
    attempts: int = 8,
    retry_on_integrity: bool = False,
) -> T:
    """Run `work(session)` in one write transaction and commit it; on a lock or serialisation
    conflict roll back and run it again, so concurrent reviewers never see "database is locked".
    With `retry_on_integrity`, a unique-key race (two inserts of the same row) is retried too:
    the second try finds the row and updates it."""
    bound = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    for attempt in range(1, attempts + 1):
        try:
            with Session(bound, expire_on_commit=False) as session:
                result = work(session)
                session.commit()
                return result
        except IntegrityError:
            if not retry_on_integrity or attempt == attempts:
                raise
        except (OperationalError, DBAPIError) as error:
            if isinstance(error, IntegrityError):
                raise
            if not _is_retryable(error):
                raise StorageError(describe_storage_error(error)) from error
            if attempt == attempts:
                raise
        log.info("write conflict, retrying (attempt %d)", attempt)
        time.sleep(random.uniform(0.005, 0.05) * attempt)
    raise AssertionError("unreachable")


def upgrade_schema(engine: Engine) -> bool:
    """Apply Alembic migrations up to head (no-op when already current); True when the
    database was new (had no schema at all), so the caller can seed it."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return False
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return current is None
