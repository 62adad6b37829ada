"""Shared by every CLI module: per-invocation state, JSON output, one-line failures."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from sqlalchemy import Engine
from sqlmodel import Session

from factcheck.db import make_engine, read_session, write

T = TypeVar("T")


class State:
    """Per-invocation state: the database URL and, once asked for, its engine."""

    def __init__(self, db_url: str | None) -> None:
        self.db_url = db_url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.db_url)
        return self._engine

    def write(self, work: Callable[[Session], T]) -> T:
        return write(self.engine, work)

    def read(self, work: Callable[[Session], T]) -> T:
        with read_session(self.engine) as session:
            return work(session)


pass_state = click.make_pass_decorator(State)


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=None, default=str))


def json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")(
        function
    )
