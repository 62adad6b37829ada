"""Issue #19.7: backups in team mode. A backup holds every reviewer's ratings (released or
not), so only an admin takes one; `backup` on PostgreSQL said "sign in first" with no way to
sign in. The SQLite copy holds the reviewers' password hashes unless `--strip-passwords`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine

from factcheck.store.engine import make_engine
from tests.cli.test_team_database import ANA_PASSWORD, ROOT_PASSWORD, Cli, enable_as_root


@pytest.fixture(autouse=True)
def no_team_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Team mode here comes from the database alone (settings are cached per process)."""
    from factcheck.config import get_settings

    monkeypatch.delenv("FACTCHECK_TEAM_MODE", raising=False)
    get_settings.cache_clear()


def add_ana(run: Cli) -> None:
    run.ok("reviewers", "add", "ana", "--role", "annotator", FACTCHECK_REVIEWER="root",
           FACTCHECK_PASSWORD=ROOT_PASSWORD, FACTCHECK_NEW_PASSWORD=ANA_PASSWORD)  # fmt: skip


def test_only_an_admin_backs_up_a_team_database(db_url: str, tmp_path: Path) -> None:
    run = Cli(db_url)
    enable_as_root(run)
    add_ana(run)
    target = tmp_path / "copy.db"
    run.refused("backup", str(target), message="--reviewer")
    run.refused("backup", str(target), message="needs admin",
                FACTCHECK_REVIEWER="ana", FACTCHECK_PASSWORD=ANA_PASSWORD)  # fmt: skip
    assert not target.exists()
    run.ok("backup", str(target), FACTCHECK_REVIEWER="root", FACTCHECK_PASSWORD=ROOT_PASSWORD)
    assert target.stat().st_size > 0


def hashes(path: Path) -> list[str | None]:
    with sqlite3.connect(path) as copy:
        return [row[0] for row in copy.execute("SELECT password_hash FROM reviewer")]


def test_a_sqlite_backup_can_leave_the_password_hashes_out(sqlite_url: str, tmp_path: Path) -> None:
    run = Cli(sqlite_url)
    enable_as_root(run)
    add_ana(run)
    signed = {"FACTCHECK_REVIEWER": "root", "FACTCHECK_PASSWORD": ROOT_PASSWORD}
    run.ok("backup", str(tmp_path / "full.db"), **signed)
    assert all(h and h.startswith("$argon2") for h in hashes(tmp_path / "full.db"))
    run.ok("backup", str(tmp_path / "stripped.db"), "--strip-passwords", **signed)
    stripped = tmp_path / "stripped.db"
    assert hashes(stripped) == [None, None]
    assert b"$argon2" not in stripped.read_bytes()
    # The copy is a working database: still a team database, names and roles kept.
    engine: Engine = make_engine(f"sqlite:///{stripped}")
    engine.dispose()
    status = Cli(f"sqlite:///{stripped}").ok("team", "status", "--json").stdout
    assert '"stored": true' in status
