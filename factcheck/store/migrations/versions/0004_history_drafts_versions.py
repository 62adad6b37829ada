"""history of changes, reviewers' drafts, assessment versions

"Nothing a reviewer does is ever lost": every change of claim boundaries or kinds and every
saved assessment is recorded with its state before and after (so boundary changes can be
undone exactly); a reviewer's unsaved form is kept in the database (a reload or a restart
loses nothing typed); and each assessment carries a version that a save names, so a form
loaded before another tab, the CLI or a merge changed the row can never overwrite it.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "reviewer_id",
            sa.Integer(),
            sa.ForeignKey("reviewer.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_history_article", "history", ["article_id", "id"])
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer(),
            sa.ForeignKey("article.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "claim_id", sa.Integer(), sa.ForeignKey("claim.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "reviewer_id",
            sa.Integer(),
            sa.ForeignKey("reviewer.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("claim_id", "reviewer_id", name="uq_draft_claim_reviewer"),
    )
    op.create_index("ix_draft_article_reviewer", "draft", ["article_id", "reviewer_id"])


def downgrade() -> None:
    op.drop_index("ix_draft_article_reviewer", table_name="draft")
    op.drop_table("draft")
    op.drop_index("ix_history_article", table_name="history")
    op.drop_table("history")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("version")
