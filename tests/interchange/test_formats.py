"""One catalog of formats (issue 12): the CLI's export command, the Export page and the
download code all read `factcheck.interchange.formats.FORMATS`; one formula guard; one
progress bar; one grade; one option list per vocabulary; no side channel in the filter."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest

from factcheck.cli import cli
from factcheck.cli import common as cli_common
from factcheck.cli import interchange as cli_interchange
from factcheck.interchange import download
from factcheck.interchange.cells import FORMULA_TRIGGERS, guard_cells, unguard
from factcheck.interchange.export import ExportFilter
from factcheck.interchange.formats import FORMATS
from factcheck.store.engine import make_engine
from factcheck.store.models import Assessment
from factcheck.ui import common
from schemas.vocab import (
    CREDIBILITY_MEANINGS,
    RELIABILITY_MEANINGS,
    AttributionType,
    ClaimKind,
    Relation,
    SourceKind,
    grade,
)
from tests.conftest import open_page
from tests.interchange.test_bundle import build_project


def _export_option() -> click.Option:
    command = cli.commands["export"]
    return next(p for p in command.params if p.name == "fmt")  # type: ignore[return-value]


def test_the_export_command_offers_the_catalog() -> None:
    option = _export_option()
    assert list(option.type.choices) == list(FORMATS)  # type: ignore[attr-defined]
    for spec in FORMATS.values():
        assert f"{spec.name}: {spec.summary}" in (option.help or "")


def test_every_importer_has_its_command() -> None:
    for spec in FORMATS.values():
        if spec.importer is None:
            continue
        assert spec.import_command in cli.commands, spec.name
        module_name = spec.importer.__name__
        assert getattr(cli_interchange, module_name) is spec.importer


def test_downloads_follow_the_catalog(sqlite_url: str, tmp_path: Path) -> None:
    moment = datetime(2025, 9, 5, 9, 20, tzinfo=UTC)
    assert download.download_name("csv", moment) == "factcheck-ratings-20250905-0920.csv"
    assert download.download_name("brat", moment) == "factcheck-brat-20250905-0920.zip"
    engine = make_engine(sqlite_url)
    build_project(engine)
    try:
        for spec in FORMATS.values():
            data = download.export_bytes(engine, spec.name)
            assert data, spec.name
            if spec.folder:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    assert archive.namelist()
    finally:
        engine.dispose()


def test_a_format_added_to_the_catalog_reaches_the_download(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exporter(engine, path, flt, progress):  # type: ignore[no-untyped-def]
        Path(path).write_text("hello", encoding="utf-8")
        return 1

    extra = dataclasses.replace(FORMATS["quotes"], name="hello", exporter=exporter)
    monkeypatch.setitem(FORMATS, "hello", extra)
    engine = make_engine(sqlite_url)
    try:
        assert download.export_bytes(engine, "hello") == b"hello"
    finally:
        engine.dispose()


def test_the_export_page_lists_the_catalog(db: str) -> None:
    engine = make_engine(db)
    build_project(engine)
    engine.dispose()
    at = open_page("factcheck/ui/pages/export.py")
    box = at.selectbox(key="export_format")
    assert list(box.options) == [spec.label for spec in FORMATS.values()]


def test_claimreview_options_are_parameters_not_a_filter_side_channel() -> None:
    assert "extra" not in {f.name for f in dataclasses.fields(ExportFilter)}


@pytest.mark.parametrize("start", FORMULA_TRIGGERS)
def test_the_formula_guard_and_its_inverse(start: str) -> None:
    cell = f"{start}SUM(A1)"
    guarded = guard_cells([cell, 3, None, "plain", "'kept"])
    assert guarded == [f"'{cell}", 3, None, "plain", "'kept"]
    assert unguard(guarded[0]) == cell
    assert unguard("'kept") == "'kept"  # an apostrophe the user typed stays


def test_one_progress_bar_for_every_command() -> None:
    import factcheck.cli.articles as cli_module  # the import command draws it

    assert cli_module.ProgressBar is cli_common.ProgressBar
    assert cli_interchange.ProgressBar is cli_common.ProgressBar
    assert not hasattr(cli_module, "_Progress")
    bar = cli_common.ProgressBar("x", total=3, unit="files", quiet=True)
    bar.advance()
    bar.update(3)
    assert bar.done == 3
    bar.close()


@pytest.mark.parametrize(
    ("reliability", "credibility", "written"),
    [("B", 2, "B2"), ("F", None, "F"), (None, 6, "6"), (None, None, "")],
)
def test_one_grade(reliability: str | None, credibility: int | None, written: str) -> None:
    assert grade(reliability, credibility) == written
    rated = Assessment(
        claim_id=1,
        reviewer_id=1,
        source_reliability=reliability,
        information_credibility=credibility,
    )
    assert rated.grade == written


def test_one_option_list_per_vocabulary() -> None:
    assert ("", *AttributionType) == common.ATTRIBUTION_TYPE_OPTIONS
    assert tuple(ClaimKind) == common.CLAIM_KIND_OPTIONS
    assert tuple(SourceKind) == common.SOURCE_KIND_OPTIONS
    assert ("", *Relation) == common.RELATION_OPTIONS
    assert ("", *RELIABILITY_MEANINGS) == common.RELIABILITY_OPTIONS
    assert (0, *CREDIBILITY_MEANINGS) == common.CREDIBILITY_OPTIONS
    pages = Path(common.__file__).parent / "pages"
    for page in pages.glob("*.py"):
        source = page.read_text(encoding="utf-8")
        for vocabulary in ("AttributionType", "SourceKind", "Relation", "ClaimKind"):
            assert f"in {vocabulary}]" not in source, (page.name, vocabulary)
        assert "*RELIABILITY_MEANINGS" not in source and "*CREDIBILITY_MEANINGS" not in source
