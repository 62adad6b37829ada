"""The article revision the Annotate page trusts to keep what it loaded: the database bumps it
on every change to an article's claims or assessments, whoever makes the change, and the page
shows another writer's change on its next rerun without reloading when nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from factcheck.errors import NotFoundError
from factcheck.services import articles, claims
from factcheck.services import workspace as annotation
from factcheck.services.assessments import save_assessment
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, write
from factcheck.ui.components import VIEW_KEY
from schemas.records import ArticleMeta, AssessmentInput
from tests.conftest import open_page, use_app_database
from tests.support.components import component_data
from tests.ui.test_app import ANNOTATE, claim_heading
from tests.ui.test_query_counts import counting

TEXT = "The minister said taxes would fall. Critics told reporters they would rise. It rained."


def _revision(session: Session, article_id: int) -> int:
    return annotation.article_revision(session, article_id)


def test_every_kind_of_change_bumps_only_its_article(db_url: str) -> None:
    engine = make_engine(db_url)
    first = write(engine, lambda s: articles.import_text(s, TEXT, ArticleMeta()).id)
    other = write(engine, lambda s: articles.import_text(s, TEXT + " More.", ArticleMeta()).id)
    with Session(engine) as session:
        claim_ids = [c.id for c in claims.list_claims(session, first)]
        seen = [_revision(session, first)]
        other_before = _revision(session, other)

    def bumped() -> bool:
        with Session(engine) as session:
            now = _revision(session, first)
        changed = now != seen[-1]
        seen.append(now)
        return changed

    ana = write(engine, lambda s: get_or_create_reviewer(s, "ana"))
    grade = AssessmentInput(source_reliability="B", information_credibility=2)
    write(engine, lambda s: save_assessment(s, claim_ids[0], ana, grade))
    assert bumped(), "a new assessment"
    write(
        engine,
        lambda s: save_assessment(s, claim_ids[0], ana, grade.model_copy(update={"notes": "x"})),
    )
    assert bumped(), "an edited assessment"
    write(engine, lambda s: claims.edit_claim(s, claim_ids[1], kind="opinion"))
    assert bumped(), "an edited claim"
    write(engine, lambda s: claims.merge_claims(s, claim_ids[1]))
    assert bumped(), "merged claims"
    # A writer that bypasses the services (a script, another tool on the same database).
    with engine.begin() as connection:
        connection.execute(text("UPDATE assessment SET source_reliability = 'E'"))
    assert bumped(), "a raw UPDATE of an assessment"
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM assessment"))
    assert bumped(), "a raw DELETE of assessments"
    assert not bumped(), "reading changes nothing"
    with Session(engine) as session:
        assert _revision(session, other) == other_before
    engine.dispose()


def test_unknown_article_has_no_revision(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with (
        Session(engine) as session,
        pytest.raises(NotFoundError, match="article 999 does not exist"),
    ):
        annotation.article_revision(session, 999)
    engine.dispose()


def _annotate(url: str, monkeypatch: pytest.MonkeyPatch, article_id: int) -> AppTest:
    use_app_database(monkeypatch, url)
    return open_page(ANNOTATE, article_id=article_id)  # type: ignore[no-any-return]


def _progress(at: AppTest) -> str:
    return str(at.get("progress")[0].proto.text)


def test_annotate_page_reloads_only_when_the_article_changed(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(db_url)
    article_id = write(engine, lambda s: articles.import_text(s, TEXT, ArticleMeta()).id)
    ana = write(engine, lambda s: get_or_create_reviewer(s, "ana"))
    at = _annotate(db_url, monkeypatch, article_id)
    assert claim_heading(at) == "Claim 1 of 3"
    assert _progress(at) == "0 of 3 claims rated by ana"

    with counting() as statements:
        at.run()
    assert not any("FROM claim" in s for s in statements), "nothing changed: no claims reloaded"

    # The same reviewer rates a claim elsewhere (another tab, the CLI): the next rerun shows it.
    with Session(engine) as session:
        last = claims.list_claims(session, article_id)[-1].id
    grade = AssessmentInput(source_reliability="A", information_credibility=1)
    write(engine, lambda s: save_assessment(s, last, ana, grade))
    at.run()
    assert _progress(at) == "1 of 3 claims rated by ana"
    # the article view (a component) is given claim 3 with its new grade as its label
    view = component_data(at, VIEW_KEY)
    assert [c[4] for c in view["claims"] if c[0] == last] == ["claim 3: A1"]

    # Someone merges two claims: the page follows.
    with Session(engine) as session:
        first = claims.list_claims(session, article_id)[0].id
    write(engine, lambda s: claims.merge_claims(s, first))
    at.run()
    assert claim_heading(at) == "Claim 1 of 2"
    engine.dispose()


def test_articles_page_progress_follows_ratings_made_elsewhere(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(db_url)
    article_id = write(engine, lambda s: articles.import_text(s, TEXT, ArticleMeta()).id)
    write(engine, lambda s: articles.import_text(s, TEXT + " Later.", ArticleMeta()))
    ana = write(engine, lambda s: get_or_create_reviewer(s, "ana"))
    use_app_database(monkeypatch, db_url)
    at = open_page(None)

    def progress() -> dict[int, str]:
        table = at.dataframe[0].value
        return dict(zip(table["id"], table["my progress"], strict=True))

    assert progress()[article_id] == "0/3"
    at.run()  # counts kept: same figures
    assert progress()[article_id] == "0/3"
    with Session(engine) as session:
        first = claims.list_claims(session, article_id)[0].id
    write(engine, lambda s: save_assessment(s, first, ana, AssessmentInput(source_reliability="C")))
    at.run()
    assert progress()[article_id] == "1/3"
    write(engine, lambda s: claims.drop_claim(s, first))
    at.run()
    assert progress()[article_id] == "0/2"
    engine.dispose()
