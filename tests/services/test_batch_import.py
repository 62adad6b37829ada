"""The batch import shared by the CLI's folder import and the UI's uploads, with and without
worker processes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from factcheck.checkworthy import score_claims
from factcheck.domain.split import SplitResult, split_into_claims
from factcheck.services import articles
from factcheck.services import batch as batch_import
from factcheck.services.articles import read_article_file
from factcheck.services.batch import PARALLEL_MIN_FILES, import_many, progress_text
from factcheck.store.engine import make_engine
from factcheck.store.models import Article, Claim
from schemas.records import ArticleMeta


def _item(path: Path):  # type: ignore[no-untyped-def]
    return (path.name, lambda: read_article_file(path, 5_000_000))


def test_each_file_stands_alone_and_progress_is_reported(engine: Engine, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("The mayor said the bridge will reopen on Monday.", encoding="utf-8")
    again = tmp_path / "again.txt"
    again.write_text("The mayor said the bridge will reopen on Monday.\n", encoding="utf-8")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\n\x00\x01")
    seen: list[int] = []
    summary = import_many(
        engine, [_item(good), _item(binary), _item(again)], ArticleMeta(), seen.append
    )
    assert seen == [1, 2, 3]
    assert [(i.title, i.claims) for i in summary.imported] == [
        ("The mayor said the bridge will reopen on Monday.", 1)
    ]
    assert len(summary.failed) == 1 and "scan.txt" in summary.failed[0]
    assert len(summary.duplicates) == 1 and "again.txt" in summary.duplicates[0]
    assert summary.line() == "1 imported, 1 duplicates skipped, 1 failed"


def test_progress_text_gives_count_rate_and_time_left() -> None:
    assert progress_text(0, 40, started=100.0, now=100.0) == "Imported 0 of 40"
    assert progress_text(10, 40, started=100.0, now=105.0) == (
        "Imported 10 of 40 · 2.0 files/s · about 15 s left"
    )
    assert progress_text(40, 40, started=100.0, now=120.0) == "Imported 40 of 40 · 2.0 files/s"


def _mixed_batch(folder: Path, demo: str) -> list[tuple[str, object]]:
    """20 files: distinct articles with, among them, a binary file, an empty one, an
    unsupported type and a duplicate, so a batch large enough for workers meets every case."""
    folder.mkdir()
    paths = []
    for number in range(16):
        text = demo.replace("Stubb", f"Stubb-{number}") + f"\n\nArticle {number} ends here.\n"
        paths.append(folder / f"article-{number:02}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    (folder / "scan.txt").write_bytes(b"%PDF-1.4\n\x00\x01")
    (folder / "blank.txt").write_text("", encoding="utf-8")
    (folder / "slides.pdf").write_bytes(b"not really a pdf")
    (folder / "again.txt").write_text(paths[3].read_text(encoding="utf-8") + "\n")
    paths[5:5] = [folder / "scan.txt", folder / "blank.txt"]
    paths[12:12] = [folder / "slides.pdf", folder / "again.txt"]
    return [_item(path) for path in paths]


def _stored(engine: Engine) -> list[tuple[object, ...]]:
    """Every article in id order with its claims: what a batch left in the database."""
    with Session(engine) as session:
        stored = []
        for article in session.exec(select(Article).order_by(col(Article.id))).all():
            claims = session.exec(
                select(Claim).where(Claim.article_id == article.id).order_by(col(Claim.position))
            ).all()
            stored.append(
                (
                    article.title,
                    article.source_file,
                    article.text,
                    [(c.position, c.start, c.end, c.text, c.kind) for c in claims],
                )
            )
        return stored


def test_workers_import_the_same_articles_in_the_same_order(
    engine: Engine, tmp_path: Path, demo_text: str
) -> None:
    items = _mixed_batch(tmp_path / "batch", demo_text)
    assert len(items) >= PARALLEL_MIN_FILES
    sequential_engine = make_engine(f"sqlite:///{tmp_path / 'sequential.db'}")
    expected = import_many(sequential_engine, items, ArticleMeta(outlet="ZeroHedge"), workers=0)

    seen: list[int] = []
    summary = import_many(engine, items, ArticleMeta(outlet="ZeroHedge"), seen.append, workers=2)

    assert seen == list(range(1, len(items) + 1))
    assert [(i.title, i.claims) for i in summary.imported] == [
        (i.title, i.claims) for i in expected.imported
    ]
    assert summary.duplicates == expected.duplicates
    assert len(summary.duplicates) == 1 and "again.txt" in summary.duplicates[0]
    assert summary.failed == expected.failed
    assert [m.split()[0] for m in summary.failed] == ["scan.txt", "blank.txt", "slides.pdf:"]
    assert summary.line() == "16 imported, 1 duplicates skipped, 3 failed"
    assert _stored(engine) == _stored(sequential_engine)
    assert len(_stored(engine)) == 16
    sequential_engine.dispose()


class _InlineWorkers:
    """Workers that are up at once and split each text as it is handed over."""

    def __init__(self, count: int) -> None:
        self.texts: list[str] = []

    def submit(self, text: str) -> Callable[[], SplitResult | None]:
        self.texts.append(text)
        result = split_into_claims(text)
        return lambda: result

    def close(self) -> None:
        pass


def test_workers_split_every_file_after_the_first(
    engine: Engine, tmp_path: Path, demo_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = _mixed_batch(tmp_path / "batch", demo_text)
    workers = _InlineWorkers(2)
    monkeypatch.setattr(batch_import, "SplitWorkers", lambda count: workers)
    split_here = []
    real_split = articles.split_into_claims
    monkeypatch.setattr(
        articles, "split_into_claims", lambda text: split_here.append(text) or real_split(text)
    )
    summary = import_many(engine, items, ArticleMeta(), workers=2)
    assert summary.line() == "16 imported, 1 duplicates skipped, 3 failed"
    # The first file is split here while the workers start; every other readable file
    # (the duplicate too: only the database knows it is one) goes to a worker.
    assert len(split_here) == 1
    assert len(workers.texts) == len(items) - 1 - 3
    for title, _file, text, claims in _stored(engine):
        # kinds as the import suggests them (factcheck.checkworthy), wherever it was split
        scored = score_claims(split_into_claims(text))
        expected = [(c.start, c.end, c.kind.value) for c in scored.claims]
        assert [(start, end, kind) for _, start, end, _, kind in claims] == expected, title


class _DeadWorkers(_InlineWorkers):
    """Workers that died: every split comes back as None."""

    def submit(self, text: str) -> Callable[[], SplitResult | None]:
        return lambda: None


def _no_processes(count: int) -> None:
    raise OSError("Resource temporarily unavailable")


@pytest.mark.parametrize("workers", [_DeadWorkers, _no_processes])
def test_lost_workers_cost_speed_not_articles(
    engine: Engine,
    tmp_path: Path,
    demo_text: str,
    monkeypatch: pytest.MonkeyPatch,
    workers: Callable[[int], object],
) -> None:
    items = _mixed_batch(tmp_path / "batch", demo_text)
    monkeypatch.setattr(batch_import, "SplitWorkers", workers)
    summary = import_many(engine, items, ArticleMeta(), workers=2)
    assert summary.line() == "16 imported, 1 duplicates skipped, 3 failed"
    for title, _file, text, claims in _stored(engine):
        # kinds as the import suggests them (factcheck.checkworthy), wherever it was split
        scored = score_claims(split_into_claims(text))
        expected = [(c.start, c.end, c.kind.value) for c in scored.claims]
        assert [(start, end, kind) for _, start, end, _, kind in claims] == expected, title


def test_small_batches_start_no_workers(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_workers(count: int) -> None:
        raise AssertionError("a small batch should not start workers")

    monkeypatch.setattr(batch_import, "SplitWorkers", no_workers)
    paths = []
    for number in range(PARALLEL_MIN_FILES - 1):
        paths.append(tmp_path / f"note-{number}.txt")
        paths[-1].write_text(f"The mayor said bridge {number} reopens on Monday.", "utf-8")
    summary = import_many(engine, [_item(p) for p in paths], ArticleMeta(), workers=2)
    assert len(summary.imported) == PARALLEL_MIN_FILES - 1
