"""Recording a reviewer's assessment of a claim: attribution, chain, grades. Rating again
updates that reviewer's row only; nobody else's assessment is touched. In team mode the checks
of `factcheck.services.access` run here, so every caller (CLI, UI, scripts) gets the same refusals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import false, insert, or_, true
from sqlmodel import Session, col, delete, select

from factcheck.domain.scoring import sourcing_score
from factcheck.errors import EmptyFormError, StaleAssessmentError
from factcheck.ids import row_id
from factcheck.services import access, history
from factcheck.services.access import ActorLike
from factcheck.services.claims import get_claim
from factcheck.services.sources import SourceLinks
from factcheck.store.models import Assessment, ChainHopRow, Claim, Reviewer, utcnow
from schemas.records import AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import Relation, SourceKind, grade


def save_assessment(
    session: Session,
    claim_id: int,
    reviewer: Reviewer,
    data: AssessmentInput,
    *,
    final: bool = False,
    expected_version: int | None = None,
    actor: ActorLike | None = None,
) -> Assessment:
    """Insert or update `reviewer`'s assessment of the claim, replacing its chain. In team mode
    the actor (`actor=`, or the one set by `access.acting_as` / the UI) must be `reviewer`
    (or an admin, e.g. importing a colleague's offline ratings).

    `expected_version` is the version the caller's form started from (0: it started with no
    stored assessment). If the stored row is at another version, the save is refused with
    `StaleAssessmentError` and changes nothing, so a form can never overwrite what it did not
    load. A form whose every field is empty never overwrites an assessment with values
    (`EmptyFormError`); `clear_assessment` is the explicit way. Every save is recorded in the
    article's history with the content before and after."""
    claim = get_claim(session, claim_id)
    access.check_can_rate(session, access.resolve(actor), claim, reviewer, final=final)
    assessment = _locked_row(session, claim_id, reviewer, final)
    before: AssessmentInput | None = None
    if assessment is not None:
        assessment_id = row_id(assessment)
        before = input_from_row(
            assessment, chains_for(session, [assessment_id]).get(assessment_id, [])
        )
    current_version = assessment.version if assessment is not None else 0
    if expected_version is not None and expected_version != current_version:
        raise StaleAssessmentError(
            f"this assessment was changed elsewhere since it was loaded "
            f"(version {expected_version}, now {current_version}); nothing was saved",
            before,
            current_version,
        )
    if before is not None and before.has_content and not data.has_content:
        raise EmptyFormError(
            "the form is empty: saving it would erase the stored assessment; "
            "use “clear this assessment” to remove it"
        )
    now = utcnow()
    if assessment is None:
        values = _new_values(row_id(claim), row_id(reviewer), final, data, now)
        assessment = Assessment(**values)
    else:
        _update_row(assessment, row_id(reviewer), data, now)
    session.add(assessment)
    session.flush()
    stored_chain = before.chain if before is not None else None
    chain = _Chain(row_id(assessment), data.chain, stored_chain)
    _write_chains(session, [chain], SourceLinks(session))
    grade_text = grade(data.source_reliability, data.information_credibility) or "no grade"
    history.record_assessment(
        session,
        claim.article_id,
        "final" if final else "save",
        f"{reviewer.name} {'settled' if final else 'rated'} {history.position_name(session, claim)}"
        f" ({grade_text}), version {assessment.version}",
        _content(before),
        _content(data),
        actor=actor if actor is not None else reviewer,
    )
    return assessment


def clear_assessment(
    session: Session,
    claim_id: int,
    reviewer: Reviewer,
    *,
    final: bool = False,
    expected_version: int | None = None,
    actor: ActorLike | None = None,
) -> bool:
    """The explicit "clear this assessment": delete `reviewer`'s assessment of the claim (its
    content stays in the history). False when there was none. Refused like a save when the
    stored row moved past `expected_version`."""
    claim = get_claim(session, claim_id)
    access.check_can_rate(session, access.resolve(actor), claim, reviewer, final=final)
    assessment = _locked_row(session, claim_id, reviewer, final)
    if assessment is None:
        return False
    assessment_id = row_id(assessment)
    before = input_from_row(assessment, chains_for(session, [assessment_id]).get(assessment_id, []))
    if expected_version is not None and expected_version != assessment.version:
        raise StaleAssessmentError(
            f"this assessment was changed elsewhere since it was loaded "
            f"(version {expected_version}, now {assessment.version}); nothing was cleared",
            before,
            assessment.version,
        )
    session.delete(assessment)
    session.flush()
    history.record_assessment(
        session,
        claim.article_id,
        "clear",
        f"{reviewer.name} cleared their assessment of {history.position_name(session, claim)}",
        _content(before),
        None,
        actor=actor if actor is not None else reviewer,
    )
    return True


def _locked_row(
    session: Session, claim_id: int, reviewer: Reviewer, final: bool
) -> Assessment | None:
    """The reviewer's assessment row of the claim (for `final`, the claim's one final row,
    whoever settled it: a claim has one final assessment), locked for this transaction on
    PostgreSQL, so two saves naming the same version cannot both pass the check (SQLite's
    BEGIN IMMEDIATE already serialises writers)."""
    query = select(Assessment).where(Assessment.claim_id == claim_id, Assessment.is_final == final)
    if not final:
        query = query.where(Assessment.reviewer_id == reviewer.id)
    return session.exec(query.order_by(col(Assessment.id)).with_for_update()).first()


def _content(data: AssessmentInput | None) -> dict[str, Any] | None:
    return None if data is None else data.model_dump(mode="json", exclude_none=True)


# ------------------------------------------------------------ how an input is stored: one rule


def stored_values(data: AssessmentInput) -> dict[str, Any]:
    """The columns an input is stored in, sourcing score included: the one rule every writer
    follows (a save, `store_many`) and a merge compares against. `suggestion_outcome` is
    there only when the input gives one (a save without it keeps the stored one)."""
    values: dict[str, Any] = {
        "attribution_type": data.attribution_type.value if data.attribution_type else None,
        "speaker": data.speaker,
        "cue": data.cue,
        "source_reliability": data.source_reliability,
        "information_credibility": data.information_credibility,
        "translated": data.is_translated,
        "primary_source_url": data.primary_source_url,
        "corroborated": data.corroborated or bool(data.corroborated_by),
        "corroborated_by": data.corroborated_by,
        "notes": data.notes,
        "spans": data.spans,
        "sourcing_score": sourcing_score(
            data.chain, data.attribution_type, data.primary_source_url
        ).score,
        "needs_review": False,  # rated (again) as the claim now stands
    }
    if data.suggestion_outcome is not None:
        values["suggestion_outcome"] = data.suggestion_outcome.value
    return values


def hop_values(chain: Sequence[ChainHop]) -> list[dict[str, Any]]:
    """The chain as stored hop by hop (the origin has no relation to a hop before it)."""
    return [
        {
            "position": position,
            "name": hop.name,
            "kind": hop.kind.value,
            "relation": hop.relation.value if hop.relation and position else None,
        }
        for position, hop in enumerate(chain)
    ]


@dataclass(frozen=True)
class Restored:
    """What a lossless bundle keeps of an assessment besides what it says, so the row comes
    back as it was stored (export → import → export is byte-identical)."""

    id: int | None  # None: the id is taken in this database, which picks another
    created_at: datetime
    updated_at: datetime
    needs_review: bool = False
    sourcing_score: int | None = None  # None: none recorded, so the rule's score is stored
    hop_sources: tuple[str | None, ...] = ()  # by name, the record each hop links to


def _columns(
    data: AssessmentInput, version: int, now: datetime, restored: Restored | None = None
) -> dict[str, Any]:
    """Everything a write sets on the row: `stored_values`, the version, the time; for a
    restored row what the bundle recorded."""
    values = {**stored_values(data), "version": version, "updated_at": now}
    if restored is not None:
        values.update(updated_at=restored.updated_at, needs_review=restored.needs_review)
        if restored.sourcing_score is not None:
            values["sourcing_score"] = restored.sourcing_score
    return values


def _new_values(
    claim_id: int,
    reviewer_id: int,
    final: bool,
    data: AssessmentInput,
    now: datetime,
    restored: Restored | None = None,
) -> dict[str, Any]:
    """Every column of a new row holding `data` at version 1 (`id` None: the database picks
    it): the same keys for every row, so many go in one statement."""
    values: dict[str, Any] = {"id": None, "suggestion_outcome": None, "created_at": now}
    values |= _columns(data, 1, now, restored)
    if restored is not None:
        values.update(id=restored.id, created_at=restored.created_at)
    return {"claim_id": claim_id, "reviewer_id": reviewer_id, "is_final": final, **values}


def _update_row(row: Assessment, reviewer_id: int, data: AssessmentInput, now: datetime) -> None:
    """A stored row holding `data` at its next version; a final one names who settled last."""
    for name, value in _columns(data, row.version + 1, now).items():
        setattr(row, name, value)
    row.reviewer_id = reviewer_id


@dataclass
class _Chain:
    """An assessment's chain to store, and what is stored now (None: a new assessment)."""

    assessment_id: int
    chain: list[ChainHop]
    stored: list[ChainHop] | None
    sources: tuple[str | None, ...] | None = None  # a bundle names the record of each hop


def _write_chains(session: Session, chains: list[_Chain], links: SourceLinks) -> None:
    """Chain hops (`hop_values`, linked to the registry) in one statement. A chain that did
    not change keeps its hops, and their links, as they are."""
    changed = [c for c in chains if c.stored != c.chain]
    replaced = [c.assessment_id for c in changed if c.stored]
    if replaced:
        session.exec(delete(ChainHopRow).where(col(ChainHopRow.assessment_id).in_(replaced)))
    hops = []
    for c in changed:
        for hop, values in zip(c.chain, hop_values(c.chain), strict=True):
            source_id = (
                links.named(c.sources[values["position"]])
                if c.sources is not None
                else links.mentioned(hop.name, hop.kind)
            )
            hops.append({**values, "assessment_id": c.assessment_id, "source_id": source_id})
    if hops:
        session.exec(insert(ChainHopRow), params=hops)


def _insert_rows(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """New rows (`_new_values`) in bulk, without building an object per row; their ids in
    order. Rows with their id go first: an id the database picks is then past them."""
    given = [row for row in rows if row["id"] is not None]
    if given:
        session.exec(insert(Assessment), params=given)
    picked: list[int] = []
    if len(given) < len(rows):
        statement = insert(Assessment).returning(col(Assessment.id), sort_by_parameter_order=True)
        params = [{k: v for k, v in row.items() if k != "id"} for row in rows if row["id"] is None]
        picked = list(session.exec(statement, params=params).scalars())
    ids = iter(picked)
    return [row["id"] if row["id"] is not None else next(ids) for row in rows]


# ------------------------------------------------------------------------ many at once

STORE_BATCH = 500


@dataclass(frozen=True)
class AssessmentItem:
    """One assessment for `store_many`: whose, of which claim, and what it says.

    `fields` names the input fields the item sets; a stored assessment keeps its other
    fields (a BRAT file brings the attribution, not the grades a reviewer gave since). None:
    every field, as a save. A `restored` item is a bundle's row, always added as it was."""

    claim_id: int
    reviewer_id: int
    data: AssessmentInput
    final: bool = False
    fields: frozenset[str] | None = None
    restored: Restored | None = None


def store_many(
    session: Session,
    items: Iterable[AssessmentItem],
    *,
    links: SourceLinks | None = None,
    actor: ActorLike | None = None,
) -> int:
    """Store many assessments, each exactly as `save_assessment` would store it (columns,
    sourcing score, chain hops, version: the same code), a few statements per batch of
    `STORE_BATCH`: the importers' way in (BRAT corpora, project bundles). An item updates
    its reviewer's stored assessment of the claim (for a final one, the claim's final
    assessment, whoever settled it) or adds one.

    Bulk loads write other reviewers' work: in team mode the actor must be an admin (checked
    once here); there is no per-row rating rule and no history entry, as for any import.
    Rows are let go after each batch, so memory stays bounded; pass one `links` across calls
    to look each registry record up once per import. Returns the number of items stored."""
    access.require_admin(session, access.resolve(actor), doing="load assessments in bulk")
    links = links or SourceLinks(session)
    stored = 0
    batch: list[AssessmentItem] = []
    keys: set[tuple[int, int | None, bool]] = set()
    for item in items:
        key = _key(item.claim_id, item.reviewer_id, item.final)
        if len(batch) >= STORE_BATCH or key in keys:  # a repeat updates what its batch wrote
            stored += _store_batch(session, batch, links)
            batch, keys = [], set()
        batch.append(item)
        keys.add(key)
    return stored + _store_batch(session, batch, links)


def _key(claim_id: int, reviewer_id: int, final: bool) -> tuple[int, int | None, bool]:
    """Which stored row an assessment is: a claim has one final one, whoever settled it."""
    return (claim_id, None if final else reviewer_id, final)


def _store_batch(session: Session, batch: list[AssessmentItem], links: SourceLinks) -> int:
    """One batch: stored rows and their chains read in two queries, updated in one flush,
    new rows inserted in one statement, then every chain's hops in one more."""
    if not batch:
        return 0
    now = utcnow()
    rows = _stored_rows(session, [item for item in batch if item.restored is None])
    stored_chains = chains_for(session, [row_id(row) for row in rows.values()])
    chains: list[_Chain] = []
    new: list[tuple[dict[str, Any], AssessmentItem]] = []
    for item in batch:
        row = None if item.restored else rows.get(_key(item.claim_id, item.reviewer_id, item.final))
        if row is None:
            values = _new_values(
                item.claim_id, item.reviewer_id, item.final, item.data, now, item.restored
            )
            new.append((values, item))
            continue
        stored_chain = stored_chains.get(row_id(row), [])
        data = item.data
        if item.fields is not None:
            update = {name: getattr(data, name) for name in item.fields}
            data = input_from_row(row, stored_chain).model_copy(update=update)
        _update_row(row, item.reviewer_id, data, now)
        chains.append(_Chain(row_id(row), data.chain, stored_chain))
    session.flush()
    ids = _insert_rows(session, [values for values, _ in new])
    for assessment_id, (_, item) in zip(ids, new, strict=True):
        sources = item.restored.hop_sources if item.restored is not None else None
        chains.append(_Chain(assessment_id, item.data.chain, None, sources))
    _write_chains(session, chains, links)
    for row in rows.values():
        session.expunge(row)
    return len(batch)


def _stored_rows(
    session: Session, items: list[AssessmentItem]
) -> dict[tuple[int, int | None, bool], Assessment]:
    """The stored rows the items update, in one query, locked as `_locked_row` locks one."""
    if not items:
        return {}
    mine = col(Assessment.is_final) == false()
    reviewers = sorted({i.reviewer_id for i in items if not i.final})
    mine = mine & col(Assessment.reviewer_id).in_(reviewers)
    wanted = or_(mine, col(Assessment.is_final) == true()) if any(i.final for i in items) else mine
    query = (
        select(Assessment)
        .where(col(Assessment.claim_id).in_(sorted({i.claim_id for i in items})), wanted)
        .order_by(col(Assessment.id))
        .with_for_update()
    )
    rows: dict[tuple[int, int | None, bool], Assessment] = {}
    for row in session.exec(query):
        rows.setdefault(_key(row.claim_id, row.reviewer_id, row.is_final), row)
    return rows


def input_from_row(assessment: Assessment, chain: list[ChainHop]) -> AssessmentInput:
    """A stored assessment as the input that would save it again: what forms load, what the
    history keeps, what a conflict shows as "theirs"."""
    a = assessment
    return AssessmentInput(
        attribution_type=a.attribution_type,
        speaker=a.speaker,
        cue=a.cue,
        chain=chain,
        source_reliability=a.source_reliability,
        information_credibility=a.information_credibility,
        translated=a.translated,
        primary_source_url=a.primary_source_url,
        corroborated=a.corroborated,
        corroborated_by=a.corroborated_by,
        notes=a.notes,
        spans=a.spans,
        suggestion_outcome=a.suggestion_outcome,
    )


def chains_for(session: Session, assessment_ids: Iterable[int]) -> dict[int, list[ChainHop]]:
    """Chains of many assessments in one query."""
    ids = list(assessment_ids)
    chains: dict[int, list[ChainHop]] = defaultdict(list)
    if not ids:
        return chains
    rows = session.exec(
        select(ChainHopRow)
        .where(col(ChainHopRow.assessment_id).in_(ids))
        .order_by(col(ChainHopRow.assessment_id), col(ChainHopRow.position))
    )
    for row in rows:
        chains[row.assessment_id].append(
            ChainHop(
                name=row.name,
                kind=SourceKind(row.kind),
                relation=Relation(row.relation) if row.relation else None,
            )
        )
    return chains


@dataclass
class AssessmentView:
    """An assessment with its chain, as screens and commands show it."""

    assessment: Assessment
    chain: list[ChainHop]
    reviewer: str


def get_assessment(
    session: Session,
    claim_id: int,
    reviewer: Reviewer,
    *,
    final: bool = False,
    actor: ActorLike | None = None,
) -> AssessmentView | None:
    """`reviewer`'s assessment of the claim; in team mode an annotator asking for someone
    else's before the article is released is refused."""
    if access.team_mode(session):
        claim = get_claim(session, claim_id)
        access.check_can_see(
            session,
            access.resolve(actor),
            claim.article_id,
            row_id(reviewer),
            final=final,
        )
    assessment = session.exec(
        select(Assessment).where(
            Assessment.claim_id == claim_id,
            Assessment.reviewer_id == reviewer.id,
            Assessment.is_final == final,
        )
    ).first()
    if assessment is None:
        return None
    assessment_id = row_id(assessment)
    return AssessmentView(
        assessment, chains_for(session, [assessment_id]).get(assessment_id, []), reviewer.name
    )


def assessments_for_article(
    session: Session,
    article_id: int,
    reviewer_ids: list[int] | None = None,
    *,
    actor: ActorLike | None = None,
) -> list[AssessmentView]:
    """All assessments of an article's claims (optionally only some reviewers'), chains included,
    in three queries whatever the number of claims. In team mode an annotator gets only their
    own until the article is released (blind rating), never a refusal, so a page can show it."""
    if access.team_mode(session):
        who = access.load(session, access.resolve(actor))
        if not access.sees_everything(session, who, article_id):
            who_id = row_id(who)
            wanted = [who_id] if reviewer_ids is None else reviewer_ids
            reviewer_ids = [i for i in wanted if i == who_id]
    query = (
        select(Assessment, Reviewer.name)
        .join(Reviewer, col(Reviewer.id) == Assessment.reviewer_id)
        # Driven by the article's claims (not a join SQLite may start from the reviewer's
        # thousands of assessments when it has no statistics).
        .where(col(Assessment.claim_id).in_(select(Claim.id).where(Claim.article_id == article_id)))
    )
    if reviewer_ids is not None:
        query = query.where(col(Assessment.reviewer_id).in_(reviewer_ids))
    rows = session.exec(query).all()
    chains = chains_for(session, [row_id(a) for a, _ in rows])
    return [AssessmentView(a, chains.get(row_id(a), []), name) for a, name in rows]
