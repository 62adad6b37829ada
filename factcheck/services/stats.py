"""Numbers about the ratings for the Export page's charts: grade distribution, chain lengths,
attribution types. Each figure is one aggregate query (GROUP BY), so the cost does not grow
with the number of rows loaded into Python; the filter is the one the CSV export uses."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

# One definition of what a filter selects, shared with the CSV export (same rows, same counts).
from factcheck.interchange.export import (
    CSV_COLUMNS,
    ExportFilter,
    assessment_conditions,
    iter_rating_rows,
    write_csv,
)
from factcheck.store.models import Assessment, ChainHopRow, Claim, Reviewer
from schemas.vocab import CREDIBILITY_GRADES, RELIABILITY_GRADES, AttributionType

NOT_SET = "not set"
"""The bucket of ratings whose field is empty (an attribution type or a grade not given)."""

PREVIEW_ROWS = 20
# What a reader checks first leads the preview; ids, offsets and URLs come last (the file
# itself keeps the contract's column order).
_PREVIEW_FIRST = ("claim_text", "reviewer", "grade", "chain", "attribution_type", "speaker")
_PREVIEW_LAST = (
    "article_id",
    "claim_id",
    "claim_index",
    "claim_start",
    "claim_end",
    "article_url",
    "primary_source_url",
)
PREVIEW_ORDER: tuple[str, ...] = (
    *_PREVIEW_FIRST,
    *(c for c in CSV_COLUMNS if c not in _PREVIEW_FIRST and c not in _PREVIEW_LAST),
    *_PREVIEW_LAST,
)


@dataclass(frozen=True)
class RatingSummary:
    """Counts of the assessments a filter selects.

    `grades` maps the written grade ("B2") to a count; a half-given grade keeps its known
    part with "?" for the other ("B?", "?3"), and assessments without either grade are
    counted under `NOT_SET`. `chain_lengths` maps the number of hops (0 for no chain) to a
    count. `attribution_types` maps each type (or `NOT_SET`) to a count."""

    total: int = 0
    grades: dict[str, int] = field(default_factory=dict)
    chain_lengths: dict[int, int] = field(default_factory=dict)
    attribution_types: dict[str, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return self.total == 0

    def grade_matrix(self) -> dict[str, dict[str, int]]:
        """Reliability A–F (rows) × credibility 1–6 (columns), every cell present (0 if none),
        for a stacked bar chart or a table; half-given and missing grades are left out."""
        matrix = {r: {str(c): 0 for c in CREDIBILITY_GRADES} for r in RELIABILITY_GRADES}
        for grade, count in self.grades.items():
            reliability, credibility = grade[:1], grade[1:]
            if reliability in matrix and credibility in matrix[reliability]:
                matrix[reliability][credibility] = count
        return matrix

    def attribution_shares(self) -> dict[str, float]:
        """Each attribution type's share of the ratings, in percent (sums to 100)."""
        if not self.total:
            return {}
        return {kind: 100.0 * count / self.total for kind, count in self.attribution_types.items()}


def _filtered(session: Session, query: Any, flt: ExportFilter) -> Any:
    """Join what the export filter may refer to (claim, reviewer) and apply it."""
    query = query.join(Claim, col(Claim.id) == Assessment.claim_id).join(
        Reviewer, col(Reviewer.id) == Assessment.reviewer_id
    )
    conditions = assessment_conditions(session, flt)
    return query.where(and_(*conditions)) if conditions else query


def _grade_label(reliability: str | None, credibility: int | None) -> str:
    if reliability is None and credibility is None:
        return NOT_SET
    return f"{reliability or '?'}{credibility if credibility is not None else '?'}"


def _grade_order(label: str) -> tuple[int, int]:
    """A1, A2, … F6, then half-given grades, then `NOT_SET`."""
    if label == NOT_SET:
        return (99, 99)
    reliability, credibility = label[:1], label[1:]
    r = RELIABILITY_GRADES.index(reliability) if reliability in RELIABILITY_GRADES else 50
    c = int(credibility) if credibility.isdigit() else 50
    return (r, c)


def grade_counts(session: Session, flt: ExportFilter) -> dict[str, int]:
    """Assessments per written grade ("B2"), in scale order."""
    query = _filtered(
        session,
        select(
            col(Assessment.source_reliability),
            col(Assessment.information_credibility),
            func.count(),
        ),
        flt,
    ).group_by(col(Assessment.source_reliability), col(Assessment.information_credibility))
    counts: dict[str, int] = {}
    for reliability, credibility, count in session.execute(query):
        label = _grade_label(reliability, credibility)
        counts[label] = counts.get(label, 0) + count
    return dict(sorted(counts.items(), key=lambda item: _grade_order(item[0])))


def chain_length_counts(session: Session, flt: ExportFilter) -> dict[int, int]:
    """Assessments per chain length (number of hops; 0 when no chain was recorded)."""
    hops = (
        select(col(ChainHopRow.assessment_id), func.count().label("hops"))
        .group_by(col(ChainHopRow.assessment_id))
        .subquery()
    )
    length = func.coalesce(hops.c.hops, 0)
    per_assessment = _filtered(
        session,
        select(length.label("length"))
        .select_from(Assessment)
        .outerjoin(hops, hops.c.assessment_id == Assessment.id),
        flt,
    ).subquery()
    query = (
        select(per_assessment.c.length, func.count())
        .group_by(per_assessment.c.length)
        .order_by(per_assessment.c.length)
    )
    return {int(length): count for length, count in session.execute(query)}


def attribution_type_counts(session: Session, flt: ExportFilter) -> dict[str, int]:
    """Assessments per attribution type, in the vocabulary's order, then `NOT_SET`."""
    query = _filtered(
        session, select(col(Assessment.attribution_type), func.count()), flt
    ).group_by(col(Assessment.attribution_type))
    raw = {kind or NOT_SET: count for kind, count in session.execute(query)}
    order = [kind.value for kind in AttributionType] + [NOT_SET]
    known = {kind: raw.pop(kind) for kind in order if kind in raw}
    return {**known, **dict(sorted(raw.items()))}  # unknown stored values last, not dropped


def count_ratings(session: Session, flt: ExportFilter | None = None) -> int:
    """How many assessments the filter selects (all of them without one)."""
    query = _filtered(session, select(func.count(col(Assessment.id))), flt or ExportFilter())
    return int(session.execute(query).scalar_one())


def rating_summary(session: Session, flt: ExportFilter | None = None) -> RatingSummary:
    """Everything the Export page charts, for the assessments the filter selects."""
    flt = flt or ExportFilter()
    total = count_ratings(session, flt)
    if not total:
        return RatingSummary()
    return RatingSummary(
        total=total,
        grades=grade_counts(session, flt),
        chain_lengths=chain_length_counts(session, flt),
        attribution_types=attribution_type_counts(session, flt),
    )


def preview_rows(
    session: Session, flt: ExportFilter | None = None, limit: int = PREVIEW_ROWS
) -> list[dict[str, str]]:
    """The first `limit` rows of the CSV export exactly as the file has them (same columns,
    order and cell text, formula guard included), without reading the rest."""
    buffer = io.StringIO()
    with closing(iter_rating_rows(session, flt)) as rows:
        write_csv(islice(rows, limit), buffer)
    return [
        {column: row[column] for column in PREVIEW_ORDER}
        for row in csv.DictReader(io.StringIO(buffer.getvalue()))
    ]


def rating_filter(
    *,
    article_ids: Sequence[int] | None = None,
    reviewers: Sequence[str] | None = None,
    final_only: bool = False,
    rated_on_or_after: date | None = None,
    rated_on_or_before: date | None = None,
) -> ExportFilter:
    """The export filter a form describes: an empty choice means all; dates are whole UTC days,
    both ends included."""
    return ExportFilter(
        article_ids=list(article_ids) if article_ids else None,
        reviewers=list(reviewers) if reviewers else None,
        final_only=final_only,
        rated_from=(
            datetime.combine(rated_on_or_after, time.min, tzinfo=UTC) if rated_on_or_after else None
        ),
        rated_to=(
            datetime.combine(rated_on_or_before + timedelta(days=1), time.min, tzinfo=UTC)
            - timedelta(microseconds=1)
            if rated_on_or_before
            else None
        ),
    )
