"""full-text search of articles: title, outlet and text

The Articles page searched with `LIKE '%…%'`, a scan of every row (and of every text): at
100,000 articles that is seconds per keystroke. Each engine's own full-text index replaces it:

- SQLite: an FTS5 table over the article table (external content: the text is not stored
  twice), kept by triggers. The update trigger fires only when the title, outlet or text
  change, not on the revision bumps of migration 0003 (one per claim or assessment change).
- PostgreSQL: a GIN index on the `tsvector` of the same three fields ('simple' configuration:
  no stemming, any language), the first 200,000 characters of the text (a tsvector holds at
  most 1 MB), which the search query repeats exactly so the planner uses the index.

Words match by prefix ("zero" finds "ZeroHedge"), all words of a search must match.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

from factcheck.store.search import PG_DOCUMENT

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_FIELDS = "title, outlet, text"
_OLD = "old.id, old.title, coalesce(old.outlet, ''), old.text"
_NEW = "new.id, new.title, coalesce(new.outlet, ''), new.text"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE article_fts USING fts5("
            f"{_FIELDS}, content='article', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute("INSERT INTO article_fts(article_fts) VALUES ('rebuild')")
        op.execute(
            "CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN "
            f"INSERT INTO article_fts(rowid, {_FIELDS}) VALUES ({_NEW}); END"
        )
        op.execute(
            "CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN "
            f"INSERT INTO article_fts(article_fts, rowid, {_FIELDS}) VALUES ('delete', {_OLD}); "
            "END"
        )
        op.execute(
            "CREATE TRIGGER article_fts_update AFTER UPDATE OF title, outlet, text ON article "
            "BEGIN "
            f"INSERT INTO article_fts(article_fts, rowid, {_FIELDS}) VALUES ('delete', {_OLD}); "
            f"INSERT INTO article_fts(rowid, {_FIELDS}) VALUES ({_NEW}); END"
        )
    else:
        op.execute(f"CREATE INDEX ix_article_search ON article USING gin ({PG_DOCUMENT})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("article_fts_insert", "article_fts_delete", "article_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS article_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_article_search")
