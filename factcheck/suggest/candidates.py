"""An attribution as the suggester finds it, before it becomes a suggestion.

Each stage refines the same record: the rules or the learned tagger find its spans
(`rules`, `merge`), `speakers` names who speaks, `chains` adds the hops it went through.
Its type (direct quote, paraphrase, mixed, vague, anonymous) follows from its spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factcheck.domain.text import ends_with_abbreviation
from factcheck.suggest.lexicon import ANONYMOUS, VAGUE_SOURCE
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, SourceKind

OPEN_QUOTES = '“"'


@dataclass
class Candidate:
    """Spans are (start, end) offsets into the article; `content` may be discontinuous."""

    kind: AttributionType
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    content: list[tuple[int, int]]
    paragraph: int
    sentence: tuple[int, int]
    headline: bool = False
    speaker: str | None = None
    speaker_kind: SourceKind = SourceKind.unknown
    hops: list[ChainHop] = field(default_factory=list)
    outer: Candidate | None = None  # the attribution whose content holds this one
    block: int = -1  # the framing paragraph ("… as follows:") this one's paragraph follows
    quoted: bool = False
    learned: bool = False  # found by the learned tagger, not by the rules
    merged: bool = False  # found by both; the tagger's spans
    transcript: bool = False  # an interview transcript's "NAME: words"
    signed: bool = False  # a quotation signed with a dash: "“…” ― Name"
    floating: bool = False  # a quoted paragraph with no cue, given the speaker before it

    @property
    def extent(self) -> tuple[int, int]:
        points = [p for span in self.content for p in span]
        for span in (self.source, self.cue):
            if span:
                points.extend(span)
        return min(points), max(points)


def strip_span(text: str, start: int, end: int, trailing: str = " ,;:—–-") -> tuple[int, int]:
    """text[start:end] without surrounding space and punctuation, as PolNeAR draws spans."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in trailing):
        end -= 1
    # A sentence-final full stop is not content, unless it closes an abbreviation.
    if (
        end - start > 1
        and text[end - 1] == "."
        and not ends_with_abbreviation(text, start, end - 1)
    ):
        end -= 1
    return start, end


def is_quote(text: str, s: int, e: int) -> bool:
    inner = text[s:e]
    return inner[:1] in '“"' or inner.startswith("''")


def classify(text: str, attr: Candidate) -> AttributionType:
    """The attribution type its source, cue and content show."""
    if attr.source is not None:
        src = text[attr.source[0] : attr.source[1]]
        if ANONYMOUS.search(src):
            return AttributionType.anonymous
        if VAGUE_SOURCE.search(src.strip()):
            return AttributionType.vague
    elif attr.cue is not None and text[attr.cue[0] : attr.cue[1]].lower() == "reportedly":
        return AttributionType.vague
    body = " ".join(text[s:e] for s, e in attr.content)
    stripped = re.sub(r"^that\s+", "", body.strip())
    if stripped[:1] in '“"' or stripped.startswith("''"):
        closes = stripped.rstrip(" ,.")
        if closes[-1:] in '”"' or closes.endswith("''"):
            return AttributionType.direct_quote
    if re.search(r"[“\"][^”\"]{12,}[”\"]", body):
        return AttributionType.mixed
    return AttributionType.indirect
