"""Importing many article files at once, for the CLI's folder import and the UI's uploads:
each file in its own transaction (a crash or a bad file never costs the others), duplicates
skipped by content hash, failures collected with their reasons, progress reported as it goes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from factcheck import articles as article_service
from factcheck.db import write
from factcheck.errors import DuplicateError, FactcheckError
from factcheck.models import Claim
from factcheck.textio import DecodedArticle
from schemas.records import ArticleMeta, ImportedArticle

# A file to import: its name, and how to read and decode it (deferred, so a huge or binary
# file is refused when its turn comes, and only one file's bytes are in memory at a time).
ImportItem = tuple[str, Callable[[], DecodedArticle]]


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
) -> BatchSummary:
    """Import each item; `progress(done)` after each one."""
    summary = BatchSummary()
    for done, (name, load) in enumerate(items, start=1):
        try:
            decoded = load()
            summary.imported.append(
                write(engine, lambda s, d=decoded, n=name: import_one(s, d, meta, n))
            )
        except DuplicateError as error:
            summary.duplicates.append(str(error))
        except FactcheckError as error:
            summary.failed.append(str(error))
        if progress is not None:
            progress(done)
    return summary


def import_one(
    session: Session, decoded: DecodedArticle, meta: ArticleMeta, name: str
) -> ImportedArticle:
    """Store one decoded file and say what it became (the `import --json` record)."""
    article = article_service.import_decoded(session, decoded, meta, name)
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
