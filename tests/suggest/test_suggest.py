"""The attribution and chain suggester: patterns, speakers, chains, the demo article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.suggest import suggest_attributions, suggest_for_claim, suggest_for_claims
from schemas.spans import Span, SuggestedAttribution
from schemas.vocab import AttributionType, Relation, SourceKind
from tests.conftest import ROOT

DATA = ROOT / "data"
DEMO = DATA / "zerohedge-2025-09-05-nato-troops.txt"
DEMO_REF = DATA / "zerohedge-2025-09-05-nato-troops.expected.json"


def spans(s: SuggestedAttribution) -> list[Span]:
    return s.content if isinstance(s.content, list) else [s.content]


def only(text: str, publisher: str | None = "ZeroHedge") -> SuggestedAttribution:
    found = suggest_attributions(text, publisher)
    assert len(found) == 1, found
    return found[0]


def names(s: SuggestedAttribution) -> list[str]:
    return [h.name for h in s.chain]


# ---------------------------------------------------------------- cue patterns


def test_x_said_paraphrase() -> None:
    s = only("Finance minister Anna Berg said the budget would be balanced by 2027.")
    assert s.attribution_type == AttributionType.indirect
    assert s.source and s.source.text == "Finance minister Anna Berg"
    assert s.cue and s.cue.text == "said"
    assert spans(s)[0].text == "the budget would be balanced by 2027"
    assert s.speaker == "Anna Berg"
    assert s.chain[-1].relation == Relation.paraphrased_by


def test_quote_then_said_x() -> None:
    s = only("“We will not retreat,” said Anna Berg.")
    assert s.attribution_type == AttributionType.direct_quote
    assert s.source and s.source.text == "Anna Berg"
    assert spans(s)[0].text == "“We will not retreat,”"
    assert s.chain[-1].relation == Relation.quoted_by


def test_quote_then_x_has_stated_with_appositive() -> None:
    text = (
        "“Prices will fall,” a Swedish analyst, Per Holm, editor of the Nordic Review, has stated."
    )
    s = only(text)
    assert s.cue and s.cue.text == "has stated"
    assert s.speaker == "Per Holm"
    assert s.chain[0].kind == SourceKind.analyst


def test_according_to_at_end() -> None:
    s = only("Turnout fell to 41 percent, according to the electoral commission.")
    assert s.cue and s.cue.text == "according to"
    assert s.source and s.source.text == "the electoral commission"
    assert spans(s)[0].text == "Turnout fell to 41 percent"


def test_according_to_at_start() -> None:
    s = only("According to Reuters, the talks collapsed on Monday.")
    assert s.source and s.source.text == "Reuters"
    assert spans(s)[0].text == "the talks collapsed on Monday"
    assert s.speaker == "Reuters"
    assert s.chain[0].kind == SourceKind.wire_agency


def test_paraphrase_then_x_said() -> None:
    s = only("The talks will resume next week, Anna Berg said.")
    assert s.source and s.source.text == "Anna Berg"
    assert spans(s)[0].text == "The talks will resume next week"


def test_x_told_y_that() -> None:
    s = only("Anna Berg told reporters that the plan was dead.")
    assert s.cue and s.cue.text == "told"
    assert spans(s)[0].text == "that the plan was dead"


def test_told_media_is_a_hop() -> None:
    s = only("“We act together,” Anna Berg told Swedish media.", publisher="ZeroHedge")
    assert names(s) == ["Anna Berg", "Swedish media", "ZeroHedge"]
    assert s.chain[1].relation == Relation.told_to
    assert s.chain[1].kind == SourceKind.national_media


def test_reported_by_wire_is_a_hop() -> None:
    text = "“We act together,” Anna Berg told Swedish media, Reuters reported."
    found = suggest_attributions(text, "ZeroHedge")
    # PolNeAR also annotates the outer attribution ("Reuters reported").
    s = next(f for f in found if f.source and f.source.text == "Anna Berg")
    assert names(s) == ["Anna Berg", "Swedish media", "Reuters", "ZeroHedge"]
    assert s.chain[2].relation == Relation.reported_by


def test_in_an_interview_with_outlet_is_a_hop() -> None:
    s = only("In an interview with the BBC, Anna Berg said the plan was dead.")
    assert "BBC" in names(s)


def test_multi_sentence_quote_stays_one_content() -> None:
    text = "“We will hold. We will not retreat. Nobody doubts it,” Anna Berg said."
    s = only(text)
    assert spans(s)[0].text == "“We will hold. We will not retreat. Nobody doubts it,”"


def test_continuation_quote_joins_the_attribution() -> None:
    text = "“We will hold,” Anna Berg said. “Nobody doubts it.”"
    s = only(text)
    assert [sp.text for sp in spans(s)] == ["“We will hold,”", "“Nobody doubts it.”"]


def test_mixed_quote() -> None:
    s = only("Anna Berg said the plan was “dead on arrival and beyond repair” in Brussels.")
    assert s.attribution_type == AttributionType.mixed


# ---------------------------------------------------------------- speakers


def test_pronoun_resolves_to_full_name_given_earlier() -> None:
    text = "Prime Minister Anna Berg said taxes would rise. “It is necessary,” she added."
    found = suggest_attributions(text, "ZeroHedge")
    assert [s.speaker for s in found] == ["Anna Berg", "Anna Berg"]
    assert found[1].chain[0].kind == SourceKind.head_of_state


def test_short_name_resolves_to_full_name() -> None:
    text = "Finland’s president Alexander Stubb met Nordic leaders. Later Stubb said sanctions would follow."
    s = only(text)
    assert s.speaker == "Alexander Stubb"
    assert s.chain[0].kind == SourceKind.head_of_state


# ---------------------------------------------------------------- vague, anonymous, none


def test_reportedly_is_vague() -> None:
    s = only("The plan will reportedly be finalized next week.")
    assert s.attribution_type == AttributionType.vague
    assert s.cue and s.cue.text == "reportedly"
    assert names(s) == ["unnamed reports", "ZeroHedge"]
    assert s.chain[-1].relation == Relation.reported_by


def test_some_analysts_is_vague() -> None:
    s = only("Some analysts read it as a sign of weakness.")
    assert s.attribution_type == AttributionType.vague
    assert s.speaker == "some analysts"
    assert s.chain[0].kind == SourceKind.anonymous


def test_source_familiar_is_anonymous() -> None:
    s = only("A source familiar with the talks said the deal was close.")
    assert s.attribution_type == AttributionType.anonymous
    assert s.chain[0].kind == SourceKind.anonymous


def test_no_attribution_gives_nothing_or_unattributed() -> None:
    text = "The bridge was built in 1932. It carries four lanes."
    assert suggest_attributions(text, "ZeroHedge") == []
    extra = suggest_attributions(text, "ZeroHedge", include_unattributed=True)
    assert [s.attribution_type for s in extra] == [AttributionType.unattributed] * 2
    claim = suggest_for_claim(text, 0, 29, "ZeroHedge")
    assert claim.attribution_type == AttributionType.unattributed
    assert names(claim) == ["ZeroHedge"]
    assert spans(claim)[0].text == text[0:29]


def test_dateline_wire_is_republished() -> None:
    text = "PARIS (AFP) – The minister said the strike would end on Friday."
    s = only(text, publisher="Breitbart")
    assert names(s) == ["unnamed source", "Agence France-Presse", "Breitbart News"] or names(s)[
        -2:
    ] == [
        "Agence France-Presse",
        "Breitbart News",
    ]
    assert s.chain[-1].relation == Relation.republished_by


def test_translation_hop() -> None:
    text = "Putin said “we will respond,” according to state media translation."
    found = suggest_attributions(text, "ZeroHedge")
    # PolNeAR also annotates the outer attribution ("according to state media translation").
    s = next(f for f in found if f.source and f.source.text == "Putin")
    assert Relation.translated_by in [h.relation for h in s.chain]
    assert "state media" in names(s)


def test_score_comes_from_sourcing_score() -> None:
    s = only("“We will hold,” Anna Berg said.")
    assert 0 <= s.score <= 100
    assert s.reasons


def test_json_shape() -> None:
    s = only("“We will hold,” Anna Berg said.")
    dumped = s.model_dump(mode="json")
    assert set(dumped) >= {"attribution_type", "source", "cue", "content", "chain", "score"}
    assert set(dumped["source"]) == {"start", "end", "text"}
    assert set(dumped["chain"][0]) == {"name", "kind", "relation"}


def test_x_has_stated_before_content() -> None:
    s = only("Finance minister Anna Berg has stated that the budget will balance.")
    assert s.cue and s.cue.text == "has stated"
    assert s.source and s.source.text == "Finance minister Anna Berg"
    assert spans(s)[0].text == "that the budget will balance"


def test_framing_as_follows_carries_to_the_next_paragraph() -> None:
    text = (
        "One such example is featured in The Guardian as follows:\n"
        "Finland’s president Alexander Stubb said the talks would go on."
    )
    found = suggest_attributions(text, "ZeroHedge")
    s = next(f for f in found if f.cue and f.cue.text == "said")
    assert names(s) == ["Alexander Stubb", "The Guardian", "ZeroHedge"]
    assert s.chain[-1].relation == Relation.republished_by


def test_publisher_is_the_last_hop_of_every_chain() -> None:
    text = "Anna Berg said the plan was dead. “It is over,” she told the BBC."
    found = suggest_attributions(text, "ZeroHedge")
    assert found and all(f.chain[-1].name == "ZeroHedge" for f in found)


def test_changing_a_suggestion_does_not_change_the_next_answer() -> None:
    text = "Finance minister Anna Berg told Reuters that the budget would be balanced."
    first = suggest_attributions(text, "ZeroHedge")
    expected = [s.model_dump() for s in first]
    first[0].chain[0].name = "Someone else"
    first[0].chain.append(first[0].chain[0])
    first[0].reasons.clear()
    again = suggest_attributions(text, "ZeroHedge")  # from the cache
    assert [s.model_dump() for s in again] == expected
    again[0].chain[0].name = "Changed again"
    assert [s.model_dump() for s in suggest_attributions(text, "ZeroHedge")] == expected


# ---------------------------------------------------------------- learned tagger


def test_learned_model_ships_inside_the_package() -> None:
    """The weights load from the package (no ../shared, no download) and stay small."""
    import factcheck
    from factcheck.suggest.model import WEIGHTS_PATH, load_model

    package = Path(factcheck.__file__).resolve().parent
    assert WEIGHTS_PATH.is_relative_to(package)
    assert WEIGHTS_PATH.stat().st_size < 8_000_000
    assert load_model() is not None


@pytest.mark.parametrize(
    ("text", "source", "cue", "content"),
    [
        (
            "Donald Trump is once again questioning the integrity of the U.S. voting system.",
            "Donald Trump",
            "is once again questioning",
            "the integrity of the U.S. voting system",
        ),
        (
            "The city of Phoenix is demanding that the campaign stop using the image.",
            "The city of Phoenix",
            "is demanding",
            "that the campaign stop using the image",
        ),
    ],
)
def test_learned_tagger_finds_cues_the_rules_miss(
    text: str, source: str, cue: str, content: str
) -> None:
    assert suggest_attributions(text, "ZeroHedge", learned=False) == []
    s = only(text)
    assert (s.source and s.source.text, s.cue and s.cue.text, spans(s)[0].text) == (
        source,
        cue,
        content,
    )
    assert s.attribution_type == AttributionType.indirect
    assert len(s.chain) == 2 and s.chain[-1].name == "ZeroHedge"
    assert s.chain[0].name in source


def test_every_token_has_a_full_row_of_features() -> None:
    """The tagger cuts one flat feature list into rows of `*_WIDTH`: a feature added or
    dropped without changing the width would shift every token after the first."""
    from factcheck.suggest import model as am

    text = "“It is over,” Anna Berg, the minister, told Reuters on Monday: the plan is dead."
    toks = am.tokens(text, 0, len(text), [(0, 14)])
    sent_of = [0] * len(toks)
    cue = next(i for i, t in enumerate(toks) if t.text == "told")
    for rows, width in (
        (am.cue_features(toks), am.CUE_WIDTH),
        (am.role_features(toks, sent_of, cue, cue), am.ROLE_WIDTH),
    ):
        assert len(rows) == len(toks)
        assert {len(row) for row in rows} == {width}
        assert all(row[0] == "b" for row in rows)  # each row starts at its bias feature
        assert [row[1].split("=")[0] for row in rows] == [rows[0][1].split("=")[0]] * len(rows)


def test_names_from_before_the_split_into_modules_stay_importable() -> None:
    """bench/train_attribution.py computes the tagger's units with these."""
    from factcheck.suggest import (  # noqa: F401
        _Attr,
        _conventions,
        _fallback_content,
        _paragraphs,
        _quote_spans,
        _sentences,
    )

    text = "“We act,” Berg said. “Now.”\nNext line."
    units = [(a, b, _quote_spans(text, a, b)) for a, b in _paragraphs(text)]
    assert [[text[s:e] for s, e in _sentences(text, a, b, q)] for a, b, q in units] == [
        ["“We act,” Berg said.", "“Now.”"],
        ["Next line."],
    ]


def test_rules_win_on_claims_they_cover() -> None:
    """suggest_for_claim keeps the rules' chain where they find the claim's attribution."""
    text = "“We act together,” Anna Berg told Swedish media, Reuters reported."
    claim = suggest_for_claim(text, 0, 18, "ZeroHedge")
    assert names(claim) == ["Anna Berg", "Swedish media", "Reuters", "ZeroHedge"]


def _conventional(text: str, source: str | None, cue: str) -> tuple[str | None, str]:
    """Source and cue text after `conventions`, from the first occurrences given."""
    from factcheck.suggest.candidates import Candidate
    from factcheck.suggest.merge import conventions

    src = (text.index(source), text.index(source) + len(source)) if source else None
    c0 = text.index(cue, src[1] if src else 0)
    attr = Candidate(AttributionType.indirect, src, (c0, c0 + len(cue)), [], 0, (0, len(text)))
    conventions(text, attr)
    assert attr.cue is not None
    got_src = text[attr.source[0] : attr.source[1]] if attr.source else None
    return got_src, text[attr.cue[0] : attr.cue[1]]


@pytest.mark.parametrize(
    ("text", "source", "cue", "want"),
    [
        # A pronoun's contraction belongs to the cue, an expletive "it's" stays whole.
        ("He’s claiming that it works.", "He’s", "claiming", ("He", "’s claiming")),
        ("It’s obvious that it works.", None, "It’s obvious", (None, "It’s obvious")),
        # Auxiliaries and adverbs before a cue join it; "reportedly" stays alone.
        ("Berg would later describe it.", "Berg", "describe", ("Berg", "would later describe")),
        ("The plan will reportedly fail.", None, "reportedly", (None, "reportedly")),
        # An appositive's closing comma is part of the source, a plain name's is not.
        (
            "Anna Berg, the minister, said so.",
            "Anna Berg, the minister",
            "said",
            ("Anna Berg, the minister,", "said"),
        ),
        ("Trump, said so.", "Trump,", "said", ("Trump", "said")),
    ],
)
def test_span_conventions(
    text: str, source: str | None, cue: str, want: tuple[str | None, str]
) -> None:
    assert _conventional(text, source, cue) == want


def test_fallback_content_for_a_cue_without_one() -> None:
    from factcheck.suggest.merge import fallback_content

    text = "The budget will be balanced, the ministry has learned."
    src = (text.index("the ministry"), text.index(" has"))
    cue = (text.index("has learned"), text.index("."))
    got = fallback_content(text, (0, len(text)), src, cue)
    assert [text[a:b] for a, b in got] == ["The budget will be balanced"]
    text = "Berg insisted on Monday the budget would be balanced."
    cue = (text.index("insisted"), text.index(" on"))
    got = fallback_content(text, (0, len(text)), (0, 4), cue)
    assert [text[a:b] for a, b in got] == ["on Monday the budget would be balanced"]


# ---------------------------------------------------------------- demo article


@pytest.fixture(scope="module")
def demo() -> tuple[str, dict]:
    text = DEMO.read_text(encoding="utf-8")
    return text, json.loads(DEMO_REF.read_text(encoding="utf-8"))


def test_demo_chains_and_speakers(demo: tuple[str, dict]) -> None:
    text, ref = demo
    chains_right = speakers_right = 0
    for claim in ref["claims"]:
        start = text.index(claim["anchor"])
        got = suggest_for_claim(text, start, start + len(claim["anchor"]), "ZeroHedge")
        chains_right += [h["name"] for h in claim["chain"]] == names(got)
        speakers_right += claim["speaker"] == got.speaker
    assert chains_right >= 12
    assert speakers_right >= 12


def test_demo_prefill_of_the_split_claims(demo: tuple[str, dict]) -> None:
    """What the Annotate page prefills: one suggestion per produced claim, not per anchor."""
    from factcheck.domain.split import split_into_claims

    text, ref = demo
    claims = split_into_claims(text).claims
    got = suggest_for_claims(text, [(c.start, c.end) for c in claims], "ZeroHedge")
    chains_right = speakers_right = 0
    for claim in ref["claims"]:
        start = text.index(claim["anchor"])
        (index,) = [i for i, c in enumerate(claims) if c.start <= start < c.end]
        chains_right += [h["name"] for h in claim["chain"]] == names(got[index])
        speakers_right += claim["speaker"] == got[index].speaker
    assert chains_right >= 12
    assert speakers_right >= 12


def test_demo_publisher_guessed_from_page_furniture(demo: tuple[str, dict]) -> None:
    text, _ = demo
    found = suggest_attributions(text)
    assert found and all(s.chain[-1].name == "ZeroHedge" for s in found)


def test_demo_types_and_relations(demo: tuple[str, dict]) -> None:
    text, ref = demo
    for claim in ref["claims"]:
        start = text.index(claim["anchor"])
        got = suggest_for_claim(text, start, start + len(claim["anchor"]), "ZeroHedge")
        if claim["attribution_type"] == "unattributed":
            assert got.attribution_type == AttributionType.unattributed
        want = [h.get("relation") for h in claim["chain"]][1:]
        if names(got) == [h["name"] for h in claim["chain"]]:
            assert [h.relation.value if h.relation else None for h in got.chain][1:] == want


# ---------------------------------------------------------------- properties

WORDS = st.sampled_from(
    [
        "said",
        "told",
        "according",
        "to",
        "Reuters",
        "Anna",
        "Berg",
        "he",
        "she",
        "reportedly",
        "Some",
        "analysts",
        "the",
        "plan",
        "“",
        "”",
        '"',
        ",",
        ".",
        ":",
        "―",
        "\n",
        "WALLACE:",
        "(AFP)",
        "–",
        "has",
        "stated",
        "that",
        "will",
        "fail",
        "Mr.",
        "''",
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(WORDS, max_size=40).map(" ".join))
def test_spans_are_exact_slices(text: str) -> None:
    for s in suggest_attributions(text, "ZeroHedge", include_unattributed=True):
        parts = [*spans(s), s.source, s.cue]
        for span in parts:
            if span is None:
                continue
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start : span.end] == span.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_spans_exact_on_arbitrary_text(text: str) -> None:
    for s in suggest_attributions(text):
        for span in [*spans(s), s.source, s.cue]:
            if span is not None:
                assert text[span.start : span.end] == span.text


@settings(max_examples=100, deadline=None)
@given(st.lists(WORDS, max_size=30).map(" ".join), st.integers(0, 200), st.integers(0, 200))
def test_suggest_for_claim_always_answers(text: str, a: int, b: int) -> None:
    start, end = sorted((a % (len(text) + 1), b % (len(text) + 1)))
    s = suggest_for_claim(text, start, end, "ZeroHedge")
    for span in [*spans(s), s.source, s.cue]:
        if span is not None:
            assert text[span.start : span.end] == span.text


def _quote_spans_char_by_char(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The quotation finder as first written, one Python step per character: the reference
    the faster one must agree with."""
    pairs = {"“": "”", '"': '"', "''": "''"}
    spans: list[tuple[int, int]] = []
    i = start
    while i < end:
        ch = text[i]
        if ch == "“" or ch == '"' or text.startswith("''", i):
            opener = "''" if text.startswith("''", i) else ch
            closer = pairs[opener]
            j = text.find(closer, i + len(opener), end)
            if ch == "“":
                nxt = text.find("“", i + 1, end)
                if j == -1 or (nxt != -1 and nxt < j):
                    j = -1
            if j == -1:
                if ch == "“":
                    spans.append((i, end))
                    i = end
                    continue
                i += len(opener)
                continue
            spans.append((i, j + len(closer)))
            i = j + len(closer)
            continue
        i += 1
    return spans


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(["“", "”", '"', "'", "''", "a", " ", "said."]), max_size=30).map(
        "".join
    ),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_quotations_found_as_by_the_character_walk(text: str, a: int, b: int) -> None:
    from factcheck.domain.text import quotations

    start, end = sorted((a % (len(text) + 1), b % (len(text) + 1)))
    assert quotations(text, start, end) == _quote_spans_char_by_char(text, start, end)
