"""Who may do what. Services call these checks themselves, so the CLI, the UI and any script
get the same refusals; pages only hide what a reviewer could not do anyway.

Local mode (the default) is one trusted machine: every check passes and nothing is asked.
Team mode enforces the roles. It is a property of the database (`factcheck team enable`
stores it, migration 0006), so every process on a team database enforces it whatever its
environment says; `FACTCHECK_TEAM_MODE=1` can switch a process into team mode, never out:

- annotator: rates claims as themselves and sees only their own assessments until the article
  is released for adjudication (blind rating, so nobody anchors on a colleague);
- adjudicator: sees everything, releases articles, records final assessments, and may change
  the boundaries of claims other reviewers have already rated;
- admin: all of that, plus managing reviewers, sources and deletions.

The acting reviewer is passed explicitly (`actor=`), or set for a block of work with
`acting_as(...)` (the CLI), or supplied by a provider registered once per process (the web UI
reads it from the browser session, including inside widget callbacks)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, and_, false, or_
from sqlmodel import Session, col, select

from factcheck.config import get_settings
from factcheck.errors import AuthError, NotFoundError, PermissionDenied
from factcheck.ids import row_id
from factcheck.store.models import Article, Assessment, Claim, Reviewer, Setting
from schemas.vocab import Role

ADJUDICATING_ROLES = frozenset({Role.adjudicator.value, Role.admin.value})


@dataclass(frozen=True)
class Actor:
    """The reviewer an action is done as; a plain value, safe to keep across sessions."""

    id: int
    name: str
    role: str


ActorLike = Actor | Reviewer

_acting: ContextVar[Actor | None] = ContextVar("factcheck_acting_as", default=None)
_provider: Callable[[], Actor | None] | None = None


def as_actor(reviewer: ActorLike) -> Actor:
    if isinstance(reviewer, Actor):
        return reviewer
    return Actor(row_id(reviewer), reviewer.name, reviewer.role)


TEAM_MODE_SETTING = "team_mode"
_TEAM_MODE_INFO = "factcheck_team_mode"


def team_mode(bind: Session | Engine) -> bool:
    """Roles, passwords and blind rating are enforced only in team mode: when the database says
    so (`factcheck team enable`), or the environment opts this process in. Read once per
    session (a session is one page run or one command's transaction), so turning it on takes
    effect on every process's next action."""
    if get_settings().factcheck_team_mode:
        return True
    if isinstance(bind, Engine):
        with Session(bind) as session:
            return team_mode(session)
    cached = bind.info.get(_TEAM_MODE_INFO)
    if cached is None:
        cached = stored_team_mode(bind)
        bind.info[_TEAM_MODE_INFO] = cached
    return bool(cached)


def stored_team_mode(session: Session) -> bool:
    """What the database itself says, whatever this process's environment."""
    row = session.get(Setting, TEAM_MODE_SETTING)
    return row is not None and row.value == "on"


def forget_team_mode(session: Session) -> None:
    """After the setting changes inside a session, its next check reads it again."""
    session.info.pop(_TEAM_MODE_INFO, None)


@contextmanager
def acting_as(reviewer: ActorLike | None) -> Iterator[None]:
    """Every service called inside the block acts as `reviewer` unless told otherwise."""
    token = _acting.set(as_actor(reviewer) if reviewer is not None else None)
    try:
        yield
    finally:
        _acting.reset(token)


def set_actor_provider(provider: Callable[[], Actor | None] | None) -> None:
    """Register where the acting reviewer comes from when nobody set one (the web UI)."""
    global _provider
    _provider = provider


def current_actor() -> Actor | None:
    actor = _acting.get()
    if actor is None and _provider is not None:
        actor = _provider()
    return actor


def resolve(actor: ActorLike | None) -> Actor | None:
    """The explicit actor, else the one set by `acting_as` or the provider. None means nobody
    signed in: every team-mode check refuses it (never "trust the caller")."""
    if actor is not None:
        return as_actor(actor)
    return current_actor()


def load(session: Session, actor: ActorLike | None) -> Reviewer:
    """The actor's current row: roles and the disabled flag are read fresh on every check, so
    disabling an account takes effect at once, even for someone already signed in."""
    if actor is None:
        raise PermissionDenied("sign in first: team mode needs to know who is acting")
    row = session.get(Reviewer, as_actor(actor).id)
    if row is None:
        raise AuthError(f"reviewer {as_actor(actor).name!r} no longer exists")
    if row.disabled:
        raise AuthError(f"reviewer {row.name!r} is disabled")
    return row


def blind_reviewer_id(session: Session) -> int | None:
    """Whose assessments alone the acting reviewer may read outside released articles: their
    own id for an annotator in team mode, None when nothing is hidden (local mode, adjudicators,
    admins). Exports and figures filter with it, so blind rating holds in every format."""
    if not team_mode(session):
        return None
    row = load(session, resolve(None))  # fresh: a disabled account exports nothing
    return None if row.role in ADJUDICATING_ROLES else row.id


def visible_assessments(session: Session) -> ColumnElement[bool] | None:
    """THE blind-rating rule as a condition on Assessment (joined with its Claim): an
    annotator's own non-final assessments plus every assessment of released articles; None
    when nothing is hidden. Exports, figures, the registry's hop counts and traces use it."""
    blind = blind_reviewer_id(session)
    if blind is None:
        return None
    released = select(col(Article.id)).where(col(Article.released_at).is_not(None))
    return or_(
        and_(col(Assessment.reviewer_id) == blind, col(Assessment.is_final) == false()),
        col(Claim.article_id).in_(released),
    )


def is_adjudicator(reviewer: Reviewer | Actor) -> bool:
    return reviewer.role in ADJUDICATING_ROLES


def require_role(session: Session, actor: ActorLike | None, *roles: Role, doing: str) -> None:
    """Refuse unless the actor has one of `roles` (admin always qualifies)."""
    if not team_mode(session):
        return
    row = load(session, actor)
    allowed = {r.value for r in roles} | {Role.admin.value}
    if row.role not in allowed:
        raise PermissionDenied(f"{row.name} ({row.role}) cannot {doing}: needs {_roles(roles)}")


def require_admin(session: Session, actor: ActorLike | None, *, doing: str) -> None:
    require_role(session, actor, Role.admin, doing=doing)


def require_admin_to_load(engine: Engine, *, doing: str) -> None:
    """For bulk work on other reviewers' ratings (loading BRAT corpora and bundles, backing up
    the whole database), checked once before anything is read or written."""
    with Session(engine) as session:
        if team_mode(session):
            require_admin(session, resolve(None), doing=doing)


def require_signed_in(session: Session, actor: ActorLike | None) -> None:
    if team_mode(session):
        load(session, actor)


def require_signed_in_to(engine: Engine, *, doing: str) -> None:
    """For work that reads files or the network before its first transaction (batch imports,
    fetching a page): refused before anything is read, not after."""
    with Session(engine) as session:
        if team_mode(session) and resolve(None) is None:
            raise PermissionDenied(f"sign in first: team mode needs to know who is {doing}")
        require_signed_in(session, resolve(None))


def _roles(roles: Iterable[Role]) -> str:
    names = sorted({r.value for r in roles} | {Role.admin.value})
    return " or ".join(names)


def is_released(session: Session, article_id: int) -> bool:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFoundError(f"article {article_id} does not exist")
    return article.released_at is not None


def sees_everything(session: Session, actor: ActorLike | None, article_id: int) -> bool:
    """Whether the actor may see every reviewer's assessments of this article."""
    if not team_mode(session):
        return True
    row = load(session, actor)
    return is_adjudicator(row) or is_released(session, article_id)


def check_can_see(
    session: Session, actor: ActorLike | None, article_id: int, owner_id: int, *, final: bool
) -> None:
    """An annotator sees only their own (non-final) assessments before release."""
    if not team_mode(session):
        return
    row = load(session, actor)
    if row.id == owner_id and not final:
        return
    if not sees_everything(session, row, article_id):
        raise PermissionDenied(
            f"{row.name} cannot see other reviewers' assessments of article {article_id} "
            "until it is released for adjudication"
        )


def check_can_rate(
    session: Session, actor: ActorLike | None, claim: Claim, owner: Reviewer, *, final: bool
) -> None:
    """Reviewers record their own assessments; the final one is an adjudicator's, on a released
    article; once released, an annotator's ratings are frozen (they can now see the others')
    except those flagged for re-rating after a boundary change."""
    if not team_mode(session):
        return
    row = load(session, actor)
    if owner.id != row.id and row.role != Role.admin.value:
        raise PermissionDenied(f"{row.name} cannot record {owner.name}'s assessment")
    if owner.disabled:
        raise PermissionDenied(f"reviewer {owner.name!r} is disabled")
    released = is_released(session, claim.article_id)
    if final:
        if not is_adjudicator(row) or not is_adjudicator(owner):
            raise PermissionDenied(
                f"{row.name} ({row.role}) cannot record a final assessment: needs adjudicator "
                "or admin"
            )
        if not released:
            raise PermissionDenied(
                f"release article {claim.article_id} for adjudication before recording final "
                "assessments"
            )
        return
    if released and not is_adjudicator(row):
        flagged = session.exec(
            select(Assessment.id).where(
                Assessment.claim_id == claim.id,
                Assessment.reviewer_id == owner.id,
                Assessment.is_final == false(),
                Assessment.needs_review == True,  # noqa: E712
            )
        ).first()
        if flagged is None:
            raise PermissionDenied(
                f"article {claim.article_id} is released for adjudication: ratings are frozen "
                "(only claims flagged for re-rating can be rated again)"
            )


def check_boundary_change(
    session: Session, actor: ActorLike | None, claims: Iterable[Claim], *, doing: str
) -> None:
    """Changing claims that other reviewers have rated (or that were adjudicated) needs an
    adjudicator: their ratings stay attached and are flagged, but they did not agree to it."""
    if not team_mode(session):
        return
    row = load(session, actor)
    if is_adjudicator(row):
        return
    asked = [c for c in claims if c.id is not None]
    if not asked:
        return
    others = session.exec(
        select(Claim.position)
        .join(Assessment, col(Assessment.claim_id) == Claim.id)
        .where(
            col(Assessment.claim_id).in_([c.id for c in asked]),
            (col(Assessment.reviewer_id) != row.id) | (col(Assessment.is_final) == True),  # noqa: E712
        )
    ).first()
    if others is not None:
        # Names every claim the edit touches, never which of them others rated: that is
        # part of what blind rating hides.
        positions = sorted(c.position for c in asked if c.position)
        if not positions:
            name, which = "this dropped claim", "it"
        elif len(positions) == 1:
            name, which = f"claim {positions[0]}", "it"
        else:
            name = "claims " + ", ".join(map(str, positions[:-1])) + f" and {positions[-1]}"
            which = "at least one of them"
        raise PermissionDenied(
            f"{row.name} ({row.role}) cannot {doing} {name}: other reviewers have rated "
            f"{which}, so changing it needs adjudicator or admin"
        )
