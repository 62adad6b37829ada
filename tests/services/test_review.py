"""The review service (factcheck/services/review.py) on each engine, in local mode (team-mode refusals
are in test_access.py): the majority draft the adjudicator starts from, what counts as a
disagreement, releasing an article, and recording the final assessment beside the reviewers'
own, which stay untouched."""

from __future__ import annotations

import csv
import io
from contextlib import suppress

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from factcheck.errors import InputError
from factcheck.interchange.export import ExportFilter, csv_bytes
from factcheck.services import articles, assessments, claims, review
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import read_session, write
from factcheck.store.models import Article, Assessment
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind

TEXT = (
    "Putin said the troops would be a legitimate target for Russian forces.\n\n"
    "TASS reported that the Kremlin had rejected the proposal on Friday.\n\n"
    "Analysts expect further talks between the governments next month.\n"
)
PUTIN_TASS = [
    ChainHop(name="Vladimir Putin", kind=SourceKind.head_of_state),
    ChainHop(name="TASS", kind=SourceKind.state_media, relation=Relation.translated_by),
]
PUTIN_TASS_RESPELT = [  # the same hops by the name key, other kinds
    ChainHop(name="vladimir  PUTIN", kind=SourceKind.official),
    ChainHop(name="Tass", kind=SourceKind.wire_agency, relation=Relation.translated_by),
]
PUTIN_REUTERS = [
    ChainHop(name="Vladimir Putin", kind=SourceKind.head_of_state),
    ChainHop(name="Reuters", kind=SourceKind.wire_agency, relation=Relation.reported_by),
]


@pytest.fixture
def article(engine: Engine) -> tuple[int, list[int]]:
    return make_article(engine)


def make_article(engine: Engine) -> tuple[int, list[int]]:
    """Three one-sentence claims (Putin, TASS, analysts) of a ZeroHedge article."""

    def work(session: Session) -> tuple[int, list[int]]:
        article = articles.import_text(session, TEXT, ArticleMeta(outlet="ZeroHedge"))
        ids = [c.id for c in claims.list_claims(session, article.id)]  # type: ignore[arg-type]
        return article.id, ids  # type: ignore[return-value]

    article_id, ids = write(engine, work)
    assert len(ids) == 3
    return article_id, ids


def rate(engine: Engine, reviewer: str, claim_id: int, *, final: bool = False, **fields: object):  # type: ignore[no-untyped-def]
    def work(session: Session) -> int:
        who = get_or_create_reviewer(session, reviewer)
        saved = assessments.save_assessment(
            session, claim_id, who, AssessmentInput(**fields), final=final
        )
        return saved.id  # type: ignore[return-value]

    return write(engine, work)


def settle(engine: Engine, adjudicator: str, claim_id: int, **fields: object) -> int:
    def work(session: Session) -> int:
        who = get_or_create_reviewer(session, adjudicator)
        return review.record_final(session, claim_id, who, AssessmentInput(**fields)).id  # type: ignore[return-value]

    return write(engine, work)


def sheet(engine: Engine, article_id: int) -> review.ReviewSheet:
    with read_session(engine) as session:
        return review.review_sheet(session, article_id)


def stored(engine: Engine, claim_id: int) -> list[tuple[str | None, bool, int]]:
    """(reliability, final, version) of every assessment of a claim, sorted."""
    with read_session(engine) as session:
        rows = session.exec(select(Assessment).where(Assessment.claim_id == claim_id)).all()
        return sorted((r.source_reliability, r.is_final, r.version) for r in rows)


# ---------------------------------------------------------------- majority draft


def test_the_majority_draft_takes_each_field_as_most_reviewers_rated_it(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    first = ids[0]
    rate(
        engine,
        "ana",
        first,
        attribution_type=AttributionType.direct_quote,
        speaker="Vladimir Putin",
        cue="said",
        chain=PUTIN_TASS,
        source_reliability="B",
        information_credibility=2,
    )
    rate(
        engine,
        "bob",
        first,
        attribution_type=AttributionType.direct_quote,
        speaker="vladimir  putin",
        cue=" SAID",
        chain=PUTIN_TASS_RESPELT,
        source_reliability="C",
        information_credibility=2,
        corroborated_by="Kremlin transcript",
    )
    rate(
        engine,
        "cara",
        first,
        attribution_type=AttributionType.indirect,
        speaker="Dmitry Peskov",
        cue="told",
        chain=PUTIN_REUTERS,
        source_reliability="C",
        information_credibility=3,
    )
    draft = review.majority_draft(sheet(engine, article_id).views(first))
    assert draft.attribution_type == AttributionType.direct_quote
    assert draft.source_reliability == "C"  # bob and cara
    assert draft.information_credibility == 2  # ana and bob
    # names and wording compared by key, kept as the first of the winners (by name) wrote them
    assert draft.speaker == "Vladimir Putin"
    assert draft.cue == "said"
    assert draft.chain == PUTIN_TASS
    # one reviewer's corroboration is the only value given: missing values do not vote
    assert draft.corroborated_by == "Kremlin transcript"


def test_a_tie_prefills_nothing_and_offers_both_whatever_the_order_of_the_views(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    rate(engine, "zoe", ids[1], source_reliability="B", speaker="TASS")
    rate(engine, "adam", ids[1], source_reliability="D", speaker="Kremlin")
    views = sheet(engine, article_id).views(ids[1])
    for ordered in (views, list(reversed(views))):
        begun = review.adjudication_start(ordered)
        assert (begun.draft.source_reliability, begun.draft.speaker) == (None, None)
        assert begun.contested["speaker"].options == [("adam", "Kremlin"), ("zoe", "TASS")]


def test_no_views_give_an_empty_draft() -> None:
    assert review.majority_draft([]) == AssessmentInput()


# ---------------------------------------------------------------- disagreements


def test_only_real_differences_are_disagreements(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    first, second, third = ids
    # the same speaker, cue and chain written differently; one grade missing
    rate(engine, "ana", first, speaker="Vladimir Putin", cue="said", chain=PUTIN_TASS)
    rate(
        engine,
        "bob",
        first,
        speaker="vladimir putin",
        cue="Said",
        chain=PUTIN_TASS_RESPELT,
        source_reliability="B",
    )
    # different grades and chains
    rate(engine, "ana", second, chain=PUTIN_TASS, source_reliability="B")
    rate(engine, "bob", second, chain=PUTIN_REUTERS, source_reliability="C")
    rate(engine, "ana", third, information_credibility=2)
    got = sheet(engine, article_id)
    assert got.differs[first] == []
    # in COMPARED_FIELDS order; translation follows the chain (TASS translated, Reuters not)
    assert got.differs[second] == ["chain", "source_reliability", "translated"]
    assert got.differs[third] == []
    assert got.disputed == [second]
    assert got.reviewers == ["ana", "bob"]


# ---------------------------------------------------------------- release


def test_releasing_twice_keeps_the_first_moment_and_withdrawing_closes_it(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    rate(engine, "ana", ids[0], source_reliability="B")
    rate(engine, "bob", ids[0], source_reliability="C")
    first = write(engine, lambda s: review.release_article(s, article_id).released_at)
    assert first is not None
    again = write(engine, lambda s: review.release_article(s, article_id).released_at)
    assert again == first
    with read_session(engine) as session:
        listed = {a.id: a for a in review.review_articles(session)}
        assert review.released_article_ids(session) == [article_id]
    assert listed[article_id].released and listed[article_id].reviewers == 2
    assert sheet(engine, article_id).released
    write(engine, lambda s: review.withdraw_release(s, article_id))
    with read_session(engine) as session:
        article_row = session.get(Article, article_id)
        assert article_row is not None and article_row.released_at is None
        assert review.released_article_ids(session) == []
    assert not sheet(engine, article_id).released


# ---------------------------------------------------------------- record_final


def test_record_final_adds_a_final_row_and_leaves_the_reviewers_rows_alone(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    first = ids[0]
    rate(engine, "ana", first, source_reliability="B", chain=PUTIN_TASS)
    rate(engine, "judge", first, source_reliability="C")  # the adjudicator rated it too
    before = stored(engine, first)
    with read_session(engine) as session:
        # what the adjudicator starts from, and says so
        begun = review.starting_point(review.review_sheet(session, article_id), first)
    start, origin = begun.draft, begun.origin
    assert origin == "the reviewers' ratings"
    final_id = settle(
        engine,
        "judge",
        first,
        **start.model_dump(exclude={"source_reliability"}),
        source_reliability="A",
    )
    assert stored(engine, first) == sorted([*before, ("A", True, 1)])
    got = sheet(engine, article_id)
    assert got.finals[first].assessment.id == final_id
    assert got.finals[first].reviewer == "judge"
    assert {v.reviewer for v in got.views(first)} == {"ana", "judge"}, "finals are not votes"
    assert got.final_allowed and got.can_adjudicate  # local mode
    begun = review.starting_point(got, first)
    assert begun.origin == "the final assessment recorded"
    assert begun.draft.source_reliability == "A"
    # recording again updates that final row: still one, at the next version
    again = settle(engine, "judge", first, source_reliability="B", chain=PUTIN_TASS)
    assert again == final_id
    assert stored(engine, first) == sorted([*before, ("B", True, 2)])
    # the export marks it, and --final-only keeps only it
    with read_session(engine) as session:
        rows = list(csv.DictReader(io.StringIO(csv_bytes(session).decode("utf-8"))))
        finals = list(
            csv.DictReader(
                io.StringIO(csv_bytes(session, ExportFilter(final_only=True)).decode("utf-8"))
            )
        )
    assert sorted((r["reviewer"], r["final"]) for r in rows) == [
        ("ana", "false"),
        ("judge", "false"),
        ("judge", "true"),
    ]
    assert [(r["reviewer"], r["grade"], r["chain"]) for r in finals] == [
        ("judge", "B", "Vladimir Putin > TASS")
    ]


def test_record_final_refuses_a_dropped_claim_and_stores_nothing(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    rate(engine, "ana", ids[2], source_reliability="B")
    write(engine, lambda s: claims.drop_claim(s, ids[2]))
    before = stored(engine, ids[2])
    with pytest.raises(InputError, match="is dropped; restore it before adjudicating"):
        settle(engine, "judge", ids[2], source_reliability="C")
    assert stored(engine, ids[2]) == before
    # the dropped claim still shows on the sheet, with its rating
    got = sheet(engine, article_id)
    assert ids[2] in [c.id for c in got.claims]
    assert got.finals == {}


def test_a_claim_has_one_final_assessment_whoever_settles_it(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    """README: "an adjudicator settles disagreements into one final assessment"."""
    article_id, ids = article
    rate(engine, "ana", ids[0], source_reliability="B")
    rate(engine, "bob", ids[0], source_reliability="C")
    settle(engine, "judge", ids[0], source_reliability="B")
    with suppress(InputError):  # refusing the second settlement keeps one final too
        settle(engine, "second-judge", ids[0], source_reliability="C")
    finals = [row for row in stored(engine, ids[0]) if row[1]]
    with read_session(engine) as session:
        exported = csv_bytes(session, ExportFilter(article_ids=[article_id], final_only=True))
    assert len(finals) == 1
    assert len(list(csv.DictReader(io.StringIO(exported.decode("utf-8"))))) == 1
