"""Statements: is this sentence the same statement as that one? Pure text work for the trace
(issue 16, docs/domain.md "Statements"): normalisation, word shingles, the match between two
texts and a word diff. No I/O; `factcheck.services.trace` keeps the index and asks these.

Texts are compared as **normalised words**: Unicode NFKC, case folded, quote marks and
apostrophes dropped, every other punctuation mark a word break, whitespace collapsed. So
“A major problem,” and "a major problem" are the same words.

Two texts are one statement when (checked in this order):

- `exact`: the same normalised words (at least `MIN_WORDS` of them);
- `partial`: a quotation of one shares a run of `MIN_QUOTED_RUN` or more consecutive words with
  a quotation of the other, or one quotation (of at least `MIN_FRAGMENT_WORDS` words, two of
  them content words) lies whole inside a quotation of the other ("a major problem" inside a
  longer quote elsewhere), is not in title case (a programme or a book: "Fox News Sunday"),
  and the two texts share two content words outside it (the speaker, the subject: a short
  quotation alone is often a stock phrase, "law and order", "a lot going on");
- `reworded`: the word sequences are close (`word_similarity` ≥ `REWORDED_SIMILARITY`) and
  share most content words (Dice ≥ `REWORDED_CONTENT`), so one changed word, a moved
  attribution or another translation match, while sentences sharing a stock phrase ("the
  president said on Tuesday that …") do not; or a quotation of each (`MIN_QUOTED_RUN` words or
  more) is reworded into the other the same way (`REWORDED_QUOTE`).

Every test is symmetric by construction (`compare(a, b) == compare(b, a)`), so a trace from A
finds B exactly when a trace from B finds A.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

SHINGLE_WORDS = 3
WINNOW_WINDOW = 4  # outside quotations, one shingle in every 4 is indexed (runs of 6 words)
MIN_WORDS = 4
MIN_QUOTED_RUN = 6
MIN_QUOTED_CONTENT = 4
MIN_FRAGMENT_WORDS = 3
REWORDED_SIMILARITY = 0.6
REWORDED_CONTENT = 0.6
REWORDED_QUOTE = 0.7

MatchKind = Literal["exact", "partial", "reworded"]

# Quote marks and apostrophes vanish (don’t = dont); every other non-word character is a break.
_QUOTE_CHARS = "\"'`´“”„‟‘’‚‛«»‹›「」『』"
_DROP = str.maketrans("", "", _QUOTE_CHARS)
_WORD = re.compile(r"[^\W_]+")

# Words too common to carry a statement: a shingle made only of them is not indexed, so "said
# on the" never links two articles.
STOPWORDS = frozenset(
    """a about after again against all also am an and any are as at be because been before
    being between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves said says say told according added ve ll re s t d m mr mrs ms dr""".split()  # noqa: SIM905 -- a word list reads better as prose
)

# Quotations: paired marks, and an opening mark left open to the end of the text (a quotation
# running over several sentences, kept whole by the splitter, may close in the next paragraph).
# Doubled apostrophes ('' … '', as the New York Times writes quotes) count as double marks; a
# single closing mark followed by a letter is an apostrophe (won’t, wasn't), not a closing one.
_QUOTED = re.compile(
    r"\"([^\"]+)(?:\"|$)"
    r"|“([^”“]+)(?:”|$)"
    r"|„([^“”„]+)(?:[“”]|$)"
    r"|«([^»]+)(?:»|$)"
    r"|(?<![\w])‘((?:[^’‘]|’(?=\w))+?)’(?![\w])"
    r"|(?<![\w])'((?:[^']|'(?=\w))+?)'(?![\w])"
)
_DOUBLED_APOSTROPHES = re.compile(r"''")


def normalised_words(text: str) -> tuple[str, ...]:
    """The words of `text` as compared: NFKC, case folded, quote marks dropped, punctuation and
    whitespace folded (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_DROP)
    return tuple(_WORD.findall(folded))


def normalise(text: str) -> str:
    """`normalised_words` joined by single spaces."""
    return " ".join(normalised_words(text))


def _content(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for w in words if w not in STOPWORDS)


@lru_cache(maxsize=65536)
def shingle_hash(shingle: str) -> int:
    """A stable signed 64-bit hash of one shingle (the same in every process and database)."""
    return int.from_bytes(
        hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big", signed=True
    )


def shingle_sequence(words: tuple[str, ...]) -> list[int]:
    """Hashes of the overlapping `SHINGLE_WORDS`-word runs of `words` that hold at least one
    content word, in text order (a text shorter than that: the whole text, when it holds one)."""
    if len(words) < SHINGLE_WORDS:
        return [shingle_hash(" ".join(words))] if _content(words) else []
    runs = (words[i : i + SHINGLE_WORDS] for i in range(len(words) - SHINGLE_WORDS + 1))
    return [shingle_hash(" ".join(run)) for run in runs if not STOPWORDS.issuperset(run)]


def shingles(words: tuple[str, ...]) -> frozenset[int]:
    """The set of `shingle_sequence`."""
    return frozenset(shingle_sequence(words))


def winnow(sequence: list[int], window: int) -> set[int]:
    """The smallest hash of every `window` consecutive ones (winnowing, Schleimer et al. 2003):
    two texts sharing `window` consecutive shingles always keep one of them, the same one, so
    an index of the kept hashes still finds every such shared run with a fraction of the rows."""
    if len(sequence) <= window:
        return {min(sequence)} if sequence else set()
    return {min(sequence[i : i + window]) for i in range(len(sequence) - window + 1)}


# A closing double mark before any opening one: the text starts inside a quotation opened in
# the sentence before (the splitter cut a quotation of several sentences). A straight mark
# closes when it follows a word or punctuation and is followed by a space or the end.
_CLOSES_FIRST = re.compile(r'^[^"“”„«]*?(?:”|(?<=[^\s"])"(?=[\s,.;:!?)]|$))')


def _quoted_texts(text: str) -> Iterator[str]:
    text = _DOUBLED_APOSTROPHES.sub('"', text)
    opened_before = _CLOSES_FIRST.match(text)
    if opened_before:
        yield text[: opened_before.end() - 1]
        text = text[opened_before.end() :]
    for match in _QUOTED.finditer(text):
        yield next(group for group in match.groups() if group is not None)


def quotations(text: str) -> tuple[tuple[str, ...], ...]:
    """The normalised words of each quotation in `text` (empty quotations left out)."""
    return tuple(words for inner in _quoted_texts(text) if (words := normalised_words(inner)))


def _title(inner: str) -> bool:
    """A quotation in title case names a work or a programme ("Fox News Sunday", "Good Morning
    America"), not a statement: every content word capitalised."""
    words = [w for w in _WORD.findall(inner.translate(_DROP)) if w.casefold() not in STOPWORDS]
    return bool(words) and all(w[0].isupper() or w[0].isdigit() for w in words)


@dataclass(frozen=True)
class Fingerprint:
    """What the comparison needs of one text, computed once."""

    words: tuple[str, ...]
    content: frozenset[str]
    shingles: frozenset[int]
    quotes: tuple[tuple[str, ...], ...]
    quoted_runs: frozenset[tuple[str, ...]]  # every MIN_QUOTED_RUN-word run inside a quotation
    fragments: tuple[tuple[str, ...], ...]  # short quotations that may match inside longer ones
    quoted_shingles: frozenset[int]  # the shingles inside quotations
    # What the index stores: every quoted shingle (a short quotation must be found inside a
    # long one), and the winnowed rest (`WINNOW_WINDOW`: a whole sentence repeated or reworded
    # shares long runs).
    indexed: frozenset[int]


@lru_cache(maxsize=32768)
def fingerprint(text: str) -> Fingerprint:
    """The fingerprint of `text` (kept for the texts compared most recently: an index lookup
    compares the same stored passages again and again, and a fingerprint never changes)."""
    words = normalised_words(text)
    quotes = []
    fragments = []
    for inner in _quoted_texts(text):
        quote = normalised_words(inner)
        if not quote:
            continue
        quotes.append(quote)
        if _fragment(quote) and not _title(inner):
            fragments.append(quote)
    runs = frozenset(
        quote[i : i + MIN_QUOTED_RUN]
        for quote in quotes
        for i in range(len(quote) - MIN_QUOTED_RUN + 1)
    )
    inside = frozenset(h for quote in quotes for h in shingles(quote))
    sequence = shingle_sequence(words)
    indexed = inside | winnow([h for h in sequence if h not in inside], WINNOW_WINDOW)
    return Fingerprint(
        words,
        _content(words),
        frozenset(sequence),
        tuple(quotes),
        runs,
        tuple(fragments),
        inside,
        frozenset(indexed),
    )


@dataclass(frozen=True)
class Match:
    kind: MatchKind
    similarity: float  # 0–1, `word_similarity` of the two texts (1.0 for exact)
    # Evidence enough to make the two texts one statement of the index, so that what matches
    # either belongs to it too: not a short quotation alone, nor a shared run that is mostly
    # stopwords ("to be president of the United States", "at the end of the day").
    joins: bool = True


def _ratio(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a and not b:
        return 1.0
    matched = sum(
        block.size for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    )
    return 2 * matched / (len(a) + len(b))


def word_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """2·matched / total words of the two sequences (difflib's ratio on words), taken both ways
    round so the value is symmetric (difflib's matching is greedy and may differ by order)."""
    return round(max(_ratio(a, b), _ratio(b, a)), 3)


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return len(short) <= len(long) and f" {' '.join(short)} " in f" {' '.join(long)} "


def _fragment(words: tuple[str, ...]) -> bool:
    return len(words) >= MIN_FRAGMENT_WORDS and len(_content(words)) >= 2


def _substantial(runs: frozenset[tuple[str, ...]]) -> bool:
    """Shared quoted runs that make one statement: one with `MIN_QUOTED_CONTENT` content words,
    or several (a longer shared passage)."""
    return len(runs) >= 3 or any(len(_content(run)) >= MIN_QUOTED_CONTENT for run in runs)


def _quotes_meet(a: Fingerprint, b: Fingerprint) -> Match | None:
    """A quotation of each shares a run of `MIN_QUOTED_RUN` words, or a short quotation of one
    lies whole inside a quotation of the other and the two texts share two content words
    besides (the speaker, the subject): "a major problem" alone is a stock phrase, "Stubb …
    NATO troops … 'a major problem'" is a partial quote. Only a substantial shared run joins
    the index's statements."""
    shared = a.quoted_runs & b.quoted_runs
    if shared:
        return Match("partial", word_similarity(a.words, b.words), _substantial(shared))
    for short, long in [
        *((qa, qb) for qa in a.fragments for qb in b.quotes),
        *((qb, qa) for qb in b.fragments for qa in a.quotes),
    ]:
        if _inside(short, long) and len((a.content & b.content) - _content(short)) >= 2:
            return Match("partial", word_similarity(a.words, b.words), joins=False)
    return None


def _quotes_close(a: Fingerprint, b: Fingerprint) -> bool:
    """A quotation of each, both of `MIN_QUOTED_RUN` words or more, reworded one into the other
    (the wording mutated on the way: "regional stability" → "the whole region")."""
    return any(
        min(len(qa), len(qb)) >= MIN_QUOTED_RUN
        and _dice(_content(qa), _content(qb)) >= REWORDED_CONTENT
        and word_similarity(qa, qb) >= REWORDED_QUOTE
        for qa in a.quotes
        for qb in b.quotes
    )


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def compare(a: Fingerprint, b: Fingerprint) -> Match | None:
    """How `a` and `b` are one statement, or None when they are not (module docstring). The
    cheap tests run first: most candidates an index lookup brings share a shingle or two and
    fail on the sets alone, before any word alignment."""
    if a.words == b.words:
        if len(a.words) >= MIN_WORDS and len(a.content) >= 2:
            return Match("exact", 1.0)
        return None
    if not a.shingles & b.shingles:
        return None  # nothing in common that the index could have found either
    partial = _quotes_meet(a, b)
    if partial is not None:
        return partial
    if min(len(a.words), len(b.words)) >= MIN_WORDS and (
        _dice(a.content, b.content) >= REWORDED_CONTENT
    ):
        similarity = word_similarity(a.words, b.words)
        if similarity >= REWORDED_SIMILARITY:
            return Match("reworded", similarity)
    if _quotes_close(a, b):
        return Match("reworded", word_similarity(a.words, b.words))
    return None


DiffOp = Literal["equal", "delete", "insert"]


def word_diff(before: str, after: str) -> list[dict[str, str]]:
    """How the wording changed from `before` to `after`: a list of `{"op", "text"}` with `op`
    `equal`, `delete` (only in `before`) or `insert` (only in `after`), the words as written,
    compared as normalised words (so case and punctuation alone are no change)."""
    old = before.split()
    new = after.split()
    key_old = [normalise(w) for w in old]
    key_new = [normalise(w) for w in new]
    diff: list[dict[str, str]] = []

    def emit(op: DiffOp, words: list[str]) -> None:
        if not words:
            return
        if diff and diff[-1]["op"] == op:
            diff[-1]["text"] += " " + " ".join(words)
        else:
            diff.append({"op": op, "text": " ".join(words)})

    matcher = SequenceMatcher(None, key_old, key_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            emit("equal", new[j1:j2])
        else:
            emit("delete", old[i1:i2])
            emit("insert", new[j1:j2])
    return diff


def changed(diff: list[dict[str, str]]) -> bool:
    return any(part["op"] != "equal" for part in diff)
