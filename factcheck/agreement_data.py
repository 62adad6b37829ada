"""Where agreement figures get their ratings from: the database, or a ratings CSV in the export
format (teams pool the CSVs of reviewers who worked offline). Both give `Rating` records with
adjudicated (final) ratings left out, so `agreement_report` sees the same data either way."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, and_, false, select
from sqlmodel import Session, col

from factcheck.agreement import Rating
from factcheck.chains import split_chain_text
from factcheck.errors import InputError
from factcheck.export import FORMULA_TRIGGERS
from factcheck.models import Assessment, ChainHopRow, Claim, Reviewer
from schemas.records import parse_credibility, parse_reliability
from schemas.vocab import AttributionType

CSV_REQUIRED: tuple[str, ...] = (
    "claim_id",
    "reviewer",
    "attribution_type",
    "source_reliability",
    "information_credibility",
    "chain",
)
ATTRIBUTION_TYPES = frozenset(t.value for t in AttributionType)
BATCH_ROWS = 20_000


# ---------------------------------------------------------------- database


def ratings_from_db(
    session: Session,
    article_ids: list[int] | None = None,
    reviewers: list[str] | None = None,
) -> list[Rating]:
    """Every non-final assessment (optionally of some articles / reviewers) as a `Rating`.

    Two queries whatever the size of the project: the assessments, then all their chain hops
    through the same filter (a join, not an IN list of ids, which would hit SQLite's
    bound-parameter limit on large projects). Both run on the session's connection as Core
    statements and are read in large batches: at 500,000 ratings the ORM's per-row loading
    cost more than the database's own work."""
    conditions: list[Any] = [col(Assessment.is_final) == false()]
    if article_ids:
        conditions.append(col(Claim.article_id).in_(article_ids))
    if reviewers:
        conditions.append(col(Reviewer.name).in_(reviewers))

    def scoped(query: Select[Any], *, reviewer_join: bool) -> Select[Any]:
        if article_ids:
            query = query.join(Claim, col(Claim.id) == Assessment.claim_id)
        if reviewer_join or reviewers:
            query = query.join(Reviewer, col(Reviewer.id) == Assessment.reviewer_id)
        return query.where(and_(*conditions))

    connection = session.connection()
    hop_query = select(ChainHopRow.assessment_id, ChainHopRow.name)
    if article_ids or reviewers:
        hop_query = scoped(
            hop_query.join(Assessment, col(Assessment.id) == ChainHopRow.assessment_id),
            reviewer_join=False,
        )
    # Unfiltered, every chain is read straight off its index with no join: the few chains of
    # final assessments are simply never looked up.
    hop_rows = _driver_rows(
        connection,
        hop_query.order_by(col(ChainHopRow.assessment_id), col(ChainHopRow.position)),
        "agreement_hops",
    )
    names = itemgetter(1)
    hops = {
        assessment_id: tuple(map(names, group))
        for assessment_id, group in groupby(hop_rows, itemgetter(0))
    }
    rows = _driver_rows(
        connection,
        scoped(
            select(
                Assessment.id,
                Assessment.claim_id,
                Reviewer.name,
                Assessment.attribution_type,
                Assessment.source_reliability,
                Assessment.information_credibility,
            ).select_from(Assessment),
            reviewer_join=True,
        ).order_by(col(Assessment.claim_id), col(Reviewer.name)),
        "agreement_ratings",
    )
    no_chain: tuple[str, ...] = ()
    return [
        Rating(
            claim_id,
            reviewer,
            attribution_type or None,
            source_reliability or None,
            information_credibility,
            hops.get(assessment_id, no_chain),
        )
        for (
            assessment_id,
            claim_id,
            reviewer,
            attribution_type,
            source_reliability,
            information_credibility,
        ) in rows
    ]


def _driver_rows(connection: Connection, statement: Select[Any], name: str) -> Iterator[Any]:
    """Rows of `statement` straight from the driver, in the session's transaction, fetched in
    batches (a server-side cursor on PostgreSQL). The columns read here need no type
    conversion, and skipping SQLAlchemy's row objects halves the time at 500,000 ratings."""
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    args: Any = (
        tuple(params[key] for key in compiled.positiontup or ()) if compiled.positional else params
    )
    raw = connection.connection
    cursor = raw.cursor() if connection.dialect.name == "sqlite" else raw.cursor(name=name)
    try:
        cursor.execute(str(compiled), args)
        while batch := cursor.fetchmany(BATCH_ROWS):
            yield from batch
    finally:
        cursor.close()


# ---------------------------------------------------------------- CSV


def unneutralise(value: str) -> str:
    """Undo the export's formula neutralisation: "'=A1" was written for "=A1"."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def ratings_from_csv(path: Path | str, article_ids: list[int] | None = None) -> list[Rating]:
    """Ratings from a CSV in the export format. Only `claim_id`, `reviewer` and the rated
    columns are needed, so a hand-made sheet works too; rows marked `final` are skipped.
    `article_ids` keeps only those articles' rows and then needs the `article_id` column.

    Errors name the file and the spreadsheet row (the header is row 1), so a reviewer can find
    the bad cell."""
    path = Path(path)
    name = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(_read_ratings(csv.DictReader(handle), name, article_ids))
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a ratings CSV") from None
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text: export it as CSV (UTF-8)") from None
    except csv.Error as error:
        raise InputError(f"{name} is not a readable CSV file: {error}") from None


def _read_ratings(
    reader: csv.DictReader[str], name: str, article_ids: list[int] | None
) -> Iterator[Rating]:
    header = [column.strip() for column in reader.fieldnames or []]
    reader.fieldnames = header
    required = list(CSV_REQUIRED) + (["article_id"] if article_ids else [])
    missing = [column for column in required if column not in header]
    if missing:
        raise InputError(f"{name} lacks the column(s) {', '.join(missing)}")
    wanted = {str(article_id) for article_id in article_ids or ()}
    for row_number, row in enumerate(reader, start=2):
        cells = {key: unneutralise((value or "").strip()) for key, value in row.items() if key}
        if cells.get("final", "").lower() == "true":
            continue
        if wanted and cells["article_id"] not in wanted:
            continue
        try:
            yield _rating(cells)
        except (ValueError, InputError) as error:
            message = str(error).removeprefix("Value error, ")
            raise InputError(f"{name} row {row_number}: {message}") from None


def _rating(cells: dict[str, str]) -> Rating:
    claim = cells["claim_id"]
    if not claim:
        raise ValueError("claim_id is empty")
    reviewer = cells["reviewer"]
    if not reviewer:
        raise ValueError("reviewer is empty")
    attribution = cells["attribution_type"] or None
    if attribution is not None and attribution not in ATTRIBUTION_TYPES:
        raise ValueError(
            f"attribution type must be one of {', '.join(sorted(ATTRIBUTION_TYPES))}, "
            f"got {attribution!r}"
        )
    return Rating(
        claim_id=int(claim) if claim.isdigit() else claim,
        reviewer=reviewer,
        attribution_type=attribution,
        source_reliability=parse_reliability(cells["source_reliability"]),
        information_credibility=parse_credibility(cells["information_credibility"]),
        chain=tuple(split_chain_text(cells["chain"])),
    )
