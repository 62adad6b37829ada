"""The `factcheck` command line. Each command is thin: it parses options, calls a service in
one transaction and prints text or (with --json) machine-readable JSON on stdout. Errors are
one line on stderr and exit status 1."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from sqlmodel import Session

from factcheck.cli.common import ProgressBar, State, emit_json, fail, json_option, pass_state
from factcheck.cli.team import act_as, acting_as_option, acting_option
from factcheck.config import get_settings
from factcheck.domain.chains import build_chain, split_chain_text
from factcheck.domain.display import one_line, quote_name
from factcheck.domain.textio import SUPPORTED_SUFFIXES
from factcheck.errors import DuplicateError, FactcheckError, describe_validation_error
from factcheck.ids import row_id
from factcheck.interchange.export import (
    ExportFilter,
    atomic_folder,
    iter_rating_rows,
    parse_rated_bound,
    write_csv,
)
from factcheck.interchange.formats import FORMATS, Exporter, format_help
from factcheck.services import articles as article_service
from factcheck.services import assessments as assessment_service
from factcheck.services import claims as claim_service
from factcheck.services import sources as source_service
from factcheck.services.batch import files_in_folder, import_many, import_one
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import read_session, write
from factcheck.store.models import Claim
from schemas.records import (
    ArticleMeta,
    ArticleSummary,
    AssessmentInput,
    ClaimRecord,
    ImportedArticle,
)
from schemas.vocab import AttributionType, ClaimKind

T = TypeVar("T")


class FactcheckGroup(click.Group):
    """Turns domain and validation errors from any command into one line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FactcheckError as error:
            fail(one_line(str(error)))  # a message may carry a raw file name
        except ValidationError as error:
            fail(describe_validation_error(error))


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


# ---------------------------------------------------------------- articles


def _iter_input_files(
    paths: tuple[Path, ...], recursive: bool, refused: list[str] | None = None
) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            if not recursive:
                fail(
                    f"{quote_name(path)} is a folder; "
                    "add --recursive to import every article file in it"
                )
            found = files_in_folder(path, recursive=True, suffixes=SUPPORTED_SUFFIXES)
            for refusal in found.refused:
                click.echo(f"refused: {one_line(refusal)}", err=True)
            if refused is not None:
                refused.extend(found.refused)
            yield from found.files
        else:
            yield path


@cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--title", help="Article title (default: the first line).")
@click.option("--outlet", help="Publisher, e.g. ZeroHedge.")
@click.option("--author", help="Author or byline.")
@click.option(
    "--url",
    help="Where the article was published. Without files: fetch this page and import it "
    "(HTML and fetch time kept).",
)
@click.option("--published", help="Publication date, ISO 8601 (2025-09-05 or 2025-09-05T09:20).")
@click.option(
    "--recursive", "-r", is_flag=True, help="Import every .txt/.md/.html file under folders."
)
@json_option
@pass_state
def import_command(
    state: State,
    paths: tuple[Path, ...],
    title: str | None,
    outlet: str | None,
    author: str | None,
    url: str | None,
    published: str | None,
    recursive: bool,
    as_json: bool,
) -> None:
    """Import article files (.txt, .md, .html) and split them into claims.

    Importing the same text twice is reported and skipped (content hash), so a folder
    import that was interrupted can simply be run again. With --url and no files, the page
    is fetched and its body and metadata (title, author, site, date, canonical URL) extracted.

    \b
    Example:
      factcheck import article.txt --title "NATO Troops In Ukraine" --outlet ZeroHedge \\
          --url https://example.org/a --published 2025-09-05
      factcheck import corpus/ --recursive --json
      factcheck import --url https://example.org/news/nato-troops
    """
    if not paths and not url:
        fail("give article files or folders to import, or --url URL to fetch a web page")
    try:
        meta = ArticleMeta(
            title=title,
            outlet=outlet,
            author=author,
            url=None if not paths else url,
            published=published,
        )
    except ValidationError as error:
        fail(describe_validation_error(error))
    if not paths:
        _import_web_page(state, url or "", meta, as_json)
        return
    refused: list[str] = []
    files = list(_iter_input_files(paths, recursive, refused))
    if not files:
        fail("no .txt, .md or .html files found")
    if len(files) > 1 and meta.title:
        fail("--title applies to one file; import several files without it")
    max_bytes = get_settings().factcheck_max_bytes
    single = len(files) == 1 and not any(p.is_dir() for p in paths)
    items = [
        (path.name, lambda p=path: article_service.read_article_file(p, max_bytes))
        for path in files
    ]
    with ProgressBar("importing", total=len(files), unit="files", quiet=single or as_json) as bar:
        summary = import_many(state.engine, items, meta, lambda _done: bar.advance())
    if single and (summary.duplicates or summary.failed):
        fail(one_line((summary.duplicates or summary.failed)[0]))
    if as_json:
        emit_json([item.model_dump() for item in summary.imported])
    else:
        for item in summary.imported:
            click.echo(f"imported article {item.article_id}: {item.title!r}, {item.claims} claims")
    if not single:
        for message in summary.duplicates:
            click.echo(f"skipped: {one_line(message)}", err=True)
        for message in summary.failed:
            click.echo(f"failed: {one_line(message)}", err=True)
        click.echo(summary.line(), err=True)
        if refused:
            click.echo(f"{len(refused)} refused (outside the folder)", err=True)
        if summary.failed or refused:
            sys.exit(1)


def _import_web_page(state: State, url: str, meta: ArticleMeta, as_json: bool) -> None:
    """`import --url`: fetch, extract and store one page (the same JSON shape as files)."""
    from factcheck.interchange.web import import_url

    article = import_url(state.engine, url, meta)
    claims = state.read(lambda s: len(claim_service.list_claims(s, row_id(article))))
    item = ImportedArticle(article_id=article.id, title=article.title, claims=claims)
    if as_json:
        emit_json([item.model_dump()])
    else:
        click.echo(f"imported article {item.article_id}: {item.title!r}, {item.claims} claims")
        click.echo(f"fetched {url} at {article.fetched_at:%Y-%m-%dT%H:%M:%SZ}; HTML kept")


@cli.command("articles")
@click.option("--search", help="Only titles or outlets containing this text.")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many (newest first).")
@json_option
@pass_state
def articles_command(
    state: State, search: str | None, limit: int | None, offset: int, as_json: bool
) -> None:
    """List articles, newest first, with their number of claims.

    \b
    Example:
      factcheck articles --search zerohedge --json
    """
    rows = state.read(
        lambda s: article_service.list_articles(s, search=search, offset=offset, limit=limit)
    )
    summaries = [
        ArticleSummary(article_id=r.id, title=r.title, outlet=r.outlet, claims=r.claims)
        for r in rows
    ]
    if as_json:
        emit_json([s.model_dump() for s in summaries])
        return
    if not summaries:
        click.echo("no articles yet: add one with `factcheck import FILE`")
    for s in summaries:
        click.echo(f"{s.article_id:>6}  {s.claims:>4} claims  {s.outlet or '-':<20}  {s.title}")


@cli.group("article")
def article_group() -> None:
    """Show or delete one article."""


@article_group.command("show")
@click.argument("article_id", type=int)
@json_option
@pass_state
def article_show(state: State, article_id: int, as_json: bool) -> None:
    """Show an article's metadata and text.

    \b
    Example:
      factcheck article show 1
    """
    article = state.read(lambda s: article_service.get_article(s, article_id))
    data = article.model_dump(exclude={"html", "content_hash"})
    if as_json:
        emit_json(data)
        return
    for key in ("id", "title", "outlet", "author", "url", "published_at", "source_file"):
        click.echo(f"{key}: {data.get(key) or '-'}")
    click.echo("")
    click.echo(article.text)


@article_group.command("delete")
@click.argument("article_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_state
@acting_option
def article_delete(state: State, article_id: int, yes: bool, as_json: bool) -> None:
    """Delete an article with its claims and every assessment of them (admins only in team
    mode).

    \b
    Example:
      factcheck article delete 3 --yes
      factcheck article delete 3 --yes --reviewer root
    """
    article = state.read(lambda s: article_service.get_article(s, article_id))
    if not yes and not click.confirm(
        f"Delete article {article_id} ({article.title!r}) with all its claims and ratings?",
        err=True,
    ):
        fail("not deleted")
    state.write(lambda s: article_service.delete_article(s, article_id))
    if as_json:
        emit_json({"deleted": article_id})
    else:
        click.echo(f"deleted article {article_id}")


# ---------------------------------------------------------------- claims


def _claim_record(claim: Claim) -> ClaimRecord:
    return ClaimRecord(
        claim_id=claim.id,
        index=claim.position,
        start=claim.start,
        end=claim.end,
        text=claim.text,
        kind=ClaimKind(claim.kind),
    )


def _print_claims(claims: list[Claim], as_json: bool) -> None:
    if as_json:
        emit_json([_claim_record(c).model_dump(mode="json") for c in claims])
        return
    for c in claims:
        state = " (dropped)" if c.dropped else ""
        click.echo(f"[{c.id}] #{c.position} {c.start}–{c.end} {c.kind}{state}: {c.text}")


@cli.command("claims")
@click.argument("article_id", type=int)
@click.option("--all", "include_dropped", is_flag=True, help="Include dropped claims.")
@json_option
@pass_state
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


@cli.group("claim")
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


# ---------------------------------------------------------------- rating


@cli.command("rate")
@click.argument("claim_id", type=int)
@click.option(
    "--reviewer",
    required=True,
    envvar="FACTCHECK_REVIEWER",
    help="Who is rating (local mode: created on first use; team mode: signs in with "
    "$FACTCHECK_PASSWORD or a prompt).",
)
@click.option(
    "--final",
    is_flag=True,
    help="Record the adjudicator's final assessment (the article must be released); it starts "
    "from the reviewers' majority.",
)
@click.option(
    "--type",
    "attribution_type",
    type=click.Choice([t.value for t in AttributionType]),
    help="Attribution type.",
)
@click.option("--speaker", help="Who made the statement.")
@click.option("--cue", help="The attribution cue: said, told, according to, …")
@click.option("--chain", help="Hops from origin to publisher: 'A > B > C'.")
@click.option(
    "--kinds", help="Kind of each hop, same order: 'head_of_state > wire_agency > aggregator'."
)
@click.option("--relations", help="Relation of each hop to the one before ('-' for the first).")
@click.option("--reliability", help="Source reliability A–F.")
@click.option("--credibility", help="Information credibility 1–6.")
@click.option(
    "--translated/--not-translated", default=None, help="Default: from a translated_by hop."
)
@click.option("--primary-source", "primary_source_url", help="URL of the primary source.")
@click.option(
    "--corroborated/--not-corroborated", default=None, help="Corroborated by other sources?"
)
@click.option("--corroborated-by", help="What corroborates it.")
@click.option("--notes", help="Free-text notes.")
@click.option(
    "--if-version",
    "if_version",
    type=click.IntRange(0),
    help="Save only if the stored assessment is still at this version (0: none stored yet); "
    "otherwise refuse and change nothing.",
)
@click.option(
    "--clear",
    is_flag=True,
    help="Delete this reviewer's assessment of the claim (kept in the history).",
)
@json_option
@pass_state
def rate_command(
    state: State,
    claim_id: int,
    reviewer: str,
    final: bool,
    as_json: bool,
    if_version: int | None,
    clear: bool,
    **options: Any,
) -> None:
    """Record (or update) one reviewer's assessment of one claim.

    Options not given keep their previous value when rating again. With --final an
    adjudicator records the settled assessment of a released article (first time: starting
    from the majority of the reviewers' ratings); the reviewers' own ratings stay.

    \b
    Example:
      factcheck rate 12 --reviewer ana --type direct_quote --speaker "Alexander Stubb" \\
        --cue told --chain "Alexander Stubb > Finnish media > Reuters > The Guardian > ZeroHedge" \\
        --reliability B --credibility 2 --notes "Reuters copy checked"
      factcheck rate 12 --reviewer judge --final --reliability B
      factcheck rate 12 --reviewer ana --reliability C --if-version 3
      factcheck rate 12 --reviewer ana --clear
    """
    from factcheck.services import review
    from factcheck.services.access import acting_as

    actor = act_as(state, reviewer)
    if clear:
        _clear_rating(state, claim_id, reviewer, final, if_version, actor, as_json)
        return

    def work(session: Session) -> dict[str, Any]:
        who = get_or_create_reviewer(session, reviewer)
        claim = claim_service.get_claim(session, claim_id)
        with acting_as(actor or who):
            previous: Any = assessment_service.get_assessment(session, claim_id, who, final=final)
            if previous is None and final:
                sheet = review.review_sheet(session, claim.article_id)
                previous = review.majority_draft(sheet.views(claim_id))
            data = _assessment_from_options(session, options, previous)
            if final:
                saved = review.record_final(
                    session, claim_id, who, data, expected_version=if_version
                )
            else:
                saved = assessment_service.save_assessment(
                    session, claim_id, who, data, expected_version=if_version
                )
        return {
            "assessment_id": saved.id,
            "claim_id": claim_id,
            "version": saved.version,
            "reviewer": who.name,
            "grade": saved.grade,
            "sourcing_score": saved.sourcing_score,
            "chain": options.get("chain") or None,
            "final": final,
        }

    try:
        result = write(state.engine, work, retry_on_integrity=True)
    except ValidationError as error:
        fail(describe_validation_error(error))
    if as_json:
        emit_json(result)
    else:
        grade = result["grade"] or "no grade"
        kind = "final assessment" if final else "assessment"
        click.echo(
            f"saved {result['reviewer']}'s {kind} of claim {claim_id}: {grade}, "
            f"sourcing score {result['sourcing_score']} (version {result['version']})"
        )


def _clear_rating(
    state: State,
    claim_id: int,
    reviewer: str,
    final: bool,
    if_version: int | None,
    actor: Any,
    as_json: bool,
) -> None:
    """`rate --clear`: the explicit way to remove an assessment (an all-empty rating is refused)."""
    from factcheck.services.access import acting_as

    def work(session: Session) -> bool:
        who = get_or_create_reviewer(session, reviewer)
        with acting_as(actor or who):
            return assessment_service.clear_assessment(
                session, claim_id, who, final=final, expected_version=if_version
            )

    cleared = write(state.engine, work)
    if as_json:
        emit_json({"claim_id": claim_id, "reviewer": reviewer, "cleared": cleared})
    elif cleared:
        click.echo(f"cleared {reviewer}'s assessment of claim {claim_id} (kept in the history)")
    else:
        click.echo(f"{reviewer} had no assessment of claim {claim_id}: nothing to clear")


# ---------------------------------------------------------------- history


@cli.command("history")
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


@cli.command("undo")
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


def _assessment_from_options(
    session: Session, options: dict[str, Any], previous: Any
) -> AssessmentInput:
    base: dict[str, Any] = {}
    if isinstance(previous, AssessmentInput):  # an adjudicator's majority draft
        base = {**previous.model_dump(exclude_none=True), "chain": previous.chain}
    elif previous is not None:
        a = previous.assessment
        base = {
            "attribution_type": a.attribution_type,
            "speaker": a.speaker,
            "cue": a.cue,
            "chain": previous.chain,
            "source_reliability": a.source_reliability,
            "information_credibility": a.information_credibility,
            "translated": a.translated,
            "primary_source_url": a.primary_source_url,
            "corroborated": a.corroborated,
            "corroborated_by": a.corroborated_by,
            "notes": a.notes,
            "spans": a.spans,
        }
    given = {
        "attribution_type": options["attribution_type"],
        "speaker": options["speaker"],
        "cue": options["cue"],
        "source_reliability": options["reliability"],
        "information_credibility": options["credibility"],
        "translated": options["translated"],
        "primary_source_url": options["primary_source_url"],
        "corroborated": options["corroborated"],
        "corroborated_by": options["corroborated_by"],
        "notes": options["notes"],
    }
    base.update({key: value for key, value in given.items() if value is not None})
    if options["chain"] is not None or options["kinds"] or options["relations"]:
        names = (
            split_chain_text(options["chain"])
            if options["chain"] is not None
            else [h.name for h in base.get("chain", [])]
        )
        attribution = (
            AttributionType(base["attribution_type"]) if base.get("attribution_type") else None
        )

        def lookup(name: str) -> Any:
            source = source_service.find_source(session, name)
            return source_service.parse_kind(source.kind) if source else None

        base["chain"] = build_chain(
            names,
            kinds=options["kinds"],
            relations=options["relations"],
            attribution_type=attribution,
            lookup_kind=lookup,
        )
        if options["translated"] is None:
            base.pop("translated", None)
    return AssessmentInput.model_validate(base)


# ---------------------------------------------------------------- export


def _exporter(fmt: str, organization: str | None, review_url: str | None) -> Exporter:
    """The format's exporter, with ClaimReview's own options (the other formats have none)."""
    if fmt != "claimreview":
        return FORMATS[fmt].exporter
    from factcheck.interchange.claimreview import export_claimreview

    return functools.partial(
        export_claimreview, organization=organization, review_base_url=review_url
    )


@cli.command("export")
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
    replace: bool,
    as_json: bool,
) -> None:
    """Export ratings (csv), the whole project (jsonl) or attributions (brat, quotes,
    claimreview). Every format takes the same filters; files are streamed and renamed into
    place when complete, with a progress bar on stderr (not with --json).

    \b
    Example:
      factcheck export --format csv --out ratings.csv
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
    spec = FORMATS[fmt]
    if out is None:
        if not spec.to_stdout:
            fail(f"--format {fmt} writes a {'folder' if spec.folder else 'file'}; give --out PATH")
        if as_json:
            fail("--json describes a written file; give --out")
        with read_session(state.engine) as session:
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
    exporter = _exporter(fmt, organization, review_url)
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


@cli.group("sources")
def sources_group() -> None:
    """The registry of people and outlets that chains refer to."""


@sources_group.command("list")
@click.option("--search", help="Name, alias or kind contains this text.")
@json_option
@pass_state
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


# ---------------------------------------------------------------- demo


@cli.command("demo")
@json_option
@pass_state
def demo_command(state: State, as_json: bool) -> None:
    """Load the demo article (ZeroHedge, 2025-09-05) unless it is already in.

    \b
    Example:
      factcheck demo
    """
    from factcheck.config import DEMO_ARTICLE

    decoded = article_service.read_article_file(DEMO_ARTICLE, get_settings().factcheck_max_bytes)
    meta = ArticleMeta(
        outlet="ZeroHedge",
        url="https://www.zerohedge.com/geopolitical/nato-troops-ukraine-legitimate-targets-even-if-there-peace-deal-putin",
    )
    article_id: int | None
    try:
        item = state.write(lambda s: import_one(s, decoded, meta, DEMO_ARTICLE.name))
        article_id, claims = item.article_id, item.claims
    except DuplicateError as error:
        article_id, claims = error.existing_id, -1
        if not as_json:
            click.echo(f"the demo article is already loaded as article {article_id}")
    else:
        if not as_json:
            click.echo(f"loaded the demo article as article {article_id} ({claims} claims)")
    if as_json:
        emit_json({"article_id": article_id})


def main() -> None:
    """Console entry point (`factcheck` and `python -m factcheck`)."""
    cli(prog_name="factcheck")


def _register_command_modules() -> None:
    """Commands that live in their own modules (team review, interchange) join the group."""
    import importlib

    for module in (
        "factcheck.cli.team",
        "factcheck.cli.interchange",
        "factcheck.cli.suggest",
        "factcheck.cli.ops",
    ):
        loaded = importlib.import_module(module)
        for command in getattr(loaded, "COMMANDS", []):
            cli.add_command(command)


_register_command_modules()
