"""The units of an article's text: lines, sentences, quotations and tokens, exact offsets on
any text, and one sentence splitter for claims and suggestions."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.domain import text as units
from factcheck.domain.split import split_into_claims
from factcheck.domain.text import (
    closed_quotations,
    ends_with_abbreviation,
    lines,
    quotations,
    sentences,
    tokens,
)
from factcheck.suggest import suggest_attributions
from schemas.vocab import AttributionType

_PIECES = st.sampled_from(
    [
        ".",
        ". ",
        "! ",
        "? ",
        "… ",
        "\n",
        "\n\n",
        " ",
        "\t",
        "\u00a0",
        "\u2028",
        '"',
        "“",
        "”",
        "''",
        "«",
        "»",
        "„",
        "’",
        "(",
        ")",
        "Mr.",
        "U.S.",
        "a.m.",
        "No.",
        "no.",
        "etc.",
        "J.",
        "AT&T.",
        "Clinton’s.",
        "He said",
        "the",
        "War",
        "2025",
        "É",
        "é",
        "🙂",
    ]
)
TEXT = st.one_of(
    st.text(), st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=50).map("".join)
)
EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def bounds(text: str, data: st.DataObject) -> tuple[int, int]:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(0, len(text)))
    return min(a, b), max(a, b)


def assert_tiles(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """`spans` are in order, disjoint, stripped and non-empty, inside [start, end), and what
    lies between and around them is whitespace only: they cover the text exactly."""
    prev = start
    for s, e in spans:
        assert prev <= s < e <= end
        assert not text[prev:s].strip()
        piece = text[s:e]
        assert piece.strip() == piece
        prev = e
    assert not text[prev:end].strip()


# --- lines ---------------------------------------------------------------------------------


@EXAMPLES
@given(TEXT)
def test_lines_cover_the_text_and_hold_no_line_break(text: str) -> None:
    found = list(lines(text))
    assert_tiles(text, 0, len(text), found)
    assert all("\n" not in text[s:e] for s, e in found)
    # Two lines are separated by at least one line break.
    assert all("\n" in text[a[1] : b[0]] for a, b in itertools.pairwise(found))


# --- sentences -----------------------------------------------------------------------------


@EXAMPLES
@given(TEXT, st.data())
def test_sentences_cover_the_paragraph_in_order(text: str, data: st.DataObject) -> None:
    start, end = bounds(text, data)
    assert_tiles(text, start, end, list(sentences(text, start, end)))


@EXAMPLES
@given(TEXT, st.data())
def test_sentences_with_pysbd_cover_the_paragraph_in_order(text: str, data: st.DataObject) -> None:
    start, end = bounds(text, data)
    assert_tiles(text, start, end, list(sentences(text, start, end, pysbd=True)))


@EXAMPLES
@given(TEXT, st.data(), st.booleans())
def test_no_sentence_ends_inside_a_quotation(text: str, data: st.DataObject, closed: bool) -> None:
    start, end = bounds(text, data)
    quotes = (closed_quotations if closed else quotations)(text, start, end)
    found = list(sentences(text, start, end, quotes))
    assert_tiles(text, start, end, found)
    for (_, prev_end), (next_start, _) in itertools.pairwise(found):
        assert not any(qs < prev_end and next_start < qe for qs, qe in quotes)


@EXAMPLES
@given(TEXT, st.data())
def test_quotations_only_join_the_rules_sentences(text: str, data: st.DataObject) -> None:
    """Quotations never add a sentence break: each sentence with them is a run of
    sentences without them."""
    start, end = bounds(text, data)
    plain = list(sentences(text, start, end))
    starts, ends = {s for s, _ in plain}, {e for _, e in plain}
    for s, e in sentences(text, start, end, quotations(text, start, end)):
        assert s in starts and e in ends


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Mr. Smith met U.S. officials at 9 a.m. on Friday. The talks went well.",
            ["Mr. Smith met U.S. officials at 9 a.m. on Friday.", "The talks went well."],
        ),
        ("The answer is no. He left.", ["The answer is no.", "He left."]),
        ("It is No. 1 in the charts.", ["It is No. 1 in the charts."]),
        ("She works for AT&T. He does not.", ["She works for AT&T.", "He does not."]),
        ("It was Clinton’s. Then it was not.", ["It was Clinton’s.", "Then it was not."]),
        (
            "Sens. Tom Carper and the Rev. Al Sharpton met.",
            ["Sens. Tom Carper and the Rev. Al Sharpton met."],
        ),
        (
            "Trump will reverse Roe v. Wade, she said.",
            ["Trump will reverse Roe v. Wade, she said."],
        ),
        (
            "In Washington, D.C. officials met. Then they left.",
            ["In Washington, D.C. officials met.", "Then they left."],
        ),
        (
            "“We will fight. They will lose.” Then he left.",
            ["“We will fight. They will lose.”", "Then he left."],
        ),
        (
            "He paused… Then he went on. É is a letter.",
            ["He paused…", "Then he went on.", "É is a letter."],
        ),
        ("The time zone is EST. The clock says 9.", ["The time zone is EST.", "The clock says 9."]),
        (
            "He left. (She stayed.) “Good,” he said.",
            ["He left.", "(She stayed.)", "“Good,” he said."],
        ),
        ("He left. she stayed.", ["He left. she stayed."]),
        ("NEWPORT NEWS, Va. - In a tradition", ["NEWPORT NEWS, Va. - In a tradition"]),
    ],
)
def test_sentence_examples(paragraph: str, expected: list[str]) -> None:
    quotes = quotations(paragraph, 0, len(paragraph))
    found = [paragraph[s:e] for s, e in sentences(paragraph, 0, len(paragraph), quotes)]
    assert found == expected


@pytest.mark.parametrize(
    ("before", "abbreviation"),
    [
        ("Mr", True),
        ("(Mr", True),
        ("“Sen", True),
        ("Sens", True),
        ("Rev", True),
        ("U.S", True),
        ("D-N.C", True),
        ("a.m", True),
        ("e.g", True),
        ("J", True),
        ("v", True),
        ("etc", True),
        ("No", True),
        ("Sept", True),
        ("no", False),
        ("EST", False),
        ("AT&T", False),
        ("Clinton’s", False),
        ("2025", False),
        ("said", False),
        ("xMr", False),
        ("", False),
    ],
)
def test_ends_with_abbreviation(before: str, abbreviation: bool) -> None:
    text = f"It was {before}. Then"
    assert ends_with_abbreviation(text, 0, text.index(". Then")) is abbreviation


# --- quotations ----------------------------------------------------------------------------


@EXAMPLES
@given(TEXT, st.data())
def test_quotations_are_ordered_marked_slices(text: str, data: st.DataObject) -> None:
    start, end = bounds(text, data)
    prev = start
    for s, e in quotations(text, start, end):
        assert prev <= s < e <= end
        assert text[s] in '“"' or text.startswith("''", s)
        closed = text[e - 1] in '”"' or text.startswith("''", e - 2)
        assert closed or (text[s] == "“" and e == end)  # an unclosed “ runs to the end
        prev = e


@EXAMPLES
@given(TEXT, st.data())
def test_closed_quotations_are_closed_pairs(text: str, data: st.DataObject) -> None:
    start, end = bounds(text, data)
    found = closed_quotations(text, start, end)
    assert found == sorted(found)
    pairs = {"“": "”", "«": "»", "„": "“", '"': '"'}
    for s, e in found:
        assert start <= s < e - 1 < end
        assert text[e - 1] == pairs[text[s]]
        assert e - s <= units.MAX_QUOTE_LENGTH


def test_an_unclosed_quotation() -> None:
    text = "“He left. She stayed."
    assert quotations(text, 0, len(text)) == [(0, len(text))]
    assert closed_quotations(text, 0, len(text)) == []


# --- tokens --------------------------------------------------------------------------------


@EXAMPLES
@given(TEXT, st.data())
def test_tokens_are_exact_and_cover_every_visible_character(text: str, data: st.DataObject) -> None:
    start, end = bounds(text, data)
    found = tokens(text, start, end)
    covered = set()
    prev = start
    for tok in found:
        assert prev <= tok.start < tok.end <= end
        assert text[tok.start : tok.end] == tok.text
        assert tok.low == tok.text.lower()
        covered.update(range(tok.start, tok.end))
        prev = tok.end
    assert all(i in covered for i in range(start, end) if not text[i].isspace())


def test_token_examples() -> None:
    text = "Mr. Stubb’s U.S.-based well-known aide said: “no.”"
    assert [t.text for t in tokens(text, 0, len(text))] == [
        "Mr.",
        "Stubb’s",
        "U.S.",
        "-",
        "based",
        "well-known",
        "aide",
        "said",
        ":",
        "“",
        "no",
        ".",
        "”",
    ]


# --- one splitter for claims and suggestions ------------------------------------------------


def _claims(text: str) -> list[str]:
    return [c.text for c in split_into_claims(text).claims]


def _suggested_sentences(text: str) -> list[str]:
    """The suggester's sentences: each is an unattributed suggestion in a text without
    attributions."""
    found = suggest_attributions(text, "ZeroHedge", include_unattributed=True)
    assert {s.attribution_type for s in found} <= {AttributionType.unattributed}
    return [s.content.text for s in found if not isinstance(s.content, list)]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith met U.S. officials at 9 a.m. on Friday. The talks went well.",
        "The answer is no. The U.S. Army left in Jan. 2020.",
        "It was built by AT&T. It was sold to Dr. Jones.",
        "The bridge opened in the U.S. in 1932.",
    ],
)
def test_claims_and_suggestions_split_sentences_alike(text: str) -> None:
    assert _claims(text) == _suggested_sentences(text)


def test_claims_and_suggestions_share_one_abbreviation_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A word added to the one list stops a sentence break for both at once."""
    before = "The parcel came from Xyz. Then it was opened."
    assert (
        _claims(before)
        == _suggested_sentences(before)
        == [
            "The parcel came from Xyz.",
            "Then it was opened.",
        ]
    )
    monkeypatch.setattr(units, "ABBREVIATIONS", units.ABBREVIATIONS | {"xyz"})
    after = "The letter came from Xyz. Then it was opened."  # not cached by the suggester
    assert _claims(after) == _suggested_sentences(after) == [after]


@pytest.mark.parametrize("unit", [".", "!?", "”", ". ", ".” ", "“a. B. ", "\n", '"'])
def test_linear_time_on_long_runs(unit: str) -> None:
    """Half a million characters of one kind split at once (a quadratic splitter would
    take hours here)."""
    text = unit * (500_000 // len(unit))
    assert_tiles(text, 0, len(text), list(sentences(text, 0, len(text))))
    assert_tiles(text, 0, len(text), list(lines(text)))
    quotations(text, 0, len(text))
    closed_quotations(text, 0, len(text))
