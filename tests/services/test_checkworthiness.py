"""Check-worthiness scores in the database (each engine): stored with every claim at import,
in this process and by the import workers, with the suggested kind; rescored by boundary edits
(a split's parts apart, a merge by its new text, a trim), a reviewer's kind kept; undo puts the
old scores back; the Articles list counts each article's check-worthy claims."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from factcheck.checkworthy import score_text
from factcheck.services import articles, claims, history, workers
from factcheck.services.articles import read_article_file
from factcheck.services.batch import PARALLEL_MIN_FILES, import_many
from factcheck.store.engine import read_session, write
from factcheck.store.models import Claim
from schemas.records import ArticleMeta

# Two sentences that score far apart, in one paragraph (so a merge of them is possible).
HIGH = "The unemployment rate fell to 3.9 percent in March, the Labor Department said."
LOW = "I think this is a terrible idea."
FRAMING = "Here is how it unfolded:"
# The last line is page furniture: not a claim at all (#15), so it is not scored either.
TEXT = f"{HIGH} {LOW}\n\n{FRAMING}\n\nClick through for the whole thing.\n"


def _import(engine: Engine, text: str = TEXT) -> int:
    return write(engine, lambda s: articles.import_text(s, text, ArticleMeta()).id)  # type: ignore[return-value]


def _claims(engine: Engine, article_id: int) -> list[Claim]:
    with read_session(engine) as session:
        rows = claims.list_claims(session, article_id, include_dropped=True)
        for row in rows:
            session.expunge(row)
        return rows


def _check_scores(rows: list[Claim]) -> None:
    """Every claim carries the score and reasons of its own text."""
    for row in rows:
        judged = score_text(row.text)
        assert row.checkworthiness == pytest.approx(judged.score), row.text
        assert row.checkworthiness_reasons == list(judged.reasons), row.text


def test_import_stores_scores_reasons_and_suggested_kinds(engine: Engine) -> None:
    rows = _claims(engine, _import(engine))
    assert [r.text for r in rows] == [HIGH, LOW, FRAMING]
    _check_scores(rows)
    high, low, furniture = rows  # the framing line scores as low as furniture
    assert high.checkworthiness is not None and high.checkworthiness > 0.5
    assert low.checkworthiness is not None and low.checkworthiness < 0.3
    assert furniture.checkworthiness is not None and furniture.checkworthiness < 0.1
    assert [r.kind for r in rows] == ["factual", "opinion", "framing"]
    assert high.checkworthiness_reasons and furniture.checkworthiness_reasons


def test_split_parts_are_rescored_and_keep_the_reviewers_kind(engine: Engine) -> None:
    article_id = _import(engine)
    first = _claims(engine, article_id)[0]
    write(engine, lambda s: claims.edit_claim(s, first.id, kind="opinion"))  # type: ignore[arg-type]
    merged = write(engine, lambda s: claims.merge_claims(s, first.id).id)  # type: ignore[arg-type]
    after_merge = _claims(engine, article_id)
    (whole,) = [r for r in after_merge if r.id == merged]
    assert whole.text == f"{HIGH} {LOW}"
    assert whole.kind == "opinion", "a reviewer's kind wins over the model's"
    _check_scores(after_merge)

    cut = TEXT.index(LOW)
    write(engine, lambda s: claims.split_claim(s, merged, cut))
    parts = _claims(engine, article_id)
    assert [p.text for p in parts[:2]] == [HIGH, LOW]
    _check_scores(parts)
    assert parts[0].checkworthiness != parts[1].checkworthiness
    assert [p.kind for p in parts[:2]] == ["opinion", "opinion"]


def test_trim_and_drop_rest_rescore_and_undo_restores_scores(engine: Engine) -> None:
    article_id = _import(engine)
    before = {
        r.id: (r.checkworthiness, r.checkworthiness_reasons) for r in _claims(engine, article_id)
    }
    first = _claims(engine, article_id)[0]
    end = first.start + HIGH.index(", the Labor")
    write(
        engine,
        lambda s: claims.edit_claim(s, first.id, end=end, drop_rest=True),  # type: ignore[arg-type]
    )
    trimmed = _claims(engine, article_id)
    assert any(r.dropped for r in trimmed)
    _check_scores(trimmed)
    write(engine, lambda s: history.undo_last(s, article_id))
    restored = {
        r.id: (r.checkworthiness, r.checkworthiness_reasons) for r in _claims(engine, article_id)
    }
    assert restored == before


def test_added_claims_are_scored(engine: Engine) -> None:
    article_id = _import(engine)
    furniture = _claims(engine, article_id)[2]
    write(engine, lambda s: claims.drop_claim(s, furniture.id))  # type: ignore[arg-type]
    added = write(
        engine,
        lambda s: claims.add_claim(s, article_id, furniture.start, furniture.end).id,
    )
    (row,) = [r for r in _claims(engine, article_id) if r.id == added]
    _check_scores([row])


def test_workers_store_the_same_scores_and_kinds(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    items = []
    for number in range(PARALLEL_MIN_FILES):
        path = folder / f"a{number:02d}.txt"
        path.write_text(f"Report {number}.\n\n{TEXT}", encoding="utf-8")
        items.append((path.name, lambda path=path: read_article_file(path, 5_000_000)))
    summary = import_many(engine, items, ArticleMeta(), workers=2)
    assert len(summary.imported) == PARALLEL_MIN_FILES, summary.failed
    with Session(engine) as session:
        rows = list(session.exec(select(Claim)))
    assert len(rows) == 4 * PARALLEL_MIN_FILES
    _check_scores(rows)
    assert {r.kind for r in rows if r.text == LOW} == {"opinion"}


def test_a_worker_answers_with_scored_claims() -> None:
    split = workers._answer(TEXT, None)
    assert [c.checkworthiness for c in split.claims] == [
        score_text(c.text).score for c in split.claims
    ]


def test_articles_list_counts_checkworthy_claims(engine: Engine) -> None:
    first = _import(engine)
    second = _import(engine, "It was a beautiful day.\n\nWhat does this mean for you?\n")
    with read_session(engine) as session:
        rows = {r.id: r for r in articles.list_articles(session)}
        strict = {r.id: r for r in articles.list_articles(session, threshold=0.999)}
    assert (rows[first].claims, rows[first].checkworthy) == (3, 1)
    assert (rows[second].claims, rows[second].checkworthy) == (2, 0)
    assert strict[first].checkworthy == 0
    # a dropped claim no longer counts
    high = _claims(engine, first)[0]
    write(engine, lambda s: claims.drop_claim(s, high.id))  # type: ignore[arg-type]
    with read_session(engine) as session:
        (row,) = [r for r in articles.list_articles(session) if r.id == first]
    assert (row.claims, row.checkworthy) == (2, 0)
