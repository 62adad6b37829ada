"""Importing many article files at once, for the CLI's folder import and the UI's uploads:
each file in its own transaction (a crash or a bad file never costs the others), duplicates
skipped by content hash, failures collected with their reasons, progress reported as it goes.

A batch of `PARALLEL_MIN_FILES` or more is split into claims by worker processes while this
process writes the articles, still one transaction each and in the order given: the same
articles, claims and messages as one file at a time, in about half the time on two cores."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from factcheck import articles as article_service
from factcheck.db import write
from factcheck.errors import DuplicateError, FactcheckError
from factcheck.models import Claim
from factcheck.split import SplitResult
from factcheck.textio import DecodedArticle
from factcheck.workers import SplitWorkers, default_workers
from schemas.records import ArticleMeta, ImportedArticle

# A file to import: its name, and how to read and decode it (deferred, so a huge or binary
# file is refused when its turn comes, and only a few files' bytes are in memory at a time).
ImportItem = tuple[str, Callable[[], DecodedArticle]]
# A file made ready for writing: its decoded text and, when a worker split it, its claims.
Prepared = Callable[[], tuple[DecodedArticle, SplitResult | None]]

# Below this many files a batch is split in this process: starting two workers (about 0.1 s
# of CPU) would cost more than it saves, and a single upload stays instant.
PARALLEL_MIN_FILES = 16
# Files read and handed to the workers ahead of the one being written, per worker.
AHEAD_PER_WORKER = 4


@dataclass
class BatchSummary:
    imported: list[ImportedArticle] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{len(self.imported)} imported, {len(self.duplicates)} duplicates skipped, "
            f"{len(self.failed)} failed"
        )


def import_many(
    engine: Engine,
    items: Iterable[ImportItem],
    meta: ArticleMeta,
    progress: Callable[[int], None] | None = None,
    *,
    workers: int | None = None,
) -> BatchSummary:
    """Import each item, in order; `progress(done)` after each one.

    `workers` processes split the files of a large batch (default: two where there are two
    CPUs, none on one); 0 does everything in this process."""
    items = list(items)
    count = default_workers() if workers is None else workers
    if len(items) < PARALLEL_MIN_FILES:
        count = 0
    summary = BatchSummary()
    with closing(_prepare(items, count)) as ready:  # stops the workers even on an error
        for done, (name, prepared) in enumerate(ready, start=1):
            try:
                decoded, split = prepared()
                store = partial(import_one, decoded=decoded, meta=meta, name=name, split=split)
                summary.imported.append(write(engine, store))
            except DuplicateError as error:
                summary.duplicates.append(str(error))
            except FactcheckError as error:
                summary.failed.append(str(error))
            if progress is not None:
                progress(done)
    return summary


def _prepare(items: list[ImportItem], workers: int) -> Iterator[tuple[str, Prepared]]:
    """Each item with how to get its decoded text and split, in order.

    With workers, the files after the one being written are read here and handed to the
    workers to split; reading errors are raised at the file's turn, and a split that failed
    in a worker (or a worker that died) is redone here by the import itself, so errors read
    exactly as without workers."""
    pool = None
    if workers > 0:
        try:
            pool = SplitWorkers(workers)
        except OSError:  # cannot start processes (limits, sandbox): split here
            pool = None
    if pool is None:
        for name, load in items:
            yield name, _here(load)
        return
    try:
        submitted: dict[int, Prepared] = {}
        upcoming = 1  # the first item not yet handed over (the first is split here)
        for index, (name, load) in enumerate(items):
            while upcoming < len(items) and upcoming <= index + workers * AHEAD_PER_WORKER:
                submitted[upcoming] = _submit(pool, items[upcoming][1])
                upcoming += 1
            yield name, submitted.pop(index, None) or _here(load)
    finally:
        pool.close()


def _here(load: Callable[[], DecodedArticle]) -> Prepared:
    """Read the file at its turn; the import splits it in this process."""
    return lambda: (load(), None)


def _submit(pool: SplitWorkers, load: Callable[[], DecodedArticle]) -> Prepared:
    """Read one file now and hand its text to a worker to split."""
    try:
        decoded = load()
    except Exception as error:  # raised at the file's turn, as without workers
        failure = error

        def fail() -> tuple[DecodedArticle, SplitResult | None]:
            raise failure

        return fail
    split = pool.submit(decoded.text)
    return lambda: (decoded, split())


def import_one(
    session: Session,
    decoded: DecodedArticle,
    meta: ArticleMeta,
    name: str,
    split: SplitResult | None = None,
) -> ImportedArticle:
    """Store one decoded file and say what it became (the `import --json` record)."""
    article = article_service.import_decoded(session, decoded, meta, name, split)
    claims = session.exec(
        select(func.count()).select_from(Claim).where(Claim.article_id == article.id)
    ).one()
    return ImportedArticle(article_id=article.id, title=article.title, claims=claims)  # type: ignore[arg-type]


def progress_text(done: int, total: int, started: float, now: float | None = None) -> str:
    """ "Imported 12 of 40 · 3.1 files/s · about 9 s left", for a progress bar's label."""
    elapsed = max((now if now is not None else time.monotonic()) - started, 1e-9)
    rate = done / elapsed
    text = f"Imported {done} of {total}"
    if done and done < total:
        text += f" · {rate:.1f} files/s · about {round((total - done) / rate)} s left"
    elif done:
        text += f" · {rate:.1f} files/s"
    return text
