"""Chart figures of the Export page (factcheck/services/stats.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from factcheck.interchange.export import ExportFilter, csv_bytes, iter_rating_rows
from factcheck.services.articles import import_text
from factcheck.services.assessments import save_assessment
from factcheck.services.claims import list_claims
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.services.stats import (
    NOT_SET,
    RatingSummary,
    count_ratings,
    preview_rows,
    rating_filter,
    rating_summary,
)
from factcheck.store.engine import read_session, write
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind

STUBB_CHAIN = [
    ChainHop(name="Alexander Stubb", kind=SourceKind.head_of_state),
    ChainHop(name="Finnish media", kind=SourceKind.national_media, relation=Relation.told_to),
    ChainHop(name="Reuters", kind=SourceKind.wire_agency, relation=Relation.translated_by),
    ChainHop(name="The Guardian", kind=SourceKind.newspaper, relation=Relation.quoted_by),
    ChainHop(name="ZeroHedge", kind=SourceKind.aggregator, relation=Relation.republished_by),
]
SHORT_CHAIN = [
    ChainHop(name="Kremlin", kind=SourceKind.government_body),
    ChainHop(name="TASS", kind=SourceKind.state_media, relation=Relation.reported_by),
]
OTHER_TEXT = (
    "The ministry said the bridge will reopen in May. Critics doubt it. "
    "Officials declined to comment on the budget."
)


@dataclass
class Seeded:
    demo_id: int
    other_id: int
    stubb_claim_id: int


def seed_ratings(engine: Engine, demo_text: str) -> Seeded:
    """Four ratings by two reviewers on the demo article; a second article stays unrated.

    ana: claim 1 direct quote, Stubb's 5-hop chain, B2; claim 2 vague, no chain, E4.
    bob: claim 1 indirect, 2-hop chain, B2; claim 3 reliability only (C), nothing else."""

    def work(session: Session) -> Seeded:
        demo = import_text(session, demo_text, ArticleMeta(title="NATO troops", outlet="ZeroHedge"))
        other = import_text(session, OTHER_TEXT, ArticleMeta(title="Bridge", outlet="Daily"))
        claims = list_claims(session, demo.id)  # type: ignore[arg-type]
        ana = get_or_create_reviewer(session, "ana")
        bob = get_or_create_reviewer(session, "bob")
        first, second, third = (c.id for c in claims[:3])
        save_assessment(
            session,
            first,  # type: ignore[arg-type]
            ana,
            AssessmentInput(
                attribution_type=AttributionType.direct_quote,
                speaker="Alexander Stubb",
                cue="said",
                chain=STUBB_CHAIN,
                source_reliability="B",
                information_credibility=2,
            ),
        )
        save_assessment(
            session,
            second,  # type: ignore[arg-type]
            ana,
            AssessmentInput(
                attribution_type=AttributionType.vague,
                source_reliability="E",
                information_credibility=4,
            ),
        )
        save_assessment(
            session,
            first,  # type: ignore[arg-type]
            bob,
            AssessmentInput(
                attribution_type=AttributionType.indirect,
                chain=SHORT_CHAIN,
                source_reliability="b",
                information_credibility="2",
            ),
        )
        save_assessment(session, third, bob, AssessmentInput(source_reliability="C"))  # type: ignore[arg-type]
        return Seeded(demo.id, other.id, first)  # type: ignore[arg-type]

    return write(engine, work)


def summary(engine: Engine, flt: ExportFilter | None = None) -> RatingSummary:
    with read_session(engine) as session:
        return rating_summary(session, flt)


def test_summary_counts_grades_chains_and_types(engine: Engine, demo_text: str) -> None:
    seed_ratings(engine, demo_text)
    result = summary(engine)
    assert result.total == 4
    assert result.grades == {"B2": 2, "E4": 1, "C?": 1}
    assert list(result.grades) == ["B2", "C?", "E4"]
    assert result.chain_lengths == {0: 2, 2: 1, 5: 1}
    assert result.attribution_types == {
        "direct_quote": 1,
        "indirect": 1,
        "vague": 1,
        NOT_SET: 1,
    }
    assert sum(result.attribution_shares().values()) == 100.0
    matrix = result.grade_matrix()
    assert list(matrix) == ["A", "B", "C", "D", "E", "F"]
    assert list(matrix["A"]) == ["1", "2", "3", "4", "5", "6"]
    assert matrix["B"]["2"] == 2 and matrix["E"]["4"] == 1
    assert sum(sum(row.values()) for row in matrix.values()) == 3  # "C?" is not a full grade


def test_summary_agrees_with_export_rows(engine: Engine, demo_text: str) -> None:
    seed_ratings(engine, demo_text)
    with read_session(engine) as session:
        rows = list(iter_rating_rows(session))
    result = summary(engine)
    assert result.total == len(rows)
    lengths: dict[int, int] = {}
    for row in rows:
        lengths[row["chain_length"]] = lengths.get(row["chain_length"], 0) + 1
    assert result.chain_lengths == lengths


def test_summary_follows_the_export_filter(engine: Engine, demo_text: str) -> None:
    seeded = seed_ratings(engine, demo_text)
    ana = summary(engine, rating_filter(reviewers=["ana"]))
    assert ana.total == 2
    assert ana.grades == {"B2": 1, "E4": 1}
    assert ana.chain_lengths == {0: 1, 5: 1}
    assert summary(engine, rating_filter(article_ids=[seeded.demo_id])).total == 4
    assert summary(engine, rating_filter(article_ids=[seeded.other_id])).is_empty
    assert summary(engine, rating_filter(final_only=True)).is_empty
    today = datetime.now(UTC).date()
    assert summary(engine, rating_filter(rated_on_or_after=today)).total == 4
    assert summary(engine, rating_filter(rated_on_or_before=today)).total == 4
    yesterday = today - timedelta(days=1)
    assert summary(engine, rating_filter(rated_on_or_before=yesterday)).is_empty
    assert summary(engine, rating_filter(rated_on_or_after=today + timedelta(days=1))).is_empty


def test_final_assessments_are_counted_when_asked(engine: Engine, demo_text: str) -> None:
    seeded = seed_ratings(engine, demo_text)

    def settle(session: Session) -> None:
        adjudicator = get_or_create_reviewer(session, "ana")
        save_assessment(
            session,
            seeded.stubb_claim_id,
            adjudicator,
            AssessmentInput(
                attribution_type=AttributionType.direct_quote,
                chain=STUBB_CHAIN,
                source_reliability="B",
                information_credibility=2,
            ),
            final=True,
        )

    write(engine, settle)
    final = summary(engine, rating_filter(final_only=True))
    assert final.total == 1
    assert final.grades == {"B2": 1}
    assert final.chain_lengths == {5: 1}
    assert summary(engine).total == 5


def test_empty_database_gives_an_empty_summary(engine: Engine) -> None:
    result = summary(engine)
    assert result == RatingSummary()
    assert result.is_empty
    assert result.attribution_shares() == {}
    assert all(v == 0 for row in result.grade_matrix().values() for v in row.values())
    with read_session(engine) as session:
        assert count_ratings(session) == 0
        assert preview_rows(session) == []


def test_preview_is_the_first_rows_of_the_csv(engine: Engine, demo_text: str) -> None:
    seed_ratings(engine, demo_text)
    with read_session(engine) as session:
        everything = list(csv.DictReader(io.StringIO(csv_bytes(session).decode("utf-8"))))
        assert preview_rows(session, limit=3) == everything[:3]
        assert preview_rows(session) == everything  # fewer than 20
        # what a reader checks first leads; ids, offsets and URLs come last (#17)
        columns = list(preview_rows(session)[0])
        assert columns[:4] == ["claim_text", "reviewer", "grade", "chain"]
        assert columns[-7:] == [
            "article_id",
            "claim_id",
            "claim_index",
            "claim_start",
            "claim_end",
            "article_url",
            "primary_source_url",
        ]
        assert sorted(columns) == sorted(everything[0])
    assert everything[0]["chain_length"] in {"0", "2", "5"}


def test_rating_filter_reads_empty_choices_as_all() -> None:
    flt = rating_filter(article_ids=[], reviewers=[], final_only=False)
    assert flt.article_ids is None and flt.reviewers is None
    assert flt.rated_from is None and flt.rated_to is None
    day = datetime(2025, 9, 5, tzinfo=UTC).date()
    flt = rating_filter(
        article_ids=[3], reviewers=["ana"], rated_on_or_after=day, rated_on_or_before=day
    )
    assert flt.article_ids == [3] and flt.reviewers == ["ana"]
    assert flt.rated_from == datetime(2025, 9, 5, tzinfo=UTC)
    assert flt.rated_to is not None
    assert flt.rated_to.date() == day and flt.rated_to > datetime(2025, 9, 5, 23, 59, tzinfo=UTC)
