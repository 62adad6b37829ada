"""`factcheck checkworthy` (no database: the JSON Lines contract, exact offsets into the decoded
text, the ranked text output, bad files) and the score in `claims --json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click.testing
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.services.articles import read_article_file
from tests.conftest import DEMO_TEXT

# A database path that cannot exist: files must never need one.
NO_DB = "sqlite:////nonexistent-dir/never/factcheck.db"
KINDS = {"factual", "opinion", "prediction", "framing"}


def invoke(*args: str, db: str = NO_DB) -> click.testing.Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


def json_lines(result: click.testing.Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output + result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_json_lines_one_object_per_file_with_exact_offsets(tmp_path: Path) -> None:
    html = tmp_path / "page.html"
    html.write_text(
        "<html><body><h1>Tech</h1><p>Revenue rose&nbsp;12% to $4.2 billion in 2024, "
        "the company said.</p>\r\n<p>Click through for the whole thing.</p></body></html>",
        encoding="utf-8",
    )
    records = json_lines(invoke("checkworthy", str(DEMO_TEXT), str(html), "--json"))
    assert [r["file"] for r in records] == [str(DEMO_TEXT), str(html)]
    for record, path in zip(records, [DEMO_TEXT, html], strict=True):
        assert set(record) == {"file", "sentences"}
        text = read_article_file(path, 5_000_000).text  # as `factcheck import` decodes it
        starts = [s["start"] for s in record["sentences"]]
        assert starts == sorted(starts), "sentences in text order"
        for sentence in record["sentences"]:
            assert set(sentence) == {"start", "end", "text", "checkworthiness", "kind"}
            assert text[sentence["start"] : sentence["end"]] == sentence["text"]
            assert 0.0 <= sentence["checkworthiness"] <= 1.0
            assert sentence["kind"] in KINDS
    demo = {s["text"][:25]: s for s in records[0]["sentences"]}
    assert demo["NATO Troops In Ukraine ‘L"]["checkworthiness"] < 0.1
    assert demo["French president Emmanuel"]["checkworthiness"] > 0.8
    assert demo["One such example is featu"]["kind"] == "framing"
    page = {s["text"]: s for s in records[1]["sentences"]}
    # page furniture is not a claim (#15), so it is not among the scored sentences at all
    assert "Click through for the whole thing." not in page
    revenue = next(s for t, s in page.items() if t.startswith("Revenue"))
    assert revenue["checkworthiness"] > 0.8 and revenue["kind"] == "factual"


def test_text_output_ranks_sentences_by_score() -> None:
    result = invoke("checkworthy", str(DEMO_TEXT))
    assert result.exit_code == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.startswith(f"{DEMO_TEXT}: 16 sentence(s),") and "check-worthy (≥ 0.5)" in header
    scores = [float(line.split()[0]) for line in lines]
    assert scores == sorted(scores, reverse=True) and len(scores) == 16
    assert "French president Emmanuel Macron" in "".join(lines[:3])
    assert "(a number" in result.stdout  # reasons beside the sentence


def test_bad_file_is_one_line_and_prints_nothing(tmp_path: Path) -> None:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"%PDF-1.4\n\x00\x01")
    result = invoke("checkworthy", str(DEMO_TEXT), str(binary), "--json")
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "scan.txt" in result.stderr
    missing = invoke("checkworthy", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_claims_json_carries_the_stored_score(db_url: str) -> None:
    imported = json_lines(invoke("import", str(DEMO_TEXT), "--json", db=db_url))[0]
    claims = json.loads(
        invoke("claims", str(imported[0]["article_id"]), "--json", db=db_url).stdout
    )
    files = json_lines(invoke("checkworthy", str(DEMO_TEXT), "--json"))[0]["sentences"]
    assert [c["checkworthiness"] for c in claims] == [s["checkworthiness"] for s in files]
    assert [c["kind"] for c in claims] == [s["kind"] for s in files]
    assert [(c["start"], c["end"]) for c in claims] == [(s["start"], s["end"]) for s in files]
