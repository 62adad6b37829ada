"""Interchange commands: bring in a BRAT corpus or a project bundle, merge a ratings CSV made
offline. (Exports of every format are `factcheck export --format …`; web pages are
`factcheck import --url`.) Each command reports what it did; bad input is one line on stderr,
exit 1, and nothing stored."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from factcheck.cli.common import ProgressBar, State, emit_json, json_option, pass_state
from factcheck.cli.team import acting_option
from factcheck.config import get_settings
from factcheck.domain.display import one_line
from factcheck.interchange.brat import DEFAULT_REVIEWER, import_brat
from factcheck.interchange.bundle import import_bundle
from factcheck.interchange.ratings_csv import merge_ratings_csv


@click.command("import-brat")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--annotator",
    "reviewer",
    default=DEFAULT_REVIEWER,
    show_default=True,
    help="Annotator of .ann files named without an _<annotator> suffix.",
)
@click.option("--keep-going", is_flag=True, help="Skip files with bad offsets instead of stopping.")
@json_option
@pass_state
@acting_option
def import_brat_command(
    state: State, directory: Path, reviewer: str, keep_going: bool, as_json: bool
) -> None:
    """Import a BRAT standoff corpus (PolNeAR layout DIR/text/*.txt + DIR/attributions/
    <stem>_<annotator>.ann, or .txt and .ann side by side). Each .ann becomes its
    annotator's assessments, spans kept exactly; articles already in are reused (content
    hash). Lines that are not T, E or AnnotatorNotes lines are listed, not dropped silently.
    Every file is checked before anything is stored (size limit: FACTCHECK_MAX_BYTES), then
    everything is stored in one transaction.

    \b
    Example:
      factcheck import-brat ../shared/corpora/polnear/dev
    """
    with ProgressBar("importing BRAT", unit="articles", quiet=as_json) as bar:
        summary = import_brat(
            state.engine,
            directory,
            lambda done, total: bar.update(done, total),
            reviewer=reviewer,
            keep_going=keep_going,
            max_bytes=get_settings().factcheck_max_bytes,
        )
    if as_json:
        emit_json(summary.as_dict())
    else:
        click.echo(
            f"{summary.articles_imported} articles imported, {summary.articles_reused} already "
            f"in; {summary.annotation_files} .ann files, {summary.attributions} attributions "
            f"in {summary.assessments} assessments"
        )
        # File names in these are quoted already; one_line also keeps a raw .ann line from
        # moving the cursor or starting a line of its own.
        for line in summary.unknown_lines:
            click.echo(f"unknown line (not imported): {one_line(line)}", err=True)
        for line in summary.unmatched_files:
            click.echo(f"skipped: {one_line(line)}", err=True)
        for line in summary.failed:
            click.echo(f"failed: {one_line(line)}", err=True)
        if summary.unknown_lines:
            click.echo(f"{len(summary.unknown_lines)} unknown lines reported", err=True)
    if summary.failed:
        sys.exit(1)


@click.command("import-bundle")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@json_option
@pass_state
@acting_option
def import_bundle_command(state: State, path: Path, as_json: bool) -> None:
    """Load a project bundle written by `factcheck export --format jsonl`, in one
    transaction: a wrong format version or a bad record anywhere stores nothing. Into an
    empty database the project comes back exactly (same ids, byte-identical re-export).

    \b
    Example:
      factcheck --db sqlite:///copy.db import-bundle project.jsonl
    """
    with ProgressBar("importing bundle", unit="lines", quiet=as_json) as bar:
        summary = import_bundle(state.engine, path, lambda done, total: bar.update(done, total))
    if as_json:
        emit_json(summary.as_dict())
        return
    counts = ", ".join(f"{n} {kind}s" for kind, n in summary.records.items())
    click.echo(f"imported {counts}")
    if summary.sources_matched or summary.reviewers_matched or summary.ids_remapped:
        click.echo(
            f"{summary.sources_matched} sources and {summary.reviewers_matched} reviewers "
            f"matched existing ones; {summary.ids_remapped} ids were taken and renumbered"
        )
    for note in summary.notes:
        click.echo(f"note: {note}", err=True)


def _describe(change: dict[str, Any]) -> str:
    who = f"{change['reviewer']}{' (final)' if change['final'] else ''}"
    fields = ", ".join(change["fields"]) or "nothing"
    return f"row {change['row']}: claim {change['claim_id']} by {who}: {fields}"


@click.command("merge-ratings")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only report what would change.")
@json_option
@pass_state
@acting_option
def merge_ratings_command(state: State, path: Path, dry_run: bool, as_json: bool) -> None:
    """Merge a ratings CSV (the `export --format csv` columns) from reviewers who worked
    offline. Rows match claims by claim_id, or by article_id + claim_start + claim_end.
    A rating changed in the database since the CSV's rated_at is a conflict: reported,
    never overwritten. The whole file is checked before anything is written.

    \b
    Example:
      factcheck merge-ratings ana-offline.csv --dry-run
      factcheck merge-ratings ana-offline.csv
    """
    report = merge_ratings_csv(state.engine, path, dry_run=dry_run).as_dict()
    if as_json:
        emit_json(report)
        return
    for change in report["changes"]:
        click.echo(f"{'would change' if dry_run else 'changed'} {_describe(change)}")
    for conflict in report["conflicts"]:
        click.echo(
            f"conflict, kept the database's version: {_describe(conflict)} (saved "
            f"{conflict['database_saved_at']}, CSV rated_at {conflict['csv_rated_at'] or 'none'})"
        )
    done = (
        "would create {created}, would update {updated}"
        if dry_run
        else ("created {created}, updated {updated}")
    )
    click.echo(
        f"{report['rows']} rows: {done.format(**report)}, {report['unchanged']} unchanged, "
        f"{len(report['conflicts'])} conflicts" + (" (dry run: nothing written)" if dry_run else "")
    )


COMMANDS = [import_brat_command, import_bundle_command, merge_ratings_command]
