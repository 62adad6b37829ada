"""Issue #18: the Articles page's search goes through the engines' full-text indexes
(migration 0009: SQLite FTS5, PostgreSQL a GIN index on a tsvector), never a scan of every
article's text: results by title, outlet and text words (as prefixes), kept current by
imports, edits and deletions, and EXPLAIN shows the index on both engines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text, update
from sqlmodel import Session, col, select

from factcheck.services import articles
from factcheck.store.engine import read_session, write
from factcheck.store.models import Article
from schemas.records import ArticleMeta

TEXTS = {
    ("NATO troops in Ukraine", "ZeroHedge"): "Putin said troops would be legitimate targets.\n",
    ("Budget vote delayed", "Helsingin Sanomat"): "The finance ministry said the vote moves.\n",
    ("Café owners protest", None): "Owners of cafés in Tampere said rents doubled.\n",
}


def stock(engine: Engine) -> dict[str, int]:
    def work(session: Session) -> dict[str, int]:
        ids = {}
        for (title, outlet), body in TEXTS.items():
            article = articles.import_text(session, body, ArticleMeta(title=title, outlet=outlet))
            ids[title] = article.id
        return ids  # type: ignore[return-value]

    return write(engine, work)


def found(engine: Engine, search: str) -> set[str]:
    with read_session(engine) as session:
        rows = articles.list_articles(session, search=search)
        assert articles.count_articles(session, search) == len(rows)
        return {row.title for row in rows}


def test_search_by_title_outlet_and_text_words(engine: Engine) -> None:
    stock(engine)
    assert found(engine, "nato") == {"NATO troops in Ukraine"}
    assert found(engine, "zero") == {"NATO troops in Ukraine"}  # a word prefix
    assert found(engine, "zerohedge putin") == {"NATO troops in Ukraine"}  # every word
    assert found(engine, "zerohedge budget") == set()
    assert found(engine, "helsingin") == {"Budget vote delayed"}
    assert found(engine, "ministry") == {"Budget vote delayed"}  # in the text
    assert found(engine, "CAFÉ") == {"Café owners protest"}
    assert found(engine, "  ") == set(TEXTS_TITLES)
    # query syntax is never read as such: quotes, stars, operators are word breaks
    assert found(engine, '"nato" * -troops') == {"NATO troops in Ukraine"}
    assert found(engine, "nato:* | budget") == set()  # both words, not "nato or budget"


TEXTS_TITLES = {title for title, _ in TEXTS}


def test_the_index_follows_edits_and_deletions(engine: Engine) -> None:
    ids = stock(engine)

    def rename(session: Session) -> None:
        session.execute(
            update(Article)
            .where(col(Article.id) == ids["Budget vote delayed"])
            .values(title="Parliament postpones budget")
        )

    write(engine, rename)
    assert found(engine, "parliament") == {"Parliament postpones budget"}
    assert found(engine, "delayed") == set()
    write(engine, lambda s: articles.delete_article(s, ids["NATO troops in Ukraine"]))
    assert found(engine, "nato") == set()


def test_search_uses_the_full_text_index(engine: Engine) -> None:
    stock(engine)
    with read_session(engine) as session:
        condition = articles.search_condition(session, "nato troops")
        assert condition is not None
        query = select(Article.id).where(condition)
        compiled = query.compile(
            dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
        )
        if session.get_bind().dialect.name == "sqlite":
            plan = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
            details = " ".join(str(row[-1]) for row in plan)
            assert "VIRTUAL TABLE INDEX" in details and "article_fts" in details, details
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = session.execute(text(f"EXPLAIN {compiled}")).all()
            details = " ".join(row[0] for row in plan)
            assert "ix_article_search" in details, details


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_typed_search_is_words_and_nothing_else(typed: str) -> None:
    words = articles.search_words(typed)
    assert len(words) <= articles.MAX_SEARCH_WORDS
    assert all(word.isalnum() or "_" in word for word in words)
    assert all(word == word.casefold() for word in words)
