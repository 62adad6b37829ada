"""database-wide settings (team mode lives in the database)

Team mode used to be a per-process switch (`FACTCHECK_TEAM_MODE`), so any process started
without it against a team database turned every check off. It is now a property of the
database: a `setting` row `team_mode = on`, written by `factcheck team enable`, read by every
process on every check. The environment variable can still switch a database's processes
*into* team mode, never out of it.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=100), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("setting")
