"""The Annotate page walked as a reviewer does, for "nothing a reviewer does is ever lost":
leave the page and come back, close panels, edit boundaries then the kind, another tab saving
first, an empty form, undo. Each test reproduces a sequence that lost work before."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from factcheck.domain.coverage import uncovered_text
from factcheck.services import assessments
from factcheck.services.reviewers import find_reviewer
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Assessment, Claim, Draft
from schemas.records import AssessmentInput
from tests.conftest import DEMO_TEXT
from tests.ui.test_app import (
    ANNOTATE,
    APP,
    claim_heading,
    hop_uids,
    import_demo,
    open_annotate,
    sign_in,
)

SOURCES = "factcheck/ui/pages/sources.py"
EXPORT = "factcheck/ui/pages/export.py"


def fields(at: AppTest) -> dict[str, object]:
    """Every field of the open claim's form, by value, as the reviewer sees it."""
    values: dict[str, object] = {
        "type": at.selectbox(key="f_type").value,
        "speaker": at.text_input(key="f_speaker").value,
        "cue": at.text_input(key="f_cue").value,
        "rel": at.selectbox(key="f_rel").value,
        "cred": at.selectbox(key="f_cred").value,
    }
    if [t for t in at.text_area if t.key == "f_notes"]:
        values.update(
            translated=at.checkbox(key="f_translated").value,
            primary=at.text_input(key="f_primary").value,
            corr=at.checkbox(key="f_corr").value,
            corr_by=at.text_input(key="f_corr_by").value,
            notes=at.text_area(key="f_notes").value,
        )
    uids = hop_uids(at)
    if uids:
        values["hops"] = [
            (
                at.text_input(key=f"hop_name_{u}").value,
                at.selectbox(key=f"hop_kind_{u}").value,
                at.selectbox(key=f"hop_rel_{u}").value,
            )
            for u in uids
        ]
    return values


def go(at: AppTest, page: str) -> None:
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception


def db(url: str) -> Session:
    return Session(make_engine(url))


def test_leaving_and_coming_back_keeps_a_saved_rating_and_save_changes_nothing(
    app: AppTest, sqlite_url: str
) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    app.button(key="nav_next").click().run()
    app.button(key="nav_next").click().run()
    assert claim_heading(app) == "Claim 3 of 16"
    app.selectbox(key="f_type").set_value("direct_quote")
    app.text_input(key="f_speaker").input("Vladimir Putin")
    app.text_input(key="f_cue").input("described")
    app.selectbox(key="f_rel").set_value("B")
    app.selectbox(key="f_cred").set_value(2).run()
    app.button(key="save").click().run()
    saved = fields(app)
    assert saved["rel"] == "B" and saved["speaker"] == "Vladimir Putin"
    for page in (SOURCES, EXPORT):
        go(app, page)
        go(app, ANNOTATE)
        assert claim_heading(app) == "Claim 3 of 16"
        assert fields(app) == saved, f"after visiting {page}"
        assert "● unsaved changes" not in [c.value for c in app.caption]
    app.button(key="save").click().run()
    with db(sqlite_url) as session:
        (row,) = session.exec(select(Assessment)).all()
    assert (row.source_reliability, row.information_credibility, row.speaker) == (
        "B",
        2,
        "Vladimir Putin",
    )


def test_every_draft_field_survives_a_page_switch_and_closed_panels(
    app: AppTest, sqlite_url: str
) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    suggested = fields(app)
    assert suggested["speaker"], "claim 1 comes with a suggestion"
    go(app, SOURCES)
    go(app, ANNOTATE)
    assert fields(app) == suggested, "an unrated claim keeps its suggestion"

    app.pills(key="panels").select("details").select("chain").run()
    app.selectbox(key="f_type").set_value("indirect")
    app.text_input(key="f_speaker").input("Kremlin")
    app.text_input(key="f_cue").input("said")
    app.selectbox(key="f_rel").set_value("D")
    app.selectbox(key="f_cred").set_value(4)
    app.checkbox(key="f_translated").check()
    app.text_input(key="f_primary").input("https://kremlin.example/transcript")
    app.checkbox(key="f_corr").check()
    app.text_input(key="f_corr_by").input("TASS wire")
    app.text_area(key="f_notes").input("half-typed note")
    app.run()
    app.button(key="add_hop").click().run()
    new = hop_uids(app)[-1]
    app.text_input(key=f"hop_name_{new}").input("TASS")
    app.selectbox(key=f"hop_kind_{new}").set_value("state_media").run()
    typed = fields(app)
    assert typed["notes"] == "half-typed note" and typed["hops"][-1][:2] == ("TASS", "state_media")  # type: ignore[index]

    go(app, SOURCES)
    go(app, ANNOTATE)
    assert fields(app) == typed
    app.pills(key="panels").unselect("details").unselect("chain").run()
    app.run()
    app.pills(key="panels").select("details").select("chain").run()
    assert fields(app) == typed
    with db(sqlite_url) as session:
        (draft,) = session.exec(select(Draft)).all()  # kept in the database too
    assert draft.data["values"]["notes"] == "half-typed note"


def test_a_draft_survives_a_new_browser_session(app: AppTest, sqlite_url: str) -> None:
    """A reload is a new Streamlit session: the draft comes back from the database."""
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    app.pills(key="panels").select("details").run()
    app.text_area(key="f_notes").input("typed before the reload").run()
    claim_id = app.session_state["claim_id"]

    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params.update({"reviewer": "ana", "article": "1", "claim": str(claim_id)})
    again.run()
    go(again, ANNOTATE)
    assert again.session_state["claim_id"] == claim_id
    assert again.text_area(key="f_notes").value == "typed before the reload"
    assert "● unsaved changes" in [c.value for c in again.caption]


def test_a_save_over_a_newer_rating_asks_and_keeps_both_choices(
    app: AppTest, sqlite_url: str
) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    app.selectbox(key="f_rel").set_value("B").run()
    app.button(key="save").click().run()
    claim_id = app.session_state["claim_id"]
    app.selectbox(key="f_rel").set_value("C").run()  # this tab: C, unsaved

    engine = make_engine(sqlite_url)

    def other_tab(session: Session) -> None:
        ana = find_reviewer(session, "ana")
        assert ana is not None
        assessments.save_assessment(
            session, claim_id, ana, AssessmentInput(source_reliability="E"), expected_version=1
        )

    write(engine, other_tab)
    app.button(key="save").click().run()
    assert any("changed elsewhere" in w.value for w in app.warning)
    table = app.dataframe[0].value
    assert ("Source reliability", "C", "E") in [tuple(r) for r in table.itertuples(index=False)]
    with db(sqlite_url) as session:
        assert session.exec(select(Assessment.source_reliability)).all() == ["E"]
    app.button(key="keep_mine").click().run()
    with db(sqlite_url) as session:
        assert session.exec(select(Assessment.source_reliability)).all() == ["C"]

    # The other way round: keep theirs.
    app.selectbox(key="f_rel").set_value("A").run()
    write(engine, lambda s: other_tab_save(s, claim_id, "F"))
    app.button(key="save").click().run()
    app.button(key="keep_theirs").click().run()
    assert app.selectbox(key="f_rel").value == "F"
    with db(sqlite_url) as session:
        assert session.exec(select(Assessment.source_reliability)).all() == ["F"]
    engine.dispose()


def other_tab_save(session: Session, claim_id: int, grade: str) -> None:
    ana = find_reviewer(session, "ana")
    assert ana is not None
    current = assessments.get_assessment(session, claim_id, ana)
    version = current.assessment.version if current else 0
    assessments.save_assessment(
        session, claim_id, ana, AssessmentInput(source_reliability=grade), expected_version=version
    )


def test_an_empty_form_never_erases_a_rating_without_clear(app: AppTest, sqlite_url: str) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    app.button(key="reject_suggestion").click().run()
    app.selectbox(key="f_rel").set_value("B").run()
    app.button(key="save").click().run()
    app.selectbox(key="f_rel").set_value("").run()
    # rejecting the suggestion left the publisher as the chain: remove it too (an empty form)
    app.pills(key="panels").select("chain").run()
    app.button(key=f"hop_remove_{hop_uids(app)[0]}").click().run()
    app.button(key="save").click().run()
    assert any("form is empty" in e.value for e in app.error)
    with db(sqlite_url) as session:
        assert session.exec(select(Assessment.source_reliability)).all() == ["B"]
    assert any("Clear your saved assessment" in w.value for w in app.warning)
    app.button(key="confirm_clear").click().run()
    with db(sqlite_url) as session:
        assert session.exec(select(Assessment)).all() == []


def test_merge_then_kind_keeps_the_merged_span_and_undo_restores(
    app: AppTest, sqlite_url: str
) -> None:
    text = DEMO_TEXT.read_text(encoding="utf-8")
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    with db(sqlite_url) as session:
        before = {c.id: (c.start, c.end, c.kind) for c in session.exec(select(Claim))}
    covered = [(s, e) for s, e, _ in before.values()]
    app.button(key="nav_next").click().run()
    app.pills(key="panels").select("bounds").run()
    claim_id = app.session_state["claim_id"]
    app.button(key="merge_next").click().run()
    assert any("merged claims 2 and 3" in s.value for s in app.success)
    with db(sqlite_url) as session:
        merged = session.get(Claim, claim_id)
        assert merged is not None
        span = (merged.start, merged.end)
    # the offset fields follow the merged claim, not the numbers shown before the merge
    assert (
        app.number_input(key="edit_start").value,
        app.number_input(key="edit_end").value,
    ) == span
    app.selectbox(key="edit_kind").set_value("opinion").run()
    app.button(key="apply_bounds").click().run()
    assert not app.exception
    with db(sqlite_url) as session:
        after = session.get(Claim, claim_id)
        assert after is not None and (after.start, after.end, after.kind) == (*span, "opinion")
        now = [(c.start, c.end) for c in session.exec(select(Claim).where(Claim.dropped == False))]  # noqa: E712
    assert uncovered_text(text, covered, now) == []

    # a stale trim is refused with a question, and nothing changes until it is confirmed
    app.number_input(key="edit_end").set_value(span[1] - 30).run()
    app.button(key="apply_bounds").click().run()
    assert any("in no claim" in w.value and "Trimming would leave" in w.value for w in app.warning)
    assert not app.error, "one question, not a refusal beside an offer"
    with db(sqlite_url) as session:
        still = session.get(Claim, claim_id)
        assert still is not None and (still.start, still.end) == span

    app.pills(key="panels").select("history").run()
    assert any("kind factual → opinion" in c.value for c in app.caption)
    app.button(key="undo_history").click().run()  # the kind
    app.button(key="undo_bounds").click().run()  # the merge
    with db(sqlite_url) as session:
        restored = {c.id: (c.start, c.end, c.kind) for c in session.exec(select(Claim))}
    assert restored == before


def test_split_fields_follow_the_claim(app: AppTest, sqlite_url: str) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    app.pills(key="panels").select("bounds").run()
    first = app.text[0].value
    cut = first.index(" ", 10)
    app.number_input(key="split_at").set_value(cut).run()
    app.button(key="split_claim").click().run()
    assert claim_heading(app) == "Claim 1 of 17"
    assert app.number_input(key="edit_end").value == app.number_input(key="edit_start").value + cut
    app.selectbox(key="edit_kind").set_value("framing").run()
    app.button(key="apply_bounds").click().run()
    assert not app.error, [e.value for e in app.error]
    assert claim_heading(app) == "Claim 1 of 17"


def test_history_panel_lists_saves_and_changes(app: AppTest, tmp_path: Path) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    app.selectbox(key="f_rel").set_value("A").run()
    app.button(key="save").click().run()
    app.pills(key="panels").select("history").run()
    assert any("ana rated claim 1 (A)" in c.value.replace("\\", "") for c in app.caption)


def test_an_edit_after_another_tab_saved_is_kept_and_asks(app: AppTest, sqlite_url: str) -> None:
    """Found walking two tabs: a clean form whose row moved on was reloaded over a grade the
    reviewer had just picked. The pick must make it a draft, and the save must ask."""
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    app.selectbox(key="f_rel").set_value("B").run()
    app.button(key="save").click().run()
    claim_id = app.session_state["claim_id"]
    engine = make_engine(sqlite_url)
    write(engine, lambda s: other_tab_save(s, claim_id, "D"))
    app.selectbox(key="f_cred").set_value(5).run()  # picked after the other tab saved
    assert app.selectbox(key="f_cred").value == 5
    assert "● unsaved changes" in [c.value for c in app.caption]
    assert any("changed elsewhere" in w.value for w in app.warning)
    app.button(key="save").click().run()
    assert any("Which one do you keep?" in w.value for w in app.warning)
    app.button(key="keep_mine").click().run()
    with db(sqlite_url) as session:
        (row,) = session.exec(select(Assessment)).all()
    assert (row.source_reliability, row.information_credibility) == ("B", 5)
    engine.dispose()


def test_details_opened_by_the_page_close_again_on_the_next_claim(app: AppTest) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    app.pills(key="panels").select("details").run()
    app.text_area(key="f_notes").input("a note").run()
    app.button(key="save").click().run()
    app.pills(key="panels").unselect("details").run()
    app.button(key="nav_next").click().run()
    app.button(key="nav_prev").click().run()
    assert app.text_area(key="f_notes").value == "a note"  # opened by the page: it has notes
    app.button(key="nav_next").click().run()
    assert not [t for t in app.text_area if t.key == "f_notes"], "closed again: not asked for"
    app.pills(key="panels").select("details").run()  # one click opens it
    assert [t for t in app.text_area if t.key == "f_notes"]
