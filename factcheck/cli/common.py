"""Shared by every CLI module: per-invocation state, JSON output, one-line failures and the
one progress bar of long imports and exports."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any, NoReturn, TypeVar

import click
from sqlalchemy import Engine
from sqlmodel import Session

from factcheck.store.engine import make_engine, read_session, write

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


class ProgressBar:
    """A progress bar on stderr for long imports and exports: count, rate and, when the total
    is known, time left; `update(done)` / `advance()` as work goes, used as a context manager.
    Quiet with `--json` (stdout is for the machine, stderr for the person).

    It lives with the CLI because only commands draw on a terminal: services and formats
    report through a plain `progress(count)` callback, and the web UI shows its own.

    On a terminal the bar redraws as work goes; elsewhere (a log, a CI run) rich prints only
    the final state once. When the work fails the bar leaves nothing behind, so the error
    stays the only line on stderr."""

    def __init__(
        self, label: str, total: int | None = None, unit: str = "items", quiet: bool = False
    ) -> None:
        self.label = label
        self.unit = unit
        self.done = 0
        self._bar: Any = None
        if quiet:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns: list[Any] = [TextColumn("{task.description}"), BarColumn()]
        columns.append(TextColumn("{task.fields[count]}"))
        columns.append(TextColumn("{task.fields[rate]}"))
        columns.append(TimeRemainingColumn() if total else TimeElapsedColumn())
        self._bar = Progress(*columns, console=Console(stderr=True), transient=False)
        self._task = self._bar.add_task(label, total=total, count=self._count(0, total), rate="")
        self._bar.start()

    def _count(self, done: int, total: int | None) -> str:
        return f"{done}/{total} {self.unit}" if total else f"{done} {self.unit}"

    def _rate(self, speed: float) -> str:
        """Per second, with a decimal while it is small (2.5 files/s, 12,000 rows/s)."""
        return f"{speed:,.1f} {self.unit}/s" if speed < 10 else f"{speed:,.0f} {self.unit}/s"

    def update(self, done: int, total: int | None = None) -> None:
        """`done` so far (and the total, once known)."""
        self.done = done
        if self._bar is None:
            return
        if total is not None:
            self._bar.update(self._task, total=total)
        task = self._bar.tasks[0]
        self._bar.update(self._task, completed=done, count=self._count(done, task.total))
        if done:  # the rate shows from the first item on (0 until rich has two samples)
            speed = self._bar.tasks[0].speed or 0.0
            self._bar.update(self._task, rate=self._rate(speed))

    def advance(self, step: int = 1) -> None:
        self.update(self.done + step)

    def close(self, ok: bool = True) -> None:
        if self._bar is None:
            return
        if not ok:
            self._bar.live.transient = True
        self._bar.stop()
        self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(ok=kind is None)
