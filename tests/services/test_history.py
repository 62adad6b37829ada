"""Nothing a reviewer does is ever lost, proved on each real engine: boundary edits never
uncover text silently, every change is in the history and undoes exactly, and a save can never
overwrite what its form did not load (stale versions, all-empty forms)."""

from __future__ import annotations

from contextlib import suppress
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from factcheck.domain.coverage import difference, uncovered_text, union
from factcheck.errors import EmptyFormError, InputError, StaleAssessmentError
from factcheck.services import articles, assessments, claims, history
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, read_session, write
from factcheck.store.models import Assessment, Claim, HistoryEntry
from schemas.records import ArticleMeta, AssessmentInput
from tests.conftest import DEMO_TEXT

State = dict[int, tuple[int, int, str, bool, int]]


def import_demo(engine: Engine, text: str) -> int:
    return write(
        engine, lambda s: articles.import_text(s, text, ArticleMeta(outlet="ZeroHedge")).id
    )


def state(engine: Engine, article_id: int) -> State:
    """Every claim of the article, dropped ones included, as undo must restore it."""
    with read_session(engine) as session:
        rows = session.exec(select(Claim).where(Claim.article_id == article_id)).all()
        return {c.id: (c.start, c.end, c.kind, c.dropped, c.position) for c in rows}  # type: ignore[misc]


def flags(engine: Engine) -> dict[int, bool]:
    with read_session(engine) as session:
        return {a.id: a.needs_review for a in session.exec(select(Assessment))}  # type: ignore[misc]


def active(engine: Engine, article_id: int) -> list[Claim]:
    with read_session(engine) as session:
        return claims.list_claims(session, article_id)


def covered(engine: Engine, article_id: int) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in active(engine, article_id)]


def rate(engine: Engine, claim_id: int, reviewer: str, **fields: Any) -> Assessment:
    expected = fields.pop("expected_version", None)

    def work(session: Session) -> Assessment:
        who = get_or_create_reviewer(session, reviewer)
        saved = assessments.save_assessment(
            session, claim_id, who, AssessmentInput(**fields), expected_version=expected
        )
        session.expunge(saved)
        return saved

    return write(engine, work, retry_on_integrity=True)


def stored(engine: Engine, claim_id: int, reviewer: str) -> Assessment | None:
    with read_session(engine) as session:
        who = get_or_create_reviewer(session, reviewer)
        view = assessments.get_assessment(session, claim_id, who)
        return view.assessment if view else None


# ------------------------------------------------------------ the merge-then-kind sequence


def test_merge_then_a_stale_trim_cannot_uncover_text(engine: Engine, demo_text: str) -> None:
    """The reported loss: merge with next, then "apply" the old offsets: refused, nothing lost."""
    article_id = import_demo(engine, demo_text)
    first, second = active(engine, article_id)[5:7]
    merged = write(engine, lambda s: claims.merge_claims(s, first.id).end)
    assert merged == second.end
    before = state(engine, article_id)
    with pytest.raises(InputError, match="would be in no claim") as refused:
        write(
            engine,
            lambda s: claims.edit_claim(
                s, first.id, start=first.start, end=first.end, kind="opinion"
            ),
        )
    assert str(first.id) not in str(refused.value).replace("claim 6", "")  # named by position
    assert "claim 6" in str(refused.value) or "“" in str(refused.value)
    assert state(engine, article_id) == before
    # The kind alone changes fine, and the merged span stays.
    write(engine, lambda s: claims.edit_claim(s, first.id, kind="opinion"))
    after = state(engine, article_id)
    assert after[first.id][:3] == (first.start, second.end, "opinion")


def test_split_then_kind_keeps_every_character(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    target = active(engine, article_id)[3]
    spans = covered(engine, article_id)
    cut = target.start + target.text.index(" ", len(target.text) // 2)
    left, right = write(
        engine, lambda s: tuple(c.id for c in claims.split_claim(s, target.id, cut))
    )
    write(engine, lambda s: claims.edit_claim(s, right, kind="framing"))
    assert uncovered_text(demo_text, spans, covered(engine, article_id)) == []
    assert left == target.id


def test_trim_needs_an_explicit_drop_and_keeps_the_rest(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    target = active(engine, article_id)[2]
    with pytest.raises(InputError, match="would be in no claim"):
        write(engine, lambda s: claims.edit_claim(s, target.id, end=target.end - 10))
    write(engine, lambda s: claims.edit_claim(s, target.id, end=target.end - 10, drop_rest=True))
    with read_session(engine) as session:
        rest = session.exec(
            select(Claim).where(Claim.article_id == article_id, col(Claim.dropped))
        ).all()
    assert [demo_text[c.start : c.end] for c in rest] == [
        demo_text[target.end - 10 : target.end].strip()
    ]


# ------------------------------------------------------------ history and undo


def test_undo_after_merge_split_and_trim_restores_exactly(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    original = state(engine, article_id)
    one, two, three = active(engine, article_id)[1:4]
    rate(engine, two.id, "ana", source_reliability="B")  # kept through the merge, flagged
    rate(engine, three.id, "ana", source_reliability="C")
    original_flags = flags(engine)
    assert not any(original_flags.values())

    write(engine, lambda s: claims.merge_claims(s, one.id))  # two has a rating: kept, dropped
    write(engine, lambda s: claims.merge_claims(s, three.id))  # four has none: deleted
    assert any(flags(engine).values())
    cut = three.start + three.text.index(" ")
    write(engine, lambda s: claims.split_claim(s, three.id, cut))
    write(
        engine,
        lambda s: claims.edit_claim(s, one.id, start=one.start + 3, drop_rest=True),
    )
    with read_session(engine) as session:
        rows = history.article_history(session, article_id)
    assert [r.action for r in rows] == ["save", "save", "merge", "merge", "split", "edit"][::-1]
    assert rows[0].undoable and not rows[1].undoable

    for _ in range(4):
        write(engine, lambda s: history.undo_last(s, article_id))
    assert state(engine, article_id) == original  # same ids, spans, kinds, positions
    assert flags(engine) == original_flags  # needs_review as before
    with pytest.raises(InputError, match="no claim change to undo"):
        write(engine, lambda s: history.undo_last(s, article_id))
    with read_session(engine) as session:
        rows = history.article_history(session, article_id)
    assert [r.action for r in rows[:4]] == ["undo"] * 4
    assert all(r.undone for r in rows if r.action in ("merge", "split", "edit"))


def test_undo_refuses_to_delete_a_claim_rated_since(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    target = active(engine, article_id)[4]
    cut = target.start + target.text.index(" ", 5)
    _, new = write(engine, lambda s: tuple(c.id for c in claims.split_claim(s, target.id, cut)))
    rate(engine, new, "ana", source_reliability="A")
    before = state(engine, article_id)
    with pytest.raises(InputError, match="has been rated"):
        write(engine, lambda s: history.undo_last(s, article_id))
    assert state(engine, article_id) == before


def test_saves_are_recorded_with_before_and_after(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    claim = active(engine, article_id)[0]
    rate(engine, claim.id, "ana", source_reliability="B", information_credibility=2)
    rate(engine, claim.id, "ana", source_reliability="C", information_credibility=2)
    with read_session(engine) as session:
        entries = session.exec(
            select(HistoryEntry).where(HistoryEntry.kind == "assessment").order_by(HistoryEntry.id)
        ).all()
    assert [e.before and e.before.get("source_reliability") for e in entries] == [None, "B"]
    assert [e.after and e.after.get("source_reliability") for e in entries] == ["B", "C"]
    assert all(e.actor == "" or e.actor == "ana" for e in entries)
    assert "claim 1" in entries[-1].summary and "C2" in entries[-1].summary


# ------------------------------------------------------------ versions and empty forms


def test_a_stale_save_is_refused_and_changes_nothing(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    claim = active(engine, article_id)[0]
    first = rate(engine, claim.id, "ana", source_reliability="B", expected_version=0)
    assert first.version == 1
    # Tab 2 loaded version 1 and saves: version 2.
    rate(engine, claim.id, "ana", source_reliability="C", expected_version=1)
    # Tab 1 still holds version 1: refused, with theirs to show.
    with pytest.raises(StaleAssessmentError) as stale:
        rate(engine, claim.id, "ana", source_reliability="E", expected_version=1)
    assert stale.value.version == 2
    assert stale.value.theirs.source_reliability == "C"  # type: ignore[attr-defined]
    kept = stored(engine, claim.id, "ana")
    assert kept is not None and (kept.source_reliability, kept.version) == ("C", 2)
    # "Keep mine": save again naming the version now stored.
    rate(engine, claim.id, "ana", source_reliability="E", expected_version=2)
    kept = stored(engine, claim.id, "ana")
    assert kept is not None and (kept.source_reliability, kept.version) == ("E", 3)


def test_a_form_that_started_empty_cannot_overwrite_a_new_rating(
    engine: Engine, demo_text: str
) -> None:
    article_id = import_demo(engine, demo_text)
    claim = active(engine, article_id)[0]
    rate(engine, claim.id, "ana", source_reliability="A", expected_version=0)
    with pytest.raises(StaleAssessmentError):
        rate(engine, claim.id, "ana", source_reliability="F", expected_version=0)
    kept = stored(engine, claim.id, "ana")
    assert kept is not None and kept.source_reliability == "A"


def test_an_empty_form_never_overwrites_values(engine: Engine, demo_text: str) -> None:
    article_id = import_demo(engine, demo_text)
    claim = active(engine, article_id)[0]
    saved = rate(engine, claim.id, "ana", source_reliability="B", cue="said")
    with pytest.raises(EmptyFormError, match="clear this assessment"):
        rate(engine, claim.id, "ana", expected_version=saved.version)
    kept = stored(engine, claim.id, "ana")
    assert kept is not None and (kept.source_reliability, kept.cue) == ("B", "said")

    def clear(session: Session) -> bool:
        who = get_or_create_reviewer(session, "ana")
        return assessments.clear_assessment(session, claim.id, who, expected_version=1)

    assert write(engine, clear) is True
    assert stored(engine, claim.id, "ana") is None
    with read_session(engine) as session:
        last = history.article_history(session, article_id)[0]
    assert last.action == "clear"


# ------------------------------------------------------------ the invariant (property)

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["merge", "split", "trim", "extend", "add", "drop", "restore", "kind"]),
        st.integers(0, 10_000),
        st.integers(0, 10_000),
        st.booleans(),
    ),
    min_size=1,
    max_size=10,
)


def _operate(
    op: str, a: int, b: int, explicit: bool, article_id: int, text: str, session: Session
) -> bool:
    """One boundary operation; True when it is an explicit drop (allowed to uncover text)."""
    every = claims.list_claims(session, article_id, include_dropped=True)
    live = [c for c in every if not c.dropped]
    target = (live or every)[a % len(live or every)]
    length = max(1, target.end - target.start)
    if op == "merge":
        claims.merge_claims(session, target.id)  # type: ignore[arg-type]
    elif op == "split":
        claims.split_claim(session, target.id, target.start + b % length)  # type: ignore[arg-type]
    elif op == "trim":
        claims.edit_claim(
            session,
            target.id,  # type: ignore[arg-type]
            start=target.start + b % length,
            drop_rest=explicit,
        )
        return explicit
    elif op == "extend":
        claims.edit_claim(session, target.id, end=min(len(text), target.end + b % 200))  # type: ignore[arg-type]
    elif op == "add":
        claims.add_claim(session, article_id, a % len(text), b % (len(text) + 1))
    elif op == "drop":
        claims.drop_claim(session, target.id)  # type: ignore[arg-type]
        return True
    elif op == "restore":
        dropped = [c for c in every if c.dropped]
        if dropped:
            claims.restore_claim(session, dropped[b % len(dropped)].id)  # type: ignore[arg-type]
    else:
        claims.edit_claim(session, target.id, kind=["opinion", "factual", "framing"][b % 3])  # type: ignore[arg-type]
    return False


def _undoable(engine: Engine, article_id: int) -> int:
    with read_session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(HistoryEntry)
            .where(
                HistoryEntry.article_id == article_id,
                HistoryEntry.kind == "claims",
                col(HistoryEntry.undone_at).is_(None),
                col(HistoryEntry.undoes_id).is_(None),
            )
        ).one()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_covered_text_never_shrinks_and_undo_returns_the_original(
    db_url: str, demo_text: str, operations: list[tuple[str, int, int, bool]]
) -> None:
    engine = make_engine(db_url)
    try:
        with read_session(engine) as session:
            existing = session.exec(select(Claim.article_id)).first()
        article_id = existing or import_demo(engine, demo_text)
        original = state(engine, article_id)
        stack = _undoable(engine, article_id)
        for op, a, b, explicit in operations:
            before = covered(engine, article_id)
            dropping: list[bool] = []

            def work(done: list[bool], *args: Any) -> None:
                done.append(_operate(*args))

            with suppress(InputError):
                write(engine, partial(work, dropping, op, a, b, explicit, article_id, demo_text))
            lost = uncovered_text(demo_text, before, covered(engine, article_id))
            if not (dropping and dropping[0]):
                assert lost == [], (op, lost)
            else:  # an explicit drop: what left the claims is kept as a dropped claim
                with read_session(engine) as session:
                    kept = [
                        (c.start, c.end)
                        for c in claims.list_claims(session, article_id, include_dropped=True)
                        if c.dropped
                    ]
                assert difference(lost, kept) == []
        while _undoable(engine, article_id) > stack:
            write(engine, lambda s: history.undo_last(s, article_id))
        assert state(engine, article_id) == original
    finally:
        engine.dispose()


@given(
    spans=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=8),
    other=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=8),
)
def test_difference_is_exactly_what_union_loses(
    spans: list[tuple[int, int]], other: list[tuple[int, int]]
) -> None:
    def points(runs: list[tuple[int, int]]) -> set[int]:
        return {i for s, e in runs for i in range(s, e)}

    lost = difference(spans, other)
    assert points(lost) == points(union(spans)) - points(union(other))
    assert union(lost) == lost  # sorted, disjoint


# ------------------------------------------------------------ the same from the command line


def test_cli_history_undo_and_versioned_rate(db_url: str, demo_text: str) -> None:
    from tests.cli.test_cli import Cli

    run = Cli(db_url)
    article_id = run.json("import", str(DEMO_TEXT), "--outlet", "ZeroHedge")[0]["article_id"]
    claims_before = run.json("claims", str(article_id), "--all")
    second = claims_before[1]
    run.json("claim", "merge", str(second["claim_id"]))
    first = run.json("rate", str(second["claim_id"]), "--reviewer", "ana", "--reliability", "B")
    assert first["version"] == 1
    run.fails(
        "rate", str(second["claim_id"]), "--reviewer", "ana", "--reliability", "C",
        "--if-version", "0", message="changed elsewhere",
    )  # fmt: skip
    again = run.json(
        "rate", str(second["claim_id"]), "--reviewer", "ana", "--reliability", "C",
        "--if-version", "1",
    )  # fmt: skip
    assert again["version"] == 2

    rows = run.json("history", str(article_id))
    assert [r["action"] for r in rows] == ["save", "save", "merge"]
    assert set(rows[0]) == {
        "id", "at", "actor", "kind", "action", "summary", "undone", "undoable",
    }  # fmt: skip
    assert rows[2]["undoable"] and "merged claims 2 and 3" in rows[2]["summary"]
    undone = run.json("undo", str(article_id))
    assert undone["action"] == "merge" and undone["undone"]
    restored = run.json("claims", str(article_id), "--all")
    assert [(c["claim_id"], c["start"], c["end"]) for c in restored] == [
        (c["claim_id"], c["start"], c["end"]) for c in claims_before
    ]
    run.fails("undo", str(article_id), message="no claim change to undo")
    text = run.ok("history", str(article_id)).output
    assert "undo: merged claims 2 and 3" in text and "(undone)" in text

    run.fails(
        "rate", str(second["claim_id"]), "--reviewer", "ana", "--reliability", "",
        message="form is empty",
    )  # fmt: skip
    cleared = run.json("rate", str(second["claim_id"]), "--reviewer", "ana", "--clear")
    assert cleared == {"claim_id": second["claim_id"], "reviewer": "ana", "cleared": True}


# ------------------------------------------------------------ drafts


def test_drafts_are_kept_private_and_go_with_the_save(
    engine: Engine, demo_text: str, team: None
) -> None:
    from factcheck.errors import PermissionDenied
    from factcheck.services import drafts
    from tests.services.test_access import add, import_article

    ana, bob = add(engine, "ana", "annotator"), add(engine, "bob", "annotator")
    article_id, _ = import_article(engine, demo_text, ana)
    claim = active(engine, article_id)[0]
    form = {"origin": "blank", "values": {"notes": "half-typed"}, "baseline": {}}
    write(engine, lambda s: drafts.keep_draft(s, claim.id, ana.id, 0, form, actor=ana))
    write(engine, lambda s: drafts.keep_draft(s, claim.id, ana.id, 0, form, actor=ana))  # upsert
    with read_session(engine) as session:
        (mine,) = drafts.article_drafts(session, article_id, ana.id, actor=ana)
        assert mine.data["values"]["notes"] == "half-typed"
        with pytest.raises(PermissionDenied):
            drafts.article_drafts(session, article_id, ana.id, actor=bob)

    def save(session: Session) -> int:
        who = get_or_create_reviewer(session, "ana")
        data = AssessmentInput(notes="half-typed")
        return drafts.save_draft_as_assessment(session, claim.id, who, data, 0, actor=ana).version

    assert write(engine, save) == 1
    with read_session(engine) as session:
        assert drafts.article_drafts(session, article_id, ana.id, actor=ana) == []
