"""Claims: list them, edit their boundaries (merge, split, edit, add, drop, restore), and the
article's history with undo."""

from __future__ import annotations

import click
from sqlmodel import Session

from factcheck.cli.common import State, emit_json, fail, json_option, pass_state
from factcheck.cli.team import acting_option
from factcheck.services import articles as article_service
from factcheck.services import claims as claim_service
from factcheck.store.models import Claim
from schemas.records import (
    ClaimRecord,
)
from schemas.vocab import ClaimKind

# ---------------------------------------------------------------- claims


def _claim_record(claim: Claim) -> ClaimRecord:
    return ClaimRecord(
        claim_id=claim.id,
        index=claim.position,
        start=claim.start,
        end=claim.end,
        text=claim.text,
        kind=ClaimKind(claim.kind),
        checkworthiness=claim.checkworthiness,
    )


def _print_claims(claims: list[Claim], as_json: bool) -> None:
    if as_json:
        emit_json([_claim_record(c).model_dump(mode="json") for c in claims])
        return
    for c in claims:
        state = " (dropped)" if c.dropped else ""
        click.echo(f"[{c.id}] #{c.position} {c.start}–{c.end} {c.kind}{state}: {c.text}")


@click.command("claims")
@click.argument("article_id", type=int)
@click.option("--all", "include_dropped", is_flag=True, help="Include dropped claims.")
@json_option
@pass_state
@acting_option
def claims_command(state: State, article_id: int, include_dropped: bool, as_json: bool) -> None:
    """List an article's claims with exact character offsets.

    \b
    Example:
      factcheck claims 1 --json
    """

    def work(session: Session) -> list[Claim]:
        article_service.get_article(session, article_id)
        return claim_service.list_claims(session, article_id, include_dropped=include_dropped)

    _print_claims(state.read(work), as_json)


@click.group("claim")
def claim_group() -> None:
    """Edit claim boundaries: merge, split, edit, add, drop, restore.

    In team mode give --reviewer NAME: changing claims other reviewers have rated needs an
    adjudicator or admin; their ratings stay attached and are flagged for re-rating."""


@claim_group.command("merge")
@click.argument("claim_id", type=int)
@click.argument("other_id", type=int, required=False)
@json_option
@pass_state
@acting_option
def claim_merge(state: State, claim_id: int, other_id: int | None, as_json: bool) -> None:
    """Merge a claim with the next one (or with OTHER_ID, an adjacent claim).

    \b
    Example:
      factcheck claim merge 4
    """
    _print_claims(
        [state.write(lambda s: claim_service.merge_claims(s, claim_id, other_id))], as_json
    )


@claim_group.command("split")
@click.argument("claim_id", type=int)
@click.argument("offset", type=int)
@json_option
@pass_state
@acting_option
def claim_split(state: State, claim_id: int, offset: int, as_json: bool) -> None:
    """Split a claim at an article character OFFSET inside it.

    \b
    Example:
      factcheck claim split 5 812
    """
    _print_claims(
        list(state.write(lambda s: claim_service.split_claim(s, claim_id, offset))), as_json
    )


@claim_group.command("edit")
@click.argument("claim_id", type=int)
@click.option("--start", type=int, help="New start offset (trim or extend).")
@click.option("--end", type=int, help="New end offset (trim or extend).")
@click.option("--kind", type=click.Choice([k.value for k in ClaimKind]), help="Claim kind.")
@click.option(
    "--drop-rest",
    is_flag=True,
    help="When trimming, keep the trimmed-off text as dropped claims (without it, a trim that "
    "would leave text in no claim is refused).",
)
@json_option
@pass_state
@acting_option
def claim_edit(
    state: State,
    claim_id: int,
    start: int | None,
    end: int | None,
    kind: str | None,
    drop_rest: bool,
    as_json: bool,
) -> None:
    """Trim or extend a claim's boundaries, or change its kind.

    \b
    Example:
      factcheck claim edit 5 --start 650 --kind opinion
      factcheck claim edit 5 --end 700 --drop-rest
    """
    if start is None and end is None and kind is None:
        fail("nothing to change: give --start, --end or --kind")
    _print_claims(
        [
            state.write(
                lambda s: claim_service.edit_claim(
                    s, claim_id, start=start, end=end, kind=kind, drop_rest=drop_rest
                )
            )
        ],
        as_json,
    )


@claim_group.command("add")
@click.argument("article_id", type=int)
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.option(
    "--kind", type=click.Choice([k.value for k in ClaimKind]), default="factual", show_default=True
)
@json_option
@pass_state
@acting_option
def claim_add(
    state: State, article_id: int, start: int, end: int, kind: str, as_json: bool
) -> None:
    """Add a claim from the span START–END of an article.

    \b
    Example:
      factcheck claim add 1 1690 1747 --kind framing
    """
    _print_claims(
        [state.write(lambda s: claim_service.add_claim(s, article_id, start, end, kind))], as_json
    )


@claim_group.command("drop")
@click.argument("claim_id", type=int)
@json_option
@pass_state
@acting_option
def claim_drop(state: State, claim_id: int, as_json: bool) -> None:
    """Mark a claim as not a claim (kept, with its ratings, and restorable).

    \b
    Example:
      factcheck claim drop 7
    """
    _print_claims([state.write(lambda s: claim_service.drop_claim(s, claim_id))], as_json)


@claim_group.command("restore")
@click.argument("claim_id", type=int)
@json_option
@pass_state
@acting_option
def claim_restore(state: State, claim_id: int, as_json: bool) -> None:
    """Restore a dropped claim.

    \b
    Example:
      factcheck claim restore 7
    """
    _print_claims([state.write(lambda s: claim_service.restore_claim(s, claim_id))], as_json)


# ---------------------------------------------------------------- history


@click.command("history")
@click.argument("article_id", type=int)
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@json_option
@pass_state
@acting_option
def history_command(state: State, article_id: int, limit: int, as_json: bool) -> None:
    """The latest changes of an article's claims and assessments, newest first.

    \b
    Example:
      factcheck history 1
      factcheck history 1 --json
    """
    from factcheck.services import history

    rows = state.read(lambda s: history.article_history(s, article_id, limit))
    if as_json:
        emit_json([row.as_json() for row in rows])
        return
    if not rows:
        click.echo(f"article {article_id} has no recorded changes")
    for row in rows:
        flags = " (undone)" if row.undone else " (undo: factcheck undo)" if row.undoable else ""
        click.echo(
            f"#{row.id}  {row.at:%Y-%m-%d %H:%M}  {row.actor}  {row.action}: {row.summary}{flags}"
        )


@click.command("undo")
@click.argument("article_id", type=int)
@json_option
@pass_state
@acting_option
def undo_command(state: State, article_id: int, as_json: bool) -> None:
    """Undo the most recent claim boundary or kind change of an article, exactly: the same
    spans, the same claim ids, the ratings' review flags as they were.

    \b
    Example:
      factcheck undo 1
    """
    from factcheck.services import history

    row = state.write(lambda s: history.undo_last(s, article_id))
    if as_json:
        emit_json(row.as_json())
    else:
        click.echo(f"undone: {row.summary}")


COMMANDS: list[click.Command] = [claims_command, claim_group, history_command, undo_command]
