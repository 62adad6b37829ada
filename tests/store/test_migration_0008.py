"""Migration 0008: the statements index. Articles already stored are indexed from their claims
as the upgrade runs, so a trace works the moment an older database is opened; downgrade drops
the two tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlmodel import Session

from factcheck.services import trace
from factcheck.store.engine import make_engine
from tests.store.test_migration_0007 import _migrate, old_url  # noqa: F401  (the fixture)

QUOTE = '"a serious threat to regional stability and must end immediately"'
TEXTS = {
    1: f"Minister Halvard Renk said troop movements posed {QUOTE}, the agency reported.",
    2: f"Halvard Renk said the movements posed {QUOTE}, according to the agency.",
}


def _fill_at_0007(url: str) -> None:
    engine = make_engine(url, migrate=False)
    try:
        _migrate(engine, "0007")
        with engine.begin() as connection:
            for article_id, body in TEXTS.items():
                connection.execute(
                    text(
                        "INSERT INTO article (id, title, text, content_hash, created_at, "
                        "revision) VALUES (:id, 'A', :text, :hash, '2024-01-01 00:00:00', 0)"
                    ),
                    {"id": article_id, "text": body, "hash": f"h{article_id}"},
                )
                connection.execute(
                    text(
                        'INSERT INTO claim (id, article_id, position, start, "end", text, kind, '
                        "dropped, updated_at) VALUES (:id, :id, 1, 0, :end, :text, 'factual', "
                        "false, '2024-01-01 00:00:00')"
                    ),
                    {"id": article_id, "end": len(body), "text": body},
                )
    finally:
        engine.dispose()


def test_stored_articles_are_indexed_on_upgrade(old_url: str) -> None:  # noqa: F811
    _fill_at_0007(old_url)
    engine = make_engine(old_url, migrate=False)
    try:
        _migrate(engine, "head")
        with Session(engine) as session:
            found = trace.trace(session, 1)
            assert [(a.article_id, a.match) for a in found.appearances] == [(2, "partial")]
            assert trace.list_statements(session)[0].articles == 2
        _migrate(engine, "0007", down=True)
        tables = set(inspect(engine).get_table_names())
        assert not {"statement_passage", "statement_shingle"} & tables
    finally:
        engine.dispose()
