"""`factcheck checkworthy`: which sentences of files deserve checking, without a database.

Registered on the `factcheck` group by `factcheck.cli._register_command_modules` through
`COMMANDS`. Files are decoded and split exactly as `factcheck import` does
(`articles.read_article_file`, `articles.split_article`), so the sentences, offsets, scores
and kinds are those an import of the same file stores.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from factcheck.checkworthy import DEFAULT_THRESHOLD
from factcheck.cli.common import emit_json, fail, json_option
from factcheck.config import get_settings
from factcheck.domain.display import quote_name
from factcheck.domain.split import ClaimSpan
from factcheck.errors import FactcheckError
from factcheck.services import articles as article_service

__all__ = ["COMMANDS", "checkworthy_command", "sentence_record"]


def sentence_record(span: ClaimSpan) -> dict[str, Any]:
    """One sentence in the JSON contract: offsets into the decoded text, score 0–1, kind."""
    return {
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "checkworthiness": span.checkworthiness,
        "kind": span.kind.value,
    }


def _ranked(label: str, spans: list[ClaimSpan], threshold: float) -> str:
    """A readable block per file: the sentences from most to least check-worthy."""
    worthy = sum((s.checkworthiness or 0.0) >= threshold for s in spans)
    lines = [f"{label}: {len(spans)} sentence(s), {worthy} check-worthy (≥ {threshold:g})"]
    ranked = sorted(spans, key=lambda s: (-(s.checkworthiness or 0.0), s.start))
    for span in ranked:
        text = " ".join(span.text.split())
        text = text if len(text) <= 100 else text[:99] + "…"
        why = f"  ({'; '.join(span.reasons)})" if span.reasons else ""
        lines.append(
            f"{span.checkworthiness or 0.0:5.2f} {span.kind.value:<10} "
            f"{span.start}–{span.end} {text}{why}"
        )
    return "\n".join(lines)


@click.command("checkworthy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Score from which a sentence counts as check-worthy (in the summary line).",
)
@json_option
def checkworthy_command(paths: tuple[Path, ...], threshold: float, as_json: bool) -> None:
    """Score how check-worthy each sentence of the files is (0–1), with its suggested kind.

    No database is needed. Without --json the sentences are listed from most to least
    check-worthy, with the reasons. With --json, prints JSON Lines, one object per file:
    {"file": PATH, "sentences": [{"start", "end", "text", "checkworthiness", "kind"}]}, in
    text order, offsets into the text as decoded (as `factcheck import` stores it).

    \b
    Example:
      factcheck checkworthy article.txt
      factcheck checkworthy article.txt other.html --json
    """
    max_bytes = get_settings().factcheck_max_bytes
    scored: list[tuple[Path, list[ClaimSpan]]] = []
    # Every file first: a bad one fails the run before anything is printed.
    for path in paths:
        try:
            decoded = article_service.read_article_file(path, max_bytes)
            split = article_service.split_article(decoded.text, path.name)
        except FactcheckError as error:
            fail(str(error))
        scored.append((path, split.claims))
    for path, spans in scored:
        if as_json:
            emit_json({"file": str(path), "sentences": [sentence_record(s) for s in spans]})
        else:
            click.echo(_ranked(quote_name(str(path)), spans, threshold))


COMMANDS = [checkworthy_command]
