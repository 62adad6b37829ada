"""Validated records that cross a boundary: what a reviewer submits, what the CLI prints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from schemas.spans import ChainHop
from schemas.vocab import (
    CREDIBILITY_GRADES,
    RELIABILITY_GRADES,
    AttributionType,
    ClaimKind,
    Relation,
    SuggestionOutcome,
)


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]


def parse_reliability(value: Any) -> str | None:
    """'b' → 'B'; anything outside A–F is refused with the scale in the message."""
    value = _blank_to_none(value)
    if value is None:
        return None
    grade = str(value).strip().upper()
    if grade not in RELIABILITY_GRADES:
        raise ValueError(f"source reliability must be one of A–F, got {value!r}")
    return grade


def parse_credibility(value: Any) -> int | None:
    value = _blank_to_none(value)
    if value is None:
        return None
    try:
        grade = int(str(value).strip())
    except ValueError:
        grade = 0
    if grade not in CREDIBILITY_GRADES:
        raise ValueError(f"information credibility must be one of 1–6, got {value!r}")
    return grade


def parse_published(value: Any) -> str | None:
    """Accept a date or date-time in ISO 8601 and keep it as ISO text (minutes precision)."""
    value = _blank_to_none(value)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat(timespec="minutes")
    except ValueError:
        raise ValueError(
            f"published date must be ISO 8601 such as 2025-09-05 or 2025-09-05T09:20, got {text!r}"
        ) from None


Reliability = Annotated[str | None, BeforeValidator(parse_reliability)]
Credibility = Annotated[int | None, BeforeValidator(parse_credibility)]
Published = Annotated[str | None, BeforeValidator(parse_published)]


class ArticleMeta(BaseModel):
    """What a user may say about an article when importing it."""

    title: OptionalText = Field(default=None, max_length=500)
    outlet: OptionalText = Field(default=None, max_length=300)
    author: OptionalText = Field(default=None, max_length=300)
    url: OptionalText = Field(default=None, max_length=2000)
    published: Published = None


class AssessmentInput(BaseModel):
    """One reviewer's assessment of one claim, as submitted from the CLI, the UI or a CSV."""

    model_config = ConfigDict(str_strip_whitespace=True)

    attribution_type: AttributionType | None = None
    speaker: OptionalText = Field(default=None, max_length=300)
    cue: OptionalText = Field(default=None, max_length=300)
    chain: list[ChainHop] = Field(default_factory=list, max_length=50)
    source_reliability: Reliability = None
    information_credibility: Credibility = None
    translated: bool | None = None
    primary_source_url: OptionalText = Field(default=None, max_length=2000)
    corroborated: bool = False
    corroborated_by: OptionalText = Field(default=None, max_length=5000)
    notes: OptionalText = Field(default=None, max_length=20000)
    spans: list[dict[str, Any]] | None = None
    suggestion_outcome: SuggestionOutcome | None = None

    @field_validator("chain")
    @classmethod
    def _first_hop_has_no_relation(cls, chain: list[ChainHop]) -> list[ChainHop]:
        return [
            hop.model_copy(update={"relation": None}) if i == 0 else hop
            for i, hop in enumerate(chain)
        ]

    @property
    def has_content(self) -> bool:
        """Whether the reviewer said anything: a form with every field empty must never
        overwrite a stored assessment that has values (only an explicit clear may)."""
        return bool(
            self.attribution_type
            or self.speaker
            or self.cue
            or self.chain
            or self.source_reliability
            or self.information_credibility
            or self.translated
            or self.primary_source_url
            or self.corroborated
            or self.corroborated_by
            or self.notes
            or self.spans
        )

    @property
    def is_translated(self) -> bool:
        """Explicit flag wins; otherwise a `translated_by` hop marks the claim as translated."""
        if self.translated is not None:
            return self.translated
        return any(hop.relation == Relation.translated_by for hop in self.chain)


class ArticleSummary(BaseModel):
    """`factcheck articles --json` row."""

    article_id: int
    title: str
    outlet: str | None
    claims: int


class ImportedArticle(BaseModel):
    """`factcheck import --json` row."""

    article_id: int
    title: str
    claims: int


class ClaimRecord(BaseModel):
    """`factcheck claims ID --json` row."""

    claim_id: int
    index: int
    start: int
    end: int
    text: str
    kind: ClaimKind
    checkworthiness: float | None = None  # 0–1; None only for a claim not scored yet
