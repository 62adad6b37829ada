"""Team review commands: agreement between reviewers (reviewer management joins here later).

Registered on the `factcheck` group by `factcheck.cli._register_command_modules` through
`COMMANDS`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from factcheck.agreement import FIELDS, LEVELS, agreement_report
from factcheck.agreement_data import ratings_from_csv, ratings_from_db
from factcheck.cli_common import State, emit_json, json_option, pass_state

# ---------------------------------------------------------------- agreement


@click.command("agreement")
@click.argument(
    "ratings_csv",
    metavar="[RATINGS.csv]",
    required=False,
    type=click.Path(path_type=Path),
)
@click.option(
    "--article",
    "article_ids",
    type=int,
    multiple=True,
    metavar="ID",
    help="Only this article (repeatable); default: every article.",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default=None,
    help="Level of measurement for the two grades (default: ordinal; attribution type is "
    "always nominal).",
)
@json_option
@pass_state
def agreement_command(
    state: State,
    ratings_csv: Path | None,
    article_ids: tuple[int, ...],
    level: str | None,
    as_json: bool,
) -> None:
    """How far reviewers agree: Krippendorff's alpha per field, Cohen's kappa per reviewer
    pair, and how often their chains match.

    Ratings come from the database, or from RATINGS.csv in the export format (pool the CSVs of
    reviewers who worked offline; only claim_id, reviewer and the rated columns are needed).
    Final (adjudicated) ratings are left out. Grades F and 6 ("cannot be judged") count as
    missing, not as the worst grade.

    \b
    Example:
      factcheck agreement --article 3
      factcheck agreement pooled-ratings.csv --level interval --json
    """
    articles = list(article_ids) or None
    if ratings_csv is not None:
        ratings = ratings_from_csv(ratings_csv, article_ids=articles)
    else:
        ratings = state.read(lambda session: ratings_from_db(session, article_ids=articles))
    report = agreement_report(ratings, level=level)
    if as_json:
        emit_json(report)
    else:
        click.echo(format_report(report))


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def format_report(report: dict[str, Any]) -> str:
    """The report as aligned plain-text tables for a terminal."""
    lines = [
        "Krippendorff's alpha",
        f"  {'field':<25} {'level':<9} {'alpha':>7} {'units':>7} {'reviewers':>10}",
    ]
    for field in FIELDS:
        row = report[field]
        lines.append(
            f"  {field:<25} {row['level']:<9} {_figure(row['alpha']):>7} "
            f"{row['units']:>7} {row['reviewers']:>10}"
        )
    lines.append("")
    pairwise = report["pairwise"]
    if pairwise:
        width = max(len(" / ".join(entry["reviewers"])) for entry in pairwise)
        width = max(width, len("reviewers"))
        lines.append("Cohen's kappa per reviewer pair")
        lines.append(f"  {'reviewers':<{width}} {'field':<25} {'kappa':>7} {'units':>7}")
        for entry in pairwise:
            pair = " / ".join(entry["reviewers"])
            lines.append(
                f"  {pair:<{width}} {entry['field']:<25} {_figure(entry['kappa']):>7} "
                f"{entry['units']:>7}"
            )
    else:
        lines.append("Cohen's kappa per reviewer pair: no two reviewers rated the same claim")
    lines.append("")
    chains = report["chains"]
    if chains["units"]:
        share = chains["exact_match_share"]
        lines.append(
            f"Chains: {chains['units']} claims with chains from two reviewers or more; "
            f"exact match {share:.1%}; mean hop overlap (Jaccard) "
            f"{_figure(chains['mean_hop_overlap'])}"
        )
    else:
        lines.append("Chains: no claim has chains from two reviewers")
    return "\n".join(lines)


COMMANDS: list[click.Command] = [agreement_command]
