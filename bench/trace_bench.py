"""Trace benchmarks (issue 16): accuracy on real news (PolNeAR) and speed at newsroom scale.

    .venv/bin/python bench/trace_bench.py                                  # both, SQLite
    .venv/bin/python bench/trace_bench.py --only accuracy --extras 45      # + hand-check list
    .venv/bin/python bench/trace_bench.py --only speed --pg-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/trace_bench.py --only speed --articles 2000 --claims 40000

**Accuracy.** PolNeAR train + dev (`../shared/corpora/polnear`, 924 articles from 7 outlets on
the 2016 campaign) is imported as `factcheck import FOLDER --outlet NAME` does (`import_many`:
split in worker processes, indexed), outlet by outlet, each article then given its date and
title from `metadata.tsv`. The truth is built from the text alone,
as issue 16 defines it: for each direct quote of 8+ words in an article, the other articles
holding a run of 6+ consecutive words of it inside quotation marks are its true appearances.
Quotations are found here by their own rules (curly, straight and the New York Times' doubled
apostrophes; a quotation left open runs to the end of its paragraph), independent of the
matcher's. A claim overlapping such a quote is traced; its true appearances are those of the
quote's words inside the claim. Recall and precision are over (claim, article) pairs. Extra
matches (found, not in the truth) are listed with `--extras N` for checking by hand: a right
rewording or a shorter shared quotation is not an error. Trace's article sets come from
`known_appearances` (the trace's own matching without the chains, whose suggestions would
only cost time here); a sample is checked against `trace` itself.

**Speed.** The synthetic project of `bench/scale_bench.py` (`bench/scale_data.py`: 10,000
articles, 200,000 claims, with assessments and chains) is built in a temporary SQLite file and,
with `--pg-url`, a throwaway PostgreSQL database. Its template sentences would make every claim
one statement with thousands of others, so each claim but an article's first is rewritten with
a sentence drawn at random from PolNeAR (`rewrite_with_news`: about 7 articles a sentence, like
a quote picked up by several outlets). Its statements index is built with `rebuild_index`
(timed). Then: `trace` of `--traces` claims drawn at random (median, p95);
`statements` over the whole project; and the index's share of import time, importing
PolNeAR train on top of the project with the index kept (the time spent in `index_passages`
over the whole import).

Without `../shared` the PolNeAR lines say they were skipped.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale_bench import (  # noqa: E402  (the scale benchmark's machinery, reused)
    Line,
    _ms,
    _p95,
    machine_header,
    pg_database,
    pg_server_version,
    print_table,
    sqlite_database,
)
from scale_data import Size, build  # noqa: E402

from factcheck.domain.statements import normalised_words  # noqa: E402

POLNEAR = ROOT.parent / "shared" / "corpora" / "polnear"
COMPARTMENTS = ("train", "dev")
QUOTE_WORDS = 8  # a direct quote this long or longer is traced
RUN_WORDS = 6  # a run this long inside another article's quotation makes a true appearance
LINES = ("accuracy", "speed")


# ---------------------------------------------------------------- PolNeAR


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    outlet: str
    published: str
    title: str


def polnear_documents(compartments: tuple[str, ...] = COMPARTMENTS) -> list[Document]:
    """The articles of the given compartments with their metadata, in file-name order."""
    meta: dict[tuple[str, str], dict[str, str]] = {}
    with (POLNEAR / "metadata.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            meta[(row["compartment"], row["filename"])] = row
    documents = []
    for compartment in compartments:
        for path in sorted((POLNEAR / compartment / "text").glob("*.txt")):
            row = meta.get((compartment, path.stem), {})
            documents.append(
                Document(
                    name=path.name,
                    text=path.read_text(encoding="utf-8"),
                    outlet=row.get("publisher") or path.name.split("_", 1)[0],
                    published=row.get("publication_date") or path.name.split("_")[1],
                    title=row.get("title") or "",
                )
            )
    return documents


# Quotation marks as the corpus writes them: curly double, straight double, the New York
# Times' doubled apostrophes, and curly single (a closing ’ before a letter is an apostrophe).
_MARK = re.compile(r"“|”|''|\"|‘|’(?!\w)")
_PAIRS = {"“": "”", "''": "''", '"': '"', "‘": "’"}


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of every quotation in `text`, paragraph by paragraph: marks
    paired by style, a quotation left open running to the end of its paragraph (news style
    for a quote that goes on in the next one), nested single quotes inside double ones."""
    spans = []
    position = 0
    for paragraph in text.split("\n"):
        opened: tuple[str, int] | None = None
        for mark in _MARK.finditer(paragraph):
            symbol = mark.group(0)
            if opened is None:
                if symbol in _PAIRS:
                    opened = (symbol, mark.end())
            elif symbol == _PAIRS[opened[0]]:
                spans.append((position + opened[1], position + mark.start()))
                opened = None
            elif symbol == opened[0] and symbol == "“":  # reopened: the first was left open
                spans.append((position + opened[1], position + mark.start()))
                opened = (symbol, mark.end())
        if opened is not None:
            spans.append((position + opened[1], position + len(paragraph)))
        position += len(paragraph) + 1
    return [(s, e) for s, e in spans if e > s]


def _runs(words: tuple[str, ...], n: int = RUN_WORDS) -> set[tuple[str, ...]]:
    return {words[i : i + n] for i in range(len(words) - n + 1)}


@dataclass
class Truth:
    """The evaluated claims and, for each, the articles that are its true appearances."""

    claims: dict[int, set[int]] = field(default_factory=dict)  # claim id → true article ids
    article_of: dict[int, int] = field(default_factory=dict)  # claim id → its article
    quotes: int = 0  # direct quotes of QUOTE_WORDS+ words
    split_quotes: int = 0  # of which spread over several claims


def build_truth(articles: dict[int, str], claims: dict[int, list[tuple[int, int, int]]]) -> Truth:
    """Issue 16's evaluation from the stored texts (`articles`: id → text) and claims
    (`claims`: article id → [(claim id, start, end)])."""
    quoted: dict[int, list[tuple[int, int]]] = {aid: quote_spans(t) for aid, t in articles.items()}
    holders: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for aid, spans in quoted.items():
        for s, e in spans:
            for run in _runs(normalised_words(articles[aid][s:e])):
                holders[run].add(aid)
    truth = Truth()
    for aid, spans in quoted.items():
        text = articles[aid]
        for s, e in spans:
            if len(normalised_words(text[s:e])) < QUOTE_WORDS:
                continue
            truth.quotes += 1
            covering = [(cid, cs, ce) for cid, cs, ce in claims.get(aid, []) if cs < e and ce > s]
            truth.split_quotes += len(covering) > 1
            for cid, cs, ce in covering:
                found = truth.claims.setdefault(cid, set())
                truth.article_of[cid] = aid
                for run in _runs(normalised_words(text[max(s, cs) : min(e, ce)])):
                    found |= holders.get(run, set()) - {aid}
    return truth


@contextmanager
def timed_index() -> Iterator[list[float]]:
    """Time spent in `trace.index_passages` while active (what keeping the index costs an
    import), as a one-element list."""
    from factcheck.services import trace

    spent = [0.0]
    original = trace.index_passages

    def index_passages(*args: Any, **kwargs: Any) -> int:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    trace.index_passages = index_passages  # type: ignore[assignment]
    try:
        yield spent
    finally:
        trace.index_passages = original  # type: ignore[assignment]


def import_documents(url: str, documents: list[Document]) -> tuple[float, float, int]:
    """Import as `factcheck import FOLDER --outlet NAME` does (`import_many`: split by worker
    processes, one transaction per article), outlet by outlet, then give each article its date
    and title from the metadata; returns (seconds of import, seconds of it spent keeping the
    index, articles stored)."""
    from functools import partial

    from sqlalchemy import select, update

    from factcheck.domain.textio import decode_article
    from factcheck.services.batch import import_many
    from factcheck.store.engine import make_engine
    from factcheck.store.models import Article
    from schemas.records import ArticleMeta

    engine = make_engine(url)
    by_outlet: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        by_outlet[doc.outlet].append(doc)
    imported = 0
    with timed_index() as spent:
        started = time.perf_counter()
        for outlet, docs in by_outlet.items():
            items = [(d.name, partial(decode_article, d.text.encode(), d.name)) for d in docs]
            imported += len(import_many(engine, items, ArticleMeta(outlet=outlet)).imported)
        seconds = time.perf_counter() - started
    named = {d.name: d for d in documents}
    with engine.begin() as connection:
        for article_id, name in connection.execute(select(Article.id, Article.source_file)):
            doc = named.get(name or "")
            if doc is not None:
                connection.execute(
                    update(Article)
                    .where(Article.id == article_id)  # type: ignore[arg-type]
                    .values(published_at=doc.published, title=doc.title or Article.title)
                )
    engine.dispose()
    return seconds, spent[0], imported


def measure_accuracy(extras: int, misses: int, seed: int) -> list[Line]:
    name = "Trace on PolNeAR train + dev"
    if not POLNEAR.is_dir():
        return [
            Line(name, f"skipped: {POLNEAR} not found", "recall ≥ 0.95, precision ≥ 0.90", None)
        ]
    from sqlalchemy import select
    from sqlmodel import Session, col

    from factcheck.services import trace
    from factcheck.store.engine import make_engine
    from factcheck.store.models import Article, Claim

    documents = polnear_documents()
    with sqlite_database() as url:
        seconds, index_seconds, stored = import_documents(url, documents)
        engine = make_engine(url)
        with Session(engine) as session:
            articles = dict(session.execute(select(col(Article.id), col(Article.text))).all())
            outlets = dict(session.execute(select(col(Article.id), col(Article.outlet))).all())
            claims: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
            claim_text: dict[int, str] = {}
            for cid, aid, start, end, text in session.execute(
                select(
                    col(Claim.id), col(Claim.article_id), col(Claim.start), col(Claim.end),
                    col(Claim.text),
                ).where(col(Claim.dropped).is_(False))
            ):  # fmt: skip
                claims[aid].append((cid, start, end))
                claim_text[cid] = text
            truth = build_truth(articles, claims)
            started = time.perf_counter()
            found = trace.known_appearances(session, list(truth.claims))
            lookup = time.perf_counter() - started
            predicted = {
                cid: {a.article_id for a in found.get(cid, []) if not a.own} for cid in truth.claims
            }
            # The export's lookup is the trace's matching: check it on a sample (without the
            # suggested chains, which cost time and change no article).
            rng = random.Random(seed)
            sample = rng.sample(sorted(truth.claims), min(100, len(truth.claims)))
            suggested, trace._suggested_chain = trace._suggested_chain, lambda *_: None  # type: ignore[assignment]
            try:
                disagree = sum(
                    {a.article_id for a in trace.trace(session, cid).appearances} != predicted[cid]
                    for cid in sample
                )
            finally:
                trace._suggested_chain = suggested  # type: ignore[assignment]
            passages = _passages(session, predicted, truth)
        engine.dispose()
    hits = sum(len(predicted[c] & truth.claims[c]) for c in truth.claims)
    true_total = sum(len(t) for t in truth.claims.values())
    found_total = sum(len(p) for p in predicted.values())
    recall = hits / true_total if true_total else 1.0
    precision = hits / found_total if found_total else 1.0
    extra = [(c, b) for c in sorted(truth.claims) for b in sorted(predicted[c] - truth.claims[c])]
    missed = [(c, b) for c in sorted(truth.claims) for b in sorted(truth.claims[c] - predicted[c])]
    rng = random.Random(seed)
    for title, pairs, count in (("EXTRA", extra, extras), ("MISSED", missed, misses)):
        for number, (cid, other) in enumerate(rng.sample(pairs, min(count, len(pairs))), 1):
            print(f"\n--- {title} {number}: claim {cid} ({outlets[truth.article_of[cid]]})")
            print(f"  claim: {claim_text[cid]}")
            kind, text = passages.get((cid, other), ("(not found)", ""))
            print(f"  {outlets[other]} [{kind}]: {text}")
    evaluated = len(truth.claims)
    return [
        Line(
            f"{name}: {stored} articles, {truth.quotes:,} quotes of {QUOTE_WORDS}+ words "
            f"({truth.split_quotes} over several claims), {evaluated:,} claims traced",
            f"recall {recall:.3f} ({hits:,}/{true_total:,}), precision {precision:.3f} "
            f"({hits:,}/{found_total:,}; {len(extra):,} extra, {len(missed):,} missed)",
            "recall ≥ 0.95, precision ≥ 0.90",
            recall >= 0.95 and precision >= 0.90,
        ),
        Line(
            "known_appearances = trace on a sample",
            f"{len(sample) - disagree}/{len(sample)} claims agree; lookup of all "
            f"{evaluated:,}: {lookup:.1f} s",
            "all agree",
            disagree == 0,
        ),
        Line(
            f"Index share of importing {stored} PolNeAR articles (empty project)",
            f"{index_seconds / seconds:.0%} ({index_seconds:.1f} s of {seconds:.1f} s)",
            "≤ 20%",
            index_seconds / seconds <= 0.20,
        ),
    ]


def _passages(
    session: Any, predicted: dict[int, set[int]], truth: Truth
) -> dict[tuple[int, int], tuple[str, str]]:
    """For the listings: the matched passage and how it matched, per (claim, article)."""
    from factcheck.services import trace
    from factcheck.store.models import Claim

    wanted = {c for c in truth.claims if predicted[c] ^ truth.claims[c]}
    found: dict[tuple[int, int], tuple[str, str]] = {}
    for cid in sorted(wanted):
        claim = session.get(Claim, cid)
        ((_, items),) = trace._find(
            session, claim.article_id, [(claim.start, claim.end, claim.text)]
        )
        for aid, _, _, text, kind, similarity in items:
            found[(cid, aid)] = (f"{kind} {similarity:.2f}", text)
    return found


# ---------------------------------------------------------------- speed


def sentence_pool(limit: int | None = None) -> list[str]:
    """Real news sentences and quotations to write the synthetic project's articles with: the
    claims PolNeAR train + dev splits into (long enough to be a statement)."""
    from factcheck.services.articles import split_article

    pool = []
    for doc in polnear_documents()[:limit]:
        pool.extend(c.text for c in split_article(doc.text).claims[1:] if len(c.text) >= 40)
    return pool


def rewrite_with_news(url: str, pool: list[str], seed: int) -> None:
    """Give the synthetic project (bench/scale_data.py, whose sentences come from a handful of
    templates and would make every claim one statement with thousands of others) real news
    sentences: each claim after an article's first ("Report N: …", which keeps every text
    unique) becomes a sentence drawn at random from `pool`, so a sentence is in about
    claims / pool articles, like a quote picked up by several outlets. Claims keep their ids,
    positions and assessments; spans and texts follow the new text."""
    from sqlalchemy import text

    from factcheck.domain.textio import content_hash
    from factcheck.store.engine import make_engine

    rng = random.Random(seed)
    engine = make_engine(url)
    with engine.connect() as connection:
        claims: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for cid, aid, body in connection.execute(
            text("SELECT id, article_id, text FROM claim ORDER BY article_id, position")
        ):
            claims[aid].append((cid, body))
    article_rows, claim_rows = [], []
    for aid, rows in claims.items():
        parts, offset = [], 0
        for index, (cid, body) in enumerate(rows):
            sentence = body if index == 0 else rng.choice(pool)
            if parts:
                parts.append(" ")
                offset += 1
            claim_rows.append(
                {"id": cid, "start": offset, "end": offset + len(sentence), "text": sentence}
            )
            parts.append(sentence)
            offset += len(sentence)
        body = "".join(parts)
        article_rows.append({"id": aid, "text": body, "hash": content_hash(body)})
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE article SET text = :text, content_hash = :hash WHERE id = :id"),
            article_rows,
        )
        connection.execute(
            text('UPDATE claim SET start = :start, "end" = :end, text = :text WHERE id = :id'),
            claim_rows,
        )
    engine.dispose()


def measure_speed(
    label: str, url: str, size: Size, traces: int, seed: int, pool: list[str]
) -> list[Line]:
    from sqlalchemy import func, select
    from sqlmodel import Session

    from factcheck.services import trace
    from factcheck.store.engine import make_engine, read_session, write
    from factcheck.store.models import Claim, StatementPassage

    print(f"[{label}] building the project…", file=sys.stderr)
    engine = make_engine(url)
    project = build(engine, size, log=lambda *a, **k: print(*a, file=sys.stderr, **k))
    engine.dispose()
    if pool:
        print(f"[{label}] writing its articles with news sentences…", file=sys.stderr)
        rewrite_with_news(url, pool, seed)
    engine = make_engine(url)
    print(f"[{label}] indexing…", file=sys.stderr)
    started = time.perf_counter()
    _, passages = write(engine, lambda s: trace.rebuild_index(s))
    indexed = time.perf_counter() - started
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    lines = [
        Line(
            f"Build the statements index ({project.articles:,} articles, "
            f"{project.claims:,} claims: `factcheck reindex`)",
            f"{indexed:.0f} s ({passages:,} passages)",
            "(reference)",
            None,
        )
    ]
    with Session(engine) as session:
        top = session.execute(select(func.max(Claim.id))).scalar_one()
    rng = random.Random(seed)
    claim_ids = [rng.randint(1, top) for _ in range(traces)]
    times, sizes = [], []
    for cid in claim_ids:
        with read_session(engine) as session:
            started = time.perf_counter()
            found = trace.trace(session, cid)
            times.append(time.perf_counter() - started)
            sizes.append(len(found.appearances))
    median = statistics.median(times)
    lines.append(
        Line(
            f"`trace` of {traces} random claims ({statistics.median(sizes):.0f} other "
            f"appearances median, {max(sizes)} most)",
            f"median {_ms(median)}, p95 {_ms(_p95(times))}",
            "≤ 50 ms median",
            median <= 0.050,
        )
    )
    statement_times = []
    rows: list[Any] = []
    for _ in range(3):
        with read_session(engine) as session:
            started = time.perf_counter()
            rows = trace.list_statements(session, 2, None)
            statement_times.append(time.perf_counter() - started)
    with Session(engine) as session:
        statements = session.execute(
            select(func.count(func.distinct(StatementPassage.statement_id)))
        ).scalar_one()
    seconds = statistics.median(statement_times)
    lines.append(
        Line(
            f"`statements` over the whole project ({len(rows):,} in 2+ articles of {statements:,})",
            f"{seconds:.2f} s",
            "≤ 5 s",
            seconds <= 5,
        )
    )
    engine.dispose()
    if POLNEAR.is_dir():
        print(f"[{label}] importing PolNeAR train on top…", file=sys.stderr)
        seconds, index_seconds, stored = import_documents(url, polnear_documents(("train",)))
        lines.append(
            Line(
                f"Index share of importing {stored} PolNeAR articles into the project",
                f"{index_seconds / seconds:.0%} ({index_seconds:.1f} s of {seconds:.1f} s, "
                f"{stored / seconds:.1f} articles/s)",
                "≤ 20%",
                index_seconds / seconds <= 0.20,
            )
        )
    else:
        lines.append(Line("Index share of import", f"skipped: {POLNEAR} not found", "≤ 20%", None))
    return lines


# ---------------------------------------------------------------- driver


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--assessments", type=int, default=None, help="Default: 2.5 per claim.")
    parser.add_argument("--traces", type=int, default=200, help="Claims traced (median).")
    parser.add_argument("--extras", type=int, default=0, help="Print this many extra matches.")
    parser.add_argument("--misses", type=int, default=0, help="Print this many missed ones.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-url", help="PostgreSQL server to also run on (throwaway database).")
    parser.add_argument("--no-sqlite", action="store_true", help="Only PostgreSQL.")
    parser.add_argument("--only", help=f"Comma-separated subset of: {', '.join(LINES)}.")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else set(LINES)
    assessments = args.assessments or args.claims * 5 // 2
    size = Size(args.articles, args.claims, assessments, 20, args.seed)
    size.check()
    pg_version = pg_server_version(args.pg_url) if args.pg_url else None
    header = machine_header(pg_version)
    if "accuracy" in wanted:
        print_table("Trace accuracy", header, measure_accuracy(args.extras, args.misses, args.seed))
    if "speed" not in wanted:
        return
    header = [
        *header,
        f"Project: {size.articles:,} articles, {size.claims:,} claims, "
        f"{size.assessments:,} assessments with chains (bench/scale_data.py, seed {size.seed})",
    ]
    runs: list[tuple[str, Callable[[], Any]]] = []
    if not args.no_sqlite:
        runs.append(("SQLite", sqlite_database))
    if args.pg_url:
        runs.append((f"PostgreSQL {pg_version}", lambda: pg_database(args.pg_url)))
    pool = sentence_pool() if POLNEAR.is_dir() else []
    header.append(
        f"Claims rewritten with sentences drawn at random from {len(pool):,} of PolNeAR train + "
        f"dev (each in about {size.claims / len(pool):.0f} articles)"
        if pool
        else "PolNeAR not found: the claims keep scale_data.py's template sentences"
    )
    for label, database in runs:
        with database() as url:
            lines = measure_speed(label, url, size, args.traces, args.seed, pool)
        print_table(f"Trace speed, {label}", header, lines)


if __name__ == "__main__":
    main()
