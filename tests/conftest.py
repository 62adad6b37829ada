"""Fixtures: a fresh database per test on SQLite, and on PostgreSQL too when
FACTCHECK_TEST_PG_URL is set (.ci/run sets it), so storage and CLI tests run on both engines."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from factcheck.store.engine import make_engine

PG_URL = os.environ.get("FACTCHECK_TEST_PG_URL")
ROOT = Path(__file__).resolve().parent.parent
DEMO_TEXT = ROOT / "data" / "zerohedge-2025-09-05-nato-troops.txt"
DEMO_EXPECTED = ROOT / "data" / "zerohedge-2025-09-05-nato-troops.expected.json"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded SQLite file made once; each test gets a copy (fast and fresh)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session (and xdist worker)."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests need FACTCHECK_TEST_PG_URL (set by .ci/run)")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"factcheck_test_{worker}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL, migrate=False).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    make_engine(url).dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


TABLES = (
    "setting",
    "statement_shingle",
    "statement_passage",
    "history",
    "draft",
    "chain_hop",
    "assessment",
    "claim",
    "article",
    "source_alias",
    "source",
    "reviewer",
)


def _reset_postgres(url: str) -> None:
    from factcheck.services.sources import seed_starter_sources
    from factcheck.store.engine import write

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    write(engine, seed_starter_sources)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh, migrated database with the starter sources, on each engine."""
    if request.param == "sqlite":
        path = tmp_path / "factcheck.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    _reset_postgres(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only, for tests of SQLite-specific behaviour or pure UI flows."""
    path = tmp_path / "factcheck.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_text() -> str:
    return DEMO_TEXT.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest: the tests check the logic, not the hash's cost."""
    from argon2 import PasswordHasher

    from factcheck.services import reviewers

    monkeypatch.setattr(
        reviewers, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


@pytest.fixture
def team(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Team mode for one test: passwords, roles and blind rating enforced."""
    from factcheck.config import get_settings

    monkeypatch.setenv("FACTCHECK_TEAM_MODE", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("FACTCHECK_TEAM_MODE")
    get_settings.cache_clear()


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The web app's database for this test (settings are cached per process: clear them)."""
    from factcheck.config import get_settings

    use_app_database(monkeypatch, sqlite_url)
    yield sqlite_url
    get_settings.cache_clear()


def use_app_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point the web app at `url` for this test."""
    from factcheck.config import get_settings

    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()


def open_page(page: str | None, reviewer: str | None = "ana", **state: Any) -> Any:
    """The app (an AppTest) run once as `reviewer` with `state` in its session state, then on
    `page` (a path under factcheck/ui/pages; None stays on the default Articles page)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if reviewer:
        at.session_state["reviewer_name"] = reviewer
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def app(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The web app under Streamlit's AppTest on a fresh SQLite database, run once."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    from factcheck.config import get_settings

    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at
