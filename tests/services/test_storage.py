"""Services against each real engine: atomic imports, claim edits that keep spans exact and
ratings attached, one assessment per (claim, reviewer), the registry's uniqueness."""

from __future__ import annotations

from contextlib import suppress
from functools import partial
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from factcheck.errors import DuplicateError, InputError
from factcheck.services import articles, assessments, claims, sources
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Article, Assessment, ChainHopRow, Claim
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def import_demo(engine: Engine, text: str) -> int:
    return write(
        engine, lambda s: articles.import_text(s, text, ArticleMeta(outlet="ZeroHedge")).id
    )


def test_import_is_all_or_nothing(engine: Engine, demo_text: str) -> None:
    def crash_after_claims(session: Session) -> None:
        articles.import_text(session, demo_text)
        assert session.exec(select(func.count()).select_from(Claim)).one() > 0
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        write(engine, crash_after_claims)
    assert count(engine, Article) == 0
    assert count(engine, Claim) == 0
    article_id = import_demo(engine, demo_text)
    assert count(engine, Claim) >= 15
    with pytest.raises(DuplicateError) as caught:
        import_demo(engine, demo_text.replace("\n", "\n\n"))
    assert caught.value.existing_id == article_id
    assert count(engine, Article) == 1


def test_demo_metadata_is_picked_up(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    with Session(engine) as session:
        article = session.get(Article, article_id)
        assert article is not None
        assert article.author == "Tyler Durden"
        assert article.published_at == "2025-09-05T09:20"
        assert article.title.startswith("NATO Troops In Ukraine")


def rate(engine: Engine, claim_id: int, reviewer: str, **fields: object) -> int:
    def work(session: Session) -> int:
        who = get_or_create_reviewer(session, reviewer)
        saved = assessments.save_assessment(session, claim_id, who, AssessmentInput(**fields))
        return saved.id  # type: ignore[return-value]

    return write(engine, work, retry_on_integrity=True)


def test_rating_again_updates_only_that_reviewers_row(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    with Session(engine) as session:
        claim_id = claims.list_claims(session, article_id)[5].id
    chain = [
        ChainHop(name="Vladimir Putin", kind="head_of_state"),
        ChainHop(name="ZeroHedge", kind="aggregator", relation="quoted_by"),
    ]
    first = rate(
        engine, claim_id, "ana", source_reliability="B", information_credibility=2, chain=chain
    )
    rate(engine, claim_id, "ben", source_reliability="D", information_credibility=4)
    again = rate(
        engine, claim_id, "ana", source_reliability="C", information_credibility=3, chain=chain[:1]
    )
    assert again == first
    with Session(engine) as session:
        rows = {a.reviewer_id: a for a in session.exec(select(Assessment))}
        assert len(rows) == 2
        grades = sorted(f"{a.source_reliability}{a.information_credibility}" for a in rows.values())
        assert grades == ["C3", "D4"]
        hops = session.exec(select(ChainHopRow).where(ChainHopRow.assessment_id == first)).all()
        assert [h.name for h in hops] == ["Vladimir Putin"]


def test_translation_follows_the_chain_unless_set(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    with Session(engine) as session:
        claim_id = claims.list_claims(session, article_id)[4].id
    chain = [
        ChainHop(name="Vladimir Putin", kind="head_of_state"),
        ChainHop(name="state media", kind="state_media", relation="translated_by"),
        ChainHop(name="ZeroHedge", kind="aggregator", relation="quoted_by"),
    ]
    assessment_id = rate(engine, claim_id, "ana", chain=chain, attribution_type="direct_quote")
    with Session(engine) as session:
        saved = session.get(Assessment, assessment_id)
        assert saved is not None and saved.translated is True
        assert saved.sourcing_score is not None and 0 <= saved.sourcing_score <= 100


def test_boundary_changes_keep_ratings_and_flag_them(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    with Session(engine) as session:
        listed = claims.list_claims(session, article_id)
    first, second = listed[1], listed[2]
    rate(engine, first.id, "ana", source_reliability="B")
    rate(engine, second.id, "ben", source_reliability="C")
    write(engine, lambda s: claims.merge_claims(s, first.id))
    with Session(engine) as session:
        kept = session.get(Claim, second.id)
        assert kept is not None and kept.dropped  # kept with its rating, not deleted
        flagged = session.exec(select(Assessment)).all()
        assert len(flagged) == 2
        assert all(a.needs_review for a in flagged)
        merged = session.get(Claim, first.id)
        assert merged is not None and merged.text == demo_text[first.start : second.end]


def test_source_names_and_aliases_are_unique(engine: Engine) -> None:
    write(
        engine,
        lambda s: sources.add_source(
            s, "Radio Kaleva Test", "broadcaster", ["Kaleva Broadcasting Company"]
        ),
    )
    with pytest.raises(DuplicateError):
        write(engine, lambda s: sources.add_source(s, "kaleva broadcasting  company"))
    with pytest.raises(InputError):
        write(engine, lambda s: sources.add_source(s, "Somebody", "wizard"))
    with Session(engine) as session:
        found = sources.find_source(session, "KALEVA BROADCASTING COMPANY")
        assert found is not None and found.name == "Radio Kaleva Test"


def test_new_database_has_the_starter_sources(engine: Engine) -> None:
    with Session(engine) as session:
        reuters = sources.find_source(session, "Reuters")
        assert reuters is not None and reuters.kind == "wire_agency"
        assert sources.count_sources(session) >= 100


# ------------------------------------------------------------ claim edits (property)

EDITS = st.lists(
    st.tuples(
        st.sampled_from(["merge", "split", "edit", "add", "drop", "restore"]),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
    ),
    min_size=1,
    max_size=12,
)


def _apply_edit(
    action: str, target: Claim, article_id: int, text: str, a: int, b: int, session: Session
) -> object:
    """One reviewer edit of the property test, by name."""
    if action == "merge":
        return claims.merge_claims(session, target.id)
    if action == "split":
        return claims.split_claim(
            session, target.id, target.start + b % max(1, target.end - target.start)
        )
    if action == "edit":
        return claims.edit_claim(session, target.id, start=a % len(text), end=b % (len(text) + 1))
    if action == "add":
        return claims.add_claim(session, article_id, a % len(text), b % (len(text) + 1))
    if action == "drop":
        return claims.drop_claim(session, target.id)
    return claims.restore_claim(session, target.id)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS)
def test_any_sequence_of_edits_keeps_spans_exact_and_disjoint(
    sqlite_url: str, demo_text: str, edits: list
) -> None:
    engine = make_engine(sqlite_url)
    try:
        with Session(engine) as session:
            existing = session.exec(select(Article)).first()
        article_id = existing.id if existing else import_demo(engine, demo_text)
        for action, a, b in edits:
            with Session(engine) as session:
                every = claims.list_claims(session, article_id, include_dropped=True)
            target = every[a % len(every)]
            # A refused edit must leave everything as it was: checked below.
            with suppress(InputError):
                write(engine, partial(_apply_edit, action, target, article_id, demo_text, a, b))
            with Session(engine) as session:
                active = claims.list_claims(session, article_id)
                for claim in claims.list_claims(session, article_id, include_dropped=True):
                    assert demo_text[claim.start : claim.end] == claim.text
                    assert 0 <= claim.start < claim.end <= len(demo_text)
                for left, right in pairwise(active):
                    assert left.end <= right.start
                assert [c.position for c in active] == list(range(1, len(active) + 1))
    finally:
        engine.dispose()
