"""The claim-boundary service (factcheck/services/claims.py) on each engine, for what the property tests
of test_storage.py and test_history.py do not pin down: which claims `merge` with `other_id`
accepts, split offsets outside the claim, restoring a claim that would overlap another, and
positions renumbered 1..n after every kind of edit (and used in messages). A refused edit
changes nothing, history included."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from factcheck.errors import InputError, NotFoundError
from factcheck.services import articles, claims
from factcheck.store.engine import read_session, write
from factcheck.store.models import Claim, HistoryEntry
from schemas.records import ArticleMeta

TEXT = (
    "Officials in Helsinki said the border would stay open through the winter.\n\n"
    "Reuters reported that the ministry had confirmed the plan on Monday.\n\n"
    "The Guardian said critics were not convinced by the promise at all.\n\n"
    "A spokesman told reporters the decision was final and would not change.\n\n"
    "Analysts expect further talks between the two governments next month.\n"
)
OTHER_TEXT = "A second article about something else entirely, said an editor."


@dataclass(frozen=True)
class Row:
    id: int
    start: int
    end: int
    text: str
    dropped: bool
    position: int


def import_article(engine: Engine, text: str = TEXT) -> tuple[int, list[int]]:
    def work(session: Session) -> tuple[int, list[int]]:
        article = articles.import_text(session, text, ArticleMeta(outlet="Daily"))
        ids = [c.id for c in claims.list_claims(session, article.id)]  # type: ignore[arg-type]
        return article.id, ids  # type: ignore[return-value]

    return write(engine, work)


def rows(engine: Engine, article_id: int) -> list[Row]:
    """Every claim of the article (dropped ones too) in text order."""
    with read_session(engine) as session:
        return [
            Row(c.id, c.start, c.end, c.text, c.dropped, c.position)  # type: ignore[arg-type]
            for c in claims.list_claims(session, article_id, include_dropped=True)
        ]


def history_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.exec(select(func.count()).select_from(HistoryEntry)).one()


def snapshot(engine: Engine, article_id: int) -> tuple[list[Row], int]:
    return rows(engine, article_id), history_count(engine)


def by_id(engine: Engine, article_id: int) -> dict[int, Row]:
    return {r.id: r for r in rows(engine, article_id)}


def assert_consistent(engine: Engine, article_id: int, text: str = TEXT) -> None:
    """Spans exact, active claims disjoint and numbered 1..n in text order, dropped ones 0."""
    every = rows(engine, article_id)
    for row in every:
        assert text[row.start : row.end] == row.text
    active = [r for r in every if not r.dropped]
    assert [r.position for r in active] == list(range(1, len(active) + 1))
    assert all(r.position == 0 for r in every if r.dropped)
    for left, right in pairwise(active):
        assert left.end <= right.start


@pytest.fixture
def article(engine: Engine) -> tuple[int, list[int]]:
    article_id, ids = import_article(engine)
    assert len(ids) == 5, "the fixture text should split into one claim per paragraph"
    return article_id, ids


def refused(engine: Engine, article_id: int, edit: object, match: str) -> str:
    """Run `edit` (a function of a session), expect an InputError matching `match`, and check
    that nothing changed; returns the message."""
    before = snapshot(engine, article_id)
    with pytest.raises(InputError, match=match) as caught:
        write(engine, edit)  # type: ignore[arg-type]
    assert snapshot(engine, article_id) == before
    return str(caught.value)


# ---------------------------------------------------------------- merge with other_id


def test_merge_with_other_id_accepts_the_neighbour_on_either_side(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    before = by_id(engine, article_id)
    # named the other way round: the earlier claim survives and spans both
    kept = write(engine, lambda s: claims.merge_claims(s, ids[2], ids[1]).id)
    assert kept == ids[1]
    after = by_id(engine, article_id)
    assert ids[2] not in after  # nothing rated it: it is gone, not dropped
    assert (after[kept].start, after[kept].end) == (before[ids[1]].start, before[ids[2]].end)
    assert after[kept].position == 2
    assert_consistent(engine, article_id)
    # with the following claim named: the same as merging with the next one
    kept = write(engine, lambda s: claims.merge_claims(s, ids[3], ids[4]).id)
    assert kept == ids[3]
    assert by_id(engine, article_id)[kept].end == before[ids[4]].end
    assert [r.id for r in rows(engine, article_id)] == [ids[0], ids[1], ids[3]]
    assert_consistent(engine, article_id)


@pytest.mark.parametrize(("one", "other"), [(0, 2), (2, 0), (0, 4), (4, 1)])
def test_merge_refuses_claims_that_are_not_adjacent(
    engine: Engine, article: tuple[int, list[int]], one: int, other: int
) -> None:
    article_id, ids = article
    message = refused(
        engine,
        article_id,
        lambda s: claims.merge_claims(s, ids[one], ids[other]),
        "not adjacent",
    )
    assert f"claim {one + 1}" in message and f"claim {other + 1}" in message


def test_merge_refuses_itself_another_article_a_dropped_claim_and_the_last_claim(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    _, other_ids = import_article(engine, OTHER_TEXT)
    refused(engine, article_id, lambda s: claims.merge_claims(s, ids[1], ids[1]), "itself")
    refused(
        engine,
        article_id,
        lambda s: claims.merge_claims(s, ids[0], other_ids[0]),
        "different articles",
    )
    refused(engine, article_id, lambda s: claims.merge_claims(s, ids[4]), "last claim")
    write(engine, lambda s: claims.drop_claim(s, ids[1]))
    refused(engine, article_id, lambda s: claims.merge_claims(s, ids[0], ids[1]), "dropped")
    refused(engine, article_id, lambda s: claims.merge_claims(s, ids[1], ids[0]), "dropped")
    with pytest.raises(NotFoundError, match="claim 999999 does not exist"):
        write(engine, lambda s: claims.merge_claims(s, ids[0], 999_999))


def test_a_dropped_claim_between_does_not_make_neighbours_non_adjacent(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    """Adjacency is among active claims: with claim 2 dropped, claims 1 and 3 are neighbours
    (as `merge` without other_id takes them), and the dropped claim stays dropped."""
    article_id, ids = article
    write(engine, lambda s: claims.drop_claim(s, ids[1]))
    write(engine, lambda s: claims.merge_claims(s, ids[0], ids[2]))
    after = by_id(engine, article_id)
    assert after[ids[1]].dropped and ids[2] not in after
    assert [r.position for r in rows(engine, article_id) if not r.dropped] == [1, 2, 3]
    assert_consistent(engine, article_id)


# ---------------------------------------------------------------- split


def test_split_offsets_outside_the_claim_are_refused(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    target = by_id(engine, article_id)[ids[2]]
    outside = [target.start, target.end, target.start - 1, target.end + 1, 0, len(TEXT) + 5, -1]
    for offset in outside:
        message = refused(
            engine,
            article_id,
            lambda s, offset=offset: claims.split_claim(s, ids[2], offset),
            "is not inside",
        )
        assert f"{offset} is not inside claim 3 ({target.start}–{target.end})" in message


def test_split_of_a_dropped_claim_is_refused(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    write(engine, lambda s: claims.drop_claim(s, ids[2]))
    target = by_id(engine, article_id)[ids[2]]
    refused(
        engine,
        article_id,
        lambda s: claims.split_claim(s, ids[2], target.start + 5),
        "restore it before splitting",
    )


def test_split_keeps_the_left_part_and_numbers_the_right_part_next(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    target = by_id(engine, article_id)[ids[1]]
    cut = target.start + target.text.index(" that ") + 1  # just after a space: trimmed
    left, right = write(engine, lambda s: tuple(c.id for c in claims.split_claim(s, ids[1], cut)))
    after = by_id(engine, article_id)
    assert left == ids[1]
    assert (after[left].start, after[left].end) == (target.start, cut - 1)
    assert (after[right].start, after[right].end) == (cut, target.end)
    assert [r.id for r in rows(engine, article_id)] == [ids[0], left, right, *ids[2:]]
    assert_consistent(engine, article_id)


# ---------------------------------------------------------------- restore


def test_restoring_a_claim_that_would_overlap_an_active_one_is_refused(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    write(engine, lambda s: claims.drop_claim(s, ids[1]))
    dropped = by_id(engine, article_id)[ids[1]]
    # claim 1 now reaches into the dropped claim's text (allowed: it is not a claim)
    write(engine, lambda s: claims.edit_claim(s, ids[0], end=dropped.start + 7))
    message = refused(
        engine, article_id, lambda s: claims.restore_claim(s, ids[1]), "overlap claim 1"
    )
    assert "trim or drop it first" in message
    # once claim 1 is trimmed back, the restore goes through
    write(engine, lambda s: claims.edit_claim(s, ids[0], end=dropped.start - 2, drop_rest=True))
    write(engine, lambda s: claims.restore_claim(s, ids[1]))
    assert not by_id(engine, article_id)[ids[1]].dropped
    assert_consistent(engine, article_id)


def test_restoring_a_claim_that_is_not_dropped_is_refused(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article
    refused(engine, article_id, lambda s: claims.restore_claim(s, ids[3]), "is not dropped")


# ---------------------------------------------------------------- positions


def test_positions_are_renumbered_after_every_kind_of_edit(
    engine: Engine, article: tuple[int, list[int]]
) -> None:
    article_id, ids = article

    def positions() -> dict[int, int]:
        return {r.id: r.position for r in rows(engine, article_id)}

    assert positions() == {claim_id: n + 1 for n, claim_id in enumerate(ids)}
    target = by_id(engine, article_id)[ids[0]]
    cut = target.start + target.text.index(" said ") + 1
    _, new = write(engine, lambda s: tuple(c.id for c in claims.split_claim(s, ids[0], cut)))
    assert positions() == {ids[0]: 1, new: 2, ids[1]: 3, ids[2]: 4, ids[3]: 5, ids[4]: 6}
    # messages follow: what was claim 4 is now named claim 5
    message = refused(
        engine,
        article_id,
        lambda s: claims.split_claim(s, ids[3], by_id(engine, article_id)[ids[3]].start),
        "is not inside",
    )
    assert "claim 5" in message
    write(engine, lambda s: claims.drop_claim(s, ids[1]))
    assert positions() == {ids[0]: 1, new: 2, ids[1]: 0, ids[2]: 3, ids[3]: 4, ids[4]: 5}
    # a claim added inside the dropped claim's text takes its place in the numbering
    dropped = by_id(engine, article_id)[ids[1]]
    added = write(
        engine,
        lambda s: claims.add_claim(s, article_id, dropped.start, dropped.start + 7).id,
    )
    assert positions()[added] == 3 and positions()[ids[2]] == 4
    write(engine, lambda s: claims.merge_claims(s, ids[0]))  # with `new`, its right part
    assert positions() == {ids[0]: 1, added: 2, ids[1]: 0, ids[2]: 3, ids[3]: 4, ids[4]: 5}
    write(engine, lambda s: claims.drop_claim(s, added))
    write(engine, lambda s: claims.restore_claim(s, ids[1]))
    assert positions() == {ids[0]: 1, ids[1]: 2, added: 0, ids[2]: 3, ids[3]: 4, ids[4]: 5}
    assert_consistent(engine, article_id)
    with read_session(engine) as session:
        stored = session.exec(select(Claim).where(Claim.id == ids[1])).one()
        assert stored.position == 2
