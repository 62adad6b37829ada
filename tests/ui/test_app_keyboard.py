"""The Python side of the Annotate page's components: what the article view and the chain
field send (clicks, selections, hotkeys, chain text) changes the form and the claims through
the same services as the widgets, and a malformed value changes nothing."""

from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from factcheck.services import sources
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Assessment, ChainHopRow, Claim, HistoryEntry
from factcheck.ui.components import CHAIN_KEY, VIEW_KEY, parse_events
from tests.support.components import component_data, send
from tests.ui.test_app import (
    claim_heading,
    database,
    hop_uids,
    import_demo,
    open_annotate,
    sign_in,
)


def events(at: AppTest, *items: dict[str, object]) -> AppTest:
    seq = int(component_data(at, VIEW_KEY)["ack"]) + 1
    return send(at, VIEW_KEY, "events", {"seq": seq, "events": list(items)})


def keys(at: AppTest, *pressed: str) -> AppTest:
    return events(at, *({"type": "key", "key": k} for k in pressed))


def opened(at: AppTest) -> int:
    return int(component_data(at, VIEW_KEY)["open"])


def started(app: AppTest) -> AppTest:
    sign_in(app)
    import_demo(app)
    open_annotate(app)
    return app


def test_hotkeys_grade_accept_and_move(app: AppTest, sqlite_url: str) -> None:
    started(app)
    keys(app, "B", "2", "ENTER")  # one batch, in order: grade, grade, accept and next
    assert claim_heading(app) == "Claim 2 of 16"
    assert component_data(app, VIEW_KEY)["ack"] >= 1  # the view may send its next keys
    with database(sqlite_url) as session:
        saved = session.exec(select(Assessment)).one()
    assert (saved.source_reliability, saved.information_credibility) == ("B", 2)
    assert saved.suggestion_outcome == "accepted"
    keys(app, "J", "J")
    assert claim_heading(app) == "Claim 4 of 16"
    keys(app, "K")
    assert claim_heading(app) == "Claim 3 of 16"
    keys(app, "C")
    assert app.selectbox(key="f_rel").value == "C"
    keys(app, "S")
    assert claim_heading(app) == "Claim 3 of 16"  # S saves and stays
    keys(app, "N")
    assert claim_heading(app) == "Claim 4 of 16"  # the next claim nobody rated


def test_click_opens_a_claim_and_a_stale_or_bad_event_changes_nothing(app: AppTest) -> None:
    started(app)
    claims = component_data(app, VIEW_KEY)["claims"]
    events(app, {"type": "open", "claim": claims[5][0]})
    assert claim_heading(app) == "Claim 6 of 16" and opened(app) == claims[5][0]
    events(
        app,
        {"type": "open", "claim": 999_999},
        {"type": "key", "key": "Z"},
        {"type": "select", "action": "new", "start": -1, "end": 5},
        {"type": "select", "action": "drop_table", "start": 0, "end": 5},
        "not an event",
    )
    assert claim_heading(app) == "Claim 6 of 16"
    assert parse_events({"seq": "1", "events": [{"type": "key", "key": "<script>"}]}, 10) == (
        None,
        [],
    )


def test_selection_adds_splits_and_undoes_through_the_claims_service(
    app: AppTest, sqlite_url: str
) -> None:
    started(app)
    text = component_data(app, VIEW_KEY)["text"]
    claims = component_data(app, VIEW_KEY)["claims"]
    # trim claim 2 to its first sentence by selecting it: the page asks, as the Bounds
    # panel does, whether to keep the trimmed-off text as a dropped claim
    _, start2, end2, _, _ = claims[1]
    cut = text.index(",", start2) + 1
    events(app, {"type": "open", "claim": claims[1][0]})
    events(app, {"type": "select", "action": "extent", "start": start2, "end": cut})
    assert any("Trimming would leave" in w.value for w in app.warning)
    app.button(key="confirm_trim").click().run()
    # the trimmed-off text, selected again, becomes a new claim with exact offsets
    events(app, {"type": "select", "action": "new", "start": cut, "end": end2})
    with database(sqlite_url) as session:
        added = session.exec(
            select(Claim).where(Claim.dropped == False).order_by(Claim.id.desc())  # noqa: E712
        ).first()  # type: ignore[union-attr]
    assert added is not None and (added.start, added.end) == (cut + 1, end2)
    assert added.text == text[cut:end2].strip() == text[added.start : added.end]
    assert opened(app) == added.id
    # select inside claim 3: split there
    _, start, end, _, _ = claims[2]
    at = text.index("as American", start)
    events(app, {"type": "select", "action": "split", "start": at, "end": at + 11})
    with database(sqlite_url) as session:
        parts = session.exec(
            select(Claim).where(Claim.start >= start, Claim.end <= end).order_by(Claim.start)
        ).all()
    assert [p.text for p in parts] == [text[start:at].strip(), text[at:end].strip()]
    keys(app, "U")
    with database(sqlite_url) as session:
        assert session.exec(select(Claim).where(Claim.start == start)).one().end == end
        assert len(session.exec(select(HistoryEntry)).all()) == 4  # trim, add, split, undo


def test_marking_speaker_cue_content_and_a_hop(app: AppTest, sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    write(
        engine,
        lambda s: sources.add_source(s, "Vladimir Putin", "head_of_state", aliases=["Putin"]),
    )
    started(app)
    text = component_data(app, VIEW_KEY)["text"]
    claims = component_data(app, VIEW_KEY)["claims"]
    events(app, {"type": "open", "claim": claims[4][0]})  # “Speaking before … Putin described”
    # from a rejected suggestion (the publisher alone): what marking does, whatever the
    # suggester guessed
    app.button(key="reject_suggestion").click().run()
    _, start, _, _, _ = claims[4]
    putin = text.index("Putin", start)
    cue = text.index("described", start)
    quote = text.index("“The West", start)
    events(
        app,
        {"type": "select", "action": "speaker", "start": putin, "end": putin + 5},
        {"type": "select", "action": "cue", "start": cue, "end": cue + 9},
        {"type": "select", "action": "content", "start": quote, "end": quote + 20},
    )
    assert app.text_input(key="f_speaker").value == "Putin"
    assert app.text_input(key="f_cue").value == "described"
    marks = component_data(app, VIEW_KEY)["marks"]
    assert marks == {
        "source": [[putin, putin + 5]],
        "cue": [[cue, cue + 9]],
        "content": [[quote, quote + 20]],
    }
    chain = component_data(app, CHAIN_KEY)["value"]
    assert chain.startswith("Vladimir Putin > ")  # the registry's full name, as the origin
    reuters = text.find("Reuters")
    if reuters < 0:  # not in every version of the demo text: any registered outlet will do
        reuters = text.index("Guardian")
    events(app, {"type": "select", "action": "hop", "start": reuters, "end": reuters + 7})
    assert component_data(app, CHAIN_KEY)["value"].count(" > ") == chain.count(" > ") + 1
    keys(app, "B", "2", "S")
    with database(sqlite_url) as session:
        saved = session.exec(select(Assessment)).one()
        hops = session.exec(select(ChainHopRow).where(ChainHopRow.assessment_id == saved.id)).all()
    assert saved.spans and saved.spans[0]["source"] == [
        {"start": putin, "end": putin + 5, "text": "Putin"}
    ]
    assert saved.speaker == "Putin" and saved.cue == "described"
    assert len(hops) == chain.count(" > ") + 2


def test_chain_text_keeps_relations_and_sets_the_speaker(app: AppTest, sqlite_url: str) -> None:
    started(app)
    app.button(key="reject_suggestion").click().run()
    app.selectbox(key="f_type").set_value("direct_quote").run()
    app.text_input(key="f_cue").input("told").run()
    send(app, CHAIN_KEY, "chain", "Alexander Stubb > Finnish media > The Guardian > ZeroHedge")
    assert app.text_input(key="f_speaker").value == "Alexander Stubb"
    app.pills(key="panels").select("chain").run()
    uids = hop_uids(app)
    app.selectbox(key=f"hop_rel_{uids[2]}").set_value("translated_by").run()
    send(
        app, CHAIN_KEY, "chain", "Alexander Stubb > Finnish media > Reuters > Guardian > ZeroHedge"
    )
    rows = [
        (
            app.text_input(key=f"hop_name_{u}").value,
            app.selectbox(key=f"hop_kind_{u}").value,
            app.selectbox(key=f"hop_rel_{u}").value,
        )
        for u in hop_uids(app)
    ]
    assert rows == [
        ("Alexander Stubb", "unknown", ""),
        ("Finnish media", "unknown", "told_to"),
        ("Reuters", "wire_agency", "reported_by"),
        ("The Guardian", "newspaper", "translated_by"),  # kept, though it moved down a place
        ("ZeroHedge", "aggregator", "republished_by"),
    ]
    assert component_data(app, CHAIN_KEY)["names"]  # completion: the registry's names
    assert "AP" in component_data(app, CHAIN_KEY)["names"]  # …and its aliases


def test_a_selected_name_becomes_the_origin_before_the_chain(app: AppTest) -> None:
    started(app)
    text = component_data(app, VIEW_KEY)["text"]
    claims = component_data(app, VIEW_KEY)["claims"]
    stubb = next(c for c in claims if "Stubb said president Donald Trump" in text[c[1] : c[2]])
    events(app, {"type": "open", "claim": stubb[0]})
    before = component_data(app, CHAIN_KEY)["value"]
    assert before.startswith("Alexander Stubb > ")  # the suggestion took the one who told
    trump = text.index("Donald Trump", stubb[1])
    # "Stubb said Trump suggested": Trump is where it began, Stubb passed it on
    events(app, {"type": "select", "action": "origin", "start": trump, "end": trump + 12})
    assert component_data(app, CHAIN_KEY)["value"] == "Donald Trump > " + before
    assert app.text_input(key="f_speaker").value == "Donald Trump"  # the speaker follows
    assert component_data(app, VIEW_KEY)["marks"]["source"] == [[trump, trump + 12]]
    # the same name again changes nothing
    events(app, {"type": "select", "action": "origin", "start": trump, "end": trump + 12})
    assert component_data(app, CHAIN_KEY)["value"] == "Donald Trump > " + before
    # a rejected suggestion leaves the publisher alone: the origin goes before it
    app.button(key="reject_suggestion").click().run()
    events(app, {"type": "select", "action": "origin", "start": trump, "end": trump + 12})
    assert component_data(app, CHAIN_KEY)["value"] == "Donald Trump > ZeroHedge"
    assert app.text_input(key="f_speaker").value == "Donald Trump"


def test_the_jump_box_after_a_split_keeps_the_open_claim(app: AppTest) -> None:
    started(app)
    text = component_data(app, VIEW_KEY)["text"]
    claims = component_data(app, VIEW_KEY)["claims"]
    events(app, {"type": "open", "claim": claims[2][0]})
    box = app.selectbox(key=f"jump_{claims[2][0]}")
    shown = box.proto.options[box.proto.default]  # the label the browser shows
    at = text.index("as American", claims[2][1])
    events(app, {"type": "select", "action": "split", "start": at, "end": at + 11})
    # The browser sends back the label it showed before the split, which no option has now
    # (it once sent the reviewer to claim 1 with the next key press).
    states = app._tree.get_widget_states()
    for state in states.widgets:
        if state.id == app.selectbox(key=f"jump_{claims[2][0]}").id:
            state.string_value = shown
    app._run(states)
    assert not app.exception
    assert claim_heading(app) == "Claim 3 of 17"
    keys(app, "S")
    assert claim_heading(app) == "Claim 3 of 17"
    assert app.selectbox(key=f"jump_{claims[2][0]}").value == claims[2][0]
