"""Storage: the engine (SQLite or PostgreSQL, migrations on first use), the tables, and
the Alembic migrations. Nothing here knows about pages, commands or access rules."""
