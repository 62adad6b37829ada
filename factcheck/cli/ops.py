"""Operations on the whole database: backups.

Registered on the `factcheck` group by `factcheck.cli._register_command_modules`."""

from __future__ import annotations

from pathlib import Path

import click

from factcheck.cli.common import State, emit_json, fail, json_option, pass_state
from factcheck.errors import FactcheckError
from factcheck.services.backup import backup_database


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@json_option
@pass_state
def backup_command(state: State, path: Path, force: bool, as_json: bool) -> None:
    """Make a consistent copy of the database while reviewers keep working.

    SQLite: a copy of the database file (online backup API), usable as `--db sqlite:///PATH`.
    PostgreSQL: a JSON Lines bundle of everything, restored with `factcheck import-bundle`.

    \b
    Example:
      factcheck backup backups/factcheck-2025-09-05.db
    """
    try:
        how = backup_database(state.engine, path, overwrite=force)
    except FactcheckError as error:
        fail(str(error))
    if as_json:
        emit_json({"path": str(path), "method": how})
    else:
        click.echo(f"backed up to {path} ({how})")


COMMANDS = [backup_command]
