"""The registry of people and outlets that chains refer to: one record per source, found by
its name or any alias through the one name key (`factcheck.domain.names.name_key`, re-exported here
for callers that import it from the registry)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from factcheck.domain.names import name_key as name_key  # the registry's key: THE name key
from factcheck.errors import DuplicateError, InputError, NotFoundError
from factcheck.ids import row_id
from factcheck.store.models import ChainHopRow, Source, SourceAlias
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
    key = name_key(name)
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
    holder = session.exec(select(Source).where(Source.name_key == key)).first()
    if holder is None:
        holder = session.exec(
            select(Source).join(SourceAlias).where(SourceAlias.alias_key == key)
        ).first()
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
    return _new_source(session, name, kind, aliases, prior_reliability, notes)


def _new_source(
    session: Session,
    name: str,
    kind: str | SourceKind = SourceKind.unknown,
    aliases: list[str] | None = None,
    prior_reliability: str | None = None,
    notes: str | None = None,
) -> Source:
    name = _clean_name(name)
    _claim_key(session, name_key(name), None, f"name {name!r}")
    source = Source(
        name=name,
        name_key=name_key(name),
        kind=parse_kind(kind).value,
        prior_reliability=_grade(prior_reliability),
        notes=notes,
    )
    session.add(source)
    session.flush()
    for alias in aliases or []:
        add_alias(session, source, alias)
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
    session.add(SourceAlias(source_id=row_id(source), alias=alias, alias_key=key))
    session.flush()


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
    """Sources by name, with aliases and how many chain hops refer to each (fixed query count)."""
    query = select(Source).order_by(col(Source.name_key))
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
            .where(col(ChainHopRow.source_id).in_(ids))
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
        source = Source(
            name=_clean_name(starter.name),
            name_key=key,
            kind=parse_kind(starter.kind).value,
            prior_reliability=_grade(starter.prior_reliability),
        )
        session.add(source)
        session.flush()
        for alias in starter.aliases:
            alias_key = name_key(alias)
            if alias_key and alias_key not in taken:
                taken.add(alias_key)
                session.add(
                    SourceAlias(
                        source_id=row_id(source), alias=_clean_name(alias), alias_key=alias_key
                    )
                )
        added += 1
    session.flush()
    return added


def resolve_or_create(session: Session, name: str, kind: SourceKind) -> Source:
    """The registry record a chain hop refers to, created on first mention."""
    source = find_source(session, name)
    if source is None:
        try:
            with session.begin_nested():  # a savepoint: a lost race must not end the transaction
                source = _new_source(session, name, kind)
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


def source_directory(session: Session) -> SourceDirectory:
    """The registry as an in-memory lookup for the suggester."""
    from factcheck.domain.source_names import SourceDirectory

    aliases: dict[int, list[str]] = defaultdict(list)
    for row in session.exec(select(SourceAlias)):
        aliases[row.source_id].append(row.alias)
    rows = [(s.name, s.kind, aliases.get(row_id(s), [])) for s in session.exec(select(Source))]
    return SourceDirectory.from_rows(rows)
