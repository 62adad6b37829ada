"""The main journey in a real headless Chromium (Debian's package, driven by Playwright):
start the app on a free loopback port with a temporary database, import the demo article,
rate a claim, reload and see it saved; an article with a script tag runs no script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_TEXT
from tests.e2e.conftest import ARTIFACTS, choose, import_pasted, wait_idle
from tests.support.server import CHROMIUM

pytestmark = pytest.mark.browser


def test_rate_a_claim_and_find_it_saved_after_reload(server: str, page) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server)
    page.get_by_label("New reviewer name").fill("ana")
    page.get_by_role("button", name="Start reviewing").click()
    page.get_by_text("Reviewing as").wait_for()
    import_pasted(page, DEMO_TEXT.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Annotate", exact=True).click()
    page.get_by_text("Claim 1 of 16").wait_for()
    wait_idle(page)

    choose(page, "Source reliability", "B — usually reliable")
    choose(page, "Information credibility", "2 — probably true")
    wait_idle(page)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved claim").wait_for()
    wait_idle(page)
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
    import_pasted(page, payload, title="<script>window.__pwned = 3</script>Title")
    page.get_by_role("button", name="Annotate", exact=True).click()
    page.get_by_text("Claim 1 of").wait_for()
    wait_idle(page)
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
        wait_idle(page)
        assert page.evaluate("() => window.__pwned === undefined"), link.inner_text()
    assert dialogs == []


def _owning_package(path: str) -> str | None:
    """The Debian package that installed `path` (None when dpkg does not know it)."""
    found = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True, check=False)
    if found.returncode != 0:
        return None
    return found.stdout.split(":", 1)[0].strip()


def _descendants(root: int) -> list[int]:
    """Every process started (directly or not) by process `root`, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _executable(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def test_chromium_is_debians(page) -> None:  # type: ignore[no-untyped-def]
    """The browser the fixtures launch is Debian's chromium package, never a downloaded one."""
    if shutil.which("dpkg") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs on Debian: dpkg should be there")
        pytest.skip("not a Debian system (no dpkg)")
    assert _owning_package(CHROMIUM) == "chromium", f"{CHROMIUM} is not from Debian's chromium"
    page.goto("about:blank")
    browsers = {
        exe
        for pid in _descendants(os.getpid())
        if (exe := _executable(pid)) and Path(exe).name in ("chromium", "chrome", "headless_shell")
    }
    assert browsers, "no browser process under this test"
    for exe in browsers:
        assert exe.startswith("/usr/lib/chromium/"), f"a browser outside Debian's package: {exe}"
        assert _owning_package(exe) == "chromium", exe
