"""README documents every command of the CLI: each command and subcommand of the click group
`factcheck.cli.cli` appears in README.md as `factcheck <command>` or `factcheck <group>
<command>` (global options such as `--db URL` may come between; `a|b|c` lists alternatives,
as in `factcheck sources list|add|edit|merge|remove`)."""

from __future__ import annotations

import re

import click

from factcheck.cli import cli
from tests.conftest import ROOT

README = ROOT / "README.md"
# "factcheck", optional global options, then the command words.
INVOCATION = re.compile(r"\bfactcheck((?:\s+--db(?:\s+|=)\S+)*)\s+([\w|-]+)(?:[ \t]+([\w|-]+))?")


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every visible command and subcommand, groups included."""
    found: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found += commands(command, path)
    return found


def documented(text: str) -> set[tuple[str, ...]]:
    """The command paths README shows being run."""
    paths: set[tuple[str, ...]] = set()
    for match in INVOCATION.finditer(text):
        first, second = match.group(2), match.group(3)
        for word in first.split("|"):
            paths.add((word,))
            for sub in (second or "").split("|"):
                if sub:
                    paths.add((word, sub))
    return paths


def test_the_walk_sees_groups_and_their_subcommands() -> None:
    """The command tree really is walked (a group's subcommands are reached)."""
    paths = commands(cli)
    groups = [p for p in paths if len(p) == 1 and isinstance(cli.commands[p[0]], click.Group)]
    assert groups, "no command groups found: the walk is broken"
    assert all(any(len(q) == 2 and q[0] == g[0] for q in paths) for g in groups)
    assert len(paths) >= 20


def test_documented_reads_invocations_as_a_reader_would() -> None:
    shown = documented(
        "factcheck sources list|add …\n"
        "factcheck --db sqlite:///x.db import-bundle project.jsonl\n"
        "`factcheck claim merge CLAIM_ID`\n"
    )
    assert {("sources", "list"), ("sources", "add"), ("import-bundle",), ("claim", "merge")} <= (
        shown
    )
    assert ("sources", "edit") not in shown


def test_readme_documents_every_command() -> None:
    shown = documented(README.read_text(encoding="utf-8"))
    missing = [
        " ".join(path)
        for path in commands(cli)
        if path not in shown
        and not (len(path) == 1 and isinstance(cli.commands[path[0]], click.Group))
    ]
    # A group counts as documented through its subcommands; each subcommand must be shown.
    assert not missing, "README.md does not show: " + ", ".join(
        f"`factcheck {name}`" for name in missing
    )
