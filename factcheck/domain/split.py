"""Split an article's text into claims: exact, non-overlapping character spans.

Pure and I/O free. Lines, sentences and quotations come from `factcheck.domain.text`, the
splitter the suggester uses too; claims ask it for pysbd's opinion on each paragraph short
enough for pysbd (it is superlinear in the length of what it is given), and very large texts
use the rule alone, so any string is split in bounded time. A direct quote that runs over
several sentences stays one claim with its attribution, and lines that are bylines,
datelines or page furniture are kept out of the claims (the author and publication time
found there are returned).

Lines, paragraphs and sentences are produced one after the other, not all first: given a cap
on claims, a text with far more sentences than an article has (a pasted book, a generated
file) is refused as soon as the split gets past the cap, not after splitting all of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from factcheck.domain import text as units
from schemas.vocab import ClaimKind

__all__ = [
    "ClaimSpan",
    "SplitResult",
    "TooManyClaims",
    "is_furniture_line",
    "metadata_lines",
    "split_into_claims",
]


@dataclass(frozen=True)
class ClaimSpan:
    """One proposed claim: `text == article[start:end]`. The check-worthiness score and its
    reasons are filled in by `factcheck.checkworthy.score_claims` (None: not scored yet)."""

    start: int
    end: int
    text: str
    kind: ClaimKind
    checkworthiness: float | None = None
    reasons: tuple[str, ...] = ()


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


# pysbd is superlinear in the length of its input; a huge text (a pasted book, not an
# article) is split by the rule alone.
PYSBD_MAX_TEXT = 300_000
# Metadata lines are short; a long line is prose even if it starts with a date.
MAX_METADATA_LINE = 120


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
# Furniture by how the line starts or what it is about (issue 15): a label and a colon or bar
# ("READ MORE: …", "WATCH: …", "Related: …", "Also Read | …"), a call to click, sign up,
# subscribe, listen or join, credits ("Photo / Getty Images", "Edited by: …", "© 2025 AFP",
# "(Reporting by …; Editing by …)", "… contributed to this report"), publication notes
# ("Published in Dawn, …", "This report … was first published …"), newsletter prompts and
# boilerplate ("About the Institute: …", "Contact Us …"). Longer than other metadata lines,
# since a teaser repeats a whole headline.
MAX_FURNITURE_LINE = 200
_FURNITURE_LEAD = re.compile(
    r"(?:(?:read\s+more|read\s+also|also\s+read|more|read|watch|listen|related(?:\s+\w+){0,2}"
    r"|see\s+also|photos?|images?|pictures?|video|audio|credits?|source|sources|edited\s+by"
    r"|written\s+by|reporting\s+by|editing\s+by|graphics?|illustration|caption|file|copyright"
    r"|advertisement|sponsored(?:\s+content)?|recommended|trending|opinion|analysis|live"
    r"|correction|clarification|editor['’]s\s+note|update)"
    r"\s*[:|/]"
    r"|click\s+(?:here|through)|tap\s+here|sign\s+up|subscribe|listen\s+to\s+(?:our|the)"
    r"|watch\s+(?:our|the\s+video)|join\s+(?:our|us|\w+['’]s\b)|follow\s+(?:us|our)"
    r"|get\s+(?:our|the\s+latest)|download\s+(?:our|the)|contact\s+us|news\s+release"
    r"|press\s+release|©|\(c\)|copyright\b|all\s+rights\s+reserved"
    r"|published\s+(?:in|on|-|–|—|:)|posted\s+(?:\d|on|in|at)|updated\s+(?:\d|on|at)"
    r"|this\s+(?:report|article|story)\s+(?:by|was)\b|about\s+(?:the\s+)?[A-Z][^:]{2,80}:"
    r"|\((?:with\s+inputs|reporting\s+by|additional\s+reporting|writing\s+by)\b"
    r"|[-–—]\s*\S+\.(?:com|org|net)\s*$)",
    re.IGNORECASE,
)
_FURNITURE_TAIL = re.compile(
    r"(?i)(?:contributed\s+to\s+this\s+(?:report|story|article)\.?|all\s+rights\s+reserved\.?"
    r"|\bnewsletter\b.{0,40}|\bpodcast\.?|loading\.{0,3}|\d+\s*(?:h|hrs?|hours?|m|mins?|minutes?)"
    r"\s+ago)\s*$"
)
# A news agency's credit alone on its line: "KYODO", "AFP", "– Reuters".
_CREDIT_ONLY = re.compile(r"^[-–—(\s]*[A-Z]{2,12}(?:/[A-Z]{2,12})?[)\s]*$")
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


def is_furniture_line(line: str) -> bool:
    """Whether a (stripped) line is page furniture: "Read More", "READ MORE: …", "WATCH: …",
    "Photo: …", "Related: …", "Listen to our podcast", "Click here …", credits, copyright and
    newsletter prompts. Never a claim, never an attribution (docs/domain.md)."""
    if len(line) > MAX_FURNITURE_LINE:
        return False
    if _FURNITURE_LEAD.match(line) or _FURNITURE_TAIL.search(line) or _CREDIT_ONLY.match(line):
        return True
    if len(line) > MAX_METADATA_LINE:
        return False
    key = line.strip(" .:»›>|•·-–—").lower()
    return (
        key in _FURNITURE
        or bool(_FURNITURE_PATTERN.fullmatch(line))
        or bool(_TIME_ONLY.match(line))
    )


_is_furniture = is_furniture_line


def metadata_lines(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every line of `text` that is a byline, a dateline, a timestamp or
    page furniture: the lines `split_into_claims` reports as non-claims, for the suggester to
    leave alone."""
    return [(line.start, line.end) for line in _marked_lines(text) if line.metadata]


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
    """The text's lines (`factcheck.domain.text.lines`), each knowing whether a blank line
    comes before it, one at a time."""
    prev_end = None
    for start, end in units.lines(text):
        # The gap from the line before holds a blank line when it holds two line breaks.
        blank = prev_end is None or text.count("\n", prev_end, start) > 1
        yield _Line(start, end, text[start:end], blank)
        prev_end = end


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


def _sentences(text: str, start: int, end: int, use_pysbd: bool) -> Iterator[tuple[int, int]]:
    """The sentence spans of the paragraph text[start:end], a closed quotation never cut (a
    quote stays with its attribution, as docs/domain.md asks)."""
    quotes = partial(units.closed_quotations, text, start, end)
    return units.sentences(text, start, end, quotes, pysbd=use_pysbd)


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
