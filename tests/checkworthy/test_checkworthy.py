"""The check-worthiness model: shipped weights load without a network, scores transfer to news
prose (page furniture, headlines and opinions low; numbers and named institutions high), kinds
and reasons, and the split's claims scored the way an import stores them."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from factcheck import checkworthy
from factcheck.checkworthy import (
    DEFAULT_THRESHOLD,
    WEIGHTS_PATH,
    Model,
    assess,
    load_model,
    score_claims,
    score_text,
)
from factcheck.domain.split import split_into_claims
from schemas.vocab import ClaimKind
from tests.conftest import DEMO_EXPECTED, DEMO_TEXT

# What ten real web pages turned into "factual claims" before (issue 20), and more of the kind.
FURNITURE = [
    "Click through for the whole thing.",
    "(via Geeks Are Sexy)",
    "Tech",
    "Sponsored: The best VPN deals of 2025",
    "This post is sponsored by NordVPN.",
    "Subscribe to our newsletter for more.",
    "Read more: How the Fed decides interest rates",
    "Photo: Getty Images",
    "Related: Five things to watch this week",
    "Apple Unveils New iPhone With Bigger Battery",
]
NEWS_CLAIMS = [
    "The unemployment rate fell to 3.9 percent in March, the Labor Department said on Friday.",
    "The company reported revenue of $4.2 billion for the quarter, up 12% from a year earlier.",
    "The bill passed the Senate 52-48 on Tuesday.",
    "Scientists at MIT found that the new battery lasts twice as long.",
]
OPINIONS = [
    "I think this is a terrible idea.",
    "It was a beautiful day.",
    "What does this mean for you?",
]


def test_the_shipped_weights_load_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    load_model.cache_clear()
    try:
        model = load_model()
        assert WEIGHTS_PATH.is_file() and WEIGHTS_PATH.parent == Path(checkworthy.__file__).parent
        assert len(model.vocabulary) > 10_000
        assert assess(NEWS_CLAIMS[:1])[0].score > DEFAULT_THRESHOLD
    finally:
        load_model.cache_clear()


def test_the_weights_round_trip(tmp_path: Path) -> None:
    model = load_model()
    model.save(tmp_path / "w.npz")
    again = Model.load(tmp_path / "w.npz")
    assert again.vocabulary == model.vocabulary and again.bias == model.bias
    assert [j.score for j in again.assess(NEWS_CLAIMS)] == [j.score for j in assess(NEWS_CLAIMS)]


@pytest.mark.parametrize("line", FURNITURE)
def test_page_furniture_and_headlines_score_low(line: str) -> None:
    judged = score_text(line)
    assert judged.score < 0.1, (line, judged)
    assert judged.reasons, "a low score says why"


@pytest.mark.parametrize("line", FURNITURE[:-1])
def test_page_furniture_is_framing_not_factual(line: str) -> None:
    assert score_text(line).kind is ClaimKind.framing


@pytest.mark.parametrize("sentence", NEWS_CLAIMS)
def test_numbers_and_named_institutions_score_high(sentence: str) -> None:
    judged = score_text(sentence)
    assert judged.score > 0.6, (sentence, judged)
    assert judged.kind is ClaimKind.factual


@pytest.mark.parametrize("sentence", OPINIONS)
def test_opinions_and_questions_score_low(sentence: str) -> None:
    assert score_text(sentence).score < 0.3


def test_reasons_read_as_a_reviewer_would_say_them() -> None:
    high = score_text(NEWS_CLAIMS[0])
    assert "a number" in high.reasons or any("number" in r for r in high.reasons)
    low = score_text("I think we will win this.")
    assert "first person" in low.reasons or "first-person opinion" in low.reasons
    assert score_text("Prices will keep rising next year.").kind is ClaimKind.prediction
    assert "future tense" in score_text("Prices will keep rising next year.").reasons


def test_scores_are_deterministic_and_in_range() -> None:
    texts = FURNITURE + NEWS_CLAIMS + OPINIONS + ["", " ", "…", "0"]
    first = assess(texts)
    assert first == assess(texts)
    assert all(0.0 <= j.score <= 1.0 for j in first)


def test_demo_claims_scored_with_the_reference_kinds() -> None:
    import json

    text = DEMO_TEXT.read_text(encoding="utf-8")
    expected = json.loads(DEMO_EXPECTED.read_text(encoding="utf-8"))
    split = score_claims(split_into_claims(text))
    assert all(c.checkworthiness is not None for c in split.claims)
    for ref in expected["claims"]:
        (claim,) = [c for c in split.claims if ref["anchor"] in c.text]
        assert claim.kind == ref.get("claim_kind", "factual"), claim.text
    framing = [c.text for c in split.claims if c.kind is ClaimKind.framing]
    assert framing == ["One such example is featured in The Guardian as follows:"]

    def score(start: str) -> float:
        (claim,) = [c for c in split.claims if c.text.startswith(start)]
        return claim.checkworthiness or 0.0

    assert score("NATO Troops In Ukraine") < 0.1  # the headline
    assert score("French president Emmanuel Macron") > 0.8
    assert score("The Kremlin’s position") < 0.1  # the publisher's opinion
    worthy = [c for c in split.claims if (c.checkworthiness or 0.0) >= DEFAULT_THRESHOLD]
    assert 3 <= len(worthy) <= 8


def test_an_already_scored_split_is_left_as_it_is() -> None:
    split = score_claims(split_into_claims("Revenue rose 5% in 2024. I like it."))
    assert score_claims(split) is split
