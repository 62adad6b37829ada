"""The command line: `factcheck` (and `python -m factcheck`). `main` builds the group from
one module per command group."""

from factcheck.cli.commands import cli, main

__all__ = ["cli", "main"]
