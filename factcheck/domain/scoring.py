"""The suggested sourcing score (0-100) of a claim, computed from its chain, with reasons.

Every rule only subtracts (except a known primary source, which does not depend on the chain),
so adding a hop can never raise the score: a longer chain never scores higher, all else equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind

BASE_SCORE = 90
PER_INTERMEDIARY = 8
TRANSLATION_PENALTY = 10
PRIMARY_SOURCE_BONUS = 10

# Applied to every hop of that kind, wherever it sits, so inserting a hop never lowers the sum.
KIND_PENALTY: dict[SourceKind, int] = {
    SourceKind.anonymous: 30,
    SourceKind.unknown: 20,
    SourceKind.social_media: 15,
    SourceKind.state_media: 12,
    SourceKind.aggregator: 6,
}
TYPE_PENALTY: dict[AttributionType, int] = {
    AttributionType.vague: 20,
    AttributionType.anonymous: 25,
    AttributionType.unattributed: 15,
    AttributionType.indirect: 5,
}


@dataclass(frozen=True)
class SourcingScore:
    score: int
    reasons: list[str] = field(default_factory=list)


def sourcing_score(
    chain: Sequence[ChainHop],
    attribution_type: AttributionType | str | None = None,
    primary_source_url: str | None = None,
) -> SourcingScore:
    """Score how well a claim is sourced: short chains of known, direct sources score high."""
    score = BASE_SCORE
    reasons: list[str] = []

    def take(points: int, why: str) -> None:
        nonlocal score
        if points:
            score -= points
            reasons.append(f"-{points}: {why}")

    if not chain:
        take(30, "no chain recorded: the origin of the statement is unknown")
    else:
        middle = len(chain) - 2
        if middle > 0:
            take(
                PER_INTERMEDIARY * middle,
                f"{middle} intermediar{'y' if middle == 1 else 'ies'} between origin and publisher",
            )
        for position, hop in enumerate(chain):
            role = (
                "origin" if position == 0 else "publisher" if position == len(chain) - 1 else "hop"
            )
            take(KIND_PENALTY.get(hop.kind, 0), f"{role} '{hop.name}' is {hop.kind.value}")
        if any(hop.relation == Relation.translated_by for hop in chain):
            take(TRANSLATION_PENALTY, "translated: wording may differ from the original")
    if attribution_type:
        kind = AttributionType(attribution_type)
        take(TYPE_PENALTY.get(kind, 0), f"attribution is {kind.value}")
    if primary_source_url:
        score += PRIMARY_SOURCE_BONUS
        reasons.append(f"+{PRIMARY_SOURCE_BONUS}: primary source available")
    return SourcingScore(max(0, min(100, score)), reasons)
