"""No N+1 queries: the number of SQL statements a page render sends does not grow with the
number of claims or articles. Counted with SQLAlchemy's `before_cursor_execute` event, never
with a clock (timings belong in bench/scale_bench.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event
from streamlit.testing.v1 import AppTest

from factcheck.services.articles import import_text
from factcheck.services.assessments import save_assessment
from factcheck.services.claims import list_claims
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, write
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
ANNOTATE = "factcheck/ui/pages/annotate.py"
REVIEWERS = ("ana", "ben", "chloe")
CHAIN = [
    ChainHop(name="Official", kind="official"),
    ChainHop(name="Reuters", kind="wire_agency", relation="reported_by"),
    ChainHop(name="ZeroHedge", kind="aggregator", relation="republished_by"),
]


@contextmanager
def counting() -> Iterator[list[str]]:
    """Every statement any engine sends while the block runs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def article_text(number: int, claims: int) -> str:
    return " ".join(
        f"Official {number}-{i} said that plan {i} would cost {i + 3} million dollars."
        for i in range(claims)
    )


def make_project(url: str, articles: int, claims: int) -> int:
    """`articles` articles, the first with about `claims` claims rated by three reviewers with
    chains (the first reviewer leaves one unrated); returns the first article's id."""
    engine = make_engine(url)

    def work(session: Any) -> int:
        reviewers = [get_or_create_reviewer(session, name) for name in REVIEWERS]
        first = import_text(
            session, article_text(0, claims), ArticleMeta(title="Big one", outlet="ZeroHedge")
        )
        for number in range(1, articles):
            import_text(session, article_text(number, 2), ArticleMeta(title=f"Article {number}"))
        rows = list_claims(session, first.id)  # type: ignore[arg-type]
        data = AssessmentInput(
            attribution_type="indirect",
            speaker="Official",
            cue="said",
            chain=CHAIN,
            source_reliability="B",
            information_credibility=2,
            suggestion_outcome="accepted",
        )
        for reviewer in reviewers:
            for claim in rows[: -1 if reviewer.name == REVIEWERS[0] else None]:
                save_assessment(session, claim.id, reviewer, data)  # type: ignore[arg-type]
        return first.id  # type: ignore[return-value]

    article_id = write(engine, work)
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM claim").scalar()
    assert count is not None and count >= claims + 2 * (articles - 1)
    engine.dispose()
    return article_id


def statements_per_rerun(url: str, monkeypatch: pytest.MonkeyPatch, page: str | None) -> int:
    """Statements of one rerun of `page` (None: the default Articles page), after a first run
    that warms caches (engine, suggestions)."""
    article_id = make_project_cache[url]
    monkeypatch.setenv("DATABASE_URL", url)
    from factcheck.config import get_settings

    get_settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["reviewer_name"] = REVIEWERS[0]
    at.session_state["article_id"] = article_id
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    with counting() as statements:
        at.run()
    assert not at.exception, at.exception
    if page == ANNOTATE:
        assert at.subheader, "the Annotate page should show a claim"
    return len(statements)


make_project_cache: dict[str, int] = {}


@pytest.fixture
def small_and_large(tmp_path: Any, sqlite_template: Any) -> tuple[str, str]:
    import shutil

    urls = []
    for name, articles, claims in (("small", 3, 5), ("large", 40, 60)):
        path = tmp_path / f"{name}.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        make_project_cache[url] = make_project(url, articles, claims)
        urls.append(url)
    return urls[0], urls[1]


@pytest.mark.parametrize("page", [ANNOTATE, None], ids=["annotate", "articles"])
def test_page_queries_do_not_grow_with_the_project(
    small_and_large: tuple[str, str], monkeypatch: pytest.MonkeyPatch, page: str | None
) -> None:
    small, large = small_and_large
    few = statements_per_rerun(small, monkeypatch, page)
    many = statements_per_rerun(large, monkeypatch, page)
    assert few > 0
    assert many <= few, f"{many} statements for the larger project, {few} for the smaller"


def test_counter_sees_a_query_per_article_loop(sqlite_url: str) -> None:
    """The counter itself works: an N+1 loop shows up as N more statements."""
    make_project_cache[sqlite_url] = make_project(sqlite_url, 4, 3)
    engine = make_engine(sqlite_url)
    from sqlmodel import Session

    from factcheck.services.articles import get_article

    with Session(engine) as session, counting() as statements:
        for article_id in range(1, 5):
            get_article(session, article_id)
    engine.dispose()
    assert len(statements) >= 4
