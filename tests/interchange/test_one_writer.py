"""Every assessment is written through one service: the BRAT and bundle importers store, field
by field (grade, sourcing score, chain hops and their registry links, version), what
`save_assessment` stores for the same input, because both go through `store_many`'s code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from factcheck.errors import PermissionDenied
from factcheck.interchange.brat import import_brat
from factcheck.interchange.bundle import export_bundle, import_bundle
from factcheck.services import access
from factcheck.services import articles as article_service
from factcheck.services import claims as claim_service
from factcheck.services.assessments import (
    AssessmentItem,
    chains_for,
    input_from_row,
    save_assessment,
    store_many,
)
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Assessment, ChainHopRow, Reviewer, Source
from schemas.records import ArticleMeta, AssessmentInput
from schemas.vocab import Role
from tests.interchange.test_brat import ANN, TEXT
from tests.interchange.test_bundle import build_project, empty_database

# What differs between two rows that hold the same assessment.
WHO_AND_WHEN = {"id", "reviewer_id", "created_at", "updated_at"}
GRADED = {
    "source_reliability": "B",
    "information_credibility": 2,
    "primary_source_url": "https://example.org/transcript",
    "chain": [
        {"name": "Reuters", "kind": "wire_agency"},
        {"name": "Example Daily", "kind": "newspaper", "relation": "translated_by"},
    ],
}
# The same claim, annotated again: another source and cue, paraphrase rather than quote.
REVISED_ANN = (
    "T1\tSource 64 71\tReuters\n"
    "T2\tCue 51 60\taccording\n"
    "T3\tContent 31 48\ttalks will resume\n"
    "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n"
)


def stored(session: Session, row: Assessment) -> dict[str, Any]:
    """A row as a save leaves it: every column, the grade, and its hops with their links."""
    hops = session.exec(
        select(ChainHopRow, Source.name)
        .outerjoin(Source, col(Source.id) == ChainHopRow.source_id)
        .where(ChainHopRow.assessment_id == row.id)
        .order_by(col(ChainHopRow.position))
    ).all()
    return {
        **row.model_dump(),
        "grade": row.grade,
        "hops": [(h.position, h.name, h.kind, h.relation, h.source_id, name) for h, name in hops],
    }


def row_of(session: Session, reviewer: str, claim_id: int | None = None) -> Assessment:
    query = select(Assessment).join(Reviewer, col(Reviewer.id) == Assessment.reviewer_id)
    query = query.where(Reviewer.name == reviewer)
    if claim_id is not None:
        query = query.where(Assessment.claim_id == claim_id)
    return session.exec(query).one()


def same_but_who(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert {k: v for k, v in a.items() if k not in WHO_AND_WHEN} == {
        k: v for k, v in b.items() if k not in WHO_AND_WHEN
    }


def brat_folder(folder: Path, anns: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "talks.txt").write_text(TEXT, encoding="utf-8")
    for annotator, ann in anns.items():
        (folder / f"talks_{annotator}.ann").write_text(ann, encoding="utf-8")
    return folder


def test_brat_import_stores_what_a_save_of_its_attribution_stores(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        import_brat(engine, brat_folder(tmp_path / "in", {"ana": ANN}))

        def work(session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
            imported = row_of(session, "ana")
            data = AssessmentInput(
                attribution_type=imported.attribution_type,
                speaker=imported.speaker,
                cue=imported.cue,
                spans=imported.spans,
            )
            ben = get_or_create_reviewer(session, "ben")
            saved = save_assessment(session, imported.claim_id, ben, data)
            return stored(session, imported), stored(session, saved)

        imported, saved = write(engine, work)
    finally:
        engine.dispose()
    assert imported["version"] == 1 and imported["sourcing_score"] == saved["sourcing_score"]
    assert imported["attribution_type"] == "direct_quote" and imported["speaker"] == "Officials"
    same_but_who(imported, saved)


def test_brat_reimport_over_a_rated_assessment_stores_what_a_save_would(
    db_url: str, tmp_path: Path
) -> None:
    """ana and ben annotated the claim alike and rated it alike (grades, a chain that links
    registry records); ana's file is then revised and imported again. Her assessment is what
    ben's becomes when he saves the same attribution over his: grades and chain kept, score
    from the one rule, the next version."""
    engine = make_engine(db_url)
    try:
        import_brat(engine, brat_folder(tmp_path / "first", {"ana": ANN, "ben": ANN}))

        def rate(session: Session) -> None:
            for name in ("ana", "ben"):
                row = row_of(session, name)
                chain = chains_for(session, [row.id]).get(row.id, [])  # type: ignore[list-item]
                data = AssessmentInput.model_validate(
                    {**input_from_row(row, chain).model_dump(), **GRADED}
                )
                reviewer = session.get_one(Reviewer, row.reviewer_id)
                save_assessment(session, row.claim_id, reviewer, data, expected_version=1)

        write(engine, rate)
        import_brat(engine, brat_folder(tmp_path / "revised", {"ana": REVISED_ANN}))

        def settle(session: Session) -> tuple[dict[str, Any], dict[str, Any]]:
            ana, ben = row_of(session, "ana"), row_of(session, "ben")
            chain = chains_for(session, [ben.id]).get(ben.id, [])  # type: ignore[list-item]
            revised = {
                "attribution_type": ana.attribution_type,
                "speaker": ana.speaker,
                "cue": ana.cue,
                "spans": ana.spans,
            }
            data = AssessmentInput.model_validate(
                {**input_from_row(ben, chain).model_dump(), **revised}
            )
            reviewer = session.get_one(Reviewer, ben.reviewer_id)
            saved = save_assessment(session, ben.claim_id, reviewer, data, expected_version=2)
            return stored(session, ana), stored(session, saved)

        imported, saved = write(engine, settle)
    finally:
        engine.dispose()
    assert imported["speaker"] == "Reuters" and imported["cue"] == "according"
    assert imported["attribution_type"] == "indirect" and imported["sourcing_score"] == 85
    assert imported["grade"] == "B2" and imported["version"] == 3
    assert [hop[1] for hop in imported["hops"]] == ["Reuters", "Example Daily"]
    same_but_who(imported, saved)


def _rows(engine: Engine) -> list[dict[str, Any]]:
    """Every assessment as stored, hops linked by source name (ids differ between databases)."""
    with Session(engine) as session:
        rows = session.exec(select(Assessment).order_by(col(Assessment.id))).all()
        result = []
        for row in rows:
            values = stored(session, row)
            values["hops"] = [hop[:4] + hop[5:] for hop in values["hops"]]
            values["reviewer"] = session.get_one(Reviewer, row.reviewer_id).name
            del values["reviewer_id"]
            result.append(values)
        return result


def test_bundle_import_stores_what_the_saves_stored(
    db_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    """Rows saved one by one, carried by a bundle, come back field by field: score, grade,
    version, hops and the records they link to. A bundle that records no score (a tool of
    its own wrote it) gets the score a save computes: one rule."""
    source_url = empty_database("sqlite:///x", tmp_path, sqlite_template)
    source = make_engine(source_url)
    build_project(source)
    bundle = tmp_path / "project.jsonl"
    export_bundle(source, bundle)
    saved = _rows(source)
    source.dispose()
    assert any(row["hops"] for row in saved) and any(row["is_final"] for row in saved)

    unscored = tmp_path / "unscored.jsonl"
    records = [json.loads(line) for line in bundle.read_text(encoding="utf-8").splitlines()]
    for record in records:
        if record.get("type") == "assessment":
            record["sourcing_score"] = None
    unscored.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    for path in (bundle, unscored):
        target = make_engine(empty_database(db_url, tmp_path, sqlite_template))
        try:
            import_bundle(target, path)
            assert _rows(target) == saved, path.name
        finally:
            target.dispose()


def test_many_stores_like_saves_one_after_another(engine: Engine, demo_text: str) -> None:
    """The same key twice in one call is two saves (version 2), and a final item updates
    the claim's final assessment whoever settled it, as `save_assessment` does."""

    def work(session: Session) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        article = article_service.import_text(session, demo_text, ArticleMeta())
        first, second = claim_service.list_claims(session, article.id)[:2]  # type: ignore[arg-type]
        ana = get_or_create_reviewer(session, "ana")
        cleo = get_or_create_reviewer(session, "cleo", Role.adjudicator)
        dan = get_or_create_reviewer(session, "dan", Role.adjudicator)
        rough = AssessmentInput(attribution_type="vague", chain=[{"name": "AFP"}])
        graded = AssessmentInput(**GRADED, attribution_type="direct_quote")
        for claim, reviewer, final in ((first, ana, False), (first, cleo, True)):
            save_assessment(session, claim.id, reviewer, rough, final=final)  # type: ignore[arg-type]
            save_assessment(
                session,
                claim.id,  # type: ignore[arg-type]
                dan if final else reviewer,
                graded,
                final=final,
            )
        items = [
            AssessmentItem(second.id, ana.id, rough),  # type: ignore[arg-type]
            AssessmentItem(second.id, ana.id, graded),  # type: ignore[arg-type]
            AssessmentItem(second.id, cleo.id, rough, final=True),  # type: ignore[arg-type]
            AssessmentItem(second.id, dan.id, graded, final=True),  # type: ignore[arg-type]
        ]
        assert store_many(session, items) == 4
        rows = session.exec(select(Assessment).order_by(col(Assessment.is_final))).all()

        def of(claim_id: int) -> list[dict[str, Any]]:
            return [
                {k: v for k, v in stored(session, r).items() if k not in {"id", "claim_id"}}
                for r in rows
                if r.claim_id == claim_id
            ]

        return of(first.id), of(second.id)  # type: ignore[arg-type]

    saved, many = write(engine, work)
    assert [row["version"] for row in many] == [2, 2]
    assert [row["grade"] for row in many] == ["B2", "B2"]
    for one, other in zip(saved, many, strict=True):
        assert {k: v for k, v in one.items() if k not in {"created_at", "updated_at"}} == {
            k: v for k, v in other.items() if k not in {"created_at", "updated_at"}
        }


def test_many_is_an_admins_in_team_mode(engine: Engine, demo_text: str, team: None) -> None:
    def work(session: Session) -> None:
        admin = Reviewer(name="root", role=Role.admin.value)
        ana = Reviewer(name="ana", role=Role.annotator.value)
        session.add_all([admin, ana])
        session.flush()
        article = article_service.import_text(session, demo_text, ArticleMeta(), actor=admin)
        claim = claim_service.list_claims(session, article.id)[0]  # type: ignore[arg-type]
        item = AssessmentItem(claim.id, ana.id, AssessmentInput(notes="mine"))  # type: ignore[arg-type]
        with pytest.raises(PermissionDenied, match="load assessments in bulk"):
            store_many(session, [item], actor=ana)
        with access.acting_as(admin):
            assert store_many(session, [item]) == 1

    write(engine, work)
