"""Several reviewers rating the same article at once, through the services: on PostgreSQL six
threads (four reviewers, two of them twice, racing on the same rows), on SQLite two processes.
Afterwards every rating is there exactly once and agreement covers all of them."""

from __future__ import annotations

import multiprocessing
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from factcheck.domain.agreement import agreement_report
from factcheck.services import access, articles, assessments, claims
from factcheck.services.agreement_data import ratings_from_db
from factcheck.store.engine import make_engine, read_session, write
from factcheck.store.models import Assessment, Reviewer
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop
from tests.conftest import DEMO_TEXT

GRADES = "ABCDE"
WIRES = ["Reuters", "Agence France-Presse", "TASS", "Finnish media", "Associated Press"]


def rating_for(reviewer: str, claim_id: int) -> AssessmentInput:
    """A deterministic rating per (reviewer, claim), so the result can be checked exactly; the
    chains name the same outlets, so source registry inserts race too."""
    pick = random.Random(f"{reviewer}-{claim_id}")
    return AssessmentInput(
        attribution_type=pick.choice(["direct_quote", "indirect", "vague"]),
        source_reliability=pick.choice(GRADES),
        information_credibility=pick.randint(1, 5),
        chain=[
            ChainHop(name=pick.choice(WIRES), kind="wire_agency"),
            ChainHop(name="ZeroHedge", kind="aggregator", relation="republished_by"),
        ],
    )


def rate_everything(url: str, reviewer: str, claim_ids: list[int], seed: int) -> int:
    """One writer: rate every claim (in its own order) as `reviewer`, one transaction each."""
    engine = make_engine(url, migrate=False)
    order = list(claim_ids)
    random.Random(seed).shuffle(order)
    try:
        for claim_id in order:

            def work(session: Session, claim_id: int = claim_id) -> None:
                who = session.exec(select(Reviewer).where(Reviewer.name == reviewer)).one()
                with access.acting_as(who):
                    assessments.save_assessment(
                        session, claim_id, who, rating_for(reviewer, claim_id)
                    )

            write(engine, work, retry_on_integrity=True)
    finally:
        engine.dispose()
    return len(order)


def _process_writer(
    url: str, reviewer: str, claim_ids: list[int], seed: int, start: object
) -> None:
    start.wait()  # type: ignore[attr-defined]
    rate_everything(url, reviewer, claim_ids, seed)


def prepare(url: str, names: list[str]) -> tuple[int, list[int]]:
    engine = make_engine(url)

    def work(session: Session) -> tuple[int, list[int]]:
        people = [Reviewer(name=name, role="annotator") for name in names]
        session.add_all(people)
        session.flush()
        article = articles.import_text(
            session, DEMO_TEXT.read_text(encoding="utf-8"), ArticleMeta(), actor=people[0]
        )
        ids = [c.id for c in claims.list_claims(session, article.id)]  # type: ignore[arg-type]
        return article.id, ids  # type: ignore[return-value]

    try:
        return write(engine, work)
    finally:
        engine.dispose()


def check_everything_present(
    url: str, names: list[str], article_id: int, claim_ids: list[int]
) -> None:
    engine = make_engine(url)
    with read_session(engine) as session:
        rows = session.exec(
            select(Reviewer.name, Assessment).join(Reviewer, Reviewer.id == Assessment.reviewer_id)
        ).all()
        assert len(rows) == len(names) * len(claim_ids)
        seen = {(name, a.claim_id) for name, a in rows}
        assert seen == {(name, c) for name in names for c in claim_ids}  # each exactly once
        for name, a in rows:
            expected = rating_for(name, a.claim_id)
            assert (a.source_reliability, a.information_credibility) == (
                expected.source_reliability,
                expected.information_credibility,
            )
        hops = session.exec(select(func.count()).select_from(assessments.ChainHopRow)).one()
        assert hops == 2 * len(rows)
        report = agreement_report(ratings_from_db(session, article_ids=[article_id]))
    engine.dispose()
    assert report["source_reliability"]["units"] == len(claim_ids)
    assert report["source_reliability"]["reviewers"] == len(names)
    assert report["chains"]["units"] == len(claim_ids)
    assert len(report["pairwise"]) == 3 * len(names) * (len(names) - 1) // 2


def test_six_threads_rate_one_article_on_postgres(
    request: pytest.FixtureRequest, team: None
) -> None:
    url = request.getfixturevalue("pg_database")
    from tests.conftest import _reset_postgres

    _reset_postgres(url)
    names = ["ana", "bob", "carl", "dora"]
    article_id, claim_ids = prepare(url, names)
    writers = [*names, "ana", "carl"]  # two reviewers write from two places at once
    start = threading.Barrier(len(writers))

    def run(index: int) -> int:
        start.wait()
        return rate_everything(url, writers[index], claim_ids, seed=index)

    with ThreadPoolExecutor(max_workers=len(writers)) as pool:
        done = list(pool.map(run, range(len(writers))))
    assert done == [len(claim_ids)] * len(writers)
    check_everything_present(url, names, article_id, claim_ids)


def test_two_processes_rate_one_article_on_sqlite(sqlite_url: str, team: None) -> None:
    names = ["ana", "bob"]
    article_id, claim_ids = prepare(sqlite_url, names)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(names))
    processes = [
        context.Process(target=_process_writer, args=(sqlite_url, name, claim_ids, index, start))
        for index, name in enumerate(names)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    assert [p.exitcode for p in processes] == [0, 0]
    check_everything_present(sqlite_url, names, article_id, claim_ids)
