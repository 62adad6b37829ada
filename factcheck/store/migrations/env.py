"""Alembic environment: runs on the connection factcheck.store.engine hands it (or DATABASE_URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import factcheck.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from factcheck.store.engine import make_engine

        engine = make_engine(context.config.get_main_option("sqlalchemy.url"), migrate=False)
        with engine.begin() as connection:
            _run_on(connection)
    else:
        _run_on(connection)


def _run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
