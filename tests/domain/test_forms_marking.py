"""The Annotate form's marking and chain-as-text rules (factcheck.domain.forms): marks on the
first attribution, a chain typed as text keeping every known hop's relation, the speaker as the
chain's origin."""

from __future__ import annotations

from itertools import count

from factcheck.domain.forms import (
    FormValues,
    Hop,
    chain_text,
    insert_hop,
    link_speaker,
    mark_span,
    marked_ranges,
    origin_for_speaker,
    rechain,
)

REGISTRY = {
    "putin": ("Vladimir Putin", "head_of_state"),
    "vladimir putin": ("Vladimir Putin", "head_of_state"),
    "reuters": ("Reuters", "wire_agency"),
    "guardian": ("The Guardian", "newspaper"),
    "zerohedge": ("ZeroHedge", "aggregator"),
}


def resolve(name: str) -> tuple[str, str] | None:
    return REGISTRY.get(name.strip().casefold().removeprefix("the "))


def uids():  # type: ignore[no-untyped-def]
    return count(100).__next__


def test_marks_go_on_the_first_attribution_and_content_takes_pieces() -> None:
    brat = {"label": "Attribution", "source": [], "cue": [], "content": [], "brat": {"event": "E1"}}
    spans = mark_span([{"label": "Discard"}, brat], "source", 0, 5, "Putin")
    spans = mark_span(spans, "content", 10, 20, "x" * 10)
    spans = mark_span(spans, "content", 30, 40, "y" * 10)
    spans = mark_span(spans, "content", 15, 32, "z" * 17)  # replaces both pieces it overlaps
    assert spans[0] == {"label": "Discard"}
    assert spans[1]["brat"] == {"event": "E1"}  # BRAT ids stay: the export writes the new ranges
    assert marked_ranges(spans) == {"source": [[0, 5]], "cue": [], "content": [[15, 32]]}
    assert brat["source"] == []  # a new list: the form's baseline keeps its own
    assert mark_span(None, "cue", 1, 4, "say")[0]["cue"] == [{"start": 1, "end": 4, "text": "say"}]


def test_inserting_a_hop_keeps_every_other_hops_relation() -> None:
    hops = [
        Hop(1, "Alexander Stubb", "head_of_state", ""),
        Hop(2, "Finnish media", "national_media", "told_to"),
        Hop(3, "The Guardian", "newspaper", "translated_by"),
        Hop(4, "ZeroHedge", "aggregator", "republished_by"),
    ]
    typed = "Alexander Stubb > Finnish media > reuters > The Guardian > ZeroHedge"
    new = rechain(hops, typed, resolve, uids())
    assert [(h.uid, h.name, h.kind, h.relation) for h in new] == [
        (1, "Alexander Stubb", "head_of_state", ""),
        (2, "Finnish media", "national_media", "told_to"),
        (100, "Reuters", "wire_agency", "reported_by"),
        (3, "The Guardian", "newspaper", "translated_by"),
        (4, "ZeroHedge", "aggregator", "republished_by"),
    ]
    assert chain_text(new) == typed.replace("reuters", "Reuters")
    # moved to the front, a hop loses its relation (the origin has none)
    assert rechain(hops, "ZeroHedge > Finnish media", resolve, uids())[0].relation == ""
    inserted = insert_hop(hops, "Reuters", resolve, uids())
    assert [h.name for h in inserted][-3:] == ["The Guardian", "Reuters", "ZeroHedge"]
    assert [h.relation for h in inserted][:4] == ["", "told_to", "translated_by", "reported_by"]


def test_relations_of_new_hops_come_from_the_registry_then_the_cue() -> None:
    new = rechain([], "Putin > TASS > ZeroHedge", resolve, uids(), cue="told")
    assert [(h.name, h.kind, h.relation) for h in new] == [
        ("Vladimir Putin", "head_of_state", ""),
        ("TASS", "unknown", "told_to"),
        ("ZeroHedge", "aggregator", "republished_by"),
    ]


def test_the_speaker_is_the_chains_origin_both_ways() -> None:
    values = FormValues(speaker="Putin", hops=[Hop(1, "ZeroHedge", "aggregator", "")])
    assert link_speaker(values, "", resolve, uids(), "ZeroHedge")
    assert [(h.name, h.kind, h.relation) for h in values.hops] == [
        ("Vladimir Putin", "head_of_state", ""),
        ("ZeroHedge", "aggregator", "republished_by"),
    ]
    values.speaker = "Alexander Stubb"  # correcting the speaker corrects the origin
    assert link_speaker(values, "Putin", resolve, uids())
    assert chain_text(values.hops) == "Alexander Stubb > ZeroHedge"
    assert values.hops[1].relation == "republished_by"
    old = [Hop(h.uid, h.name, h.kind, h.relation) for h in values.hops]
    values.hops = rechain(values.hops, "Putin > ZeroHedge", resolve, uids())
    assert origin_for_speaker(values, old) and values.speaker == "Vladimir Putin"
    empty = FormValues(speaker="Putin")
    assert link_speaker(empty, "", resolve, uids(), "ZeroHedge")
    assert chain_text(empty.hops) == "Vladimir Putin > ZeroHedge"
