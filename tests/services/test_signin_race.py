"""Issue #19.3: concurrent wrong passwords are counted atomically. Forty guesses sent at once
used to reach the password hash 18-19 times on PostgreSQL (limit 5), and a right password in
the burst signed in after the lock was set. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine

from factcheck.errors import AuthError
from factcheck.services import reviewers
from factcheck.store.engine import read_session
from tests.services.test_access import PASSWORD, add

BURST = 40


def test_a_burst_of_wrong_passwords_checks_the_hash_at_most_five_times(
    engine: Engine, team: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(engine, "ana", "annotator")
    with read_session(engine) as session:
        ana_hash = reviewers.get_reviewer(session, "ana").password_hash
    checks: list[str] = []
    lock = threading.Lock()
    real_verify = reviewers._verify

    def slow_verify(password_hash: str, password: str) -> bool:
        # A slow hash widens the window the race needs, as a real Argon2 cost does.
        if password_hash == ana_hash:
            with lock:
                checks.append(password)
        time.sleep(0.02)
        return real_verify(password_hash, password)

    monkeypatch.setattr(reviewers, "_verify", slow_verify)
    start = threading.Barrier(BURST)

    def guess(number: int) -> str:
        start.wait()
        password = f"guess-{number}"
        if number == BURST // 2:
            # The right password, sent once five guesses have reached the hash.
            password = PASSWORD
            while len(checks) < reviewers.MAX_FAILED_SIGNINS:
                time.sleep(0.005)
        try:
            reviewers.sign_in(engine, "ana", password)
        except AuthError as error:
            return str(error)
        return "signed in"

    with ThreadPoolExecutor(BURST) as pool:
        outcomes = list(pool.map(guess, range(BURST)))

    assert len(checks) == reviewers.MAX_FAILED_SIGNINS, checks
    assert PASSWORD not in checks and "signed in" not in outcomes
    locked = [o for o in outcomes if o.startswith("too many failed sign-ins")]
    assert len(locked) == BURST - reviewers.MAX_FAILED_SIGNINS + 1
    # The account stays locked: the right password is refused without reaching the hash.
    checks.clear()
    with pytest.raises(AuthError, match="too many failed sign-ins"):
        reviewers.sign_in(engine, "ana", PASSWORD)
    assert checks == []
