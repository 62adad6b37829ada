"""Reviewers: in local mode a name is all it takes; team mode adds passwords (Argon2 hashes,
never the password itself), roles, disabled accounts and rate-limited, logged sign-ins."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from factcheck.errors import AuthError, DuplicateError, InputError, NotFoundError, PermissionDenied
from factcheck.services import access
from factcheck.services.access import ActorLike
from factcheck.store.models import Reviewer, utcnow
from schemas.vocab import Role

log = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^[\w][\w .@'-]{0,99}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
MAX_FAILED_SIGNINS = 5
LOCKOUT = timedelta(minutes=15)

_hasher = PasswordHasher()
# Verified when the name is unknown, so a wrong name costs as long as a wrong password and the
# timing does not tell which names exist.
_DUMMY_HASH = _hasher.hash("factcheck-no-such-reviewer")


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
    """Local mode: the first time a name is used it becomes a reviewer. Team mode creates
    accounts on the fly only for an admin importing others' work (BRAT, bundles, ratings CSV):
    they have no password, so nobody signs in as them until an admin sets one; a typo by
    anyone else cannot make a new reviewer."""
    reviewer = find_reviewer(session, name)
    if reviewer is None:
        actor = access.resolve(None)
        if access.team_mode(session) and (actor is None or actor.role != Role.admin.value):
            raise NotFoundError(
                f"reviewer {name!r} does not exist; in team mode an admin adds reviewers "
                "(factcheck reviewers add NAME --role annotator)"
            )
        reviewer = Reviewer(name=clean_reviewer_name(name), role=role.value)
        session.add(reviewer)
        session.flush()
    return reviewer


def list_reviewers(session: Session) -> list[Reviewer]:
    return list(session.exec(select(Reviewer).order_by(col(Reviewer.name))).all())


# ---------------------------------------------------------------- accounts


def hash_password(password: str) -> str:
    if not MIN_PASSWORD_LENGTH <= len(password or "") <= MAX_PASSWORD_LENGTH:
        raise InputError(
            f"a password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
        )
    return _hasher.hash(password)


def _admin_exists(session: Session) -> bool:
    query = select(Reviewer.id).where(Reviewer.role == Role.admin.value)
    return session.exec(query).first() is not None


def check_can_add_reviewer(
    session: Session, role: Role | str, *, actor: ActorLike | None = None
) -> None:
    """Admins add reviewers; a team database without any admin lets its first admin in.
    Separate, so the CLI can refuse before asking for the new account's password."""
    if not access.team_mode(session):
        return
    if Role(role) is Role.admin and not _admin_exists(session):
        return
    access.require_admin(session, access.resolve(actor), doing="add reviewers")


def check_can_set_password(
    session: Session, name: str, *, actor: ActorLike | None = None
) -> Reviewer:
    reviewer = get_reviewer(session, name)
    if access.team_mode(session):
        row = access.load(session, access.resolve(actor))
        if row.id != reviewer.id and row.role != Role.admin.value:
            raise PermissionDenied(f"{row.name} cannot change {reviewer.name}'s password")
    return reviewer


def add_reviewer(
    session: Session,
    name: str,
    role: Role | str = Role.annotator,
    password: str | None = None,
    *,
    actor: ActorLike | None = None,
) -> Reviewer:
    """Create an account. In team mode only an admin may, except for the very first admin
    (bootstrapping a new team database), and every account needs a password."""
    role = Role(role)
    check_can_add_reviewer(session, role, actor=actor)
    if access.team_mode(session) and password is None:
        raise InputError("in team mode every reviewer needs a password")
    clean = clean_reviewer_name(name)
    existing = find_reviewer(session, clean)
    if existing is not None:
        raise DuplicateError(f"reviewer {clean!r} already exists", existing.id)
    reviewer = Reviewer(
        name=clean,
        role=role.value,
        password_hash=hash_password(password) if password is not None else None,
    )
    session.add(reviewer)
    session.flush()
    log.info("reviewer %r added with role %s", clean, role.value)
    return reviewer


def set_password(
    session: Session, name: str, password: str, *, actor: ActorLike | None = None
) -> Reviewer:
    """Set a reviewer's password: their own, or anyone's for an admin. Unlocks the account."""
    reviewer = check_can_set_password(session, name, actor=actor)
    reviewer.password_hash = hash_password(password)
    reviewer.failed_signins = 0
    reviewer.locked_until = None
    session.add(reviewer)
    session.flush()
    log.info("password of reviewer %r changed", reviewer.name)
    return reviewer


def set_role(
    session: Session, name: str, role: Role | str, *, actor: ActorLike | None = None
) -> Reviewer:
    access.require_admin(session, access.resolve(actor), doing="change roles")
    reviewer = get_reviewer(session, name)
    reviewer.role = Role(role).value
    session.add(reviewer)
    session.flush()
    log.info("reviewer %r now has role %s", reviewer.name, reviewer.role)
    return reviewer


def set_disabled(
    session: Session, name: str, disabled: bool = True, *, actor: ActorLike | None = None
) -> Reviewer:
    """Disable (or re-enable) an account; its assessments stay. Admins only in team mode."""
    reviewer = get_reviewer(session, name)
    access.require_admin(session, access.resolve(actor), doing="disable reviewers")
    if access.team_mode(session) and disabled:
        row = access.load(session, access.resolve(actor))
        if row.id == reviewer.id:
            raise InputError("an admin cannot disable their own account")
    reviewer.disabled = disabled
    session.add(reviewer)
    session.flush()
    log.info("reviewer %r %s", reviewer.name, "disabled" if disabled else "enabled")
    return reviewer


# ---------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignInOutcome:
    """What a sign-in attempt came to; failures are recorded before the caller raises."""

    actor: access.Actor | None
    error: str | None = None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def attempt_sign_in(session: Session, name: str, password: str) -> SignInOutcome:
    """Check a name and password and record the attempt. It never raises for a wrong password,
    so the caller can commit the failure count before refusing.

    The attempt is counted *before* the password is checked, by one conditional UPDATE that
    only succeeds while the account is not locked: concurrent guesses (40 at once on
    PostgreSQL) each take a numbered slot or are refused, so at most `MAX_FAILED_SIGNINS` of
    them ever reach the hash, and a right password arriving after the lock is refused too."""
    try:
        reviewer = find_reviewer(session, name)
    except InputError:
        reviewer = None
    if reviewer is None or reviewer.password_hash is None:
        _verify(_DUMMY_HASH, password)
        log.warning("failed sign-in: unknown reviewer or no password set (%r)", name)
        return SignInOutcome(None, "wrong name or password")
    now = utcnow()
    attempt = _take_attempt(session, reviewer, now)
    if attempt is None:
        session.refresh(reviewer)
        locked = locked_until(reviewer) or now + LOCKOUT
        log.warning("sign-in refused: reviewer %r is locked until %s", reviewer.name, locked)
        return SignInOutcome(None, _locked_message(locked))
    if not _verify(reviewer.password_hash, password):
        if attempt >= MAX_FAILED_SIGNINS:
            until = now + LOCKOUT
            _settle(session, reviewer, locked=until)
            log.warning(
                "failed sign-in for %r (%d in a row): locked until %s",
                reviewer.name,
                attempt,
                until,
            )
            return SignInOutcome(None, _locked_message(until))
        log.warning("failed sign-in for %r (%d in a row)", reviewer.name, attempt)
        return SignInOutcome(None, "wrong name or password")
    if reviewer.disabled:
        log.warning("sign-in refused: reviewer %r is disabled", reviewer.name)
        return SignInOutcome(None, f"reviewer {reviewer.name!r} is disabled")
    if _hasher.check_needs_rehash(reviewer.password_hash):
        reviewer.password_hash = _hasher.hash(password)
        session.add(reviewer)
        session.flush()
    _settle(session, reviewer, locked=None)
    log.info("reviewer %r signed in", reviewer.name)
    return SignInOutcome(access.as_actor(reviewer))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _take_attempt(session: Session, reviewer: Reviewer, now: datetime) -> int | None:
    """Count one sign-in attempt unless the account is locked; the attempt's number, or None
    when locked. One statement, so it is atomic on both engines: on PostgreSQL the row stays
    locked until the attempt's transaction ends, and a waiting attempt re-reads the lock."""
    unlocked = col(Reviewer.locked_until).is_(None) | (col(Reviewer.locked_until) <= now)
    statement = (
        update(Reviewer)
        .where(col(Reviewer.id) == reviewer.id, unlocked)
        .values(failed_signins=Reviewer.failed_signins + 1)
        .returning(col(Reviewer.failed_signins))
    )
    return session.execute(statement).scalar_one_or_none()


def _settle(session: Session, reviewer: Reviewer, *, locked: datetime | None) -> None:
    """End a run of attempts: a right password clears the count; the last allowed wrong one
    sets the lock (and clears the count for the next window)."""
    session.execute(
        update(Reviewer)
        .where(col(Reviewer.id) == reviewer.id)
        .values(failed_signins=0, locked_until=locked)
    )
    session.refresh(reviewer)


def locked_until(reviewer: Reviewer) -> datetime | None:
    """When a lockout after failed sign-ins ends, or None when the account is not locked."""
    until = _aware(reviewer.locked_until)
    return until if until is not None and until > utcnow() else None


def _locked_message(until: datetime) -> str:
    return (
        f"too many failed sign-ins: try again after {until.astimezone(UTC):%H:%M} UTC "
        "or ask an admin to reset the password"
    )


def sign_in(engine: Engine, name: str, password: str) -> access.Actor:
    """Sign in and return who is acting, or raise AuthError. Takes the engine rather than a
    session because a failed attempt must be committed even though the caller gets an error."""
    from factcheck.store.engine import write

    outcome = write(engine, lambda session: attempt_sign_in(session, name, password))
    if outcome.actor is None:
        raise AuthError(outcome.error or "wrong name or password")
    return outcome.actor
