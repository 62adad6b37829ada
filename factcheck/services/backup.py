"""Consistent copies of a live database, taken while reviewers keep working."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine

from factcheck.domain.display import quote_name
from factcheck.errors import InputError
from factcheck.interchange.export import locked_temp
from factcheck.services import access


def backup_database(
    engine: Engine, target: Path, *, overwrite: bool = False, strip_passwords: bool = False
) -> str:
    """Copy the database to `target` and say how: SQLite through its online backup API (a
    page-level snapshot that concurrent writers cannot tear), PostgreSQL as a JSON Lines
    bundle that `factcheck import-bundle` restores. The copy is written beside `target` and
    renamed into place, so an interrupted backup never leaves a partial file under its name.

    In team mode only an admin backs up: a backup holds every reviewer's ratings, released
    or not. The SQLite copy is the whole database, reviewers' Argon2 password hashes included
    (the bundle never carries them); `strip_passwords` removes them from the copy, whose
    reviewers then need an admin to set new passwords before they can sign in."""
    access.require_admin_to_load(engine, doing="back up the database")
    target = Path(target)
    if target.exists() and not overwrite:
        raise InputError(
            f"{quote_name(target)} exists; choose another name or pass --force to replace it"
        )
    if target.is_dir():
        raise InputError(f"{quote_name(target)} is a folder; give a file name")
    if engine.dialect.name != "sqlite":
        from factcheck.interchange import export_bundle

        # Written through export's temporary file, renamed into place when complete.
        export_bundle(engine, target, None, None)
        return "JSON Lines bundle"
    # The temporary file is locked while the copy is made, so a backup killed midway leaves
    # a file (and SQLite's -journal) that the next backup here removes, and never one that a
    # running backup still needs (the rule is in factcheck.interchange.export).
    with locked_temp(target.parent, f".{target.name}.") as (_, temp):
        _sqlite_backup(engine, temp, strip_passwords=strip_passwords)
        os.replace(temp, target)
    return "SQLite online backup"


def _sqlite_backup(engine: Engine, temp: Path, *, strip_passwords: bool) -> None:
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
        if strip_passwords:
            with copy:
                copy.execute("UPDATE reviewer SET password_hash = NULL, failed_signins = 0")
            copy.execute("VACUUM")  # the hashes' old pages are not left in the file
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    if not ok:
        raise InputError("the backup failed its integrity check; the database was not copied")
