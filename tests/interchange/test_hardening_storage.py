"""Issue #19.12: values only PostgreSQL refuses (an id of 2^31 or more, a NUL character) and a
full disk used to end in a traceback. Each is one line, exit status 1, database unchanged."""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.pool import Pool

from factcheck.store.engine import make_engine
from tests.cli.test_cli import Cli
from tests.conftest import DEMO_TEXT
from tests.interchange.test_bundle import counts


def demo_bundle(tmp_path: Path) -> list[dict[str, object]]:
    """The demo article with one rating, as bundle records (made on a scratch SQLite)."""
    scratch = Cli(f"sqlite:///{tmp_path / 'scratch.db'}")
    scratch.ok("import", str(DEMO_TEXT), "--outlet", "ZeroHedge")
    scratch.ok("rate", "1", "--reviewer", "ana", "--reliability", "B", "--credibility", "2")
    scratch.ok("export", "--format", "jsonl", "--out", str(tmp_path / "demo.jsonl"))
    lines = (tmp_path / "demo.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def write_bundle(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def pg_url(db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("a value SQLite stores as it is")
    return db_url


def refused_unchanged(url: str, *args: str, message: str) -> None:
    engine = make_engine(url)
    before = counts(engine)
    line = Cli(url).fails(*args, message=message)
    assert "Traceback" not in line
    assert counts(engine) == before
    engine.dispose()


def test_an_id_of_two_to_the_31_in_a_bundle(pg_url: str, tmp_path: Path) -> None:
    records = demo_bundle(tmp_path)
    for record in records:
        if record.get("type") == "article":
            record["id"] = 2**31
        if record.get("type") == "claim":
            record["article_id"] = 2**31
    path = write_bundle(tmp_path / "big-id.jsonl", records)
    refused_unchanged(pg_url, "import-bundle", str(path), message="too large for the database")


def test_a_nul_in_a_notes_cell_of_a_bundle(pg_url: str, tmp_path: Path) -> None:
    records = demo_bundle(tmp_path)
    for record in records:
        if record.get("type") == "assessment":
            record["notes"] = "checked\x00by phone"
    path = write_bundle(tmp_path / "nul.jsonl", records)
    refused_unchanged(pg_url, "import-bundle", str(path), message="NUL (0x00)")


@pytest.fixture
def full_sqlite(sqlite_url: str) -> Iterator[str]:
    """The demo article in a SQLite database that then cannot grow by more than two pages:
    a full disk, for real (SQLite's own "database or disk is full")."""
    Cli(sqlite_url).ok("import", str(DEMO_TEXT))
    database = str(Path(sqlite_url.removeprefix("sqlite:///")).resolve())

    def limit(connection: Any, _record: object) -> None:
        if not hasattr(connection, "create_function"):  # sqlite3 connections only
            return
        if (
            str(Path(connection.execute("PRAGMA database_list").fetchone()[2]).resolve())
            == database
        ):
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages + 2}")

    event.listen(Pool, "connect", limit)
    yield sqlite_url
    event.remove(Pool, "connect", limit)


def test_a_full_disk_while_importing(full_sqlite: str, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(DEMO_TEXT.read_text(encoding="utf-8") * 3, encoding="utf-8")
    refused_unchanged(full_sqlite, "import", str(other), message="disk is full")


def test_a_full_disk_while_rating(full_sqlite: str) -> None:
    notes = "A long note on the sourcing of this claim. " * 400  # more than two pages
    refused_unchanged(
        full_sqlite, "rate", "1", "--reviewer", "ana", "--reliability", "B", "--notes", notes,
        message="disk is full",
    )  # fmt: skip


def test_a_full_disk_while_exporting_or_backing_up(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file system says ENOSPC (as /dev/full does) in the middle of writing the file."""
    run = Cli(sqlite_url)
    run.ok("import", str(DEMO_TEXT))
    run.ok("rate", "1", "--reviewer", "ana", "--reliability", "B")
    import factcheck.interchange.export as export_module

    def no_space(path: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(export_module, "atomic_text_file", no_space)
    out = tmp_path / "ratings.csv"
    line = run.fails("export", "--out", str(out), message="no space left on the disk")
    assert str(out) in line and not out.exists()
