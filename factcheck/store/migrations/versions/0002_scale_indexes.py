"""indexes for newsroom scale

The Annotate page counts a reviewer's suggestion outcomes on every rerun; with the outcome
in the index the count reads the index alone instead of every one of the reviewer's rows.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_reviewer_outcome", ["reviewer_id", "suggestion_outcome"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_reviewer_outcome")
