"""The units of an article's text: lines, sentences, quotations and tokens.

One sentence splitter serves claim splitting (`factcheck.domain.split`) and suggestions
(`factcheck.suggest`), so an abbreviation such as "Mr." or "U.S." ends a sentence for both
or for neither. Everything is an exact character offset into the text, found in linear
time, whatever the input.

- Lines are the paragraphs of a plain-text article: non-blank and whitespace-stripped. (The
  claim splitter joins a hard-wrapped sentence's lines once it has set bylines and page
  furniture aside.)
- Sentences end after . ! ? or … (and any closing quotation marks or brackets) followed by
  space and something that can start a sentence, unless the word before the full stop is an
  abbreviation or an initial, or the break falls inside a quotation. Claim splitting asks
  pysbd too, where the rule sees several sentences and a paragraph is short enough.
- Quotations are read two ways: as a reader of attributions reads them (an opening “ with no
  close runs to the end of the paragraph: the quote goes on in the next one) and, to keep a
  claim whole, only the ones that are closed.
- Tokens are words (with inner dots, hyphens and apostrophes), initialisms, a few titles with
  their full stop, and single punctuation marks.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any

__all__ = [
    "ABBREVIATIONS",
    "MAX_QUOTE_LENGTH",
    "PYSBD_MAX_PARAGRAPH",
    "Quotes",
    "Token",
    "char_spans",
    "closed_quotations",
    "ends_with_abbreviation",
    "lines",
    "quotations",
    "sentences",
    "tokens",
]

# --- lines -------------------------------------------------------------------------------


# A line's text from its first to its last non-space character (\s is what str.isspace()
# accepts; only "\n" breaks a line).
_LINE = re.compile(r"^[^\S\n]*+(\S(?:[^\n]*\S)?)", re.MULTILINE)


def lines(text: str) -> Iterator[tuple[int, int]]:
    """The non-blank lines of `text` (split on "\\n" only) with whitespace-stripped bounds,
    one at a time, so a caller with a cap can stop early."""
    for m in _LINE.finditer(text):
        yield m.span(1)


# --- abbreviations -----------------------------------------------------------------------

# Words that a full stop follows without ending the sentence, written in lower case or
# capitalised. Dotted ones ("U.S.", "a.m.", "e.g.") and initials need no entry: a word whose last
# dotted part is one letter is an abbreviation anyway.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof rev st sen sens rep reps gov gen lt col sgt capt cmdr adm maj jr sr
    inc ltd co corp vs etc no nos vol fig al approx dept est mt ft
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()  # noqa: SIM905
)
# ... but these end a sentence when written in lower case ("The answer is no.").
_CAPITALISED_ONLY = frozenset(["no", "nos"])
_LONGEST_WORD = 12  # no abbreviation is longer: look no further back
_LEADING_MARKS = re.compile(r"[^\w]+")


def ends_with_abbreviation(text: str, start: int, dot: int) -> bool:
    """Whether the full stop at `text[dot]` closes an abbreviation or an initial ("Mr.",
    "U.S.", "J. Edgar", "(D-N.C."), looking no further back than `start`."""
    before = text[max(start, dot - _LONGEST_WORD) : dot]
    if not before or before[-1].isspace():
        return False
    word = before.rsplit(None, 1)[-1]
    if (lead := _LEADING_MARKS.match(word)) is not None:  # "(Mr", "“Sen"
        word = word[lead.end() :]
    last = word.rsplit(".", 1)[-1]  # "U.S" -> "S", but "Clinton’s" and "AT&T" stay whole
    if len(last) == 1 and last.isalpha():
        return True
    low = word.lower()
    if low not in ABBREVIATIONS:
        return False
    if word == low:
        return low not in _CAPITALISED_ONLY
    # "Mr", "Sept"; a word in capitals is a word or an acronym ("EST", "NO").
    return word[0].isupper() and word[1:] == low[1:]


# --- quotations --------------------------------------------------------------------------

_QUOTE_CLOSE = {"“": "”", '"': '"', "''": "''"}
_QUOTE_OPEN = re.compile("“|\"|''")


def quotations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quotations in text[start:end] as a reader of attributions finds them, marks included,
    left to right: “…”, "…" and ''…''; an opening “ with no close runs to the end (a quote
    continued in the next paragraph), an unpaired straight mark is skipped."""
    spans: list[tuple[int, int]] = []
    i = start
    while i < end:
        # Jump to the next quotation mark (a search in C, not a Python step per character).
        found = _QUOTE_OPEN.search(text, i, end)
        if found is None:
            break
        i = found.start()
        opener = found.group()
        j = text.find(_QUOTE_CLOSE[opener], i + len(opener), end)
        if opener == "“":
            # A new opening quote before the close means the close is missing.
            nxt = text.find("“", i + 1, end)
            if j == -1 or (nxt != -1 and nxt < j):
                spans.append((i, end))
                break
        if j == -1:
            i += len(opener)
            continue
        i = j + len(_QUOTE_CLOSE[opener])
        spans.append((found.start(), i))
    return spans


# A "quote" longer than this is more likely a stray quotation mark than a real quotation.
MAX_QUOTE_LENGTH = 5_000
# Each pair of marks, and a pattern finding either mark: the loops below visit the quotation
# marks only, not every character of a paragraph that may be megabytes long.
_CLOSED_PAIRS = tuple(
    (opening, closing, re.compile(f"[{opening}{closing}]"))
    for opening, closing in (("“", "”"), ("«", "»"), ("„", "“"))
)
_STRAIGHT_QUOTE = re.compile('"')


def closed_quotations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The quotations of text[start:end] that are closed (“…”, «…», „…“, and straight "…"
    when their count is even), sorted: where a claim must not be cut. An unclosed mark is
    ignored, so a stray quote cannot glue a paragraph into one claim."""
    regions: list[tuple[int, int]] = []
    for opening, closing, marks in _CLOSED_PAIRS:
        if text.find(opening, start, end) < 0:
            continue
        open_at = -1
        for m in marks.finditer(text, start, end):
            i, ch = m.start(), m.group()
            if ch == opening:  # a second opening means the first one was never closed
                open_at = i
            elif ch == closing and open_at >= 0:
                regions.append((open_at, i + 1))
                open_at = -1
    if text.find('"', start, end) >= 0:
        straight = [m.start() for m in _STRAIGHT_QUOTE.finditer(text, start, end)]
        if len(straight) % 2 == 0:  # unbalanced straight quotes cannot be paired
            regions.extend((straight[k], straight[k + 1] + 1) for k in range(0, len(straight), 2))
    return sorted(r for r in regions if r[1] - r[0] <= MAX_QUOTE_LENGTH)


# --- sentences ---------------------------------------------------------------------------

# Quotations as (start, end) spans, or a function that finds them when they are needed.
Quotes = Sequence[tuple[int, int]] | Callable[[], Sequence[tuple[int, int]]]

# A sentence ends after . ! ? or …, then any closing quotation marks or brackets, where
# space follows. The pattern finds the space (preceded by one of those characters) and the
# code looks back from it: a pattern starting at the full stop would be quadratic on a run of
# a million full stops.
_TERMINALS = frozenset(".!?…")
_CLOSERS = frozenset("”\"’'»)]")
_GAP = re.compile(r"(?<=[.!?…”\"’'»)\]])\s++(?=(\S))")
# What may open the next sentence besides a capital letter or a digit.
_OPENERS = frozenset("“\"‘'([«„¿¡")
# A full stop after these ends the sentence when a quotation follows ("… in the U.S. “We…").
_ENDS_BEFORE_QUOTE = ("U.S.", "a.m.", "p.m.")


def _rule_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The rule's sentences of text[start:end], whitespace-stripped, one at a time (a capped
    split of a huge paragraph stops early), in linear time."""
    prev = start
    for m in _GAP.finditer(text, start, end):
        nxt = m.group(1)
        if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
            continue
        cut = m.start()
        k = cut
        while k > prev and text[k - 1] in _CLOSERS:
            k -= 1
        if k == prev or text[k - 1] not in _TERMINALS:
            continue
        dot = k - 1
        while dot > prev and text[dot - 1] in _TERMINALS:
            dot -= 1
        if (
            text[dot] == "."
            and ends_with_abbreviation(text, start, dot)
            and not (text.endswith(_ENDS_BEFORE_QUOTE, start, dot + 1) and nxt in '“"')
        ):
            continue
        yield from _stripped(text, prev, cut)
        prev = cut
    yield from _stripped(text, prev, end)


def _stripped(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def _joined_across(bounds: Iterable[tuple[int, int]], quotes: Quotes) -> Iterator[tuple[int, int]]:
    """Join sentences whose boundary falls inside a quotation: a multi-sentence quote stays
    one sentence (and with its attribution). A sentence is handed on once the next one is
    known not to join it; the quotations are looked at only once there are two."""
    rest = iter(bounds)
    first, second = next(rest, None), next(rest, None)
    if first is None:
        return
    if second is None:
        yield first
        return
    found = sorted(quotes() if callable(quotes) else quotes)
    if not found:
        yield first
        yield second
        yield from rest
        return
    starts = [q[0] for q in found]
    furthest_end = list(accumulate((q[1] for q in found), max))
    prev_start, prev_end = first
    for start, end in chain([second], rest):
        # A quote that opens before the previous sentence ends and closes after this one
        # starts straddles the boundary between them.
        k = bisect.bisect_left(starts, prev_end)
        if k and furthest_end[k - 1] > start:
            prev_end = end
        else:
            yield prev_start, prev_end
            prev_start, prev_end = start, end
    yield prev_start, prev_end


def sentences(
    text: str,
    start: int = 0,
    end: int | None = None,
    quotes: Quotes = (),
    *,
    pysbd: bool = False,
) -> Iterator[tuple[int, int]]:
    """The sentences of the paragraph text[start:end] in order, whitespace-stripped, never cut
    inside one of `quotes` (or of what a function given instead returns, called only when
    there are two sentences: a paragraph of a million quotation marks is one sentence, found
    without pairing them all).

    With `pysbd`, a paragraph in which the rule sees several sentences and that is short
    enough for pysbd is split by pysbd instead (it knows more cases than the rule, but costs
    about 10 ms an article): what claim splitting does.
    """
    end = len(text) if end is None else end
    bounds: Iterable[tuple[int, int]] = _rule_sentences(text, start, end)
    if pysbd and end - start <= PYSBD_MAX_PARAGRAPH:
        found = list(bounds)
        # Where even the rule sees a single sentence, pysbd has nothing to add.
        bounds = (_pysbd_sentences(text, start, end) or found) if len(found) > 1 else found
    for s, e in _joined_across(((s, e) for s, e in bounds if s < e), quotes):
        yield from _stripped(text, s, e)


# --- pysbd -------------------------------------------------------------------------------

# pysbd slows down faster than linearly with the length of its input: a 20 kB paragraph
# takes ~0.3 s. Real paragraphs are far shorter; longer ones go to the rule alone.
PYSBD_MAX_PARAGRAPH = 4_000
# Every character str.isspace() accepts is below U+3001; pysbd gets plain spaces instead so
# that newlines inside a joined paragraph or odd separators cannot shift its offsets.
_TO_SPACE = {cp: " " for cp in range(0x3001) if chr(cp).isspace()}
PATTERN_CACHE_SIZE = 4096
_segmenter: Any = None


def _pysbd_segmenter() -> Any:
    """Build pysbd's segmenter once, on first use (importing pysbd is the slow part)."""
    global _segmenter
    if _segmenter is None:
        import pysbd

        _segmenter = pysbd.Segmenter(language="en", clean=False)
        # pysbd builds about 1,700 distinct regular expressions from its abbreviation list,
        # through `re` module functions. Python keeps only 512 compiled patterns (a private
        # limit), so every paragraph recompiled most of them: over a third of the time of a
        # split. A larger limit keeps them compiled (PolNeAR: 17.5 -> 11 ms per article).
        if getattr(re, "_MAXCACHE", 0) < PATTERN_CACHE_SIZE:
            re._MAXCACHE = PATTERN_CACHE_SIZE  # type: ignore[attr-defined]  # a private constant of `re`
    return _segmenter


def _pysbd_sentences(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """pysbd's sentences of text[start:end] (unstripped, contiguous), or None if it failed or
    its spans are off."""
    seg = text[start:end].translate(_TO_SPACE)
    try:
        found = _pysbd_segmenter().processor(seg).process() if seg else []
    except Exception:  # pysbd is a regex pile; any input it chokes on goes to the rule
        return None
    out: list[tuple[int, int]] = []
    prev_end = 0
    for s, e in char_spans(seg, found):
        if not (prev_end <= s <= e <= len(seg)):
            return None
        if seg[prev_end:s].strip():  # pysbd skipped some text: do not lose it
            return None
        out.append((start + s, start + e))
        prev_end = e
    if seg[prev_end:].strip():
        return None
    return out


def char_spans(text: str, found: list[str]) -> list[tuple[int, int]]:
    r"""Where pysbd's sentences lie in `text`, exactly as its `char_span` mode finds them: the
    first occurrence of each sentence, with the whitespace after it, that ends past the
    previous one.

    pysbd does this with one regular expression per sentence (`re.escape(sentence) + r"\s*"`);
    thousands of those, each used once, pushed pysbd's own patterns out of Python's pattern
    cache, so half of a split went into recompiling them. `str.find` and `str.isspace` (the
    characters `\s` matches) give the same spans.

    The occurrences of one sentence are searched from the start of the text, each after the
    previous one (as `re.finditer` does), and the previous end only grows: so the search for a
    sentence met before resumes where the last one stopped. Starting over each time was
    quadratic in the repeats of a sentence (a paragraph of 800 "Go.." took 1.4 s)."""
    spans: list[tuple[int, int]] = []
    prior_end = 0
    resume: dict[str, int] = {}  # sentence -> where its next occurrence is searched from
    for sentence in found:
        if not sentence:  # only whitespace to match: leave that odd case to the regex
            matches = (m.span() for m in re.finditer(r"\s*", text))
            span = next((s for s in matches if s[1] > prior_end), None)
            if span is not None:
                spans.append(span)
                prior_end = span[1]
            continue
        position = resume.get(sentence, 0)
        while (start := text.find(sentence, position)) >= 0:
            end = start + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            position = end  # the next match starts after this one, as `re.finditer`'s do
            if end > prior_end:
                spans.append((start, end))
                prior_end = end
                break
        # An occurrence ending at or before `prior_end` can never be the answer again.
        resume[sentence] = position if start >= 0 else len(text) + 1
    return spans


# --- tokens ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|St|Jr|Sr|Lt|Col|Sgt|Prof)\.|"
    r"\w+(?:[’'\-.]\w+)*(?:[’']s)?|[^\w\s]"
)


@dataclass(slots=True)
class Token:
    """One token: `text == article[start:end]`."""

    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        return self.text.lower()


def tokens(text: str, start: int, end: int) -> list[Token]:
    """The tokens of text[start:end]: "U.S.", "Mr.", "Stubb’s", "well-known", ",", "“"…"""
    return [Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, end)]
