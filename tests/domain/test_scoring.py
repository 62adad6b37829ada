"""The suggested sourcing score (factcheck/domain/scoring.py), by its README promises, as properties
over generated chains: a longer chain never scores higher, all else equal; an intermediary
always costs something; the score stays within 0–100; every deduction is listed as a reason."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from factcheck.domain.scoring import sourcing_score
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind

# README, "Domain": the score starts at 90 and only subtracts, except that a
# known primary source adds back.
START = 90
REASON = re.compile(r"([+-])(\d+): \S.*", re.DOTALL)

hops = st.builds(
    ChainHop,
    name=st.text(min_size=1, max_size=20).filter(str.strip),
    kind=st.sampled_from(SourceKind),
    relation=st.none() | st.sampled_from(Relation),
)
chains = st.lists(hops, min_size=1, max_size=8)
types = st.none() | st.sampled_from(AttributionType)
primary = st.none() | st.just("https://example.org/transcript")


@given(chain=chains, hop=hops, where=st.data(), attribution=types, url=primary)
def test_a_longer_chain_never_scores_higher(
    chain: list[ChainHop],
    hop: ChainHop,
    where: st.DataObject,
    attribution: AttributionType | None,
    url: str | None,
) -> None:
    """One more hop anywhere (a new origin, an intermediary, a new publisher), all else equal."""
    position = where.draw(st.integers(0, len(chain)), label="position")
    longer = [*chain[:position], hop, *chain[position:]]
    before = sourcing_score(chain, attribution, url)
    after = sourcing_score(longer, attribution, url)
    assert after.score <= before.score, (before, after)


@given(chain=st.lists(hops, min_size=2, max_size=8), hop=hops, where=st.data(), attribution=types)
def test_an_intermediary_always_costs_something(
    chain: list[ChainHop], hop: ChainHop, where: st.DataObject, attribution: AttributionType | None
) -> None:
    """Inserted between origin and publisher, a hop lowers the score unless it is already 0,
    whatever its kind, and says so in the reasons."""
    position = where.draw(st.integers(1, len(chain) - 1), label="position")
    longer = [*chain[:position], hop, *chain[position:]]
    before = sourcing_score(chain, attribution)
    after = sourcing_score(longer, attribution)
    if before.score > 0:
        assert after.score < before.score, (before, after)
    assert any("intermediar" in reason for reason in after.reasons), after.reasons


@given(chain=st.lists(hops, max_size=12), attribution=types, url=primary)
def test_the_score_stays_within_0_and_100(
    chain: list[ChainHop], attribution: AttributionType | None, url: str | None
) -> None:
    score = sourcing_score(chain, attribution, url).score
    assert isinstance(score, int)
    assert 0 <= score <= 100


@given(chain=st.lists(hops, max_size=12), attribution=types, url=primary)
def test_every_deduction_is_listed_as_a_reason(
    chain: list[ChainHop], attribution: AttributionType | None, url: str | None
) -> None:
    """The reasons add up to the score (before it is held within 0–100), each with its points,
    and each hop of a penalised kind is named in one of them."""
    result = sourcing_score(chain, attribution, url)
    points = 0
    for reason in result.reasons:
        match = REASON.fullmatch(reason)
        assert match, f"a reason without its points: {reason!r}"
        assert int(match[2]) > 0, reason
        points += int(match[2]) if match[1] == "+" else -int(match[2])
    assert result.score == max(0, min(100, START + points)), (result, points)
    if result.score < START and not url:
        assert result.reasons, "a deduction without a reason"
    best = max(sourcing_score([ChainHop(name="x", kind=kind)]).score for kind in SourceKind)
    for hop in chain:
        if sourcing_score([ChainHop(name="x", kind=hop.kind)]).score < best:
            assert any(f"'{hop.name}'" in reason for reason in result.reasons), (hop, result)


@given(chain=chains, attribution=types)
def test_a_primary_source_never_lowers_the_score(
    chain: list[ChainHop], attribution: AttributionType | None
) -> None:
    without = sourcing_score(chain, attribution)
    with_url = sourcing_score(chain, attribution, "https://example.org/transcript")
    assert with_url.score >= without.score
    assert any(reason.startswith("+") for reason in with_url.reasons)


def test_translation_and_vague_attribution_are_deductions_with_reasons() -> None:
    """The named rules of the README each lower the score of the same chain and say why."""
    chain = [
        ChainHop(name="Alexander Stubb", kind=SourceKind.head_of_state),
        ChainHop(name="Reuters", kind=SourceKind.wire_agency, relation=Relation.reported_by),
    ]
    plain = sourcing_score(chain, AttributionType.direct_quote)
    translated = sourcing_score(
        [*chain[:1], chain[1].model_copy(update={"relation": Relation.translated_by})],
        AttributionType.direct_quote,
    )
    vague = sourcing_score(chain, AttributionType.vague)
    assert translated.score < plain.score
    assert any("translat" in reason for reason in translated.reasons)
    assert vague.score < plain.score
    assert any("vague" in reason for reason in vague.reasons)
