"""Issue #19.2, #19.4, #19.5 and #19.12 in the web UI, on a database in team mode by its own
setting (the server's environment says nothing): a visitor who is not signed in gets one line
on every page (the Export page used to show a traceback with server paths, the Articles page
to import for nobody), and an account disabled while signed in loses every page at its next
click (the Export preview and the Articles page's import included)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from factcheck.config import get_settings
from factcheck.services import access, reviewers, team
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Reviewer
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
PAGES = [
    "factcheck/ui/pages/articles.py",
    "factcheck/ui/pages/annotate.py",
    "factcheck/ui/pages/sources.py",
    "factcheck/ui/pages/export.py",
    "factcheck/ui/pages/review.py",
]
ROOT_PASSWORD = "root password 1"
ANA_PASSWORD = "ana password 1"


@pytest.fixture
def team_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("FACTCHECK_TEAM_MODE", raising=False)
    get_settings.cache_clear()
    engine = make_engine(sqlite_url)
    team.enable(engine, "root", ROOT_PASSWORD)
    write(
        engine,
        lambda s: s.add(
            Reviewer(
                name="ana", role="annotator", password_hash=reviewers.hash_password(ANA_PASSWORD)
            )
        ),
    )
    engine.dispose()
    yield sqlite_url
    get_settings.cache_clear()


def run_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, name: str, password: str) -> None:
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button(key="signin_button").click().run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", PAGES)
def test_a_visitor_gets_one_line_on_every_page(team_db: str, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    run_page(at, page)
    assert [i.value for i in at.info] == [
        "Team mode: sign in with your name and password in the sidebar."
    ]
    assert not at.error and not at.dataframe
    assert not [t for t in at.text_area if t.key == "paste_text"]


def test_disabled_while_signed_in_loses_the_export_and_the_import(team_db: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    sign_in(at, "ana", ANA_PASSWORD)
    run_page(at, "factcheck/ui/pages/articles.py")
    assert [t for t in at.text_area if t.key == "paste_text"]
    engine = make_engine(team_db)
    root = reviewers.sign_in(engine, "root", ROOT_PASSWORD)
    with access.acting_as(root):
        write(engine, lambda s: reviewers.set_disabled(s, "ana"))
    engine.dispose()
    for page in ("factcheck/ui/pages/export.py", "factcheck/ui/pages/articles.py"):
        run_page(at, page)
        assert not [t for t in at.text_area if t.key == "paste_text"]
        assert not at.dataframe
        assert "Team mode: sign in" in " ".join(i.value for i in at.info)
        assert any("disabled or removed" in e.value for e in at.sidebar.error)
