"""Editing claim boundaries: merge, split, trim/extend, add, drop, restore.

Every edit keeps `article.text[claim.start:claim.end] == claim.text` and active claims never
overlap. Assessments of a claim whose boundaries change are kept and flagged `needs_review`,
never silently lost. Each edit is one call that checks its result and is recorded in the
article's history (`factcheck.services.history.tracked`): text that was inside a claim and would be
inside none afterwards is refused unless the edit is an explicit drop. In team mode, changing claims that other reviewers have rated needs an
adjudicator (`access.check_boundary_change`); the actor is `actor=` or the one acting."""

from __future__ import annotations

from sqlalchemy import false
from sqlmodel import Session, col, select, update

from factcheck.domain.coverage import excerpt, uncovered_text
from factcheck.errors import InputError, NotFoundError
from factcheck.ids import row_id
from factcheck.services import access
from factcheck.services.access import ActorLike
from factcheck.services.checkworthiness import rescore
from factcheck.services.history import position_name, renumber, tracked
from factcheck.store.models import Article, Assessment, Claim, Draft, utcnow
from schemas.vocab import ClaimKind


def get_claim(session: Session, claim_id: int) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFoundError(f"claim {claim_id} does not exist")
    return claim


def list_claims(session: Session, article_id: int, *, include_dropped: bool = False) -> list[Claim]:
    query = select(Claim).where(Claim.article_id == article_id)
    if not include_dropped:
        query = query.where(Claim.dropped == false())
    return list(session.exec(query.order_by(col(Claim.start), col(Claim.id))).all())


def _article_text(session: Session, article_id: int) -> str:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFoundError(f"article {article_id} does not exist")
    return article.text


def _check_span(text: str, start: int, end: int) -> None:
    if not 0 <= start < end <= len(text):
        raise InputError(
            f"offsets {start}–{end} are outside the article (valid: 0–{len(text)}, start < end)"
        )
    if not text[start:end].strip():
        raise InputError(f"offsets {start}–{end} cover only whitespace")


def _check_no_overlap(
    session: Session, article_id: int, start: int, end: int, ignore: set[int]
) -> None:
    for other in list_claims(session, article_id):
        if other.id in ignore:
            continue
        if other.start < end and start < other.end:
            raise InputError(
                f"offsets {start}–{end} overlap {position_name(session, other)} "
                f"({other.start}–{other.end}); trim or drop it first"
            )


def _flag_assessments(session: Session, claim_id: int) -> None:
    session.exec(
        update(Assessment).where(col(Assessment.claim_id) == claim_id).values(needs_review=True)
    )


def _set_span(session: Session, claim: Claim, text: str, start: int, end: int) -> None:
    """New boundaries: the claim's ratings are flagged for review and its text rescored (a
    merged claim takes the score of its new text, a split's parts are scored apart)."""
    if (claim.start, claim.end) != (start, end):
        _flag_assessments(session, row_id(claim))
    old_text = claim.text
    claim.start, claim.end, claim.text = start, end, text[start:end]
    if claim.text != old_text or claim.checkworthiness is None:
        rescore(claim)
    claim.updated_at = utcnow()
    session.add(claim)


def _new_claim(
    session: Session,
    article_id: int,
    text: str,
    start: int,
    end: int,
    *,
    kind: str,
    dropped: bool = False,
) -> Claim:
    """A new claim over `text[start:end]`, scored, added to the session (split, add, and the
    dropped rest of a trim)."""
    claim = Claim(
        article_id=article_id,
        start=start,
        end=end,
        text=text[start:end],
        kind=kind,
        dropped=dropped,
    )
    rescore(claim)
    session.add(claim)
    return claim


def has_assessments(session: Session, claim_id: int) -> bool:
    return (
        session.exec(select(Assessment.id).where(Assessment.claim_id == claim_id)).first()
        is not None
    )


def has_work(session: Session, claim_id: int) -> bool:
    """Ratings or an unsaved draft: work a claim must keep (as a dropped claim) when a merge
    would otherwise delete it."""
    return (
        has_assessments(session, claim_id)
        or session.exec(select(Draft.id).where(Draft.claim_id == claim_id)).first() is not None
    )


def next_claim(session: Session, claim: Claim) -> Claim | None:
    return session.exec(
        select(Claim)
        .where(
            Claim.article_id == claim.article_id, Claim.dropped == false(), Claim.start >= claim.end
        )
        .order_by(col(Claim.start))
    ).first()


def _excerpt(text: str, start: int, end: int) -> str:
    return excerpt(text, (start, end), 50)


def merge_claims(
    session: Session,
    claim_id: int,
    other_id: int | None = None,
    *,
    actor: ActorLike | None = None,
) -> Claim:
    """Merge a claim with the next one (or with `other_id`, which must be adjacent)."""
    first = get_claim(session, claim_id)
    name = position_name(session, first)
    if first.dropped:
        raise InputError(f"{name} is dropped; restore it before merging")
    if other_id is None:
        second = next_claim(session, first)
        if second is None:
            raise InputError(f"{name} is the last claim of its article: nothing to merge with")
    else:
        second = get_claim(session, other_id)
        other = position_name(session, second)
        if second.article_id != first.article_id:
            raise InputError(f"{name} and {other} belong to different articles")
        if second.dropped:
            raise InputError(f"{other} is dropped; restore it before merging")
        if second.id == first.id:
            raise InputError("cannot merge a claim with itself")
        if second.start < first.start:
            first, second = second, first
        between = [
            c
            for c in list_claims(session, first.article_id)
            if c.id not in (first.id, second.id) and first.start < c.start < second.start
        ]
        if between:
            raise InputError(f"{name} and {other} are not adjacent: merge neighbours")
    access.check_boundary_change(session, access.resolve(actor), [first, second], doing="merge")
    text = _article_text(session, first.article_id)
    with tracked(session, first.article_id, "merge", actor=actor) as change:
        change.summary = (
            f"merged claims {first.position} and {second.position} "
            f"(“{_excerpt(text, first.start, first.end)}”)"
        )
        _set_span(session, first, text, first.start, max(first.end, second.end))
        if has_work(session, row_id(second)):
            # Keep the other claim's ratings: it stays as a dropped claim, flagged for re-rating.
            second.dropped = True
            second.updated_at = utcnow()
            _flag_assessments(session, row_id(second))
            session.add(second)
        else:
            session.delete(second)
        renumber(session, first.article_id)
    return first


def split_claim(
    session: Session, claim_id: int, offset: int, *, actor: ActorLike | None = None
) -> tuple[Claim, Claim]:
    """Split a claim at an article offset strictly inside it; each part is trimmed of spaces."""
    claim = get_claim(session, claim_id)
    name = position_name(session, claim)
    access.check_boundary_change(session, access.resolve(actor), [claim], doing="split")
    if claim.dropped:
        raise InputError(f"{name} is dropped; restore it before splitting")
    if not claim.start < offset < claim.end:
        raise InputError(f"split offset {offset} is not inside {name} ({claim.start}–{claim.end})")
    text = _article_text(session, claim.article_id)
    left = _trimmed(text, claim.start, offset)
    right = _trimmed(text, offset, claim.end)
    if left is None or right is None:
        raise InputError(f"splitting {name} at {offset} would leave an empty part")
    with tracked(session, claim.article_id, "split", actor=actor) as change:
        change.summary = f"split {name} before “{_excerpt(text, right[0], right[1])}”"
        _set_span(session, claim, text, *left)
        new = _new_claim(session, claim.article_id, text, *right, kind=claim.kind)
        renumber(session, claim.article_id)
    return claim, new


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def edit_claim(
    session: Session,
    claim_id: int,
    *,
    start: int | None = None,
    end: int | None = None,
    kind: ClaimKind | str | None = None,
    drop_rest: bool = False,
    actor: ActorLike | None = None,
) -> Claim:
    """Trim or extend a claim's boundaries and/or change its kind. Trimming text out of the
    claim is refused unless `drop_rest`: then each trimmed-off piece is kept as a dropped claim
    (restorable), an explicit drop rather than text that silently belongs to no claim."""
    claim = get_claim(session, claim_id)
    name = position_name(session, claim)
    text = _article_text(session, claim.article_id)
    new_start = claim.start if start is None else start
    new_end = claim.end if end is None else end
    _check_span(text, new_start, new_end)
    if (new_start, new_end) != (claim.start, claim.end) or kind is not None:
        access.check_boundary_change(session, access.resolve(actor), [claim], doing="edit")
    if not claim.dropped:
        _check_no_overlap(session, claim.article_id, new_start, new_end, {row_id(claim)})
    old = (claim.start, claim.end)
    action = "edit" if (new_start, new_end) != old else "kind"
    with tracked(session, claim.article_id, action, actor=actor, allow_uncover=drop_rest) as change:
        parts = []
        if (new_start, new_end) != old:
            parts.append(f"{name} {old[0]}–{old[1]} → {new_start}–{new_end}")
        if kind is not None and ClaimKind(kind).value != claim.kind:
            parts.append(f"{name} kind {claim.kind} → {ClaimKind(kind).value}")
        change.summary = "; ".join(parts) or f"{name} unchanged"
        if drop_rest and not claim.dropped:
            for piece in uncovered_text(text, [old], [(new_start, new_end)]):
                _new_claim(session, claim.article_id, text, *piece, kind=claim.kind, dropped=True)
        _set_span(session, claim, text, new_start, new_end)
        if kind is not None:
            claim.kind = ClaimKind(kind).value
        session.add(claim)
        renumber(session, claim.article_id)
    return claim


def add_claim(
    session: Session,
    article_id: int,
    start: int,
    end: int,
    kind: ClaimKind | str = ClaimKind.factual,
    *,
    actor: ActorLike | None = None,
) -> Claim:
    """Add a claim from a span that no active claim covers yet (any signed-in reviewer)."""
    text = _article_text(session, article_id)
    access.require_signed_in(session, access.resolve(actor))
    _check_span(text, start, end)
    _check_no_overlap(session, article_id, start, end, set())
    with tracked(session, article_id, "add", actor=actor) as change:
        change.summary = f"added a claim: “{_excerpt(text, start, end)}”"
        claim = _new_claim(session, article_id, text, start, end, kind=ClaimKind(kind).value)
        renumber(session, article_id)
    return claim


def drop_claim(session: Session, claim_id: int, *, actor: ActorLike | None = None) -> Claim:
    """Mark a claim as not a claim; it and its ratings are kept and can be restored."""
    claim = get_claim(session, claim_id)
    name = position_name(session, claim)
    access.check_boundary_change(session, access.resolve(actor), [claim], doing="drop")
    if claim.dropped:
        raise InputError(f"{name} is already dropped")
    with tracked(session, claim.article_id, "drop", actor=actor, allow_uncover=True) as change:
        change.summary = f"dropped {name} (“{_excerpt(claim.text, 0, len(claim.text))}”)"
        claim.dropped = True
        claim.updated_at = utcnow()
        session.add(claim)
        renumber(session, claim.article_id)
    return claim


def restore_claim(session: Session, claim_id: int, *, actor: ActorLike | None = None) -> Claim:
    claim = get_claim(session, claim_id)
    name = position_name(session, claim)
    access.check_boundary_change(session, access.resolve(actor), [claim], doing="restore")
    if not claim.dropped:
        raise InputError(f"{name} is not dropped")
    _check_no_overlap(session, claim.article_id, claim.start, claim.end, {row_id(claim)})
    with tracked(session, claim.article_id, "restore", actor=actor) as change:
        change.summary = f"restored “{_excerpt(claim.text, 0, len(claim.text))}”"
        claim.dropped = False
        claim.updated_at = utcnow()
        session.add(claim)
        renumber(session, claim.article_id)
    return claim
