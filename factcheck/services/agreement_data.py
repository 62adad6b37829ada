"""Where agreement figures get their ratings from: the database, or a ratings CSV in the export
format (teams pool the CSVs of reviewers who worked offline). Both give `Rating` records (the
database a `RatingTable` of them) with adjudicated (final) ratings left out, so
`agreement_report` sees the same data either way."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Select, and_, false, select
from sqlmodel import Session, col

from factcheck.domain.agreement import (
    RATED_COLUMNS,
    RATING_FIELDS,
    Column,
    Numbering,
    Rating,
    RatingTable,
)
from factcheck.domain.chains import split_chain_text
from factcheck.errors import InputError
from factcheck.interchange.cells import unguard
from factcheck.store.models import Assessment, ChainHopRow, Claim, Reviewer
from schemas.records import parse_credibility, parse_reliability
from schemas.vocab import AttributionType

# A ratings CSV must hold every field a rating has.
CSV_REQUIRED: tuple[str, ...] = RATING_FIELDS[:2]  # and at least one of RATED_COLUMNS
ATTRIBUTION_TYPES = frozenset(t.value for t in AttributionType)
BATCH_ROWS = 20_000


# ---------------------------------------------------------------- database


def ratings_from_db(
    session: Session,
    article_ids: list[int] | None = None,
    reviewers: list[str] | None = None,
) -> RatingTable:
    """Every non-final assessment (optionally of some articles / reviewers) as a `RatingTable`.

    Three queries whatever the size of the project: the reviewers' names, the assessments, then
    all their chain hops through the same filter (a join, not an IN list of ids, which would
    hit SQLite's bound-parameter limit on large projects). They run on the session's
    connection, read in large batches straight from the driver and coded into columns batch by
    batch: at 500,000 ratings, SQLAlchemy rows and a `Rating` object per assessment cost more
    than the database's own work. Ratings come in no particular order."""
    conditions: list[Any] = [col(Assessment.is_final) == false()]
    if article_ids:
        conditions.append(col(Claim.article_id).in_(article_ids))
    if reviewers:
        conditions.append(col(Reviewer.name).in_(reviewers))

    def scoped(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
        if article_ids:
            query = query.join(Claim, col(Claim.id) == Assessment.claim_id)
        if reviewers:
            query = query.join(Reviewer, col(Reviewer.id) == Assessment.reviewer_id)
        return query.where(and_(*conditions))

    connection = session.connection()
    name_of = {
        reviewer_id: name
        for batch in _driver_batches(
            connection, select(col(Reviewer.id), col(Reviewer.name)), "agreement_reviewers"
        )
        for reviewer_id, name in batch
    }
    ratings = _RatingColumns()
    for batch in _driver_batches(
        connection,
        scoped(
            select(
                col(Assessment.id),
                col(Assessment.claim_id),
                col(Assessment.reviewer_id),
                col(Assessment.attribution_type),
                col(Assessment.source_reliability),
                col(Assessment.information_credibility),
            ).select_from(Assessment)
        ),
        "agreement_ratings",
    ):
        ratings.add(batch)

    hop_query = select(col(ChainHopRow.assessment_id), col(ChainHopRow.name))
    if article_ids or reviewers:
        hop_query = scoped(
            hop_query.join(Assessment, col(Assessment.id) == ChainHopRow.assessment_id)
        )
    # Unfiltered, every chain is read straight off its index with no join: the few chains of
    # final assessments are simply never looked up.
    hops = _HopColumns()
    for batch in _driver_batches(
        connection,
        hop_query.order_by(col(ChainHopRow.assessment_id), col(ChainHopRow.position)),
        "agreement_hops",
    ):
        hops.add(batch)
    return ratings.table(name_of, hops)


class _RatingColumns:
    """Assessment rows (id, claim, reviewer id, type, reliability, credibility) gathered as
    arrays of codes, batch by batch, so no Python object outlives its batch. Columns are taken
    with `itemgetter`: transposing with `zip(*batch)` was ten times slower at 20,000 rows."""

    def __init__(self) -> None:
        self.ids: list[npt.NDArray[np.int64]] = []
        self.claims: list[npt.NDArray[np.int64]] = []
        self.reviewers: list[npt.NDArray[np.int64]] = []
        self.numberings = (Numbering(), Numbering(), Numbering())
        self.codes: tuple[list[npt.NDArray[np.int64]], ...] = ([], [], [])

    def add(self, batch: Sequence[Any]) -> None:
        size = len(batch)
        for i, arrays in enumerate((self.ids, self.claims, self.reviewers)):
            arrays.append(np.fromiter(map(itemgetter(i), batch), np.int64, size))
        for i, (numbering, codes) in enumerate(zip(self.numberings, self.codes, strict=True), 3):
            cells = map(itemgetter(i), batch)
            codes.append(np.fromiter(map(numbering.__getitem__, cells), np.int64, size))

    def table(self, name_of: dict[int, str], hops: _HopColumns) -> RatingTable:
        claims, claim_codes = _numbered_in_order(_joined(self.claims))
        reviewers, reviewer_codes = _numbered_in_order(_joined(self.reviewers))
        attribution, reliability, credibility = (
            Column(_joined(codes), list(numbering))
            for codes, numbering in zip(self.codes, self.numberings, strict=True)
        )
        return RatingTable(
            claim_id=Column(claim_codes, claims.tolist()),
            reviewer=Column(reviewer_codes, [name_of[i] for i in reviewers.tolist()]),
            # The model stores a blank choice as "" or NULL; a `Rating` has None for both.
            attribution_type=Column(attribution.codes, [v or None for v in attribution.values]),
            source_reliability=Column(reliability.codes, [v or None for v in reliability.values]),
            information_credibility=credibility,
            chain=hops.column(_joined(self.ids)),
        )


class _HopColumns:
    """Chain hops (assessment id, name), ordered by assessment and position, gathered as
    arrays: a project has some 200 distinct hop names among 1.25M hops."""

    def __init__(self) -> None:
        self.assessments: list[npt.NDArray[np.int64]] = []
        self.names: list[npt.NDArray[np.int64]] = []
        self.numbering = Numbering()

    def add(self, batch: Sequence[Any]) -> None:
        size = len(batch)
        self.assessments.append(np.fromiter(map(itemgetter(0), batch), np.int64, size))
        names = map(itemgetter(1), batch)
        self.names.append(np.fromiter(map(self.numbering.__getitem__, names), np.int64, size))

    def column(self, assessment_ids: npt.NDArray[np.int64]) -> Column:
        """The chain of each of `assessment_ids` (() for one without hops)."""
        names = list(self.numbering)
        groups, chain_codes, chains = intern_runs(_joined(self.assessments), _joined(self.names))
        values = [tuple(map(names.__getitem__, chain)) for chain in chains]
        values.append(())  # the last value: no chain
        if groups.size == 0:
            return Column(np.zeros(assessment_ids.size, dtype=np.int64), values)
        found = np.searchsorted(groups, assessment_ids).clip(max=groups.size - 1)
        codes = np.where(groups[found] == assessment_ids, chain_codes[found], len(chains))
        return Column(codes.astype(np.int64), values)


def intern_runs(
    groups: npt.NDArray[np.int64], items: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], list[tuple[int, ...]]]:
    """Number the sequences of `items` that runs of equal `groups` spell (`groups` sorted).

    Returns the distinct groups, the number of each group's sequence, and the distinct
    sequences. Position by position, each prefix is numbered from the previous prefix's number
    and the next item with one `np.unique`, so the work is one sort per position over the
    groups still running, not a tuple per group; any length works, and memory stays linear."""
    empty = np.zeros(0, dtype=np.int64)
    if groups.size == 0:
        return empty, empty, []
    starts = np.flatnonzero(np.concatenate(([True], groups[1:] != groups[:-1])))
    lengths = np.diff(np.append(starts, groups.size))
    width = int(items.max()) + 1
    prefix = np.zeros(starts.size, dtype=np.int64)  # 0 numbers the empty prefix
    numbered = 1
    longest_first = np.argsort(-lengths)
    running = lengths[longest_first]
    for position in range(int(running[0])):
        alive = longest_first[: int(np.count_nonzero(running > position))]
        key = prefix[alive] * width + items[starts[alive] + position]
        distinct, inverse = np.unique(key, return_inverse=True)
        prefix[alive] = numbered + inverse
        numbered += distinct.size
    distinct, codes = np.unique(prefix, return_inverse=True)
    example = np.empty(distinct.size, dtype=np.int64)  # a group spelling each sequence
    example[codes] = np.arange(codes.size)
    spans = lengths[example]
    ends = np.cumsum(spans)
    # The example groups' items only, as one list sliced per sequence.
    flat = items[np.repeat(starts[example] - (ends - spans), spans) + np.arange(ends[-1])]
    item_list = flat.tolist()
    sequences = [
        tuple(item_list[end - span : end])
        for end, span in zip(ends.tolist(), spans.tolist(), strict=True)
    ]
    return groups[starts], codes.astype(np.int64), sequences


def _numbered_in_order(
    ids: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct `ids` in increasing order and each id's place among them, as `np.unique`
    with `return_inverse` gives, but through a lookup array when the ids are dense (database
    keys are), which is a pass over the ids instead of a sort."""
    if ids.size == 0 or ids.min() < 0 or ids.max() >= 4 * ids.size + 1024:
        distinct, places = np.unique(ids, return_inverse=True)
        return distinct, places.astype(np.int64)
    present = np.zeros(int(ids.max()) + 1, dtype=np.bool_)
    present[ids] = True
    place = np.cumsum(present) - 1
    return np.flatnonzero(present), place[ids]


def _joined(parts: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _driver_batches(
    connection: Connection, statement: Select[*tuple[Any, ...]], name: str
) -> Iterator[Sequence[Any]]:
    """Rows of `statement` straight from the driver, in the session's transaction, in batches.
    The columns read here need no type conversion, and skipping SQLAlchemy's row objects halves
    the time at 500,000 ratings. On PostgreSQL the rows stream in chunks (libpq 17 and later),
    which keeps memory bounded like a server-side cursor without a round trip per batch (a
    third faster); older libpq falls back to a server-side cursor. Read every batch: leaving a
    stream early cancels its query, which aborts the transaction."""
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    args: Any = (
        tuple(params[key] for key in compiled.positiontup or ()) if compiled.positional else params
    )
    raw = connection.connection
    if connection.dialect.name == "sqlite" or not _streams_in_chunks(connection):
        cursor = raw.cursor() if connection.dialect.name == "sqlite" else raw.cursor(name=name)
        try:
            cursor.execute(str(compiled), args)
            while batch := cursor.fetchmany(BATCH_ROWS):
                yield batch
        finally:
            cursor.close()
        return
    cursor = raw.cursor()
    try:
        rows = cursor.stream(str(compiled), args, size=BATCH_ROWS)
        while batch := list(islice(rows, BATCH_ROWS)):
            yield batch
    finally:
        cursor.close()


def _streams_in_chunks(connection: Connection) -> bool:
    if connection.dialect.driver != "psycopg":
        return False
    try:
        from psycopg import capabilities
    except ImportError:  # psycopg before 3.2
        return False
    return bool(capabilities.has_stream_chunked())


# ---------------------------------------------------------------- CSV


def ratings_from_csv(path: Path | str, article_ids: list[int] | None = None) -> list[Rating]:
    """Ratings from a CSV in the export format (see `read_ratings_csv`)."""
    return read_ratings_csv(path, article_ids)[0]


def read_ratings_csv(
    path: Path | str, article_ids: list[int] | None = None
) -> tuple[list[Rating], list[str]]:
    """Ratings from a CSV in the export format, and the rated columns it lacks. Only
    `claim_id`, `reviewer` and at least one rated column are needed, so a hand-made sheet
    works too; rows marked `final` are skipped. `article_ids` keeps only those articles' rows
    and then needs the `article_id` column.

    Errors name the file and the spreadsheet row (the header is row 1), so a reviewer can find
    the bad cell."""
    path = Path(path)
    name = path.name
    missing: list[str] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            ratings = list(_read_ratings(csv.DictReader(handle), name, article_ids, missing))
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a ratings CSV") from None
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text: export it as CSV (UTF-8)") from None
    except csv.Error as error:
        raise InputError(f"{name} is not a readable CSV file: {error}") from None
    return ratings, missing


def _read_ratings(
    reader: csv.DictReader[str], name: str, article_ids: list[int] | None, missing: list[str]
) -> Iterator[Rating]:
    header = [column.strip() for column in reader.fieldnames or []]
    reader.fieldnames = header
    required = list(CSV_REQUIRED) + (["article_id"] if article_ids else [])
    lacking = [column for column in required if column not in header]
    if lacking:
        raise InputError(f"{name} lacks the column(s) {', '.join(lacking)}")
    missing.extend(column for column in RATED_COLUMNS if column not in header)
    if len(missing) == len(RATED_COLUMNS):
        raise InputError(f"{name} has no rated column: give one of {', '.join(RATED_COLUMNS)}")
    wanted = {str(article_id) for article_id in article_ids or ()}
    for row_number, row in enumerate(reader, start=2):
        cells = {key: unguard((value or "").strip()) for key, value in row.items() if key}
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
    attribution = cells.get("attribution_type") or None
    if attribution is not None and attribution not in ATTRIBUTION_TYPES:
        raise ValueError(
            f"attribution type must be one of {', '.join(sorted(ATTRIBUTION_TYPES))}, "
            f"got {attribution!r}"
        )
    return Rating(
        claim_id=int(claim) if claim.isdigit() else claim,
        reviewer=reviewer,
        attribution_type=attribution,
        source_reliability=parse_reliability(cells.get("source_reliability", "")),
        information_credibility=parse_credibility(cells.get("information_credibility", "")),
        chain=tuple(split_chain_text(cells.get("chain", ""))),
    )
