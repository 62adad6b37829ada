"""SQLModel tables: articles, claims, sources (with aliases), reviewers, assessments, chain hops,
the history of changes and reviewers' unsaved drafts.

Column changes need an Alembic migration in factcheck/store/migrations/versions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from schemas.vocab import grade


def utcnow() -> datetime:
    return datetime.now(UTC)


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    outlet: str | None = Field(default=None, max_length=300, index=True)
    author: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=2000)
    published_at: str | None = Field(default=None, max_length=40)
    text: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64, unique=True)
    source_file: str | None = Field(default=None, max_length=500)
    html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    fetched_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)
    released_at: datetime | None = None
    # Bumped by database triggers whenever the article's claims or assessments change
    # (migration 0003): a cheap "has anything changed?" for the pages' caches.
    revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Claim(SQLModel, table=True):
    __table_args__ = (Index("ix_claim_article_position", "article_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    position: int = 0
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(default="factual", max_length=20)
    dropped: bool = False
    updated_at: datetime = Field(default_factory=utcnow)
    # How much the claim deserves checking (0–1) and why, from `factcheck.checkworthy`,
    # computed from its text at import and after each boundary edit (migration 0007).
    checkworthiness: float | None = None
    checkworthiness_reasons: list[str] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    name_key: str = Field(max_length=300, unique=True)
    kind: str = Field(default="unknown", max_length=30)
    prior_reliability: str | None = Field(default=None, max_length=1)
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)


class SourceAlias(SQLModel, table=True):
    __tablename__ = "source_alias"

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE", index=True)
    alias: str = Field(max_length=300)
    alias_key: str = Field(max_length=300, unique=True)


class Reviewer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    role: str = Field(default="annotator", max_length=20)
    password_hash: str | None = Field(default=None, max_length=300)
    disabled: bool = False
    failed_signins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Assessment(SQLModel, table=True):
    """One reviewer's judgement of one claim; `is_final` marks the adjudicator's settlement."""

    __table_args__ = (
        UniqueConstraint(
            "claim_id", "reviewer_id", "is_final", name="uq_assessment_claim_reviewer"
        ),
        Index("ix_assessment_reviewer", "reviewer_id"),
        Index("ix_assessment_reviewer_outcome", "reviewer_id", "suggestion_outcome"),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="reviewer.id", ondelete="CASCADE")
    is_final: bool = False
    attribution_type: str | None = Field(default=None, max_length=20)
    speaker: str | None = Field(default=None, max_length=300)
    cue: str | None = Field(default=None, max_length=300)
    source_reliability: str | None = Field(default=None, max_length=1)
    information_credibility: int | None = None
    translated: bool = False
    primary_source_url: str | None = Field(default=None, max_length=2000)
    corroborated: bool = False
    corroborated_by: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    notes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    sourcing_score: int | None = None
    spans: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    suggestion_outcome: str | None = Field(default=None, max_length=20)
    needs_review: bool = False
    # Bumped by every save of the assessment's content (not by the needs_review flag): a save
    # names the version it started from and is refused if the row moved on (migration 0004).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def grade(self) -> str:
        """The Admiralty grade as written, e.g. "B2" ("" when not graded)."""
        return grade(self.source_reliability, self.information_credibility)


class ChainHopRow(SQLModel, table=True):
    """A hop of an assessment's chain; `position` 0 is the origin, the last is the publisher."""

    __tablename__ = "chain_hop"
    __table_args__ = (UniqueConstraint("assessment_id", "position", name="uq_chain_hop_position"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE")
    position: int
    name: str = Field(max_length=300)
    kind: str = Field(default="unknown", max_length=30)
    relation: str | None = Field(default=None, max_length=30)
    source_id: int | None = Field(
        default=None, foreign_key="source.id", ondelete="SET NULL", index=True
    )


class HistoryEntry(SQLModel, table=True):
    """One recorded change of an article's claims (boundaries, kind) or of an assessment: who,
    when, and the state before and after, so every change can be seen and boundary changes
    undone exactly (migration 0004)."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_article", "article_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    reviewer_id: int | None = Field(default=None, foreign_key="reviewer.id", ondelete="SET NULL")
    actor: str = Field(default="", max_length=100)
    kind: str = Field(max_length=20)  # "claims" or "assessment"
    action: str = Field(max_length=20)
    summary: str = Field(default="", sa_column=Column(Text, nullable=False))
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    undone_at: datetime | None = None
    undoes_id: int | None = None


class Draft(SQLModel, table=True):
    """A reviewer's unsaved form for a claim, kept in the database so that leaving the page,
    reloading the browser or a server restart loses nothing typed (migration 0004). Drafts are
    private: only their reviewer reads them, and no export includes them."""

    __table_args__ = (
        UniqueConstraint("claim_id", "reviewer_id", name="uq_draft_claim_reviewer"),
        Index("ix_draft_article_reviewer", "article_id", "reviewer_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="reviewer.id", ondelete="CASCADE")
    base_version: int = 0
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class Setting(SQLModel, table=True):
    """A database-wide setting (migration 0006). Team mode is one: a property of the database,
    so every process on it enforces sign-in whatever its environment says."""

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class StatementPassage(SQLModel, table=True):
    """A sentence (or multi-sentence quotation) of an article as the splitter cut it at import:
    the unit of the statements index (migration 0008). It depends only on the article's text,
    which never changes, so editing claims never touches the index; a trace maps a passage to
    the claim that now covers it. `statement_id` groups passages that are one statement (the id
    of one of its passages)."""

    __tablename__ = "statement_passage"
    __table_args__ = (
        Index("ix_statement_passage_article", "article_id", "start"),
        Index("ix_statement_passage_statement", "statement_id", "article_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    statement_id: int | None = None


class StatementShingle(SQLModel, table=True):
    """One word shingle (hashed, `factcheck.domain.statements.shingles`) of one passage: the
    posting list that finds passages sharing wording (migration 0008)."""

    __tablename__ = "statement_shingle"
    __table_args__ = (Index("ix_statement_shingle_passage", "passage_id"),)

    hash: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    article_id: int = Field(primary_key=True)
    passage_id: int = Field(
        foreign_key="statement_passage.id", ondelete="CASCADE", primary_key=True
    )
