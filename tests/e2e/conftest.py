"""Shared by the real-browser tests: the app served on a free loopback port with a temporary
database (`server`, and `server_db` for its URL), Debian's chromium driven by Playwright
(`page`, 1280×800 unless a test asks otherwise), and the steps a reviewer takes."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.server import CHROMIUM, CHROMIUM_ARGS, streamlit_command

ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 800}


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
def server_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'e2e.db'}"


@pytest.fixture
def server(server_db: str) -> Iterator[str]:
    _need_browser()
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": server_db}
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
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(60_000)  # a loaded CI machine, not a target
        yield page
        context.close()
        browser.close()


def wait_idle(page) -> None:  # type: ignore[no-untyped-def]
    """Streamlit shows a running indicator while a rerun is in progress."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-stale=\"true\"]')",
        timeout=60_000,
    )


def choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick an option of a select box as a reviewer does: scroll to it, open it, click."""
    box = page.get_by_role("combobox", name=label, exact=True)
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
        wait_idle(page)
        return
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def import_pasted(page, text: str, title: str = "") -> None:  # type: ignore[no-untyped-def]
    """Paste an article as a reviewer does. Each field is left (Tab) and the page allowed to
    finish its rerun before the next step: a click that lands during a rerun can be dropped
    by the browser, which made this step flaky on a loaded machine."""
    wait_idle(page)
    page.get_by_text("Import articles").click()
    wait_idle(page)
    fields = [
        ("Article text", text),
        ("Title (default: first line)", title),
        ("Outlet", "ZeroHedge"),
    ]
    for label, value in fields:
        if value:
            box = page.get_by_label(label).first
            box.fill(value)
            box.press("Tab")
            wait_idle(page)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported article").wait_for(timeout=60_000)
    wait_idle(page)
