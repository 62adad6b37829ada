"""The lossless JSON Lines bundle: export → import into an empty database → export gives the
same bytes, on SQLite and PostgreSQL and across them, for a hand-built project and for
generated ones; bad bundles are refused with one line and nothing stored."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from factcheck.interchange.bundle import export_bundle, import_bundle
from factcheck.services import articles as article_service
from factcheck.services import claims as claim_service
from factcheck.services.assessments import save_assessment
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.services.sources import add_source
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Article, Assessment, Claim, Reviewer
from schemas.bundle import BUNDLE_VERSION
from schemas.records import ArticleMeta, AssessmentInput
from schemas.vocab import Role
from tests.cli.test_cli import Cli
from tests.conftest import DEMO_TEXT, PG_URL, _reset_postgres

STUBB_CHAIN = [
    {"name": "Alexander Stubb", "kind": "head_of_state"},
    {"name": "Finnish media", "kind": "national_media", "relation": "told_to"},
    {"name": "Reuters", "kind": "wire_agency", "relation": "reported_by"},
    {"name": "ZeroHedge", "kind": "aggregator", "relation": "republished_by"},
]
PAGE = "<html><head><title>Talks</title></head><body><p>Talks resumed.</p></body></html>"


def build_project(engine: Engine) -> dict[str, int]:
    """A small project using every part of the bundle: articles (one with kept HTML and a
    fetch time), a dropped claim, a registry source with aliases, reviewers (one with a
    password), assessments with chains, spans, a suggestion outcome and a final one."""

    def work(session: Session) -> dict[str, int]:
        demo = article_service.import_text(
            session,
            DEMO_TEXT.read_text(encoding="utf-8"),
            ArticleMeta(title="NATO Troops", outlet="ZeroHedge", url="https://example.org/nato"),
            source_file=DEMO_TEXT.name,
        )
        page = article_service.import_text(
            session,
            "Talks resumed in Geneva on Monday, officials said.\nNo date was set.",
            ArticleMeta(title="Talks", outlet="Example Daily", published="2025-09-05"),
            source_file="https://example.org/talks",
            html=PAGE,
            fetched_at=datetime(2025, 9, 5, 9, 20, 1, 123456, tzinfo=UTC),
        )
        add_source(
            session,
            "Example Wire Service",
            "wire_agency",
            aliases=["EWS", "Example Wire"],
            prior_reliability="B",
            notes="regional wire",
        )
        ana = get_or_create_reviewer(session, "ana")
        ben = get_or_create_reviewer(session, "ben")
        ben.password_hash = "scrypt$secret-hash-never-exported"
        boss = get_or_create_reviewer(session, "cleo", Role.adjudicator)
        claims = claim_service.list_claims(session, demo.id)  # type: ignore[arg-type]
        first, second = claims[0], claims[1]
        span = {"start": first.start, "end": first.end, "text": first.text}
        save_assessment(
            session,
            first.id,  # type: ignore[arg-type]
            ana,
            AssessmentInput(
                attribution_type="direct_quote",
                speaker="Alexander Stubb",
                cue="told",
                chain=STUBB_CHAIN,
                source_reliability="B",
                information_credibility=2,
                primary_source_url="https://example.org/primary",
                corroborated_by="Reuters wire copy",
                notes="=checked, with a leading equals sign",
                spans=[{"label": "Attribution", "content": [span], "source": [], "cue": []}],
                suggestion_outcome="edited",
            ),
        )
        save_assessment(
            session,
            first.id,  # type: ignore[arg-type]
            ben,
            AssessmentInput(attribution_type="vague", information_credibility=6),
        )
        save_assessment(
            session,
            first.id,  # type: ignore[arg-type]
            boss,
            AssessmentInput(
                attribution_type="direct_quote",
                chain=[{"name": "Example Wire", "kind": "wire_agency"}],
                source_reliability="A",
                information_credibility=1,
            ),
            final=True,
        )
        page_claim = claim_service.list_claims(session, page.id)[0]  # type: ignore[arg-type]
        save_assessment(
            session,
            page_claim.id,  # type: ignore[arg-type]
            ana,
            AssessmentInput(attribution_type="anonymous", speaker="officials", cue="said"),
        )
        second.dropped = True
        session.add(second)
        return {"demo": demo.id, "page": page.id, "claim": first.id}  # type: ignore[dict-item]

    return write(engine, work)


def empty_database(url: str, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated database on the same engine as `url`."""
    if url.startswith("sqlite"):
        path = tmp_path / f"empty-{len(list(tmp_path.glob('empty-*')))}.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    _reset_postgres(url)
    return url


def counts(engine: Engine) -> tuple[int, int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Article, Claim, Assessment, Reviewer)
        )


def test_jsonl_round_trip_is_byte_identical(
    db_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    engine = make_engine(db_url)
    build_project(engine)
    engine.dispose()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    written = Cli(db_url).json("export", "--format", "jsonl", "--out", str(first))
    assert written["rows"] == len(first.read_text(encoding="utf-8").splitlines()) - 1

    target = Cli(empty_database(db_url, tmp_path, sqlite_template))
    loaded = target.json("import-bundle", str(first))
    assert loaded["records"] == {
        "source": loaded["records"]["source"],
        "reviewer": 3,
        "article": 2,
        "claim": loaded["records"]["claim"],
        "assessment": 4,
    }
    assert loaded["ids_remapped"] == 0
    target.ok("export", "--format", "jsonl", "--out", str(second))
    assert second.read_bytes() == first.read_bytes()

    # Everything a bundle promises is in it, and nothing secret.
    text = first.read_text(encoding="utf-8")
    assert json.loads(text.splitlines()[0]) == {"format": "factcheck-bundle", "version": 1}
    assert "secret-hash" not in text and "password" not in text
    records = [json.loads(line) for line in text.splitlines()[1:]]
    page = next(r for r in records if r["type"] == "article" and r["title"] == "Talks")
    assert page["html"] == PAGE and page["fetched_at"] == "2025-09-05T09:20:01.123456Z"
    wire = next(r for r in records if r["type"] == "source" and r["name"] == "Example Wire Service")
    assert wire["aliases"] == ["EWS", "Example Wire"] and wire["prior_reliability"] == "B"
    assert any(r["type"] == "claim" and r["dropped"] for r in records)
    final = next(r for r in records if r["type"] == "assessment" and r["is_final"])
    assert final["chain"] == [
        {
            "name": "Example Wire",
            "kind": "wire_agency",
            "relation": None,
            "source": "Example Wire Service",
        }
    ]
    ana = next(r for r in records if r["type"] == "assessment" and r["suggestion_outcome"])
    assert [hop["name"] for hop in ana["chain"]] == [hop["name"] for hop in STUBB_CHAIN]
    assert ana["spans"][0]["content"][0]["text"]


@pytest.mark.skipif(not PG_URL, reason="needs FACTCHECK_TEST_PG_URL")
def test_bundle_moves_a_project_between_sqlite_and_postgres(
    sqlite_url: str, pg_database: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url)
    build_project(engine)
    engine.dispose()
    from_sqlite, from_postgres = tmp_path / "sqlite.jsonl", tmp_path / "postgres.jsonl"
    Cli(sqlite_url).ok("export", "--format", "jsonl", "--out", str(from_sqlite))
    _reset_postgres(pg_database)
    postgres = Cli(pg_database)
    postgres.ok("import-bundle", str(from_sqlite))
    postgres.ok("export", "--format", "jsonl", "--out", str(from_postgres))
    assert from_postgres.read_bytes() == from_sqlite.read_bytes()
    # New work after the import gets fresh ids (the sequences moved past the imported ones).
    extra = tmp_path / "later.txt"
    extra.write_text("A later article. It has two sentences.\n", encoding="utf-8")
    later = postgres.json("import", str(extra))[0]["article_id"]
    assert later > max(
        a["article_id"] for a in postgres.json("articles") if a["article_id"] != later
    )


def test_filtered_bundle_holds_only_the_chosen_part(sqlite_url: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url)
    ids = build_project(engine)
    out = tmp_path / "ana.jsonl"
    Cli(sqlite_url).ok(
        "export", "--format", "jsonl", "--reviewer", "ana", "--article", str(ids["demo"]),
        "--out", str(out),
    )  # fmt: skip
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert {r["name"] for r in records if r["type"] == "reviewer"} == {"ana"}
    assert {r["id"] for r in records if r["type"] == "article"} == {ids["demo"]}
    assessments = [r for r in records if r["type"] == "assessment"]
    assert len(assessments) == 1 and assessments[0]["reviewer"] == "ana"


def _header_line(version: object = BUNDLE_VERSION) -> str:
    return json.dumps({"format": "factcheck-bundle", "version": version}) + "\n"


ARTICLE = {
    "type": "article",
    "id": 1,
    "title": "T",
    "text": "Some text here.",
    "content_hash": "abc",
    "created_at": "2025-09-05T09:20:00.000000Z",
}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_header_line(2), "bundle version 2 is not supported"),
        (_header_line("1"), "version '1' is not supported"),
        ('{"format": "something-else", "version": 1}\n', "not a factcheck bundle"),
        ("", "empty"),
        (
            _header_line() + json.dumps({k: v for k, v in ARTICLE.items() if k != "text"}) + "\n",
            "line 2: text",
        ),
        (
            _header_line() + json.dumps(ARTICLE) + "\n" + '{"type": "claim", "id": 1}\n',
            "line 3",
        ),
        (_header_line() + json.dumps({**ARTICLE, "type": "poem"}) + "\n", "unknown record type"),
        (_header_line() + json.dumps(ARTICLE) + "\n{not json\n", "line 3: not valid JSON"),
    ],
)
def test_bad_bundle_is_refused_with_one_line_and_nothing_stored(
    db_url: str, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    engine = make_engine(db_url)
    before = counts(engine)
    line = Cli(db_url).fails("import-bundle", str(path), message=message)
    assert line.startswith("error: ")
    assert counts(engine) == before
    engine.dispose()


def test_bundle_into_a_database_that_already_has_the_articles_is_refused(
    sqlite_url: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url)
    build_project(engine)
    out = tmp_path / "p.jsonl"
    run = Cli(sqlite_url)
    run.ok("export", "--format", "jsonl", "--out", str(out))
    before = counts(engine)
    run.fails("import-bundle", str(out), message="already in the database")
    assert counts(engine) == before


# ------------------------------------------------------------------ generated projects

WORDS = ["Minister", "said", "talks", "resumed", "“We", "will", "act,”", "Reuters", "today"]
sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=8).map(lambda w: " ".join(w) + ".")
article_text = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
assessment = st.fixed_dictionaries(
    {
        "reviewer": st.sampled_from(["ana", "ben", "Zoë"]),
        "attribution_type": st.sampled_from(["direct_quote", "indirect", "vague", None]),
        "speaker": st.sampled_from(["Alexander Stubb", "officials", None, "=SUM(A1)"]),
        "source_reliability": st.sampled_from([None, "A", "C", "F"]),
        "information_credibility": st.sampled_from([None, 1, 4, 6]),
        "chain": st.lists(
            st.sampled_from(["Reuters", "AFP", "Agence France-Presse", "Some blog"]), max_size=3
        ),
        "notes": st.one_of(st.none(), st.text(max_size=20)),
        "final": st.booleans(),
    }
)
project = st.lists(
    st.tuples(article_text, st.lists(assessment, max_size=3), st.booleans()),
    min_size=1,
    max_size=3,
    unique_by=lambda item: item[0],
)


def _load(engine: Engine, spec: list) -> None:  # type: ignore[type-arg]
    def work(session: Session) -> None:
        for index, (text, ratings, drop) in enumerate(spec):
            article = article_service.import_text(
                session, text, ArticleMeta(outlet="Outlet" if index % 2 else None)
            )
            claims = claim_service.list_claims(session, article.id)  # type: ignore[arg-type]
            for number, rating in enumerate(ratings):
                claim = claims[number % len(claims)]
                data = AssessmentInput(
                    attribution_type=rating["attribution_type"],
                    speaker=rating["speaker"],
                    source_reliability=rating["source_reliability"],
                    information_credibility=rating["information_credibility"],
                    chain=[{"name": name} for name in rating["chain"]],
                    notes=rating["notes"],
                )
                role = Role.adjudicator if rating["final"] else Role.annotator
                reviewer = get_or_create_reviewer(session, rating["reviewer"], role)
                save_assessment(session, claim.id, reviewer, data, final=rating["final"])  # type: ignore[arg-type]
            if drop:
                claims[-1].dropped = True
                session.add(claims[-1])

    write(engine, work)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=project)
def test_generated_projects_round_trip_exactly(sqlite_template: Path, spec: list) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        shutil.copy(sqlite_template, base / "a.db")
        shutil.copy(sqlite_template, base / "b.db")
        source, target = (
            make_engine(f"sqlite:///{base}/a.db"),
            make_engine(f"sqlite:///{base}/b.db"),
        )
        try:
            _load(source, spec)
            export_bundle(source, base / "a.jsonl")
            import_bundle(target, base / "a.jsonl")
            export_bundle(target, base / "b.jsonl")
            assert (base / "b.jsonl").read_bytes() == (base / "a.jsonl").read_bytes()
            assert counts(target) == counts(source)
        finally:
            source.dispose()
            target.dispose()


def test_bundle_into_a_project_with_other_work_renumbers_and_keeps_content(
    db_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    """Ids already taken are renumbered; the content (and the ratings CSV apart from ids)
    is the same, and later work still gets fresh ids."""
    source_url = empty_database("sqlite:///x", tmp_path, sqlite_template)
    engine = make_engine(source_url)
    build_project(engine)
    engine.dispose()
    bundle = tmp_path / "p.jsonl"
    Cli(source_url).ok("export", "--format", "jsonl", "--out", str(bundle))

    run = Cli(db_url)
    other = tmp_path / "other.txt"
    other.write_text("An unrelated article. It was here first.\n", encoding="utf-8")
    run.ok("import", str(other))
    loaded = run.json("import-bundle", str(bundle))
    assert loaded["ids_remapped"] > 0 and loaded["records"]["assessment"] == 4

    def rows(cli: Cli) -> list[list[tuple[str, str]]]:
        exported = csv.DictReader(io.StringIO(cli.ok("export", "--format", "csv").stdout))
        skip = {"article_id", "claim_id", "rated_at"}
        return sorted(sorted((k, v) for k, v in row.items() if k not in skip) for row in exported)

    assert rows(run) == rows(Cli(source_url))
    later = tmp_path / "later.txt"
    later.write_text("Another article. Imported after the bundle.\n", encoding="utf-8")
    assert run.json("import", str(later))[0]["claims"] == 2


def test_two_assessments_of_one_claim_by_one_reviewer_are_refused(
    sqlite_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    engine = make_engine(sqlite_url)
    build_project(engine)
    engine.dispose()
    good = tmp_path / "good.jsonl"
    run = Cli(sqlite_url)
    run.ok("export", "--format", "jsonl", "--out", str(good))
    lines = good.read_text(encoding="utf-8").splitlines(keepends=True)
    ana = next(line for line in lines if '"reviewer": "ana"' in line and '"assessment"' in line)
    copy = json.loads(ana)
    copy["id"] = 999
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(lines) + json.dumps(copy) + "\n", encoding="utf-8")
    target = Cli(empty_database(sqlite_url, tmp_path, sqlite_template))
    target.fails("import-bundle", str(bad), message="second assessment of claim")
    assert target.json("articles") == []
