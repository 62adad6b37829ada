"""statements index: article passages and their word shingles, for the trace (issue 16)

`statement_passage` holds each article's passages (sentences and quotations, exact spans of
its text) with the statement each belongs to; `statement_shingle` their hashed word shingles
(`factcheck.domain.statements`). Both are deleted with their article (ON DELETE CASCADE). The
index is derived data: articles already in the database are indexed here from their current
claims (what `factcheck reindex` does), so a trace works the moment the database is opened.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statement_passage",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_statement_passage_article", "statement_passage", ["article_id", "start"])
    op.create_index(
        "ix_statement_passage_statement", "statement_passage", ["statement_id", "article_id"]
    )
    op.create_table(
        "statement_shingle",
        # (hash, article_id, passage_id): a lookup by hash that skips the asking article is
        # answered from this index alone.
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column(
            "passage_id",
            sa.Integer(),
            sa.ForeignKey("statement_passage.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("hash", "article_id", "passage_id"),
    )
    op.create_index("ix_statement_shingle_passage", "statement_shingle", ["passage_id"])
    _index_existing_articles()


def _index_existing_articles() -> None:
    from sqlmodel import Session

    from factcheck.services.trace import index_all_articles

    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM article LIMIT 1")).first() is None:
        return
    session = Session(bind=bind)
    index_all_articles(session)
    session.flush()


def downgrade() -> None:
    op.drop_table("statement_shingle")
    op.drop_table("statement_passage")
