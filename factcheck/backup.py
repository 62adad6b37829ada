"""Consistent copies of a live database, taken while reviewers keep working."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine

from factcheck.errors import InputError


def backup_database(engine: Engine, target: Path, *, overwrite: bool = False) -> str:
    """Copy the database to `target` and say how: SQLite through its online backup API (a
    page-level snapshot that concurrent writers cannot tear), PostgreSQL as a JSON Lines
    bundle that `factcheck import-bundle` restores. The copy is written beside `target` and
    renamed into place, so an interrupted backup never leaves a partial file under its name."""
    target = Path(target)
    if target.exists() and not overwrite:
        raise InputError(f"{target} exists; choose another name or pass --force to replace it")
    if target.is_dir():
        raise InputError(f"{target} is a folder; give a file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    os.close(handle)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, Path(temp_name))
            how = "SQLite online backup"
        else:
            from factcheck.interchange import export_bundle

            export_bundle(engine, Path(temp_name), None, None)
            how = "JSON Lines bundle"
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return how


def _sqlite_backup(engine: Engine, temp: Path) -> None:
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise InputError("an in-memory database cannot be backed up to a file")
    with (
        closing(sqlite3.connect(source_path, timeout=30)) as source,
        closing(sqlite3.connect(temp)) as copy,
    ):
        # Pages in steps, so writers are held up only briefly; restarts if they change it.
        source.backup(copy, pages=256, sleep=0.001)
        copy.execute("PRAGMA journal_mode=DELETE")
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    if not ok:
        raise InputError("the backup failed its integrity check; the database was not copied")
