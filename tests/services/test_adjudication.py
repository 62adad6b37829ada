"""Issue #17, adjudication: a majority that is a majority (two reviewers who differ prefill
nothing and offer both values; three or more prefill a field only on a strict majority, with
the reason), a final that keeps what unanimous reviewers chose field by field (each hop's
relation exactly), and the queue of disagreements across the article and the project."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from factcheck.services import review
from factcheck.services.assessments import get_assessment
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import read_session, write
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind
from tests.services.test_review import PUTIN_TASS, make_article, rate, sheet

STUBB_CHAIN = [
    ChainHop(name="Alexander Stubb", kind=SourceKind.head_of_state),
    ChainHop(name="Yle", kind=SourceKind.broadcaster, relation=Relation.headline_paraphrase),
    ChainHop(name="Reuters", kind=SourceKind.wire_agency, relation=Relation.translated_by),
    ChainHop(name="ZeroHedge", kind=SourceKind.aggregator, relation=Relation.republished_by),
]
FULL = {
    "attribution_type": AttributionType.indirect,
    "speaker": "Alexander Stubb",
    "cue": "told Yle",
    "chain": STUBB_CHAIN,
    "source_reliability": "B",
    "information_credibility": 3,
    "translated": True,
    "primary_source_url": "https://yle.fi/a/74-20000000",
    "corroborated": True,
    "corroborated_by": "Helsingin Sanomat",
}


@pytest.fixture
def article(engine: Engine) -> tuple[int, list[int]]:
    return make_article(engine)


def start(engine: Engine, article_id: int, claim_id: int) -> review.AdjudicationStart:
    return review.starting_point(sheet(engine, article_id), claim_id)


def test_a_final_from_unanimous_reviewers_keeps_every_field_they_chose(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    for name in ("ana", "bob"):
        rate(engine, name, ids[0], **FULL)
    begun = start(engine, article_id, ids[0])
    assert set(begun.prefilled) >= set(FULL) and not begun.contested

    def settle(session: Session) -> None:
        judge = get_or_create_reviewer(session, "judge")
        data = review.edited_draft(session, begun.draft, review.chain_text(begun.draft.chain))
        review.record_final(session, ids[0], judge, data)

    write(engine, settle)
    with read_session(engine) as session:
        judge = get_or_create_reviewer(session, "judge")
        final = get_assessment(session, ids[0], judge, final=True)
        ana = get_assessment(session, ids[0], get_or_create_reviewer(session, "ana"))
    assert final is not None and ana is not None
    assert final.chain == ana.chain == STUBB_CHAIN  # every hop's kind and relation exactly
    for name in FULL:
        if name != "chain":
            assert getattr(final.assessment, name) == getattr(ana.assessment, name), name


def test_two_reviewers_who_differ_prefill_nothing_and_offer_both(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    rate(engine, "zoe", ids[1], source_reliability="B", information_credibility=2)
    rate(engine, "adam", ids[1], source_reliability="D", information_credibility=2)
    begun = start(engine, article_id, ids[1])
    assert begun.draft.source_reliability is None
    assert begun.draft.information_credibility == 2
    assert begun.fields["information_credibility"].reason == "both reviewers agree"
    contested = begun.fields["source_reliability"]
    assert not contested.prefilled
    assert contested.options == [("adam", "D"), ("zoe", "B")]
    taken = review.take(begun.draft, "source_reliability", "B")
    assert taken.source_reliability == "B" and taken.information_credibility == 2


def test_three_reviewers_prefill_only_a_strict_majority_and_say_why(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    rate(engine, "ana", ids[0], source_reliability="C", information_credibility=2, chain=PUTIN_TASS)
    rate(engine, "bob", ids[0], source_reliability="C", information_credibility=3)
    rate(engine, "cara", ids[0], source_reliability="B", information_credibility=4)
    begun = start(engine, article_id, ids[0])
    assert begun.draft.source_reliability == "C"
    assert begun.fields["source_reliability"].reason == "2 of 3 reviewers"
    assert begun.draft.information_credibility is None  # 2, 3, 4: no majority
    assert "information_credibility" in begun.contested
    # a field one reviewer filled in is that reviewer's alone: prefilled, and said so
    assert begun.draft.chain == PUTIN_TASS
    assert begun.fields["chain"].reason == "only ana rated it"


@pytest.mark.parametrize("grades", [("B", "B", "C", "C"), ("A", "B", "C", "D")])
def test_four_reviewers_without_a_strict_majority_prefill_nothing(
    engine: Engine, article: tuple[int, list[int]], grades: tuple[str, ...]
) -> None:
    article_id, ids = article
    for name, grade in zip(("ana", "bob", "cara", "dan"), grades, strict=True):
        rate(engine, name, ids[2], source_reliability=grade)
    begun = start(engine, article_id, ids[2])
    assert begun.draft.source_reliability is None
    assert begun.fields["source_reliability"].reason.startswith("no majority: ana ")
    assert [name for name, _ in begun.contested["source_reliability"].options] == [
        "ana",
        "bob",
        "cara",
        "dan",
    ]


def test_the_queue_counts_disagreements_left_in_the_article_and_the_project(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    rate(engine, "ana", ids[0], source_reliability="B")
    rate(engine, "bob", ids[0], source_reliability="C")
    rate(engine, "ana", ids[1], source_reliability="A")
    rate(engine, "bob", ids[1], source_reliability="A")
    rate(engine, "ana", ids[2], speaker="Putin")
    rate(engine, "bob", ids[2], speaker="Peskov")
    with read_session(engine) as session:
        queue = review.adjudication_queue(session)
    assert [(item.article_id, item.claim_id) for item in queue] == [
        (article_id, ids[0]),
        (article_id, ids[2]),
    ]
    assert review.queue_counts(queue, article_id) == (2, 2)
    assert review.queue_step(queue, (article_id, 1), +1) == queue[1]
    assert review.queue_step(queue, (article_id, 3), +1) == queue[0]  # wraps round
    assert review.queue_step(queue, (article_id, 2), -1) == queue[0]  # from an agreed claim
    assert queue[1].fields == ("speaker",)
    rate(engine, "judge", ids[0], final=True, source_reliability="C")
    with read_session(engine) as session:
        queue = review.adjudication_queue(session)
    assert [item.claim_id for item in queue] == [ids[2]]  # settled claims leave the queue
