"""Merging a ratings CSV made offline: a dry run reports and writes nothing; the merge creates
and updates; a rating changed in the database since the CSV was exported is a conflict,
reported and not overwritten; a bad row stops the merge before anything is written."""

from __future__ import annotations

import csv
from pathlib import Path

from factcheck.store.engine import make_engine
from tests.cli.test_cli import Cli
from tests.interchange.test_bundle import build_project


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def ratings(run: Cli) -> dict[tuple[str, str], dict[str, str]]:
    """(reviewer, final) → the exported row of the demo's first claim, as a user would check
    it in a spreadsheet."""
    rows = list(csv.DictReader(run.ok("export", "--format", "csv").stdout.splitlines()))
    first = min(int(r["claim_id"]) for r in rows)
    return {(r["reviewer"], r["final"]): r for r in rows if r["claim_id"] == str(first)}


def test_offline_ratings_merge_with_dry_run_and_conflicts(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    ids = build_project(engine)
    engine.dispose()
    run = Cli(db_url)
    exported = tmp_path / "ratings.csv"
    run.ok("export", "--format", "csv", "--out", str(exported))
    columns, rows = read_rows(exported)
    claim = str(ids["claim"])
    ana = next(r for r in rows if r["reviewer"] == "ana" and r["claim_id"] == claim)
    cleo = next(r for r in rows if r["reviewer"] == "cleo")
    ana["information_credibility"] = "3"
    ana["notes"] = "downgraded offline"
    dan = {**ana, "reviewer": "dan", "source_reliability": "C", "notes": "", "chain": ""}
    dan["chain_kinds"] = dan["chain_relations"] = ""
    # Cleo's copy predates her last save in the database, and differs: a conflict.
    cleo["rated_at"] = "2000-01-01T00:00:00Z"
    cleo["information_credibility"] = "5"
    offline = tmp_path / "offline.csv"
    write_rows(offline, columns, [*rows, dan])
    before = ratings(run)

    report = run.json("merge-ratings", str(offline), "--dry-run")
    assert report["dry_run"] is True
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 1, len(rows) - 2)
    changed = {(c["reviewer"], tuple(c["fields"])) for c in report["changes"]}
    assert ("ana", ("information_credibility", "notes")) in changed
    assert any(reviewer == "dan" for reviewer, _ in changed)
    (conflict,) = report["conflicts"]
    assert conflict["reviewer"] == "cleo" and conflict["final"] is True
    assert conflict["fields"] == ["information_credibility"]
    assert conflict["csv_rated_at"] == "2000-01-01T00:00:00Z"
    assert ratings(run) == before  # a dry run writes nothing

    text = run.ok("merge-ratings", str(offline))
    assert "conflict, kept the database's version: row" in text.stdout
    assert "created 1, updated 1" in text.stdout
    after = ratings(run)
    assert after[("ana", "false")]["grade"] == "B3"
    assert after[("ana", "false")]["notes"] == "downgraded offline"
    assert after[("ana", "false")]["chain"] == before[("ana", "false")]["chain"]
    assert after[("dan", "false")]["grade"] == "C3"
    assert after[("cleo", "true")]["grade"] == "A1"  # not overwritten
    assert after[("ben", "false")] == before[("ben", "false")]

    again = run.json("merge-ratings", str(offline))  # merging twice changes nothing more
    assert (again["created"], again["updated"]) == (0, 0) and len(again["conflicts"]) == 1


def test_rows_match_by_article_and_offsets_when_claim_id_is_blank(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url)
    build_project(engine)
    engine.dispose()
    run = Cli(sqlite_url)
    exported = tmp_path / "ratings.csv"
    run.ok("export", "--format", "csv", "--reviewer", "ben", "--out", str(exported))
    columns, rows = read_rows(exported)
    rows[0]["claim_id"] = ""
    rows[0]["information_credibility"] = "4"
    write_rows(exported, columns, rows)
    report = run.json("merge-ratings", str(exported))
    assert report["updated"] == 1
    assert ratings(run)[("ben", "false")]["grade"] == "4"


def test_a_bad_row_stops_the_merge_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    build_project(engine)
    engine.dispose()
    run = Cli(db_url)
    exported = tmp_path / "ratings.csv"
    run.ok("export", "--format", "csv", "--out", str(exported))
    columns, rows = read_rows(exported)
    rows[0]["information_credibility"] = "2"
    rows[0]["notes"] = "this good row must not be written either"
    rows[-1]["source_reliability"] = "Z"
    write_rows(exported, columns, rows)
    before = ratings(run)
    line = run.fails("merge-ratings", str(exported), message=f"row {len(rows) + 1}")
    assert "A–F" in line
    assert ratings(run) == before
    rows[-1]["source_reliability"] = ""
    rows[-1]["claim_id"] = "999999"
    write_rows(exported, columns, rows)
    run.fails("merge-ratings", str(exported), message="claim 999999 does not exist")
    assert ratings(run) == before
    (tmp_path / "other.csv").write_text("name,score\nx,1\n", encoding="utf-8")
    run.fails("merge-ratings", str(tmp_path / "other.csv"), message="no 'reviewer' column")
