"""schema.org ClaimReview output: every review valid by the field rules (required fields,
non-empty claimReviewed, ratingValue inside its stated bestRating/worstRating), the documented
Admiralty mapping, and the export filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck.interchange.claimreview import rating_value, validate_claimreview
from factcheck.store.engine import make_engine
from tests.cli.test_cli import Cli
from tests.interchange.test_bundle import build_project

# The documented mapping: credibility → (ratingValue, alternateName).
MAPPING = {
    1: (5, "Confirmed by other sources"),
    2: (4, "Probably true"),
    3: (3, "Possibly true"),
    4: (2, "Doubtful"),
    5: (1, "Improbable"),
    6: (None, "Truth cannot be judged"),
}


def reviews(run: Cli, tmp_path: Path, *args: str) -> list[dict]:
    out = tmp_path / "reviews.jsonl"
    written = run.json("export", "--format", "claimreview", "--out", str(out), *args)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written["rows"] == len(lines)
    return lines


def test_every_rated_assessment_becomes_a_valid_claimreview(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    ids = build_project(engine)
    engine.dispose()
    run = Cli(db_url)
    found = reviews(run, tmp_path)
    # ana B2, ben 6, cleo's final A1; ana's ungraded rating of the other article is not a review.
    assert len(found) == 3
    for review in found:
        assert validate_claimreview(review) == [], review
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        rating = review["reviewRating"]
        assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
        assert review["claimReviewed"].strip()
        appearance = review["itemReviewed"]["appearance"][0]
        assert appearance["url"] == "https://example.org/nato"
        assert appearance["publisher"] == {"@type": "Organization", "name": "ZeroHedge"}
        assert review["url"].startswith(f"urn:factcheck:claim:{ids['claim']}:assessment:")

    by_author = {r["author"]["name"]: r for r in found}
    ana = by_author["ana"]
    assert ana["reviewRating"]["ratingValue"] == 4
    assert ana["reviewRating"]["alternateName"] == "Probably true"
    explanation = ana["reviewRating"]["ratingExplanation"]
    assert explanation.startswith("Admiralty grade B2: source usually reliable, information")
    assert "Chain: Alexander Stubb > Finnish media > Reuters > ZeroHedge." in explanation
    assert "Corroborated by: Reuters wire copy." in explanation
    assert ana["itemReviewed"]["author"] == {"@type": "Person", "name": "Alexander Stubb"}
    assert ana["itemReviewed"]["firstAppearance"]["url"] == "https://example.org/primary"

    ben = by_author["ben"]  # credibility 6: a verdict text, no point on the scale
    assert "ratingValue" not in ben["reviewRating"]
    assert ben["reviewRating"]["alternateName"] == "Truth cannot be judged"
    assert by_author["cleo"]["reviewRating"]["ratingValue"] == 5


def test_filters_organization_and_review_url(sqlite_url: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url)
    build_project(engine)
    engine.dispose()
    run = Cli(sqlite_url)
    final = reviews(
        run,
        tmp_path,
        "--final-only",
        "--organization",
        "Example Checks",
        "--review-url",
        "https://checks.example.org/",
    )
    assert len(final) == 1
    (review,) = final
    assert review["author"] == {"@type": "Organization", "name": "Example Checks"}
    assert review["url"].startswith("https://checks.example.org/claims/")
    assert reviews(run, tmp_path, "--reviewer", "ben")[0]["author"]["name"] == "ben"
    assert reviews(run, tmp_path, "--to", "2000-01-01") == []
    assert len(reviews(run, tmp_path, "--from", "2000-01-01")) == 3


@pytest.mark.parametrize("credibility", sorted(MAPPING))
def test_admiralty_mapping_is_the_documented_one(credibility: int) -> None:
    value, verdict = MAPPING[credibility]
    assert rating_value(credibility) == value
    from factcheck.interchange.claimreview import verdict as verdict_of

    assert verdict_of(credibility) == verdict


GOOD = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "claimReviewed": "Troops will be deployed.",
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Probably true",
    },
    "itemReviewed": {"@type": "Claim"},
    "author": {"@type": "Organization", "name": "Example Checks"},
    "datePublished": "2025-09-05",
    "url": "https://checks.example.org/claims/1",
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"claimReviewed": "   "}, "claimReviewed is empty"),
        ({"claimReviewed": None}, "missing claimReviewed"),
        ({"url": ""}, "missing url"),
        ({"reviewRating": {**GOOD["reviewRating"], "ratingValue": 7}}, "outside [1, 5]"),
        ({"reviewRating": {**GOOD["reviewRating"], "ratingValue": 0}}, "outside [1, 5]"),
        ({"reviewRating": {**GOOD["reviewRating"], "bestRating": None}}, "numeric bestRating"),
        ({"reviewRating": {**GOOD["reviewRating"], "alternateName": ""}}, "alternateName"),
        ({"itemReviewed": {"@type": "Article"}}, "must be a Claim"),
        ({"@type": "Review"}, "must be ClaimReview"),
    ],
)
def test_validator_catches_what_a_feed_would_reject(change: dict, problem: str) -> None:
    assert validate_claimreview(GOOD) == []
    problems = validate_claimreview({**GOOD, **change})
    assert any(problem in p for p in problems), problems
