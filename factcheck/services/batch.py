"""Importing many article files at once, for the CLI's folder import and the UI's uploads:
each file in its own transaction (a crash or a bad file never costs the others), duplicates
skipped by content hash, failures collected with their reasons, progress reported as it goes.

A batch of `PARALLEL_MIN_FILES` or more is split into claims by worker processes while this
process writes the articles, still one transaction each and in the order given: the same
articles, claims and messages as one file at a time, in about half the time on two cores.

Splitting is done before an article's write transaction opens (a split can take seconds, and
an open SQLite write transaction holds everyone else's writes), and stops at the cap on claims
per article (FACTCHECK_MAX_CLAIMS): a file over it is reported as failed, naming the file,
and the others are imported. The web UI reads and splits its uploads in a worker process
(`import_uploads`, `split_text`), so that a large file never holds the interpreter lock the
other browser sessions' threads need."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from factcheck.domain.display import quote_name
from factcheck.domain.split import SplitResult, TooManyClaims
from factcheck.domain.textio import DecodedArticle, decode_article
from factcheck.errors import DuplicateError, FactcheckError
from factcheck.ids import row_id
from factcheck.services import access
from factcheck.services import articles as article_service
from factcheck.services.workers import SplitWorkers, default_workers
from factcheck.store.engine import write
from factcheck.store.models import Claim
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
# Up to this size a text (or an uploaded file) is read and split in the web UI's own process:
# about 50 ms of work at most, less than starting a worker process would take.
ISOLATE_MIN_CHARS = 20_000


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


@dataclass
class FolderFiles:
    """The files a folder import may read, sorted, and the refusals (one line each, naming
    the file) of those that resolve outside the folder."""

    files: list[Path] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def files_in_folder(
    folder: Path,
    pattern: str = "*",
    *,
    recursive: bool = False,
    suffixes: Iterable[str] | None = None,
    root: Path | None = None,
) -> FolderFiles:
    """The files in `folder` (under it with `recursive`) whose names match `pattern` and,
    given `suffixes`, end with one of them (any case). The one rule every folder import
    (`import DIR --recursive`, `import-brat DIR`) walks by: a file that resolves outside
    `root` (default: `folder`), through a symlink to it or to a folder on its way
    (`notes.txt -> ~/.ssh/id_rsa`), is refused, never read; a link that stays inside is an
    ordinary file. Refusals name the file relative to `root`, not where it points."""
    folder, root = Path(folder), Path(root if root is not None else folder)
    base = root.resolve()
    wanted = {s.lower() for s in suffixes} if suffixes is not None else None
    found = FolderFiles()
    matches = folder.rglob(pattern) if recursive else folder.glob(pattern)
    for path in sorted(matches):
        if wanted is not None and path.suffix.lower() not in wanted:
            continue
        if not path.is_file():  # folders, dangling links and link loops
            continue
        try:
            inside = path.resolve(strict=True).is_relative_to(base)
        except (OSError, RuntimeError):  # vanished since, or a loop on the way
            inside = False
        if inside:
            found.files.append(path)
            continue
        try:
            shown: Path | str = path.relative_to(root)
        except ValueError:
            shown = path
        found.refused.append(
            f"{quote_name(shown)} resolves to a file outside {quote_name(root)}: not imported"
        )
    return found


def import_many(
    engine: Engine,
    items: Iterable[ImportItem],
    meta: ArticleMeta,
    progress: Callable[[int], object] | None = None,
    *,
    workers: int | None = None,
) -> BatchSummary:
    """Import each item, in order; `progress(done)` after each one.

    `workers` processes split the files of a large batch (default: two where there are two
    CPUs, none on one); 0 does everything in this process."""
    access.require_signed_in_to(engine, doing="importing")  # before any file is read
    items = list(items)
    count = default_workers() if workers is None else workers
    if len(items) < PARALLEL_MIN_FILES:
        count = 0
    with closing(_prepare(items, count)) as ready:  # stops the workers even on an error
        return _import_prepared(engine, ready, meta, progress)


def _import_prepared(
    engine: Engine,
    ready: Iterable[tuple[str, Prepared]],
    meta: ArticleMeta,
    progress: Callable[[int], object] | None,
) -> BatchSummary:
    """Write each prepared file in its own transaction, in order; collect what happened."""
    summary = BatchSummary()
    for done, (name, prepared) in enumerate(ready, start=1):
        try:
            decoded, split = prepared()
            if split is None:  # not split elsewhere: split here, before the transaction
                split = article_service.split_article(decoded.text, name)
            store = partial(import_one, decoded=decoded, meta=meta, name=name, split=split)
            summary.imported.append(write(engine, store))
        except TooManyClaims as error:  # from a worker, which does not know the file's name
            refusal = article_service.too_many_claims(name, error.sentences, error.limit)
            summary.failed.append(str(refusal))
        except DuplicateError as error:
            summary.duplicates.append(str(error))
        except FactcheckError as error:
            summary.failed.append(str(error))
        if progress is not None:
            progress(done)
    return summary


def import_uploads(
    engine: Engine,
    files: Sequence[tuple[str, bytes]],
    meta: ArticleMeta,
    progress: Callable[[int], object] | None = None,
    *,
    max_bytes: int,
) -> BatchSummary:
    """The web UI's upload: like `import_many`, but each file larger than `ISOLATE_MIN_CHARS`
    bytes is decoded and split in a worker process, not in this one.

    Streamlit runs every browser session as a thread of one process: a 5 MB page parsed
    here would hold the interpreter lock for seconds, and every other reviewer's page would
    wait. A worker costs about 0.2 s to start, so it is started only when a file needs it."""
    access.require_signed_in_to(engine, doing="importing")
    big = any(len(data) > ISOLATE_MIN_CHARS for _, data in files)
    count = max(1, default_workers())
    pool = _start_workers(count) if big else None
    try:
        ready = ((name, _upload(pool, name, data, max_bytes)) for name, data in files)
        return _import_prepared(engine, _ahead(ready, count * AHEAD_PER_WORKER), meta, progress)
    finally:
        if pool is not None:
            pool.close()


def _ahead(items: Iterator[tuple[str, Prepared]], count: int) -> Iterator[tuple[str, Prepared]]:
    """`items`, each taken `count` places before it is used: taking an upload hands it to a
    worker, so the workers read the next files while this process writes one."""
    window = deque(islice(items, count))
    while window:
        item = window.popleft()
        window.extend(islice(items, 1))
        yield item


def _upload(pool: SplitWorkers | None, name: str, data: bytes, max_bytes: int) -> Prepared:
    """How to get one upload decoded and split: by a worker when it is large."""
    if pool is None or len(data) <= ISOLATE_MIN_CHARS:
        return lambda: (decode_article(data, name, max_bytes), None)
    answer = pool.submit_file(data, name, max_bytes)

    def prepared() -> tuple[DecodedArticle, SplitResult | None]:
        result = answer()  # raises the InputError or TooManyClaims that refused the file
        if result is None:  # the worker failed: do it here, with the usual messages
            return decode_article(data, name, max_bytes), None
        return result

    return prepared


def split_text(text: str, name: str | None = None) -> SplitResult:
    """The claims of a pasted text, under the cap (InputError naming `name` past it); a text
    larger than `ISOLATE_MIN_CHARS` is split in a worker process, for the reason given in
    `import_uploads`."""
    pool = _start_workers(1) if len(text) > ISOLATE_MIN_CHARS else None
    if pool is None:
        return article_service.split_article(text, name)
    try:
        split = pool.submit(text)()
    except TooManyClaims as error:
        raise article_service.too_many_claims(name, error.sentences, error.limit) from None
    finally:
        pool.close()
    if split is None:  # the worker failed: split here, with the usual messages
        return article_service.split_article(text, name)
    article_service.check_claim_count(split, name)
    return split


def _start_workers(count: int) -> SplitWorkers | None:
    """Worker processes, or None where none can be started (limits, sandbox)."""
    try:
        return SplitWorkers(count)
    except OSError:
        return None


def _prepare(items: list[ImportItem], workers: int) -> Generator[tuple[str, Prepared], None, None]:
    """Each item with how to get its decoded text and split, in order.

    With workers, the files after the one being written are read here and handed to the
    workers to split; reading errors are raised at the file's turn, and a split that failed
    in a worker (or a worker that died) is redone here by the import itself, so errors read
    exactly as without workers."""
    pool = _start_workers(workers) if workers > 0 else None
    if pool is None:  # no workers wanted, or none could be started: split here
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
            submitted_here = submitted.pop(index, None)
            yield name, submitted_here if submitted_here is not None else _here(load)
    finally:
        pool.close()


def _here(load: Callable[[], DecodedArticle]) -> Prepared:
    """Read the file at its turn; it is split in this process, before its transaction."""
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
    return ImportedArticle(article_id=row_id(article), title=article.title, claims=claims)


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
