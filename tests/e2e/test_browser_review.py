"""The adjudicator's journey in Chromium at 1280×800 (#17): the queue's counts, J to the next
disagreement in another article and K back, a half-written note that survives J/K and
another page, "take bob's value", record, the count drops; a reload keeps the final; typing
J in the notes field moves nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, wait_idle
from tests.ui.test_app_adjudication import seed


@pytest.fixture
def server_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    seed(url)
    return url


def selected(page, label: str) -> str:  # type: ignore[no-untyped-def]
    """What a select box shows, as a reviewer reads it."""
    return str(page.get_by_role("combobox", name=label, exact=True).input_value())


def counts(page) -> str:  # type: ignore[no-untyped-def]
    return page.get_by_text("in the project").inner_text()


def test_the_queue_take_and_record_with_the_keyboard(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(server + "/review?reviewer=judge")
    page.get_by_text("in the project").wait_for()
    wait_idle(page)
    assert counts(page) == "1 disagreement left in this article, 2 in the project"
    assert "Putin said" in selected(page, "Claim")

    # typing J in a text field is text, not a move
    notes = page.get_by_label("Adjudication notes")
    notes.fill("Judged from the TASS copy J")
    notes.press("Tab")
    wait_idle(page)
    assert "Putin said" in selected(page, "Claim")

    page.keyboard.press("j")
    wait_idle(page)
    assert "Stubb said" in selected(page, "Claim")

    # K goes back, and the half-written note is still there; so after another page and back
    page.keyboard.press("k")
    wait_idle(page)
    assert "Putin said" in selected(page, "Claim")
    assert page.get_by_label("Adjudication notes").input_value() == "Judged from the TASS copy J"
    page.get_by_test_id("stSidebarNav").get_by_text("Articles", exact=True).click()
    wait_idle(page)
    page.get_by_test_id("stSidebarNav").get_by_text("Review", exact=True).click()
    page.get_by_text("in the project").wait_for()
    wait_idle(page)
    assert "Putin said" in selected(page, "Claim")
    assert page.get_by_label("Adjudication notes").input_value() == "Judged from the TASS copy J"
    page.get_by_role("button", name="Next Shortcut J").click()
    wait_idle(page)
    assert "Stubb said" in selected(page, "Claim")

    # ana B, bob C: nothing prefilled; take bob's
    page.get_by_role("button", name="bob: C").click()
    wait_idle(page)
    assert "C – fairly reliable" in selected(page, "Source reliability")
    page.screenshot(path=str(ARTIFACTS / "review-take.png"))
    page.get_by_role("button", name="Record final assessment").click()
    page.get_by_text("Recorded the final assessment").wait_for()
    wait_idle(page)
    assert counts(page) == "0 disagreements left in this article, 1 in the project"

    page.reload()
    page.get_by_text("in the project").wait_for()
    wait_idle(page)
    page.get_by_role("combobox", name="Article").click()
    page.get_by_role("option", name="1 · Stubb").click()
    wait_idle(page)
    assert counts(page) == "0 disagreements left in this article, 1 in the project"
    page.screenshot(path=str(ARTIFACTS / "review-after-reload.png"))
