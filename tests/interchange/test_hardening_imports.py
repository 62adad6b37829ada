"""Hardening of imports (issue 19): a BRAT folder is checked whole before anything is stored
and stored in one transaction, with the size limit on its files (item 10); a file name with a
newline or another control character cannot fake a line of CLI output (item 12)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from factcheck.config import get_settings
from factcheck.errors import InputError
from factcheck.services.assessments import AssessmentItem
from factcheck.store.engine import make_engine
from factcheck.store.models import Article, Assessment, Reviewer
from tests.cli.test_cli import Cli
from tests.conftest import DEMO_TEXT
from tests.interchange.test_brat import ANN, TEXT

OTHER_TEXT = "Ministers said on Tuesday that the border would reopen, according to AP.\n"
OTHER_ANN = "T1\tSource 0 9\tMinisters\nT2\tCue 10 14\tsaid\nE1\tCue:T2 Source:T1\n"
# What a hostile file name tries to make the terminal show as a line of its own.
FAKE = "imported article 99: 'pwned', 5 claims"


def _corpus(folder: Path) -> Path:
    """Two good documents side by side (`a-talks` sorts before everything the tests add)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a-talks.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a-talks_ana.ann").write_text(ANN, encoding="utf-8")
    (folder / "b-border.txt").write_text(OTHER_TEXT, encoding="utf-8")
    (folder / "b-border_ben.ann").write_text(OTHER_ANN, encoding="utf-8")
    return folder


def _counts(url: str) -> tuple[int, int, list[str]]:
    """Articles, assessments and reviewer names: everything a BRAT import could store."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            articles = session.execute(select(func.count()).select_from(Article)).scalar_one()
            ratings = session.execute(select(func.count()).select_from(Assessment)).scalar_one()
            names = sorted(session.execute(select(Reviewer.name)).scalars())
        return articles, ratings, names
    finally:
        engine.dispose()


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("FACTCHECK_MAX_BYTES", "1000")
    get_settings.cache_clear()
    yield None
    monkeypatch.delenv("FACTCHECK_MAX_BYTES")
    get_settings.cache_clear()


# ---------------------------------------------------------------- 10. BRAT checked first


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("z-nul.txt", "Some text\x00with a NUL byte.\n", "NUL"),
        ("z-empty.txt", " \n\n", "empty"),
        ("z-latin.txt", "caf\xe9 said so.\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_a_bad_second_text_stores_nothing(
    db_url: str, tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    folder = _corpus(tmp_path / "corpus")
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = _counts(db_url)
    line = Cli(db_url).fails("import-brat", str(folder), message=message)
    assert name in line
    assert _counts(db_url) == before, "the first documents were stored before the bad one"


def test_a_nul_in_an_annotation_file_is_one_line_and_stores_nothing(
    db_url: str, tmp_path: Path
) -> None:
    """PostgreSQL cannot store a NUL in the spans' JSON: it was a traceback there, and stored
    on SQLite."""
    folder = _corpus(tmp_path / "corpus")
    (folder / "b-border_cleo.ann").write_text("T1\tSource 0 9\tMini\x00sters\n", encoding="utf-8")
    before = _counts(db_url)
    line = Cli(db_url).fails("import-brat", str(folder), message="NUL")
    assert "b-border_cleo.ann" in line
    assert _counts(db_url) == before


def test_a_bad_annotator_file_name_stores_nothing(db_url: str, tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "corpus")
    (folder / "c-third.txt").write_text(OTHER_TEXT.replace("AP", "AFP"), encoding="utf-8")
    (folder / "c-third_b$d!name.ann").write_text(OTHER_ANN, encoding="utf-8")
    before = _counts(db_url)
    line = Cli(db_url).fails("import-brat", str(folder), message="not allowed")
    assert "c-third_b$d!name.ann" in line
    assert _counts(db_url) == before


def test_keep_going_skips_the_bad_files_and_stores_the_rest(
    sqlite_url: str, tmp_path: Path
) -> None:
    folder = _corpus(tmp_path / "corpus")
    (folder / "z-nul.txt").write_text("Some text\x00with a NUL byte.\n", encoding="utf-8")
    (folder / "c-third.txt").write_text(OTHER_TEXT.replace("AP", "AFP"), encoding="utf-8")
    (folder / "c-third_b$d!name.ann").write_text(OTHER_ANN, encoding="utf-8")
    run = Cli(sqlite_url)
    result = run("import-brat", str(folder), "--keep-going")
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 2, result.stderr
    assert "z-nul.txt" in result.stderr and "c-third_b$d!name.ann" in result.stderr
    assert "2 articles imported" in result.stdout
    assert sorted(a["title"] for a in run.json("articles")) == sorted(
        [TEXT.strip(), OTHER_TEXT.strip()]
    )


def test_brat_texts_over_the_size_limit_are_refused(
    db_url: str, tmp_path: Path, small_limit: object
) -> None:
    folder = _corpus(tmp_path / "corpus")
    (folder / "z-big.txt").write_text("A sentence that is long enough. " * 100, encoding="utf-8")
    before = _counts(db_url)
    line = Cli(db_url).fails("import-brat", str(folder), message="limit")
    assert "z-big.txt" in line and "1,000" in line
    assert _counts(db_url) == before


def test_brat_annotation_files_over_the_size_limit_are_refused(
    sqlite_url: str, tmp_path: Path, small_limit: object
) -> None:
    folder = _corpus(tmp_path / "corpus")
    (folder / "b-border_cleo.ann").write_text(OTHER_ANN + "#x\n" * 600, encoding="utf-8")
    before = _counts(sqlite_url)
    Cli(sqlite_url).fails("import-brat", str(folder), message="limit")
    assert _counts(sqlite_url) == before


def test_an_error_while_storing_stores_nothing(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the checks (a full disk, a lost connection): one transaction, so nothing."""
    from factcheck.interchange import brat

    folder = _corpus(tmp_path / "corpus")
    stored: list[str] = []
    real = brat.store_many

    def failing(session: Session, items: Iterable[AssessmentItem], **options: Any) -> int:
        if stored:
            raise OSError(28, "No space left on device")
        items = list(items)
        stored.extend(session.get_one(Reviewer, item.reviewer_id).name for item in items)
        return real(session, items, **options)

    monkeypatch.setattr(brat, "store_many", failing)
    before = _counts(db_url)
    engine = make_engine(db_url)
    try:
        with pytest.raises(OSError, match="No space left on device"):
            brat.import_brat(engine, folder)
    finally:
        engine.dispose()
    assert stored == ["ana"]
    assert _counts(db_url) == before


def test_a_good_folder_still_imports_whole(db_url: str, tmp_path: Path) -> None:
    summary = Cli(db_url).json("import-brat", str(_corpus(tmp_path / "corpus")))
    assert summary["articles_imported"] == 2 and summary["assessments"] == 2
    assert _counts(db_url)[:2] == (2, 2)


# ---------------------------------------------------------------- 12. names cannot fake output


def _lines(result: object) -> list[str]:
    return [*result.stdout.splitlines(), *result.stderr.splitlines()]  # type: ignore[attr-defined]


def test_a_newline_in_a_file_name_cannot_fake_the_import_summary(
    db_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(DEMO_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / f"x\n{FAKE}\n.txt").write_text("", encoding="utf-8")  # empty: fails, named
    (folder / f"y\r{FAKE}\x1b[2K.txt").write_text(TEXT, encoding="utf-8")
    (folder / f"z\n{FAKE}\n2.txt").write_text(TEXT, encoding="utf-8")  # a duplicate: skipped
    run = Cli(db_url)
    result = run("import", str(folder), "--recursive")
    assert result.exit_code == 1
    lines = _lines(result)
    assert not [line for line in lines if line.startswith(FAKE)], lines
    assert not any("\r" in line or "\x1b" in line for line in lines), lines
    failed = [line for line in lines if line.startswith("failed: ")]
    skipped = [line for line in lines if line.startswith("skipped: ")]
    assert len(failed) == 1 and "\\n" in failed[0], lines
    assert len(skipped) == 1 and "\\n" in skipped[0], lines
    assert len(run.json("articles")) == 2


def test_a_newline_in_a_single_file_name_is_one_error_line(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / f"x\n{FAKE}\n.txt"
    path.write_text("", encoding="utf-8")
    line = Cli(db_url).fails("import", str(path), message="empty")
    assert "\\n" in line


def test_a_newline_in_a_folder_name_is_one_error_line(sqlite_url: str, tmp_path: Path) -> None:
    folder = tmp_path / f"x\n{FAKE}"
    folder.mkdir()
    line = Cli(sqlite_url).fails("import", str(folder), message="is a folder")
    assert "\\n" in line


def test_brat_file_names_cannot_fake_output(sqlite_url: str, tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "corpus")
    (folder / f"q\n{FAKE}.ann").write_text(ANN, encoding="utf-8")  # no text beside it
    run = Cli(sqlite_url)
    result = run.ok("import-brat", str(folder))
    lines = _lines(result)
    assert not [line for line in lines if line.startswith(FAKE)], lines
    skipped = next(line for line in lines if line.startswith("skipped: "))
    assert skipped.count("\\n") == 2  # the .ann and the .txt it looked for, both quoted

    bad = _corpus(tmp_path / "bad")
    (bad / f"z\n{FAKE}.txt").write_text("NUL\x00\n", encoding="utf-8")
    line = run.fails("import-brat", str(bad), message="NUL")
    assert "\\n" in line


def test_export_and_backup_paths_are_printed_quoted(sqlite_url: str, tmp_path: Path) -> None:
    run = Cli(sqlite_url)
    out = tmp_path / f"r\n{FAKE}.csv"
    result = run.ok("export", "--format", "csv", "--out", str(out))
    assert len(result.stdout.splitlines()) == 1 and "\\n" in result.stdout
    assert out.is_file()
    run.fails("export", "--format", "brat", "--out", str(out), message="is a file")
    copy = tmp_path / f"c\n{FAKE}.db"
    run.ok("backup", str(copy))
    run.fails("backup", str(copy), message="exists")


@given(st.text())
def test_quoted_names_are_one_printable_line(name: str) -> None:
    from factcheck.domain.display import one_line, quote_name

    quoted = quote_name(name)
    assert quoted.isprintable()
    assert len(quoted.splitlines()) <= 1
    if name.isprintable():
        assert quoted == name  # ordinary names read as before
    else:
        assert ast.literal_eval(quoted) == name  # repr-like: reads back exactly
    line = one_line(f"failed: {name} is empty")
    assert len(line.splitlines()) == 1 and "\r" not in line and "\x1b" not in line


def test_parse_errors_quote_the_file_name() -> None:
    from factcheck.interchange.brat import parse_ann

    with pytest.raises(InputError) as caught:
        parse_ann("T1\tSource 0 999\tx\n", "short", f"e\n{FAKE}.ann")
    assert "\n" not in str(caught.value)
