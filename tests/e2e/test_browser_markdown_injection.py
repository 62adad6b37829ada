"""Markdown injection (issue 19, item 8) in a real Chromium at 1280×800: a title, outlet,
author, claim, source name and reviewer name holding `![t](http://127.0.0.1:PORT/t.gif)` (a
tracking beacon) and `:red[x]`, pasted and seeded, then every page visited. A local HTTP
listener on PORT must receive no request at all, and nothing may be rendered red by the
directive. Before the fix the Annotate heading, its metadata line, the split preview and the
import message each fetched the image. Screenshots go to test-artifacts/."""

from __future__ import annotations

import http.server
import json
import os
import random
import re
import string
import subprocess
import textwrap
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factcheck.domain.chains import build_chain
from factcheck.domain.display import markdown_literal
from factcheck.services import articles, assessments, claims, sources
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, write
from schemas.records import ArticleMeta, AssessmentInput
from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS, wait_idle
from tests.support.server import streamlit_command

pytestmark = pytest.mark.browser

PROBE_APP = Path(__file__).with_name("markdown_literal_app.py")
# Whatever the page did with the payload: images or links to the listener, text coloured by
# a directive (Streamlit gives such spans these classes).
RENDERED_PAYLOAD = """(port) => ({
  images: [...document.querySelectorAll('img')].map(i => i.src).filter(s => s.includes(':' + port)),
  links: [...document.querySelectorAll('a')].map(a => a.href).filter(h => h.includes(':' + port)),
  coloured: [...document.querySelectorAll(
      '.stMarkdownColoredText, .stMarkdownColoredBackground, .stMarkdownBadge')]
    .map(e => e.textContent).filter(t => t === 'x'),
})"""


class Beacon:
    """A local HTTP listener that records every request (a browser fetching an injected image
    would show up here) and answers with a 1×1 GIF."""

    GIF = bytes.fromhex(
        "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
    )

    def __init__(self) -> None:
        self.requests: list[str] = []
        beacon = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                beacon.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.end_headers()
                self.wfile.write(Beacon.GIF)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def beacon() -> Iterator[Beacon]:
    listener = Beacon()
    yield listener
    listener.server.shutdown()
    listener.server.server_close()


def payload(beacon: Beacon, where: str) -> str:
    return f"{where} ![t](http://127.0.0.1:{beacon.port}/{where.lower()}.gif) :red[x]"


def visible(text: str) -> str:
    """`text` as the page shows it: the characters themselves (and invisible word joiners
    where Streamlit would otherwise make a link)."""
    return re.sub(r"\\(.)", r"\1", markdown_literal(text))


def seed(url: str, beacon: Beacon) -> None:
    """Article 1 with every field carrying the payload, rated; a source carrying it."""
    engine = make_engine(url)

    def work(session: Any) -> None:
        article = articles.import_text(
            session,
            f"The minister said {payload(beacon, 'Claim')} today.\n\n"
            f"Officials added {payload(beacon, 'Second')} later.",
            ArticleMeta(
                title=payload(beacon, "Title"),
                outlet=payload(beacon, "Outlet"),
                author=payload(beacon, "Author"),
            ),
        )
        sources.add_source(session, f"Zqx {payload(beacon, 'Source')}", "wire_agency")
        reviewer = get_or_create_reviewer(session, "ana")
        for claim in claims.list_claims(session, article.id):  # type: ignore[arg-type]
            assessments.save_assessment(
                session,
                claim.id,  # type: ignore[arg-type]
                reviewer,
                AssessmentInput(
                    attribution_type="indirect",
                    speaker=payload(beacon, "Speaker"),
                    chain=build_chain([f"Zqx {payload(beacon, 'Source')}", "ZeroHedge"]),
                    source_reliability="B",
                    information_credibility=2,
                    notes=payload(beacon, "Notes"),
                ),
            )

    write(engine, work)
    engine.dispose()


def check(page: Any, beacon: Beacon, name: str) -> None:
    """Nothing of the payload rendered on the page as it is now, and no request so far."""
    wait_idle(page)
    page.wait_for_timeout(500)  # an image element starts its request as soon as it is added
    rendered = page.evaluate(RENDERED_PAYLOAD, beacon.port)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"markdown-injection-{name}.png"), full_page=True)
    nothing = {"images": [], "links": [], "coloured": []}
    assert beacon.requests == [] and rendered == nothing, (name, beacon.requests, rendered)


def click(page: Any, name: str) -> None:
    target = page.get_by_role("button", name=name, exact=True)
    target.scroll_into_view_if_needed()
    target.click()
    wait_idle(page)


def test_no_page_fetches_an_injected_image_or_colours_injected_text(  # type: ignore[no-untyped-def]
    server: str, server_db: str, page, beacon: Beacon
) -> None:
    seed(server_db, beacon)

    # A link that names a reviewer the name rules refuse: ignored (nothing of it is shown),
    # and the page asks who is reviewing.
    page.goto(server + "/?reviewer=" + urllib.parse.quote(payload(beacon, "Reviewer")))
    page.get_by_text("Who is reviewing?").wait_for()
    check(page, beacon, "reviewer-link")

    # Articles: paste an article whose title and outlet carry the payload; import it twice.
    page.goto(server + "/?reviewer=ana")
    page.get_by_text("Reviewing as").wait_for()
    wait_idle(page)
    page.get_by_text("Import articles").click()
    wait_idle(page)
    for label, value in (
        ("Article text", f"A pasted story {payload(beacon, 'Pasted')} here.\n\nAnother line."),
        ("Title (default: first line)", payload(beacon, "Pasted-title")),
        ("Outlet", payload(beacon, "Pasted-outlet")),
    ):
        box = page.get_by_label(label).first
        box.fill(value)
        box.press("Tab")
        wait_idle(page)
    click(page, "Import")
    page.get_by_text("Imported article 2").wait_for()
    check(page, beacon, "import-message")
    page.get_by_text(visible(payload(beacon, "Pasted-title"))).first.wait_for()  # as typed
    click(page, "Import")
    page.get_by_text("already imported as article 2").wait_for()
    check(page, beacon, "duplicate-message")

    # Annotate: heading, metadata line, progress, the split preview, the split's message and
    # the History panel (both quote the claim).
    page.goto(server + "/annotate?reviewer=ana&article=1")
    page.get_by_text("Claim 1 of").wait_for()
    check(page, beacon, "annotate")
    page.get_by_text(visible(payload(beacon, "Title"))).first.wait_for()  # the heading
    page.get_by_role("button", name="Bounds", exact=True).click()
    wait_idle(page)
    page.get_by_text("‖").first.wait_for()
    check(page, beacon, "annotate-split-preview")
    click(page, "Split here")
    page.get_by_text("Claims updated").wait_for()
    check(page, beacon, "annotate-split-message")
    page.get_by_role("button", name="History", exact=True).click()
    wait_idle(page)
    page.get_by_text("Latest changes of this article").wait_for()
    check(page, beacon, "annotate-history")

    # Sources: the delete confirmation names the source; adding one names it in the message.
    page.goto(server + "/sources?reviewer=ana")
    search = page.get_by_label("Search name, alias or kind")
    search.fill("zqx")
    search.press("Enter")
    wait_idle(page)
    page.get_by_role("tab", name="Delete").click()
    wait_idle(page)
    click(page, "Delete…")
    page.get_by_text("and its aliases?").wait_for()
    check(page, beacon, "sources-delete")
    click(page, "Cancel")
    page.get_by_role("tab", name="Add").click()
    name = page.get_by_label("Name", exact=True).first
    name.fill(f"Second {payload(beacon, 'Added')}")
    name.press("Tab")
    wait_idle(page)
    click(page, "Add source")
    page.get_by_text("Saved: added").wait_for()
    check(page, beacon, "sources-added")

    for path, name in (("review", "review"), ("export", "export")):
        page.goto(f"{server}/{path}?reviewer=ana")
        page.get_by_role("heading", name=name.capitalize()).wait_for()
        check(page, beacon, name)


# ---------------------------------------------------------------- the function itself

PIECES = [
    *string.punctuation,
    *" \t\n\ufeff\u2060é—“",
    "![t](http://127.0.0.1:9/t.gif)",
    ":red[x]",
    ":blue-background[x]",
    ":material/star:",
    ":streamlit:",
    ":smile:",
    "$x$",
    "$$",
    "http://",
    "HTTPS://",
    "www.",
    "a@b.co",
    " -> ",
    " -- ",
    " <= ",
    "<b>",
    "&amp;",
    "1. ",
    "# ",
    "> ",
    "- ",
    "    ",
    "ab",
    "7",
]


def samples() -> list[str]:
    """Hand-picked attacks and a fixed set of random mixes of Markdown's pieces."""
    chosen = [
        "![t](http://127.0.0.1:9/t.gif) :red[x]",
        string.punctuation,
        "a -> b <- c <-> d -- e >= f <= g ~= h",
        ":streamlit: :material/star: :smile: :+1:",
        "$x^2$ and $$y$$ \\$z\\$",
        "www.example.org http://a.b a@b.co <http://x.y>",
        "1. item\n# heading\n> quote\n- item\n    code\n---",
        "a\\",
    ]
    rng = random.Random(8)
    return chosen + ["".join(rng.choices(PIECES, k=rng.randint(1, 25))) for _ in range(150)]


def css_text(text: str) -> str:
    """Text as a browser lays it out: runs of white space as one space, none at the ends;
    the invisible word joiner left out."""
    return re.sub(r"[ \t\n\r\f]+", " ", text.replace("\u2060", "")).strip(" ")


@pytest.fixture
def probe(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """The probe page served on a free loopback port with the samples."""
    from tests.e2e.conftest import _free_port, _need_browser

    _need_browser()
    texts = samples()
    listed = tmp_path / "samples.json"
    listed.write_text(json.dumps(texts), encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        streamlit_command(port, script=PROBE_APP),
        cwd=ROOT,
        env={**os.environ, "FACTCHECK_MARKDOWN_SAMPLES": str(listed)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                break
        except OSError:
            time.sleep(0.3)
    yield url, texts
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_markdown_literal_renders_every_sample_as_itself(  # type: ignore[no-untyped-def]
    probe: tuple[str, list[str]], page
) -> None:
    """Streamlit's own renderer (micromark, GFM, directives, maths, its text rewrites) shows
    each escaped string as the string, inside a line, as a whole element and as a label."""
    url, texts = probe
    page.goto(url)
    page.get_by_text("rendered").wait_for()
    wait_idle(page)
    shown = page.evaluate(
        """() => ({
          markdown: [...document.querySelectorAll(
              '[data-testid=stMarkdown] [data-testid=stMarkdownContainer]')]
            .map(e => [e.innerText, e.querySelectorAll('*:not(p)').length]),
          labels: [...document.querySelectorAll(
              '[data-testid=stButton] [data-testid=stMarkdownContainer]')]
            .map(e => [e.innerText, e.querySelectorAll('*:not(p)').length]),
        })"""
    )
    wrong = []
    for index, text in enumerate(texts):
        line = text.replace("\r", " ").replace("\n", " ")
        # Streamlit strips a body before rendering it; Markdown drops a byte order mark that
        # starts it.
        whole = textwrap.dedent(line).strip().removeprefix("\ufeff")
        expected = [
            (shown["markdown"][2 * index], f"Title: {line} (end)"),
            (shown["markdown"][2 * index + 1], whole),
            (shown["labels"][index], f"Label: {line} (end)"),
        ]
        for (rendered, elements), wanted in expected:
            if css_text(rendered) != css_text(wanted) or elements:
                wrong.append((text, rendered, elements))
    assert len(shown["markdown"]) == 2 * len(texts) and len(shown["labels"]) == len(texts)
    assert wrong == []
