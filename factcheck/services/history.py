"""The history of an article: every change of its claims' boundaries or kinds and every saved
assessment, with who, when, and the state before and after.

Boundary changes go through `tracked`, which snapshots the article's claims around the change,
refuses any change that leaves article text outside every claim (unless it is an explicit
drop), and records what changed. `undo_last` puts the most recent boundary change back exactly:
the same spans, the same claim ids (a claim a merge deleted comes back under its id), and the
`needs_review` flags its ratings had before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, select, update

from factcheck.domain.coverage import excerpt, uncovered_text
from factcheck.errors import InputError, NotFoundError, UncoveredTextError
from factcheck.ids import id_col, row_id
from factcheck.services import access
from factcheck.services.access import ActorLike
from factcheck.services.checkworthiness import rescore
from factcheck.store.models import Article, Assessment, Claim, Draft, HistoryEntry, utcnow

CLAIMS = "claims"
ASSESSMENT = "assessment"

# A claim's state as history keeps it: [start, end, kind, dropped, position]. The text is the
# article's text between the offsets, so it is not stored again.
ClaimState = list[Any]


def _claim_states(session: Session, article_id: int) -> dict[int, ClaimState]:
    rows = session.exec(
        select(Claim.id, Claim.start, Claim.end, Claim.kind, Claim.dropped, Claim.position).where(  # type: ignore[call-overload]  # sqlmodel's select() overloads stop at 4 columns
            Claim.article_id == article_id
        )
    ).all()
    return {row[0]: [row[1], row[2], row[3], bool(row[4]), row[5]] for row in rows}


def _flags(session: Session, claim_ids: list[int]) -> dict[int, bool]:
    """needs_review of the assessments of these claims, by assessment id."""
    if not claim_ids:
        return {}
    rows = session.exec(
        select(id_col(Assessment.id), Assessment.needs_review).where(
            col(Assessment.claim_id).in_(claim_ids)
        )
    ).all()
    return {row[0]: bool(row[1]) for row in rows}


def _covered(states: dict[int, ClaimState]) -> list[tuple[int, int]]:
    return [(s[0], s[1]) for s in states.values() if not s[3]]


def _actor_fields(actor: access.Actor | None) -> dict[str, Any]:
    if actor is None:
        return {"reviewer_id": None, "actor": ""}
    return {"reviewer_id": actor.id, "actor": actor.name}


@dataclass
class Change:
    """What a boundary operation tells the history about itself while it runs."""

    summary: str = ""
    allow_uncover: bool = False
    entry: HistoryEntry | None = field(default=None, repr=False)


def position_name(session: Session, claim: Claim) -> str:
    """How messages name a claim: by its place on the page ("claim 6"), never its database id;
    a dropped claim (no place) by its first words."""
    if claim.dropped or not claim.position:
        text = session.get(Article, claim.article_id)
        quoted = excerpt(text.text, (claim.start, claim.end), 30) if text else ""
        return f"the dropped claim “{quoted}”"
    return f"claim {claim.position}"


@contextmanager
def tracked(
    session: Session,
    article_id: int,
    action: str,
    *,
    actor: ActorLike | None = None,
    allow_uncover: bool = False,
) -> Iterator[Change]:
    """Run a boundary operation and record it. The operation's writes are flushed, compared with
    the claims before, refused (InputError, so the caller's transaction rolls back) if they
    leave text that was in a claim in none, and written to the history with both states."""
    before = _claim_states(session, article_id)
    change = Change(allow_uncover=allow_uncover)
    flags_before = _flags(session, list(before))
    yield change
    session.flush()
    after = _claim_states(session, article_id)
    if not change.allow_uncover:
        text = _article_text(session, article_id)
        lost = uncovered_text(text, _covered(before), _covered(after))
        if lost:
            first = lost[0]
            more = f" and {len(lost) - 1} more piece(s)" if len(lost) > 1 else ""
            raise UncoveredTextError(
                f"{action} refused: “{excerpt(text, first)}”{more} would be in no claim; "
                "split it off or drop it explicitly instead",
                excerpt(text, first) + more,
            )
    flags_after = _flags(session, list(after))
    changed = sorted(
        set(before) ^ set(after) | {i for i in before if i in after and before[i] != after[i]}
    )
    flag_changes = sorted(i for i in flags_after if flags_before.get(i) != flags_after[i])
    if not changed and not flag_changes:
        return
    entry = HistoryEntry(
        article_id=article_id,
        kind=CLAIMS,
        action=action,
        summary=change.summary or action,
        before={
            "claims": {str(i): before.get(i) for i in changed},
            "flags": {str(i): flags_before.get(i) for i in flag_changes},
        },
        after={
            "claims": {str(i): after.get(i) for i in changed},
            "flags": {str(i): flags_after.get(i) for i in flag_changes},
        },
        **_actor_fields(access.resolve(actor)),
    )
    session.add(entry)
    session.flush()
    change.entry = entry


def _article_text(session: Session, article_id: int) -> str:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFoundError(f"article {article_id} does not exist")
    return article.text


def record_assessment(
    session: Session,
    article_id: int,
    action: str,
    summary: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    actor: ActorLike | None = None,
) -> None:
    """A saved (or cleared) assessment, with its content before and after."""
    session.add(
        HistoryEntry(
            article_id=article_id,
            kind=ASSESSMENT,
            action=action,
            summary=summary,
            before=before,
            after=after,
            **_actor_fields(access.resolve(actor)),
        )
    )


@dataclass(frozen=True)
class HistoryRow:
    """One line of an article's history as the page and `factcheck history --json` show it."""

    id: int
    at: datetime
    actor: str
    kind: str
    action: str
    summary: str
    undone: bool
    undoable: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "kind": self.kind,
            "action": self.action,
            "summary": self.summary,
            "undone": self.undone,
            "undoable": self.undoable,
        }


def _last_undoable(session: Session, article_id: int) -> HistoryEntry | None:
    return session.exec(
        select(HistoryEntry)
        .where(
            HistoryEntry.article_id == article_id,
            HistoryEntry.kind == CLAIMS,
            col(HistoryEntry.undone_at).is_(None),
            col(HistoryEntry.undoes_id).is_(None),
        )
        .order_by(col(HistoryEntry.id).desc())
    ).first()


def article_history(session: Session, article_id: int, limit: int = 50) -> list[HistoryRow]:
    """The article's latest changes, newest first."""
    if session.get(Article, article_id) is None:
        raise NotFoundError(f"article {article_id} does not exist")
    # Assessment entries are private in team mode until the article is released.
    entries = session.exec(
        select(HistoryEntry)
        .where(HistoryEntry.article_id == article_id)
        .order_by(col(HistoryEntry.id).desc())
        .limit(limit)
    ).all()
    undoable = _last_undoable(session, article_id)
    blind = access.blind_reviewer_id(session)
    visible = [e for e in entries if blind is None or e.kind == CLAIMS or e.reviewer_id == blind]
    return [_row(e, undoable=undoable is not None and e.id == undoable.id) for e in visible]


def _row(entry: HistoryEntry, *, undoable: bool) -> HistoryRow:
    return HistoryRow(
        id=row_id(entry),
        at=entry.created_at,
        actor=entry.actor or "(local)",
        kind=entry.kind,
        action=entry.action,
        summary=entry.summary,
        undone=entry.undone_at is not None,
        undoable=undoable,
    )


def undo_last(session: Session, article_id: int, *, actor: ActorLike | None = None) -> HistoryRow:
    """Undo the article's most recent boundary change that is not undone yet. Refused, changing
    nothing, when a claim the change created has been rated or drafted since (undo would have to
    delete that work) or when the claims no longer look as the change left them."""
    if session.get(Article, article_id) is None:
        raise NotFoundError(f"article {article_id} does not exist")
    entry = _last_undoable(session, article_id)
    if entry is None:
        raise InputError(f"article {article_id} has no claim change to undo")
    before: dict[str, ClaimState | None] = (entry.before or {}).get("claims", {})
    after: dict[str, ClaimState | None] = (entry.after or {}).get("claims", {})
    ids = sorted(int(i) for i in set(before) | set(after))
    current = _claim_states(session, article_id)
    claims = [session.get(Claim, i) for i in ids]
    access.check_boundary_change(
        session, access.resolve(actor), [c for c in claims if c is not None], doing="undo"
    )
    for claim_id in ids:
        expected = after.get(str(claim_id))
        if current.get(claim_id) != expected and not (
            expected is not None
            and claim_id in current
            and current[claim_id][:4] == expected[:4]  # positions move with other edits
        ):
            raise InputError(
                f"cannot undo “{entry.summary}”: its claims were changed since; "
                "undo needs them as that change left them"
            )
    created = [i for i in ids if before.get(str(i)) is None]
    if created:
        worked = (
            session.exec(
                select(Assessment.claim_id).where(col(Assessment.claim_id).in_(created))
            ).first()
            or session.exec(select(Draft.claim_id).where(col(Draft.claim_id).in_(created))).first()
        )
        if worked is not None:
            claim = session.get(Claim, worked)
            name = position_name(session, claim) if claim else "a claim"
            raise InputError(
                f"cannot undo “{entry.summary}”: {name}, which it created, has been rated or "
                "has a draft since; drop that claim instead"
            )
    text = _article_text(session, article_id)
    with tracked(session, article_id, "undo", actor=actor, allow_uncover=True) as change:
        change.summary = f"undo: {entry.summary}"
        for claim_id in created:
            session.exec(delete(Claim).where(col(Claim.id) == claim_id))
        for claim_id in ids:
            state = before.get(str(claim_id))
            if state is None:
                continue
            start, end, kind, dropped, position = state
            claim = session.get(Claim, claim_id)
            if claim is None:
                claim = Claim(id=claim_id, article_id=article_id, start=start, end=end, text="")
            old_text = claim.text
            claim.start, claim.end, claim.text = start, end, text[start:end]
            if claim.text != old_text or claim.checkworthiness is None:
                rescore(claim)  # a function of the text: the score it had before the change
            claim.kind, claim.dropped, claim.position = kind, dropped, position
            claim.updated_at = utcnow()
            session.add(claim)
        session.flush()
        for assessment_id, flag in (entry.before or {}).get("flags", {}).items():
            if flag is not None:
                session.exec(
                    update(Assessment)
                    .where(col(Assessment.id) == int(assessment_id))
                    .values(needs_review=flag)
                )
        renumber(session, article_id)
    entry.undone_at = utcnow()
    session.add(entry)
    if change.entry is not None:
        change.entry.undoes_id = entry.id
        session.add(change.entry)
    session.flush()
    return _row(entry, undoable=False)


def renumber(session: Session, article_id: int) -> None:
    """Active claims are numbered 1..n in text order; dropped claims get 0."""
    session.flush()
    claims = session.exec(
        select(Claim)
        .where(Claim.article_id == article_id)
        .order_by(col(Claim.start), col(Claim.id))
    ).all()
    index = 0
    for claim in claims:
        position = 0 if claim.dropped else index + 1
        if not claim.dropped:
            index += 1
        if claim.position != position:
            claim.position = position
            session.add(claim)
    session.flush()
