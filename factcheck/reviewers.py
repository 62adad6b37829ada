"""Reviewers: in local mode a name is all it takes; team mode adds passwords and roles."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from factcheck.errors import InputError, NotFoundError
from factcheck.models import Reviewer
from schemas.vocab import Role

NAME_PATTERN = re.compile(r"^[\w][\w .@'-]{0,99}$")


def clean_reviewer_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name or "").strip()
    if not name:
        raise InputError("a reviewer name is required (use --reviewer NAME)")
    if not NAME_PATTERN.match(name):
        raise InputError(
            f"reviewer name {name!r} is not allowed: use letters, digits, spaces, . @ ' - _ "
            "(up to 100 characters)"
        )
    return name


def find_reviewer(session: Session, name: str) -> Reviewer | None:
    return session.exec(select(Reviewer).where(Reviewer.name == clean_reviewer_name(name))).first()


def get_reviewer(session: Session, name: str) -> Reviewer:
    reviewer = find_reviewer(session, name)
    if reviewer is None:
        raise NotFoundError(f"reviewer {name!r} does not exist")
    return reviewer


def get_or_create_reviewer(session: Session, name: str, role: Role = Role.annotator) -> Reviewer:
    """Local mode: the first time a name is used it becomes a reviewer."""
    reviewer = find_reviewer(session, name)
    if reviewer is None:
        reviewer = Reviewer(name=clean_reviewer_name(name), role=role.value)
        session.add(reviewer)
        session.flush()
    return reviewer


def list_reviewers(session: Session) -> list[Reviewer]:
    return list(session.exec(select(Reviewer).order_by(col(Reviewer.name))).all())
