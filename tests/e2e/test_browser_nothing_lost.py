"""The reported losses, walked in a real Chromium at 1280×800 as a reviewer walks them: rate a
claim, visit another page through the sidebar, come back, save, reload; type half a note and
leave; merge with next, change the kind, apply; split, then apply. Screenshots go to
test-artifacts/ to be looked at."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from factcheck.domain.coverage import uncovered_text
from factcheck.store.engine import make_engine
from factcheck.store.models import Assessment, Claim
from tests.conftest import DEMO_TEXT
from tests.e2e.conftest import ARTIFACTS, choose, import_pasted, wait_idle

pytestmark = pytest.mark.browser


def start(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/?reviewer=ana")
    page.get_by_text("Reviewing as").wait_for()
    import_pasted(page, DEMO_TEXT.read_text(encoding="utf-8"))
    sidebar(page, "Annotate")
    page.get_by_text("Claim 1 of 16").wait_for()
    wait_idle(page)


def sidebar(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("[data-testid='stSidebarNav'] a", has_text=name).click()
    wait_idle(page)


def button(page, name: str) -> None:  # type: ignore[no-untyped-def]
    target = page.get_by_role("button", name=name, exact=True)
    target.scroll_into_view_if_needed()
    target.click()
    wait_idle(page)


def shown(page, label: str) -> str:  # type: ignore[no-untyped-def]
    """What a select box or text field shows."""
    return str(page.get_by_label(label, exact=True).first.input_value())


def assessments(url: str) -> list[tuple[str | None, int | None, str | None, str | None]]:
    with Session(make_engine(url)) as session:
        rows = session.exec(select(Assessment)).all()
        return [(a.source_reliability, a.information_credibility, a.speaker, a.notes) for a in rows]


def test_a_rated_claim_survives_leaving_the_page_and_a_reload(  # type: ignore[no-untyped-def]
    server: str, server_db: str, page
) -> None:
    start(page, server)
    button(page, "Next ▶")
    button(page, "Next ▶")
    page.get_by_text("Claim 3 of 16").wait_for()
    choose(page, "Source reliability", "B — usually reliable")
    choose(page, "Information credibility", "2 — probably true")
    button(page, "Save")
    page.get_by_text("Saved claim 3").wait_for()
    stored = assessments(server_db)
    assert [(r[0], r[1]) for r in stored] == [("B", 2)]
    speaker = shown(page, "Speaker")

    for other in ("Sources", "Export"):
        sidebar(page, other)
        sidebar(page, "Annotate")
        page.get_by_text("Claim 3 of 16").wait_for()
        assert "B — usually reliable" in shown(page, "Source reliability"), other
        assert "2 — probably true" in shown(page, "Information credibility"), other
        assert shown(page, "Speaker") == speaker
        assert page.get_by_text("unsaved changes").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "back-from-sources.png"))
    button(page, "Save")
    assert assessments(server_db) == stored  # Save changed nothing

    page.reload()
    page.get_by_text("Claim 3 of 16").wait_for()
    wait_idle(page)
    assert "B — usually reliable" in shown(page, "Source reliability")


def test_a_suggestion_and_a_half_typed_note_survive_navigation_and_reload(  # type: ignore[no-untyped-def]
    server: str, server_db: str, page
) -> None:
    start(page, server)
    suggested = shown(page, "Speaker")
    assert suggested, "claim 1 comes with a suggested speaker"
    sidebar(page, "Sources")
    sidebar(page, "Annotate")
    assert shown(page, "Speaker") == suggested

    page.get_by_role("button", name="Details").click()
    wait_idle(page)
    notes = page.get_by_label("Notes")
    notes.fill("half-typed note")
    notes.press("Tab")
    wait_idle(page)
    sidebar(page, "Sources")
    sidebar(page, "Annotate")
    assert page.get_by_label("Notes").input_value() == "half-typed note"
    page.reload()
    page.get_by_text("Claim 1 of 16").wait_for()
    wait_idle(page)
    assert page.get_by_label("Notes").input_value() == "half-typed note"
    page.get_by_text("unsaved changes").wait_for()
    assert assessments(server_db) == []  # a draft is not a rating
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "draft-after-reload.png"))


def test_merge_then_kind_and_split_then_apply_lose_no_text(  # type: ignore[no-untyped-def]
    server: str, server_db: str, page
) -> None:
    text = DEMO_TEXT.read_text(encoding="utf-8")
    start(page, server)
    engine = make_engine(server_db)

    def covered() -> list[tuple[int, int]]:
        with Session(engine) as session:
            rows = session.exec(select(Claim).where(Claim.dropped == False)).all()  # noqa: E712
            return [(c.start, c.end) for c in rows]

    before = covered()
    for _ in range(5):
        button(page, "Next ▶")
    page.get_by_text("Claim 6 of 16").wait_for()
    page.get_by_role("button", name="Bounds", exact=True).click()
    wait_idle(page)
    button(page, "Merge with next")
    page.get_by_text("Claims updated").wait_for()
    page.get_by_text("Claim 6 of 15").wait_for()
    with Session(engine) as session:
        merged = session.exec(select(Claim).where(Claim.position == 6)).one()
        span = (merged.start, merged.end)
    assert page.get_by_label("Start", exact=True).input_value() == str(span[0])
    assert page.get_by_label("End", exact=True).input_value() == str(span[1])
    choose(page, "Kind", "opinion")
    button(page, "Apply boundaries and kind")
    page.get_by_text("kind factual → opinion").first.wait_for()
    with Session(engine) as session:
        after = session.exec(select(Claim).where(Claim.position == 6)).one()
        assert (after.start, after.end, after.kind) == (*span, "opinion")
    assert uncovered_text(text, before, covered()) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "merge-then-kind.png"))

    button(page, "Split here")
    page.get_by_text("Claim 6 of 16").wait_for()
    button(page, "Apply boundaries and kind")
    assert page.get_by_text("would be in no claim").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert uncovered_text(text, before, covered()) == []
    engine.dispose()


def test_two_tabs_conflict_trim_question_and_undo(  # type: ignore[no-untyped-def]
    server: str, server_db: str, page
) -> None:
    """Two tabs of one reviewer on one claim, then a trim that needs an explicit drop, then
    undo from the History panel: each as a person clicks and types (Tab leaves a field)."""
    start(page, server)
    choose(page, "Source reliability", "B — usually reliable")
    button(page, "Save")
    page.get_by_text("Saved claim 1").wait_for()
    other = page.context.new_page()  # a second tab, same reviewer
    other.set_default_timeout(60_000)
    other.goto(server + "/annotate?reviewer=ana&article=1&claim=1")
    other.get_by_text("Claim 1 of 16").wait_for()
    wait_idle(other)
    choose(other, "Source reliability", "E — unreliable")
    button(other, "Save")
    other.get_by_text("Saved claim 1").wait_for()

    choose(page, "Information credibility", "5 — improbable")  # picked after the other save
    page.get_by_text("unsaved changes").wait_for()
    button(page, "Save")
    page.get_by_text("Which one do you keep?").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "two-tabs-conflict.png"))
    button(page, "Keep mine")
    assert [(r[0], r[1]) for r in assessments(server_db)] == [("B", 5)]

    page.get_by_role("button", name="Bounds", exact=True).click()
    wait_idle(page)
    end = page.get_by_label("End", exact=True)
    end.fill(str(int(end.input_value()) - 10))
    end.press("Tab")
    wait_idle(page)
    button(page, "Apply boundaries and kind")
    page.get_by_text("Trimming would leave").wait_for()
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "trim-question.png"))
    button(page, "Trim and drop the rest")
    page.get_by_text("Claims updated").wait_for()

    page.get_by_role("button", name="History", exact=True).click()
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / "history-panel.png"))
    button(page, "Undo last claim change")
    page.get_by_text("Undone:").wait_for()
    with Session(make_engine(server_db)) as session:
        dropped = session.exec(select(Claim).where(Claim.dropped == True)).all()  # noqa: E712
    assert dropped == []  # the trim and its dropped rest are gone again
