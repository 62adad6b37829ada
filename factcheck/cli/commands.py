"""The `factcheck` command group. Each command is thin: it parses options, calls a service in
one transaction and prints text or (with --json) machine-readable JSON on stdout. Errors are
one line on stderr and exit status 1. The commands live one module per group (articles,
claims, rating, export, sources, team, interchange, suggest, checkworthy, ops), each listing
its own in `COMMANDS`; this module builds the group from them."""

from __future__ import annotations

import errno
from typing import Any

import click
from pydantic import ValidationError

from factcheck.cli.common import State, fail
from factcheck.domain.display import one_line, quote_name
from factcheck.errors import FactcheckError, describe_validation_error


class FactcheckGroup(click.Group):
    """Turns domain and validation errors from any command into one line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FactcheckError as error:
            fail(one_line(str(error)))  # a message may carry a raw file name
        except ValidationError as error:
            fail(describe_validation_error(error))
        except OSError as error:  # a full disk, a folder that cannot be written: one line
            fail(describe_os_error(error))


def describe_os_error(error: OSError) -> str:
    """One line for a file-system failure, the file name quoted (it may hold a newline)."""
    where = f" writing {quote_name(error.filename)}" if error.filename else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left on the disk{where}: nothing was written (free some space, retry)"
    reason = error.strerror or type(error).__name__
    return one_line(f"{reason}{' ' + quote_name(error.filename) if error.filename else ''}")


@click.group(cls=FactcheckGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    default=None,
    help="Database URL (default: $DATABASE_URL, else the SQLite file data/factcheck.db).",
)
@click.version_option(package_name="factcheck")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None) -> None:
    """factcheck: split news articles into claims, record who said what through whom, and
    rate the sourcing with Admiralty grades (A–F, 1–6).

    \b
    Example:
      factcheck import article.txt --title "NATO troops" --outlet ZeroHedge
      factcheck claims 1
      factcheck rate 12 --reviewer ana --type direct_quote --reliability B --credibility 2
      factcheck export --format csv --out ratings.csv
    """
    ctx.obj = State(db_url)


def main() -> None:
    """Console entry point (`factcheck` and `python -m factcheck`)."""
    cli(prog_name="factcheck")


def _register_command_modules() -> None:
    """Each command group lives in its own module, which lists its commands in `COMMANDS`."""
    import importlib

    for module in (
        "factcheck.cli.articles",
        "factcheck.cli.claims",
        "factcheck.cli.rating",
        "factcheck.cli.export",
        "factcheck.cli.sources",
        "factcheck.cli.team",
        "factcheck.cli.interchange",
        "factcheck.cli.suggest",
        "factcheck.cli.checkworthy",
        "factcheck.cli.ops",
        "factcheck.cli.trace",
    ):
        loaded = importlib.import_module(module)
        for command in getattr(loaded, "COMMANDS", []):
            cli.add_command(command)


_register_command_modules()
