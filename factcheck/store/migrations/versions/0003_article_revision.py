"""article revision: a counter the database bumps whenever an article's claims or assessments
change

The Annotate page keeps what it loaded for an article (claims, the reviewer's grades, the
rendered text) and checks one number per rerun instead of reloading hundreds of rows. Triggers,
not application code, keep the number: every writer (the web UI, the CLI, imports, another
server sharing the PostgreSQL database) bumps it, whatever path it takes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# SQLite triggers are per row; the article of an assessment is found through its claim.
_SQLITE_BUMP = "UPDATE article SET revision = revision + 1 WHERE id = {article}"
_SQLITE_TRIGGERS = {
    "claim_insert_bumps_article": ("AFTER INSERT ON claim", "NEW.article_id"),
    "claim_update_bumps_article": ("AFTER UPDATE ON claim", "NEW.article_id"),
    "claim_delete_bumps_article": ("AFTER DELETE ON claim", "OLD.article_id"),
    "assessment_insert_bumps_article": (
        "AFTER INSERT ON assessment",
        "(SELECT article_id FROM claim WHERE id = NEW.claim_id)",
    ),
    "assessment_update_bumps_article": (
        "AFTER UPDATE ON assessment",
        "(SELECT article_id FROM claim WHERE id = NEW.claim_id)",
    ),
    "assessment_delete_bumps_article": (
        "AFTER DELETE ON assessment",
        "(SELECT article_id FROM claim WHERE id = OLD.claim_id)",
    ),
}

# PostgreSQL triggers are per statement, over the statement's transition table: importing an
# article's 300 claims bumps its revision once, not 300 times.
_PG_FUNCTIONS = {
    "factcheck_claims_changed": (
        "UPDATE article SET revision = revision + 1 "
        "WHERE id IN (SELECT DISTINCT article_id FROM changed_rows)"
    ),
    "factcheck_assessments_changed": (
        "UPDATE article SET revision = revision + 1 WHERE id IN "
        "(SELECT DISTINCT c.article_id FROM claim c JOIN changed_rows r ON c.id = r.claim_id)"
    ),
}
_PG_TRIGGERS = {
    # name: (event, transition table, table, function)
    "claim_insert_bumps_article": ("INSERT", "NEW", "claim", "factcheck_claims_changed"),
    "claim_update_bumps_article": ("UPDATE", "NEW", "claim", "factcheck_claims_changed"),
    "claim_delete_bumps_article": ("DELETE", "OLD", "claim", "factcheck_claims_changed"),
    "assessment_insert_bumps_article": (
        "INSERT",
        "NEW",
        "assessment",
        "factcheck_assessments_changed",
    ),
    "assessment_update_bumps_article": (
        "UPDATE",
        "NEW",
        "assessment",
        "factcheck_assessments_changed",
    ),
    "assessment_delete_bumps_article": (
        "DELETE",
        "OLD",
        "assessment",
        "factcheck_assessments_changed",
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revision", sa.Integer(), nullable=False, server_default="0")
        )
    if op.get_bind().dialect.name == "sqlite":
        for name, (when, article) in _SQLITE_TRIGGERS.items():
            bump = _SQLITE_BUMP.format(article=article)
            op.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW BEGIN {bump}; END")
        return
    for function, body in _PG_FUNCTIONS.items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {body}; RETURN NULL; END $$"
        )
    for name, (event, transition, table, function) in _PG_TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} "
            f"REFERENCING {transition} TABLE AS changed_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in _SQLITE_TRIGGERS:
        table = "claim" if name.startswith("claim") else "assessment"
        op.execute(
            f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else f" ON {table}")
        )
    if dialect != "sqlite":
        for function in _PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("revision")
