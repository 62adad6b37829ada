"""The Export page through Streamlit's AppTest, and the bytes its download button serves."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from factcheck.cli import cli
from factcheck.interchange.export import CSV_COLUMNS, ExportFilter, csv_bytes
from factcheck.services.assessments import save_assessment
from factcheck.services.claims import list_claims
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.services.stats import rating_filter
from factcheck.store.engine import make_engine, read_session, write
from schemas.records import AssessmentInput
from tests.conftest import open_page
from tests.services.test_stats import Seeded, seed_ratings

EXPORT_PAGE = "factcheck/ui/pages/export.py"


@pytest.fixture
def seeded(db: str, demo_text: str) -> Iterator[Seeded]:
    engine = make_engine(db)
    yield seed_ratings(engine, demo_text)
    engine.dispose()


def open_export(reviewer: str | None = "ana") -> AppTest:
    return open_page(EXPORT_PAGE, reviewer)


def preview(at: AppTest) -> list[dict[str, object]]:
    assert at.dataframe, "no preview shown"
    return at.dataframe[0].value.to_dict("records")


def infos(at: AppTest) -> str:
    return " ".join(str(i.value) for i in at.info)


def charts(at: AppTest) -> list[object]:
    return list(at.get("vega_lite_chart"))


def test_empty_database_says_no_ratings_yet(db: str) -> None:
    at = open_export()
    assert [t.value for t in at.title] == ["Export"]
    assert "No ratings yet" in infos(at)
    assert not at.dataframe
    assert not at.get("download_button")
    assert not charts(at)


def test_empty_database_without_a_reviewer(db: str) -> None:
    at = open_export(reviewer=None)
    assert not at.exception


def test_preview_download_and_charts_for_rated_claims(seeded: Seeded) -> None:
    at = open_export()
    rows = preview(at)
    assert len(rows) == 4
    # every column of the file; claim, reviewer, grade, chain first (#17)
    assert sorted(rows[0]) == sorted(CSV_COLUMNS)
    assert list(rows[0])[:4] == ["claim_text", "reviewer", "grade", "chain"]
    assert {(r["reviewer"], r["grade"]) for r in rows} >= {("ana", "B2"), ("bob", "B2")}
    stubb = next(r for r in rows if r["reviewer"] == "ana" and r["grade"] == "B2")
    assert stubb["chain"] == "Alexander Stubb > Finnish media > Reuters > The Guardian > ZeroHedge"
    assert stubb["chain_length"] == "5"  # the preview shows the file's cells as text
    buttons = at.get("download_button")
    assert len(buttons) == 1
    assert "4 rows" in buttons[0].proto.label
    assert len(charts(at)) == 3
    assert "without a full grade" in " ".join(str(c.value) for c in at.caption)


def test_choosing_a_reviewer_narrows_the_preview(seeded: Seeded) -> None:
    at = open_export()
    at.multiselect(key="export_reviewers").select("bob").run()
    assert not at.exception
    rows = preview(at)
    assert {r["reviewer"] for r in rows} == {"bob"}
    assert len(rows) == 2
    assert "2 rows" in at.get("download_button")[0].proto.label


def test_choosing_articles_with_search(seeded: Seeded) -> None:
    at = open_export()
    options = at.multiselect(key="export_articles").options
    assert len(options) == 2  # newest first: both articles offered
    at.text_input(key="export_article_search").input("bridge").run()
    assert [o for o in at.multiselect(key="export_articles").options] == [
        f"{seeded.other_id}: Bridge (Daily)"
    ]
    at.multiselect(key="export_articles").select(seeded.other_id).run()
    assert "No ratings match" in infos(at)  # the bridge article has no ratings
    # A choice stays chosen when the search changes; adding the demo article shows its rows.
    at.text_input(key="export_article_search").input("nato").run()
    at.multiselect(key="export_articles").select(seeded.demo_id).run()
    assert not at.exception
    assert at.multiselect(key="export_articles").value == [seeded.other_id, seeded.demo_id]
    assert len(preview(at)) == 4


def test_final_only_and_date_range(seeded: Seeded) -> None:
    at = open_export()
    at.checkbox(key="export_final_only").check().run()
    assert "No ratings match" in infos(at)
    at.checkbox(key="export_final_only").uncheck().run()
    at.checkbox(key="export_use_dates").check().run()
    assert len(preview(at)) == 4  # the last 30 days include today
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    at.date_input(key="export_dates").set_value((yesterday - timedelta(days=7), yesterday)).run()
    assert not at.exception
    assert "No ratings match" in infos(at)


def test_preview_shows_the_first_20_rows(db: str, demo_text: str) -> None:
    engine = make_engine(db)
    seed_ratings(engine, demo_text)

    def rate_everything(session: Session) -> None:
        carl = get_or_create_reviewer(session, "carl")
        for claim in list_claims(session, 1):
            save_assessment(session, claim.id, carl, AssessmentInput(source_reliability="F"))  # type: ignore[arg-type]

    write(engine, rate_everything)
    engine.dispose()
    at = open_export()
    assert len(preview(at)) == 20
    assert "The first 20 of 19 rows" not in " ".join(str(c.value) for c in at.caption)
    assert any("The first 20 of" in str(c.value) for c in at.caption)


def _cli_export(db: str, tmp_path: Path, *args: str) -> bytes:
    out = tmp_path / "cli.csv"
    result = CliRunner().invoke(cli, ["--db", db, "export", "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_download_bytes_match_the_cli_export(seeded: Seeded, db: str, tmp_path: Path) -> None:
    engine = make_engine(db)
    with read_session(engine) as session:
        everything = csv_bytes(session, rating_filter())
        ana_only = csv_bytes(session, rating_filter(reviewers=["ana"]))
        one_article = csv_bytes(session, rating_filter(article_ids=[seeded.demo_id]))
        nothing = csv_bytes(session, ExportFilter(final_only=True))
    engine.dispose()
    assert everything == _cli_export(db, tmp_path)
    assert ana_only == _cli_export(db, tmp_path, "--reviewer", "ana")
    assert one_article == _cli_export(db, tmp_path, "--article", str(seeded.demo_id))
    assert nothing == _cli_export(db, tmp_path, "--final-only")
    rows = list(csv.DictReader(io.StringIO(everything.decode("utf-8"))))
    assert len(rows) == 4
    assert {r["reviewer"] for r in list(csv.DictReader(io.StringIO(ana_only.decode())))} == {"ana"}
    assert nothing.decode().strip() == ",".join(CSV_COLUMNS)


def test_choosing_another_format_offers_that_download(seeded: Seeded) -> None:
    at = open_export()
    assert at.selectbox(key="export_format").value == "csv"
    at.selectbox(key="export_format").select("jsonl").run()
    assert not at.exception
    (button,) = at.get("download_button")
    assert button.proto.label == "Download Project bundle (JSON Lines)"
    at.selectbox(key="export_format").select("brat").run()
    assert at.get("download_button")[0].proto.label == "Download BRAT standoff (.zip)"
    assert len(preview(at)) == 4  # the preview and charts stay


@pytest.mark.parametrize("fmt", ["jsonl", "brat", "quotes", "claimreview"])
def test_download_bytes_of_every_format_match_the_cli(
    seeded: Seeded, db: str, tmp_path: Path, fmt: str
) -> None:
    import zipfile

    from factcheck.interchange.download import export_bytes

    engine = make_engine(db)
    data = export_bytes(engine, fmt, rating_filter(reviewers=["ana"]))
    engine.dispose()
    out = tmp_path / "cli"
    result = CliRunner().invoke(
        cli, ["--db", db, "export", "--format", fmt, "--reviewer", "ana", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    if fmt != "brat":
        assert data == out.read_bytes()
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        for name in names:
            assert archive.read(name) == (out / name).read_bytes()
    assert any(name.endswith("_ana.ann") for name in names)
