"""Issue #19.5 and #19.7 in the browser, on a database that is in team mode by its own
setting (the server's environment says nothing): the Export page's download works for a
signed-in reviewer (it used to fail for every role: the file is built off the page run,
where nobody was signed in), and an account disabled while signed in loses every page at
the next click, the Export preview and the Articles page's import included."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlmodel import Session

from factcheck.services import access, articles, assessments, reviewers, team
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Reviewer
from schemas.records import ArticleMeta, AssessmentInput
from tests.conftest import DEMO_TEXT
from tests.e2e.conftest import wait_idle

ROOT_PASSWORD = "root password 1"
ANA_PASSWORD = "ana password 1"


@pytest.fixture
def server_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A team database: root (admin) and ana (annotator); ana rated claim 1 B2."""
    from factcheck.config import get_settings

    monkeypatch.delenv("FACTCHECK_TEAM_MODE", raising=False)
    get_settings.cache_clear()
    url = f"sqlite:///{tmp_path / 'team.db'}"
    engine = make_engine(url)
    root = team.enable(engine, "root", ROOT_PASSWORD)

    def work(session: Session) -> None:
        ana = Reviewer(
            name="ana", role="annotator", password_hash=reviewers.hash_password(ANA_PASSWORD)
        )
        session.add(ana)
        session.flush()
        article = articles.import_text(
            session, DEMO_TEXT.read_text(encoding="utf-8"), ArticleMeta(outlet="ZH"), actor=root
        )
        claim_id = article_claims(session, article.id)[0].id
        assessments.save_assessment(
            session,
            claim_id,
            ana,
            AssessmentInput(source_reliability="B", information_credibility=2),
            actor=ana,
        )

    write(engine, work)
    engine.dispose()
    return url


def article_claims(session: Session, article_id: int | None) -> list:  # type: ignore[type-arg]
    from factcheck.services.claims import list_claims

    return list_claims(session, article_id or 0)


def sign_in(page, name: str, password: str) -> None:  # type: ignore[no-untyped-def]
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("textbox", name="Name").fill(name)
    field = sidebar.get_by_role("textbox", name="Password")
    field.fill(password)
    field.press("Tab")  # to the show-password eye: the value was lost here before the form
    sidebar.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()
    wait_idle(page)


def open_page(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    wait_idle(page)


def test_download_and_disable_in_a_team_database(page, server: str, server_db: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server)
    wait_idle(page)
    # Not signed in: no page, no import form.
    page.get_by_text("Team mode: sign in").wait_for()
    assert page.get_by_label("Article text").count() == 0

    sign_in(page, "ana", ANA_PASSWORD)
    open_page(page, "Export")
    page.get_by_text("Preview").wait_for()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    assert [(r["reviewer"], r["grade"]) for r in rows] == [("ana", "B2")]
    page.screenshot(path=str(Path(server_db.removeprefix("sqlite:///")).parent / "export.png"))

    # An admin disables ana while she is signed in; her next click loses the page.
    engine = make_engine(server_db)
    root = reviewers.sign_in(engine, "root", ROOT_PASSWORD)
    with access.acting_as(root):
        write(engine, lambda s: reviewers.set_disabled(s, "ana"))
    engine.dispose()
    open_page(page, "Articles")
    page.get_by_text("Team mode: sign in").wait_for()
    assert page.get_by_text("disabled or removed").count() >= 1
    assert page.get_by_label("Article text").count() == 0
    open_page(page, "Export")
    page.get_by_text("Team mode: sign in").wait_for()
    assert page.get_by_text("Preview").count() == 0
    assert page.get_by_role("button", name="Download CSV").count() == 0
