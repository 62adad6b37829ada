"""Claim splitting: the demo article's reference claims, metadata, kinds, and the span
invariants on arbitrary text."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.domain.split import ClaimSpan, SplitResult, split_into_claims
from factcheck.domain.text import char_spans
from schemas.vocab import ClaimKind
from tests.conftest import ROOT

DATA = ROOT / "data"
DEMO = DATA / "zerohedge-2025-09-05-nato-troops.txt"
EXPECTED = DATA / "zerohedge-2025-09-05-nato-troops.expected.json"


@pytest.fixture(scope="module")
def demo_text() -> str:
    return DEMO.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo() -> SplitResult:
    return split_into_claims(DEMO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def assert_invariants(text: str, result: SplitResult) -> None:
    """Claims are exact, sorted, disjoint, non-empty, trimmed spans of `text`."""
    prev_end = 0
    for claim in result.claims:
        assert 0 <= claim.start < claim.end <= len(text)
        assert claim.start >= prev_end
        assert text[claim.start : claim.end] == claim.text
        assert claim.text.strip() == claim.text
        assert isinstance(claim.kind, ClaimKind)
        prev_end = claim.end
    for start, end in result.non_claims:
        assert 0 <= start < end <= len(text)
        assert not any(c.start < end and start < c.end for c in result.claims)


# --- the demo article --------------------------------------------------------------------


def _claims_covering(result: SplitResult, text: str, anchor: str) -> list[ClaimSpan]:
    assert text.count(anchor) == 1, anchor
    start = text.index(anchor)
    end = start + len(anchor)
    return [c for c in result.claims if c.start <= start and end <= c.end]


def test_demo_each_reference_claim_in_exactly_one_claim(
    demo: SplitResult, demo_text: str, expected: dict
) -> None:
    for ref in expected["claims"]:
        assert len(_claims_covering(demo, demo_text, ref["anchor"])) == 1, ref["anchor"]


def test_demo_no_claim_spans_two_reference_claims(
    demo: SplitResult, demo_text: str, expected: dict
) -> None:
    anchors = [ref["anchor"] for ref in expected["claims"]]
    for claim in demo.claims:
        inside = [a for a in anchors if a in claim.text]
        assert len(inside) <= 1, (claim.text, inside)


def test_demo_every_claim_holds_a_reference_claim_or_is_framing(
    demo: SplitResult, expected: dict
) -> None:
    anchors = [ref["anchor"] for ref in expected["claims"]]
    for claim in demo.claims:
        assert claim.kind is ClaimKind.framing or any(a in claim.text for a in anchors)


def test_demo_metadata(demo: SplitResult, demo_text: str, expected: dict) -> None:
    assert demo.author == expected["metadata"]["author"] == "Tyler Durden"
    assert demo.published == expected["metadata"]["published"] == "2025-09-05T09:20"
    tail_start = demo_text.index("Tyler Durden")
    assert all(c.end <= tail_start for c in demo.claims)
    covered = "".join(demo_text[s:e] for s, e in demo.non_claims)
    for piece in expected["metadata"]["non_claim_tail"]:
        assert piece in covered


def test_demo_headline_is_a_claim(demo: SplitResult, demo_text: str) -> None:
    headline = demo_text.split("\n", 1)[0]
    assert demo.claims[0].text == headline


def test_demo_multi_sentence_quote_stays_with_attribution(
    demo: SplitResult, demo_text: str
) -> None:
    (claim,) = _claims_covering(demo, demo_text, "was one of the causes of the conflict")
    assert "If any troops show up now" in claim.text
    assert claim.text.endswith("according to state media translation.")
    (stubb,) = _claims_covering(demo, demo_text, "In that case there are two targets")
    assert stubb.text.endswith("Stubb said.")


def test_demo_kinds(demo: SplitResult, demo_text: str, expected: dict) -> None:
    for ref in expected["claims"]:
        (claim,) = _claims_covering(demo, demo_text, ref["anchor"])
        assert claim.kind == ref.get("claim_kind", "factual"), claim.text
    framing = [c for c in demo.claims if c.kind is ClaimKind.framing]
    assert [c.text for c in framing] == ["One such example is featured in The Guardian as follows:"]


# --- metadata and kinds on small texts ---------------------------------------------------


@pytest.mark.parametrize(
    ("line", "author", "published"),
    [
        ("By Jane Roe", "Jane Roe", None),
        ("Authored by Pepe Escobar via The Cradle,", "Pepe Escobar", None),
        ("By Jane Roe, Reuters", "Jane Roe", None),
        ("Published: September 5, 2025 at 9:20 pm", None, "2025-09-05T21:20"),
        ("Updated 5 September 2025", None, "2025-09-05"),
        ("2025-09-05T09:20:00", None, "2025-09-05T09:20"),
        ("Fri, 09/05/2025 – 09:20ZeroHedge NewsRead More", None, "2025-09-05T09:20"),
        ("13/09/2025", None, "2025-09-13"),
    ],
)
def test_byline_and_dateline_lines(line: str, author: str | None, published: str | None) -> None:
    text = f"Headline Says Something\n{line}\nThe minister resigned on Monday. Nobody knew why."
    result = split_into_claims(text)
    assert result.author == author
    assert result.published == published
    assert [c.text for c in result.claims] == [
        "Headline Says Something",
        "The minister resigned on Monday.",
        "Nobody knew why.",
    ]


@pytest.mark.parametrize(
    "furniture", ["Read More", "Share this", "Advertisement", "ADVERTISEMENT", "5 min read"]
)
def test_page_furniture_is_not_a_claim(furniture: str) -> None:
    text = f"Headline\nThe bridge opened in 1932.\n{furniture}\nIt is 503 metres long."
    result = split_into_claims(text)
    assert [c.text for c in result.claims] == [
        "Headline",
        "The bridge opened in 1932.",
        "It is 503 metres long.",
    ]
    assert len(result.non_claims) == 1


def test_a_bare_name_away_from_any_dateline_is_kept() -> None:
    result = split_into_claims("Headline\nJane Roe\nShe won.")
    assert [c.text for c in result.claims] == ["Headline", "Jane Roe", "She won."]
    assert result.author is None


def test_a_long_line_starting_with_a_date_is_prose() -> None:
    text = "Headline\nSeptember 5, 2025 was the day the ministers met and agreed on the plan."
    result = split_into_claims(text)
    assert result.published is None
    assert len(result.claims) == 2


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The vote is expected to pass next week.", ClaimKind.prediction),
        ("Prices will likely rise again.", ClaimKind.prediction),
        ("“Prices will likely rise again,” she said.", ClaimKind.factual),
        ("This is clearly a mistake.", ClaimKind.opinion),
        ("Here is what he said:", ClaimKind.framing),
        ("The plan will reportedly be finalized in May.", ClaimKind.factual),
        ("The river flooded 40 homes.", ClaimKind.factual),
    ],
)
def test_kinds(sentence: str, kind: ClaimKind) -> None:
    result = split_into_claims(f"Headline\n{sentence}")
    assert result.claims[1].kind is kind


def test_hard_wrapped_sentence_is_joined() -> None:
    text = "Headline\nThe minister said the plan\nwould be ready soon. Nobody believed it."
    claims = [c.text for c in split_into_claims(text).claims]
    assert claims == [
        "Headline",
        "The minister said the plan\nwould be ready soon.",
        "Nobody believed it.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        '"We will fight. They will lose. Soon," he said.',
        "“We will fight. They will lose. Soon,” he said.",
        "«We will fight. They will lose. Soon», he said.",
    ],
)
def test_quoted_sentences_are_one_claim(text: str) -> None:
    claims = split_into_claims(f"Headline\n{text} Then he left.").claims
    assert [c.text for c in claims] == ["Headline", text, "Then he left."]


def test_unbalanced_quote_does_not_swallow_the_paragraph() -> None:
    text = "Headline\n“He left. She stayed. They argued."
    assert len(split_into_claims(text).claims) == 4


def test_regex_fallback_for_long_paragraphs_keeps_quotes(demo_text: str) -> None:
    long_paragraph = " ".join(demo_text.split("\n")[3:5]) * 20  # well over pysbd's limit
    result = split_into_claims(long_paragraph)
    assert_invariants(long_paragraph, result)
    quote = [c for c in result.claims if "was one of the causes" in c.text]
    assert len(quote) == 20
    assert all("If any troops show up now" in c.text for c in quote)


def test_abbreviations_do_not_split_in_the_fallback() -> None:
    text = ("Mr. Smith met U.S. officials at 9 a.m. on Friday. " * 200).strip()
    result = split_into_claims(text)
    assert len(result.claims) == 200


# --- any text ----------------------------------------------------------------------------

_NEWSY = st.sampled_from(
    [
        ".",
        ". ",
        "!",
        "? ",
        "\n",
        "\n\n",
        "\r\n",
        " ",
        "\t",
        "\u2028",
        "\u00a0",
        "\x00",
        '"',
        "“",
        "”",
        "«",
        "»",
        "’",
        ":",
        "Mr.",
        "U.S.",
        "By Jane Roe",
        "Read More",
        "Fri, 09/05/2025 – 09:20",
        "Tyler Durden",
        "He said",
        "the",
        "War",
        "2025",
        "é",
        "\u0301",
        "\ud800",
        "🙂",
        "\u200b",
    ]
)
_TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(_NEWSY, st.text(max_size=5)), max_size=60).map("".join),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_invariants_hold_for_any_text(text: str) -> None:
    assert_invariants(text, split_into_claims(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_no_text_is_lost(text: str) -> None:
    """Every non-space character is in a claim or in a metadata line."""
    result = split_into_claims(text)
    covered = bytearray(len(text))
    for start, end in [(c.start, c.end) for c in result.claims] + result.non_claims:
        covered[start:end] = b"\x01" * (end - start)
    lost = [ch for ch, seen in zip(text, covered, strict=True) if not seen and not ch.isspace()]
    assert not lost


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "\x00\x00",
        "“",
        '"""',
        "." * 10_000,
        "a" * 100_000,
        "\ufeffHello. World.",
        "Ünïcödé… ΑΒΓ. 中文句子。 Another one.",
        "x\u0301. Y\u0301. ",
    ],
)
def test_awkward_inputs(text: str) -> None:
    assert_invariants(text, split_into_claims(text))


@pytest.mark.slow
def test_five_megabytes_split_completely(demo_text: str) -> None:
    big = (demo_text + "\n\n") * (5_000_000 // len(demo_text))
    result = split_into_claims(big)
    assert len(result.claims) > 20_000
    assert result.claims[-1].end <= len(big)


@pytest.mark.slow
@pytest.mark.parametrize("unit", [".", '"', "“a. B. ", "\n", "word "])
def test_pathological_five_megabytes(unit: str) -> None:
    text = unit * (5_000_000 // len(unit))
    assert_invariants(text, split_into_claims(text))


def _pysbd_reference_spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """pysbd's own `char_span` search (one regular expression per sentence)."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    segmenter.original_text = text
    return [(s.start, s.end) for s in segmenter.sentences_with_char_spans(sentences)]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("He said so. He said so. He said so.", ["He said so. ", "He said so. ", "He said so."]),
        ("a.b (c)? [d]*\u00a0 e+f. a.b (c)?", ["a.b (c)?", "[d]*", "e+f.", "a.b (c)?"]),
        ("One.\u2003\u2029Two.\x1c Three.", ["One.", "Two.", "Three.", "Missing."]),
        ("x  y  x", ["x", "", "x", "y"]),
        ("aaa", ["aa", "aa"]),  # matches do not overlap: the second "aa" is not found
        ("", ["", "a"]),
    ],
)
def test_sentence_offsets_match_pysbds_own(text: str, sentences: list[str]) -> None:
    assert char_spans(text, sentences) == _pysbd_reference_spans(text, sentences)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["Yes.", "No!", "a.b", "(x)", " ", "\n", "\u00a0", "Mr. X", "a"])),
    st.lists(st.sampled_from(["Yes.", "No!", "a.b", "(x)", "", "Mr. X", "Yes. No!", "aa"])),
)
def test_sentence_offsets_match_pysbds_own_on_any_text(
    pieces: list[str], sentences: list[str]
) -> None:
    text = "".join(pieces)
    assert char_spans(text, sentences) == _pysbd_reference_spans(text, sentences)
