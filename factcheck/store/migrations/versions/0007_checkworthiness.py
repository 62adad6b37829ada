"""claim check-worthiness: a score (0–1) and its reasons on every claim

New claims are scored at import and rescored when their boundaries change. Claims already in
the database are scored here, from their text, by the model shipped with this release
(`factcheck.checkworthy`): computing it now rather than lazily means every claim carries a
score the moment the database is opened, so the Articles page's counts, the exports and the
CLI never meet a claim without one (about 10,000 claims a second; a database of 200,000 claims
takes under a minute once). Kinds are left as they are: a kind in the database may be a
reviewer's choice, and a reviewer's choice wins.

The per-row triggers of migration 0003 that bump the article's revision are suspended while
the scores are written (otherwise SQLite rewrites the article row once per claim), and every
article's revision is bumped once afterwards, so pages that cached claims reload them.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 5000
_TRIGGER = "claim_update_bumps_article"
_SQLITE_TRIGGER_SQL = (
    f"CREATE TRIGGER {_TRIGGER} AFTER UPDATE ON claim FOR EACH ROW "
    "BEGIN UPDATE article SET revision = revision + 1 WHERE id = NEW.article_id; END"
)


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkworthiness", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("checkworthiness_reasons", sa.JSON(), nullable=True))
    _score_existing_claims()


def _score_existing_claims() -> None:
    from factcheck.checkworthy import assess

    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if bind.execute(sa.text("SELECT 1 FROM claim LIMIT 1")).first() is None:
        return
    claim = sa.table(
        "claim",
        sa.column("id", sa.Integer),
        sa.column("text", sa.Text),
        sa.column("checkworthiness", sa.Float),
        sa.column("checkworthiness_reasons", sa.JSON),
    )
    store = (
        sa.update(claim)
        .where(claim.c.id == sa.bindparam("claim_id"))
        .values(
            checkworthiness=sa.bindparam("score"),
            checkworthiness_reasons=sa.bindparam("reasons", type_=sa.JSON),
        )
    )
    if sqlite:
        op.execute(f"DROP TRIGGER IF EXISTS {_TRIGGER}")
    else:
        op.execute(f"ALTER TABLE claim DISABLE TRIGGER {_TRIGGER}")
    last = 0
    while True:
        rows = bind.execute(
            sa.select(claim.c.id, claim.c.text)
            .where(claim.c.id > last)
            .order_by(claim.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        judged = assess([row.text for row in rows])
        bind.execute(
            store,
            [
                {"claim_id": row.id, "score": j.score, "reasons": list(j.reasons)}
                for row, j in zip(rows, judged, strict=True)
            ],
        )
        last = rows[-1].id
    if sqlite:
        op.execute(_SQLITE_TRIGGER_SQL)
    else:
        op.execute(f"ALTER TABLE claim ENABLE TRIGGER {_TRIGGER}")
    op.execute("UPDATE article SET revision = revision + 1")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Plain DROP COLUMN (SQLite 3.35+), not a batch copy of the table: a copy would lose
        # the claim table's triggers (migration 0003).
        op.execute("ALTER TABLE claim DROP COLUMN checkworthiness_reasons")
        op.execute("ALTER TABLE claim DROP COLUMN checkworthiness")
        return
    op.drop_column("claim", "checkworthiness_reasons")
    op.drop_column("claim", "checkworthiness")
