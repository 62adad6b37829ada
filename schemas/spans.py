"""Character spans and chain hops: the shapes every text feature exchanges."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.vocab import AttributionType, Relation, SourceKind


class Span(BaseModel):
    """A half-open character range of an article's text, with the text it covers."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} is before start {self.start}")
        return self


class ChainHop(BaseModel):
    """One intermediary a statement passed through; `relation` links it to the hop before."""

    name: str = Field(min_length=1, max_length=300)
    kind: SourceKind = SourceKind.unknown
    relation: Relation | None = None


class SuggestedAttribution(BaseModel):
    """One attribution found in a text, as `factcheck suggest --json` prints it."""

    attribution_type: AttributionType
    source: Span | None = None
    cue: Span | None = None
    content: Span | list[Span]
    chain: list[ChainHop] = Field(default_factory=list)
    score: int = Field(ge=0, le=100, default=50)
    speaker: str | None = None
    reasons: list[str] = Field(default_factory=list)
