"""Fuzzing the importers, the splitter and the suggester with hypothesis: whatever the bytes,
each either works (spans exact, inside the text) or raises one of the documented errors
(`FactcheckError` with a message). Bounded in the suite; a longer run:

    FACTCHECK_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/interchange/test_fuzz.py
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from factcheck.domain.split import split_into_claims
from factcheck.domain.textio import decode_article
from factcheck.errors import FactcheckError
from factcheck.interchange import import_brat, import_bundle, merge_ratings_csv
from factcheck.services import articles
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Article, Assessment, Claim
from factcheck.suggest import suggest_attributions
from schemas.records import ArticleMeta
from schemas.spans import Span

EXAMPLES = int(os.environ.get("FACTCHECK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text that looks like news: quotes, cues, names, dashes, newlines, odd Unicode.
PIECES = [
    *"abcdefghij ABCDEFGH.,;:!?'\"“”‘’—–-()\n\t\u200b\x00é",
    "said",
    " told ",
    "according to ",
    "Reuters",
    "Mr. ",
    "U.S.",
]
NEWSY = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)
ANY_TEXT = st.one_of(NEWSY, st.text(max_size=300))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}")
    yield engine
    engine.dispose()


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Article, Claim, Assessment)
        )


def _exact(text: str, span: Span) -> None:
    assert 0 <= span.start <= span.end <= len(text)
    assert text[span.start : span.end] == span.text


@FUZZ
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".txt", ".md", ".html", ".htm"]))
def test_decoding_any_bytes_works_or_says_why(data: bytes, suffix: str) -> None:
    try:
        article = decode_article(data, f"fuzz{suffix}")
    except FactcheckError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert article.text.strip()


@FUZZ
@given(text=ANY_TEXT)
def test_splitting_and_suggesting_any_text_keeps_spans_exact(text: str) -> None:
    for claim in split_into_claims(text).claims:
        assert text[claim.start : claim.end] == claim.text
    for suggestion in suggest_attributions(text, "ZeroHedge", include_unattributed=True):
        contents = (
            suggestion.content if isinstance(suggestion.content, list) else [suggestion.content]
        )
        for span in [suggestion.source, suggestion.cue, *contents]:
            if span is not None:
                _exact(text, span)
        assert 0 <= suggestion.score <= 100


@FUZZ
@given(text=ANY_TEXT)
def test_importing_any_text_stores_it_whole_or_not_at_all(engine: Engine, text: str) -> None:
    before = _counts(engine)
    try:
        article_id = write(
            engine, lambda s: articles.import_text(s, text, ArticleMeta(outlet="Fuzz")).id
        )
    except FactcheckError as error:
        assert str(error)
        assert _counts(engine) == before
        return
    with Session(engine) as session:
        stored = session.get(Article, article_id)
        assert stored is not None
        for claim in session.exec(select(Claim).where(Claim.article_id == article_id)).all():
            assert stored.text[claim.start : claim.end] == claim.text


ANN_LINE = st.one_of(
    st.builds(
        "T{}\t{} {} {}\t{}".format,
        st.integers(1, 5),
        st.sampled_from(["Source", "Cue", "Content", "Weird"]),
        st.integers(-5, 80),
        st.integers(-5, 80),
        st.text(max_size=10),
    ),
    st.builds(
        "E{}\tAttribution:T{} Content:T{} Cue:T{} Source:T{}".format,
        *[st.integers(1, 5)] * 5,
    ),
    st.text(max_size=40),
)


@FUZZ
@given(text=NEWSY, lines=st.lists(ANN_LINE, max_size=8))
def test_brat_import_of_any_annotation_works_or_changes_nothing(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, text: str, lines: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("brat")
    (folder / "doc.txt").write_text(text, encoding="utf-8")
    (folder / "doc_ann1.ann").write_text("\n".join(lines), encoding="utf-8")
    before = _counts(engine)
    try:
        import_brat(engine, folder)
    except FactcheckError as error:
        assert str(error)
        assert _counts(engine) == before
    finally:
        shutil.rmtree(folder)


@FUZZ
@given(
    lines=st.lists(st.one_of(st.text(max_size=80), st.just('{"record": "article"}')), max_size=5)
)
def test_bundle_import_of_any_lines_works_or_changes_nothing(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    path = tmp_path_factory.mktemp("bundle") / "fuzz.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    before = _counts(engine)
    try:
        import_bundle(engine, path)
    except FactcheckError as error:
        assert str(error)
        assert _counts(engine) == before


CSV_CELL = st.one_of(
    st.text(max_size=15), st.sampled_from(["1", "B", "2", "=1+1", "true", "ana", "-1"])
)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(["claim_id", "reviewer", "source_reliability", "notes", "x", ""]),
        max_size=5,
    ),
    rows=st.lists(st.lists(CSV_CELL, max_size=5), max_size=4),
)
def test_ratings_csv_merge_of_any_table_works_or_changes_nothing(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory, header: list[str], rows: list
) -> None:
    import csv

    path = Path(tmp_path_factory.mktemp("csv")) / "ratings.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    before = _counts(engine)
    try:
        merge_ratings_csv(engine, path, dry_run=False)
    except FactcheckError as error:
        assert str(error)
        assert _counts(engine) == before
