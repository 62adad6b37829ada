"""The Review page and team-mode sign-in, driven with AppTest: refusal for annotators before
release, the adjudicator's release → compare → record-final flow, the export marking final
rows, wrong passwords, and no exception on an empty database (local and team mode)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from factcheck.config import get_settings
from factcheck.interchange.export import ExportFilter, csv_bytes
from factcheck.services import access, articles, assessments, claims, reviewers
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Assessment, Reviewer
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop
from tests.conftest import DEMO_TEXT, ROOT

APP = str(ROOT / "app.py")
REVIEW = "factcheck/ui/pages/review.py"
PASSWORD = "a long enough password"


@pytest.fixture
def local(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("FACTCHECK_TEAM_MODE", raising=False)
    get_settings.cache_clear()
    yield sqlite_url
    get_settings.cache_clear()


@pytest.fixture
def team(local: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("FACTCHECK_TEAM_MODE", "1")
    get_settings.cache_clear()
    yield local
    monkeypatch.delenv("FACTCHECK_TEAM_MODE")
    get_settings.cache_clear()


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def open_review(at: AppTest) -> None:
    at.switch_page(REVIEW)
    at.run()
    assert not at.exception, at.exception


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> None:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button(key="signin_button").click().run()
    assert not at.exception, at.exception


def seed(url: str, *, team_accounts: bool) -> tuple[int, list[int]]:
    """The demo article; ana and bob disagree on claim 0's grade, agree on claim 1."""
    engine = make_engine(url)

    def work(session: Session) -> tuple[int, list[int]]:
        people = {}
        for name, role in (("ana", "annotator"), ("bob", "annotator"), ("judge", "adjudicator")):
            people[name] = Reviewer(
                name=name,
                role=role,
                password_hash=reviewers.hash_password(PASSWORD) if team_accounts else None,
            )
            session.add(people[name])
        session.flush()
        article = articles.import_text(
            session, DEMO_TEXT.read_text(encoding="utf-8"), ArticleMeta(), actor=people["judge"]
        )
        ids = [c.id for c in claims.list_claims(session, article.id)]  # type: ignore[arg-type]
        chain = [
            ChainHop(name="Vladimir Putin", kind="head_of_state"),
            ChainHop(name="ZeroHedge", kind="aggregator", relation="quoted_by"),
        ]
        for name, grade in (("ana", "B"), ("bob", "C")):
            who = people[name]
            assessments.save_assessment(
                session,
                ids[0],
                who,
                AssessmentInput(
                    attribution_type="direct_quote",
                    source_reliability=grade,
                    information_credibility=2,
                    chain=chain,
                ),
                actor=who,
            )
            assessments.save_assessment(
                session, ids[1], who, AssessmentInput(source_reliability="A"), actor=who
            )
        return article.id, ids  # type: ignore[return-value]

    try:
        return write(engine, work)
    finally:
        engine.dispose()


def finals(url: str) -> list[tuple[int, str, str | None, int | None]]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(
            select(Assessment, Reviewer.name)
            .join(Reviewer, Reviewer.id == Assessment.reviewer_id)
            .where(Assessment.is_final == True)  # noqa: E712
        ).all()
        result = [
            (a.claim_id, name, a.source_reliability, a.information_credibility) for a, name in rows
        ]
    engine.dispose()
    return result


def page_text(at: AppTest) -> str:
    return " ".join(
        [e.value for e in at.error]
        + [i.value for i in at.info]
        + [s.value for s in at.success]
        + [c.value for c in at.caption]
    )


# ---------------------------------------------------------------- empty database


def test_review_page_on_an_empty_database_local(local: str) -> None:
    at = start()
    at.text_input(key="new_reviewer_name").input("ana")
    at.button(key="create_reviewer").click().run()
    open_review(at)
    assert "No articles yet" in page_text(at)


def test_review_page_on_an_empty_database_team(team: str) -> None:
    write(make_engine(team), lambda s: reviewers.add_reviewer(s, "root", "admin", PASSWORD))
    at = start()
    open_review(at)
    assert "sign in with your name and password" in page_text(at)
    sign_in(at, "root")
    open_review(at)
    assert "No articles yet" in page_text(at)


# ---------------------------------------------------------------- team mode


def test_sign_in_refuses_a_wrong_password_without_keeping_it(team: str) -> None:
    seed(team, team_accounts=True)
    at = start()
    sign_in(at, "ana", "not her password")
    assert any("wrong name or password" in e.value for e in at.sidebar.error)
    assert at.text_input(key="signin_password").value == ""
    assert "signed_in_actor" not in at.session_state
    sign_in(at, "ana")
    assert any("Signed in as" in m.value for m in at.sidebar.markdown)


def test_annotators_are_refused_before_release(team: str) -> None:
    seed(team, team_accounts=True)
    at = start()
    sign_in(at, "ana")
    open_review(at)
    assert any("before it is released" in e.value for e in at.error)
    assert not at.dataframe  # nothing of bob's shown
    assert not [b for b in at.button if b.key in ("release_article", "record_final")]


def test_adjudicator_releases_compares_and_records_the_final(team: str) -> None:
    article_id, ids = seed(team, team_accounts=True)
    at = start()
    sign_in(at, "judge")
    open_review(at)
    table = at.dataframe[2].value
    assert list(table.columns[:4]) == ["claim", "text", "ana", "bob"]
    assert table.iloc[0]["differs on"] == "source reliability"
    assert table.iloc[1]["differs on"] == ""
    assert "Release the article" in page_text(at)
    assert any("annotators rate blind" in i.value for i in at.info)  # true for who reads it

    at.button(key="release_article").click().run()
    assert not at.exception, at.exception
    assert "Released for adjudication" in page_text(at)
    # the disputed claim comes first, its form prefilled from the majority (ana's B: a tie
    # keeps the first reviewer's value) with the agreed credibility and chain
    assert at.selectbox(key="review_claim").value == ids[0]
    assert at.selectbox(key="final_credibility").value == 2
    assert at.text_input(key="final_chain").value == "Vladimir Putin > ZeroHedge"
    at.selectbox(key="final_reliability").set_value("C")
    at.text_area(key="final_notes").input("Bob is right: TASS copy, not the Kremlin.")
    at.button(key="record_final").click().run()
    assert not at.exception, at.exception
    assert any("Recorded the final assessment" in s.value for s in at.success)
    assert finals(team) == [(ids[0], "judge", "C", 2)]

    # the annotator may now compare, but not adjudicate
    other = start()
    sign_in(other, "ana")
    open_review(other)
    assert not other.error
    assert "final" in other.dataframe[2].value.columns
    assert not [b for b in other.button if b.key == "record_final"]

    engine = make_engine(team)
    with Session(engine) as session:
        judge = reviewers.find_reviewer(session, "judge")
        with access.acting_as(judge):
            data = csv_bytes(session, ExportFilter(article_ids=[article_id]))
    engine.dispose()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    final_rows = [r for r in rows if r["final"] == "true"]
    assert [(r["reviewer"], r["grade"], r["notes"]) for r in final_rows] == [
        ("judge", "C2", "Bob is right: TASS copy, not the Kremlin.")
    ]
    assert {r["reviewer"] for r in rows if r["final"] == "false"} == {"ana", "bob"}


def test_annotate_page_claim_edits_go_through_the_role_checks(team: str) -> None:
    _, ids = seed(team, team_accounts=True)
    at = start()
    sign_in(at, "bob")
    at.switch_page("factcheck/ui/pages/annotate.py")
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="jump_" + str(at.session_state["claim_id"])).set_value(ids[0]).run()
    assert at.session_state["claim_id"] == ids[0]
    # claim 0 is rated by ana and bob: bob may not drop it, nothing changes
    at.pills(key="panels").select("bounds").run()
    at.button(key="drop_claim").click().run()
    assert any("Drop claim" in w.value for w in at.warning), "dropping asks first"
    at.button(key="confirm_drop").click().run()
    assert not at.exception, at.exception
    assert any("other reviewers have rated" in e.value for e in at.error)
    engine = make_engine(team)
    with Session(engine) as session:
        assert len(claims.list_claims(session, seed_article(session))) >= 15
        dropped = [
            c
            for c in claims.list_claims(session, seed_article(session), include_dropped=True)
            if c.dropped
        ]
    engine.dispose()
    assert dropped == []


def seed_article(session: Session) -> int:
    return articles.list_articles(session, limit=1)[0].id


# ---------------------------------------------------------------- local mode


def test_local_mode_adjudicates_without_release_or_password(local: str) -> None:
    _, ids = seed(local, team_accounts=False)
    at = start()
    at.selectbox(key="pick_reviewer").set_value("judge").run()
    at.button(key="continue_reviewer").click().run()
    open_review(at)
    assert not at.error
    infos = [i.value for i in at.info]
    assert any("Local mode: everyone sees every rating" in i for i in infos)
    assert not any("blind" in i and "use team mode" not in i for i in infos)  # no false claim
    # ana B, bob C: no majority, nothing prefilled; the agreed credibility is
    assert at.selectbox(key="final_reliability").value == ""
    assert at.selectbox(key="final_credibility").value == 2
    at.button(key="take_source_reliability_ana").click().run()
    assert at.selectbox(key="final_reliability").value == "B"
    at.button(key="record_final").click().run()
    assert not at.exception, at.exception
    assert finals(local) == [(ids[0], "judge", "B", 2)]


@pytest.mark.parametrize(
    "page",
    [
        "factcheck/ui/pages/articles.py",
        "factcheck/ui/pages/annotate.py",
        "factcheck/ui/pages/sources.py",
        "factcheck/ui/pages/export.py",
        REVIEW,
    ],
)
def test_every_page_runs_for_a_signed_in_annotator(team: str, page: str) -> None:
    seed(team, team_accounts=True)
    at = start()
    sign_in(at, "ana")
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
