"""The controlled vocabulary of the domain (see docs/domain.md), in one place."""

from __future__ import annotations

from enum import StrEnum


class AttributionType(StrEnum):
    direct_quote = "direct_quote"
    indirect = "indirect"
    mixed = "mixed"
    vague = "vague"
    anonymous = "anonymous"
    unattributed = "unattributed"


class ClaimKind(StrEnum):
    factual = "factual"
    opinion = "opinion"
    prediction = "prediction"
    framing = "framing"


class SourceKind(StrEnum):
    head_of_state = "head_of_state"
    official = "official"
    government_body = "government_body"
    state_media = "state_media"
    wire_agency = "wire_agency"
    newspaper = "newspaper"
    broadcaster = "broadcaster"
    national_media = "national_media"
    aggregator = "aggregator"
    social_media = "social_media"
    analyst = "analyst"
    expert = "expert"
    ngo = "ngo"
    company = "company"
    anonymous = "anonymous"
    unknown = "unknown"


class Relation(StrEnum):
    told_to = "told_to"
    reported_by = "reported_by"
    quoted_by = "quoted_by"
    paraphrased_by = "paraphrased_by"
    translated_by = "translated_by"
    republished_by = "republished_by"
    headline_paraphrase = "headline_paraphrase"


class Role(StrEnum):
    annotator = "annotator"
    adjudicator = "adjudicator"
    admin = "admin"


class SuggestionOutcome(StrEnum):
    """What a reviewer did with the tool's suggestion when saving."""

    accepted = "accepted"
    edited = "edited"
    rejected = "rejected"


RELIABILITY_MEANINGS: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

CREDIBILITY_MEANINGS: dict[int, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}

RELIABILITY_GRADES = tuple(RELIABILITY_MEANINGS)
CREDIBILITY_GRADES = tuple(CREDIBILITY_MEANINGS)


def grade(reliability: str | None, credibility: int | None) -> str:
    """The Admiralty grade as it is written: the two judgements together ("B2"); a part not
    given is left out ("B", "2"), and no grade at all is "". Every screen, command and export
    writes grades through this one function (the Assessment model's `grade` property)."""
    return f"{reliability or ''}{credibility or ''}"


CHAIN_SEPARATOR = " > "
