"""Chains as text ("A > B > C") and as hops: parsing what users type, filling in kinds from the
registry and relations from the attribution type."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from factcheck.errors import InputError
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind

KindLookup = Callable[[str], SourceKind | None]

E = TypeVar("E", bound=Enum)

LAST_HOP_RELATION: dict[AttributionType | None, Relation] = {
    AttributionType.direct_quote: Relation.quoted_by,
    AttributionType.mixed: Relation.quoted_by,
    AttributionType.indirect: Relation.paraphrased_by,
    AttributionType.vague: Relation.reported_by,
    AttributionType.anonymous: Relation.reported_by,
}


def split_chain_text(text: str | None) -> list[str]:
    """'A > B > C' → ['A', 'B', 'C']; also accepts → as the separator."""
    if not text or not text.strip():
        return []
    parts = [part.strip() for part in text.replace("→", ">").split(">")]
    if any(not part for part in parts):
        raise InputError(f"chain {text!r} has an empty hop; separate names with ' > '")
    return parts


def _enum_list(text: str | None, enum: type[E], label: str, count: int) -> list[E | None] | None:
    if text is None or not text.strip():
        return None
    values = [part.strip() for part in text.replace("→", ">").split(">")]
    if len(values) != count:
        raise InputError(f"{label} lists {len(values)} values for a chain of {count} hops")
    parsed: list[E | None] = []
    for value in values:
        if value in ("", "-"):
            parsed.append(None)
            continue
        try:
            parsed.append(enum(value))
        except ValueError:
            known = ", ".join(member.value for member in enum)
            raise InputError(f"unknown {label[:-1]} {value!r}; use one of: {known}") from None
    return parsed


def build_chain(
    names: list[str],
    *,
    kinds: str | None = None,
    relations: str | None = None,
    attribution_type: AttributionType | None = None,
    lookup_kind: KindLookup | None = None,
) -> list[ChainHop]:
    """Hops for `names`: kinds given explicitly win, then the registry's, then `unknown`;
    relations given explicitly win, then a default by position and attribution type."""
    kind_list = _enum_list(kinds, SourceKind, "kinds", len(names)) or [None] * len(names)
    relation_list = _enum_list(relations, Relation, "relations", len(names)) or [None] * len(names)
    hops = []
    for position, name in enumerate(names):
        kind = (
            kind_list[position]
            or (lookup_kind(name) if lookup_kind else None)
            or SourceKind.unknown
        )
        relation = relation_list[position]
        if position == 0:
            relation = None
        elif relation is None:
            last = position == len(names) - 1
            relation = (
                LAST_HOP_RELATION.get(attribution_type, Relation.reported_by)
                if last
                else Relation.reported_by
            )
        hops.append(ChainHop(name=name, kind=kind, relation=relation))
    return hops
