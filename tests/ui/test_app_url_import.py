"""Issue #17: URL import on the Articles page, as the CLI does it (the page's text, metadata,
HTML and fetch time), with the shared server's safety (a local address is refused unless
FACTCHECK_ALLOW_PRIVATE_URLS=1), and "Annotate it" opening the imported article."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.interchange.test_web import allow_local, site, stored  # noqa: F401  (fixtures)


def fetch(at: Any, url: str) -> None:
    at.text_input(key="url_address").input(url)
    at.button(key="url_import").click().run()
    assert not at.exception, at.exception


def app() -> Any:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["reviewer_name"] = "ana"
    at.run()
    return at


def test_fetch_a_page_and_open_it_in_annotate(db: str, site: str) -> None:  # noqa: F811
    at = app()
    fetch(at, f"{site}/news/story.html")
    assert [s.value.replace("\\", "") for s in at.success] == [
        "Imported article 1: NATO troops in Ukraine? Leaders split"
    ]
    (article,) = stored(db)
    assert article.html and article.fetched_at is not None
    at.button(key="annotate_imported").click().run()
    assert not at.exception, at.exception
    assert at.session_state["article_id"] == 1
    headings = [*at.header, *at.title, *at.subheader, *at.markdown]
    assert any("NATO troops" in h.value for h in headings)


def test_a_local_address_is_refused_on_a_shared_server(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck.config import get_settings

    monkeypatch.delenv("FACTCHECK_ALLOW_PRIVATE_URLS", raising=False)
    get_settings.cache_clear()
    at = app()
    fetch(at, "http://127.0.0.1:9/secret")
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "private or local address" in errors[0]
    assert stored(db) == []
    fetch(at, "file:///etc/passwd")
    assert "not a web address" in at.error[0].value
