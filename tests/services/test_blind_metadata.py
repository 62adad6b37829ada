"""Issue #19.6: annotators see counts and names only from their own and released work. The
attacks: the Review page told an annotator "2 reviewer(s)" on an unreleased article, and an
edit's refusal named which of the claims touched a colleague had rated."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from factcheck.errors import PermissionDenied
from factcheck.services import access, claims, review
from factcheck.store.engine import read_session, write
from tests.services.test_access import make_desk


@pytest.fixture
def desk(engine: Engine, demo_text: str, team: None) -> dict[str, object]:
    """The access tests' desk: ana and bob rated claim 1, ana alone claim 2."""
    return make_desk(engine, demo_text)


def listed_as(engine: Engine, actor: access.Actor) -> dict[int, review.ReviewArticle]:
    with read_session(engine) as session, access.acting_as(actor):
        return {a.id: a for a in review.review_articles(session)}


def test_reviewer_counts_stay_hidden_from_annotators_until_release(
    engine: Engine, desk: dict
) -> None:
    article = desk["article"]
    assert listed_as(engine, desk["ana"])[article].reviewers is None
    assert listed_as(engine, desk["judge"])[article].reviewers == 2
    with access.acting_as(desk["judge"]):
        write(engine, lambda s: review.release_article(s, article))
    assert listed_as(engine, desk["ana"])[article].reviewers == 2


def test_a_refused_merge_does_not_say_which_claim_a_colleague_rated(
    engine: Engine, desk: dict
) -> None:
    """Claim 2 (rated by ana only) merged by bob with claim 3 (unrated): the refusal names
    both claims and says one of them is rated, never which."""
    rated_by_ana, unrated = desk["claims"][1], desk["claims"][2]

    def merge(session: Session) -> object:
        return claims.merge_claims(session, unrated, rated_by_ana, actor=desk["bob"])

    with pytest.raises(PermissionDenied) as refused:
        write(engine, merge)
    message = str(refused.value)
    assert "claims 2 and 3" in message and "at least one of them" in message


def test_the_adjudication_queue_is_the_adjudicators(engine: Engine, desk: dict) -> None:
    """Annotators settle nothing, so they get no queue (its counts would tell them where
    colleagues differ); an adjudicator's covers released articles only."""
    with read_session(engine) as session:
        assert review.adjudication_queue(session, actor=desk["ana"]) == []
        assert review.adjudication_queue(session, actor=desk["judge"]) == []  # not released
    with access.acting_as(desk["judge"]):
        write(engine, lambda s: review.release_article(s, desk["article"]))
    with read_session(engine) as session:
        queue = review.adjudication_queue(session, actor=desk["judge"])
        assert [(q.claim_id, q.fields) for q in queue] == [
            (desk["claims"][0], ("source_reliability",))
        ]
        assert review.adjudication_queue(session, actor=desk["ana"]) == []


def test_a_colleagues_new_hop_stays_out_of_the_registry_list_until_release(
    engine: Engine, desk: dict
) -> None:
    from factcheck.services import sources
    from schemas.spans import ChainHop
    from tests.services.test_access import rate_as

    secret = [ChainHop(name="Secret Insider Xyz"), ChainHop(name="ZeroHedge")]
    mine = [ChainHop(name="TASS"), ChainHop(name="ZeroHedge")]
    rate_as(engine, desk["bob"], desk["claims"][3], chain=secret)
    rate_as(engine, desk["ana"], desk["claims"][4], chain=mine)

    def listed(actor: access.Actor) -> dict[str, int]:
        with read_session(engine) as session, access.acting_as(actor):
            return {row.name: row.hops for row in sources.list_sources(session)}

    ana = listed(desk["ana"])
    assert "Secret Insider Xyz" not in ana
    assert ana["ZeroHedge"] == 1 and ana["TASS"] == 1  # her own hops only
    assert "Reuters" in ana  # the curated registry stays visible
    judge = listed(desk["judge"])
    assert judge["Secret Insider Xyz"] == 1 and judge["ZeroHedge"] == 2
    with access.acting_as(desk["judge"]):
        write(engine, lambda s: review.release_article(s, desk["article"]))
    assert listed(desk["ana"])["Secret Insider Xyz"] == 1
    with read_session(engine) as session, pytest.raises(PermissionDenied, match="sign in"):
        sources.list_sources(session)  # nobody signed in, in team mode
