"""Operations on the whole database: backups.

Registered on the `factcheck` group by `factcheck.cli._register_command_modules`."""

from __future__ import annotations

from pathlib import Path

import click

from factcheck.cli.common import State, emit_json, fail, json_option, pass_state
from factcheck.cli.team import acting_option
from factcheck.errors import FactcheckError
from factcheck.services.backup import backup_database


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@click.option(
    "--strip-passwords",
    is_flag=True,
    help="SQLite: leave reviewers' password hashes out of the copy.",
)
@json_option
@pass_state
@acting_option
def backup_command(
    state: State, path: Path, force: bool, strip_passwords: bool, as_json: bool
) -> None:
    """Make a consistent copy of the database while reviewers keep working. In team mode an
    admin's (--reviewer NAME).

    SQLite: a copy of the database file (online backup API), usable as `--db sqlite:///PATH`;
    it holds the reviewers' Argon2 password hashes unless --strip-passwords.
    PostgreSQL: a JSON Lines bundle of everything, restored with `factcheck import-bundle`.

    \b
    Example:
      factcheck backup backups/factcheck-2025-09-05.db
      factcheck backup team.db --reviewer root --strip-passwords
    """
    try:
        how = backup_database(state.engine, path, overwrite=force, strip_passwords=strip_passwords)
    except FactcheckError as error:
        fail(str(error))
    if as_json:
        emit_json({"path": str(path), "method": how})
    else:
        click.echo(f"backed up to {path} ({how})")


COMMANDS = [backup_command]
