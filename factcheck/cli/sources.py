"""The sources registry: list, add, edit, merge, remove people and outlets."""

from __future__ import annotations

from typing import Any

import click
from sqlmodel import Session

from factcheck.cli.common import State, emit_json, fail, json_option, pass_state
from factcheck.cli.team import acting_option
from factcheck.ids import row_id
from factcheck.services import sources as source_service

# ---------------------------------------------------------------- sources


def _source_dict(row: source_service.SourceRow) -> dict[str, Any]:
    return {
        "source_id": row.id,
        "name": row.name,
        "kind": row.kind,
        "aliases": row.aliases,
        "prior_reliability": row.prior_reliability,
        "chain_hops": row.hops,
    }


def _one_source_row(session: Session, source_id: int) -> source_service.SourceRow:
    source = session.get(source_service.Source, source_id)
    assert source is not None
    aliases = [a.alias for a in source_service.aliases_of(session, source_id)]
    return source_service.SourceRow(
        source_id, source.name, source.kind, aliases, source.prior_reliability, 0
    )


def _print_sources(rows: list[source_service.SourceRow], as_json: bool) -> None:
    if as_json:
        emit_json([_source_dict(r) for r in rows])
        return
    for r in rows:
        aliases = f" (aka {', '.join(r.aliases)})" if r.aliases else ""
        prior = f" prior {r.prior_reliability}" if r.prior_reliability else ""
        click.echo(f"[{r.id}] {r.name}{aliases}: {r.kind}{prior}")


@click.group("sources")
def sources_group() -> None:
    """The registry of people and outlets that chains refer to."""


@sources_group.command("list")
@click.option("--search", help="Name, alias or kind contains this text.")
@json_option
@pass_state
@acting_option
def sources_list(state: State, search: str | None, as_json: bool) -> None:
    """List sources with kind, aliases and prior grade.

    \b
    Example:
      factcheck sources list --search reuters
    """
    _print_sources(state.read(lambda s: source_service.list_sources(s, search)), as_json)


@sources_group.command("add")
@click.argument("name")
@click.option(
    "--kind",
    default="unknown",
    show_default=True,
    help="One of the source kinds (see docs/domain.md).",
)
@click.option("--alias", "aliases", multiple=True, help="Another name for it (repeatable).")
@click.option("--prior", help="Prior reliability grade A–F.")
@json_option
@pass_state
@acting_option
def sources_add(
    state: State, name: str, kind: str, aliases: tuple[str, ...], prior: str | None, as_json: bool
) -> None:
    """Add a person or outlet.

    \b
    Example:
      factcheck sources add "Agence France-Presse" --kind wire_agency --alias AFP --prior B
    """

    def work(session: Session) -> source_service.SourceRow:
        source = source_service.add_source(session, name, kind, list(aliases), prior)
        return _one_source_row(session, row_id(source))

    _print_sources([state.write(work)], as_json)


@sources_group.command("edit")
@click.argument("ref")
@click.option("--name", help="New name.")
@click.option("--kind", help="New kind.")
@click.option("--prior", help="Prior reliability A–F ('none' to clear).")
@click.option("--add-alias", multiple=True, help="Add an alias (repeatable).")
@click.option("--remove-alias", multiple=True, help="Remove an alias (repeatable).")
@json_option
@pass_state
@acting_option
def sources_edit(
    state: State,
    ref: str,
    name: str | None,
    kind: str | None,
    prior: str | None,
    add_alias: tuple[str, ...],
    remove_alias: tuple[str, ...],
    as_json: bool,
) -> None:
    """Change a source's name, kind, aliases or prior grade (REF is an id or a name).

    \b
    Example:
      factcheck sources edit Reuters --prior A --add-alias "Thomson Reuters"
    """
    clear = prior is not None and prior.lower() == "none"

    def work(session: Session) -> source_service.SourceRow:
        source = source_service.update_source(
            session,
            ref,
            name=name,
            kind=kind,
            prior_reliability=None if clear else prior,
            clear_prior=clear,
            add_aliases=list(add_alias),
            remove_aliases=list(remove_alias),
        )
        return _one_source_row(session, row_id(source))

    _print_sources([state.write(work)], as_json)


@sources_group.command("merge")
@click.argument("keep")
@click.argument("remove")
@json_option
@pass_state
@acting_option
def sources_merge(state: State, keep: str, remove: str, as_json: bool) -> None:
    """Merge REMOVE into KEEP: its names become aliases and chains follow.

    \b
    Example:
      factcheck sources merge "Agence France-Presse" "AFP news agency"
    """

    def work(session: Session) -> source_service.SourceRow:
        source = source_service.merge_sources(session, keep, remove)
        return _one_source_row(session, row_id(source))

    _print_sources([state.write(work)], as_json)


@sources_group.command("remove")
@click.argument("ref")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_state
@acting_option
def sources_remove(state: State, ref: str, yes: bool, as_json: bool) -> None:
    """Remove a source from the registry (chain hops keep their names).

    \b
    Example:
      factcheck sources remove "Old Name" --yes
    """
    source = state.read(lambda s: source_service.get_source(s, ref))
    if not yes and not click.confirm(f"Remove source {source.name!r} from the registry?", err=True):
        fail("not removed")
    state.write(lambda s: source_service.delete_source(s, ref))
    if as_json:
        emit_json({"removed": source.id})
    else:
        click.echo(f"removed source {source.name!r}")


COMMANDS: list[click.Command] = [sources_group]
