"""Statement matching (factcheck/domain/statements.py): normalisation, the three kinds of
match, stock phrases not matched, symmetry, and the word diff."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from factcheck.domain.statements import (
    compare,
    fingerprint,
    normalise,
    shingles,
    word_diff,
    word_similarity,
)

QUOTE = (
    'Stubb said NATO troops in Ukraine would be "a major problem for everyone involved in the '
    'peace talks", Reuters reported.'
)


def match(a: str, b: str) -> tuple[str, float] | None:
    found = compare(fingerprint(a), fingerprint(b))
    return (found.kind, found.similarity) if found else None


def test_normalisation_folds_case_quotes_whitespace_and_punctuation() -> None:
    assert normalise("“A  Major\nproblem,” he said.") == normalise('"a major problem" HE said')
    assert normalise("don’t") == "dont"


def test_exact_partial_and_reworded() -> None:
    assert match(QUOTE, QUOTE.upper().replace('"', "“")) == ("exact", 1.0)
    partial = match('"A major problem for everyone," Stubb said of NATO troops.', QUOTE)
    assert partial is not None and partial[0] == "partial"
    # The same words from someone else about something else: a stock phrase, not a quote.
    assert (
        match('Analysts called inflation "a major problem for everyone" on Monday.', QUOTE) is None
    )
    # A programme's or a book's title in quotation marks is not a quotation of a statement.
    assert (
        match(
            'Stubb told "Good Morning America" that NATO troops in Ukraine would be welcome.',
            'On "Good Morning America", Stubb praised the Finnish budget and NATO spending.',
        )
        is None
    )
    reworded = match(
        "NATO troops in Ukraine would be a major problem for all parties in the talks, Stubb said.",
        "Stubb said NATO troops in Ukraine would be a major problem for all sides in the talks.",
    )
    assert reworded is not None and reworded[0] == "reworded"


def test_stock_phrases_do_not_make_one_statement() -> None:
    assert (
        match(
            "The president said on Tuesday that the economy is growing faster than expected.",
            "The president said on Tuesday that he would veto the new immigration bill.",
        )
        is None
    )
    assert shingles(("said", "on", "the")) == frozenset()  # stopwords only: not indexed


def test_short_texts_are_not_statements() -> None:
    assert match("He said.", "He said.") is None


def test_word_diff_keeps_the_words_as_written() -> None:
    diff = word_diff("must stop immediately", "Must END immediately!")
    assert diff == [
        {"op": "equal", "text": "Must"},
        {"op": "delete", "text": "stop"},
        {"op": "insert", "text": "END"},
        {"op": "equal", "text": "immediately!"},
    ]


VOCABULARY = "the said a major problem nato troops ukraine stubb reuters talks peace would be for"
WORDS = st.sampled_from(VOCABULARY.split())
TEXT = st.lists(WORDS, min_size=0, max_size=25).map(" ".join)
QUOTED = st.tuples(TEXT, TEXT, TEXT).map(lambda t: f'{t[0]} "{t[1]}" {t[2]}')


@given(st.one_of(TEXT, QUOTED), st.one_of(TEXT, QUOTED))
def test_matching_is_symmetric(a: str, b: str) -> None:
    assert match(a, b) == match(b, a)
    assert word_similarity(fingerprint(a).words, fingerprint(b).words) == word_similarity(
        fingerprint(b).words, fingerprint(a).words
    )


@given(st.one_of(TEXT, QUOTED))
def test_a_statement_matches_itself_exactly_when_long_enough(a: str) -> None:
    found = match(a, a)
    assert found is None or found == ("exact", 1.0)


@given(TEXT, TEXT)
def test_diff_rebuilds_both_texts(a: str, b: str) -> None:
    diff = word_diff(a, b)
    before = " ".join(p["text"] for p in diff if p["op"] != "insert")
    after = " ".join(p["text"] for p in diff if p["op"] != "delete")
    assert before.split() == a.split()
    assert after.split() == b.split()
