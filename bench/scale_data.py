"""A deterministic synthetic project for the scale benchmark, written with bulk inserts.

The schema comes from the project's own migrations (`make_engine`); rows are then written
straight through the driver (sqlite3 `executemany`, psycopg `COPY`), since going through the
services would take hours at 500,000 assessments. The same seed gives the same project on both
engines, so SQLite and PostgreSQL figures are comparable.

Layout: article 1 is "the big article", 300 claims rated in full by reviewer01 and reviewer02
and half-way by reviewer00 (the reviewer the benchmark signs in as, so "accept and next" has
unrated claims to move to). The other claims and assessments are spread evenly over the other
articles; each claim is rated by two or three reviewers drawn at random, each assessment has a
chain of one to four hops.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text

from factcheck.domain.names import name_key
from factcheck.domain.textio import content_hash

BIG_ARTICLE_CLAIMS = 300
BIG_ARTICLE_HALF = BIG_ARTICLE_CLAIMS // 2
SIGNED_IN = "reviewer00"
CHUNK = 20_000

OUTLETS = (
    ("Reuters", "wire_agency"),
    ("Agence France-Presse", "wire_agency"),
    ("Associated Press", "wire_agency"),
    ("The Guardian", "newspaper"),
    ("BBC", "broadcaster"),
    ("TASS", "state_media"),
    ("Bloomberg", "newspaper"),
    ("ZeroHedge", "aggregator"),
    ("Finnish media", "national_media"),
    ("Kyiv Independent", "newspaper"),
)
SPEAKERS = tuple(f"Official {i}" for i in range(150)) + tuple(f"Analyst {i}" for i in range(50))
TYPES = ("direct_quote", "indirect", "mixed", "vague", "anonymous", "unattributed")
RELATIONS = ("told_to", "reported_by", "quoted_by", "paraphrased_by", "translated_by")
OUTCOMES = (None, None, "accepted", "edited", "rejected")
TOPICS = ("troops", "tariffs", "the budget", "the election", "sanctions", "the ceasefire")
VERBS = ("said", "told reporters", "stated", "claimed", "warned")
START = datetime(2025, 1, 1, 8, 0, 0)


@dataclass(frozen=True)
class Size:
    articles: int = 10_000
    claims: int = 200_000
    assessments: int = 500_000
    reviewers: int = 20
    seed: int = 7

    def check(self) -> None:
        if self.articles < 2 or self.claims < BIG_ARTICLE_CLAIMS + self.articles - 1:
            raise SystemExit(
                f"need at least 2 articles and {BIG_ARTICLE_CLAIMS} + articles - 1 claims"
            )
        if self.reviewers < 3:
            raise SystemExit("need at least 3 reviewers")
        fixed = BIG_ARTICLE_CLAIMS * 2 + BIG_ARTICLE_HALF
        if not fixed <= self.assessments <= fixed + (self.claims - BIG_ARTICLE_CLAIMS) * 3:
            raise SystemExit("assessments must fit 3 per claim (and the big article's 750)")


@dataclass(frozen=True)
class Project:
    """What the benchmark needs to know about the project it built."""

    big_article_id: int
    signed_in: str
    articles: int
    claims: int
    assessments: int
    hops: int


def _sentence(rng: random.Random, index: int) -> tuple[str, str]:
    speaker = rng.choice(SPEAKERS)
    topic = rng.choice(TOPICS)
    roll = rng.random()
    if roll < 0.3:
        return f'"We will act on {topic} within {index % 90 + 1} days," {speaker} said.', "factual"
    if roll < 0.55:
        verb = rng.choice(VERBS)
        return f"{speaker} {verb} that {topic} would change by {index % 40} percent.", "factual"
    if roll < 0.7:
        outlet = rng.choice(OUTLETS)[0]
        return f"According to {outlet}, {topic} was discussed at meeting {index}.", "factual"
    if roll < 0.8:
        return f"Some analysts expect {topic} to dominate the next {index % 12 + 2} months.", (
            "prediction"
        )
    if roll < 0.9:
        return f"The decision on {topic} is widely seen as a mistake ({index}).", "opinion"
    return f"Officials met {index % 30 + 2} times to discuss {topic} this year.", "factual"


def _article(rng: random.Random, number: int, n_claims: int) -> tuple[str, list[tuple]]:
    """Text and claim spans; the first sentence carries the number, so every hash differs."""
    parts: list[str] = []
    claims: list[tuple[int, int, str, str]] = []
    offset = 0
    for index in range(n_claims):
        sentence, kind = _sentence(rng, number * 1000 + index)
        if index == 0:
            sentence = f"Report {number}: {sentence}"
        if parts:
            parts.append(" ")
            offset += 1
        claims.append((offset, offset + len(sentence), sentence, kind))
        parts.append(sentence)
        offset += len(sentence)
    return "".join(parts), claims


def _claims_per_article(size: Size) -> list[int]:
    rest = size.claims - BIG_ARTICLE_CLAIMS
    others = size.articles - 1
    base, extra = divmod(rest, others)
    return [BIG_ARTICLE_CLAIMS] + [base + (1 if i < extra else 0) for i in range(others)]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


class _Rows:
    """Generates every table's rows in id order, deterministically."""

    def __init__(self, size: Size, source_ids: dict[str, int]) -> None:
        self.size = size
        self.rng = random.Random(size.seed)
        self.source_ids = source_ids
        self.reviewer_ids = list(range(1, size.reviewers + 1))
        self.counts = _claims_per_article(size)
        self.hop_id = 0
        self.assessment_id = 0

    def articles_and_claims(self) -> Iterator[tuple[tuple, list[tuple]]]:
        claim_id = 0
        for number, n_claims in enumerate(self.counts, start=1):
            body, spans = _article(self.rng, number, n_claims)
            outlet = OUTLETS[number % len(OUTLETS)][0]
            created = START + timedelta(minutes=number)
            article = (
                number,
                f"Synthetic article {number} on {TOPICS[number % len(TOPICS)]}",
                outlet,
                f"Reporter {number % 97}",
                f"https://example.org/a/{number}",
                (START + timedelta(days=number % 300)).strftime("%Y-%m-%d"),
                body,
                content_hash(body),
                f"synthetic-{number}.txt",
                _stamp(created),
            )
            claims = []
            for position, (start, end, sentence, kind) in enumerate(spans, start=1):
                claim_id += 1
                claims.append(
                    (claim_id, number, position, start, end, sentence, kind, _stamp(created))
                )
            yield article, claims

    def raters(self, claim_id: int) -> list[int]:
        """Reviewer ids (1-based) who rated this claim."""
        if claim_id <= BIG_ARTICLE_CLAIMS:
            return [1, 2, 3] if claim_id <= BIG_ARTICLE_HALF else [2, 3]
        fixed = BIG_ARTICLE_CLAIMS * 2 + BIG_ARTICLE_HALF
        rest_claims = self.size.claims - BIG_ARTICLE_CLAIMS
        rest = self.size.assessments - fixed
        j = claim_id - BIG_ARTICLE_CLAIMS - 1
        count = (j + 1) * rest // rest_claims - j * rest // rest_claims
        return self.rng.sample(self.reviewer_ids, count)

    def assessment(self, claim_id: int, reviewer_id: int) -> tuple[tuple, list[tuple]]:
        rng = self.rng
        self.assessment_id += 1
        aid = self.assessment_id
        speaker = SPEAKERS[claim_id % len(SPEAKERS)]
        n_hops = rng.choice((1, 2, 2, 3, 3, 4))
        names = [(speaker, "official"), *rng.sample(OUTLETS, n_hops - 1)]
        hops = []
        translated = False
        for position, (name, kind) in enumerate(names):
            relation = rng.choice(RELATIONS) if position else None
            translated = translated or relation == "translated_by"
            self.hop_id += 1
            hops.append((self.hop_id, aid, position, name, kind, relation, self.source_ids[name]))
        grade = rng.randint(1, 5)
        roll = rng.random()
        reliability = "F" if roll < 0.05 else (None if roll < 0.08 else "ABCDE"[grade - 1])
        rated = _stamp(START + timedelta(seconds=aid * 7))
        row = (
            aid,
            claim_id,
            reviewer_id,
            False,
            TYPES[(claim_id + (reviewer_id if rng.random() < 0.2 else 0)) % len(TYPES)],
            speaker,
            "said",
            reliability,
            6 if roll > 0.95 else grade,
            translated,
            "https://example.org/primary" if roll < 0.1 else None,
            roll < 0.3,
            "Reuters" if roll < 0.3 else None,
            "checked against the wire" if roll > 0.9 else None,
            max(0, 90 - 12 * n_hops),
            rng.choice(OUTCOMES),
            False,
            rated,
            rated,
        )
        return row, hops


ARTICLE_COLUMNS = (
    "id, title, outlet, author, url, published_at, text, content_hash, source_file, created_at"
)
CLAIM_COLUMNS = 'id, article_id, position, start, "end", text, kind, updated_at, dropped'
ASSESSMENT_COLUMNS = (
    "id, claim_id, reviewer_id, is_final, attribution_type, speaker, cue, source_reliability, "
    "information_credibility, translated, primary_source_url, corroborated, corroborated_by, "
    "notes, sourcing_score, suggestion_outcome, needs_review, created_at, updated_at"
)
HOP_COLUMNS = "id, assessment_id, position, name, kind, relation, source_id"
REVIEWER_COLUMNS = "id, name, role, disabled, failed_signins, created_at"


def _ensure_sources(engine: Engine) -> dict[str, int]:
    """Registry records for every synthetic speaker and outlet (some are starter sources)."""
    names = [(name, "official") for name in SPEAKERS] + list(OUTLETS)
    with engine.begin() as connection:
        existing = dict(connection.execute(text("SELECT name_key, id FROM source")).all())
        for name, kind in names:
            if name_key(name) not in existing:
                connection.execute(
                    text(
                        "INSERT INTO source (name, name_key, kind, created_at) "
                        "VALUES (:name, :key, :kind, :created)"
                    ),
                    {"name": name, "key": name_key(name), "kind": kind, "created": START},
                )
        keys = dict(connection.execute(text("SELECT name_key, id FROM source")).all())
        aliases = dict(
            connection.execute(text("SELECT alias_key, source_id FROM source_alias")).all()
        )
    return {name: keys.get(name_key(name)) or aliases[name_key(name)] for name, _ in names}


def build(engine: Engine, size: Size, log: Any = print) -> Project:
    """Fill an empty, migrated database with the synthetic project."""
    size.check()
    source_ids = _ensure_sources(engine)
    rows = _Rows(size, source_ids)
    writer = _SqliteWriter(engine) if engine.dialect.name == "sqlite" else _PgWriter(engine)
    with writer:
        writer.put(
            "reviewer",
            REVIEWER_COLUMNS,
            [
                (i, f"reviewer{i - 1:02d}", "annotator", False, 0, _stamp(START))
                for i in range(1, size.reviewers + 1)
            ],
        )
        articles: list[tuple] = []
        claims: list[tuple] = []
        assessments: list[tuple] = []
        hops: list[tuple] = []
        done = 0
        for article, article_claims in rows.articles_and_claims():
            articles.append(article)
            for claim in article_claims:
                claims.append((*claim, False))
                for reviewer_id in rows.raters(claim[0]):
                    assessment, chain = rows.assessment(claim[0], reviewer_id)
                    assessments.append(assessment)
                    hops.extend(chain)
            if len(hops) >= CHUNK * 3:
                writer.put("article", ARTICLE_COLUMNS, articles)
                writer.put("claim", CLAIM_COLUMNS, claims)
                writer.put("assessment", ASSESSMENT_COLUMNS, assessments)
                writer.put("chain_hop", HOP_COLUMNS, hops)
                done += len(articles)
                log(f"  … {done:,} articles written", end="\r")
                articles, claims, assessments, hops = [], [], [], []
        writer.put("article", ARTICLE_COLUMNS, articles)
        writer.put("claim", CLAIM_COLUMNS, claims)
        writer.put("assessment", ASSESSMENT_COLUMNS, assessments)
        writer.put("chain_hop", HOP_COLUMNS, hops)
    return Project(
        big_article_id=1,
        signed_in=SIGNED_IN,
        articles=size.articles,
        claims=size.claims,
        assessments=rows.assessment_id,
        hops=rows.hop_id,
    )


class _SqliteWriter:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> _SqliteWriter:
        self.connection = self.engine.raw_connection()
        self.cursor = self.connection.cursor()
        self.cursor.execute("PRAGMA synchronous=OFF")
        self.cursor.execute("BEGIN")
        return self

    def put(self, table: str, columns: str, rows: list[tuple]) -> None:
        if rows:
            marks = ", ".join("?" * (columns.count(",") + 1))
            self.cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    def __exit__(self, *exc: object) -> None:
        self.cursor.execute("COMMIT" if exc[0] is None else "ROLLBACK")
        self.cursor.execute("PRAGMA synchronous=NORMAL")
        self.cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.cursor.close()
        self.connection.close()


class _PgWriter:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> _PgWriter:
        self.connection = self.engine.raw_connection()
        self.cursor = self.connection.cursor()
        return self

    def put(self, table: str, columns: str, rows: list[tuple]) -> None:
        if not rows:
            return
        with self.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            self.connection.rollback()
            self.connection.close()
            return
        for table in ("reviewer", "article", "claim", "assessment", "chain_hop"):
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        self.connection.commit()
        self.cursor.execute("ANALYZE")
        self.connection.commit()
        self.connection.close()
