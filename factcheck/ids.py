"""Narrowing of SQLModel primary keys.

Table models declare `id: int | None` because the id is None until the row is flushed. Code that
holds a row that has been flushed or loaded uses `row_id(row)` to get the id as an `int`, and a
query selecting an id column uses `id_col(Model.id)` so its rows type the id `int`.
"""

from __future__ import annotations

from typing import Protocol, cast

from sqlalchemy.orm import Mapped
from sqlmodel import col


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def row_id(row: HasId) -> int:
    """The primary key of a flushed or loaded row; raises if the row has not been flushed yet."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush the session first")
    return row.id


def id_col(column: int | None) -> Mapped[int]:
    """A primary key column for `select()`, as `col()` gives it but typed `int`: a stored row
    always has its id, so the rows' values are never None."""
    return cast("Mapped[int]", col(column))
