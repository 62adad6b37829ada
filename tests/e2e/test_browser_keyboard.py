"""Annotate at the speed of the keyboard, in a real Chromium at 1280×800: select text to make,
split and mark, click a claim to open it, grade and accept with keys (never while typing in a
field), type the chain with completion, and a hostile article that runs nothing. Screenshots
go to test-artifacts/ to be looked at."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from factcheck.store.engine import make_engine
from factcheck.store.models import Assessment, ChainHopRow, Claim
from tests.e2e.conftest import ARTIFACTS, import_pasted, wait_idle
from tests.e2e.test_browser_nothing_lost import button
from tests.e2e.test_browser_nothing_lost import start as import_demo

pytestmark = pytest.mark.browser

# Select `needle` (or its [from, to) part, in UTF-16 units) in the article view as a mouse
# drag does: a DOM range over the text nodes, then the mouseup the view listens for.
SELECT = """([needle, from, to]) => {
  const root = document.querySelector('.fc-article');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let full = '';
  const nodes = [];
  while (walker.nextNode()) { nodes.push([walker.currentNode, full.length]); full += walker.currentNode.data; }
  const at = full.indexOf(needle);
  if (at < 0) return false;
  const a = at + (from ?? 0), b = at + (to ?? needle.length);
  const find = (pos, end) => {
    for (const [n, s] of nodes) {
      if (pos < s + n.data.length || (end && pos === s + n.data.length)) return [n, pos - s];
    }
  };
  const [sn, so] = find(a, false);
  const [en, eo] = find(b, true);
  const range = document.createRange();
  range.setStart(sn, so);
  range.setEnd(en, eo);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  const box = range.getBoundingClientRect();
  root.dispatchEvent(new MouseEvent('mouseup', {bubbles: true, clientX: box.right, clientY: box.bottom}));
  return true;
}"""


def start(page, server: str) -> None:  # type: ignore[no-untyped-def]
    import_demo(page, server)
    page.locator(".fc-article mark").first.wait_for()  # the view draws after the run


def shows(page, label: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the field labelled `label` shows `value` (components draw after the run)."""
    field = page.get_by_label(label, exact=True)
    for _ in range(50):
        if field.input_value() == value:
            return
        page.wait_for_timeout(100)
    assert field.input_value() == value


def select_text(page, needle: str, start: int | None = None, end: int | None = None) -> None:  # type: ignore[no-untyped-def]
    page.locator(".fc-article mark").first.wait_for()  # a person selects in the text they see
    assert page.evaluate(SELECT, [needle, start, end]), needle
    page.locator(".fc-menu:not([hidden])").wait_for()


def press(page, *keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        page.keyboard.press(key)
    wait_idle(page)


def heading(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("h3").first.inner_text())


def claims(url: str) -> list[Claim]:
    with Session(make_engine(url)) as session:
        return list(
            session.exec(select(Claim).where(Claim.dropped == False).order_by(Claim.start)).all()  # noqa: E712
        )


def test_hotkeys_grade_and_accept_and_the_page_fits(server: str, server_db: str, page) -> None:  # type: ignore[no-untyped-def]
    start(page, server)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "keyboard-start.png"))
    # Everything a right suggestion needs is on screen, without scrolling the page.
    for name in ("Accept and next", "Save"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800, name
    assert page.evaluate("() => document.querySelector('.fc-article').scrollHeight") > 800
    press(page, "b", "2", "Enter")
    page.get_by_text("Saved claim 1").wait_for()
    wait_idle(page)
    assert heading(page) == "Claim 2 of 16"
    # Two more claims typed without a pause: the page redraws after each key (the message
    # "Saved claim 1" goes, "Saved claim 2" comes) and no key press may be lost meanwhile.
    press(page, "c", "3", "Enter", "d", "4", "Enter")
    page.get_by_text("Saved claim 3").wait_for()
    wait_idle(page)
    assert heading(page) == "Claim 4 of 16"
    with Session(make_engine(server_db)) as session:
        rows = session.exec(select(Assessment, Claim).where(Assessment.claim_id == Claim.id))
        grades = {
            (c.position, a.source_reliability, a.information_credibility, a.suggestion_outcome)
            for a, c in rows.all()
        }
    assert grades == {(1, "B", 2, "accepted"), (2, "C", 3, "accepted"), (3, "D", 4, "accepted")}
    # J J K move; the open claim is outlined and scrolled into the article's view
    press(page, "j", "j", "k")
    assert heading(page) == "Claim 5 of 16"
    for _ in range(5):
        press(page, "j")
    assert heading(page) == "Claim 10 of 16"
    visible = page.evaluate(
        "() => { const m = document.querySelector('mark.fc-selected');"
        " const box = document.querySelector('.fc-article').getBoundingClientRect();"
        " const r = m.getBoundingClientRect(); return r.top >= box.top && r.top < box.bottom; }"
    )
    assert visible
    press(page, "?")
    page.get_by_text("accept (save) and go to the next unrated claim").wait_for()
    page.screenshot(path=str(ARTIFACTS / "keyboard-help.png"))
    press(page, "Escape")
    assert page.locator(".fc-help").is_hidden()


def test_typing_in_a_field_never_triggers_a_hotkey(server: str, server_db: str, page) -> None:  # type: ignore[no-untyped-def]
    start(page, server)
    button(page, "Details")
    notes = page.get_by_label("Notes", exact=True)
    notes.click()
    notes.type("B2 checked. J K N S U")
    notes.press("Enter")  # a new line in the notes, not "accept"
    page.keyboard.press("Escape")  # leaves the field: the page's keys work again
    wait_idle(page)
    assert heading(page) == "Claim 1 of 16"
    assert page.get_by_label("Source reliability", exact=True).input_value() in ("", "—")
    press(page, "s")
    page.get_by_text("Saved claim 1").wait_for()
    with Session(make_engine(server_db)) as session:
        saved = session.exec(select(Assessment)).one()
    assert saved.source_reliability is None and saved.notes == "B2 checked. J K N S U"


def test_click_select_to_split_drop_and_make_a_claim_and_mark_spans(  # type: ignore[no-untyped-def]
    server: str, server_db: str, page
) -> None:
    start(page, server)
    text = page.evaluate("() => document.querySelector('.fc-article').textContent")
    # click a claim: it opens
    page.locator("mark[data-claim]", has_text="The plan will reportedly").click()
    page.get_by_text("Claim 3 of 16").wait_for()
    wait_idle(page)
    # select inside it: split at the selection's start
    select_text(page, "as American forces")
    page.screenshot(path=str(ARTIFACTS / "keyboard-menu.png"))
    press(page, "l")
    page.get_by_text("Claims updated").first.wait_for()
    at = text.index("as American forces")
    assert at in {c.start for c in claims(server_db)}
    assert len(claims(server_db)) == 17
    press(page, "u")  # pressed at once: the page has just redrawn after the split
    page.get_by_text("Undone:").wait_for()
    assert len(claims(server_db)) == 16
    assert heading(page) == "Claim 3 of 16"  # still where the reviewer was
    # drop claim 3 (Bounds panel), then select its text again: a new claim, offsets exact
    button(page, "Bounds")
    button(page, "Drop (not a claim)")
    button(page, "Yes, drop it")
    sentence = "The plan will reportedly be finalized with US approval"
    select_text(page, sentence)
    press(page, "i")
    page.get_by_text("added a claim").first.wait_for()
    made = next(c for c in claims(server_db) if c.text == sentence)
    assert (made.start, made.end) == (text.index(sentence), text.index(sentence) + len(sentence))
    # mark the speaker, cue and content of claim 5 by selecting them
    page.locator("mark[data-claim]", has_text="Speaking before the Eastern").click()
    wait_idle(page)
    select_text(page, "Putin described", 0, 5)
    press(page, "p")
    select_text(page, "Putin described", 6, 15)
    press(page, "q")
    select_text(page, "“The West’s dragging of Ukraine into NATO")
    press(page, "t")
    shows(page, "Speaker", "Putin")
    shows(page, "Cue", "described")
    assert page.locator(".fc-role-source").first.inner_text() == "Putin"
    page.screenshot(path=str(ARTIFACTS / "keyboard-marks.png"))
    press(page, "s")
    page.get_by_text("Saved claim").first.wait_for()
    with Session(make_engine(server_db)) as session:
        saved = session.exec(select(Assessment).where(Assessment.cue == "described")).one()
    speaker = text.index("Putin described")
    assert saved.spans and saved.spans[0]["source"] == [
        {"start": speaker, "end": speaker + 5, "text": "Putin"}
    ]


def test_chain_as_text_with_completion_saves_hops_and_relations(  # type: ignore[no-untyped-def]
    server: str, server_db: str, page
) -> None:
    start(page, server)
    button(page, "Reject suggestion")
    shows(page, "Chain", "ZeroHedge")  # the publisher's own assertion
    page.keyboard.press("h")  # the chain field, keys go to it
    page.keyboard.type("Alexander Stubb > Finnish media > Reu")
    page.get_by_role("option", name="Reuters", exact=True).wait_for()
    page.keyboard.press("Tab")  # completion
    page.keyboard.type(" > Guard")
    page.get_by_role("option", name="The Guardian", exact=True).wait_for()
    page.keyboard.press("Enter")
    page.keyboard.type(" > ZeroHedge")
    page.keyboard.press("Enter")  # sends the chain and leaves the field
    wait_idle(page)
    shows(page, "Speaker", "Alexander Stubb")
    page.get_by_text("Reuters wire_agency").wait_for()
    page.screenshot(path=str(ARTIFACTS / "keyboard-chain.png"))
    press(page, "b", "2", "s")
    page.get_by_text("Saved claim 1").wait_for()
    with Session(make_engine(server_db)) as session:
        hops = session.exec(select(ChainHopRow).order_by(ChainHopRow.position)).all()  # type: ignore[arg-type]
        names = [(h.name, h.relation) for h in hops]
    assert names == [
        ("Alexander Stubb", None),
        ("Finnish media", "reported_by"),
        ("Reuters", "reported_by"),
        ("The Guardian", "reported_by"),
        ("ZeroHedge", "republished_by"),
    ]


def test_a_hostile_article_runs_nothing_through_the_view(server: str, page) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + "/?reviewer=eve")
    page.get_by_text("Reviewing as").wait_for()
    payload = (
        "Officials said <script>window.__pwned = 1</script> was found.\n"
        'A second line <img src=x onerror="window.__pwned = 2"> followed, 😀 said Bob.'
    )
    import_pasted(page, payload, title="Hostile")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Annotate").click()
    page.get_by_text("Claim 1 of").wait_for()
    wait_idle(page)
    view = page.locator(".fc-article")
    assert "<script>window.__pwned = 1</script>" in view.inner_text()
    assert view.locator("script, img").count() == 0
    page.locator("mark[data-claim]").last.click()
    wait_idle(page)
    # an astral character before the selection: offsets are Python's code points
    select_text(page, "Bob")
    press(page, "p")
    shows(page, "Speaker", "Bob")
    assert page.evaluate("() => window.__pwned === undefined")
    assert dialogs == []
