"""one name key for people and outlets; records that now share a key merged

`source.name_key` and `source_alias.alias_key` are stored, so when the one name key
(`factcheck.domain.names.name_key`) replaced the four variants, existing databases had to be brought
in line: every key is recomputed, and records that now claim the same key ("The Guardian" and
"Guardian", or a name that is another record's alias) are one source. They are merged as the
Sources page merges them: the oldest record is kept, the chain hops and aliases of the others
point at it, their names become its aliases, and its prior grade is taken from them when it had
none. Rows are updated in place, so nothing but the merged records and aliases that repeat a
key of their record goes (an alias may have its record's own key: "Guardian" stays an alias
of "The Guardian", as the spelling it was given). No column changes, so the same statements run
on SQLite and PostgreSQL.

The key function is imported, not copied: a database upgraded later must get the keys the code
of that time looks names up with.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

from factcheck.domain.names import name_key

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_source = sa.table(
    "source",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("prior_reliability", sa.String),
    sa.column("created_at", sa.DateTime),
)
_alias = sa.table(
    "source_alias",
    sa.column("id", sa.Integer),
    sa.column("source_id", sa.Integer),
    sa.column("alias", sa.String),
    sa.column("alias_key", sa.String),
)
_hop = sa.table("chain_hop", sa.column("source_id", sa.Integer))


class _Record(NamedTuple):
    """A source as stored, with its aliases in the order they were added. (Named tuples, not
    dataclasses: Alembic loads this file outside sys.modules, where dataclasses fail.)"""

    id: int
    name: str
    key: str
    prior: str | None
    aliases: list[tuple[int, str, str]]  # (id, alias, key)


def upgrade() -> None:
    _rekey(op.get_bind(), name_key)


def downgrade() -> None:
    """Back to the keys of revision 0004 (NFKC, case-folded, spaces collapsed); merged records
    stay merged, their other names kept as aliases."""
    _rekey(op.get_bind(), _key_0004)


def _key_0004(name: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()


def _rekey(bind: sa.Connection, key_of: Callable[[str], str]) -> None:
    """Recompute every key with `key_of`, merging the records that now share one. In two
    passes: the records that change first give up their old keys (aliases deleted, merged
    records removed, names parked under a placeholder), so that no new key meets a stale one
    still stored under the unique constraints; then the new keys are written."""
    plans = [plan for group in _groups(_load(bind), key_of) if (plan := _plan(group, key_of))]
    for plan in plans:
        _clear(bind, plan)
    for plan in plans:
        _store(bind, plan)


def _load(bind: sa.Connection) -> list[_Record]:
    """Every source, oldest first (the record a merge keeps), with its aliases."""
    rows = bind.execute(
        sa.select(
            _source.c.id, _source.c.name, _source.c.name_key, _source.c.prior_reliability
        ).order_by(_source.c.created_at, _source.c.id)
    ).all()
    records = {
        row.id: _Record(row.id, row.name, row.name_key, row.prior_reliability, []) for row in rows
    }
    for row in bind.execute(
        sa.select(_alias.c.id, _alias.c.source_id, _alias.c.alias, _alias.c.alias_key).order_by(
            _alias.c.id
        )
    ):
        if row.source_id in records:
            records[row.source_id].aliases.append((row.id, row.alias, row.alias_key))
    return list(records.values())


def _groups(records: list[_Record], key_of: Callable[[str], str]) -> list[list[_Record]]:
    """Records that claim a common key (by name or alias) under `key_of`, transitively; each
    group oldest first."""
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, record in enumerate(records):
        for name in [record.name, *(alias for _, alias, _ in record.aliases)]:
            first = owner.setdefault(key_of(name), i)
            a, b = root(first), root(i)
            if a != b:
                parent[max(a, b)] = min(a, b)  # the older record's index is the smaller
    groups: dict[int, list[_Record]] = {}
    for i, record in enumerate(records):
        groups.setdefault(root(i), []).append(record)
    return list(groups.values())


class _Plan(NamedTuple):
    """What one group becomes: the kept record with its new key and prior grade, and every
    alias row of the group re-keyed and pointing at it (rows kept, ids and all), but for
    those whose key an earlier alias of the group has; the other records' names join as new
    aliases."""

    kept: _Record
    others: list[_Record]
    key: str
    prior: str | None
    rekeyed: list[tuple[int, str]]  # (alias row id, new key), key changed or row moved
    dropped: list[int]  # alias rows that repeat a key of the group
    added: list[tuple[str, str]]  # (other record's name, its key)


def _plan(group: list[_Record], key_of: Callable[[str], str]) -> _Plan | None:
    """The oldest record of `group` with every other name as an alias; None when the group
    is one record already stored that way."""
    kept, others = group[0], group[1:]
    seen: set[str] = set()
    rekeyed: list[tuple[int, str]] = []
    dropped: list[int] = []
    for record in group:
        for alias_id, alias, stored in record.aliases:
            key = key_of(alias)
            if key in seen:
                dropped.append(alias_id)
                continue
            seen.add(key)
            if key != stored or record is not kept:
                rekeyed.append((alias_id, key))
    added = []
    for record in others:
        key = key_of(record.name)
        if key not in seen:
            seen.add(key)
            added.append((record.name, key))
    key = key_of(kept.name)
    if not others and not rekeyed and not dropped and key == kept.key:
        return None
    prior = kept.prior or next((r.prior for r in others if r.prior), None)
    return _Plan(kept, others, key, prior, rekeyed, dropped, added)


def _clear(bind: sa.Connection, plan: _Plan) -> None:
    """Free the old keys of a changing group (a placeholder no key can be: keys never start
    with a space); the other records' aliases and hops now point at the kept record, and the
    other records go."""
    kept = plan.kept.id
    for alias_id, _ in plan.rekeyed:
        bind.execute(
            sa.update(_alias)
            .where(_alias.c.id == alias_id)
            .values(source_id=kept, alias_key=f" migrating alias {alias_id}")
        )
    if plan.dropped:
        bind.execute(sa.delete(_alias).where(_alias.c.id.in_(plan.dropped)))
    if plan.others:
        other_ids = [record.id for record in plan.others]
        bind.execute(sa.update(_hop).where(_hop.c.source_id.in_(other_ids)).values(source_id=kept))
        bind.execute(sa.delete(_source).where(_source.c.id.in_(other_ids)))
    bind.execute(
        sa.update(_source).where(_source.c.id == kept).values(name_key=f" migrating {kept}")
    )


def _store(bind: sa.Connection, plan: _Plan) -> None:
    """Write the group's new keys (all stale ones are gone by now)."""
    kept = plan.kept.id
    bind.execute(
        sa.update(_source)
        .where(_source.c.id == kept)
        .values(name_key=plan.key, prior_reliability=plan.prior)
    )
    for alias_id, key in plan.rekeyed:
        bind.execute(sa.update(_alias).where(_alias.c.id == alias_id).values(alias_key=key))
    if plan.added:
        bind.execute(
            sa.insert(_alias),
            [{"source_id": kept, "alias": alias, "alias_key": key} for alias, key in plan.added],
        )
