"""The web UI, driven with Streamlit's AppTest as a reviewer would: import the demo article,
walk and edit its claims, attribute and rate the Stubb quote, and find it in the export."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from factcheck.domain.display import markdown_literal
from factcheck.interchange.export import csv_bytes
from factcheck.store.engine import make_engine
from factcheck.store.models import Article, Assessment, Claim
from factcheck.ui.components import CHAIN_KEY, VIEW_KEY
from tests.conftest import DEMO_TEXT, ROOT
from tests.support.components import component_data, send

APP = str(ROOT / "app.py")
ANNOTATE = "factcheck/ui/pages/annotate.py"
PAGES = [
    "factcheck/ui/pages/articles.py",
    ANNOTATE,
    "factcheck/ui/pages/sources.py",
    "factcheck/ui/pages/export.py",
]
STUBB_CHAIN = ["Alexander Stubb", "Finnish media", "Reuters", "The Guardian", "ZeroHedge"]


def sign_in(at: AppTest, name: str = "ana") -> None:
    at.text_input(key="new_reviewer_name").input(name)
    at.button(key="create_reviewer").click().run()
    assert not at.exception


def import_demo(at: AppTest) -> None:
    at.text_area(key="paste_text").input(DEMO_TEXT.read_text(encoding="utf-8"))
    at.text_input(key="paste_outlet").input("ZeroHedge")
    at.text_input(key="paste_url").input("https://example.org/nato")
    at.text_input(key="paste_published").input("2025-09-05")
    at.button(key="paste_import").click().run()
    assert not at.exception


def open_annotate(at: AppTest) -> None:
    at.button(key="open_article").click().run()
    at.switch_page(ANNOTATE)
    at.run()
    assert not at.exception


def article_html(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.html)


def claim_heading(at: AppTest) -> str:
    return at.subheader[0].value


def hop_uids(at: AppTest) -> list[int]:
    """The chain editor's hops in order, by the uid that keys their widgets."""
    return [
        int(str(t.key).removeprefix("hop_name_"))
        for t in at.text_input
        if str(t.key).startswith("hop_name_")
    ]


def database(sqlite_url: str) -> Session:
    return Session(make_engine(sqlite_url))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_database(app: AppTest, page: str) -> None:
    sign_in(app)
    app.switch_page(page)
    app.run()
    assert not app.exception, app.exception


def test_sidebar_shows_the_reviewer_and_the_database_without_password(app: AppTest) -> None:
    sign_in(app)
    sidebar_text = " ".join(m.value for m in app.sidebar.markdown) + " ".join(
        c.value for c in app.sidebar.caption
    )
    assert "ana" in sidebar_text
    assert markdown_literal("SQLite:") in sidebar_text  # Markdown shows it as text


def test_import_paste_then_duplicate_is_reported(app: AppTest) -> None:
    sign_in(app)
    import_demo(app)
    assert any("Imported article" in s.value for s in app.success)
    table = app.dataframe[0].value
    assert list(table["outlet"]) == ["ZeroHedge"]
    assert list(table["my progress"]) == ["0/16"]
    app.button(key="paste_import").click().run()
    assert any("already imported" in e.value for e in app.error)
    assert len(app.dataframe[0].value) == 1


def test_bad_upload_is_refused_with_a_message(app: AppTest) -> None:
    sign_in(app)
    app.file_uploader(key="upload_files").upload(
        "scan.txt", b"%PDF-1.4\n\x00\x01binary", "text/plain"
    ).run()
    app.button(key="import_files").click().run()
    assert not app.exception
    assert any("not a text file" in e.value for e in app.error)
    assert not app.dataframe  # nothing stored


def test_uploading_several_files_imports_each(app: AppTest, tmp_path: Path) -> None:
    sign_in(app)
    uploads = app.file_uploader(key="upload_files")
    uploads.upload("one.txt", b"The mayor said the bridge will reopen on Monday.", "text/plain")
    uploads.upload(
        "two.md", b"# Storm\n\nForecasters said the storm would weaken by Friday.", "text/markdown"
    )
    app.run()
    app.button(key="import_files").click().run()
    assert not app.exception
    assert len(app.dataframe[0].value) == 2


def test_walk_edit_attribute_rate_and_export(app: AppTest, sqlite_url: str) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    assert claim_heading(app) == "Claim 1 of 16"
    assert "NATO Troops In Ukraine" in app.text[0].value

    # walk: next, next, previous
    app.button(key="nav_next").click().run()
    app.button(key="nav_next").click().run()
    assert claim_heading(app) == "Claim 3 of 16"
    app.button(key="nav_prev").click().run()
    assert claim_heading(app) == "Claim 2 of 16"

    # merge claim 2 with 3, then split it back at the same point
    second = app.text[0].value
    app.pills(key="panels").select("bounds").run()
    app.button(key="merge_next").click().run()
    assert claim_heading(app) == "Claim 2 of 15"
    merged = app.text[0].value
    assert merged.startswith(second) and len(merged) > len(second)
    app.number_input(key="split_at").set_value(len(second)).run()
    app.button(key="split_claim").click().run()
    assert claim_heading(app) == "Claim 2 of 16"
    assert app.text[0].value == second

    # jump to the Stubb quote and fill attribution, chain and grades
    with database(sqlite_url) as session:
        stubb = session.exec(select(Claim).where(Claim.text.contains("Trump’s approach"))).one()
    jump = app.selectbox(key="jump_" + str(app.session_state["claim_id"]))
    jump.set_value(stubb.id).run()
    assert "Trump’s approach" in app.text[0].value
    app.button(key="reject_suggestion").click().run()
    app.selectbox(key="f_type").set_value("direct_quote")
    app.text_input(key="f_speaker").input("Alexander Stubb")
    app.text_input(key="f_cue").input("told")
    app.pills(key="panels").select("chain").run()
    # the speaker became the origin before the publisher; the rest is typed as one line
    assert [app.text_input(key=f"hop_name_{u}").value for u in hop_uids(app)] == [
        "Alexander Stubb",
        "ZeroHedge",
    ]
    send(app, CHAIN_KEY, "chain", " > ".join(STUBB_CHAIN))
    kinds = ["head_of_state", "national_media", "wire_agency", "newspaper", "aggregator"]
    relations = ["", "told_to", "reported_by", "reported_by", "republished_by"]
    for uid, kind, relation in zip(hop_uids(app), kinds, relations, strict=True):
        app.selectbox(key=f"hop_kind_{uid}").set_value(kind)
        if relation:
            app.selectbox(key=f"hop_rel_{uid}").set_value(relation)
    app.selectbox(key="f_rel").set_value("B")
    app.selectbox(key="f_cred").set_value(2)
    app.run()
    assert "● unsaved changes" in [c.value for c in app.caption]
    assert any("Suggested sourcing score" in m.value for m in app.markdown)
    app.button(key="save").click().run()
    assert not app.exception
    assert any("Saved" in s.value for s in app.success)
    assert "B2" in " ".join(s.value for s in app.success)

    rows = list(csv.DictReader(io.StringIO(csv_bytes(database(sqlite_url)).decode("utf-8"))))
    row = next(r for r in rows if r["claim_id"] == str(stubb.id))
    assert row["reviewer"] == "ana"
    assert row["chain"] == " > ".join(STUBB_CHAIN)
    assert row["chain_kinds"] == " > ".join(kinds)
    assert row["grade"] == "B2"
    assert row["speaker"] == "Alexander Stubb" and row["cue"] == "told"
    assert row["attribution_type"] == "direct_quote"


def test_moving_away_keeps_the_draft_and_lists_it(app: AppTest, sqlite_url: str) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    assert not app.text_area, "details are folded away while empty"
    app.pills(key="panels").select("details").run()
    app.text_area(key="f_notes").input("half-typed note").run()
    app.button(key="nav_next").click().run()
    assert claim_heading(app) == "Claim 2 of 16"  # moving on is never blocked
    assert any("1 unsaved draft" in c.value for c in app.caption)
    first_id = int(
        str(next(b.key for b in app.button if str(b.key).startswith("open_draft_"))).removeprefix(
            "open_draft_"
        )
    )
    app.button(key=f"open_draft_{first_id}").click().run()
    assert claim_heading(app) == "Claim 1 of 16"
    assert app.text_area(key="f_notes").value == "half-typed note"
    assert "● unsaved changes" in [c.value for c in app.caption]
    with database(sqlite_url) as session:
        assert session.exec(select(Assessment)).all() == []  # a draft is not a rating
    app.button(key="save").click().run()
    app.pills(key="panels").unselect("details").run()
    app.button(key="nav_next").click().run()
    app.button(key="nav_prev").click().run()
    # saved, not lost, and shown: a claim whose assessment has notes opens its details
    assert app.text_area(key="f_notes").value == "half-typed note"
    assert not any("unsaved draft" in c.value for c in app.caption)


def test_accept_and_next_rates_the_article_in_two_actions_per_claim(
    app: AppTest, sqlite_url: str
) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    with database(sqlite_url) as session:
        claims = len(session.exec(select(Claim).where(Claim.dropped == False)).all())  # noqa: E712
    assert claims == 16

    def all_rated() -> bool:
        shown = " ".join(s.value for s in app.success).lower()
        return "every claim of this article is rated" in shown

    # Grade and accept until the page says the article is done; the bound only stops a page
    # that would never get there (accept and next staying on a claim, or skipping one).
    actions = 0
    visited: list[str] = []
    while not all_rated() and actions < 4 * claims:
        visited.append(claim_heading(app))
        app.selectbox(key="f_rel").set_value("C")  # action 1: grade
        actions += 1
        app.button(key="accept_next").click().run()  # action 2: accept the suggestion, move on
        actions += 1
        assert not app.exception, app.exception
    assert all_rated(), f"not done after {actions} actions"
    assert actions == 2 * claims, f"{actions} actions for {claims} claims"
    assert len(set(visited)) == claims, "accept and next visited a claim twice"
    with database(sqlite_url) as session:
        saved = session.exec(select(Assessment)).all()
    assert len(saved) == claims
    assert {a.suggestion_outcome for a in saved} == {"accepted"}
    assert all(a.source_reliability == "C" for a in saved)
    assert any(f"{claims} accepted unchanged" in c.value for c in app.caption)


def test_chain_edits_survive_closing_the_chain_editor(app: AppTest, sqlite_url: str) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    app.button(key="reject_suggestion").click().run()
    # rejecting leaves the publisher's own assertion: the publisher as the one-hop chain
    assert component_data(app, CHAIN_KEY)["value"] == "ZeroHedge"
    app.pills(key="panels").select("chain").run()
    app.button(key=f"hop_remove_{hop_uids(app)[0]}").click().run()
    assert any("No chain yet" in c.value for c in app.caption)
    for name in ("Vladimir Putin", "TASS"):
        app.button(key="add_hop").click().run()
        app.text_input(key=f"hop_name_{hop_uids(app)[-1]}").input(name).run()
    first = hop_uids(app)[0]
    app.selectbox(key=f"hop_kind_{first}").set_value("head_of_state").run()
    # typed, then the editor closed before saving: nothing typed is lost
    app.pills(key="panels").unselect("chain").run()
    assert not [t for t in app.text_input if str(t.key).startswith("hop_name_")]
    app.run()
    app.pills(key="panels").select("chain").run()
    names = [t.value for t in app.text_input if str(t.key).startswith("hop_name_")]
    assert names == ["Vladimir Putin", "TASS"]
    app.pills(key="panels").unselect("chain").run()
    # the same for the details
    app.pills(key="panels").select("details").run()
    app.checkbox(key="f_corr").check()
    app.text_input(key="f_corr_by").input("Kremlin transcript").run()
    app.pills(key="panels").unselect("details").run()
    app.run()
    app.selectbox(key="f_rel").set_value("C")
    app.button(key="save").click().run()
    assert not app.exception
    rows = list(csv.DictReader(io.StringIO(csv_bytes(database(sqlite_url)).decode("utf-8"))))
    assert [(r["chain"], r["chain_kinds"]) for r in rows] == [
        ("Vladimir Putin > TASS", "head_of_state > unknown")
    ]
    assert (rows[0]["corroborated"], rows[0]["corroborated_by"]) == ("true", "Kremlin transcript")


def test_suggestions_for_the_whole_article_on_demand(app: AppTest) -> None:
    sign_in(app)
    import_demo(app)
    open_annotate(app)

    def states() -> set[str]:
        return {state for _, _, _, state, _ in component_data(app, VIEW_KEY)["claims"]}

    assert not app.dataframe and "suggested" not in states()
    app.pills(key="panels").select("suggestions").run()
    table = app.dataframe[0].value
    assert "Alexander Stubb" in set(table["speaker"])
    assert "suggested" in states(), "claims with a suggestion are marked"


def test_article_text_with_html_is_shown_as_text(app: AppTest) -> None:
    sign_in(app)
    payload = (
        'Officials said <script>alert("x")</script> and <img src=x onerror=alert(1)> were found.'
    )
    app.text_area(key="paste_text").input(payload)
    app.text_input(key="paste_title").input('<b onmouseover="alert(2)">Title</b>')
    app.button(key="paste_import").click().run()
    open_annotate(app)
    body = article_html(app)
    assert "<script>" not in body and "<img" not in body
    # the article view gets the text as data and inserts it with textContent (the browser
    # test checks that nothing runs); no HTML of the article is built on the server
    assert component_data(app, VIEW_KEY)["text"] == payload
    assert app.title[0].value == markdown_literal('<b onmouseover="alert(2)">Title</b>')


def enclosing_blocks(at: AppTest, key: str) -> list[Any]:
    """The blocks (columns, popovers, expanders…) around the widget with `key`, outermost first."""

    def search(node: Any, path: list[Any]) -> list[Any] | None:
        if getattr(node, "key", None) == key:
            return path
        children = getattr(node, "children", None)
        for child in children.values() if isinstance(children, dict) else ():
            found = search(child, [*path, node])
            if found is not None:
                return found
        return None

    found = search(at.main, [])
    assert found is not None, f"no widget {key!r} on the page"
    return found


def articles_in(sqlite_url: str) -> int:
    with database(sqlite_url) as session:
        return len(session.exec(select(Article)).all())


def test_delete_needs_confirmation(app: AppTest, sqlite_url: str) -> None:
    sign_in(app)
    import_demo(app)
    assert len(app.dataframe) == 1
    # The one button that deletes is inside the "Delete…" popover: the first click only opens
    # it, and the page has no other button that deletes.
    deleting = [b for b in app.button if "delete" in str(b.label).lower()]
    assert [b.key for b in deleting] == ["confirm_delete"]
    popovers = [b for b in enclosing_blocks(app, "confirm_delete") if b.type == "popover"]
    assert [p.proto.popover.label for p in popovers] == ["Delete…"]
    # Everything else on the page, clicked once, deletes nothing.
    # open_article and annotate_imported go to the Annotate page; switch_reviewer signs out
    skipped = ("confirm_delete", "open_article", "annotate_imported", "switch_reviewer")
    others = [b.key for b in app.button if b.key not in skipped]
    for key in others:
        if not app.button(key=key).disabled:
            app.button(key=key).click().run()
            assert not app.exception, app.exception
    app.run()
    assert articles_in(sqlite_url) == 1
    assert len(app.dataframe) == 1
    assert not any("Deleted article" in s.value for s in app.success)
    app.button(key="open_article").click().run()
    assert not app.exception, app.exception
    assert articles_in(sqlite_url) == 1
    # Confirming deletes it, from the database too.
    app.switch_page(PAGES[0])
    app.run()
    app.button(key="confirm_delete").click().run()
    assert not app.exception, app.exception
    assert articles_in(sqlite_url) == 0
    app.run()
    assert not app.dataframe


def test_an_unreachable_database_is_one_message_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://ana:s3cret@127.0.0.1:1/desk")
    from factcheck.config import get_settings

    get_settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    get_settings.cache_clear()
    assert not at.exception
    messages = [e.value for e in at.error]
    shown = markdown_literal("cannot open PostgreSQL: ana@127.0.0.1:1/desk")
    assert len(messages) == 1 and shown in messages[0]
    page_text = " ".join(messages + [c.value for c in at.caption] + [m.value for m in at.markdown])
    assert "s3cret" not in page_text
