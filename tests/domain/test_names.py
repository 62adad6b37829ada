"""THE name key (issue 12, issue 14): one function for people and outlets, used by the
registry, the suggester's directory, agreement, the Review page and the exports."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session

from factcheck.domain import agreement, names, source_names
from factcheck.domain.agreement import Rating, chain_agreement
from factcheck.domain.names import name_key
from factcheck.interchange import bundle, claimreview
from factcheck.services import review, sources
from factcheck.services.assessments import AssessmentView
from factcheck.store.models import Assessment
from schemas.spans import ChainHop
from schemas.vocab import SourceKind

# Names as they come: letters, the framing the key drops, typographic apostrophes, odd spaces.
NAMES = st.lists(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(["the ", "The ", "THE ", "'s", "\u2019s", ".", ",", ";", ":", " ", "\t"]),
    ),
    max_size=20,
).map("".join)


@given(NAMES)
def test_the_key_of_a_key_is_itself(name: str) -> None:
    assert name_key(name_key(name)) == name_key(name)


@given(NAMES)
def test_a_non_blank_name_never_gets_the_empty_key(name: str) -> None:
    if name.strip():
        assert name_key(name)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("The Guardian", "Guardian"),
        ("the  Guardian.", "GUARDIAN"),
        ("Guardian\u2019s", "Guardian's"),
        ("Reuters:", "reuters"),
        ("Vladimir\u00a0Putin", "vladimir putin"),
        ("\uff21\uff26\uff30", "AFP"),  # full-width letters: NFKC
    ],
)
def test_spellings_of_one_source_share_a_key(one: str, other: str) -> None:
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(("name", "key"), [("The", "the"), ("...", "..."), ("the 's", "'s")])
def test_a_drop_that_would_leave_nothing_is_not_made(name: str, key: str) -> None:
    assert name_key(name) == key


def test_every_module_uses_the_one_function() -> None:
    for module in (sources, source_names, agreement, review, claimreview, bundle):
        assert module.name_key is names.name_key, module.__name__
    for gone in ((source_names, "_key"), (agreement, "_name_key"), (review, "_norm_text")):
        assert not hasattr(*gone), gone


def test_the_suggesters_directory_and_the_registry_agree(engine: Engine) -> None:
    directory = source_names.SourceDirectory.starter()
    assert directory.resolve("Guardian") == directory.resolve("The Guardian's")
    assert directory.resolve("Guardian") == ("The Guardian", SourceKind.newspaper)
    with Session(engine) as session:
        found = {sources.find_source(session, n).id for n in ("Guardian", "the guardian\u2019s")}  # type: ignore[union-attr]
        assert len(found) == 1
        assert sources.find_source(session, "The Guardian").name == "The Guardian"  # type: ignore[union-attr]


def test_chain_agreement_and_review_compare_by_the_key() -> None:
    ratings = [
        Rating(1, "ana", chain=("Vladimir Putin", "The Guardian", "ZeroHedge")),
        Rating(1, "bob", chain=("vladimir  putin", "Guardian", "ZeroHedge.")),
    ]
    assert chain_agreement(ratings)["exact_match_share"] == 1.0

    def view(speaker: str, cue: str, hops: list[str]) -> AssessmentView:
        chain = [ChainHop(name=h, kind=SourceKind.unknown) for h in hops]
        return AssessmentView(
            Assessment(claim_id=1, reviewer_id=1, speaker=speaker, cue=cue), chain, "x"
        )

    ana = view("The Guardian", "said", ["The Guardian", "ZeroHedge"])
    bob = view("Guardian's", "Said ", ["guardian", "zerohedge"])
    assert review.disagreements([ana, bob]) == []
    # A cue is wording, not a name: "the" in it is not dropped.
    assert review.field_value(view("x", "the said", []), "cue") != review.field_value(ana, "cue")
