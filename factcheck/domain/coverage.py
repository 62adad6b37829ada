"""Which article text the claims cover: the rule that a boundary edit never uncovers text
silently. Pure functions over spans, so the rule is property-tested apart from the database."""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int]


def union(spans: Iterable[Span]) -> list[Span]:
    """The spans merged into sorted, disjoint runs (touching runs joined)."""
    runs: list[Span] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if runs and start <= runs[-1][1]:
            if end > runs[-1][1]:
                runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def difference(before: Iterable[Span], after: Iterable[Span]) -> list[Span]:
    """The parts of `before`'s union that `after`'s union does not cover."""
    keep = union(after)
    lost: list[Span] = []
    i = 0
    for start, end in union(before):
        cursor = start
        while i < len(keep) and keep[i][1] <= cursor:
            i += 1
        j = i
        while cursor < end:
            if j >= len(keep) or keep[j][0] >= end:
                lost.append((cursor, end))
                break
            if keep[j][0] > cursor:
                lost.append((cursor, keep[j][0]))
            cursor = max(cursor, keep[j][1])
            j += 1
    return lost


def uncovered_text(text: str, before: Iterable[Span], after: Iterable[Span]) -> list[Span]:
    """Runs of article text that were inside a claim before and are inside none after, ignoring
    whitespace: a split that trims the space between two sentences uncovers nothing a reader
    would miss."""
    runs = []
    for start, end in difference(before, after):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            runs.append((start, end))
    return runs


def excerpt(text: str, span: Span, width: int = 40) -> str:
    """A short quotation of a span for a one-line message."""
    piece = " ".join(text[span[0] : span[1]].split())
    return piece if len(piece) <= width else piece[: width - 1] + "…"
