"""Trace: where else a statement appeared (`trace`), the statements found in several articles
(`statements`) and rebuilding their index (`reindex`). See factcheck/services/trace.py."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import click
from sqlmodel import Session

from factcheck.cli.common import ProgressBar, State, emit_json, json_option, pass_state
from factcheck.cli.team import acting_option
from factcheck.config import DATA_DIR
from factcheck.domain.display import one_line
from factcheck.errors import DuplicateError, PermissionDenied
from factcheck.ids import row_id
from factcheck.services import articles as article_service
from factcheck.services import trace as trace_service
from factcheck.services.trace import Appearance, Trace
from schemas.records import ArticleMeta, AssessmentInput

DEMO_FOLDER = DATA_DIR / "trace-demo"


def _describe(a: Appearance) -> str:
    how = "" if a.match == "self" else f" · {a.match} {a.similarity:.2f}"
    claim = f"claim {a.claim_id}" if a.claim_id is not None else "no claim"
    date = f"{a.published_at} ({a.date_used})"
    return f"article {a.article_id} · {a.outlet or 'unknown outlet'} · {date} · {claim}{how}"


def print_trace(found: Trace) -> None:
    click.echo(f"statement {found.statement_id}: {len(found.appearances)} other appearance(s)")
    if found.own is not None:
        click.echo(f"this claim: {_describe(found.own)}")
        if found.own.chain:
            click.echo(f"  chain: {one_line(found.own.chain)}")
    if found.earliest is not None:
        click.echo(f"earliest: {_describe(found.earliest)}")
        click.echo(f"  {one_line(found.earliest.text)}")
    for a in found.appearances:
        click.echo(f"- {_describe(a)}")
        click.echo(f"  {one_line(a.text)}")
        if a.chain:
            suggested = " (suggested)" if a.chain_suggested else ""
            click.echo(f"  chain{suggested}: {one_line(a.chain)}")
        changes = [
            ("-" if part["op"] == "delete" else "+") + one_line(part["text"])
            for part in a.diff
            if part["op"] != "equal"
        ]
        if changes:
            click.echo(f"  wording vs earliest: {' '.join(changes)}")
    click.echo(f"origin: {found.origin or 'unknown'}")
    if found.shortest_chain:
        hops = " > ".join(
            h.name + (f" [article {h.article_id}]" if h.article_id is not None else "")
            for h in found.shortest_chain
        )
        click.echo(f"shortest known chain: {one_line(hops)}")
    if found.weakest_hop is not None:
        click.echo(f"weakest hop: {found.weakest_hop.name} ({found.weakest_hop.reliability})")
    independent = found.independent_chains
    meaning = {"1-2": " (confirmed by other sources)", "3-6": " (not confirmed by another source)"}
    suggestion = (
        f": suggests information credibility {independent['credibility']}"
        f"{meaning[independent['credibility']]}"
        if independent["credibility"]
        else ""
    )
    click.echo(f"independent chains: {independent['count']}{suggestion}")


@click.command("trace")
@click.argument("claim_id", type=int)
@json_option
@pass_state
@acting_option
def trace_command(state: State, claim_id: int, as_json: bool) -> None:
    """Follow a claim's statement across the stored articles: every other appearance by date
    (exact, partial or reworded), the earliest wording, the origin, the shortest known chain,
    its weakest hop and the independent chains.

    \b
    Example:
      factcheck trace 12
      factcheck trace 12 --json
    """
    found = state.read(lambda s: trace_service.trace(s, claim_id))
    if as_json:
        emit_json(found.as_json())
    else:
        print_trace(found)


@click.command("statements")
@click.option(
    "--min-articles",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Only statements found in at least this many articles.",
)
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@json_option
@pass_state
@acting_option
def statements_command(state: State, min_articles: int, limit: int, as_json: bool) -> None:
    """List the statements that appear in several articles, most widespread first.

    \b
    Example:
      factcheck statements --min-articles 3
    """
    rows = state.read(lambda s: trace_service.list_statements(s, min_articles, limit))
    if as_json:
        emit_json([row.as_json() for row in rows])
        return
    if not rows:
        click.echo(f"no statement appears in {min_articles} or more articles")
    for row in rows:
        outlets = ", ".join(row.outlets) or "unknown outlets"
        click.echo(f"statement {row.statement_id}: {row.articles} articles ({one_line(outlets)})")
        click.echo(f"  {one_line(row.text)}")


@click.command("reindex")
@json_option
@pass_state
@acting_option
def reindex_command(state: State, as_json: bool) -> None:
    """Rebuild the statements index (what `trace` and `statements` search) from every
    article's current claims. Imports and deletions keep it up to date; this is for repairs.

    \b
    Example:
      factcheck reindex
    """
    with ProgressBar("indexing", unit="articles", quiet=as_json) as bar:
        articles, passages = state.write(lambda s: trace_service.rebuild_index(s, bar.update))
    if as_json:
        emit_json({"articles": articles, "passages": passages})
    else:
        click.echo(f"indexed {passages} passages of {articles} articles")


COMMANDS: list[click.Command] = [trace_command, statements_command, reindex_command]


@dataclass
class ConstructedDemo:
    """What `factcheck demo` loaded of the constructed example."""

    article_ids: list[int] = field(default_factory=list)
    reviewer: str = trace_service.DEMO_REVIEWER  # whose assessments the chains are
    assessments: int = 0  # chains stored now (none when they were stored before)
    skipped: str | None = None  # why the chains were not stored


def load_constructed_demo(state: State) -> ConstructedDemo:
    """Import the constructed trace example (`data/trace-demo`: fictional people and outlets,
    each article labelled constructed in `articles.json`), articles already in skipped; then
    add its fictional sources to the registry and store its chains as assessments of the demo
    reviewer ("demo-desk"), so a trace shows how the statement travelled. In team mode the
    chains need an admin (they are another reviewer's assessments): for anyone else the
    articles are loaded and `skipped` says why the chains are not."""
    manifest = json.loads((DEMO_FOLDER / "articles.json").read_text(encoding="utf-8"))
    loaded = ConstructedDemo(reviewer=manifest.get("reviewer", trace_service.DEMO_REVIEWER))
    wanted: list[tuple[int, list[tuple[str, AssessmentInput]]]] = []
    for entry in manifest["articles"]:
        text = (DEMO_FOLDER / entry["file"]).read_text(encoding="utf-8")
        meta = ArticleMeta(
            title=entry["title"],
            outlet=entry["outlet"],
            published=entry["published"],
            url=entry["url"],
        )

        def store(
            session: Session, text: str = text, meta: ArticleMeta = meta, name: str = entry["file"]
        ) -> int:
            return row_id(article_service.import_text(session, text, meta, source_file=name))

        try:
            article_id = state.write(store)
        except DuplicateError as error:
            if error.existing_id is None:
                raise
            article_id = error.existing_id
        loaded.article_ids.append(article_id)
        chains = [
            (
                item["claim"],
                AssessmentInput.model_validate({k: v for k, v in item.items() if k != "claim"}),
            )
            for item in entry.get("assessments", [])
        ]
        wanted.append((article_id, chains))

    def store_chains(session: Session) -> int:
        trace_service.add_demo_sources(session, manifest.get("sources", []))
        return sum(
            trace_service.store_demo_assessments(session, article_id, chains, loaded.reviewer)
            for article_id, chains in wanted
        )

    try:
        loaded.assessments = state.write(store_chains)
    except PermissionDenied as error:
        loaded.skipped = str(error)
    return loaded
