"""Child interpreters that split articles into claims for a batch import, so that splitting
(pysbd: the costliest step of an import) runs on other cores while the importing process
writes to the database.

Plain subprocesses talking over their stdin and stdout, not `multiprocessing`: a spawned
`multiprocessing` worker first re-imports the parent's main script (the whole CLI: 0.7 s of
CPU per worker, more than it saves on a folder of a hundred articles), while these import
only `factcheck.split`. They never inherit the parent's database connections, and each one
exits when its stdin closes, which is also what happens when the parent dies: a killed
`factcheck import` leaves no workers behind.

Frames both ways are an 8-byte little-endian length and a pickle: a text to split one way,
its `SplitResult` (or None where splitting failed: the import then splits it itself and
reports the error as usual) the other.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from factcheck.split import SplitResult

# Two workers keep the importing process (which writes the articles) busy: more would only
# wait, and on a two-core machine they would take the CPU the writer needs.
MAX_WORKERS = 2
# Where `factcheck` and `schemas` live, for a worker started from anywhere.
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
_COMMAND = "from factcheck.workers import serve; serve()"


def available_cpus() -> int:
    """CPUs this process may run on (the affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def default_workers() -> int:
    """Worker count for a batch: none on a single CPU, where they would only add overhead,
    nor where there is no interpreter to start (an embedded Python)."""
    cpus = available_cpus()
    return min(MAX_WORKERS, cpus) if cpus > 1 and sys.executable else 0


def _write_frame(stream: IO[bytes], value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "little") + data)
    stream.flush()


def _read_frame(stream: IO[bytes]) -> tuple[bool, Any]:
    """(True, value), or (False, None) at the end of the stream or on a cut-off frame."""
    header = stream.read(8)
    if len(header) < 8:
        return False, None
    size = int.from_bytes(header, "little")
    data = stream.read(size)
    if len(data) < size:
        return False, None
    return True, pickle.loads(data)


def serve() -> None:
    """A worker's main loop: split each text read from stdin, write the result to stdout."""
    from factcheck.split import split_into_claims

    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by a library goes to stderr, not into the frames
    sys.stdout = sys.stderr
    texts = sys.stdin.buffer
    try:
        while True:
            ok, text = _read_frame(texts)
            if not ok:
                return
            try:
                result: SplitResult | None = split_into_claims(text)
            except Exception:  # the importing process splits it again and reports why
                result = None
            _write_frame(results, result)
    except (BrokenPipeError, KeyboardInterrupt):  # the importing process is gone
        return


class _Worker:
    """One child process, fed by a thread (so a large text never blocks the importer while
    the child is still writing an earlier result), read in the order texts were sent."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _COMMAND],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.sent = 0
        self.received = 0
        self.results: dict[int, SplitResult | None] = {}
        self.alive = True
        self._outbox: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._feeder = threading.Thread(target=self._feed, name="split-worker-feed", daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            while (text := self._outbox.get()) is not None:
                _write_frame(stdin, text)
        except OSError:  # the child died; its results come back as None
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def send(self, text: str) -> int:
        self._outbox.put(text)
        self.sent += 1
        return self.sent - 1

    def result(self, number: int) -> SplitResult | None:
        """The result for the `number`th text sent (reading any earlier ones first)."""
        stdout = self.process.stdout
        assert stdout is not None
        while self.alive and self.received <= number:
            ok, value = _read_frame(stdout)
            if not ok:
                self.alive = False
                break
            self.results[self.received] = value
            self.received += 1
        return self.results.pop(number, None)

    def close(self) -> None:
        self._outbox.put(None)
        if self.process.stdout is not None:
            self.process.stdout.close()  # a child still writing a result gets EPIPE and exits
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class SplitWorkers:
    """`count` worker processes splitting texts; `submit` returns how to get the result."""

    def __init__(self, count: int) -> None:
        self._workers = [_Worker() for _ in range(count)]
        self._turn = 0

    def submit(self, text: str) -> Callable[[], SplitResult | None]:
        """Hand `text` to the next worker; the returned function waits for its claims (None
        when the worker failed or died: split it here). Call them in submission order."""
        worker = self._workers[self._turn % len(self._workers)]
        self._turn += 1
        if not worker.alive:
            return lambda: None
        number = worker.send(text)
        return lambda: worker.result(number)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
