"""Team mode as a property of the database, not of a process.

A per-process switch let anyone start a process without it against a team database and turn
every check off (`FACTCHECK_TEAM_MODE=0 factcheck reviewers role ana admin`). The database now
says whether it is a team database (a `setting` row, migration 0006): `enable` is done once by
the first admin, and from then on every process on that database requires sign-in, whatever
its environment says; `disable` needs an admin's password."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from factcheck.config import get_settings
from factcheck.errors import InputError, PermissionDenied
from factcheck.services import access, reviewers
from factcheck.store.engine import read_session, write
from factcheck.store.models import Reviewer, Setting, utcnow
from schemas.vocab import Role


@dataclass(frozen=True)
class TeamStatus:
    """Whether this process enforces team mode, and why."""

    on: bool
    stored: bool  # the database says so (`factcheck team enable`)
    environment: bool  # FACTCHECK_TEAM_MODE opts this process in

    def as_dict(self) -> dict[str, bool]:
        return {"team_mode": self.on, "stored": self.stored, "environment": self.environment}


def status(session: Session) -> TeamStatus:
    stored = access.stored_team_mode(session)
    environment = get_settings().factcheck_team_mode
    return TeamStatus(stored or environment, stored, environment)


def needs_first_admin(session: Session) -> bool:
    """True while no admin can sign in: enabling team mode then makes its first admin."""
    query = select(Reviewer.id).where(
        Reviewer.role == Role.admin.value,
        col(Reviewer.password_hash).is_not(None),
        Reviewer.disabled == False,  # noqa: E712
    )
    return session.exec(query).first() is None


def sets_new_password(session: Session, name: str) -> bool:
    """Whether `enable` as `name` would set their password (so the CLI asks for a new one,
    twice) rather than check it."""
    if not needs_first_admin(session):
        return False
    reviewer = reviewers.find_reviewer(session, name)
    return reviewer is None or reviewer.password_hash is None


def enable(engine: Engine, name: str, password: str) -> access.Actor:
    """Turn team mode on for this database, as `name`.

    When an admin with a password exists, `name` must be one and sign in with `password`.
    On a database without one (a local-mode desk going team), `name` becomes the first admin:
    an existing reviewer keeps their work and is promoted, a new name is created; `password`
    becomes their password unless they already have one, which must then be given."""
    with read_session(engine) as session:
        if access.stored_team_mode(session):
            raise InputError("team mode is already on for this database")
        first = needs_first_admin(session)
        existing = reviewers.find_reviewer(session, name)
    if not first or (existing is not None and existing.password_hash is not None):
        # Rate-limited and logged like every sign-in; raises AuthError on a wrong password.
        actor = reviewers.sign_in(engine, name, password)
        if not first and actor.role != Role.admin.value:
            raise PermissionDenied(
                f"{actor.name} ({actor.role}) cannot enable team mode: needs admin"
            )
    else:
        reviewers.hash_password(password)  # the length rule, before anything is written

    def work(session: Session) -> access.Actor:
        if access.stored_team_mode(session):
            raise InputError("team mode is already on for this database")
        if first and not needs_first_admin(session):
            raise InputError("another admin was set up meanwhile: run the command again")
        reviewer = reviewers.find_reviewer(session, name)
        if reviewer is None:
            reviewer = Reviewer(name=reviewers.clean_reviewer_name(name))
        if first:
            reviewer.role = Role.admin.value
            reviewer.disabled = False
            if reviewer.password_hash is None:
                reviewer.password_hash = reviewers.hash_password(password)
        session.add(reviewer)
        _store(session, "on")
        session.flush()
        return access.as_actor(reviewer)

    return write(engine, work)


def disable(engine: Engine, name: str, password: str) -> access.Actor:
    """Turn team mode off for this database: an admin's name and password, always (a process
    that is not in team mode could otherwise switch it off without anyone signing in)."""
    actor = reviewers.sign_in(engine, name, password)

    def work(session: Session) -> access.Actor:
        access.forget_team_mode(session)
        if not access.stored_team_mode(session):
            raise InputError("team mode is not on for this database")
        row = access.load(session, actor)
        if row.role != Role.admin.value:
            raise PermissionDenied(f"{row.name} ({row.role}) cannot disable team mode: needs admin")
        _store(session, "off")
        return actor

    return write(engine, work)


def _store(session: Session, value: str) -> None:
    row = session.get(Setting, access.TEAM_MODE_SETTING)
    if row is None:
        row = Setting(key=access.TEAM_MODE_SETTING, value=value)
    row.value = value
    row.updated_at = utcnow()
    session.add(row)
    access.forget_team_mode(session)
