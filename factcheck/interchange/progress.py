"""A progress bar on stderr for long imports and exports: count, rate and, when the total is
known, time left. Quiet with `--json` (stdout is for the machine, stderr for the person).

On a terminal the bar redraws as work goes; elsewhere (a log, a CI run) rich prints only the
final state once. When the work fails the bar leaves nothing behind, so the error stays the
only line on stderr.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any


class ProgressBar:
    """`update(done)` / `advance()` as work goes; use as a context manager."""

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

    def update(self, done: int, total: int | None = None) -> None:
        """`done` so far (and the total, once known)."""
        self.done = done
        if self._bar is None:
            return
        if total is not None:
            self._bar.update(self._task, total=total)
        task = self._bar.tasks[0]
        self._bar.update(self._task, completed=done, count=self._count(done, task.total))
        speed = self._bar.tasks[0].speed
        if speed:
            self._bar.update(self._task, rate=f"{speed:,.0f} {self.unit}/s")

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
