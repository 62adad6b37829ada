"""The ratings CSV (factcheck/interchange/export.py) against README's "Ratings CSV (contract)": the columns
and their order as the README's table lists them, the file format (UTF-8, CRLF, RFC 4180
quoting), what the cells hold, formula-safe text cells, and the article and reviewer filters,
on each engine, through the service and through `factcheck export`."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import text as sql
from sqlmodel import Session

from factcheck.interchange.export import ExportFilter, csv_bytes
from factcheck.services import articles, assessments, claims
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import read_session, write
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind
from tests.cli.test_cli import Cli
from tests.conftest import ROOT

FIRST_TEXT = (
    'Alexander Stubb told Finnish media that "troops, if sent, would keep the peace".\n\n'
    "Reuters reported that the ministry had confirmed the plan on Monday.\n\n"
    "Analysts expect further talks between the two governments next month.\n"
)
SECOND_TEXT = (
    "The ministry said the bridge will reopen in May.\n\n"
    "Officials declined to comment on the budget.\n"
)
STUBB_CHAIN = [
    ChainHop(name="Alexander Stubb", kind=SourceKind.head_of_state),
    ChainHop(name="Finnish media", kind=SourceKind.national_media, relation=Relation.told_to),
    ChainHop(name="Reuters", kind=SourceKind.wire_agency, relation=Relation.translated_by),
    ChainHop(name="ZeroHedge", kind=SourceKind.aggregator, relation=Relation.republished_by),
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_CELLS = [
    ("assessment", "speaker"),
    ("assessment", "cue"),
    ("assessment", "notes"),
    ("assessment", "corroborated_by"),
    ("chain_hop", "name"),
]


def readme_contract_columns() -> list[str]:
    """The column names of README's "Ratings CSV (contract)" table, in its order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Ratings CSV (contract)", 1)[1].split("\n#", 1)[0]
    columns: list[str] = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        columns += re.findall(r"`([a-z_]+)`", first_cell)
    assert len(columns) > 20, "README's contract table was not found"
    return columns


@dataclass(frozen=True)
class Project:
    first: int
    second: int
    first_claims: list[int]
    second_claims: list[int]


def rate(
    session: Session, claim_id: int, reviewer: str, *, final: bool = False, **fields: object
) -> None:
    assessments.save_assessment(
        session,
        claim_id,
        get_or_create_reviewer(session, reviewer),
        AssessmentInput(**fields),
        final=final,
    )


@pytest.fixture
def project(engine: Engine) -> Project:
    """Two articles; ana rated claims of both, bob two claims of the first, and a final row."""

    def work(session: Session) -> Project:
        first = articles.import_text(
            session,
            FIRST_TEXT,
            ArticleMeta(
                title="NATO troops",
                outlet="ZeroHedge",
                url="https://example.org/nato",
                published="2025-09-05",
            ),
        )
        second = articles.import_text(session, SECOND_TEXT, ArticleMeta(title="Bridge"))
        one = [c.id for c in claims.list_claims(session, first.id)]  # type: ignore[arg-type]
        two = [c.id for c in claims.list_claims(session, second.id)]  # type: ignore[arg-type]
        rate(
            session,
            one[0],  # type: ignore[arg-type]
            "ana",
            attribution_type=AttributionType.direct_quote,
            speaker="Alexander Stubb",
            cue="told",
            chain=STUBB_CHAIN,
            source_reliability="B",
            information_credibility=2,
            primary_source_url="https://example.org/transcript",
            corroborated_by="Finnish broadcaster",
            notes='Reuters copy checked, quote "as said", with a comma\nand a new line',
        )
        rate(session, one[1], "ana", source_reliability="C", information_credibility=3)  # type: ignore[arg-type]
        rate(session, one[0], "bob", source_reliability="E", information_credibility=4)  # type: ignore[arg-type]
        rate(session, one[2], "bob", source_reliability="A")  # type: ignore[arg-type]
        rate(session, two[0], "ana", source_reliability="D", information_credibility=5)  # type: ignore[arg-type]
        rate(
            session, one[0], "judge", final=True, source_reliability="C", information_credibility=2
        )  # type: ignore[arg-type]
        return Project(first.id, second.id, one, two)  # type: ignore[arg-type]

    return write(engine, work)


def exported(engine: Engine, flt: ExportFilter | None = None) -> tuple[bytes, list[dict[str, str]]]:
    with read_session(engine) as session:
        data = csv_bytes(session, flt)
    return data, list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


# ---------------------------------------------------------------- columns and format


def test_the_header_is_the_readme_contract_in_its_order(engine: Engine, project: Project) -> None:
    contract = readme_contract_columns()
    assert len(contract) == len(set(contract)), "a column listed twice in README"
    data, _ = exported(engine)
    header = next(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert header == contract


def test_the_cli_writes_the_same_header_and_rows(
    db_url: str, engine: Engine, project: Project, tmp_path: Path
) -> None:
    out = tmp_path / "ratings.csv"
    Cli(db_url).ok("export", "--format", "csv", "--out", str(out))
    data, _ = exported(engine)
    assert out.read_bytes() == data
    assert next(csv.reader(io.StringIO(out.read_text(encoding="utf-8")))) == (
        readme_contract_columns()
    )


def test_utf8_crlf_and_rfc4180_quoting(engine: Engine, project: Project) -> None:
    data, rows = exported(engine)
    text = data.decode("utf-8")  # UTF-8 or this raises
    records = list(csv.reader(io.StringIO(text, newline="")))
    assert len(records) == 1 + len(rows)
    # every record ends with CRLF; the new line inside the notes is inside quotes
    assert text.endswith("\r\n")
    assert text.count("\r\n") == len(records)  # the notes' "\n" stays a bare LF
    notes = next(r["notes"] for r in rows if r["notes"])
    assert notes == 'Reuters copy checked, quote "as said", with a comma\nand a new line'
    assert '"Reuters copy checked, quote ""as said"", with a comma\nand a new line"' in text


def test_each_row_holds_what_the_contract_says(engine: Engine, project: Project) -> None:
    _, rows = exported(engine)
    assert len(rows) == 6
    # article and claim order, then reviewer, the final row after the reviewers' own
    keys = [(int(r["article_id"]), int(r["claim_index"]), r["reviewer"], r["final"]) for r in rows]
    assert keys == sorted(keys, key=lambda k: (k[0], k[1], k[3] == "true", k[2]))
    for row in rows:
        text = FIRST_TEXT if int(row["article_id"]) == project.first else SECOND_TEXT
        start, end = int(row["claim_start"]), int(row["claim_end"])
        assert text[start:end] == row["claim_text"]
        assert int(row["claim_index"]) >= 1
        assert row["grade"] == row["source_reliability"] + row["information_credibility"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["rated_at"]), row["rated_at"]
        assert row["final"] in ("true", "false") and row["corroborated"] in ("true", "false")
        hops = row["chain"].split(" > ") if row["chain"] else []
        assert int(row["chain_length"]) == len(hops)
        assert len(row["chain_kinds"].split(" > ") if row["chain_kinds"] else []) == len(hops)
        assert 0 <= int(row["sourcing_score"]) <= 100
    stubb = next(r for r in rows if r["reviewer"] == "ana" and r["speaker"])
    assert stubb["claim_id"] == str(project.first_claims[0]) and stubb["claim_index"] == "1"
    assert (stubb["article_title"], stubb["outlet"]) == ("NATO troops", "ZeroHedge")
    assert (stubb["article_url"], stubb["published_at"]) == (
        "https://example.org/nato",
        "2025-09-05",
    )
    assert stubb["chain"] == " > ".join(h.name for h in STUBB_CHAIN)
    assert stubb["chain_kinds"] == " > ".join(h.kind.value for h in STUBB_CHAIN)
    # hops 2..n: the origin has no relation, so the cell never starts with an empty element
    assert stubb["chain_relations"].split(" > ") == [
        h.relation.value for h in STUBB_CHAIN[1:] if h.relation
    ]
    assert not stubb["chain_relations"].startswith(" >")
    assert stubb["translated"] == "true", "the chain has a translated_by hop"
    assert (stubb["attribution_type"], stubb["cue"], stubb["grade"]) == (
        "direct_quote",
        "told",
        "B2",
    )
    assert stubb["corroborated"] == "true" and stubb["corroborated_by"] == "Finnish broadcaster"
    assert stubb["primary_source_url"] == "https://example.org/transcript"
    final = next(r for r in rows if r["final"] == "true")
    assert (final["reviewer"], final["grade"], final["claim_id"]) == (
        "judge",
        "C2",
        str(project.first_claims[0]),
    )
    bare = next(r for r in rows if r["reviewer"] == "bob" and r["grade"] == "A")
    assert bare["chain"] == bare["chain_kinds"] == "" and bare["chain_length"] == "0"
    assert bare["translated"] == "false" and bare["needs_review"] == "false"


# ---------------------------------------------------------------- formula safety


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_text_cells_that_start_like_a_formula_are_prefixed(
    engine: Engine, project: Project, start: str
) -> None:
    payload = f'{start}HYPERLINK("https://evil.example","x")'
    claim_id = project.second_claims[1]
    placeholder = "placeholder"

    def work(session: Session) -> None:
        rate(
            session,
            claim_id,
            "eve",
            speaker=placeholder,
            cue=placeholder,
            notes=placeholder,
            corroborated_by=placeholder,
            chain=[ChainHop(name=placeholder, kind=SourceKind.unknown)],
        )

    write(engine, work)
    # The form strips leading whitespace; a bundle, a merged CSV or another tool may not:
    # the stored cells are set as such a tool would leave them.
    with engine.begin() as connection:
        for table, column in TEXT_CELLS:
            connection.execute(
                sql(f"UPDATE {table} SET {column} = :payload WHERE {column} = :placeholder"),
                {"payload": payload, "placeholder": placeholder},
            )
    _, rows = exported(engine, ExportFilter(reviewers=["eve"]))
    assert len(rows) == 1
    row = rows[0]
    for column in ("speaker", "cue", "notes", "corroborated_by", "chain"):
        assert row[column] == "'" + payload, column
    # cells that are not text, or do not start like a formula, are left as they are
    assert row["claim_id"] == str(claim_id) and not row["claim_text"].startswith("'")
    for cell in row.values():
        assert not cell.startswith(FORMULA_STARTS), cell


def test_cells_that_merely_contain_a_formula_sign_are_unchanged(
    engine: Engine, project: Project
) -> None:
    claim_id = project.second_claims[1]
    text = "a = b + c - d @ e"
    write(engine, lambda s: rate(s, claim_id, "eve", notes=text, speaker="'quoted'"))
    _, rows = exported(engine, ExportFilter(reviewers=["eve"]))
    assert (rows[0]["notes"], rows[0]["speaker"]) == (text, "'quoted'")


# ---------------------------------------------------------------- filters


def _pairs(rows: list[dict[str, str]]) -> set[tuple[int, str, str]]:
    return {(int(r["article_id"]), r["reviewer"], r["final"]) for r in rows}


def test_filters_by_article_and_by_reviewer(engine: Engine, project: Project) -> None:
    _, every = exported(engine)
    _, first = exported(engine, ExportFilter(article_ids=[project.first]))
    _, second = exported(engine, ExportFilter(article_ids=[project.second]))
    _, both = exported(engine, ExportFilter(article_ids=[project.first, project.second]))
    assert {int(r["article_id"]) for r in first} == {project.first}
    assert {int(r["article_id"]) for r in second} == {project.second}
    assert len(first) + len(second) == len(every) == len(both)
    assert first + second == every, "a filter keeps the rows and their order"

    _, ana = exported(engine, ExportFilter(reviewers=["ana"]))
    _, bob_and_judge = exported(engine, ExportFilter(reviewers=["bob", "judge"]))
    assert {r["reviewer"] for r in ana} == {"ana"} and len(ana) == 3
    assert {r["reviewer"] for r in bob_and_judge} == {"bob", "judge"}
    assert len(ana) + len(bob_and_judge) == len(every)

    _, ana_second = exported(engine, ExportFilter(article_ids=[project.second], reviewers=["ana"]))
    assert _pairs(ana_second) == {(project.second, "ana", "false")}
    _, nobody = exported(engine, ExportFilter(article_ids=[project.second], reviewers=["bob"]))
    assert nobody == []
    _, unknown = exported(engine, ExportFilter(reviewers=["nobody"]))
    assert unknown == []


def test_the_cli_filters_give_the_services_bytes(
    db_url: str, engine: Engine, project: Project
) -> None:
    run = Cli(db_url)
    stdout = run.ok(
        "export", "--format", "csv", "--article", str(project.first), "--reviewer", "bob"
    ).stdout_bytes
    expected, rows = exported(engine, ExportFilter(article_ids=[project.first], reviewers=["bob"]))
    assert stdout == expected
    assert _pairs(rows) == {(project.first, "bob", "false")} and len(rows) == 2
