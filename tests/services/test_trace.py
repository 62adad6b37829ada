"""The statements index and the trace (factcheck/services/trace.py) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from factcheck.services import articles, assessments, sources, trace
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.models import Claim, StatementPassage, StatementShingle
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop

WIRE = (
    "Minister Halvard Renk said troop movements near the border posed "
    '"a serious threat to regional stability and must end immediately", the agency reported.'
)
PAPER = (
    "Halvard Renk said troop movements near the border posed "
    '"a serious threat to regional stability and must end immediately", according to the '
    "Continental Press Agency."
)
BLOG = 'Renk called it "a serious threat to regional stability" in a short statement.'
REWORDED = (
    "Troop movements near the border pose a serious threat to regional stability and must "
    "end immediately, minister Halvard Renk said."
)
STOCK_1 = "The president said on Tuesday that the economy is growing faster than expected."
STOCK_2 = "The president said on Tuesday that he would veto the new immigration bill."


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


def add(session: Session, body: str, outlet: str, published: str | None = None) -> int:
    article = articles.import_text(
        session, f"{outlet} story\n\n{body}", ArticleMeta(outlet=outlet, published=published)
    )
    session.commit()
    assert article.id is not None
    return article.id


def claim_with(session: Session, article_id: int, words: str) -> int:
    for claim in session.exec(select(Claim).where(Claim.article_id == article_id)).scalars():  # type: ignore[call-overload]
        if words in claim.text:
            return claim.id  # type: ignore[no-any-return]
    raise AssertionError(f"no claim with {words!r}")


def test_exact_partial_and_reworded_found_and_stock_phrases_not(session: Session) -> None:
    wire = add(session, f"{WIRE} {STOCK_1}", "Continental Press Agency", "2025-10-06T09:45")
    paper = add(session, f"{PAPER} {STOCK_2}", "The Harbour Gazette", "2025-10-06T12:00")
    blog = add(session, BLOG, "Morning Ledger Live", "2025-10-06T13:00")
    other = add(session, REWORDED, "Eastport Tribune", "2025-10-06T08:00")
    again = add(session, f"Another paper. {WIRE}", "Velsa Daily", "2025-10-07")
    found = trace.trace(session, claim_with(session, wire, "Renk"))
    matches = {a.article_id: a.match for a in found.appearances}
    assert matches == {
        paper: "partial",
        blog: "partial",
        other: "reworded",
        again: "exact",
    }
    assert [a.article_id for a in found.appearances] == [other, paper, blog, again]
    assert found.earliest is not None and found.earliest.article_id == other
    stock = trace.trace(session, claim_with(session, wire, "economy"))
    assert stock.appearances == []
    listed = trace.list_statements(session)
    assert listed[0].articles == 5


def test_deleting_an_article_removes_its_appearances(session: Session) -> None:
    wire = add(session, WIRE, "Continental Press Agency", "2025-10-06")
    paper = add(session, PAPER, "The Harbour Gazette", "2025-10-07")
    claim = claim_with(session, wire, "Renk")
    assert [a.article_id for a in trace.trace(session, claim).appearances] == [paper]
    articles.delete_article(session, paper)
    session.commit()
    assert trace.trace(session, claim).appearances == []
    left = session.execute(
        select(func.count())
        .select_from(StatementPassage)
        .where(StatementPassage.article_id == paper)
    ).scalar_one()
    shingles = session.execute(
        select(func.count())
        .select_from(StatementShingle)
        .where(StatementShingle.article_id == paper)
    ).scalar_one()
    assert (left, shingles) == (0, 0)


def test_missing_dates_use_import_time_and_say_so(session: Session) -> None:
    dated = add(session, WIRE, "Continental Press Agency", "2025-10-06")
    undated = add(session, PAPER, "The Harbour Gazette", None)
    found = trace.trace(session, claim_with(session, dated, "Renk"))
    (appearance,) = found.appearances
    assert appearance.article_id == undated and appearance.date_used == "imported"
    assert found.earliest is not None and found.earliest.date_used == "published"


def test_claim_edits_need_no_reindexing(session: Session) -> None:
    from factcheck.services import claims as claim_service

    wire = add(session, WIRE, "Continental Press Agency", "2025-10-06")
    paper = add(session, PAPER, "The Harbour Gazette", "2025-10-07")
    claim = session.get(Claim, claim_with(session, paper, "Renk"))
    assert claim is not None
    claim_service.split_claim(session, claim.id, claim.start + claim.text.index(" according"))
    session.commit()
    found = trace.trace(session, claim_with(session, wire, "Renk"))
    (appearance,) = found.appearances
    assert appearance.claim_id == claim.id and "Renk" in appearance.text


def rate_chain(session: Session, claim_id: int, chain: list[str]) -> None:
    reviewer = get_or_create_reviewer(session, "ana")
    hops = [
        ChainHop(name=name, relation=None if i == 0 else "reported_by")
        for i, name in enumerate(chain)
    ]
    assessments.save_assessment(
        session, claim_id, reviewer, AssessmentInput(attribution_type="direct_quote", chain=hops)
    )
    session.commit()


def test_chains_link_articles_through_the_registry(session: Session) -> None:
    source = sources.add_source(session, "Continental Press Agency", kind="wire_agency")
    sources.add_alias(session, source, "CPA")
    source.prior_reliability = "B"
    gazette = sources.add_source(session, "The Harbour Gazette", kind="newspaper")
    gazette.prior_reliability = "D"
    session.commit()
    wire = add(session, WIRE, "Continental Press Agency", "2025-10-06")
    paper = add(session, PAPER, "The Harbour Gazette", "2025-10-07")
    aggregator = add(session, f"Shock! {PAPER}", "ClickDaily", "2025-10-08")
    independent = add(session, REWORDED, "Eastport Tribune", "2025-10-09")
    rate_chain(
        session, claim_with(session, wire, "Renk"), ["Halvard Renk", "Continental Press Agency"]
    )
    rate_chain(
        session, claim_with(session, paper, "Renk"), ["Halvard Renk", "CPA", "The Harbour Gazette"]
    )
    rate_chain(
        session,
        claim_with(session, aggregator, "Renk"),
        ["Halvard Renk", "CPA", "Harbour Gazette", "ClickDaily"],
    )
    rate_chain(
        session, claim_with(session, independent, "Renk"), ["Halvard Renk", "Eastport Tribune"]
    )
    found = trace.trace(session, claim_with(session, aggregator, "Renk"))
    assert found.origin == "Halvard Renk"
    assert [(h.name, h.article_id) for h in found.shortest_chain] == [
        ("Halvard Renk", None),
        ("Continental Press Agency", wire),
        ("The Harbour Gazette", paper),
        ("ClickDaily", aggregator),
    ]
    assert found.weakest_hop is not None and found.weakest_hop.name == "The Harbour Gazette"
    assert found.independent_chains["count"] == 2
    assert found.independent_chains["credibility"] == "1-2"


def test_the_known_chain_follows_each_outlets_own_article(session: Session) -> None:
    """An aggregator's "Renk > Gazette > ClickDaily" is continued by the Gazette's own chain
    (through the agency, which got it from the broadcaster), not taken at its word; chains
    linked that way are not independent, and the graph draws each article's nearest citation."""
    nrb = add(session, WIRE, "Nordmark Broadcasting", "2025-10-06T07:00")
    cpa = add(session, f"Velsa. {WIRE}", "Continental Press Agency", "2025-10-06T09:00")
    gazette = add(session, PAPER, "The Harbour Gazette", "2025-10-06T12:00")
    aggregator = add(session, f"Shock! {PAPER}", "ClickDaily", "2025-10-06T18:00")
    tribune = add(session, REWORDED, "Eastport Tribune", "2025-10-07")
    for article, chain in (
        (nrb, ["Halvard Renk", "Nordmark Broadcasting"]),
        (cpa, ["Halvard Renk", "Nordmark Broadcasting", "Continental Press Agency"]),
        (gazette, ["Halvard Renk", "Continental Press Agency", "The Harbour Gazette"]),
        (aggregator, ["Halvard Renk", "Harbour Gazette", "ClickDaily"]),
        (tribune, ["Halvard Renk", "Eastport Tribune"]),
    ):
        rate_chain(session, claim_with(session, article, "Renk"), chain)
    found = trace.trace(session, claim_with(session, aggregator, "Renk"))
    assert [(h.name, h.article_id) for h in found.shortest_chain] == [
        ("Halvard Renk", None),
        ("Nordmark Broadcasting", nrb),
        ("Continental Press Agency", cpa),
        ("The Harbour Gazette", gazette),
        ("ClickDaily", aggregator),
    ]
    assert found.independent_chains["article_ids"] == [nrb, tribune]
    assert found.links == sorted([(nrb, cpa), (cpa, gazette), (gazette, aggregator)])
    assert found.statement_id is not None
    statement = trace.statement_trace(session, found.statement_id)
    assert statement.towards is not None and statement.towards.article_id == aggregator
    assert [h.name for h in statement.shortest_chain][-1] == "ClickDaily"
    towards = trace.statement_trace(session, found.statement_id, towards=tribune)
    assert [h.name for h in towards.shortest_chain] == ["Halvard Renk", "Eastport Tribune"]


def test_a_statement_repeated_everywhere_is_still_found(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every shingle of a statement quoted in more passages than COMMON_SHINGLE is a stock
    shingle; its rarest ones are looked up anyway."""
    monkeypatch.setattr(trace, "COMMON_SHINGLE", 1)
    first = add(session, WIRE, "Continental Press Agency", "2025-10-06")
    others = [add(session, f"Copy {i}. {WIRE}", f"Outlet {i}", "2025-10-07") for i in range(3)]
    found = trace.trace(session, claim_with(session, first, "Renk"))
    assert sorted(a.article_id for a in found.appearances) == others


def test_known_appearances_are_the_traces_articles(session: Session) -> None:
    wire = add(session, WIRE, "Continental Press Agency", "2025-10-06")
    paper = add(session, PAPER, "The Harbour Gazette", "2025-10-05")
    add(session, STOCK_1, "Velsa Daily", "2025-10-04")
    claim = claim_with(session, wire, "Renk")
    (listed,) = trace.known_appearances(session, [claim]).values()
    assert [(a.article_id, a.own) for a in listed] == [(paper, False), (wire, True)]
    assert {a.article_id for a in trace.trace(session, claim).appearances} == {paper}


def test_reindex_rebuilds_the_same_statements(session: Session) -> None:
    add(session, WIRE, "Continental Press Agency", "2025-10-06")
    add(session, PAPER, "The Harbour Gazette", "2025-10-07")
    before = [(r.articles, r.text) for r in trace.list_statements(session)]
    assert trace.rebuild_index(session) == (2, 4)
    session.commit()
    assert [(r.articles, r.text) for r in trace.list_statements(session)] == before


SENTENCES = st.sampled_from([WIRE, PAPER, BLOG, REWORDED, STOCK_1, STOCK_2])


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(SENTENCES, min_size=2, max_size=4))
def test_trace_is_symmetric(sqlite_url: str, bodies: list[str]) -> None:
    from factcheck.store.engine import make_engine

    engine = make_engine(sqlite_url)
    with Session(engine) as session:
        from factcheck.store.models import Article

        for article in session.exec(select(Article)).scalars():  # type: ignore[call-overload]
            session.delete(article)  # the index goes with it (ON DELETE CASCADE)
        session.commit()
        ids = [
            articles.import_text(session, f"Story {i}\n\n{body}", ArticleMeta(outlet=f"O{i}")).id
            for i, body in enumerate(bodies)
        ]
        session.commit()
        claim_ids = session.execute(select(Claim.id, Claim.article_id)).all()
        traced = {
            cid: {a.claim_id for a in trace.trace(session, cid).appearances} for cid, _ in claim_ids
        }
        for cid, others in traced.items():
            for other in others:
                assert other is not None and cid in traced[other], (cid, other)
        assert ids
    engine.dispose()
