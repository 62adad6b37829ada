"""Migration 0007: claims gain a check-worthiness score and its reasons; claims already stored
are scored from their text, their kinds kept; the article's revision moves once; downgrade
removes the columns and keeps the revision triggers (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from factcheck.checkworthy import assess
from factcheck.store.engine import MIGRATIONS_DIR, make_engine
from tests.conftest import PG_URL

# (text, kind as stored): the first scores high, the other two low.
STORED = [
    ("The unemployment rate fell to 3.9 percent in March, the Labor Department said.", "opinion"),
    ("Click through for the whole thing.", "factual"),
    ("I think this is terrible.", "factual"),
]
TEXT = " ".join(t for t, _ in STORED)
CLAIMS = []  # (id, start, end, text, kind)
for number, (sentence, stored_kind) in enumerate(STORED, start=1):
    at = TEXT.index(sentence)
    CLAIMS.append((number, at, at + len(sentence), sentence, stored_kind))


def _config(connection: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    with engine.begin() as connection:
        (command.downgrade if down else command.upgrade)(_config(connection), revision)


@pytest.fixture(params=["sqlite", "postgres"])
def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own, for a schema built only up to an older revision."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need FACTCHECK_TEST_PG_URL (set by .ci/run)")
    name = f"factcheck_test_0007_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL, migrate=False).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _fill_at_0006(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO article (id, title, text, content_hash, created_at, revision) "
                "VALUES (1, 'A', :text, 'h', '2024-01-01 00:00:00', 0)"
            ),
            {"text": TEXT},
        )
        connection.execute(
            text(
                'INSERT INTO claim (id, article_id, position, start, "end", text, kind, '
                "dropped, updated_at) VALUES (:id, 1, :id, :start, :end, :text, :kind, false, "
                "'2024-01-01 00:00:00')"
            ),
            [{"id": i, "start": s, "end": e, "text": t, "kind": k} for i, s, e, t, k in CLAIMS],
        )


def _revision(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT revision FROM article WHERE id = 1")).scalar_one()


def test_existing_claims_are_scored_and_keep_their_kinds(old_url: str) -> None:
    engine = make_engine(old_url, migrate=False)
    try:
        _migrate(engine, "0006")
        _fill_at_0006(engine)
        before = _revision(engine)
        _migrate(engine, "0007")
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT id, kind, checkworthiness, checkworthiness_reasons FROM claim "
                    "ORDER BY id"
                )
            ).all()
        expected = assess([c[3] for c in CLAIMS])
        for row, claim, judged in zip(rows, CLAIMS, expected, strict=True):
            assert row.kind == claim[4], "a stored kind may be a reviewer's: kept"
            assert row.checkworthiness == pytest.approx(judged.score)
            reasons = row.checkworthiness_reasons
            reasons = json.loads(reasons) if isinstance(reasons, str) else reasons
            assert reasons == list(judged.reasons)
        scores = [row.checkworthiness for row in rows]
        assert scores[0] > 0.5 > scores[1], scores
        assert _revision(engine) == before + 1, "pages that cached the claims reload them"
        # the trigger suspended during the backfill is back: an edit bumps the revision
        with engine.begin() as connection:
            connection.execute(text("UPDATE claim SET kind = 'framing' WHERE id = 2"))
        assert _revision(engine) == before + 2

        _migrate(engine, "0006", down=True)
        columns = {c["name"] for c in inspect(engine).get_columns("claim")}
        assert "checkworthiness" not in columns and "checkworthiness_reasons" not in columns
        with engine.begin() as connection:
            connection.execute(text("UPDATE claim SET kind = 'factual' WHERE id = 2"))
        assert _revision(engine) == before + 3, "downgrade keeps the revision triggers"
        _migrate(engine, "head")  # and up again
    finally:
        engine.dispose()


def test_an_empty_database_upgrades(old_url: str) -> None:
    engine = make_engine(old_url, migrate=False)
    try:
        _migrate(engine, "head")
        columns = {c["name"] for c in inspect(engine).get_columns("claim")}
        assert {"checkworthiness", "checkworthiness_reasons"} <= columns
    finally:
        engine.dispose()
