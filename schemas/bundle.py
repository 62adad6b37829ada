"""Records of the JSON Lines bundle (`factcheck export --format jsonl`), one model per line type.

Each line is validated on import, so a hand-edited or truncated bundle is refused with the
line number instead of half-loading a project. Timestamps travel as ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from schemas.vocab import Relation, SourceKind

BUNDLE_FORMAT = "factcheck-bundle"
BUNDLE_VERSION = 1


def _utc(value: Any) -> Any:
    """Naive timestamps are UTC (that is how every table stores them)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC) if isinstance(value, datetime) else value


Timestamp = Annotated[datetime, BeforeValidator(_utc)]
OptionalTimestamp = Annotated[datetime | None, BeforeValidator(_utc)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BundleHeader(_Record):
    """The first line: what the file is and which version of the format."""

    format: Literal["factcheck-bundle"]
    version: Literal[1]
    extra: dict[str, Any] = Field(default_factory=dict)


class SourceRecord(_Record):
    type: Literal["source"]
    name: str = Field(min_length=1, max_length=300)
    kind: SourceKind = SourceKind.unknown
    prior_reliability: str | None = Field(default=None, pattern="^[A-F]$")
    notes: str | None = None
    aliases: list[str] = Field(default_factory=list)
    created_at: Timestamp


class ReviewerRecord(_Record):
    """A reviewer without any credential: passwords never leave the database."""

    type: Literal["reviewer"]
    name: str = Field(min_length=1, max_length=100)
    role: str = Field(default="annotator", max_length=20)
    disabled: bool = False
    created_at: Timestamp


class ArticleRecord(_Record):
    type: Literal["article"]
    id: int = Field(ge=1)
    title: str = Field(max_length=500)
    outlet: str | None = None
    author: str | None = None
    url: str | None = None
    published_at: str | None = None
    text: str = Field(min_length=1)
    content_hash: str = Field(min_length=1, max_length=64)
    source_file: str | None = None
    html: str | None = None
    fetched_at: OptionalTimestamp = None
    created_at: Timestamp
    released_at: OptionalTimestamp = None


class ClaimRecord(_Record):
    type: Literal["claim"]
    id: int = Field(ge=1)
    article_id: int = Field(ge=1)
    position: int = Field(ge=0)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    kind: str = Field(max_length=20)
    dropped: bool = False
    # Absent from bundles written before check-worthiness scores (still version 1).
    checkworthiness: float | None = Field(default=None, ge=0, le=1)
    checkworthiness_reasons: list[str] | None = None
    updated_at: Timestamp


class HopRecord(_Record):
    """A chain hop; `source` names the registry record it links to (ids are not portable)."""

    name: str = Field(min_length=1, max_length=300)
    kind: SourceKind = SourceKind.unknown
    relation: Relation | None = None
    source: str | None = None


class AssessmentRecord(_Record):
    type: Literal["assessment"]
    id: int = Field(ge=1)
    claim_id: int = Field(ge=1)
    reviewer: str = Field(min_length=1, max_length=100)
    is_final: bool = False
    attribution_type: str | None = None
    speaker: str | None = None
    cue: str | None = None
    source_reliability: str | None = Field(default=None, pattern="^[A-F]$")
    information_credibility: int | None = Field(default=None, ge=1, le=6)
    translated: bool = False
    primary_source_url: str | None = None
    corroborated: bool = False
    corroborated_by: str | None = None
    notes: str | None = None
    sourcing_score: int | None = None
    spans: list[dict[str, Any]] | None = None
    suggestion_outcome: str | None = None
    needs_review: bool = False
    chain: list[HopRecord] = Field(default_factory=list)
    created_at: Timestamp
    updated_at: Timestamp


RECORD_TYPES: dict[str, type[BaseModel]] = {
    "source": SourceRecord,
    "reviewer": ReviewerRecord,
    "article": ArticleRecord,
    "claim": ClaimRecord,
    "assessment": AssessmentRecord,
}
# Records must come in this order: each refers only to kinds before it.
RECORD_ORDER: tuple[str, ...] = tuple(RECORD_TYPES)
