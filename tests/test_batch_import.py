"""The batch import shared by the CLI's folder import and the UI's uploads."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from factcheck.articles import read_article_file
from factcheck.batch_import import import_many, progress_text
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
