"""Split an article's text into claims: exact, non-overlapping character spans.

Pure and I/O free. Sentences come from pysbd, run one paragraph at a time (it is
superlinear in the length of what it is given); very long paragraphs and very large texts
use a small regex splitter instead, so any string is split in bounded time. Afterwards a
direct quote that runs over several sentences is put back together with its attribution,
and lines that are bylines, datelines or page furniture are kept out of the claims (the
author and publication time found there are returned).

Lines, paragraphs and sentences are produced one after the other, not all first: given a cap
on claims, a text with far more sentences than an article has (a pasted book, a generated
file) is refused as soon as the split gets past the cap, not after splitting all of it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate, chain
from typing import Any

from schemas.vocab import ClaimKind

__all__ = ["ClaimSpan", "SplitResult", "TooManyClaims", "split_into_claims"]


@dataclass(frozen=True)
class ClaimSpan:
    """One proposed claim: `text == article[start:end]`."""

    start: int
    end: int
    text: str
    kind: ClaimKind


@dataclass(frozen=True)
class SplitResult:
    """Claims in text order, plus what the byline/dateline told us."""

    claims: list[ClaimSpan]
    author: str | None
    published: str | None
    non_claims: list[tuple[int, int]] = field(default_factory=list)


class TooManyClaims(ValueError):
    """A text with more sentences than an article may have claims.

    `sentences` is the claims found up to the cap plus a quick count of the rest (line breaks
    and sentence ends), so the message can say how far over the cap the text is without
    splitting all of it. Picklable: a split worker sends it back as its answer."""

    def __init__(self, sentences: int, limit: int) -> None:
        super().__init__(sentences, limit)
        self.sentences = sentences
        self.limit = limit

    def __str__(self) -> str:
        return (
            f"{self.sentences:,} sentences is more than the {self.limit:,} claims "
            "an article may have"
        )


# pysbd slows down faster than linearly with the length of its input: a 20 kB paragraph
# takes ~0.3 s. Real paragraphs are far shorter; longer ones and huge texts (a pasted book,
# not an article) go to the linear regex splitter.
PYSBD_MAX_PARAGRAPH = 4_000
PYSBD_MAX_TEXT = 300_000
# A "quote" longer than this is more likely a stray quote mark than a real quotation.
MAX_QUOTE_LENGTH = 5_000
# Metadata lines are short; a long line is prose even if it starts with a date.
MAX_METADATA_LINE = 120

# Every character str.isspace() accepts is below U+3001; pysbd gets plain spaces instead so
# that newlines inside a joined paragraph or odd separators cannot shift its offsets.
_TO_SPACE = {cp: " " for cp in range(0x3001) if chr(cp).isspace()}

_segmenter: Any = None
PATTERN_CACHE_SIZE = 4096


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
            re._MAXCACHE = PATTERN_CACHE_SIZE  # type: ignore[attr-defined]
    return _segmenter


# --- metadata lines ----------------------------------------------------------------------

_FURNITURE = frozenset(
    item.strip()
    for item in [
        "read more",
        "read more here",
        "share",
        "share this",
        "share this article",
        "share this story",
        "\n    share on facebook",
        "share on twitter",
        "share on x",
        "advertisement",
        "advertisements",
        "ad",
        "sponsored",
        "\n    sponsored content",
        "subscribe",
        "subscribe now",
        "sign up",
        "continue reading",
        "related",
        "related articles",
        "\n    related stories",
        "print",
        "comments",
        "comment",
        "tweet",
        "email",
        "facebook",
        "twitter",
        "linkedin",
        "whatsapp",
        "\n    telegram",
        "skip to content",
        "skip to main content",
        "back to top",
        "loading",
        "click here",
        "listen",
        "\n    listen to this article",
        "copy link",
        "follow us",
        "image",
        "photo",
        "video",
        "getty images",
        "zerohedge news",
        "\n    top stories",
        "most read",
        "more from this author",
    ]
)
_FURNITURE_PATTERN = re.compile(
    r"(?i)(?:\d+\s+min(?:ute)?s?\s+read|(?:photo|image|picture|credit|illustration)"
    r"(?:\s+credit)?\s*:.*|\(?(?:photo|image):[^)]*\)?)"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE = re.compile(
    r"(?i)^(?:(?:published|updated|posted|last\s+updated)(?:\s+on)?\s*:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:(?P<a1>\d{1,2})/(?P<a2>\d{1,2})/(?P<ay>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})"
    r"|" + _MONTH + r"\s+(?P<md>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<my>\d{4})"
    r"|(?P<dd>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH.replace("mon>", "mon2>") + r",?\s+(?P<dy>\d{4})"
    r")"
    r"(?:[\sT,–—-]*(?:at\s+)?(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::\d{2})?"
    r"(?:\s*(?P<ampm>[ap])\.?m\.?(?![a-z]))?)?"
)
_TIME_ONLY = re.compile(r"(?i)^\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?$")
_BYLINE = re.compile(r"(?i)^(?:by|authored\s+by|written\s+by|words\s+by)\s+(?P<rest>.+)$")
_NAME_PARTICLES = frozenset({"de", "van", "von", "der", "den", "da", "di", "la", "le", "bin", "al"})
_NOT_NAMES = frozenset(_MONTHS) | frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "the",
    ]
)
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w.'’-]*$")


def _parse_date(line: str) -> tuple[str, int] | None:
    """An ISO 8601 date (with minutes when given) at the start of `line`, and where it ends."""
    m = _DATE.match(line)
    if m is None:
        return None
    g = m.groupdict()
    if g["ay"]:
        first, second, year = int(g["a1"]), int(g["a2"]), int(g["ay"])
        # US order (MM/DD) unless the first number cannot be a month.
        month, day = (second, first) if first > 12 else (first, second)
    elif g["iy"]:
        year, month, day = int(g["iy"]), int(g["im"]), int(g["id"])
    elif g["my"]:
        year, month, day = int(g["my"]), _MONTHS[g["mon"].lower()], int(g["md"])
    else:
        year, month, day = int(g["dy"]), _MONTHS[g["mon2"].lower()], int(g["dd"])
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1000 <= year <= 2999):
        return None
    iso = f"{year:04d}-{month:02d}-{day:02d}"
    if g["hh"] is not None:
        hour, minute = int(g["hh"]), int(g["mm"])
        if g["ampm"]:
            hour = hour % 12 + (12 if g["ampm"].lower() == "p" else 0)
        if hour < 24 and minute < 60:
            iso += f"T{hour:02d}:{minute:02d}"
    return iso, m.end()


def _dateline(line: str) -> str | None:
    """The date of a short line that starts with one and says little else, like
    "Fri, 09/05/2025 – 09:20ZeroHedge NewsRead More"."""
    if len(line) > MAX_METADATA_LINE:
        return None
    parsed = _parse_date(line)
    if parsed is None:
        return None
    iso, end = parsed
    # What follows the date is furniture (site name, "Read More"), not a sentence.
    lowercase_words = sum(1 for w in line[end:].split() if w[:1].islower())
    return iso if lowercase_words < 3 else None


def _name(words: list[str]) -> str | None:
    """`words` joined if they look like a person's name: 1-4 capitalised words."""
    core = [w for w in words if w.lower() not in _NAME_PARTICLES]
    if not 1 <= len(core) <= 4 or len(words) > 6:
        return None
    if any(w.lower().rstrip(".,") in _NOT_NAMES for w in core):
        return None
    if all(_NAME_TOKEN.match(w) and w[0].isupper() for w in core):
        return " ".join(words)
    return None


def _byline(line: str) -> str | None:
    """The author of a "By Jane Roe" / "Authored by Jane Roe via Outlet" line."""
    if len(line) > MAX_METADATA_LINE:
        return None
    m = _BYLINE.match(line)
    if m is None:
        return None
    rest = re.split(r"\s+(?:via|and|for|in)\s+|\s*[,|–—(]\s*|\s+-\s+", m["rest"], maxsplit=1)[0]
    return _name(rest.rstrip(".:").split())


def _is_furniture(line: str) -> bool:
    if len(line) > MAX_METADATA_LINE:
        return False
    key = line.strip(" .:»›>|•·-–—").lower()
    return (
        key in _FURNITURE
        or bool(_FURNITURE_PATTERN.fullmatch(line))
        or bool(_TIME_ONLY.match(line))
    )


@dataclass(slots=True)
class _Line:
    start: int  # stripped bounds in the article
    end: int
    text: str
    blank_before: bool
    date: str | None = None
    author: str | None = None
    metadata: bool = False


def _lines(text: str) -> Iterator[_Line]:
    """Non-blank lines with whitespace-stripped bounds, split on "\\n" only, one at a time."""
    pos = 0
    blank = True
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        end = n if nl < 0 else nl
        raw = text[pos:end]
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            yield _Line(start, start + len(stripped), stripped, blank)
            blank = False
        else:
            blank = True
        if nl < 0:
            break
        pos = nl + 1


def _marked_lines(text: str) -> Iterator[_Line]:
    """The lines of `text` with byline, dateline and furniture lines flagged as metadata.

    A bare name next to a dateline is the author line ("Tyler Durden" / "Fri, 09/05/..."), so
    each line is handed on only once the line after it has been looked at."""
    before: _Line | None = None
    current: _Line | None = None
    for line in _lines(text):
        line.date = _dateline(line.text)
        line.author = _byline(line.text)
        line.metadata = bool(line.date or line.author or _is_furniture(line.text))
        if current is not None:
            _mark_bare_name(current, before, line)
            yield current
        before, current = current, line
    if current is not None:
        _mark_bare_name(current, before, None)
        yield current


def _mark_bare_name(line: _Line, before: _Line | None, after: _Line | None) -> None:
    """Flag `line` as the author line if it is a short name next to a dateline (the first
    line of the text never is: it is the headline)."""
    if line.metadata or before is None or len(line.text) > 60:
        return
    if before.date or (after is not None and after.date):
        words = line.text.split()
        if len(words) >= 2 and (name := _name(words)):
            line.author = name
            line.metadata = True


def _paragraphs(lines: Iterable[_Line], metadata: list[_Line]) -> Iterator[tuple[int, int]]:
    """Runs of prose lines to segment together; metadata lines are appended to `metadata`.

    Each line is a paragraph, except that a line not ending in punctuation followed directly
    by one starting in lower case is a hard-wrapped sentence and is joined to it. The first
    line (the headline) is always on its own. A paragraph is handed on when the next one
    starts (or the text ends), since until then a line may still be joined to it.
    """
    current: tuple[int, int] | None = None
    prev: _Line | None = None
    headline: _Line | None = None
    for line in lines:
        if line.metadata:
            metadata.append(line)
            prev = None
            continue
        if headline is None:
            headline = line
        if (
            current is not None
            and prev is not None
            and prev is not headline
            and not line.blank_before
            and line.text[0].islower()
            and prev.text[-1] not in '.!?:;"”’»)]…'
        ):
            current = (current[0], line.end)
        else:
            if current is not None:
                yield current
            current = (line.start, line.end)
        prev = line
    if current is not None:
        yield current


# --- sentences ---------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "gen",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "a.m",
        "p.m",
        "no",
        "nos",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "fig",
        "al",
        "approx",
        "dept",
        "est",
        "mt",
        "ft",
    ]
)
_GAP = re.compile(r"(?<=[.!?…\"'”’»)\]])\s++(?=\S)")


def _regex_sentences(seg: str) -> Iterator[tuple[int, int]]:
    """Linear-time fallback splitter: break after . ! ? … (and closing quotes) + space,
    unless the word is a known abbreviation or an initial, or the next word is lower case.
    Sentences come one at a time, so a capped split of a huge paragraph can stop early."""
    prev = 0
    for m in _GAP.finditer(seg):
        i = m.start()
        j = i
        while j > 0 and i - j < 3 and seg[j - 1] in "\"'”’»)]":
            j -= 1
        if j == 0 or seg[j - 1] not in ".!?…":
            continue
        if seg[m.end()].islower():
            continue
        if seg[j - 1] == ".":
            word_start = seg.rfind(" ", 0, j - 1) + 1
            word = seg[word_start : j - 1].lstrip("\"'“‘(").lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        yield prev, m.start()
        prev = m.start()
    yield prev, len(seg)


def _pysbd_sentences(seg: str) -> list[tuple[int, int]] | None:
    """pysbd's sentences of `seg` as offsets, or None if it failed or its spans are off."""
    try:
        sentences = _pysbd_segmenter().processor(seg).process() if seg else []
    except Exception:  # pysbd is a regex pile; any input it chokes on goes to the fallback
        return None
    out: list[tuple[int, int]] = []
    prev_end = 0
    for start, end in _char_spans(seg, sentences):
        if not (prev_end <= start <= end <= len(seg)):
            return None
        if seg[prev_end:start].strip():  # pysbd skipped some text: do not lose it
            return None
        out.append((start, end))
        prev_end = end
    if seg[prev_end:].strip():
        return None
    return out


def _char_spans(text: str, sentences: list[str]) -> list[tuple[int, int]]:
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
    for sentence in sentences:
        if not sentence:  # only whitespace to match: leave that odd case to the regex
            found = (m.span() for m in re.finditer(r"\s*", text))
            span = next((s for s in found if s[1] > prior_end), None)
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


# Each pair of quotation marks, and a pattern finding either mark: the loops below visit the
# quotation marks only, not every character of a paragraph that may be megabytes long.
_QUOTE_PAIRS = tuple(
    (opening, closing, re.compile(f"[{opening}{closing}]"))
    for opening, closing in (("“", "”"), ("«", "»"), ("„", "“"))
)
_STRAIGHT_QUOTE = re.compile('"')


def _quote_regions(seg: str) -> list[tuple[int, int]]:
    """Balanced direct quotes in a paragraph, as (start, end) with end past the close."""
    regions: list[tuple[int, int]] = []
    for opening, closing, marks in _QUOTE_PAIRS:
        if opening not in seg:
            continue
        start = -1
        for m in marks.finditer(seg):
            i, ch = m.start(), m.group()
            if ch == opening:  # a second opening means the first one was never closed
                start = i
            elif ch == closing and start >= 0:
                regions.append((start, i + 1))
                start = -1
    straight = [m.start() for m in _STRAIGHT_QUOTE.finditer(seg)] if '"' in seg else []
    if straight and len(straight) % 2 == 0:  # unbalanced straight quotes cannot be paired
        regions.extend((straight[k], straight[k + 1] + 1) for k in range(0, len(straight), 2))
    return sorted(r for r in regions if r[1] - r[0] <= MAX_QUOTE_LENGTH)


def _merge_quotes(seg: str, bounds: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Join sentences whose boundary falls inside a quote: a quote stays with its
    attribution, as DOMAIN.md asks. A sentence is handed on once the next one is known not
    to join it."""
    rest = iter(bounds)
    first, second = next(rest, None), next(rest, None)
    if first is None:
        return
    if second is None:
        yield first
        return
    regions = _quote_regions(seg)
    if not regions:
        yield first
        yield second
        yield from rest
        return
    starts = [r[0] for r in regions]
    furthest_end = list(accumulate((r[1] for r in regions), max))
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


def _sentences(text: str, start: int, end: int, use_pysbd: bool) -> Iterator[tuple[int, int]]:
    """Whitespace-stripped sentence spans (article offsets) of text[start:end], in order."""
    seg = text[start:end].translate(_TO_SPACE)
    bounds: Iterable[tuple[int, int]] = _regex_sentences(seg)
    if use_pysbd and len(seg) <= PYSBD_MAX_PARAGRAPH:
        found = list(bounds)
        # Where even the eager regex sees a single sentence, pysbd has nothing to add.
        bounds = (_pysbd_sentences(seg) or found) if len(found) > 1 else found
    for s, e in _merge_quotes(seg, ((s, e) for s, e in bounds if s < e)):
        piece = text[start + s : start + e]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            yield start + s + lead, start + s + lead + len(stripped)


# --- kinds -------------------------------------------------------------------------------

_QUOTE_MARKS = frozenset('“”"«»„')
_PREDICTION = re.compile(
    r"(?i)\b(?:(?:will|is|are)\s+(?:likely|expected|set|poised|projected|forecast|predicted)"
    r"\s+to|will\s+(?:likely|probably|almost\s+certainly|inevitably)|(?:is|are)\s+going\s+to)\b"
)
_OPINION = re.compile(
    r"(?i)\b(?:certainly|clearly|obviously|undoubtedly|surely|arguably|needless\s+to\s+say"
    r"|of\s+course|it\s+seems|seems\s+to|underscores|in\s+(?:our|my)\s+(?:view|opinion)"
    r"|(?:I|we)\s+(?:think|believe))\b"
)


def _kind(sentence: str) -> ClaimKind:
    """A cheap, predictable first guess; reviewers correct it.

    Only the article's own voice is judged for opinion or prediction: a quoted speaker's
    forecast is still a factual claim about what they said.
    """
    if sentence.endswith(":"):
        return ClaimKind.framing
    if not _QUOTE_MARKS.intersection(sentence):
        if _PREDICTION.search(sentence):
            return ClaimKind.prediction
        if _OPINION.search(sentence):
            return ClaimKind.opinion
    return ClaimKind.factual


# What the quick count of sentences past the cap counts: a line with text after a line break,
# and a sentence end followed by more text on the same line.
_NEXT_LINE = re.compile(r"\n[^\S\n]*(?=\S)")
_NEXT_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*[^\S\n]+(?=\S)")


def _sentences_from(text: str, start: int) -> int:
    """About how many sentences text[start:] holds (at least one): a count at the speed of
    the regular expression engine, for a message, where splitting them would take long."""
    return 1 + len(_NEXT_LINE.findall(text, start)) + len(_NEXT_SENTENCE.findall(text, start))


def split_into_claims(text: str, max_claims: int | None = None) -> SplitResult:
    """Propose the claims of an article: one per sentence, with multi-sentence quotes kept
    whole and bylines, datelines and page furniture left out (reported as `non_claims`).

    With `max_claims`, a text that has more is refused with TooManyClaims as soon as the
    split finds one claim too many: the work done is bounded by the cap, not by the text."""
    use_pysbd = len(text) <= PYSBD_MAX_TEXT
    claims: list[ClaimSpan] = []
    metadata: list[_Line] = []
    for start, end in _paragraphs(_marked_lines(text), metadata):
        for s, e in _sentences(text, start, end, use_pysbd):
            if max_claims is not None and len(claims) >= max_claims:
                raise TooManyClaims(len(claims) + _sentences_from(text, s), max_claims)
            sentence = text[s:e]
            claims.append(ClaimSpan(s, e, sentence, _kind(sentence)))
    author = next((line.author for line in metadata if line.author), None)
    published = next((line.date for line in metadata if line.date), None)
    non_claims = [(line.start, line.end) for line in metadata]
    return SplitResult(claims=claims, author=author, published=published, non_claims=non_claims)
