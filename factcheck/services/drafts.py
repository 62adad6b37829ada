"""Reviewers' unsaved forms, kept in the database: a draft survives leaving the page, a browser
reload and a server restart, until its reviewer saves or discards it. Drafts are private: every
function here is scoped to one reviewer, and no export reads them."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, delete, select

from factcheck.errors import PermissionDenied
from factcheck.services import access
from factcheck.services.access import ActorLike
from factcheck.services.assessments import save_assessment
from factcheck.services.claims import get_claim
from factcheck.store.models import Assessment, Claim, Draft, Reviewer, utcnow
from schemas.records import AssessmentInput


def _check_owner(session: Session, reviewer_id: int, actor: ActorLike | None) -> None:
    """In team mode only the reviewer themself may read or write their drafts."""
    if access.team_mode(session):
        row = access.load(session, access.resolve(actor))
        if row.id != reviewer_id:
            raise PermissionDenied("drafts are private to their reviewer")


def keep_draft(
    session: Session,
    claim_id: int,
    reviewer_id: int,
    base_version: int,
    data: dict[str, Any],
    *,
    actor: ActorLike | None = None,
) -> None:
    """Insert or replace the reviewer's draft of a claim."""
    _check_owner(session, reviewer_id, actor)
    claim = get_claim(session, claim_id)
    row = session.exec(
        select(Draft).where(Draft.claim_id == claim_id, Draft.reviewer_id == reviewer_id)
    ).first()
    if row is None:
        row = Draft(
            article_id=claim.article_id,
            claim_id=claim_id,
            reviewer_id=reviewer_id,
            base_version=base_version,
            data=data,
        )
    row.base_version, row.data, row.updated_at = base_version, data, utcnow()
    session.add(row)
    session.flush()


def discard_draft(
    session: Session, claim_id: int, reviewer_id: int, *, actor: ActorLike | None = None
) -> None:
    _check_owner(session, reviewer_id, actor)
    session.exec(
        delete(Draft).where(col(Draft.claim_id) == claim_id, col(Draft.reviewer_id) == reviewer_id)
    )


def article_drafts(
    session: Session, article_id: int, reviewer_id: int, *, actor: ActorLike | None = None
) -> list[Draft]:
    """The reviewer's drafts of this article's claims, dropped claims included (their work is
    kept), in text order."""
    _check_owner(session, reviewer_id, actor)
    rows = session.exec(
        select(Draft)
        .join(Claim, col(Claim.id) == Draft.claim_id)
        .where(Draft.article_id == article_id, Draft.reviewer_id == reviewer_id)
        .order_by(col(Claim.start))
    ).all()
    for row in rows:
        session.expunge(row)
    return list(rows)


def save_draft_as_assessment(
    session: Session,
    claim_id: int,
    reviewer: Reviewer,
    data: AssessmentInput,
    expected_version: int,
    *,
    actor: ActorLike | None = None,
) -> Assessment:
    """Save the form as the reviewer's assessment and drop its draft, in one transaction: the
    draft goes only when the assessment is stored (a refused save keeps it)."""
    saved = save_assessment(
        session, claim_id, reviewer, data, expected_version=expected_version, actor=actor
    )
    session.exec(
        delete(Draft).where(col(Draft.claim_id) == claim_id, col(Draft.reviewer_id) == reviewer.id)
    )
    return saved
