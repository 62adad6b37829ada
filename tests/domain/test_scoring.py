"""The suggested sourcing score (factcheck/domain/scoring.py), by its README promises, as properties
over generated chains: a longer chain never scores higher, all else equal; an intermediary
always costs something; replacing a hop by a less reliable one never raises the score; an
unknown outlet is unknown, not bad; the score stays within 0–100; every deduction is listed
as a reason."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from factcheck.domain.scoring import GRADE_PENALTY, hop_penalty, sourcing_score
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
    # The weakest hop is named whenever it costs something.
    costly = [hop for hop in chain if hop_penalty(hop)[0] > 0]
    if costly:
        assert any("weakest hop" in reason for reason in result.reasons), result
        worst = max(hop_penalty(hop)[0] for hop in chain)
        assert any(
            f"'{hop.name}'" in reason
            for hop in chain
            if hop_penalty(hop)[0] == worst
            for reason in result.reasons
        ), result


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


GRADES = "ABCDE"
graded = st.dictionaries(
    st.text(min_size=1, max_size=20).filter(str.strip), st.sampled_from(GRADES)
)


@given(chain=chains, where=st.data(), attribution=types, url=primary, priors=graded)
def test_a_less_reliable_hop_never_raises_the_score(
    chain: list[ChainHop],
    where: st.DataObject,
    attribution: AttributionType | None,
    url: str | None,
    priors: dict[str, str],
) -> None:
    """Issue 15: one hop replaced by one whose prior grade is worse (or, ungraded, whose kind
    costs more), all else equal, never scores higher."""
    k = where.draw(st.integers(0, len(chain) - 1), label="position")
    hop = chain[k]
    before = sourcing_score(chain, attribution, url, priors)
    penalty = hop_penalty(hop, priors)[0]
    worse_grades = [g for g in GRADES if GRADE_PENALTY[g] >= penalty]
    if worse_grades:
        grade = where.draw(st.sampled_from(worse_grades), label="grade")
        name = "\u2063graded"  # a name no other hop has, so only this hop takes the grade
        replaced = [*chain[:k], hop.model_copy(update={"name": name}), *chain[k + 1 :]]
        after = sourcing_score(replaced, attribution, url, {**priors, name: grade})
        assert after.score <= before.score, (before, after)
    worse_kinds = [
        kind for kind in SourceKind if hop_penalty(ChainHop(name="x", kind=kind))[0] >= penalty
    ]
    kind = where.draw(st.sampled_from(worse_kinds), label="kind")
    ungraded = hop.model_copy(update={"kind": kind, "name": "\u2063ungraded"})
    replaced = [*chain[:k], ungraded, *chain[k + 1 :]]
    assert sourcing_score(replaced, attribution, url, priors).score <= before.score


def test_an_unknown_outlet_is_unknown_not_bad() -> None:
    """Issue 15: an outlet the registry does not hold costs nothing by itself, so an
    aggregator's quote of an unnamed analyst no longer outscores a minister's words via
    Reuters and The Guardian on an unknown site."""
    known = [
        ChainHop(name="Anna Berg", kind=SourceKind.official),
        ChainHop(name="Reuters", kind=SourceKind.wire_agency, relation=Relation.quoted_by),
        ChainHop(name="The Guardian", kind=SourceKind.newspaper, relation=Relation.reported_by),
        ChainHop(name="Obscure Site", kind=SourceKind.unknown, relation=Relation.republished_by),
    ]
    priors = {"Reuters": "B", "The Guardian": "B", "ZeroHedge": "D"}
    minister = sourcing_score(known, AttributionType.direct_quote, priors=priors)
    assert not any("Obscure Site" in reason for reason in minister.reasons), minister
    analyst = sourcing_score(
        [
            ChainHop(name="a Russian analyst", kind=SourceKind.anonymous),
            ChainHop(name="ZeroHedge", kind=SourceKind.aggregator, relation=Relation.quoted_by),
        ],
        AttributionType.anonymous,
        priors=priors,
    )
    assert minister.score > analyst.score, (minister, analyst)
    alone = sourcing_score([ChainHop(name="Obscure Site", kind=SourceKind.unknown)])
    assert alone.score == START, alone


def test_the_registry_grade_decides_the_weakest_hop() -> None:
    chain = [
        ChainHop(name="Anna Berg", kind=SourceKind.official),
        ChainHop(name="ZeroHedge", kind=SourceKind.aggregator, relation=Relation.quoted_by),
    ]
    by_kind = sourcing_score(chain)
    by_grade = sourcing_score(chain, priors={"zerohedge": "D"})  # keyed by the name key
    assert by_grade.score == START - GRADE_PENALTY["D"] < by_kind.score
    assert any("prior grade D" in reason for reason in by_grade.reasons)
    graded_b = sourcing_score(chain, priors=lambda name: "B" if name == "ZeroHedge" else None)
    assert graded_b.score == START - GRADE_PENALTY["B"]
