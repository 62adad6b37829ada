"""BRAT standoff in and out: PolNeAR dev imported, exported as quote JSON and scored against
its own gold (F1 1.000), exported back as BRAT with every span (byte for byte); unknown lines
reported, offsets outside the text refused with nothing stored."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.interchange.brat import parse_ann
from tests.cli.test_cli import Cli
from tests.conftest import ROOT

SHARED_CANDIDATES = (ROOT.parent / "shared", Path("/work/shared"))
SHARED = next((p for p in SHARED_CANDIDATES if (p / "corpora" / "polnear").is_dir()), None)

TEXT = "Officials said on Monday that “talks will resume,” according to Reuters.\n"
ANN = (
    "T1\tSource 0 9\tOfficials\n"
    "T2\tCue 10 14\tsaid\n"
    "T3\tContent 31 50;64 71\ttalks will resume,” Reuters\n"
    "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
    "#1\tAnnotatorNotes T3\tdiscontinuous on purpose\n"
)


def spans_of(path: Path) -> set[tuple[str, str]]:
    """(label, ranges) of every T line: what 'reproduces every span' compares."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, head, *_ = line.split("\t")
            found.add((tid, head))
    return found


def corpus(name: str) -> Path:
    if SHARED is None:
        pytest.skip("the shared PolNeAR corpus (../shared or /work/shared) is not here")
    return SHARED / "corpora" / "polnear" / name


def test_polnear_dev_round_trip_scores_one_and_reproduces_every_span(
    sqlite_url: str, tmp_path: Path
) -> None:
    dev = corpus("dev")
    run = Cli(sqlite_url)
    summary = run.json("import-brat", str(dev))
    texts = sorted((dev / "text").glob("*.txt"))
    anns = sorted((dev / "attributions").glob("*.ann"))
    assert summary["articles_imported"] == len(texts) == 84
    assert summary["annotation_files"] == len(anns)
    assert summary["unknown_lines"] == [] and summary["failed"] == []

    quotes = tmp_path / "quotes.jsonl"
    assert run.json("export", "--format", "quotes", "--out", str(quotes))["rows"] == 84
    lines = [json.loads(line) for line in quotes.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["file"] for line in lines) == [p.name for p in texts]
    scored = subprocess.run(
        [
            sys.executable,
            str(SHARED / "tools" / "attrib_score.py"),
            str(dev),
            str(quotes),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    scores = json.loads(scored.stdout)
    assert scores["articles"] == 84
    for role in ("source", "cue", "content", "attribution"):
        assert scores[role]["f1"] == 1.0, (role, scores[role])

    out = tmp_path / "brat"
    assert run.json("export", "--format", "brat", "--out", str(out))["rows"] == len(anns)
    for ann in anns:
        exported = out / "attributions" / ann.name
        assert spans_of(exported) == spans_of(ann), ann.name
        assert exported.read_bytes() == ann.read_bytes(), ann.name
    for text in texts:
        assert (out / "text" / text.name).read_bytes() == text.read_bytes()


def test_reimporting_a_corpus_reuses_its_articles(sqlite_url: str, tmp_path: Path) -> None:
    training = corpus("annotator-training")
    run = Cli(sqlite_url)
    first = run.json("import-brat", str(training))
    again = run.json("import-brat", str(training))
    assert first["articles_imported"] == 4 and first["annotation_files"] == 24
    assert again["articles_imported"] == 0 and again["articles_reused"] == 4
    assert again["assessments"] == first["assessments"]
    assert len(run.json("articles")) == 4
    # Six annotators per article: each is a reviewer whose quotes can be exported alone.
    annotator = sorted(p.stem.rsplit("_", 1)[1] for p in training.glob("attributions/*.ann"))[-1]
    quotes = tmp_path / "one.jsonl"
    run.ok("export", "--format", "quotes", "--reviewer", annotator, "--out", str(quotes))
    records = [json.loads(line) for line in quotes.read_text(encoding="utf-8").splitlines()]
    assert {r["reviewer"] for r in records if r["attributions"]} == {annotator}


def _side_by_side(folder: Path, ann: str = ANN) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "talks.txt").write_text(TEXT, encoding="utf-8")
    (folder / "talks.ann").write_text(ann, encoding="utf-8")
    return folder


def test_side_by_side_brat_round_trip_keeps_discontinuous_spans_and_notes(
    db_url: str, tmp_path: Path
) -> None:
    source = _side_by_side(tmp_path / "in")
    run = Cli(db_url)
    summary = run.json("import-brat", str(source), "--annotator", "ana")
    assert summary["attributions"] == 1 and summary["assessments"] == 1
    quotes = tmp_path / "q.jsonl"
    run.ok("export", "--format", "quotes", "--out", str(quotes))
    record = json.loads(quotes.read_text(encoding="utf-8"))
    assert record["file"] == "talks.txt" and record["reviewer"] == "ana"
    (attribution,) = record["attributions"]
    assert attribution["source"] == {"start": 0, "end": 9, "text": "Officials"}
    assert attribution["content"] == [
        {"start": 31, "end": 50, "text": "talks will resume,”"},
        {"start": 64, "end": 71, "text": "Reuters"},
    ]
    assert attribution["attribution_type"] == "direct_quote"
    out = tmp_path / "out"
    run.ok("export", "--format", "brat", "--out", str(out))
    assert (out / "attributions" / "talks_ana.ann").read_text(encoding="utf-8") == ANN
    assert (out / "text" / "talks.txt").read_text(encoding="utf-8") == TEXT


def test_unknown_lines_are_reported_not_dropped_silently(sqlite_url: str, tmp_path: Path) -> None:
    extra = "R1\tSameAs Arg1:T1 Arg2:T2\nA1\tNegated E1\nthis is not brat\n"
    source = _side_by_side(tmp_path / "in", ANN + extra)
    run = Cli(sqlite_url)
    result = run.ok("import-brat", str(source))
    assert "unknown line (not imported): talks.ann line 6: R1\tSameAs" in result.stderr
    assert "talks.ann line 7: A1\tNegated E1" in result.stderr
    assert "talks.ann line 8: this is not brat" in result.stderr
    assert "3 unknown lines reported" in result.stderr
    assert "1 articles imported" in result.stdout
    # The lines it could read are in, and --json lists the unknown ones too.
    again = run.json("import-brat", str(source))
    assert len(again["unknown_lines"]) == 3 and again["attributions"] == 1
    # parse_ann itself returns them, with file and line.
    parsed = parse_ann(ANN + extra, TEXT, "talks.ann")
    lines = [line.split(":")[0] for line in parsed.unknown_lines]
    assert lines == ["talks.ann line 6", "talks.ann line 7", "talks.ann line 8"]


@pytest.mark.parametrize(
    "bad_line",
    ["T9\tSource 6 500\tx", "T9\tContent 0 5;10 80\tShort x"],
)
def test_offsets_outside_the_text_are_refused_and_nothing_is_stored(
    db_url: str, tmp_path: Path, bad_line: str
) -> None:
    folder = tmp_path / "corpus"
    _side_by_side(folder)  # a good document first: it must not be stored either
    (folder / "zz-bad.txt").write_text("Short text.\n", encoding="utf-8")
    (folder / "zz-bad.ann").write_text(bad_line + "\n", encoding="utf-8")
    run = Cli(db_url)
    line = run.fails("import-brat", str(folder), message="outside the text")
    assert "zz-bad.ann line 1" in line and "T9" in line
    assert run.json("articles") == []
    # With --keep-going the good document goes in and the bad one is listed as failed.
    result = run("import-brat", str(folder), "--keep-going")
    assert result.exit_code == 1
    assert "failed: zz-bad.ann line 1" in result.stderr
    assert [a["title"] for a in run.json("articles")] == [TEXT.strip()]


def test_folder_without_texts_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    Cli(sqlite_url).fails("import-brat", str(tmp_path / "empty"), message="no .txt files")


def test_same_text_under_two_file_names_comes_back_under_both(
    sqlite_url: str, tmp_path: Path
) -> None:
    """PolNeAR train has one article published twice (two names, one text, two annotators):
    stored once, it still exports and scores as two files."""
    gold = tmp_path / "gold"
    (gold / "text").mkdir(parents=True)
    (gold / "attributions").mkdir()
    second_ann = "T1\tSource 64 71\tReuters\nT2\tCue 51 63\taccording to\nE1\tCue:T2 Source:T1\n"
    for stem, annotator, ann in (("day-one", "aaaa", ANN), ("day-two", "bbbb", second_ann)):
        (gold / "text" / f"{stem}.txt").write_text(TEXT, encoding="utf-8")
        (gold / "attributions" / f"{stem}_{annotator}.ann").write_text(ann, encoding="utf-8")
    run = Cli(sqlite_url)
    summary = run.json("import-brat", str(gold))
    assert (summary["articles_imported"], summary["articles_reused"]) == (1, 1)
    quotes = tmp_path / "q.jsonl"
    assert run.json("export", "--format", "quotes", "--out", str(quotes))["rows"] == 2
    records = [json.loads(line) for line in quotes.read_text(encoding="utf-8").splitlines()]
    assert [(r["file"], r["reviewer"]) for r in records] == [
        ("day-one.txt", "aaaa"),
        ("day-two.txt", "bbbb"),
    ]
    if SHARED is not None:
        scorer = SHARED / "tools" / "attrib_score.py"
        scored = subprocess.run(
            [sys.executable, str(scorer), str(gold), str(quotes), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        scores = json.loads(scored.stdout)
        assert all(scores[role]["f1"] == 1.0 for role in ("source", "cue", "content"))
    out = tmp_path / "out"
    run.ok("export", "--format", "brat", "--out", str(out))
    for path in sorted(gold.rglob("*.*")):
        assert (out / path.relative_to(gold)).read_bytes() == path.read_bytes(), path.name
    assert len(list(out.rglob("*.*"))) == 4


def test_exporting_into_a_used_folder_asks_then_replaces_it_whole(
    sqlite_url: str, tmp_path: Path
) -> None:
    run = Cli(sqlite_url)
    run.ok("import-brat", str(_side_by_side(tmp_path / "in")), "--annotator", "ana")
    out = tmp_path / "out"
    run.ok("export", "--format", "brat", "--out", str(out))
    stale = out / "attributions" / "gone_bob.ann"  # as if from an earlier export
    stale.write_text("T1\tSource 0 9\tOfficials\n", encoding="utf-8")

    run.fails("export", "--format", "brat", "--out", str(out), message="is not empty")
    assert stale.exists(), "refused: nothing changed"

    run.ok("export", "--format", "brat", "--out", str(out), "--replace")
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*")) == [
        "attributions/talks_ana.ann",
        "text/talks.txt",
    ]
    assert (out / "attributions" / "talks_ana.ann").read_text(encoding="utf-8") == ANN
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no leftovers"
