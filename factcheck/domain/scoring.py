"""The suggested sourcing score (0-100) of a claim, computed from its chain, with reasons.

The rules (README, "Domain"; docs/domain.md): start at 90 and subtract for each intermediary
between origin and publisher, for a translation, for anonymous and vague attribution, and for
the weakest hop, since a chain is no more reliable than its weakest hop. A hop's reliability is
its prior grade in the sources registry where known (A-E), otherwise what its kind says
(anonymous, social media, state media, aggregator); a hop nobody has graded is unknown, not
bad, and costs nothing by itself (issue 15). A known primary source adds back.

Every rule only subtracts (except the primary source, which does not depend on the chain), and
the weakest-hop deduction is the largest of the hops' own, so a longer chain never scores
higher, all else equal, and replacing a hop by a less reliable one never raises the score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from factcheck.domain.names import name_key
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind

BASE_SCORE = 90
PER_INTERMEDIARY = 8
TRANSLATION_PENALTY = 10
PRIMARY_SOURCE_BONUS = 10

# A hop's prior reliability grade (STANAG 2511) and what it costs as the weakest hop. F ("cannot
# be judged") is no grade: the hop's kind decides, as for a hop the registry does not hold.
GRADE_PENALTY: dict[str, int] = {"A": 0, "B": 3, "C": 8, "D": 16, "E": 25}
# What a hop's kind costs when no grade is known.
KIND_PENALTY: dict[SourceKind, int] = {
    SourceKind.anonymous: 30,
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

# A hop's name -> its prior grade ("A"-"F"), or None where the registry has none.
Priors = Mapping[str, str] | Callable[[str], str | None]


@dataclass(frozen=True)
class SourcingScore:
    score: int
    reasons: list[str] = field(default_factory=list)


def prior_grade(hop: ChainHop, priors: Priors | None) -> str | None:
    """The registry's prior reliability grade of a hop (A-E), or None when not known or F."""
    if priors is None:
        return None
    if callable(priors):
        grade = priors(hop.name)
    else:
        grade = priors.get(hop.name) or priors.get(name_key(hop.name))
    grade = (grade or "").strip().upper()
    return grade if grade in GRADE_PENALTY else None


def hop_penalty(hop: ChainHop, priors: Priors | None = None) -> tuple[int, str]:
    """What a hop costs as the weakest of its chain, and why."""
    grade = prior_grade(hop, priors)
    if grade is not None:
        return GRADE_PENALTY[grade], f"prior grade {grade}"
    return KIND_PENALTY.get(hop.kind, 0), hop.kind.value


def sourcing_score(
    chain: Sequence[ChainHop],
    attribution_type: AttributionType | str | None = None,
    primary_source_url: str | None = None,
    priors: Priors | None = None,
) -> SourcingScore:
    """Score how well a claim is sourced: short chains of known, direct sources score high.

    `priors` gives the sources registry's prior grades by hop name (a mapping, keyed by name
    or name key, or a function); without it every hop is judged by its kind."""
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
        # The weakest hop: the first of the most costly (the origin before the publisher).
        weakest = max(range(len(chain)), key=lambda k: (hop_penalty(chain[k], priors)[0], -k))
        points, why = hop_penalty(chain[weakest], priors)
        role = "origin" if weakest == 0 else "publisher" if weakest == len(chain) - 1 else "hop"
        take(points, f"weakest hop: {role} '{chain[weakest].name}' is {why}")
        if any(hop.relation == Relation.translated_by for hop in chain):
            take(TRANSLATION_PENALTY, "translated: wording may differ from the original")
    if attribution_type:
        kind = AttributionType(attribution_type)
        take(TYPE_PENALTY.get(kind, 0), f"attribution is {kind.value}")
    if primary_source_url:
        score += PRIMARY_SOURCE_BONUS
        reasons.append(f"+{PRIMARY_SOURCE_BONUS}: primary source available")
    return SourcingScore(max(0, min(100, score)), reasons)
