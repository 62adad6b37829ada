"""The registry of people and outlets that chains refer to: one record per source, found by
its name or any alias through the one name key (`factcheck.domain.names.name_key`, re-exported here
for callers that import it from the registry)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from factcheck.domain.names import name_key as name_key  # the registry's key: THE name key
from factcheck.errors import DuplicateError, InputError, NotFoundError
from factcheck.ids import row_id
from factcheck.services import access
from factcheck.store.models import Assessment, ChainHopRow, Claim, Source, SourceAlias
from schemas.records import parse_reliability
from schemas.vocab import SourceKind

if TYPE_CHECKING:
    from factcheck.domain.source_names import SourceDirectory


def _clean_name(name: str) -> str:
    cleaned = re.sub(r"\s+", " ", name).strip()
    if not cleaned:
        raise InputError("a source name cannot be empty")
    if len(cleaned) > 300:
        raise InputError("a source name is limited to 300 characters")
    return cleaned


def parse_kind(kind: str | SourceKind) -> SourceKind:
    try:
        return SourceKind(str(kind).strip())
    except ValueError:
        known = ", ".join(k.value for k in SourceKind)
        raise InputError(f"unknown source kind {kind!r}; use one of: {known}") from None


def find_source(session: Session, name: str) -> Source | None:
    """The source whose name or alias matches `name`, if any."""
    return _holder(session, name_key(name))


def _holder(session: Session, key: str) -> Source | None:
    """The source that holds this name key, as its name or as an alias."""
    source = session.exec(select(Source).where(Source.name_key == key)).first()
    if source is not None:
        return source
    return session.exec(
        select(Source).join(SourceAlias).where(SourceAlias.alias_key == key)
    ).first()


def get_source(session: Session, ref: str | int) -> Source:
    """By id (a number) or by name/alias."""
    source = session.get(Source, int(ref)) if str(ref).isdigit() else find_source(session, str(ref))
    if source is None:
        raise NotFoundError(f"source {ref!r} does not exist")
    return source


def _claim_key(session: Session, key: str, owner_id: int | None, label: str) -> None:
    """Refuse a name or alias that another source already uses."""
    holder = _holder(session, key)
    if holder is not None and holder.id != owner_id:
        raise DuplicateError(
            f"{label} is already used by source {holder.id} ({holder.name})", holder.id
        )


def _require_registry_admin(session: Session) -> None:
    """Managing the registry is an admin's job in team mode (chains still add the sources
    they mention: see `resolve_or_create`)."""
    from factcheck.services import access

    access.require_admin(session, access.resolve(None), doing="manage the sources registry")


def add_source(
    session: Session,
    name: str,
    kind: str | SourceKind = SourceKind.unknown,
    aliases: list[str] | None = None,
    prior_reliability: str | None = None,
    notes: str | None = None,
) -> Source:
    """Add a person or outlet to the registry (admins only in team mode)."""
    _require_registry_admin(session)
    source = _new_source(session, _source_row(name, kind, prior_reliability, notes))
    for alias in aliases or []:
        add_alias(session, source, alias)
    return source


def _source_row(
    name: str,
    kind: str | SourceKind,
    prior_reliability: str | None = None,
    notes: str | None = None,
) -> Source:
    """A registry record as given, checked and cleaned (not yet stored)."""
    name = _clean_name(name)
    return Source(
        name=name,
        name_key=name_key(name),
        kind=parse_kind(kind).value,
        prior_reliability=_grade(prior_reliability),
        notes=notes,
    )


def _new_source(session: Session, source: Source) -> Source:
    """Store a new record, refused when its name is another record's name or alias."""
    _claim_key(session, source.name_key, None, f"name {source.name!r}")
    session.add(source)
    session.flush()
    return source


def _grade(value: str | None) -> str | None:
    try:
        return parse_reliability(value)
    except ValueError as error:
        raise InputError(str(error)) from None


def add_alias(session: Session, source: Source, alias: str) -> None:
    alias = _clean_name(alias)
    key = name_key(alias)
    if key == source.name_key or key in {a.alias_key for a in aliases_of(session, row_id(source))}:
        return
    _claim_key(session, key, source.id, f"alias {alias!r}")
    session.add(alias_row(source, alias, key))
    session.flush()


def alias_row(source: Source, alias: str, key: str | None = None) -> SourceAlias:
    """An alias of a stored record (not yet stored), keyed by the one name key."""
    return SourceAlias(
        source_id=row_id(source), alias=alias, alias_key=name_key(alias) if key is None else key
    )


def aliases_of(session: Session, source_id: int) -> list[SourceAlias]:
    return list(
        session.exec(
            select(SourceAlias)
            .where(SourceAlias.source_id == source_id)
            .order_by(col(SourceAlias.id))
        ).all()
    )


def update_source(
    session: Session,
    ref: str | int,
    *,
    name: str | None = None,
    kind: str | SourceKind | None = None,
    prior_reliability: str | None = None,
    clear_prior: bool = False,
    add_aliases: list[str] | None = None,
    remove_aliases: list[str] | None = None,
    notes: str | None = None,
) -> Source:
    """Rename, re-kind, re-grade or re-alias a record (admins only in team mode)."""
    _require_registry_admin(session)
    source = get_source(session, ref)
    if name is not None:
        name = _clean_name(name)
        _claim_key(session, name_key(name), source.id, f"name {name!r}")
        source.name, source.name_key = name, name_key(name)
    if kind is not None:
        source.kind = parse_kind(kind).value
    if clear_prior:
        source.prior_reliability = None
    elif prior_reliability is not None:
        source.prior_reliability = _grade(prior_reliability)
    if notes is not None:
        source.notes = notes or None
    session.add(source)
    session.flush()
    for alias in remove_aliases or []:
        key = name_key(alias)
        for row in aliases_of(session, row_id(source)):
            if row.alias_key == key:
                session.delete(row)
    session.flush()
    for alias in add_aliases or []:
        add_alias(session, source, alias)
    return source


def merge_sources(session: Session, keep_ref: str | int, remove_ref: str | int) -> Source:
    """Fold one record into another: its name and aliases become aliases of the kept record,
    and every chain hop that pointed at it now points at the kept one (admins only in team
    mode)."""
    _require_registry_admin(session)
    keep = get_source(session, keep_ref)
    remove = get_source(session, remove_ref)
    if keep.id == remove.id:
        raise InputError("cannot merge a source with itself")
    moved = [remove.name] + [a.alias for a in aliases_of(session, row_id(remove))]
    session.exec(
        update(ChainHopRow).where(col(ChainHopRow.source_id) == remove.id).values(source_id=keep.id)
    )
    for row in aliases_of(session, row_id(remove)):
        session.delete(row)
    session.flush()  # the aliases go before their source (the database would cascade them)
    if keep.prior_reliability is None:
        keep.prior_reliability = remove.prior_reliability
    session.delete(remove)
    session.flush()
    for alias in moved:
        add_alias(session, keep, alias)
    return keep


def delete_source(session: Session, ref: str | int) -> Source:
    """Remove a record; chain hops keep their names and lose only the link (admins only in
    team mode)."""
    _require_registry_admin(session)
    source = get_source(session, ref)
    session.exec(
        update(ChainHopRow).where(col(ChainHopRow.source_id) == source.id).values(source_id=None)
    )
    for row in aliases_of(session, row_id(source)):
        session.delete(row)
    session.flush()
    session.delete(source)
    session.flush()
    return source


@dataclass(frozen=True)
class SourceRow:
    id: int
    name: str
    kind: str
    aliases: list[str]
    prior_reliability: str | None
    hops: int


def count_sources(session: Session, search: str | None = None) -> int:
    query = select(func.count()).select_from(Source)
    if search and search.strip():
        query = query.where(_search(search))
    return session.exec(query).one()


def _search(search: str) -> ColumnElement[bool]:
    pattern = f"%{name_key(search)}%"
    alias_match = select(SourceAlias.source_id).where(col(SourceAlias.alias_key).like(pattern))
    return or_(
        col(Source.name_key).like(pattern),
        col(Source.id).in_(alias_match),
        col(Source.kind).like(pattern),
    )


def list_sources(
    session: Session, search: str | None = None, *, offset: int = 0, limit: int | None = None
) -> list[SourceRow]:
    """Sources by name, with aliases and how many chain hops refer to each (fixed query count).

    Blind rating covers the registry too: in team mode an annotator sees the records no chain
    refers to (the curated registry) and those their own or released work refers to, with
    only those hops counted; a colleague's new hop ("Secret Insider Xyz") stays hidden until
    the article is released."""
    visible_hops = _visible_hops(session)
    query = select(Source).order_by(col(Source.name_key))
    if visible_hops is not None:
        any_hop = select(ChainHopRow.id).where(col(ChainHopRow.source_id) == Source.id)
        seen = select(ChainHopRow.source_id).where(*visible_hops)
        query = query.where(or_(~any_hop.exists(), col(Source.id).in_(seen)))
    if search and search.strip():
        query = query.where(_search(search))
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    sources = list(session.exec(query).all())
    ids = [s.id for s in sources]
    aliases: dict[int, list[str]] = defaultdict(list)
    for row in session.exec(
        select(SourceAlias).where(col(SourceAlias.source_id).in_(ids)).order_by(col(SourceAlias.id))
    ):
        aliases[row.source_id].append(row.alias)
    hops = dict(
        session.exec(
            select(ChainHopRow.source_id, func.count())
            .where(col(ChainHopRow.source_id).in_(ids), *(visible_hops or ()))
            .group_by(col(ChainHopRow.source_id))
        ).all()
    )
    return [
        SourceRow(
            row_id(s),
            s.name,
            s.kind,
            aliases.get(row_id(s), []),
            s.prior_reliability,
            hops.get(s.id, 0),
        )
        for s in sources
    ]


def _visible_hops(session: Session) -> list[Any] | None:
    """Conditions on ChainHopRow for the hops the acting reviewer may know of, or None when
    nothing is hidden (local mode, adjudicators, admins)."""
    visible = access.visible_assessments(session)
    if visible is None:
        return None
    seen = select(Assessment.id).join(Claim, col(Claim.id) == Assessment.claim_id).where(visible)
    return [col(ChainHopRow.assessment_id).in_(seen)]


def seed_starter_sources(session: Session) -> int:
    """Fill an empty registry with the curated starter list in data/ (in bulk: it runs when a
    database is created); returns the number of sources added."""
    from factcheck.domain.source_names import load_starter_sources

    if session.exec(select(func.count()).select_from(Source)).one():
        return 0
    taken: set[str] = set()
    added = 0
    for starter in load_starter_sources():
        key = name_key(starter.name)
        if key in taken:
            continue
        taken.add(key)
        source = _source_row(starter.name, starter.kind, starter.prior_reliability)
        session.add(source)
        session.flush()
        for alias in starter.aliases:
            alias_key = name_key(alias)
            if alias_key and alias_key not in taken:
                taken.add(alias_key)
                session.add(alias_row(source, _clean_name(alias), alias_key))
        added += 1
    session.flush()
    return added


def resolve_or_create(session: Session, name: str, kind: SourceKind) -> Source:
    """The registry record a chain hop refers to, created on first mention."""
    source = find_source(session, name)
    if source is None:
        try:
            with session.begin_nested():  # a savepoint: a lost race must not end the transaction
                source = _new_source(session, _source_row(name, kind))
        except (DuplicateError, IntegrityError):
            # Another reviewer's transaction added the same outlet a moment ago (PostgreSQL's
            # READ COMMITTED lets us see it now): refer to theirs.
            source = find_source(session, name)
            if source is None:
                raise
    elif source.kind == SourceKind.unknown.value and kind != SourceKind.unknown:
        source.kind = kind.value
        session.add(source)
    return source


class SourceLinks:
    """The registry records chain hops link to, looked up once per name: a bulk write (a
    project bundle, a BRAT corpus) names the same few outlets thousands of times. Keeps ids,
    not rows, so it outlives the rows a long import lets go of."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._mentioned: dict[str, tuple[int, str]] = {}  # name key → (id, kind)
        self._named: dict[str, int | None] = {}

    def mentioned(self, name: str, kind: SourceKind) -> int:
        """`resolve_or_create`, remembered; asked again when a hop knows the kind of a record
        still of unknown kind, so that record learns it as it would from a single save."""
        key = name_key(name)
        known = self._mentioned.get(key)
        if known is None or (known[1] == SourceKind.unknown.value and kind != SourceKind.unknown):
            source = resolve_or_create(self.session, name, kind)
            known = self._mentioned[key] = (row_id(source), source.kind)
        return known[0]

    def named(self, name: str | None) -> int | None:
        """The record called `name` (`find_source`), as a bundle names the record a hop links
        to; None for no name or a name the registry does not hold."""
        if not name:
            return None
        key = name_key(name)
        if key not in self._named:
            source = find_source(self.session, name)
            self._named[key] = source.id if source else None
        return self._named[key]


def source_directory(session: Session) -> SourceDirectory:
    """The registry as an in-memory lookup for the suggester."""
    from factcheck.domain.source_names import SourceDirectory

    aliases: dict[int, list[str]] = defaultdict(list)
    for row in session.exec(select(SourceAlias)):
        aliases[row.source_id].append(row.alias)
    rows = [(s.name, s.kind, aliases.get(row_id(s), [])) for s in session.exec(select(Source))]
    return SourceDirectory.from_rows(rows)
