"""`factcheck suggest`: the JSON Lines contract, exact spans, bad files, stored articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click.testing
import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.services.articles import read_article_file
from tests.conftest import DEMO_TEXT

ATTRIBUTION_KEYS = {"attribution_type", "source", "cue", "content", "chain", "score"}
TYPES = {"direct_quote", "indirect", "mixed", "vague", "anonymous", "unattributed"}
# A database path that cannot exist: files must never need one.
NO_DB = "sqlite:////nonexistent-dir/never/factcheck.db"

SHORT = (
    "Finance minister Anna Berg said the budget would be balanced by 2027.\n"
    "“We will hold,” Berg said. “Nobody doubts it.”\n"
    "The plan will reportedly be finalized next week.\n"
)


def invoke(*args: str, db: str = NO_DB) -> click.testing.Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


def json_lines(result: click.testing.Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output + result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def one_line_error(result: click.testing.Result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return lines[0]


def spans_of(attribution: dict[str, Any]) -> list[dict[str, Any]]:
    content = attribution["content"]
    out = content if isinstance(content, list) else [content]
    return out + [attribution[k] for k in ("source", "cue") if attribution[k] is not None]


def assert_contract(record: dict[str, Any], text: str) -> None:
    """Every attribution has the contract's keys, and every span is an exact slice."""
    assert isinstance(record["attributions"], list)
    for attribution in record["attributions"]:
        assert set(attribution) >= ATTRIBUTION_KEYS
        assert attribution["attribution_type"] in TYPES
        assert isinstance(attribution["score"], int) and 0 <= attribution["score"] <= 100
        for hop in attribution["chain"]:
            assert set(hop) == {"name", "kind", "relation"}
            assert hop["name"]
        for span in spans_of(attribution):
            assert set(span) == {"start", "end", "text"}
            assert 0 <= span["start"] <= span["end"] <= len(text)
            assert text[span["start"] : span["end"]] == span["text"]


@pytest.fixture
def short_file(tmp_path: Path) -> Path:
    path = tmp_path / "short.txt"
    path.write_text(SHORT, encoding="utf-8")
    return path


def test_one_json_object_per_file_without_a_database(short_file: Path) -> None:
    records = json_lines(invoke("suggest", str(short_file), str(DEMO_TEXT), "--json"))
    assert [r["file"] for r in records] == [str(short_file), str(DEMO_TEXT)]
    for record, path in zip(records, (short_file, DEMO_TEXT), strict=True):
        assert_contract(record, read_article_file(path, 5_000_000).text)
        assert record["attributions"]
    assert not Path("/nonexistent-dir").exists()


def test_short_file_attributions(short_file: Path) -> None:
    (record,) = json_lines(invoke("suggest", str(short_file), "--json"))
    by_cue = {a["cue"]["text"]: a for a in record["attributions"] if a["cue"]}
    berg = next(a for a in record["attributions"] if a["source"]["text"].endswith("Anna Berg"))
    assert berg["attribution_type"] == "indirect"
    assert berg["content"]["text"] == "the budget would be balanced by 2027"
    assert berg["chain"][0]["name"] == "Anna Berg"
    quote = next(a for a in record["attributions"] if isinstance(a["content"], list))
    # Discontinuous content: the quote and its continuation, as a list of spans.
    assert [c["text"] for c in quote["content"]] == ["“We will hold,”", "“Nobody doubts it.”"]
    assert quote["attribution_type"] == "direct_quote"
    assert by_cue["reportedly"]["attribution_type"] == "vague"
    assert by_cue["reportedly"]["source"] is None


def test_offsets_refer_to_the_decoded_text(tmp_path: Path) -> None:
    """A BOM and CRLF line ends are decoded away; offsets point into the decoded text."""
    path = tmp_path / "crlf.txt"
    path.write_bytes(("\ufeff" + SHORT.replace("\n", "\r\n")).encode("utf-8"))
    (record,) = json_lines(invoke("suggest", str(path), "--json"))
    text = read_article_file(path, 5_000_000).text
    assert "\r" not in text
    assert_contract(record, text)
    assert record["attributions"]


def test_all_sentences_adds_unattributed(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(
        "The bridge opened in 1932. Anna Berg said it would close in May.\n", encoding="utf-8"
    )
    (plain,) = json_lines(invoke("suggest", str(path), "--json"))
    (full,) = json_lines(invoke("suggest", str(path), "--json", "--all-sentences"))
    assert all(a["attribution_type"] != "unattributed" for a in plain["attributions"])
    unattributed = [a for a in full["attributions"] if a["attribution_type"] == "unattributed"]
    assert [a["content"]["text"] for a in unattributed] == ["The bridge opened in 1932."]
    assert unattributed[0]["source"] is None and unattributed[0]["cue"] is None
    assert_contract(full, read_article_file(path, 5_000_000).text)


def test_readable_summary_without_json(short_file: Path) -> None:
    result = invoke("suggest", str(short_file))
    assert result.exit_code == 0, result.stderr
    assert f"{short_file}: " in result.stdout
    assert "Anna Berg" in result.stdout and "chain: Anna Berg" in result.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout.splitlines()[0])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n", "whitespace"),
        ("scan.txt", b"%PDF-1.7 binary stuff", "PDF"),
        ("picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG"),
        ("garbled.txt", bytes(range(0x80, 0x100)) * 20, "garbled.txt"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_files_give_one_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    line = one_line_error(invoke("suggest", str(path), "--json"))
    assert message.lower() in line.lower()
    assert line.startswith("error: ")


def test_missing_file_and_folder(tmp_path: Path, short_file: Path) -> None:
    line = one_line_error(invoke("suggest", str(short_file), str(tmp_path / "nope.txt")))
    assert "no such file" in line
    assert "folder" in one_line_error(invoke("suggest", str(tmp_path), "--json"))


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from factcheck.config import get_settings

    monkeypatch.setenv("FACTCHECK_MAX_BYTES", "1000")
    get_settings.cache_clear()
    try:
        path = tmp_path / "big.txt"
        path.write_text("Anna Berg said the plan works. " * 100, encoding="utf-8")
        assert "limit" in one_line_error(invoke("suggest", str(path), "--json"))
    finally:
        get_settings.cache_clear()


def test_needs_files_or_article_not_both(short_file: Path) -> None:
    assert "--article" in one_line_error(invoke("suggest"))
    assert "not both" in one_line_error(invoke("suggest", str(short_file), "--article", "1"))


def test_stored_article(sqlite_url: str) -> None:
    imported = json_lines(
        invoke("import", str(DEMO_TEXT), "--outlet", "ZeroHedge", "--json", db=sqlite_url)
    )
    article_id = imported[0][0]["article_id"]
    (record,) = json_lines(invoke("suggest", "--article", str(article_id), "--json", db=sqlite_url))
    assert record["article_id"] == article_id
    assert record["file"] == DEMO_TEXT.name
    assert_contract(record, read_article_file(DEMO_TEXT, 5_000_000).text)
    # The stored outlet is the publisher: the last hop of every chain.
    assert {a["chain"][-1]["name"] for a in record["attributions"]} == {"ZeroHedge"}
    stubb = [a for a in record["attributions"] if a["chain"][0]["name"] == "Alexander Stubb"]
    assert any(
        [h["name"] for h in a["chain"]]
        == ["Alexander Stubb", "Finnish media", "Reuters", "The Guardian", "ZeroHedge"]
        for a in stubb
    )


def test_unknown_article_id(sqlite_url: str) -> None:
    line = one_line_error(invoke("suggest", "--article", "999", "--json", db=sqlite_url))
    assert "article 999 does not exist" in line
