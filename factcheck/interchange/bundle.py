"""The lossless project bundle: JSON Lines, a header line then records by kind
(sources, reviewers, articles, claims, assessments).

Export streams each table in batches, so memory stays bounded whatever the project size.
Import runs in one transaction: a bad line anywhere leaves the database untouched.

Ids: articles, claims and assessments keep their ids when the target database has them
free (an empty database always does), so export → import → export is byte-identical.
Sources and reviewers travel by name, since a fresh database already holds the seeded
starter sources under ids of its own; chain hops name the source they link to.
"""

from __future__ import annotations

import json
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, and_, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete

from factcheck.domain.names import name_key
from factcheck.errors import InputError, describe_validation_error
from factcheck.ids import row_id
from factcheck.interchange.export import (
    ExportFilter,
    assessment_conditions,
    atomic_text_file,
    release_rows,
)
from factcheck.services import access
from factcheck.services.assessments import AssessmentItem, Restored, store_many
from factcheck.services.sources import SourceLinks, alias_row, find_source
from factcheck.store.engine import is_sqlite, write
from factcheck.store.models import (
    Article,
    Assessment,
    ChainHopRow,
    Claim,
    Reviewer,
    Source,
    SourceAlias,
)
from schemas.bundle import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    RECORD_ORDER,
    RECORD_TYPES,
    ArticleRecord,
    AssessmentRecord,
    BundleHeader,
    ClaimRecord,
    ReviewerRecord,
    SourceRecord,
)
from schemas.records import AssessmentInput

BATCH = 500
# What an assessment record says, as the input a save takes; the rest is how it was stored.
INPUT_FIELDS = set(AssessmentInput.model_fields)
ARTICLE_BATCH = 50  # articles carry their HTML: smaller batches keep memory bounded
TEXT_CACHE = 64  # article texts kept while their claims are checked on import

ExportProgress = Callable[[int], None]
ImportProgress = Callable[[int, int], None]


def timestamp(moment: datetime | None) -> str | None:
    """UTC, microseconds, `Z`: the same text from SQLite (naive) and PostgreSQL (aware)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dump_line(record: dict[str, Any]) -> str:
    """One bundle line; sorted keys make the bytes independent of dict order."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


# ------------------------------------------------------------------------------ export


def export_bundle(
    engine: Engine,
    path: Path,
    flt: ExportFilter | None = None,
    progress: ExportProgress | None = None,
) -> int:
    """Write the project (or the part `flt` selects) to `path`; returns the record count.
    `progress(records_written)` is called after each batch."""
    flt = flt or ExportFilter()
    count = 0
    with Session(engine) as session, atomic_text_file(Path(path)) as out:
        out.write(dump_line({"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION}))
        for record in iter_bundle_records(session, flt):
            out.write(dump_line(record))
            count += 1
            if progress is not None and count % BATCH == 0:
                progress(count)
    if progress is not None:
        progress(count)
    return count


def iter_bundle_records(session: Session, flt: ExportFilter) -> Iterator[dict[str, Any]]:
    """Every record of the bundle in file order, streamed."""
    yield from _source_records(session)
    yield from _reviewer_records(session, flt)
    yield from _article_records(session, flt)
    yield from _claim_records(session, flt)
    yield from _assessment_records(session, flt)


def _batches(session: Session, query: Any, size: int = BATCH) -> Iterator[list[Any]]:
    result = session.execute(query.execution_options(yield_per=size))
    for batch in result.partitions():
        yield list(batch)
        release_rows(session, batch)


def _only(query: Any, column: Any, values: list[Any] | None) -> Any:
    """`query` kept to the rows whose `column` is one of `values` (every row without any)."""
    return query.where(col(column).in_(values)) if values else query


def _each(session: Session, query: Any, size: int = BATCH) -> Iterator[Any]:
    """The rows of a one-entity query, streamed in batches of `size`."""
    for batch in _batches(session, query, size):
        for (row,) in batch:
            yield row


def _source_records(session: Session) -> Iterator[dict[str, Any]]:
    for batch in _batches(session, select(Source).order_by(col(Source.name_key))):
        ids = [row[0].id for row in batch]
        aliases: dict[int, list[str]] = defaultdict(list)
        for alias in session.execute(
            select(SourceAlias)
            .where(col(SourceAlias.source_id).in_(ids))
            .order_by(col(SourceAlias.id))
        ).scalars():
            aliases[alias.source_id].append(alias.alias)
        for (source,) in batch:
            yield {
                "type": "source",
                "name": source.name,
                "kind": source.kind,
                "prior_reliability": source.prior_reliability,
                "notes": source.notes,
                "aliases": aliases.get(source.id, []),
                "created_at": timestamp(source.created_at),
            }


def _reviewer_records(session: Session, flt: ExportFilter) -> Iterator[dict[str, Any]]:
    query = _only(select(Reviewer).order_by(col(Reviewer.name)), Reviewer.name, flt.reviewers)
    for reviewer in _each(session, query):
        yield {
            "type": "reviewer",
            "name": reviewer.name,
            "role": reviewer.role,
            "disabled": reviewer.disabled,
            "created_at": timestamp(reviewer.created_at),
        }


def _article_records(session: Session, flt: ExportFilter) -> Iterator[dict[str, Any]]:
    query = _only(select(Article).order_by(col(Article.id)), Article.id, flt.article_ids)
    for a in _each(session, query, ARTICLE_BATCH):
        yield {
            "type": "article",
            "id": a.id,
            "title": a.title,
            "outlet": a.outlet,
            "author": a.author,
            "url": a.url,
            "published_at": a.published_at,
            "text": a.text,
            "content_hash": a.content_hash,
            "source_file": a.source_file,
            "html": a.html,
            "fetched_at": timestamp(a.fetched_at),
            "created_at": timestamp(a.created_at),
            "released_at": timestamp(a.released_at),
        }


def _claim_records(session: Session, flt: ExportFilter) -> Iterator[dict[str, Any]]:
    query = _only(select(Claim).order_by(col(Claim.id)), Claim.article_id, flt.article_ids)
    for c in _each(session, query):
        yield {
            "type": "claim",
            "id": c.id,
            "article_id": c.article_id,
            "position": c.position,
            "start": c.start,
            "end": c.end,
            "text": c.text,
            "kind": c.kind,
            "dropped": c.dropped,
            "checkworthiness": c.checkworthiness,
            "checkworthiness_reasons": c.checkworthiness_reasons,
            "updated_at": timestamp(c.updated_at),
        }


def _assessment_records(session: Session, flt: ExportFilter) -> Iterator[dict[str, Any]]:
    query = (
        select(Assessment, col(Reviewer.name))
        .join(Claim, col(Claim.id) == Assessment.claim_id)
        .join(Reviewer, col(Reviewer.id) == Assessment.reviewer_id)
        .order_by(col(Assessment.id))
    )
    conditions = assessment_conditions(session, flt)
    if conditions:
        query = query.where(and_(*conditions))
    for batch in _batches(session, query):
        chains = _chains(session, [row[0].id for row in batch])
        for a, reviewer in batch:
            yield {
                "type": "assessment",
                "id": a.id,
                "claim_id": a.claim_id,
                "reviewer": reviewer,
                "is_final": a.is_final,
                "attribution_type": a.attribution_type,
                "speaker": a.speaker,
                "cue": a.cue,
                "source_reliability": a.source_reliability,
                "information_credibility": a.information_credibility,
                "translated": a.translated,
                "primary_source_url": a.primary_source_url,
                "corroborated": a.corroborated,
                "corroborated_by": a.corroborated_by,
                "notes": a.notes,
                "sourcing_score": a.sourcing_score,
                "spans": a.spans,
                "suggestion_outcome": a.suggestion_outcome,
                "needs_review": a.needs_review,
                "chain": chains.get(a.id, []),
                "created_at": timestamp(a.created_at),
                "updated_at": timestamp(a.updated_at),
            }


def _chains(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    chains: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = session.execute(
        select(ChainHopRow, col(Source.name))
        .outerjoin(Source, col(Source.id) == ChainHopRow.source_id)
        .where(col(ChainHopRow.assessment_id).in_(ids))
        .order_by(col(ChainHopRow.assessment_id), col(ChainHopRow.position))
    )
    for hop, source_name in rows:
        chains[hop.assessment_id].append(
            {"name": hop.name, "kind": hop.kind, "relation": hop.relation, "source": source_name}
        )
    return chains


# ------------------------------------------------------------------------------ import


@dataclass
class BundleSummary:
    """What an import did, for the CLI and the UI."""

    records: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECORD_ORDER, 0))
    sources_matched: int = 0
    reviewers_matched: int = 0
    ids_remapped: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": dict(self.records),
            "sources_matched": self.sources_matched,
            "reviewers_matched": self.reviewers_matched,
            "ids_remapped": self.ids_remapped,
            "notes": list(self.notes),
        }


def import_bundle(
    engine: Engine, path: Path, progress: ImportProgress | None = None
) -> BundleSummary:
    """Load a bundle into the database in one transaction; `progress(lines_done, lines)`.

    Raises InputError naming the line for a wrong format or version, a malformed or
    out-of-order record, or an article already in the database."""
    access.require_admin_to_load(engine, doing="load a project bundle")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open(encoding="utf-8") as handle:
        total = sum(1 for _ in handle)
    try:
        return write(engine, lambda session: _BundleLoader(session, path, total, progress).run())
    except IntegrityError as error:  # a rule the checks above do not know of: still one line
        reason = str(error.orig or error).splitlines()[0]
        raise InputError(f"{path.name}: conflicts with the database ({reason})") from None


class _BundleLoader:
    """One import: the id maps from bundle to database, and the rules for each record."""

    def __init__(
        self, session: Session, path: Path, total: int, progress: ImportProgress | None
    ) -> None:
        self.session = session
        self.path = path
        self.total = total
        self.progress = progress
        self.summary = BundleSummary()
        self.articles: dict[int, int] = {}
        self.claims: dict[int, int] = {}
        self.reviewers: dict[str, int] = {}
        self.stage = 0
        self.fresh_registry = self._project_is_empty()
        self.registry_cleared = False
        self.explicit_ids = False
        # Ids above a table's highest id at the start are free without asking, until a
        # record of that table had to be renumbered (then the database is asked each time).
        self.free_above = {
            model: session.execute(select(func.max(model.id))).scalar() or 0
            for model in (Article, Claim, Assessment)
        }
        self.renumbered: set[type[Any]] = set()
        self.texts: OrderedDict[int, str] = OrderedDict()  # recent articles' text, by bundle id
        self.links = SourceLinks(session)
        self.assessment_ids: set[int] = set()
        self.pending: list[AssessmentItem] = []  # stored at each flush, through the service
        self.assessment_keys: set[tuple[int, str, bool]] = set()

    def _project_is_empty(self) -> bool:
        """No article and no chain hop: the registry is only the seeded starter list, which
        the bundle's registry may replace wholesale (so the round trip is exact)."""
        session = self.session
        return not session.execute(select(col(Article.id)).limit(1)).first() and not (
            session.execute(select(col(ChainHopRow.id)).limit(1)).first()
        )

    def fail(self, line_no: int, message: str) -> InputError:
        return InputError(f"{self.path.name} line {line_no}: {message}")

    def run(self) -> BundleSummary:
        with self.path.open(encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                if line_no == 1:
                    self._header(line)
                elif line.strip():
                    self._record(line_no, line)
                if line_no % BATCH == 0:
                    self._flush()
                    self.session.expunge_all()
                    if self.progress is not None:
                        self.progress(line_no, self.total)
        if self.total == 0:
            raise self.fail(1, "the file is empty; expected a factcheck bundle header")
        self._flush()
        if self.explicit_ids and not is_sqlite(self.session.get_bind()):
            _advance_sequences(self.session)
        if self.progress is not None:
            self.progress(self.total, self.total)
        return self.summary

    def _flush(self) -> None:
        """Insert what is pending, parents first: the tables have no ORM relationships to
        order the inserts by, so each kind is flushed before the kind that refers to it, and
        assessments (with their chain hops) through the one service that writes them."""
        self.session.flush()
        if self.pending:
            store_many(self.session, self.pending, links=self.links)
            self.pending = []

    def _header(self, line: str) -> None:
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            raise self.fail(1, "not JSON; expected a factcheck bundle header") from None
        if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
            raise self.fail(1, f'not a factcheck bundle (expected "format": "{BUNDLE_FORMAT}")')
        if data.get("version") != BUNDLE_VERSION:
            raise self.fail(
                1,
                f"bundle version {data.get('version')!r} is not supported "
                f"(this factcheck reads version {BUNDLE_VERSION})",
            )
        self._validate(1, BundleHeader, data)

    def _validate(self, line_no: int, model: type[BaseModel], data: dict[str, Any]) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as error:
            raise self.fail(line_no, describe_validation_error(error)) from None

    def _record(self, line_no: int, line: str) -> None:
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise self.fail(line_no, f"not valid JSON ({error.msg})") from None
        if not isinstance(data, dict):
            raise self.fail(line_no, "a record must be a JSON object")
        kind = data.get("type")
        if kind not in RECORD_TYPES:
            known = ", ".join(RECORD_ORDER)
            raise self.fail(line_no, f"unknown record type {kind!r} (expected one of: {known})")
        stage = RECORD_ORDER.index(kind)
        if stage < self.stage:
            raise self.fail(
                line_no, f"{kind} record after {RECORD_ORDER[self.stage]} records: out of order"
            )
        if stage > self.stage:
            self._flush()
        self.stage = stage
        record = self._validate(line_no, RECORD_TYPES[kind], data)
        getattr(self, f"_{kind}")(line_no, record)
        self.summary.records[kind] += 1

    def _source(self, line_no: int, rec: SourceRecord) -> None:
        session = self.session
        if self.fresh_registry and not self.registry_cleared:
            session.execute(delete(SourceAlias))
            session.execute(delete(Source))
            session.flush()
            self.registry_cleared = True
        key = name_key(rec.name)
        existing = find_source(session, rec.name)
        if existing is not None:
            self.summary.sources_matched += 1
            if existing.kind == "unknown":
                existing.kind = rec.kind.value
            existing.prior_reliability = existing.prior_reliability or rec.prior_reliability
            existing.notes = existing.notes or rec.notes
            session.add(existing)
            source = existing
        else:
            source = Source(
                name=rec.name,
                name_key=key,
                kind=rec.kind.value,
                prior_reliability=rec.prior_reliability,
                notes=rec.notes,
                created_at=rec.created_at,
            )
            session.add(source)
        session.flush()
        for alias in rec.aliases:
            holder = find_source(session, alias)
            if holder is None:
                session.add(alias_row(source, alias))
                session.flush()
            elif holder.id != source.id:
                self.summary.notes.append(
                    f"line {line_no}: alias {alias!r} of {rec.name!r} kept on {holder.name!r}"
                )

    def _reviewer(self, line_no: int, rec: ReviewerRecord) -> None:
        existing = self.session.execute(
            select(Reviewer).where(col(Reviewer.name) == rec.name)
        ).scalar_one_or_none()
        if existing is not None:
            self.summary.reviewers_matched += 1
            self.reviewers[rec.name] = row_id(existing)
            return
        reviewer = Reviewer(
            name=rec.name, role=rec.role, disabled=rec.disabled, created_at=rec.created_at
        )
        self.session.add(reviewer)
        self.session.flush()
        self.reviewers[rec.name] = row_id(reviewer)

    def _free_id(self, model: type[Any], wanted: int) -> int | None:
        """The bundle's id if the database has it free, else None (the database picks one)."""
        if model not in self.renumbered and wanted > self.free_above[model]:
            self.explicit_ids = True
            return wanted
        taken = self.session.execute(select(model.id).where(model.id == wanted)).first()
        if taken:
            self.summary.ids_remapped += 1
            self.renumbered.add(model)
            if not is_sqlite(self.session.get_bind()):
                # Explicit ids do not move PostgreSQL's sequence: move it before it picks one.
                self._flush()
                _advance_sequences(self.session, model.__tablename__)
            return None
        self.explicit_ids = True
        return wanted

    def _stored(self, row: Article | Claim) -> int:
        """The row's id, flushing only when the database has to pick it."""
        if row.id is None:
            self.session.add(row)
            self.session.flush()
        else:
            self.session.add(row)
        return row_id(row)

    def _article(self, line_no: int, rec: ArticleRecord) -> None:
        if rec.id in self.articles:
            raise self.fail(line_no, f"article {rec.id} appears twice")
        existing = self.session.execute(
            select(col(Article.id)).where(col(Article.content_hash) == rec.content_hash)
        ).first()
        if existing:
            raise self.fail(
                line_no,
                f"article {rec.id} ({rec.title!r}) is already in the database as article "
                f"{existing[0]}; import the bundle into an empty database",
            )
        article = Article(
            id=self._free_id(Article, rec.id),
            **rec.model_dump(exclude={"type", "id"}),
        )
        self.articles[rec.id] = self._stored(article)
        self.texts[rec.id] = rec.text
        if len(self.texts) > TEXT_CACHE:
            self.texts.popitem(last=False)

    def _claim(self, line_no: int, rec: ClaimRecord) -> None:
        if rec.article_id not in self.articles:
            raise self.fail(
                line_no, f"claim {rec.id} refers to article {rec.article_id}, not in the bundle"
            )
        if rec.id in self.claims:
            raise self.fail(line_no, f"claim {rec.id} appears twice")
        article_id = self.articles[rec.article_id]
        if rec.end <= rec.start:
            raise self.fail(
                line_no, f"claim {rec.id}: end {rec.end} is not after start {rec.start}"
            )
        if rec.article_id in self.texts:
            article_text = self.texts[rec.article_id][rec.start : rec.end]
        else:
            article_text = self.session.execute(
                select(func.substr(Article.text, rec.start + 1, rec.end - rec.start)).where(
                    col(Article.id) == article_id
                )
            ).scalar_one()
        if article_text != rec.text or len(rec.text) != rec.end - rec.start:
            raise self.fail(
                line_no,
                f"claim {rec.id}: offsets {rec.start}–{rec.end} do not cover its text in "
                f"article {rec.article_id}",
            )
        claim = Claim(
            id=self._free_id(Claim, rec.id),
            article_id=article_id,
            **rec.model_dump(exclude={"type", "id", "article_id"}),
        )
        self.claims[rec.id] = self._stored(claim)

    def _reviewer_id(self, line_no: int, name: str) -> int:
        if name not in self.reviewers:
            found = self.session.execute(
                select(col(Reviewer.id)).where(col(Reviewer.name) == name)
            ).first()
            if not found:
                raise self.fail(line_no, f"reviewer {name!r} is not in the bundle")
            self.reviewers[name] = found[0]
        return self.reviewers[name]

    def _assessment(self, line_no: int, rec: AssessmentRecord) -> None:
        if rec.claim_id not in self.claims:
            raise self.fail(
                line_no, f"assessment {rec.id} refers to claim {rec.claim_id}, not in the bundle"
            )
        if rec.id in self.assessment_ids:
            raise self.fail(line_no, f"assessment {rec.id} appears twice")
        key = (rec.claim_id, rec.reviewer, rec.is_final)
        if key in self.assessment_keys:
            raise self.fail(
                line_no,
                f"assessment {rec.id} is a second {'final ' if rec.is_final else ''}assessment "
                f"of claim {rec.claim_id} by {rec.reviewer}",
            )
        self.assessment_ids.add(rec.id)
        self.assessment_keys.add(key)
        data = self._validate(line_no, AssessmentInput, rec.model_dump(include=INPUT_FIELDS))
        restored = Restored(
            id=self._free_id(Assessment, rec.id),
            created_at=rec.created_at,
            updated_at=rec.updated_at,
            needs_review=rec.needs_review,
            sourcing_score=rec.sourcing_score,
            hop_sources=tuple(hop.source for hop in rec.chain),
        )
        reviewer_id = self._reviewer_id(line_no, rec.reviewer)
        self.pending.append(
            AssessmentItem(
                self.claims[rec.claim_id], reviewer_id, data, rec.is_final, restored=restored
            )
        )
        if restored.id is None:  # the database picks it: stored before the next id is checked
            self._flush()


def _advance_sequences(session: Session, *tables: str) -> None:
    """PostgreSQL does not move a serial's sequence past explicitly inserted ids."""
    for table in tables or ("article", "claim", "assessment"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )
