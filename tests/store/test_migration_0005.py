"""Migration 0005: stored name and alias keys recomputed with the one name key, and records
that now share a key merged into the oldest (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from factcheck.services.sources import find_source
from factcheck.store.engine import MIGRATIONS_DIR, make_engine, upgrade_schema
from tests.conftest import PG_URL

# (id, name, key as revision 0004 stored it, kind, prior, created)
SOURCES = [
    (1, "Guardian", "guardian", "newspaper", None, "2020-01-01 00:00:00"),
    (2, "The Guardian", "the guardian", "newspaper", "B", "2021-01-01 00:00:00"),
    (3, "Vladimir Putin", "vladimir putin", "head_of_state", None, "2020-01-01 00:00:00"),
    (4, "Putin", "putin", "unknown", "C", "2022-01-01 00:00:00"),
    (5, "Reuters", "reuters", "wire_agency", "A", "2020-01-01 00:00:00"),
    (6, "The Times", "the times", "newspaper", None, "2020-01-01 00:00:00"),
]
# (id, source_id, alias, key as stored)
ALIASES = [
    (1, 2, "The Observer", "the observer"),
    (2, 3, "Putin\u2019s", "putin\u2019s"),  # now "putin": the name of record 4
    (3, 5, "Reuters News", "reuters news"),
]
HOPS = [(0, "The Guardian", 2), (1, "Putin", 4), (2, "Reuters", 5), (3, "Guardian", 1)]


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
    name = f"factcheck_test_0005_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL, migrate=False).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _fill_at_0004(engine: Engine) -> None:
    """Colliding records as a release with the old keys could store them, and one assessment
    whose chain points at them."""
    statements = [
        (
            "INSERT INTO source (id, name, name_key, kind, prior_reliability, created_at) "
            "VALUES (:id, :name, :key, :kind, :prior, :created)",
            [
                dict(zip(("id", "name", "key", "kind", "prior", "created"), row, strict=True))
                for row in SOURCES
            ],
        ),
        (
            "INSERT INTO source_alias (id, source_id, alias, alias_key) "
            "VALUES (:id, :source, :alias, :key)",
            [dict(zip(("id", "source", "alias", "key"), row, strict=True)) for row in ALIASES],
        ),
        (
            "INSERT INTO article (id, title, text, content_hash, created_at, revision) "
            "VALUES (1, 'A', 'Putin said so.', 'h', '2024-01-01 00:00:00', 0)",
            [{}],
        ),
        (
            'INSERT INTO claim (id, article_id, position, start, "end", text, kind, dropped, '
            "updated_at) VALUES (1, 1, 1, 0, 14, 'Putin said so.', 'factual', false, "
            "'2024-01-01 00:00:00')",
            [{}],
        ),
        (
            "INSERT INTO reviewer (id, name, role, disabled, failed_signins, created_at) "
            "VALUES (1, 'ana', 'annotator', false, 0, '2024-01-01 00:00:00')",
            [{}],
        ),
        (
            "INSERT INTO assessment (id, claim_id, reviewer_id, is_final, translated, "
            "corroborated, needs_review, version, created_at, updated_at) VALUES "
            "(1, 1, 1, false, false, false, false, 1, '2024-01-01 00:00:00', "
            "'2024-01-01 00:00:00')",
            [{}],
        ),
        (
            "INSERT INTO chain_hop (assessment_id, position, name, kind, source_id) "
            "VALUES (1, :position, :name, 'unknown', :source)",
            [dict(zip(("position", "name", "source"), row, strict=True)) for row in HOPS],
        ),
    ]
    with engine.begin() as connection:
        for statement, rows in statements:
            connection.execute(text(statement), rows)
        if connection.dialect.name == "postgresql":  # ids given: move the sequences past them
            for table in ("source", "source_alias", "article", "claim", "reviewer", "assessment"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                    )
                )


def _registry(engine: Engine) -> dict[int, tuple[str, str, str | None, list[tuple[str, str]]]]:
    """id -> (name, key, prior, [(alias, key)]) as stored."""
    with engine.connect() as connection:
        sources = connection.execute(
            text("SELECT id, name, name_key, prior_reliability FROM source ORDER BY id")
        ).all()
        aliases = connection.execute(
            text("SELECT source_id, alias, alias_key FROM source_alias ORDER BY id")
        ).all()
    return {
        s.id: (
            s.name,
            s.name_key,
            s.prior_reliability,
            [(a.alias, a.alias_key) for a in aliases if a.source_id == s.id],
        )
        for s in sources
    }


def _hop_sources(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(
            connection.execute(text("SELECT source_id FROM chain_hop ORDER BY position")).scalars()
        )


def test_upgrade_recomputes_keys_and_merges_records_that_now_collide(old_url: str) -> None:
    engine = make_engine(old_url, migrate=False)
    try:
        _migrate(engine, "0004")
        _fill_at_0004(engine)
        assert not upgrade_schema(engine)  # an existing database: upgraded, not seeded

        assert _registry(engine) == {
            # "The Guardian" (newer) is one record with "Guardian" (older, kept): its hops
            # and aliases follow, its prior grade fills the gap, its name is an alias.
            1: (
                "Guardian",
                "guardian",
                "B",
                [("The Observer", "observer"), ("The Guardian", "guardian")],
            ),
            # "Putin’s" (an alias of record 3) and "Putin" (record 4) are one key now.
            3: ("Vladimir Putin", "vladimir putin", "C", [("Putin\u2019s", "putin")]),
            5: ("Reuters", "reuters", "A", [("Reuters News", "reuters news")]),
            6: ("The Times", "times", None, []),
        }
        assert _hop_sources(engine) == [1, 3, 5, 1]
        with Session(engine) as session:
            for name, source_id in [("The Guardian", 1), ("Putin", 3), ("the times", 6)]:
                assert find_source(session, name).id == source_id  # type: ignore[union-attr]

        _migrate(engine, "0004", down=True)  # back to the old keys; merges stay
        registry = _registry(engine)
        assert sorted(registry) == [1, 3, 5, 6]
        assert registry[6][1] == "the times"
        assert registry[1][3] == [
            ("The Observer", "the observer"),
            ("The Guardian", "the guardian"),
        ]
        assert registry[3][3] == [("Putin\u2019s", "putin\u2019s")]
    finally:
        engine.dispose()


def test_upgrade_leaves_a_registry_without_collisions_as_it_was(old_url: str) -> None:
    engine = make_engine(old_url, migrate=False)
    try:
        _migrate(engine, "0004")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO source (id, name, name_key, kind, created_at) VALUES "
                    "(1, 'Reuters', 'reuters', 'wire_agency', '2020-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO source_alias (id, source_id, alias, alias_key) "
                    "VALUES (7, 1, 'Reuters News', 'reuters news')"
                )
            )
        _migrate(engine, "0005")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT id, alias_key FROM source_alias")).all() == [
                (7, "reuters news")
            ]
    finally:
        engine.dispose()
