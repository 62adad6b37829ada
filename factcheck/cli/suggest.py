"""`factcheck suggest`: who said what, through whom, for files or a stored article.

Registered on the `factcheck` group by `factcheck.cli._register_command_modules` through
`COMMANDS`. Files need no database: they are decoded exactly as `factcheck import` decodes
them (`articles.read_article_file`), so offsets refer to the same text a later import stores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from sqlmodel import Session

from factcheck.cli.common import State, emit_json, fail, json_option, pass_state
from factcheck.config import get_settings
from factcheck.errors import FactcheckError
from factcheck.services import articles as article_service
from factcheck.suggest import suggest_attributions
from schemas.spans import Span, SuggestedAttribution
from schemas.vocab import AttributionType

__all__ = ["COMMANDS", "suggest_command", "suggestion_record"]


def suggestion_record(suggestion: SuggestedAttribution) -> dict[str, Any]:
    """One attribution in the JSON contract (spans with exact text, chain hops, 0–100 score)."""
    return suggestion.model_dump(mode="json")


def _short(span: Span | None, width: int = 60) -> str:
    if span is None:
        return "—"
    text = " ".join(span.text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _summary(label: str, suggestions: list[SuggestedAttribution]) -> str:
    """A readable block per input: one line per attribution, its chain and score under it."""
    attributed = sum(s.attribution_type != AttributionType.unattributed for s in suggestions)
    lines = [f"{label}: {attributed} attribution(s)"]
    for n, s in enumerate(suggestions, 1):
        contents = s.content if isinstance(s.content, list) else [s.content]
        content = " … ".join(_short(c, 70) for c in contents)
        speaker = s.speaker or (s.source.text if s.source else "—")
        lines.append(
            f"{n:3d}. [{s.attribution_type.value}] {speaker} | cue: {_short(s.cue, 30)} | {content}"
        )
        chain = " > ".join(
            h.name + (f" ({h.relation.value})" if h.relation else "") for h in s.chain
        )
        lines.append(f"     chain: {chain or '—'} | score {s.score}")
    return "\n".join(lines)


def _stored(session: Session, article_id: int) -> tuple[dict[str, Any], str, str | None]:
    """What the command needs of a stored article, read inside its session."""
    article = article_service.get_article(session, article_id)
    return {"file": article.source_file, "article_id": article.id}, article.text, article.outlet


@click.command("suggest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--article", "article_id", type=int, metavar="ID", help="A stored article instead of files."
)
@click.option(
    "--publisher",
    metavar="NAME",
    default=None,
    help="Outlet that published the files (last hop of each chain); default: guessed from "
    "the text, or the stored article's outlet.",
)
@click.option(
    "--all-sentences",
    is_flag=True,
    help="Also list each sentence with no attribution, as `unattributed`.",
)
@json_option
@pass_state
def suggest_command(
    state: State,
    paths: tuple[Path, ...],
    article_id: int | None,
    publisher: str | None,
    all_sentences: bool,
    as_json: bool,
) -> None:
    """Suggest attributions (source, cue, content), chains and sourcing scores.

    For files no database is needed. With --json, prints JSON Lines, one object per input:
    {"file": PATH, "attributions": [{"attribution_type", "source", "cue", "content", "chain",
    "score", …}]}, spans as {"start", "end", "text"} character offsets into the decoded text.

    \b
    Example:
      factcheck suggest article.txt other.html --json
      factcheck suggest --article 3
    """
    if article_id is not None and paths:
        fail("give files or --article ID, not both")
    if article_id is None and not paths:
        fail("give one or more files, or --article ID")
    inputs: list[tuple[dict[str, Any], str, str | None]] = []
    if article_id is not None:
        try:
            header, text, outlet = state.read(lambda s: _stored(s, article_id))
        except FactcheckError as error:
            fail(str(error))
        inputs.append((header, text, publisher or outlet))
    else:
        max_bytes = get_settings().factcheck_max_bytes
        # Decode every file first: a bad one fails the run before anything is printed.
        for path in paths:
            try:
                decoded = article_service.read_article_file(path, max_bytes)
            except FactcheckError as error:
                fail(str(error))
            inputs.append(({"file": str(path)}, decoded.text, publisher or decoded.site_name))
    for header, text, pub in inputs:
        found = suggest_attributions(text, pub, include_unattributed=all_sentences)
        if as_json:
            emit_json({**header, "attributions": [suggestion_record(s) for s in found]})
        else:
            label = header["file"] or f"article {header.get('article_id')}"
            if "article_id" in header:
                label = f"article {header['article_id']} ({label})"
            click.echo(_summary(label, found))


COMMANDS = [suggest_command]
