"""Importing, listing and deleting articles. An import stores the article and its claims in
one transaction: an article is in the database whole or not at all.

Every way an article comes in (files, folders, the web page's paste and upload, a fetched page,
a BRAT corpus) goes through `import_text`, so the cap on claims per article
(FACTCHECK_MAX_CLAIMS) holds for all of them: a text with more sentences is refused with one
line naming it, and nothing is stored."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    ColumnElement,
    case,
    false,
    func,
    insert,
    literal_column,
    text,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, delete, select

from factcheck.checkworthy import DEFAULT_THRESHOLD, score_claims
from factcheck.config import get_settings
from factcheck.domain import split as splitter
from factcheck.domain.display import quote_name
from factcheck.domain.split import SplitResult, TooManyClaims
from factcheck.domain.textio import DecodedArticle, content_hash, decode_article
from factcheck.errors import DuplicateError, InputError, NotFoundError
from factcheck.ids import id_col
from factcheck.services import access, trace
from factcheck.services.access import ActorLike
from factcheck.store.models import Article, Assessment, ChainHopRow, Claim
from factcheck.store.search import PG_DOCUMENT
from schemas.records import ArticleMeta

TITLE_FROM_TEXT_CHARS = 200


def find_by_hash(session: Session, text: str) -> Article | None:
    return session.exec(select(Article).where(Article.content_hash == content_hash(text))).first()


def max_claims() -> int:
    """The most claims one article may have (FACTCHECK_MAX_CLAIMS, default 5,000)."""
    return get_settings().factcheck_max_claims


def split_into_claims(text: str) -> SplitResult:
    """`factcheck.domain.split.split_into_claims` under the cap on claims per article: what every
    import splits with. Past the cap it stops and raises TooManyClaims, so a huge text costs
    a fraction of a second, not minutes."""
    return splitter.split_into_claims(text, max_claims=max_claims())


def too_many_claims(source_file: str | None, sentences: int, limit: int) -> InputError:
    """The one-line refusal of an article over the cap, naming the file and the setting."""
    name = quote_name(source_file) if source_file else "the article"
    return InputError(
        f"{name}: {sentences:,} sentences is more than the {limit:,} claims an article may "
        "have (FACTCHECK_MAX_CLAIMS)"
    )


def split_article(text: str, source_file: str | None = None) -> SplitResult:
    """The claims of `text`, or InputError naming `source_file` when it has more than the cap
    allows. Callers split before opening their write transaction (a long split must not hold
    the database's write lock) and hand the result to `import_text`. Each claim comes with its
    check-worthiness score, reasons and suggested kind (`factcheck.checkworthy`)."""
    try:
        split = split_into_claims(text)
    except TooManyClaims as error:
        raise too_many_claims(source_file, error.sentences, error.limit) from None
    check_claim_count(split, source_file)
    return score_claims(split)


def check_claim_count(split: SplitResult, source_file: str | None) -> None:
    """Refuse a split made elsewhere (a worker process, a caller) that is over the cap."""
    limit = max_claims()
    if len(split.claims) > limit:
        raise too_many_claims(source_file, len(split.claims), limit)


def import_text(
    session: Session,
    text: str,
    meta: ArticleMeta | None = None,
    *,
    source_file: str | None = None,
    html: str | None = None,
    fetched_at: datetime | None = None,
    split: SplitResult | None = None,
    actor: ActorLike | None = None,
) -> Article:
    """Store `text` as an article split into claims; refuse text that is already stored, and
    text with more claims than FACTCHECK_MAX_CLAIMS allows. In team mode only a signed-in
    reviewer (any role) imports: a visitor cannot fill a team's database.

    `split` is `split_article(text)` when the caller has it already (a batch import splits
    in worker processes, or before its transaction), so it is not worked out twice."""
    access.require_signed_in(session, access.resolve(actor))
    meta = meta or ArticleMeta()
    if not text.strip():
        raise InputError(f"{source_file or 'the article'} is empty: nothing to import")
    if "\x00" in text:
        raise InputError(f"{source_file or 'the article'} contains NUL bytes: not a text file")
    existing = find_by_hash(session, text)
    if existing is not None:
        raise DuplicateError(
            f"{source_file or 'this text'} is already imported as article {existing.id} "
            f"({existing.title!r})",
            existing_id=existing.id,
        )
    if split is None:
        split = split_article(text, source_file)
    else:
        check_claim_count(split, source_file)
        split = score_claims(split)  # nothing to do when a worker scored it
    # The text and page are written after the claims: in SQLite every claim row's trigger
    # (migration 0003) rewrites the whole article row to bump its revision: with the text in
    # it, storing n claims of an m-byte text wrote n * m bytes (100,000 claims of 2.3 MB took
    # two minutes, 5,000 claims of 4.8 MB 17 s). Written last, each bump rewrites a row of a
    # few bytes. It is one transaction: nobody ever sees the article without its text.
    article = Article(
        title=meta.title or _title_from(text, source_file),
        outlet=meta.outlet,
        author=meta.author or split.author,
        url=meta.url,
        published_at=meta.published or split.published,
        text="",
        content_hash=content_hash(text),
        source_file=source_file,
        html=None,
        fetched_at=fetched_at,
    )
    session.add(article)
    session.flush()
    assert article.id is not None
    if split.claims:
        # One executemany of plain rows: building an ORM object per claim cost more than
        # splitting the article (dropped and updated_at take their column defaults).
        session.execute(
            insert(Claim),
            [
                {
                    "article_id": article.id,
                    "position": index,
                    "start": span.start,
                    "end": span.end,
                    "text": span.text,
                    "kind": span.kind.value,
                    "checkworthiness": span.checkworthiness,
                    "checkworthiness_reasons": list(span.reasons),
                }
                for index, span in enumerate(split.claims, start=1)
            ],
        )
        # the statements index (issue 16), from the same spans: see factcheck/services/trace.py
        trace.index_passages(session, article.id, ((c.start, c.end, c.text) for c in split.claims))
    session.execute(
        update(Article).where(col(Article.id) == article.id).values(text=text, html=html),
        execution_options={"synchronize_session": False},
    )
    # The object says what the row now holds, without marking it changed.
    set_committed_value(article, "text", text)
    set_committed_value(article, "html", html)
    return article


def _title_from(text: str, source_file: str | None) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first_line:
        return first_line[:TITLE_FROM_TEXT_CHARS]
    return Path(source_file).stem if source_file else "Untitled"


def read_article_file(path: Path, max_bytes: int) -> DecodedArticle:
    """Read and decode a file, with the errors users need: missing, a folder, too large."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{path.name} is {size:,} bytes, over the {max_bytes:,}-byte limit")
    return decode_article(path.read_bytes(), path.name, max_bytes=max_bytes)


def meta_for(decoded: DecodedArticle, given: ArticleMeta) -> ArticleMeta:
    """What the user typed wins over what the file says about itself."""
    return ArticleMeta(
        title=given.title or decoded.title,
        outlet=given.outlet or decoded.site_name,
        author=given.author or decoded.author,
        url=given.url or decoded.url,
        published=given.published or _safe_published(decoded.published),
    )


def _safe_published(value: str | None) -> str | None:
    try:
        return ArticleMeta(published=value).published
    except ValueError:
        return None


def import_decoded(
    session: Session,
    decoded: DecodedArticle,
    meta: ArticleMeta,
    source_file: str,
    split: SplitResult | None = None,
) -> Article:
    return import_text(
        session,
        decoded.text,
        meta_for(decoded, meta),
        source_file=source_file,
        html=decoded.html,
        split=split,
    )


def get_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFoundError(f"article {article_id} does not exist")
    return article


@dataclass(frozen=True)
class ArticleRow:
    """An article as the Articles list shows it, counts computed in the query."""

    id: int
    title: str
    outlet: str | None
    published_at: str | None
    claims: int
    rated: int
    checkworthy: int = 0  # active claims scoring at least the threshold


MAX_SEARCH_WORDS = 12  # work per request is bounded


def search_words(search: str | None) -> list[str]:
    """The words of a search box, lower-cased (punctuation and operators dropped, so nothing
    a user types is read as full-text query syntax)."""
    return re.findall(r"\w+", (search or "").casefold())[:MAX_SEARCH_WORDS]


def search_condition(session: Session, search: str | None) -> ColumnElement[bool] | None:
    """Articles whose title, outlet or text hold every word of `search` (as a word prefix),
    through the engine's full-text index (migration 0009): never a scan of every text."""
    words = search_words(search)
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        query = " ".join(f'"{word}"*' for word in words)
        matching = text("SELECT rowid FROM article_fts WHERE article_fts MATCH :search")
        return col(Article.id).in_(matching.bindparams(search=query))
    query = " & ".join(f"{word}:*" for word in words)
    document: ColumnElement[object] = literal_column(PG_DOCUMENT)
    tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), query)
    return document.op("@@", return_type=Boolean)(tsquery)


def count_articles(session: Session, search: str | None = None) -> int:
    query = select(func.count()).select_from(Article)
    condition = search_condition(session, search)
    if condition is not None:
        query = query.where(condition)
    return session.exec(query).one()


def list_articles(
    session: Session,
    *,
    search: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    reviewer_id: int | None = None,
    counts_cache: MutableMapping[tuple[int, int, int | None, float], tuple[int, int, int]]
    | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[ArticleRow]:
    """One page of articles, newest first, with claim counts and this reviewer's progress,
    in a fixed number of queries whatever the page size.

    With `counts_cache` (a browser session's), counts are kept per article revision: a rerun
    over the same page, where no article changed, is one query instead of three."""
    # SQLAlchemy's select: SQLModel's types at most four columns.
    query = sa_select(
        id_col(Article.id),
        col(Article.title),
        col(Article.outlet),
        col(Article.published_at),
        col(Article.revision),
    ).order_by(col(Article.id).desc())
    condition = search_condition(session, search)
    if condition is not None:
        query = query.where(condition)
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    page = session.execute(query).all()
    cache = counts_cache if counts_cache is not None else {}
    keys = {row[0]: (row[0], row[4], reviewer_id, threshold) for row in page}
    missing = [article_id for article_id, key in keys.items() if key not in cache]
    if missing:
        if len(cache) > 1000:  # the pages a reviewer walks through, not the whole archive
            cache.clear()
        claims, rated, worthy = _claim_counts(session, missing, reviewer_id, threshold)
        for article_id in missing:
            cache[keys[article_id]] = (
                claims.get(article_id, 0),
                rated.get(article_id, 0),
                worthy.get(article_id, 0),
            )
    return [
        ArticleRow(
            id=row[0],
            title=row[1],
            outlet=row[2],
            published_at=row[3],
            claims=cache[keys[row[0]]][0],
            rated=cache[keys[row[0]]][1],
            checkworthy=cache[keys[row[0]]][2],
        )
        for row in page
    ]


def _claim_counts(
    session: Session, ids: list[int], reviewer_id: int | None, threshold: float
) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Active claims per article, how many of them the reviewer has rated, and how many are
    check-worthy (score at least `threshold`), in the same query as the claims."""
    worthy = func.sum(case((col(Claim.checkworthiness) >= threshold, 1), else_=0))
    counted = session.exec(
        select(Claim.article_id, func.count(), worthy)
        .where(col(Claim.article_id).in_(ids), Claim.dropped == false())
        .group_by(col(Claim.article_id))
    ).all()
    claim_counts = {row[0]: row[1] for row in counted}
    worthy_counts = {row[0]: int(row[2] or 0) for row in counted}
    rated_counts: dict[int, int] = {}
    if reviewer_id is not None:
        # EXISTS per claim of the page (a unique-index probe), not a join: given a join,
        # SQLite starts from the reviewer's index and visits every assessment they ever made
        # (190 ms at 500,000 assessments instead of under 1 ms). At most one non-final
        # assessment per claim and reviewer, so the count is the same.
        rated = (
            select(Assessment.id)
            .where(
                col(Assessment.claim_id) == Claim.id,
                Assessment.reviewer_id == reviewer_id,
                Assessment.is_final == false(),
            )
            .exists()
        )
        rated_counts = dict(
            session.exec(
                select(Claim.article_id, func.count())
                .where(col(Claim.article_id).in_(ids), Claim.dropped == false(), rated)
                .group_by(col(Claim.article_id))
            ).all()
        )
    return claim_counts, rated_counts, worthy_counts


def delete_article(session: Session, article_id: int, *, actor: ActorLike | None = None) -> Article:
    """Delete an article with its claims and their assessments (admins only in team mode)."""
    access.require_admin(session, access.resolve(actor), doing="delete articles")
    article = get_article(session, article_id)
    claim_ids = select(Claim.id).where(Claim.article_id == article_id)
    assessment_ids = select(Assessment.id).where(col(Assessment.claim_id).in_(claim_ids))
    session.exec(delete(ChainHopRow).where(col(ChainHopRow.assessment_id).in_(assessment_ids)))
    session.exec(delete(Assessment).where(col(Assessment.claim_id).in_(claim_ids)))
    session.exec(delete(Claim).where(col(Claim.article_id) == article_id))
    session.delete(article)
    session.flush()
    return article
