"""The split workers of a batch import: the same claims as splitting in-process, in the
order asked for, and a dead worker costs its results (None: the import splits them itself),
never a wrong or shifted answer."""

from __future__ import annotations

from factcheck.checkworthy import score_claims
from factcheck.domain.split import SplitResult, split_into_claims
from factcheck.services.workers import SplitWorkers
from tests.conftest import DEMO_TEXT

TEXTS = [
    DEMO_TEXT.read_text(encoding="utf-8"),
    "",
    "The mayor said the bridge will reopen. “It is safe,” he said.",
    "lone surrogate \udcff in text. Another sentence.",
    "Ünïcödé… ΑΒΓ. 中文句子。 Another one.",
    "word " * 50_000,
]


def scored(text: str) -> SplitResult:
    """What an import in this process stores: the split, each claim scored
    (factcheck.checkworthy), which the workers do too."""
    return score_claims(split_into_claims(text))


def test_workers_split_as_this_process_does() -> None:
    workers = SplitWorkers(2)
    try:
        results = [workers.submit(text) for text in TEXTS]
        # Asked for out of order: each still gets its own text's claims.
        got = {i: results[i]() for i in (3, 0, 5, 1, 4, 2)}
    finally:
        workers.close()
    for i, text in enumerate(TEXTS):
        assert got[i] == scored(text), i


def test_a_dead_worker_returns_none_and_the_other_carries_on() -> None:
    workers = SplitWorkers(2)
    try:
        first = workers.submit(TEXTS[2])  # worker 0
        second = workers.submit(TEXTS[0])  # worker 1
        assert first() == scored(TEXTS[2])
        dead = workers._workers[0].process
        dead.kill()
        dead.wait()
        lost = workers.submit(TEXTS[2])  # worker 0, dead
        kept = workers.submit(TEXTS[4])  # worker 1
        assert lost() is None
        assert workers.submit(TEXTS[2])() is None  # worker 0 again: known dead
        assert second() == scored(TEXTS[0])
        assert kept() == scored(TEXTS[4])
    finally:
        workers.close()


def test_closed_workers_exit() -> None:
    workers = SplitWorkers(2)
    processes = [worker.process for worker in workers._workers]
    pending = workers.submit(TEXTS[0])  # closing with work in flight must not hang
    del pending
    workers.close()
    assert [p.returncode for p in processes] == [0, 0]
