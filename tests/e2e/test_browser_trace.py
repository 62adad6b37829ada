"""The trace in a real headless Chromium (issue 16): with the demo loaded (the constructed
example, data/trace-demo, with demo-desk's chains), the Statements page shows the statement's
appearances in time order, the earliest one, the origin and the shortest known chain across the
stored articles, at 1280×800 with nothing cut off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, choose, wait_idle

pytestmark = pytest.mark.browser

OUTLETS_IN_TIME_ORDER = [
    "Nordmark Broadcasting",
    "Continental Press Agency",
    "The Harbour Gazette",
    "Morning Ledger Live",
    "ClickDaily",
    "Eastport Tribune",  # no publication date: ordered by its import time, the latest
]


@pytest.fixture
def server_db(tmp_path: Path) -> str:
    """The e2e database with `factcheck demo` loaded before the server starts."""
    url = f"sqlite:///{tmp_path / 'e2e.db'}"
    subprocess.run(
        [sys.executable, "-m", "factcheck", "--db", url, "demo"], check=True, capture_output=True
    )
    return url


def paragraph(page, start: str) -> str:  # type: ignore[no-untyped-def]
    """The text of the paragraph that begins with `start`."""
    return str(page.locator("p", has_text=start).first.inner_text())


def _not_cut_off(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Every element matching `selector` lies within the viewport's width and is not clipped
    by its own box (its content is no wider than it)."""
    overflow = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter(e => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.right > window.innerWidth + 1 || r.left < -1
                || e.scrollWidth > e.clientWidth + 1);
        }).map(e => e.textContent.slice(0, 80))""",
        selector,
    )
    assert overflow == [], overflow


def test_statements_page_shows_the_demo_trace(server: str, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/statements?reviewer=eve")
    page.get_by_role("heading", name="Statements").wait_for()
    wait_idle(page)
    graph = page.locator("[data-testid='stGraphVizChart'] svg")
    graph.wait_for()
    page.locator("[data-testid='stTable']").first.wait_for()
    wait_idle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "statements-top.png"))
    # The most repeated statement is picked first: the constructed one, in six articles.
    summary = paragraph(page, "Earliest appearance:")
    assert "Nordmark Broadcasting" in summary and "2025-10-06 07:10" in summary
    origin = paragraph(page, "Origin:")
    assert "Halvard Renk" in origin and "1-2" in origin
    chain = paragraph(page, "Shortest known chain:")
    assert "Halvard Renk → Nordmark Broadcasting → Continental Press Agency → " in chain
    assert "The Harbour Gazette → ClickDaily" in chain and "weakest hop: ClickDaily (E)" in chain
    # The appearances, one box each, in time order, the first marked earliest.
    boxes = page.locator("[class*='st-key-statements_appearance_']")
    assert boxes.count() == len(OUTLETS_IN_TIME_ORDER)
    headings = [boxes.nth(i).locator("p").first.inner_text() for i in range(boxes.count())]
    for number, (heading, outlet) in enumerate(
        zip(headings, OUTLETS_IN_TIME_ORDER, strict=True), start=1
    ):
        assert heading.startswith(f"{number}. {outlet}"), heading
    assert "earliest" in headings[0] and all("earliest" not in h for h in headings[1:])
    assert "(imported)" in headings[-1]
    assert graph.locator("g.node").count() == len(OUTLETS_IN_TIME_ORDER)
    assert graph.locator("g.edge path:not([stroke='transparent'])").count() >= 4
    graph.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "statements-graph.png"))
    _not_cut_off(page, "[data-testid='stMarkdownContainer'] p, [data-testid='stTable'] td")
    box = graph.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1280

    # Following the chain to the independent interview instead.
    choose(page, "Follow the known chain to", "Eastport Tribune · ")
    page.locator("p", has_text="Halvard Renk → Eastport Tribune").wait_for()
    boxes.last.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "statements-appearances.png"))
    page.screenshot(path=str(ARTIFACTS / "statements-full.png"), full_page=True)


def traced_claim(url: str) -> tuple[int, int]:
    """(article, claim) of the aggregator's copy of the demo statement: ClickDaily's claim
    with the most other appearances."""
    from sqlmodel import Session, select

    from factcheck.services import trace as trace_service
    from factcheck.store.engine import make_engine
    from factcheck.store.models import Article, Claim

    engine = make_engine(url)
    with Session(engine) as session:
        article = session.exec(select(Article).where(Article.outlet == "ClickDaily")).one()
        claims = session.exec(select(Claim).where(Claim.article_id == article.id)).all()
        best = max(claims, key=lambda c: len(trace_service.trace(session, c.id).appearances))  # type: ignore[arg-type]
        found = (article.id, best.id)
    engine.dispose()
    return found  # type: ignore[return-value]


def test_the_annotate_pages_trace_panel_opens_the_earliest_appearance(  # type: ignore[no-untyped-def]
    server: str, server_db: str, page
) -> None:
    article_id, claim_id = traced_claim(server_db)
    page.goto(f"{server}/annotate?reviewer=eve&article={article_id}&claim={claim_id}")
    page.get_by_text("Claim").first.wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Trace").click()
    page.get_by_text("Where else this statement appeared").wait_for()
    wait_idle(page)
    assert page.get_by_text("earliest: ").first.is_visible()
    page.get_by_text("Where else this statement appeared").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "trace-panel.png"))
    earliest = page.locator(".st-key-trace_appearance_0")
    earliest.get_by_role("button", name="Open", exact=True).click()
    wait_idle(page)
    page.wait_for_function(
        f"() => !window.location.search.includes('article={article_id}&')"
        f" && !window.location.search.endsWith('article={article_id}')"
    )
    wait_idle(page)
    page.get_by_text("Nordmark Broadcasting ·").first.wait_for()  # the opened article's line
    page.screenshot(path=str(ARTIFACTS / "trace-panel-opened.png"))
    opened = page.url
    page.reload()  # the address names the article and claim: a reload stays there
    wait_idle(page)
    assert (
        f"article={article_id}" not in page.url and page.url.split("?")[1] == opened.split("?")[1]
    )
