"""Agreement on dictionary-coded columns: the database loader's fast path (columns straight from
the driver, chains numbered with numpy) gives exactly the figures of the plain `Rating` list it
stands for, on random data from hypothesis, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete
from sqlmodel import Session

from factcheck.domain.agreement import Rating, RatingTable, agreement_report, chain_agreement
from factcheck.services.agreement_data import intern_runs, ratings_from_db
from factcheck.store.engine import make_engine, read_session, write
from factcheck.store.models import Article, Assessment, ChainHopRow, Claim, Reviewer

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REVIEWERS = ("ann", "bob", "cy", "dee", "Eve")
# Spelling variants that must compare equal, names that must not, and separators-looking text.
HOP_NAMES = ("Reuters", "reuters ", "REUTERS", "AFP", "A  F P", "TASS", "Tass", "x > y", "a\x1fb")
TYPES = ("direct_quote", "indirect", "mixed", "vague", "anonymous", "unattributed", "", None)


@st.composite
def ratings(draw: st.DrawFn) -> list[tuple[int, str, bool, Rating]]:
    """(article, reviewer, final, rating) with at most one rating per claim, reviewer and
    finality, as the database allows."""
    cells = draw(
        st.dictionaries(
            st.tuples(st.integers(0, 7), st.sampled_from(REVIEWERS), st.booleans()),
            st.tuples(
                st.sampled_from(TYPES),
                st.sampled_from(("A", "B", "C", "D", "E", "F", "", None)),
                st.sampled_from((1, 2, 3, 4, 5, 6, None)),
                st.lists(st.sampled_from(HOP_NAMES), max_size=5).map(tuple),
            ),
            max_size=40,
        )
    )
    return [
        (claim % 2, reviewer, final, Rating(claim, reviewer, *values, final=final))
        for (claim, reviewer, final), values in cells.items()
    ]


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def store(
    engine: Engine, rows: list[tuple[int, str, bool, Rating]]
) -> tuple[dict[int, int], dict[int, int]]:
    """Replace the project's ratings with `rows`: claim n goes to article n % 2. Returns the
    stored ids of the article numbers and of the claim numbers."""

    def work(session: Session) -> tuple[dict[int, int], dict[int, int]]:
        for table in (ChainHopRow, Assessment, Claim, Article, Reviewer):
            session.execute(delete(table))
        articles = {n: Article(title=f"a{n}", text="x", content_hash=f"h{n}") for n in (0, 1)}
        session.add_all(articles.values())
        session.flush()
        claims = {
            n: Claim(article_id=articles[n % 2].id, position=n, start=0, end=1, text="x")
            for n in range(8)
        }
        reviewers = {name: Reviewer(name=name) for name in REVIEWERS}
        session.add_all([*claims.values(), *reviewers.values()])
        session.flush()
        for _, reviewer, final, rating in rows:
            assessment = Assessment(
                claim_id=claims[int(rating.claim_id)].id,
                reviewer_id=reviewers[reviewer].id,
                is_final=final,
                attribution_type=rating.attribution_type,
                source_reliability=rating.source_reliability,
                information_credibility=rating.information_credibility,
            )
            session.add(assessment)
            session.flush()
            session.add_all(
                ChainHopRow(assessment_id=assessment.id, position=position, name=name)
                for position, name in enumerate(rating.chain)
            )
        return (
            {n: article.id for n, article in articles.items()},  # type: ignore[misc]
            {n: claim.id for n, claim in claims.items()},  # type: ignore[misc]
        )

    return write(engine, work)


def expected(rows: list[tuple[int, str, bool, Rating]], claim_ids: dict[int, int]) -> list[Rating]:
    """The ratings as the database holds them (claim numbers replaced by the stored ids)."""
    return [
        Rating(
            claim_ids[int(r.claim_id)],
            r.reviewer,
            r.attribution_type,
            r.source_reliability,
            r.information_credibility,
            r.chain,
            r.final,
        )
        for _, _, _, r in rows
    ]


def loaded(engine: Engine, **filters: Any) -> RatingTable:
    with read_session(engine) as session:
        return ratings_from_db(session, **filters)


@SETTINGS
@given(rows=ratings())
def test_the_database_fast_path_gives_the_figures_of_the_plain_ratings(
    engine: Engine, rows: list[tuple[int, str, bool, Rating]]
) -> None:
    article_ids, claim_ids = store(engine, rows)
    plain = expected(rows, claim_ids)
    table = loaded(engine)
    assert agreement_report(table) == agreement_report(plain)
    assert agreement_report(table, level="interval") == agreement_report(plain, level="interval")
    assert chain_agreement(table) == chain_agreement(plain)
    # The table holds the same ratings (a blank choice stored as "" comes back as None).
    assert sorted(table, key=repr) == sorted(
        (
            Rating(
                r.claim_id,
                r.reviewer,
                r.attribution_type or None,
                r.source_reliability or None,
                r.information_credibility,
                r.chain,
            )
            for r in plain
            if not r.final
        ),
        key=repr,
    )
    # Filters: the same figures as filtering the plain list.
    by_article = {r.claim_id: article for (article, *_), r in zip(rows, plain, strict=True)}
    first = loaded(engine, article_ids=[article_ids[0]])
    assert agreement_report(first) == agreement_report(
        [r for r in plain if by_article[r.claim_id] == 0]
    )
    pair = loaded(engine, reviewers=["bob", "Eve"])
    assert agreement_report(pair) == agreement_report(
        [r for r in plain if r.reviewer in ("bob", "Eve")]
    )


@settings(max_examples=200, deadline=None)
@given(
    runs=st.lists(
        st.tuples(st.integers(0, 50), st.lists(st.integers(0, 6), min_size=1, max_size=12)),
        unique_by=lambda run: run[0],
        max_size=30,
    )
)
def test_intern_runs_numbers_equal_sequences_alike(runs: list[tuple[int, list[int]]]) -> None:
    runs = sorted(runs)
    groups = np.array([g for g, items in runs for _ in items], dtype=np.int64)
    items = np.array([i for _, run in runs for i in run], dtype=np.int64)
    distinct, codes, sequences = intern_runs(groups, items)
    assert distinct.tolist() == [g for g, _ in runs]
    assert [sequences[c] for c in codes.tolist()] == [tuple(run) for _, run in runs]
    assert len(set(sequences)) == len(sequences)
    # The same grouping as a plain groupby over the pairs.
    pairs = list(zip(groups.tolist(), items.tolist(), strict=True))
    assert [tuple(i for _, i in g) for _, g in groupby(pairs, key=lambda p: p[0])] == [
        sequences[c] for c in codes.tolist()
    ]


def test_a_table_is_the_sequence_of_its_ratings() -> None:
    ratings = [
        Rating(1, "ann", "vague", "B", 2, ("Reuters",)),
        Rating(1, "bob", None, "F", 6),
        Rating("x", "ann", "", None, None, ("AFP", "Reuters")),
        Rating(2, "cy", "mixed", "A", 1, final=True),
    ]
    table = RatingTable.from_ratings(ratings)
    assert len(table) == 3
    assert list(table) == ratings[:3]
    assert table[-1] == ratings[2]
    assert table[1:] == ratings[1:3]
    assert ratings[0] in table
    with pytest.raises(IndexError):
        table[3]
    assert agreement_report(table) == agreement_report(ratings)
    assert agreement_report(RatingTable.from_ratings([])) == agreement_report([])
    with pytest.raises(ValueError, match="A–F"):
        RatingTable.from_ratings([Rating(1, "a", source_reliability=["A"])])  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(
    chains=st.dictionaries(
        st.tuples(st.integers(0, 5), st.sampled_from(REVIEWERS)),
        st.lists(st.sampled_from(HOP_NAMES), max_size=5).map(tuple),
        max_size=30,
    )
)
def test_chain_figures_equal_a_plain_set_computation(
    chains: dict[tuple[int, str], tuple[str, ...]],
) -> None:
    def key(name: str) -> str:
        return " ".join(name.split()).casefold()

    by_claim: dict[int, list[tuple[str, ...]]] = {}
    for (claim, _), chain in sorted(chains.items()):
        if chain:
            by_claim.setdefault(claim, []).append(tuple(map(key, chain)))
    counted = [found for found in by_claim.values() if len(found) >= 2]
    got = chain_agreement([Rating(c, r, chain=chain) for (c, r), chain in chains.items()])
    assert got["units"] == len(counted)
    if not counted:
        assert got["mean_hop_overlap"] is None
        return
    overlaps = []
    for found in counted:
        pairs = [(set(x), set(y)) for i, x in enumerate(found) for y in found[i + 1 :]]
        overlaps.append(sum(len(x & y) / len(x | y) for x, y in pairs) / len(pairs))
    assert got["exact_match_share"] == len([f for f in counted if len(set(f)) == 1]) / len(counted)
    assert got["mean_hop_overlap"] == pytest.approx(sum(overlaps) / len(overlaps), abs=1e-12)


def test_a_repeated_rating_keeps_the_last_one_wherever_it_comes() -> None:
    first, second = Rating(1, "ann", "vague", "A", 1), Rating(1, "ann", "mixed", "E", 5)
    others = [Rating(1, "bob", "mixed", "E", 5), Rating(2, "ann", "vague", "C", 3)]
    others += [Rating(2, "bob", "vague", "C", 2)]
    assert agreement_report([first, *others, second]) == agreement_report([second, *others])
    assert agreement_report([second, *others, first]) == agreement_report([*others, first])
    assert agreement_report([first, *others, second]) != agreement_report([second, *others, first])
