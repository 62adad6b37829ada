"""Articles: import files, folders and web pages; list, show and delete articles; the demo."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import click
from pydantic import ValidationError

from factcheck.cli.common import ProgressBar, State, emit_json, fail, json_option, pass_state
from factcheck.cli.team import acting_option
from factcheck.config import get_settings
from factcheck.domain.display import one_line, quote_name
from factcheck.domain.textio import SUPPORTED_SUFFIXES
from factcheck.errors import DuplicateError, describe_validation_error
from factcheck.ids import row_id
from factcheck.services import articles as article_service
from factcheck.services import claims as claim_service
from factcheck.services.batch import files_in_folder, import_many, import_one
from schemas.records import (
    ArticleMeta,
    ArticleSummary,
    ImportedArticle,
)

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


@click.command("import")
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
@acting_option
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


@click.command("articles")
@click.option(
    "--search", help="Only articles whose title, outlet or text has every word (word prefixes)."
)
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many (newest first).")
@json_option
@pass_state
@acting_option
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


@click.group("article")
def article_group() -> None:
    """Show or delete one article."""


@article_group.command("show")
@click.argument("article_id", type=int)
@json_option
@pass_state
@acting_option
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


# ---------------------------------------------------------------- demo


@click.command("demo")
@json_option
@pass_state
@acting_option
def demo_command(state: State, as_json: bool) -> None:
    """Load the demo article (ZeroHedge, 2025-09-05) and the constructed trace example
    (fictional people and outlets, data/trace-demo) unless they are already in.

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
    from factcheck.cli.trace import load_constructed_demo  # the trace example (issue 16)

    constructed = load_constructed_demo(state)
    if as_json:
        emit_json({"article_id": article_id, "constructed_article_ids": constructed.article_ids})
        return
    ids = ", ".join(map(str, constructed.article_ids))
    click.echo(f"the constructed trace example is articles {ids}")
    if constructed.skipped:
        click.echo(f"its chains were not stored: {constructed.skipped}")
    elif constructed.assessments:
        click.echo(
            f"stored its {constructed.assessments} chains as {constructed.reviewer}'s assessments"
        )


COMMANDS: list[click.Command] = [import_command, articles_command, article_group, demo_command]
