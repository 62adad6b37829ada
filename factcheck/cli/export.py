"""Export: ratings CSV and the other formats of the catalog (`factcheck export`)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from factcheck.cli.common import ProgressBar, State, emit_json, fail, json_option, pass_state
from factcheck.cli.team import acting_as_option
from factcheck.domain.display import quote_name
from factcheck.interchange.export import (
    ExportFilter,
    atomic_folder,
    iter_rating_rows,
    parse_rated_bound,
    write_csv,
)
from factcheck.interchange.formats import FORMATS, Exporter, format_help
from factcheck.store.engine import read_session

# ---------------------------------------------------------------- export


def _exporter(
    fmt: str, organization: str | None, review_url: str | None, *, excel: bool = False
) -> Exporter:
    """The format's exporter, with ClaimReview's and the CSV's own options."""
    if fmt == "csv" and excel:
        from factcheck.interchange.export import export_csv

        return functools.partial(export_csv, excel=True)
    if fmt != "claimreview":
        return FORMATS[fmt].exporter
    from factcheck.interchange.claimreview import export_claimreview

    return functools.partial(
        export_claimreview, organization=organization, review_base_url=review_url
    )


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="csv",
    show_default=True,
    help=format_help(),
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="File to write (a folder for brat; default for csv: stdout).",
)
@click.option(
    "--article", "article_ids", type=int, multiple=True, help="Only this article (repeatable)."
)
@click.option("--reviewer", "reviewers", multiple=True, help="Only this reviewer (repeatable).")
@click.option("--final-only", is_flag=True, help="Only adjudicated final assessments.")
@click.option(
    "--from", "rated_from", metavar="DATE", help="Only assessments saved on or after (UTC)."
)
@click.option("--to", "rated_to", metavar="DATE", help="Only assessments saved on or before (UTC).")
@click.option("--organization", help="claimreview: the fact-checking organisation (author).")
@click.option(
    "--review-url", metavar="BASE", help="claimreview: base URL of the published reviews."
)
@click.option(
    "--excel",
    is_flag=True,
    help="csv: UTF-8 with a byte-order mark, so Excel shows quotes and accents right.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="brat: replace a folder that is not empty (its files go once the export is complete).",
)
@json_option
@pass_state
@acting_as_option
def export_command(
    state: State,
    fmt: str,
    out: Path | None,
    article_ids: tuple[int, ...],
    reviewers: tuple[str, ...],
    final_only: bool,
    rated_from: str | None,
    rated_to: str | None,
    organization: str | None,
    review_url: str | None,
    excel: bool,
    replace: bool,
    as_json: bool,
) -> None:
    """Export ratings (csv), the whole project (jsonl) or attributions (brat, quotes,
    claimreview). Every format takes the same filters; files are streamed and renamed into
    place when complete, with a progress bar on stderr (not with --json).

    \b
    Example:
      factcheck export --format csv --out ratings.csv
      factcheck export --format csv --excel --out ratings-for-excel.csv
      factcheck export --format xlsx --out ratings.xlsx
      factcheck export --format jsonl --out project.jsonl
      factcheck export --format brat --out corpus/ --reviewer ana
      factcheck export --format claimreview --final-only --organization "Example Checks" \\
          --from 2025-09-01 --to 2025-09-30 --out reviews.jsonl
    """
    try:
        flt = ExportFilter(
            article_ids=list(article_ids) or None,
            reviewers=list(reviewers) or None,
            final_only=final_only,
            rated_from=parse_rated_bound(rated_from) if rated_from else None,
            rated_to=parse_rated_bound(rated_to, end=True) if rated_to else None,
        )
    except ValueError as error:
        fail(str(error))
    if flt.rated_from and flt.rated_to and flt.rated_from > flt.rated_to:
        fail(f"--from {rated_from} is after --to {rated_to}")
    if excel and fmt != "csv":
        fail(f"--excel is for --format csv (--format {fmt} is read right as it is)")
    spec = FORMATS[fmt]
    if out is None:
        if not spec.to_stdout:
            fail(f"--format {fmt} writes a {'folder' if spec.folder else 'file'}; give --out PATH")
        if as_json:
            fail("--json describes a written file; give --out")
        with read_session(state.engine) as session:
            if excel:
                sys.stdout.write("\ufeff")
            write_csv(iter_rating_rows(session, flt), sys.stdout)
        return
    if spec.folder and out.exists() and not out.is_dir():
        fail(f"{quote_name(out)} is a file; --format {fmt} writes a folder")
    if spec.folder and out.is_dir() and any(out.iterdir()) and not replace:
        fail(
            f"{quote_name(out)} is not empty: an earlier export's files would mix with this one; "
            "give a new folder, or --replace to replace it"
        )
    if not spec.folder and out.is_dir():
        fail(f"{quote_name(out)} is a folder; give a file name")
    exporter = _exporter(fmt, organization, review_url, excel=excel)
    unit = spec.unit
    with ProgressBar(f"exporting {fmt}", unit=unit, quiet=as_json) as bar:
        if spec.folder:
            with atomic_folder(out) as staging:
                count = exporter(state.engine, staging, flt, bar.update)
        else:
            count = exporter(state.engine, out, flt, bar.update)
    if as_json:
        emit_json({"format": fmt, "out": str(out), "rows": count})
    else:
        click.echo(f"wrote {count} {unit} to {quote_name(out)}")


COMMANDS: list[click.Command] = [export_command]
