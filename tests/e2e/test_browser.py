"""The main journey in a real headless Chromium (Debian's package, driven by Playwright):
start the app on a free loopback port with a temporary database, import the demo article,
rate a claim, reload and see it saved; an article with a script tag runs no script."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.ui.server import CHROMIUM, CHROMIUM_ARGS, streamlit_command
from tests.conftest import DEMO_TEXT, ROOT

ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.browser


def _need_browser() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                "Debian chromium is missing in CI: scripts/test.sh should have installed it"
            )
        pytest.skip("Debian chromium not installed (scripts/test.sh installs it)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    _need_browser()
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.db'}"}
    process = subprocess.Popen(
        streamlit_command(port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(
            "the app did not start: " + (process.stdout.read().decode() if process.stdout else "")
        )
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1200})
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        context.close()
        browser.close()


def _wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    """Streamlit shows a running indicator while a rerun is in progress."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def _choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick an option of a select box as a reviewer does: scroll to it, open it, click."""
    box = page.get_by_role("combobox", name=label)
    for _ in range(3):
        box.scroll_into_view_if_needed()
        box.click()
        choice = page.get_by_role("option", name=option)
        try:
            choice.wait_for(timeout=5_000)
        except Exception:  # the list closed while the page scrolled: open it again
            page.keyboard.press("Escape")
            continue
        choice.click()
        _wait_idle(page)
        return
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def _import_pasted(page, text: str, title: str = "") -> None:  # type: ignore[no-untyped-def]
    page.get_by_text("Import articles").click()
    page.get_by_label("Article text").fill(text)
    if title:
        page.get_by_label("Title (default: first line)").fill(title)
    page.get_by_label("Outlet").first.fill("ZeroHedge")
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported article").wait_for()
    _wait_idle(page)


def test_rate_a_claim_and_find_it_saved_after_reload(server: str, page) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server)
    page.get_by_label("New reviewer name").fill("ana")
    page.get_by_role("button", name="Start reviewing").click()
    page.get_by_text("Reviewing as").wait_for()
    _import_pasted(page, DEMO_TEXT.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Annotate", exact=True).click()
    page.get_by_text("Claim 1 of 16").wait_for()
    _wait_idle(page)

    _choose(page, "Source reliability", "B — usually reliable")
    _choose(page, "Information credibility", "2 — probably true")
    _wait_idle(page)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved claim").wait_for()
    _wait_idle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "annotate.png"), full_page=True)
    # The claim just rated B shows in the text in B's colour, outlined as the open claim.
    style = page.evaluate(
        "() => { const m = document.querySelector('mark.fc-B');"
        " const s = m && getComputedStyle(m);"
        " return s && [s.backgroundColor, s.outlineStyle]; }"
    )
    assert style == ["rgb(220, 243, 196)", "solid"]

    page.reload()
    page.get_by_text("1 of 16 claims rated by ana").wait_for()
    page.get_by_text("Your saved assessment").wait_for()
    assert dialogs == []


def test_article_with_a_script_tag_runs_no_script(server: str, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/?reviewer=eve")
    page.get_by_text("Reviewing as").wait_for()
    payload = (
        "Officials said <script>window.__pwned = 1; alert('script')</script> was found.\n"
        "A second line <img src=x onerror=\"window.__pwned = 2; alert('img')\"> followed."
    )
    _import_pasted(page, payload, title="<script>window.__pwned = 3</script>Title")
    page.get_by_role("button", name="Annotate", exact=True).click()
    page.get_by_text("Claim 1 of").wait_for()
    _wait_idle(page)
    page.get_by_text(
        "<script>window.__pwned = 1; alert('script')</script>", exact=False
    ).first.wait_for()
    assert page.evaluate("() => window.__pwned === undefined")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "injection.png"), full_page=True)

    # The same payloads as a source name and in notes, then every page of the app.
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    subprocess.run(
        [sys.executable, "-m", "factcheck", "--db", db, "sources", "add",
         "<img src=x onerror=\"window.__pwned = 4\">Agency", "--kind", "wire_agency"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "factcheck", "--db", db, "rate", "1", "--reviewer", "eve",
         "--notes", "<script>window.__pwned = 5</script>", "--speaker",
         "<img src=x onerror=\"window.__pwned = 6\">", "--reliability", "C"],
        check=True, capture_output=True,
    )  # fmt: skip
    links = page.locator("[data-testid='stSidebarNav'] a").all()
    assert len(links) >= 4
    for link in links:
        link.click()
        _wait_idle(page)
        assert page.evaluate("() => window.__pwned === undefined"), link.inner_text()
    assert dialogs == []


def test_chromium_is_debians(server: str) -> None:
    assert shutil.which("chromium") == CHROMIUM or Path(CHROMIUM).exists()
