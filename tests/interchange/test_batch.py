"""Batch work: a folder imported recursively with progress and a summary, a re-run that skips
what is already in; every export format with the same filters, streamed in batches, with a
progress bar on stderr (and none with --json)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import factcheck.interchange.bundle
import factcheck.interchange.claimreview
import factcheck.interchange.export
from factcheck.store.engine import make_engine
from tests.cli.test_cli import Cli
from tests.interchange.test_bundle import build_project

FORMATS = ("csv", "jsonl", "brat", "quotes", "claimreview")


def make_folder(root: Path) -> Path:
    files = {
        "desk-a/one.txt": "The minister said the bridge will open in May. Critics disagree.\n",
        "desk-a/two.md": "# Port strike\n\nDock workers said the strike would last a week.\n",
        "desk-b/deep/three.html": (
            "<html><head><title>Rates</title></head><body><article><p>The central bank "
            "raised rates on Thursday, its governor said.</p></article></body></html>"
        ),
        "desk-b/copy-of-one.txt": "The minister said the bridge will open in May. Critics disagree.\n",
        "desk-b/empty.txt": "   \n",
        "desk-b/not-text.txt": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "desk-b/notes.csv": "not,an,article\n",
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            content.encode("utf-8") if "PNG" not in content else content.encode("latin-1")
        )
    return root


def test_recursive_import_reports_progress_and_a_summary_and_reruns_skip(
    db_url: str, tmp_path: Path
) -> None:
    folder = make_folder(tmp_path / "inbox")
    run = Cli(db_url)
    # An "interrupted" first run got through one desk only.
    first = run.json("import", str(folder / "desk-a"), "--recursive")
    assert [a["title"] for a in first] == [
        "The minister said the bridge will open in May. Critics disagree.",
        "Port strike",
    ]

    result = run("import", str(folder), "--recursive")
    assert result.exit_code == 1  # some files failed; the rest went in
    stderr = result.stderr
    assert "importing" in stderr and "6/6" in stderr  # the progress bar: count of files
    assert "files/s" in stderr  # and its rate
    assert "1 imported, 3 duplicates skipped, 2 failed" in stderr
    assert stderr.count("skipped: ") == 3 and "already imported" in stderr
    assert "failed: " in stderr and "empty.txt" in stderr and "not-text.txt" in stderr
    assert "imported article" in result.stdout and "'Rates'" in result.stdout
    assert len(run.json("articles")) == 3

    again = run("import", str(folder), "--recursive", "--json")
    assert json.loads(again.stdout) == []  # the contract shape, nothing new
    assert "0 imported, 4 duplicates skipped, 2 failed" in again.stderr
    assert "importing" not in again.stderr  # no progress bar with --json
    assert len(run.json("articles")) == 3


def test_a_folder_needs_recursive(sqlite_url: str, tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "inbox")
    Cli(sqlite_url).fails("import", str(folder), message="add --recursive")


@pytest.fixture
def project(db_url: str) -> tuple[Cli, dict[str, int]]:
    engine = make_engine(db_url)
    ids = build_project(engine)
    engine.dispose()
    return Cli(db_url), ids


def _export(run: Cli, fmt: str, out: Path, *args: str) -> dict:
    return run.json("export", "--format", fmt, "--out", str(out), *args)


def _reviewers_in(fmt: str, out: Path) -> set[str]:
    """Which reviewers' work an export holds, read the way a user of that format would."""
    if fmt == "brat":
        return {p.stem.rsplit("_", 1)[1] for p in (out / "attributions").glob("*.ann")}
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        return {row["reviewer"] for row in csv.DictReader(io.StringIO(text))}
    lines = [json.loads(line) for line in text.splitlines()]
    if fmt == "jsonl":
        return {r["reviewer"] for r in lines if r.get("type") == "assessment"}
    if fmt == "quotes":
        return {r["reviewer"] for r in lines if r["reviewer"]}
    return {r["author"]["name"] for r in lines}


def _articles_in(fmt: str, out: Path) -> set[str]:
    if fmt == "brat":
        return {p.name for p in (out / "text").glob("*.txt")}
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        return {row["article_id"] for row in csv.DictReader(io.StringIO(text))}
    lines = [json.loads(line) for line in text.splitlines()]
    if fmt == "jsonl":
        return {str(r["id"]) for r in lines if r.get("type") == "article"}
    if fmt == "quotes":
        return {str(r["article_id"]) for r in lines}
    return {r["itemReviewed"]["appearance"][0]["headline"] for r in lines}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_takes_the_same_filters(
    project: tuple[Cli, dict[str, int]], tmp_path: Path, fmt: str
) -> None:
    run, ids = project
    everything = tmp_path / "all"
    _export(run, fmt, everything)
    expected = {"ana", "ben", "cleo"}
    if fmt == "brat":  # the adjudicated assessments are a file of their own
        expected = {"ana", "ben", "cleo-final"}
    if fmt == "quotes":  # one line per article: its first reviewer unless one is chosen
        expected = {"ana"}
    assert _reviewers_in(fmt, everything) == expected

    only_ben = tmp_path / "ben"
    _export(run, fmt, only_ben, "--reviewer", "ben")
    assert _reviewers_in(fmt, only_ben) == {"ben"}

    final = tmp_path / "final"
    _export(run, fmt, final, "--final-only")
    assert _reviewers_in(fmt, final) == ({"cleo-final"} if fmt == "brat" else {"cleo"})

    one_article = tmp_path / "one"
    _export(run, fmt, one_article, "--article", str(ids["page"]), "--reviewer", "ana")
    if fmt != "claimreview":  # ana's rating of that article has no grade: no review
        assert len(_articles_in(fmt, one_article)) == 1
        assert _articles_in(fmt, one_article) != _articles_in(fmt, everything)

    future = tmp_path / "future"
    _export(run, fmt, future, "--from", "2999-01-01")
    assert _reviewers_in(fmt, future) == set()
    past = tmp_path / "past"
    _export(run, fmt, past, "--to", "2000-12-31T23:59:59Z")
    assert _reviewers_in(fmt, past) == set()


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_shows_progress_on_stderr_but_not_with_json(
    sqlite_url: str, tmp_path: Path, fmt: str
) -> None:
    engine = make_engine(sqlite_url)
    build_project(engine)
    engine.dispose()
    run = Cli(sqlite_url)
    shown = run.ok("export", "--format", fmt, "--out", str(tmp_path / "a"))
    assert f"exporting {fmt}" in shown.stderr
    assert shown.stdout.startswith("wrote ")
    quiet = run.ok("export", "--format", fmt, "--out", str(tmp_path / "b"), "--json")
    assert quiet.stderr == ""
    assert json.loads(quiet.stdout)["format"] == fmt


def test_exports_stream_in_batches_with_the_same_result(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tiny batches (as a huge project would use) give the same files as one batch."""
    engine = make_engine(sqlite_url)
    build_project(engine)
    engine.dispose()
    run = Cli(sqlite_url)
    for fmt in ("csv", "jsonl", "claimreview"):
        _export(run, fmt, tmp_path / f"whole.{fmt}")
    monkeypatch.setattr(factcheck.interchange.export, "BATCH_ROWS", 1)
    monkeypatch.setattr(factcheck.interchange.claimreview, "BATCH_ROWS", 1)
    monkeypatch.setattr(factcheck.interchange.bundle, "BATCH", 1)
    monkeypatch.setattr(factcheck.interchange.bundle, "ARTICLE_BATCH", 1)
    for fmt in ("csv", "jsonl", "claimreview"):
        _export(run, fmt, tmp_path / f"batched.{fmt}")
        whole = (tmp_path / f"whole.{fmt}").read_bytes()
        assert (tmp_path / f"batched.{fmt}").read_bytes() == whole, fmt


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "jsonl"), "give --out"),
        (("--format", "csv", "--from", "last week"), "is not a date"),
        (("--format", "csv", "--from", "2025-09-05", "--to", "2025-09-01"), "is after --to"),
    ],
)
def test_bad_export_options_are_one_line(
    sqlite_url: str, args: tuple[str, ...], message: str
) -> None:
    Cli(sqlite_url).fails("export", *args, message=message)


def test_export_target_must_fit_the_format(sqlite_url: str, tmp_path: Path) -> None:
    run = Cli(sqlite_url)
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    run.fails(
        "export", "--format", "brat", "--out", str(tmp_path / "file.txt"), message="is a file"
    )
    run.fails("export", "--format", "jsonl", "--out", str(tmp_path), message="is a folder")
