"""The statements index and the trace of a statement across articles (issue 16).

**Index.** Every article's passages (the sentences and multi-sentence quotations the splitter
cut at import, or the current claims when the index is rebuilt) are stored in
`statement_passage` with their word shingles in `statement_shingle` (migration 0008). The index
depends on the article's text only, which never changes, so splitting, merging or trimming
claims needs no reindexing: a trace starts from the claim's current text and maps each passage
found to the claim that covers it now. Deleting an article deletes its passages and shingles
(foreign keys ON DELETE CASCADE). Each passage carries a `statement_id`, assigned when it is
indexed: the statement of its best match in another article, else its own id (statements are
never merged, so loose matches cannot chain unrelated statements into one); so `statements` is
one GROUP BY, and a trace adds the statement's other passages to its direct matches (a wording
that drifted step by step).

**Lookup.** The index holds a passage's shingles inside quotations and one in four of the
rest (winnowing: `Fingerprint.indexed`), and a lookup asks for the text's own indexed shingles,
rarest first: shingles found in more than `COMMON_SHINGLE` passages (stock phrases) are
skipped unless nothing rarer is left; the `MAX_CANDIDATES` passages sharing most shingles (two
at least, or one inside a quotation) are compared with `factcheck.domain.statements.compare`,
which decides exact, partial or reworded. A trace adds at most `MAX_CANDIDATES` passages of its
statement, so a stock sentence repeated in thousands of articles stays a bounded trace.

**Access.** Appearances are article text (any reviewer may read), but their chains come from
assessments: in team mode an annotator sees only their own assessments and those of released
articles (blind rating, as in every export).
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC
from functools import lru_cache
from itertools import pairwise
from typing import Any

from sqlalchemy import Row, delete, false, func, insert, select, text, update
from sqlmodel import Session, col

from factcheck.domain.names import name_key
from factcheck.domain.statements import (
    Fingerprint,
    compare,
    fingerprint,
    word_diff,
    word_similarity,
)
from factcheck.errors import NotFoundError
from factcheck.ids import row_id
from factcheck.services import access, sources
from factcheck.services.assessments import get_assessment, save_assessment
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.models import (
    Article,
    Assessment,
    ChainHopRow,
    Claim,
    Source,
    SourceAlias,
    StatementPassage,
    StatementShingle,
)
from schemas.records import AssessmentInput
from schemas.vocab import CHAIN_SEPARATOR

COMMON_SHINGLE = 50  # a shingle in more passages than this is a stock phrase
RAREST_KEPT = 3  # when every shingle is common, look up this many of the rarest anyway
SHORT_TEXT = 4  # a text of this many shingles or fewer may match on a single one
MAX_CANDIDATES = 200
JOIN_CANDIDATES = 20  # a new passage's statement: the best joining match is among the closest
IN_CHUNK = 5000  # values per IN (...) list: well under SQLite's and PostgreSQL's limits
RELIABILITY_ORDER = "ABCDE"  # F is "cannot be judged", not the worst (docs/domain.md)


# ------------------------------------------------------------------ the index


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def index_passages(
    session: Session, article_id: int, passages: Iterable[tuple[int, int, str]]
) -> int:
    """Add an article's passages (start, end, text) to the index, each in the statement of
    its closest joining match in another article (`Match.joins`: not a short quotation alone;
    the candidate sharing most shingles that joins), else a statement of its own;
    returns the number of passages indexed. Statements are never merged: a passage quoting two
    statements (a claim with two quotes) joins one, so a chain of loose matches cannot fold
    unrelated statements into one. Runs inside every import: a few statements, whatever the
    number of passages (Core executemany, not the ORM's unit of work)."""
    items = [(s, e, t, fingerprint(t)) for s, e, t in passages]
    items = [item for item in items if item[3].shingles]
    if not items:
        return 0
    fps = [item[3] for item in items]
    # A joining match shares a run of quoted words or most of the sentence: two shingles at
    # least, so passages sharing one are not even fetched.
    found = _candidates(session, fps, article_id, joining=True)
    rows = _passage_rows(session, {pid for ids_ in found for pid in ids_})
    assigned: list[int | None] = []
    for fp, candidate_ids in zip(fps, found, strict=True):
        # Candidates come most shared shingles first (an exact copy shares them all): the
        # first that joins is the statement, and the rest are not even compared.
        joined = None
        for cid in candidate_ids:
            row = rows[cid]
            if row.statement_id is None:
                continue
            match = compare(fp, fingerprint(row.text))
            if match is not None and match.joins:
                joined = row.statement_id
                break
        assigned.append(joined)
    passage_table = StatementPassage.__table__  # type: ignore[attr-defined]  # SQLModel's table
    ids = list(
        session.execute(
            insert(passage_table).returning(passage_table.c.id, sort_by_parameter_order=True),
            [
                {"article_id": article_id, "start": s, "end": e, "text": t, "statement_id": sid}
                for (s, e, t, _), sid in zip(items, assigned, strict=True)
            ],
        ).scalars()
    )
    if None in assigned:  # a statement of its own: the passage's own id
        session.execute(
            update(passage_table)
            .where(passage_table.c.article_id == article_id, passage_table.c.statement_id.is_(None))
            .values(statement_id=passage_table.c.id)
        )
    session.execute(
        insert(StatementShingle.__table__),  # type: ignore[attr-defined]  # SQLModel's table
        [
            {"hash": h, "article_id": article_id, "passage_id": pid}
            for pid, fp in zip(ids, fps, strict=True)
            for h in fp.indexed
        ],
    )
    return len(ids)


def index_article_claims(session: Session, article_id: int) -> int:
    """(Re)index one article from its current, not dropped, claims."""
    session.execute(delete(StatementPassage).where(col(StatementPassage.article_id) == article_id))
    claims = session.execute(
        select(col(Claim.start), col(Claim.end), col(Claim.text))
        .where(col(Claim.article_id) == article_id, col(Claim.dropped) == false())
        .order_by(col(Claim.start))
    ).all()
    return index_passages(session, article_id, [(s, e, t) for s, e, t in claims])


def rebuild_index(
    session: Session, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Drop the whole index and build it again from every article's current claims, oldest
    article first (`factcheck reindex`); returns (articles, passages)."""
    access.require_admin(session, access.resolve(None), doing="rebuild the statements index")
    session.execute(delete(StatementShingle))
    session.execute(delete(StatementPassage))
    return index_all_articles(session, progress)


def index_all_articles(
    session: Session, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Index every article from its current claims, oldest first, in the caller's transaction
    (`rebuild_index`, and migration 0008 for the articles already stored); returns (articles,
    passages). On PostgreSQL the index's statistics are refreshed as it grows: inside one
    transaction autovacuum cannot see the new rows, and a planner that believes the shingle
    table empty scans all of it for every article."""
    article_ids = list(session.execute(select(col(Article.id)).order_by(col(Article.id))).scalars())
    analyze_at = 100
    passages = 0
    for done, article_id in enumerate(article_ids, start=1):
        passages += index_article_claims(session, article_id)
        if done == analyze_at and session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE statement_passage, statement_shingle"))
            analyze_at *= 4
        if progress is not None:
            progress(done)
    return len(article_ids), passages


def _candidates(
    session: Session, fps: Sequence[Fingerprint], exclude_article: int, *, joining: bool = False
) -> list[list[int]]:
    """For each text, the ids of the passages of other articles sharing most of its rarer
    indexed shingles, best first: at most MAX_CANDIDATES, or JOIN_CANDIDATES when `joining`
    (choosing a new passage's statement). Two queries: how many passages hold each shingle
    (stock shingles, in more than COMMON_SHINGLE passages, are left out unless a text has
    nothing rarer: then its RAREST_KEPT rarest, so a statement repeated everywhere is still
    found), then the postings of the shingles kept.

    A passage sharing a single shingle with a text of more than `SHORT_TEXT` indexed shingles
    is kept only when that shingle lies inside a quotation of the text (one shared run of three
    words can make a partial quote, never an exact or a reworded sentence), and when
    `joining` not even then (the index's statements are not joined by a short quotation)."""
    # What the index holds of a text is its quoted shingles and its winnowed rest, and two texts
    # sharing a run long enough to matter keep the same shingle of it: so a lookup asks for
    # the text's own indexed shingles only.
    wanted = [fp.indexed for fp in fps]
    every = sorted({h for hashes in wanted for h in hashes})
    if not every:
        return [[] for _ in wanted]
    shingle = StatementShingle.__table__  # type: ignore[attr-defined]  # SQLModel's table
    df: dict[int, int] = {}
    for chunk in _chunks(every):
        df.update(
            _raw_rows(
                session,
                select(shingle.c.hash, func.count())
                .where(shingle.c.hash.in_(chunk), shingle.c.article_id != exclude_article)
                .group_by(shingle.c.hash),
            )
        )
    lookup: list[frozenset[int]] = []
    for hashes in wanted:
        present = sorted((df[h], h) for h in hashes if h in df)
        kept = frozenset(h for n, h in present if n <= COMMON_SHINGLE)
        lookup.append(kept or frozenset(h for _, h in present[:RAREST_KEPT]))
    postings: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(sorted({h for hashes in lookup for h in hashes})):
        for h, pid in _raw_rows(
            session,
            select(shingle.c.hash, shingle.c.passage_id).where(
                shingle.c.hash.in_(chunk), shingle.c.article_id != exclude_article
            ),
        ):
            postings[h].append(pid)
    limit = JOIN_CANDIDATES if joining else MAX_CANDIDATES
    result = []
    for fp, hashes, kept in zip(fps, wanted, lookup, strict=True):
        shared: Counter[int] = Counter()
        for h in kept:
            shared.update(postings[h])
        once = {pid for pid, n in shared.items() if n == 1}
        if once and len(hashes) > SHORT_TEXT:
            quoted = (
                set()
                if joining
                else {pid for h in kept & fp.quoted_shingles for pid in postings[h]}
            )
            for pid in once - quoted:
                del shared[pid]
        result.append([pid for pid, _ in shared.most_common(limit)])
    return result


def _raw_rows(session: Session, query: Any) -> list[tuple[Any, ...]]:
    """The rows of a query of plain integers as the driver returns them: a lookup reads a few
    thousand postings per imported article, and building a Row for each cost as much as the
    query itself (both drivers return Python ints for these columns, so nothing is lost)."""
    result = session.execute(query)
    try:
        return list(result.cursor.fetchall())  # type: ignore[attr-defined]
    finally:
        result.close()


def _passage_rows(session: Session, ids: Iterable[int]) -> dict[int, Row[Any]]:
    rows: dict[int, Row[Any]] = {}
    wanted = sorted(ids)
    for chunk in _chunks(wanted):
        for row in session.execute(
            select(
                col(StatementPassage.id),
                col(StatementPassage.article_id),
                col(StatementPassage.start),
                col(StatementPassage.end),
                col(StatementPassage.text),
                col(StatementPassage.statement_id),
            ).where(col(StatementPassage.id).in_(chunk))
        ):
            rows[row.id] = row
    return rows


# ------------------------------------------------------------------ trace


@dataclass
class Appearance:
    """Where the statement appeared: one article, the passage that matched and the claim
    covering it now, dated, with that article's chain for it and the word diff against the
    earliest wording. `match` is `exact`, `partial`, `reworded`, or `self` for the traced
    claim itself (which `trace --json` lists as `earliest` only when it is the earliest)."""

    article_id: int
    claim_id: int | None
    start: int
    end: int
    text: str
    outlet: str | None
    published_at: str  # the date used for ordering, ISO 8601
    date_used: str  # "published", "fetched" or "imported"
    match: str
    similarity: float
    chain: str | None
    diff: list[dict[str, str]] = field(default_factory=list)
    title: str = ""
    chain_suggested: bool = False  # no visible assessment: the suggester's chain

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for extra in ("title", "chain_suggested"):
            data.pop(extra)
        return data


@dataclass
class Hop:
    name: str
    article_id: int | None = None
    reliability: str | None = None


@dataclass
class Trace:
    claim_id: int | None
    statement_id: int | None
    appearances: list[Appearance]
    earliest: Appearance | None
    origin: str | None
    shortest_chain: list[Hop]
    weakest_hop: Hop | None
    independent_chains: dict[str, Any]
    links: list[tuple[int, int]] = field(default_factory=list)  # (cited, citing) article ids
    own: Appearance | None = None
    towards: Appearance | None = None  # where `shortest_chain` leads: the claim's own appearance

    def as_json(self) -> dict[str, Any]:
        return {
            "claim_id": self.claim_id,
            "statement_id": self.statement_id,
            "appearances": [a.as_json() for a in self.appearances],
            "earliest": self.earliest.as_json() if self.earliest else None,
            "origin": self.origin,
            "shortest_chain": [asdict(h) for h in self.shortest_chain],
            "weakest_hop": asdict(self.weakest_hop) if self.weakest_hop else None,
            "independent_chains": self.independent_chains,
        }


def _date(article: Article) -> tuple[str, str]:
    if article.published_at:
        return article.published_at, "published"
    moment, used = (
        (article.fetched_at, "fetched") if article.fetched_at else (article.created_at, "imported")
    )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), used


def trace(session: Session, claim_id: int) -> Trace:
    """Every other stored appearance of the statement of claim `claim_id` (see the module
    docstring), ordered by date, with the earliest, the origin, the shortest known chain, its
    weakest hop and the independent chains."""
    access.require_signed_in(session, access.resolve(None))
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFoundError(f"claim {claim_id} does not exist")
    ((statement_id, found_list),) = _find(
        session, claim.article_id, [(claim.start, claim.end, claim.text)]
    )
    own = (claim.article_id, claim.start, claim.end, claim.text, "self", 1.0)
    return _assemble(session, [own, *found_list], claim_id=claim_id, statement_id=statement_id)


Item = tuple[int, int, int, str, str, float]  # article, start, end, text, match, similarity
_RANK = {"exact": 2, "partial": 1, "reworded": 0}


def _find(
    session: Session, article_id: int, texts: Sequence[tuple[int, int, str]]
) -> list[tuple[int | None, list[Item]]]:
    """For each (start, end, text) of article `article_id`: its statement id and its best
    matching passage in every other article (one lookup for all of them)."""
    fps = [fingerprint(text) for _, _, text in texts]
    found_ids = _candidates(session, fps, article_id)
    rows = _passage_rows(session, {pid for ids in found_ids for pid in ids})
    cache: dict[int, Fingerprint] = {}

    def fp_of(row: Any) -> Fingerprint:
        if row.id not in cache:
            cache[row.id] = fingerprint(row.text)
        return cache[row.id]

    bests: list[dict[int, tuple[float, int, str, Any]]] = []
    for fp, candidate_ids in zip(fps, found_ids, strict=True):
        best: dict[int, tuple[float, int, str, Any]] = {}
        for pid in candidate_ids:
            row = rows[pid]
            found = compare(fp, fp_of(row))
            if found is None:
                continue
            key = (_RANK[found.kind] + found.similarity, -row.start, found.kind, row)
            if row.article_id not in best or key[:2] > best[row.article_id][:2]:
                best[row.article_id] = key
        bests.append(best)
    own_rows = session.execute(
        select(
            col(StatementPassage.start),
            col(StatementPassage.end),
            col(StatementPassage.statement_id),
        )
        .where(col(StatementPassage.article_id) == article_id)
        .order_by(col(StatementPassage.start))
    ).all()
    statement_ids: list[int | None] = []
    for (start, end, _), best in zip(texts, bests, strict=True):
        own = next((sid for s, e, sid in own_rows if s < end and e > start), None)
        if own is None and best:
            own = min((r.statement_id for *_, r in best.values() if r.statement_id), default=None)
        statement_ids.append(own)
    # The statement's other passages: wording that drifted step by step (A ~ B ~ C) is one
    # statement even where A and C no longer match directly. Both ends of a trace belong to the
    # same statement, so this keeps the trace symmetric (up to MAX_CANDIDATES passages of a
    # statement, the first indexed: a stock sentence repeated in thousands of articles must
    # not make a trace of thousands).
    members: dict[int, list[Any]] = defaultdict(list)
    wanted = sorted({sid for sid in statement_ids if sid is not None})
    passage = StatementPassage.__table__  # type: ignore[attr-defined]  # SQLModel's table
    for chunk in _chunks(wanted):
        ranked = (
            select(
                passage.c.id,
                passage.c.article_id,
                passage.c.start,
                passage.c.end,
                passage.c.text,
                passage.c.statement_id,
                func.row_number()
                .over(partition_by=passage.c.statement_id, order_by=passage.c.id)
                .label("rank"),
            )
            .where(passage.c.statement_id.in_(chunk), passage.c.article_id != article_id)
            .subquery()
        )
        for row in session.execute(
            select(ranked)
            .where(ranked.c.rank <= MAX_CANDIDATES)
            .order_by(ranked.c.article_id, ranked.c.start)
        ):
            members[row.statement_id].append(row)
    result: list[tuple[int | None, list[Item]]] = []
    for fp, best, statement_id in zip(fps, bests, statement_ids, strict=True):
        items: list[Item] = [
            (r.article_id, r.start, r.end, r.text, kind, round(score - _RANK[kind], 3))
            for score, _, kind, r in best.values()
        ]
        drifted: dict[int, Item] = {}
        for row in members.get(statement_id, []) if statement_id is not None else []:
            if row.article_id in best or row.article_id in drifted:
                continue
            match = compare(fp, fp_of(row))
            kind, similarity = (
                (match.kind, match.similarity)
                if match
                else ("reworded", word_similarity(fp.words, fp_of(row).words))
            )
            drifted[row.article_id] = (
                row.article_id,
                row.start,
                row.end,
                row.text,
                kind,
                similarity,
            )
        result.append((statement_id, items + list(drifted.values())))
    return result


@dataclass(frozen=True)
class KnownAppearance:
    """An article where a claim's statement appeared, as an export names it (no chains)."""

    article_id: int
    title: str
    url: str | None
    outlet: str | None
    published_at: str  # the date used for ordering, as in `Appearance`
    date_used: str
    own: bool  # the claim's own article


def known_appearances(
    session: Session, claim_ids: Sequence[int]
) -> dict[int, list[KnownAppearance]]:
    """For each claim, every article with its statement, its own included, ordered by date
    (the first is the earliest): what a trace finds, without chains, for exports (ClaimReview's
    `appearance` and `firstAppearance`). One index lookup per article of the claims."""
    claims = list(
        session.execute(select(Claim).where(col(Claim.id).in_(sorted(set(claim_ids))))).scalars()
    )
    by_article: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_article[claim.article_id].append(claim)
    found: dict[int, list[int]] = {}
    for article_id, group in by_article.items():
        matches = _find(session, article_id, [(c.start, c.end, c.text) for c in group])
        for claim, (_, items) in zip(group, matches, strict=True):
            found[row_id(claim)] = [article_id, *sorted({item[0] for item in items})]
    wanted = sorted({aid for ids in found.values() for aid in ids})
    articles: dict[int, Article] = {}
    for chunk in _chunks(wanted):
        for article in session.execute(select(Article).where(col(Article.id).in_(chunk))).scalars():
            articles[row_id(article)] = article
    result: dict[int, list[KnownAppearance]] = {}
    for claim_id, ids in found.items():
        listed = []
        for aid in ids:
            article = articles[aid]
            date, used = _date(article)
            listed.append(
                KnownAppearance(
                    aid, article.title, article.url, article.outlet, date, used, aid == ids[0]
                )
            )
        result[claim_id] = sorted(listed, key=lambda a: (a.published_at, a.article_id))
    return result


def statement_trace(session: Session, statement_id: int, towards: int | None = None) -> Trace:
    """The appearances of one statement of the index (the Statements page): one per article,
    each article's first passage of it, ordered by date, matched against the first indexed
    passage (of a statement in more than MAX_CANDIDATES passages, the first indexed). The
    shortest known chain leads to the appearance in article `towards`, else to the one the
    statement travelled furthest to."""
    access.require_signed_in(session, access.resolve(None))
    rows = session.execute(
        select(
            col(StatementPassage.article_id),
            col(StatementPassage.start),
            col(StatementPassage.end),
            col(StatementPassage.text),
        )
        .where(col(StatementPassage.statement_id) == statement_id)
        .order_by(col(StatementPassage.id))
        .limit(MAX_CANDIDATES)
    ).all()
    if not rows:
        raise NotFoundError(f"statement {statement_id} does not exist")
    first: dict[int, Any] = {}
    for row in sorted(rows, key=lambda r: (r.article_id, r.start)):
        first.setdefault(row.article_id, row)
    reference_row = first[rows[0].article_id]
    reference = fingerprint(reference_row.text)
    items = []
    for row in first.values():
        kind, sim = "exact", 1.0
        if row is not reference_row:
            other = fingerprint(row.text)
            found = compare(reference, other)
            # A drifted wording (A ~ B ~ C) is in the statement without matching A directly.
            kind, sim = (
                (found.kind, found.similarity)
                if found
                else ("reworded", word_similarity(reference.words, other.words))
            )
        items.append((row.article_id, row.start, row.end, row.text, kind, sim))
    return _assemble(session, items, claim_id=None, statement_id=statement_id, towards=towards)


def _assemble(
    session: Session,
    items: Sequence[tuple[int, int, int, str, str, float]],
    *,
    claim_id: int | None,
    statement_id: int | None,
    towards: int | None = None,
) -> Trace:
    article_ids = sorted({item[0] for item in items})
    articles = {
        a.id: a
        for a in session.execute(select(Article).where(col(Article.id).in_(article_ids))).scalars()
    }
    covering = _covering_claims(session, items)
    chains = _chains(session, [c for c in covering if c is not None])
    appearances: list[Appearance] = []
    for item, cid in zip(items, covering, strict=True):
        article = articles[item[0]]
        date, used = _date(article)
        hops = chains.get(cid) if cid is not None else None
        suggested = False
        if hops is None and cid is not None:
            hops, suggested = _suggested_chain(article, item[1], item[2]), True
        appearances.append(
            Appearance(
                article_id=item[0],
                claim_id=claim_id if item[4] == "self" else cid,
                start=item[1],
                end=item[2],
                text=item[3],
                outlet=article.outlet,
                published_at=date,
                date_used=used,
                match=item[4],
                similarity=item[5],
                chain=CHAIN_SEPARATOR.join(hops) if hops else None,
                title=article.title,
                chain_suggested=suggested and bool(hops),
            )
        )
    appearances.sort(key=lambda a: (a.published_at, a.article_id))
    earliest = appearances[0] if appearances else None
    for appearance in appearances:
        appearance.diff = word_diff(earliest.text, appearance.text) if earliest else []
    resolver = _Resolver(session, appearances)
    origin = _origin(appearances, resolver)
    paths = _known_paths(appearances, resolver, origin)
    own = next((a for a in appearances if a.match == "self"), None)
    target = own or next((a for a in appearances if a.article_id == towards), None)
    if target is None and appearances:
        target = appearances[_furthest(appearances, resolver, paths)]
    path = _shortest_chain(appearances, resolver, paths, target)
    weakest = _weakest(path)
    return Trace(
        claim_id=claim_id,
        statement_id=statement_id,
        appearances=[a for a in appearances if a.match != "self"],
        earliest=earliest,
        origin=resolver.display(origin) if origin else None,
        shortest_chain=path,
        weakest_hop=weakest,
        independent_chains=_independent(appearances, resolver, paths),
        links=_links(appearances, resolver),
        own=own,
        towards=target,
    )


def _covering_claims(
    session: Session, items: Sequence[tuple[int, int, int, str, str, float]]
) -> list[int | None]:
    """The active claim covering most of each passage (None when none does)."""
    by_article: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    article_ids = sorted({item[0] for item in items})
    for cid, aid, start, end in session.execute(
        select(col(Claim.id), col(Claim.article_id), col(Claim.start), col(Claim.end)).where(
            col(Claim.article_id).in_(article_ids), col(Claim.dropped) == false()
        )
    ):
        by_article[aid].append((cid, start, end))
    result: list[int | None] = []
    for aid, start, end, *_ in items:
        overlaps = [
            (min(end, e) - max(start, s), -cid, cid)
            for cid, s, e in by_article.get(aid, [])
            if s < end and e > start
        ]
        result.append(max(overlaps)[2] if overlaps else None)
    return result


def _chains(session: Session, claim_ids: list[int]) -> dict[int, list[str]]:
    """Each claim's chain as the acting reviewer may see it: the final assessment's, else the
    latest saved assessment's that has a chain (blind rating applies in team mode)."""
    if not claim_ids:
        return {}
    conditions: list[Any] = [col(Assessment.claim_id).in_(claim_ids)]
    visible = access.visible_assessments(session)
    if visible is not None:
        conditions.append(visible)
    rows = session.execute(
        select(
            col(Assessment.id),
            col(Assessment.claim_id),
            col(ChainHopRow.position),
            col(ChainHopRow.name),
        )
        .join(Claim, col(Claim.id) == Assessment.claim_id)
        .join(ChainHopRow, col(ChainHopRow.assessment_id) == Assessment.id)
        .where(*conditions)
        .order_by(
            col(Assessment.claim_id),
            col(Assessment.is_final).desc(),
            col(Assessment.updated_at).desc(),
            col(Assessment.id).desc(),
            col(ChainHopRow.position),
        )
    ).all()
    chosen: dict[int, int] = {}
    chains: dict[int, list[str]] = {}
    for assessment_id, cid, _, name in rows:
        if chosen.setdefault(cid, assessment_id) == assessment_id:
            chains.setdefault(cid, []).append(name)
    return chains


def _suggested_chain(article: Article, start: int, end: int) -> list[str] | None:
    """The suggester's chain for a passage no visible assessment covers (None without one)."""
    names = _suggestion(article.text, start, end, article.outlet)
    return list(names) if names is not None else None


@lru_cache(maxsize=4096)
def _suggestion(text: str, start: int, end: int, outlet: str | None) -> tuple[str, ...] | None:
    # Kept per process: a suggestion reads the whole article (about 50 ms), an article's text
    # never changes, and a trace asks again for the same appearances each time it is drawn.
    try:
        from factcheck.suggest.suggestions import suggest_for_claim

        suggestion = suggest_for_claim(text, start, end, outlet)
    except Exception:  # a suggestion is a convenience: a failing one leaves the chain unknown
        return None
    names = tuple(hop.name for hop in suggestion.chain)
    return names if len(names) > 1 else None


class _Resolver:
    """Hop and outlet names → one node per registry record (aliases included), else per name
    key; with each node's display name and prior reliability grade."""

    def __init__(self, session: Session, appearances: list[Appearance]) -> None:
        names = set()
        for a in appearances:
            if a.outlet:
                names.add(a.outlet)
            if a.chain:
                names.update(a.chain.split(CHAIN_SEPARATOR))
        keys = {name_key(n) for n in names} - {""}
        self._source: dict[str, int] = {}
        self._names: dict[str, str] = {}
        self._grades: dict[str, str | None] = {}
        if keys:
            for sid, key, name, grade in session.execute(
                select(
                    col(Source.id),
                    col(Source.name_key),
                    col(Source.name),
                    col(Source.prior_reliability),
                ).where(col(Source.name_key).in_(keys))
            ):
                self._source[key] = sid
                self._names[f"s{sid}"], self._grades[f"s{sid}"] = name, grade
            for sid, key, name, grade in session.execute(
                select(
                    col(Source.id),
                    col(SourceAlias.alias_key),
                    col(Source.name),
                    col(Source.prior_reliability),
                )
                .join(SourceAlias, col(SourceAlias.source_id) == Source.id)
                .where(col(SourceAlias.alias_key).in_(keys))
            ):
                self._source[key] = sid
                self._names[f"s{sid}"], self._grades[f"s{sid}"] = name, grade
        for n in names:
            node = self.node(n)
            self._names.setdefault(node, n)

    def node(self, name: str) -> str:
        key = name_key(name)
        return f"s{self._source[key]}" if key in self._source else f"k:{key}"

    def display(self, node: str) -> str:
        return self._names.get(node, node)

    def grade(self, node: str) -> str | None:
        return self._grades.get(node)


def _hops(a: Appearance) -> list[str]:
    return a.chain.split(CHAIN_SEPARATOR) if a.chain else []


def _origin(appearances: list[Appearance], r: _Resolver) -> str | None:
    """The first hop the chains agree on: the first hop of the earliest chain that every chain
    names, else the most common first hop (ties: the earliest appearance's)."""
    chains = [[r.node(h) for h in _hops(a)] for a in appearances if a.chain]
    if not chains:
        return None
    for node in chains[0]:
        if all(node in chain for chain in chains):
            return node
    counts = Counter(chain[0] for chain in chains)
    top = max(counts.values())
    return next(chain[0] for chain in chains if counts[chain[0]] == top)


def _outlet_articles(appearances: list[Appearance], r: _Resolver) -> dict[str, int]:
    found: dict[str, int] = {}
    for a in appearances:  # in date order: an outlet links to its earliest article
        if a.outlet:
            found.setdefault(r.node(a.outlet), a.article_id)
    return found


def _chain_nodes(a: Appearance, r: _Resolver) -> list[str]:
    """The appearance's chain as nodes, ending with its publisher."""
    nodes = [r.node(h) for h in _hops(a)]
    if a.outlet and (not nodes or nodes[-1] != r.node(a.outlet)):
        nodes.append(r.node(a.outlet))
    return nodes


def _known_paths(
    appearances: list[Appearance], r: _Resolver, origin: str | None
) -> dict[str, list[str]]:
    """The shortest known chain from the origin to every node the chains reach, across
    articles: a hop naming an outlet whose article with the statement is stored links to that
    article, and that article's own chain says how the outlet got it. So an aggregator's
    "Renk > Harbour Gazette > ClickDaily" continues through the Gazette's "Renk > Continental
    Press Agency > The Harbour Gazette" and the agency's chain before it, instead of taking the
    aggregator's word for where the Gazette got it."""
    if origin is None:
        return {}
    stored = {r.node(a.outlet) for a in appearances if a.outlet and a.chain}
    graph: dict[str, set[str]] = defaultdict(set)
    for a in appearances:
        publisher = r.node(a.outlet) if a.outlet else None
        for x, y in pairwise(_chain_nodes(a, r)):
            if x != y and (y not in stored or y == publisher):
                graph[x].add(y)
    previous: dict[str, str | None] = {origin: None}
    queue = deque([origin])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node]):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    paths: dict[str, list[str]] = {}
    for node in previous:
        path: list[str] = []
        step: str | None = node
        while step is not None:
            path.append(step)
            step = previous[step]
        paths[node] = path[::-1]
    return paths


def _path_to(a: Appearance, r: _Resolver, paths: dict[str, list[str]]) -> list[str]:
    """The known chain to the appearance's publisher, else its own chain's nodes."""
    if a.outlet and r.node(a.outlet) in paths:
        return paths[r.node(a.outlet)]
    return _chain_nodes(a, r)


def _furthest(appearances: list[Appearance], r: _Resolver, paths: dict[str, list[str]]) -> int:
    """The index of the appearance the statement travelled furthest to (the longest known
    chain, the later on a tie): where a statement's trace points when no claim is asked."""

    def reach(i: int) -> tuple[int, int]:
        outlet = appearances[i].outlet
        return (len(paths.get(r.node(outlet), [])) if outlet else 0, i)

    return max(range(len(appearances)), key=reach)


def _shortest_chain(
    appearances: list[Appearance],
    r: _Resolver,
    paths: dict[str, list[str]],
    target: Appearance | None,
) -> list[Hop]:
    """The shortest known chain from the origin to the target's publisher (`_known_paths`),
    each hop linked to the stored article of that outlet when there is one."""
    if target is None or not target.outlet or r.node(target.outlet) not in paths:
        return []
    outlets = _outlet_articles(appearances, r)
    outlets[r.node(target.outlet)] = target.article_id
    return [Hop(r.display(n), outlets.get(n), r.grade(n)) for n in paths[r.node(target.outlet)]]


def _weakest(path: list[Hop]) -> Hop | None:
    graded = [h for h in path if h.reliability and h.reliability in RELIABILITY_ORDER]
    if not graded:
        return None
    return max(graded, key=lambda h: RELIABILITY_ORDER.index(h.reliability or "A"))


def _independent(
    appearances: list[Appearance], r: _Resolver, paths: dict[str, list[str]]
) -> dict[str, Any]:
    """Appearances whose known chains (across articles, `_known_paths`) share no intermediary
    (every hop after the origin, the publisher included), picked in date order: a newspaper
    quoting the agency that translated the broadcaster is not independent of the broadcaster.
    Two or more suggest information credibility 1–2 ("confirmed by other sources"); one
    suggests at most 3."""
    picked: list[Appearance] = []
    used: set[str] = set()
    for a in appearances:
        if not a.chain:
            continue
        nodes = set(_path_to(a, r, paths)[1:])
        if nodes & used:
            continue
        used |= nodes
        picked.append(a)
    count = len(picked)
    credibility = "1-2" if count >= 2 else "3-6" if count == 1 else None
    return {
        "count": count,
        "article_ids": [a.article_id for a in picked],
        "chains": [a.chain for a in picked],
        "credibility": credibility,
    }


def _links(appearances: list[Appearance], r: _Resolver) -> list[tuple[int, int]]:
    """(cited article, citing article): the hop of the citing article's chain nearest before
    its publisher that names the outlet of another stored article of the statement."""
    outlets = _outlet_articles(appearances, r)
    links = []
    for a in appearances:
        for hop in reversed(_hops(a)[:-1]):
            cited = outlets.get(r.node(hop))
            if cited is not None and cited != a.article_id:
                links.append((cited, a.article_id))
                break
    return sorted(set(links))


# ------------------------------------------------------------------ statements


@dataclass(frozen=True)
class StatementRow:
    statement_id: int
    articles: int
    text: str
    earliest_article_id: int
    outlets: list[str]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def list_statements(
    session: Session, min_articles: int = 2, limit: int | None = 100
) -> list[StatementRow]:
    """Statements found in at least `min_articles` articles, most widespread first."""
    access.require_signed_in(session, access.resolve(None))
    spread = func.count(func.distinct(StatementPassage.article_id))
    query = (
        select(col(StatementPassage.statement_id), spread, func.min(StatementPassage.id))
        .where(col(StatementPassage.statement_id).is_not(None))
        .group_by(col(StatementPassage.statement_id))
        .having(spread >= min_articles)
        .order_by(spread.desc(), col(StatementPassage.statement_id))
    )
    if limit is not None:
        query = query.limit(limit)
    groups = session.execute(query).all()
    if not groups:
        return []
    firsts = _passage_rows(session, [g[2] for g in groups])
    statement_ids = [g[0] for g in groups]
    outlets: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(statement_ids):
        for sid, outlet in session.execute(
            select(col(StatementPassage.statement_id), col(Article.outlet))
            .join(Article, col(Article.id) == StatementPassage.article_id)
            .where(col(StatementPassage.statement_id).in_(chunk))
            .distinct()
        ):
            if outlet and outlet not in outlets[sid]:
                outlets[sid].append(outlet)
    return [
        StatementRow(
            statement_id=sid,
            articles=n,
            text=firsts[first].text,
            earliest_article_id=firsts[first].article_id,
            outlets=sorted(outlets[sid]),
        )
        for sid, n, first in groups
    ]


# ------------------------------------------------------------------ the constructed example

DEMO_REVIEWER = "demo-desk"  # whose assessments the constructed example's chains are


def add_demo_sources(session: Session, entries: Sequence[dict[str, Any]]) -> int:
    """Put the constructed example's fictional sources in the registry (`name`, `kind`,
    `aliases`, `prior_reliability`, `notes`), filling only what a record lacks: a desk's own
    grades and notes are never overwritten. Returns the number of records added."""
    access.require_admin(session, access.resolve(None), doing="add the demo's sources")
    added = 0
    for entry in entries:
        record = sources.find_source(session, entry["name"])
        if record is None:
            sources.add_source(
                session,
                entry["name"],
                kind=entry.get("kind", "unknown"),
                prior_reliability=entry.get("prior_reliability"),
                notes=entry.get("notes"),
            )
            record = sources.find_source(session, entry["name"])
            added += 1
        assert record is not None
        if record.prior_reliability is None and entry.get("prior_reliability"):
            record.prior_reliability = entry["prior_reliability"]
        if record.notes is None and entry.get("notes"):
            record.notes = entry["notes"]
        session.add(record)
        for alias in entry.get("aliases", []):
            holder = sources.find_source(session, alias)
            if holder is None:
                sources.add_alias(session, record, alias)
    session.flush()
    return added


def store_demo_assessments(
    session: Session,
    article_id: int,
    wanted: Sequence[tuple[str, AssessmentInput]],
    reviewer_name: str = DEMO_REVIEWER,
) -> int:
    """Store the constructed example's chains as `reviewer_name`'s assessments, each of the
    article's claim covering most of the given words of its text, through the one assessment
    service (`save_assessment`: versions, history, registry links). A claim the reviewer has
    assessed already is left as it is, so loading the demo again changes nothing. Returns the
    number of assessments stored."""
    access.require_admin(session, access.resolve(None), doing="store the demo reviewer's chains")
    article = session.get(Article, article_id)
    if article is None:
        raise NotFoundError(f"article {article_id} does not exist")
    reviewer = get_or_create_reviewer(session, reviewer_name)
    stored = 0
    for words, data in wanted:
        at = article.text.find(words)
        if at < 0:
            raise NotFoundError(f"article {article_id} does not contain {words!r}")
        (claim_id,) = _covering_claims(session, [(article_id, at, at + len(words), words, "", 0)])
        if claim_id is None or get_assessment(session, claim_id, reviewer) is not None:
            continue
        save_assessment(session, claim_id, reviewer, data)
        stored += 1
    return stored
