"""Desk flows of #17 in Chromium at 1280×800: import a web page on the Articles page and open
it with "Annotate it" (the server allows local addresses only because this test serves the
page on 127.0.0.1), and download the ratings as an Excel workbook and as a CSV for Excel."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, choose, wait_idle
from tests.interchange.test_web import _Handler  # the test site's pages
from tests.ui.test_app_adjudication import seed


@pytest.fixture(autouse=True)
def allow_local(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set before the server starts (autouse fixtures come first): it inherits it."""
    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_URLS", "1")


@pytest.fixture
def local_site() -> Iterator[str]:
    import threading
    from http.server import ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_import_a_web_page_and_annotate_it(page, server: str, local_site: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/?reviewer=ana")
    page.get_by_text("Import articles").click()
    wait_idle(page)
    page.get_by_role("tab", name="From a web page").click()
    wait_idle(page)
    page.get_by_label("Web page address").fill(f"{local_site}/news/story.html")
    page.get_by_role("button", name="Fetch and import").click()
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / "desk-url-import.png"))
    page.get_by_text("Imported article 3: NATO troops").wait_for()  # after the two seeded
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / "desk-url-import.png"))
    page.get_by_role("button", name="Annotate it").click()
    page.get_by_role("heading", name="NATO troops in Ukraine? Leaders split").wait_for()
    wait_idle(page)
    page.reload()
    page.get_by_role("heading", name="NATO troops in Ukraine? Leaders split").wait_for()
    # a private address on a server without the setting is refused: tests/ui/test_app_url_import.py


@pytest.fixture
def server_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    seed(url)
    return url


def test_download_the_workbook_and_the_csv_for_excel(page, server: str) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    page.goto(server + "/export?reviewer=ana")
    page.get_by_text("Preview").wait_for()
    wait_idle(page)
    choose(page, "Format", "Excel workbook (ratings, .xlsx)")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download Excel workbook").click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    sheet = book["ratings"]
    assert sheet.freeze_panes == "A2" and sheet.max_row == 1 + 4
    assert info.value.suggested_filename.endswith(".xlsx")

    choose(page, "Format", "CSV (ratings)")
    page.get_by_text("For Excel (UTF-8 with a byte-order mark)").click()
    wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV (4 rows)").click()
    assert Path(info.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")
    page.get_by_text("For Excel (UTF-8 with a byte-order mark)").click()
    wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV (4 rows)").click()
    assert Path(info.value.path()).read_bytes().startswith(b"article_id,")
    page.get_by_text("Ratings at a glance").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "desk-export-charts.png"))
