"""Exports as a small pipeline: rows (streamed from the database) → formatter → writer.
Files are written to a temporary name and renamed, so a crash never leaves a truncated file
under the final name."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
import time as time_module
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Connection,
    Engine,
    Result,
    String,
    and_,
    inspect,
    select,
    true,
    type_coerce,
)
from sqlmodel import Session, col

from factcheck.interchange.cells import guard_cells
from factcheck.services import access
from factcheck.store.models import Article, Assessment, Claim, Reviewer
from schemas.vocab import CHAIN_SEPARATOR, grade

CSV_COLUMNS: tuple[str, ...] = (
    "article_id",
    "article_title",
    "outlet",
    "article_url",
    "published_at",
    "claim_id",
    "claim_index",
    "claim_start",
    "claim_end",
    "claim_text",
    "claim_kind",
    "reviewer",
    "attribution_type",
    "speaker",
    "cue",
    "chain",
    "chain_kinds",
    "chain_length",
    "translated",
    "source_reliability",
    "information_credibility",
    "grade",
    "sourcing_score",
    "primary_source_url",
    "corroborated",
    "notes",
    "rated_at",
    # Beyond the contract's columns (which stay first and in this order):
    "final",
    "chain_relations",
    "corroborated_by",
    "needs_review",
    "checkworthiness",
)

BATCH_ROWS = 2000


@dataclass
class ExportFilter:
    """Which assessments to export; every export format takes the same filter. (What only
    one format needs, such as ClaimReview's publishing organisation, is a parameter of that
    format's exporter, not part of the filter.)"""

    article_ids: list[int] | None = None
    reviewers: list[str] | None = None
    final_only: bool = False
    rated_from: datetime | None = None
    rated_to: datetime | None = None


def parse_rated_bound(value: str, *, end: bool = False) -> datetime:
    """A `--from`/`--to` bound: a date (`2025-09-05`, the whole UTC day: its start for
    `--from`, its last microsecond for `--to`) or a date-time (naive means UTC)."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.min, tzinfo=UTC)
            return moment + timedelta(days=1, microseconds=-1) if end else moment
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date (2025-09-05) or date-time (2025-09-05T09:20:00Z)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def release_rows(session: Session, rows: Iterable[Any]) -> None:
    """Detach the ORM objects of a streamed batch so memory stays bounded. (`expunge_all()`
    would swap the identity map a `yield_per` result is still loading into, and the next
    batch would fail.)"""
    for row in rows:
        for item in row if isinstance(row, tuple | list) or hasattr(row, "_fields") else (row,):
            state = inspect(item, raiseerr=False)
            if state is not None and getattr(state, "session", None) is session:
                session.expunge(item)


def _iso_utc(moment: datetime | str | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):  # SQLite's stored UTC text, "2025-09-05 09:20:00.000000"
        return f"{moment[:10]}T{moment[11:19]}Z"
    if moment.tzinfo is None:  # stored naive, in UTC
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _bool(value: bool | None) -> str:
    return "true" if value else "false"


def assessment_conditions(session: Session, flt: ExportFilter) -> list[Any]:
    """The filter as SQL conditions on Assessment / Claim / Reviewer, shared by every export
    format and the Export page's figures. In team mode an annotator gets only their own
    assessments plus those of articles released for adjudication (blind rating)."""
    conditions: list[Any] = []
    if flt.article_ids:
        conditions.append(col(Claim.article_id).in_(flt.article_ids))
    if flt.reviewers:
        conditions.append(col(Reviewer.name).in_(flt.reviewers))
    if flt.final_only:
        conditions.append(Assessment.is_final == true())
    if flt.rated_from:
        conditions.append(Assessment.updated_at >= flt.rated_from)
    if flt.rated_to:
        conditions.append(Assessment.updated_at <= flt.rated_to)
    visible = access.visible_assessments(session)
    if visible is not None:
        conditions.append(visible)
    return conditions


def iter_rating_rows(
    session: Session, flt: ExportFilter | None = None
) -> Generator[dict[str, Any], None, None]:
    """One dict per (claim, reviewer) assessment, in article and claim order, streamed in
    batches: memory stays bounded whatever the size of the project."""
    for cells in _rating_cells(session, flt):
        yield dict(zip(CSV_COLUMNS, cells, strict=True))


def _rating_cells(session: Session, flt: ExportFilter | None = None) -> Iterator[list[Any]]:
    """The rows of `iter_rating_rows` as lists in `CSV_COLUMNS` order (what the CSV writer
    needs, without building and taking apart a dict per row)."""
    flt = flt or ExportFilter()
    query = (
        select(
            col(Article.id),
            col(Article.title),
            col(Article.outlet),
            col(Article.url),
            col(Article.published_at),
            col(Claim.id),
            col(Claim.position),
            col(Claim.start),
            col(Claim.end),
            col(Claim.text),
            col(Claim.kind),
            col(Reviewer.name),
            col(Assessment.attribution_type),
            col(Assessment.speaker),
            col(Assessment.cue),
            col(Assessment.translated),
            col(Assessment.source_reliability),
            col(Assessment.information_credibility),
            col(Assessment.sourcing_score),
            col(Assessment.primary_source_url),
            col(Assessment.corroborated),
            col(Assessment.notes),
            # As stored: SQLite's text is formatted by slicing (`_iso_utc`), not parsed into a
            # datetime and formatted back, 3 µs a row; PostgreSQL's driver gives a datetime.
            type_coerce(col(Assessment.updated_at), String),
            col(Assessment.is_final),
            col(Assessment.corroborated_by),
            col(Assessment.needs_review),
            col(Claim.checkworthiness),
            col(Assessment.id),  # last: the chains are looked up by it (`row[-1]`)
        )
        .join(Claim, col(Claim.id) == Assessment.claim_id)
        .join(Article, col(Article.id) == Claim.article_id)
        .join(Reviewer, col(Reviewer.id) == Assessment.reviewer_id)
        .order_by(
            col(Article.id),
            col(Claim.start),
            col(Claim.id),
            col(Reviewer.name),
            col(Assessment.is_final),
        )
    )
    conditions = assessment_conditions(session, flt)
    if conditions:
        query = query.where(and_(*conditions))
    # Plain columns, not ORM entities: no identity map to fill and empty again, which made
    # the export 10× slower than the query itself.
    # Core execution (the session's connection): rows are plain tuples, no ORM loading step.
    connection = session.connection()
    # 29 columns: past the 10 that select() types one by one, so rows are typed loosely.
    result: Result[*tuple[Any, ...]] = connection.execute(
        query.execution_options(yield_per=BATCH_ROWS)
    )
    for batch in result.partitions():
        chains = _chain_texts(connection, [row[-1] for row in batch])
        for row in batch:
            yield _row_cells(row, chains.get(row[-1], _NO_CHAIN))


_NO_CHAIN = ("", "", 0, "")


def _chain_texts(
    connection: Connection, assessment_ids: list[int]
) -> dict[int, tuple[str, str, int, str]]:
    """Names, kinds, length and relations of many assessments' chains, in one query.

    A driver-level statement: no expanding-IN compilation or result processing per batch,
    which cost more than the database's own work (the columns are plain strings)."""
    if not assessment_ids:
        return {}
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = (
        "SELECT assessment_id, name, kind, COALESCE(relation, '') FROM chain_hop "
        f"WHERE assessment_id IN ({', '.join([mark] * len(assessment_ids))}) "
        "ORDER BY assessment_id, position"
    )
    rows = connection.exec_driver_sql(statement, tuple(assessment_ids)).fetchall()
    join = CHAIN_SEPARATOR.join
    chains: dict[int, tuple[str, str, int, str]] = {}
    for assessment_id, hops in groupby(rows, itemgetter(0)):
        _, names, kinds, relations = zip(*hops, strict=True)
        # The origin has no relation: `chain_relations` holds hops 2..n's, so it never starts
        # with an empty element (a sheet's reader would see a blank first relation).
        chains[assessment_id] = (join(names), join(kinds), len(names), join(relations[1:]))
    return chains


def _row_cells(row: Any, chain: tuple[str, str, int, str]) -> list[Any]:
    """One CSV row, in `CSV_COLUMNS` order."""
    (
        article_id,
        title,
        outlet,
        url,
        published,
        claim_id,
        position,
        start,
        end,
        text,
        kind,
        reviewer,
        attribution_type,
        speaker,
        cue,
        translated,
        source_reliability,
        information_credibility,
        sourcing_score,
        primary_source_url,
        corroborated,
        notes,
        updated_at,
        is_final,
        corroborated_by,
        needs_review,
        checkworthiness,
        _assessment_id,
    ) = row
    names, kinds, length, relations = chain
    return [
        article_id,
        title,
        outlet or "",
        url or "",
        published or "",
        claim_id,
        position,
        start,
        end,
        text,
        kind,
        reviewer,
        attribution_type or "",
        speaker or "",
        cue or "",
        names,
        kinds,
        length,
        _bool(translated),
        source_reliability or "",
        information_credibility or "",
        grade(source_reliability, information_credibility),
        "" if sourcing_score is None else sourcing_score,
        primary_source_url or "",
        _bool(corroborated),
        notes or "",
        _iso_utc(updated_at),
        _bool(is_final),
        relations,
        corroborated_by or "",
        _bool(needs_review),
        "" if checkworthiness is None else f"{checkworthiness:.3f}",
    ]


def write_csv(
    rows: Iterable[dict[str, Any]], out: IO[str], progress: Callable[[int], None] | None = None
) -> int:
    """RFC 4180 CSV with a header row; text cells guarded against formula injection
    (`factcheck.interchange.cells`)."""
    return _write_cells(map(itemgetter(*CSV_COLUMNS), rows), out, progress)


def _write_cells(
    rows: Iterable[Sequence[Any]], out: IO[str], progress: Callable[[int], None] | None = None
) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(guard_cells(row))
        count += 1
        if progress is not None and count % BATCH_ROWS == 0:
            progress(count)
    if progress is not None:
        progress(count)
    return count


def rating_cells(session: Session, flt: ExportFilter | None = None) -> Iterator[list[Any]]:
    """The ratings rows as cells in `CSV_COLUMNS` order (what every tabular format writes)."""
    return _rating_cells(session, flt)


# Excel on Windows reads a CSV without a byte-order mark in the machine's code page, so “ ”
# and accents turn to mojibake; with one it reads UTF-8. The plain CSV keeps its contract.
EXCEL_ENCODING = "utf-8-sig"


def csv_bytes(session: Session, flt: ExportFilter | None = None, *, excel: bool = False) -> bytes:
    """The ratings CSV in memory, for the UI's download button (same content as the CLI);
    `excel` adds the byte-order mark Excel needs."""
    buffer = io.StringIO()
    _write_cells(_rating_cells(session, flt), buffer)
    return buffer.getvalue().encode(EXCEL_ENCODING if excel else "utf-8")


# ---------------------------------------------------------------- temporary files
#
# Exports and backups are written to a temporary file or folder beside the target,
# `.<target name>.<8 random characters>.part` (tempfile's names), and renamed into place.
# A process killed with SIGKILL cannot remove its temporary file, so every export or backup
# first removes the stale ones left beside its target by earlier runs. The rule:
#
#   a temporary file or folder is stale when no process holds the lock its writer takes on
#   it from the moment it is created (an exclusive flock, which the kernel drops when the
#   process ends, however it ends) and it was last changed more than STALE_GRACE_SECONDS
#   ago (a file is created, then locked: the grace period covers that instant).
#
# So the file of an export that is still running is never removed, however long it runs, and
# PID reuse cannot fool the rule. Only names of exactly that pattern are touched, only regular
# files and folders (never a symlink), only the user's own; SQLite's `-journal`, `-wal` and
# `-shm` companions of a stale backup go with it. Where locks are unavailable (no fcntl, or a
# file system that refuses flock) nothing counts as unlocked, so nothing is removed.

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]  # fcntl is POSIX-only; None means no locks

STALE_GRACE_SECONDS = 60.0
_TEMP_INFIX = "[a-z0-9_]{8}"  # what tempfile puts between prefix and suffix
_SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")


def _lock(fd: int) -> None:
    """Hold an exclusive lock on the open file or folder `fd` until it is closed: the sign,
    for `remove_stale_temps` in any process, that its writer is alive."""
    if fcntl is None:
        return
    with suppress(OSError):  # a file system without flock: never taken for stale then
        fcntl.flock(fd, fcntl.LOCK_EX)


def _unlocked(path: Path) -> bool:
    """Whether nobody holds `path`'s lock (False when that cannot be told)."""
    if fcntl is None:
        return False
    try:
        fd = os.open(path, (os.O_RDONLY if path.is_dir() else os.O_RDWR) | os.O_NOFOLLOW)
    except FileNotFoundError:
        return True  # gone: nothing holds it
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # held (BlockingIOError), or cannot be told
        return False
    finally:
        os.close(fd)  # also drops the lock just taken
    return True


def remove_stale_temps(
    folder: Path, prefix: str, suffix: str, *, restore: Path | None = None
) -> list[Path]:
    """Remove the stale temporary files and folders named `<prefix><8 chars><suffix>` in
    `folder` (see the rule above); returns what was removed. With `restore`, a stale folder
    holding `restore.name` (the old export `atomic_folder` had moved aside) first puts it back
    at `restore` when nothing is there. Never raises for what it cannot remove: cleaning up is
    a courtesy, not part of the export."""
    pattern = re.compile(
        re.escape(prefix) + _TEMP_INFIX + re.escape(suffix) + "(?:-journal|-wal|-shm)?"
    )
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    removed: list[Path] = []
    now = time_module.time()
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            is_dir = entry.is_dir(follow_symlinks=False)
            if not (is_dir or entry.is_file(follow_symlinks=False)):
                continue  # a symlink or a device: not one of ours
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                continue
            if now - info.st_mtime < STALE_GRACE_SECONDS:
                continue
            path = Path(entry.path)
            owner = path
            for companion in _SQLITE_COMPANIONS:
                if entry.name.endswith(suffix + companion):
                    owner = path.with_name(entry.name.removesuffix(companion))
            if not _unlocked(owner):
                continue
            if is_dir:
                if restore is not None and not os.path.lexists(restore):
                    kept = path / restore.name
                    if kept.is_dir() and not kept.is_symlink():
                        os.replace(kept, restore)
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


@contextmanager
def locked_temp(
    folder: Path, prefix: str, suffix: str = ".part", *, is_dir: bool = False, sweep: bool = True
) -> Iterator[tuple[int, Path]]:
    """A new temporary file or folder in `folder`, locked for as long as this block runs;
    yields (locked fd, path), and removes it on an error. The caller renames it into place
    inside the block, while it is locked. First the stale ones of the same name pattern are
    removed, unless `sweep` is False (a caller writing many files into a fresh folder)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if sweep:
        remove_stale_temps(folder, prefix, suffix)
    if is_dir:
        temp = Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=folder))
        fd = os.open(temp, os.O_RDONLY)
    else:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
        temp = Path(name)
    try:
        _lock(fd)
        yield fd, temp
    except BaseException:
        if is_dir:
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A locked temporary folder in the system's temp folder, removed afterwards; the stale
    ones of killed processes (same rule) are removed first."""
    with locked_temp(Path(tempfile.gettempdir()), prefix, ".part", is_dir=True) as (_, folder):
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def atomic_text_file(
    path: Path, *, clean_stale: bool = True, encoding: str = "utf-8"
) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path`, then rename it into place on success.
    `clean_stale=False` skips looking for stale temp files (a caller writing many files
    into a fresh folder of its own)."""
    path = Path(path)
    with locked_temp(path.parent, f".{path.name}.", sweep=clean_stale) as (fd, temp):
        # The writer gets a second descriptor: closing it keeps the lock, which lasts until
        # the rename is done.
        with os.fdopen(os.dup(fd), "w", encoding=encoding, newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)


@contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """Yield a fresh staging folder beside `path`; on success it replaces `path` (whose old
    files are removed only then), on failure it is removed and `path` is left as it was. A
    folder export never mixes with an earlier one, and a crash never leaves half of one: the
    next export here removes a killed one's staging folder, and puts back an old folder it
    had moved aside but not yet replaced."""
    path = Path(path)
    prefix = f".{path.name}."
    remove_stale_temps(path.parent, prefix, ".old", restore=path)
    with locked_temp(path.parent, prefix, is_dir=True) as (_, staging):
        yield staging
        if not path.exists():
            os.replace(staging, path)
            return
        with locked_temp(path.parent, prefix, ".old", is_dir=True, sweep=False) as (_, old):
            os.replace(path, old / path.name)
            try:
                os.replace(staging, path)
            except BaseException:
                os.replace(old / path.name, path)  # the old folder goes back, untouched
                raise
            shutil.rmtree(old, ignore_errors=True)


def export_csv(
    engine: Engine,
    path: Path,
    flt: ExportFilter | None = None,
    progress: Callable[[int], None] | None = None,
    *,
    excel: bool = False,
) -> int:
    """Stream the ratings CSV to `path`; returns the number of rows. `excel` writes the
    byte-order mark Excel needs to read UTF-8."""
    encoding = EXCEL_ENCODING if excel else "utf-8"
    with Session(engine) as session, atomic_text_file(path, encoding=encoding) as out:
        return _write_cells(_rating_cells(session, flt), out, progress)
