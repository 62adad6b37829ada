"""Reviewers' attributions as quote JSON Lines, in the shape `factcheck suggest --json`
prints, so the same scorer and tools read human and machine attributions alike:

    {"file": "<stem>.txt", "article_id": 3, "reviewer": "4e07",
     "attributions": [{"attribution_type", "source": span | [span] | null,
                       "cue": span | [span] | null, "content": span | [span],
                       "chain": [{"name", "kind", "relation"}], "score", "claim_id"}]}

One line per article (and one more per other file name, when the same text was imported
under two names, as PolNeAR has). Spans are exact article offsets taken from `Assessment.spans`; an
assessment without recorded spans contributes its claim as the content. Without a reviewer
filter, each article carries its first annotator's work (reviewer names sorted), as when
scoring against the first annotator of a corpus.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, select
from sqlmodel import Session, col

from factcheck.ids import id_col, row_id
from factcheck.interchange.brat import entry_file, is_attribution
from factcheck.interchange.export import ExportFilter, assessment_conditions, atomic_text_file
from factcheck.services.assessments import chains_for
from factcheck.store.models import Article, Assessment, Claim, Reviewer

ExportProgress = Callable[[int], None]
HUMAN_SCORE = 100  # a reviewer's attribution is not a guess


def _span_value(spans: list[dict[str, Any]] | None) -> Any:
    """One span as an object, several as a list, none as null (the suggest shape)."""
    cleaned = [
        {"start": s["start"], "end": s["end"], "text": s.get("text", "")} for s in spans or []
    ]
    if not cleaned:
        return None
    return cleaned[0] if len(cleaned) == 1 else cleaned


def export_quotes(
    engine: Engine,
    path: Path,
    flt: ExportFilter | None = None,
    progress: ExportProgress | None = None,
) -> int:
    """Write one JSON line per article (per file, when the same text came under two file
    names) to `path`; returns the number of lines."""
    flt = flt or ExportFilter()
    count = 0
    with Session(engine) as session, atomic_text_file(Path(path)) as out:
        query = select(id_col(Article.id), col(Article.source_file)).order_by(col(Article.id))
        if flt.article_ids:
            query = query.where(col(Article.id).in_(flt.article_ids))
        for article_id, source_file in session.execute(query).all():
            for record in article_quote_records(session, article_id, source_file, flt):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
            session.expunge_all()
            if progress is not None and count % 100 == 0:
                progress(count)
    if progress is not None:
        progress(count)
    return count


def article_quote_records(
    session: Session, article_id: int, source_file: str | None, flt: ExportFilter
) -> list[dict[str, Any]]:
    """The quote records of one article: its own file first, then one per other file name
    the same text was annotated under (BRAT entries remember it)."""
    query = (
        select(Assessment, col(Reviewer.name), col(Claim.start), col(Claim.end), col(Claim.text))
        .join(Claim, col(Claim.id) == Assessment.claim_id)
        .join(Reviewer, col(Reviewer.id) == Assessment.reviewer_id)
        .where(and_(col(Claim.article_id) == article_id, *assessment_conditions(session, flt)))
        .order_by(col(Reviewer.name), col(Claim.start), col(Assessment.id))
    )
    rows = session.execute(query).all()
    chains = chains_for(session, [row[0].id for row in rows])
    # (file, reviewer, assessment, entry); file None is the article's own file.
    items: list[tuple[str | None, str, Assessment, dict[str, Any]]] = []
    for assessment, reviewer, start, end, text in rows:
        if not assessment.spans:
            if assessment.attribution_type in (None, "unattributed"):
                continue
            entry = {"content": [{"start": start, "end": end, "text": text}]}
            items.append((None, reviewer, assessment, entry))
            continue
        for entry in assessment.spans:
            if is_attribution(entry):
                items.append((entry_file(entry, None), reviewer, assessment, entry))
    files: list[str | None] = [None]
    files += sorted({f for f, *_ in items if f is not None})
    own_name = Path(source_file).name if source_file else f"article-{article_id}.txt"
    records = []
    for file_name in files:
        mine = [item for item in items if item[0] == file_name]
        if not flt.reviewers and mine:  # the first annotator's work, as scorers expect
            first = min(item[1] for item in mine)
            mine = [item for item in mine if item[1] == first]
        if file_name is not None and not mine:
            continue
        attributions = _attributions(mine, chains)
        reviewers = sorted({item[1] for item in mine})
        records.append(
            {
                "file": own_name if file_name is None else Path(file_name).name,
                "article_id": article_id,
                "reviewer": reviewers[0] if len(reviewers) == 1 else (reviewers or None),
                "attributions": attributions,
            }
        )
    return records


def _attributions(
    items: list[tuple[str | None, str, Assessment, dict[str, Any]]], chains: dict[int, Any]
) -> list[dict[str, Any]]:
    """The attributions of one file, in the order of the original annotation when it came
    from BRAT (scorers that match greedily see them as the annotator wrote them), else in
    text order. Distinct BRAT events stay distinct even when their spans are equal (a corpus
    may annotate one statement twice); otherwise equal spans count once."""
    ordered: list[tuple[tuple[float, int, int], dict[str, Any]]] = []
    seen: set[str] = set()
    for file_name, _reviewer, assessment, entry in items:
        chain = [hop.model_dump(mode="json") for hop in chains.get(row_id(assessment), [])]
        item = {
            "attribution_type": entry.get("attribution_type") or assessment.attribution_type,
            "source": _span_value(entry.get("source")),
            "cue": _span_value(entry.get("cue")),
            "content": _span_value(entry.get("content")) or [],
            "chain": chain,
            "score": HUMAN_SCORE,
            "claim_id": assessment.claim_id,
        }
        brat = entry.get("brat") or {}
        identity: list[Any] = [item["source"], item["cue"], item["content"]]
        if brat.get("event"):
            identity = [file_name, brat["event"]]
        key = json.dumps(identity, sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        line = brat.get("line")
        ordered.append(((line if isinstance(line, int) else float("inf"), *_position(item)), item))
    ordered.sort(key=lambda pair: pair[0])
    return [item for _, item in ordered]


def _position(item: dict[str, Any]) -> tuple[int, int]:
    content = item["content"]
    first = content[0] if isinstance(content, list) and content else content
    return (first["start"], first["end"]) if isinstance(first, dict) else (-1, -1)
