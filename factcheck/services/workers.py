"""Child interpreters that split articles into claims for a batch import, so that splitting
(pysbd: the costliest step of an import) runs on other cores while the importing process
writes to the database; and that read uploaded files for the web UI, so that a large file's
parsing and splitting never holds the interpreter lock the other browser sessions' threads
need (the page's process only writes the result).

Plain subprocesses talking over their stdin and stdout, not `multiprocessing`: a spawned
`multiprocessing` worker first re-imports the parent's main script (the whole CLI: 0.7 s of
CPU per worker, more than it saves on a folder of a hundred articles), while these import
only `factcheck.domain.split`, `factcheck.domain.textio` and `factcheck.checkworthy` (which
scores the claims in the worker too). They never inherit the parent's database connections,
and each one exits when its stdin closes, which is also what happens when the parent dies: a
killed `factcheck import` leaves no workers behind.

Frames both ways are an 8-byte little-endian length and a pickle. One way goes a text to
split, or a file to read and split (its bytes, name and the size limit); the other way comes
its `SplitResult` with each claim's check-worthiness scored (for a file: the `DecodedArticle` with it), or the user error that refused
it (TooManyClaims past the cap on claims, which each worker is given when it starts;
InputError for a file that is not a readable article), or None where something else went
wrong: the importing process then does that item itself and reports the error as usual.
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

from factcheck.checkworthy import score_claims
from factcheck.domain.split import SplitResult, TooManyClaims, split_into_claims
from factcheck.domain.textio import DecodedArticle, decode_article
from factcheck.errors import InputError

# Two workers keep the importing process (which writes the articles) busy: more would only
# wait, and on a two-core machine they would take the CPU the writer needs.
MAX_WORKERS = 2
# Where `factcheck` and `schemas` live, for a worker started from anywhere.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_COMMAND = "from factcheck.services.workers import serve; serve()"
# A file to read and split: its bytes, its name (the reader goes by the suffix), the size limit.
FileRequest = tuple[bytes, str, int]
Prepared = tuple[DecodedArticle, SplitResult]


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
    """A worker's main loop: split each text (or read and split each file) read from stdin,
    write the result to stdout. The cap on claims per article is the first argument."""
    max_claims = int(sys.argv[1]) if len(sys.argv) > 1 else None
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by a library goes to stderr, not into the frames
    sys.stdout = sys.stderr
    requests = sys.stdin.buffer
    try:
        while True:
            ok, request = _read_frame(requests)
            if not ok:
                return
            _write_frame(results, _answer(request, max_claims))
    except (BrokenPipeError, KeyboardInterrupt):  # the importing process is gone
        return


def _answer(request: str | FileRequest, max_claims: int | None) -> Any:
    """What a worker sends back for one request (see the module docstring)."""
    try:
        if isinstance(request, str):
            return score_claims(split_into_claims(request, max_claims))
        data, name, max_bytes = request
        decoded = decode_article(data, name, max_bytes)
        return decoded, score_claims(split_into_claims(decoded.text, max_claims))
    except (TooManyClaims, InputError) as refused:  # the user's to read: passed on as it is
        return refused
    except Exception:  # the importing process does it again and reports why
        return None


class _Worker:
    """One child process, fed by a thread (so a large text never blocks the importer while
    the child is still writing an earlier result), read in the order texts were sent."""

    def __init__(self, max_claims: int) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _COMMAND, str(max_claims)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.sent = 0
        self.received = 0
        self.results: dict[int, Any] = {}
        self.alive = True
        self._outbox: queue.SimpleQueue[str | FileRequest | None] = queue.SimpleQueue()
        self._feeder = threading.Thread(target=self._feed, name="split-worker-feed", daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            while (request := self._outbox.get()) is not None:
                _write_frame(stdin, request)
        except OSError:  # the child died; its results come back as None
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def send(self, request: str | FileRequest) -> int:
        self._outbox.put(request)
        self.sent += 1
        return self.sent - 1

    def result(self, number: int) -> Any:
        """The answer to the `number`th request sent (reading any earlier ones first); the
        user error the worker sent back is raised here."""
        stdout = self.process.stdout
        assert stdout is not None
        while self.alive and self.received <= number:
            ok, value = _read_frame(stdout)
            if not ok:
                self.alive = False
                break
            self.results[self.received] = value
            self.received += 1
        answer = self.results.pop(number, None)
        if isinstance(answer, Exception):
            raise answer
        return answer

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
    """`count` worker processes splitting texts; `submit` returns how to get the result.

    Splits stop at `max_claims` claims per article (default: the FACTCHECK_MAX_CLAIMS
    setting), as an import in this process would."""

    def __init__(self, count: int, max_claims: int | None = None) -> None:
        if max_claims is None:
            from factcheck.config import get_settings

            max_claims = get_settings().factcheck_max_claims
        self._workers = [_Worker(max_claims) for _ in range(count)]
        self._turn = 0

    def _next(self) -> _Worker:
        worker = self._workers[self._turn % len(self._workers)]
        self._turn += 1
        return worker

    def submit(self, text: str) -> Callable[[], SplitResult | None]:
        """Hand `text` to the next worker; the returned function waits for its claims (None
        when the worker failed or died: split it here; TooManyClaims raised when the text
        is over the cap). Call them in submission order."""
        worker = self._next()
        if not worker.alive:
            return lambda: None
        number = worker.send(text)
        return lambda: worker.result(number)

    def submit_file(self, data: bytes, name: str, max_bytes: int) -> Callable[[], Prepared | None]:
        """Hand a file to the next worker to decode (as `decode_article`) and split; the
        returned function waits for both (None when the worker failed or died: do it here;
        the InputError or TooManyClaims that refused the file raised)."""
        worker = self._next()
        if not worker.alive:
            return lambda: None
        number = worker.send((data, name, max_bytes))
        return lambda: worker.result(number)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
