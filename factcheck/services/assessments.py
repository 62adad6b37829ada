"""Recording a reviewer's assessment of a claim: attribution, chain, grades. Rating again
updates that reviewer's row only; nobody else's assessment is touched. In team mode the checks
of `factcheck.services.access` run here, so every caller (CLI, UI, scripts) gets the same refusals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, delete, select

from factcheck.domain.scoring import sourcing_score
from factcheck.errors import EmptyFormError, StaleAssessmentError
from factcheck.ids import row_id
from factcheck.services import access, history
from factcheck.services.access import ActorLike
from factcheck.services.claims import get_claim
from factcheck.services.sources import resolve_or_create
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
        assessment = Assessment(
            claim_id=row_id(claim),
            reviewer_id=row_id(reviewer),
            is_final=final,
            created_at=now,
            version=0,
        )
    assessment.reviewer_id = row_id(reviewer)  # the final: who settled last
    score = sourcing_score(data.chain, data.attribution_type, data.primary_source_url)
    assessment.attribution_type = data.attribution_type.value if data.attribution_type else None
    assessment.speaker = data.speaker
    assessment.cue = data.cue
    assessment.source_reliability = data.source_reliability
    assessment.information_credibility = data.information_credibility
    assessment.translated = data.is_translated
    assessment.primary_source_url = data.primary_source_url
    assessment.corroborated = data.corroborated or bool(data.corroborated_by)
    assessment.corroborated_by = data.corroborated_by
    assessment.notes = data.notes
    assessment.spans = data.spans
    assessment.sourcing_score = score.score
    if data.suggestion_outcome is not None:
        assessment.suggestion_outcome = data.suggestion_outcome.value
    assessment.needs_review = False
    assessment.version = current_version + 1
    assessment.updated_at = now
    session.add(assessment)
    session.flush()
    session.exec(delete(ChainHopRow).where(col(ChainHopRow.assessment_id) == assessment.id))
    for position, hop in enumerate(data.chain):
        source = resolve_or_create(session, hop.name, hop.kind)
        session.add(
            ChainHopRow(
                assessment_id=row_id(assessment),
                position=position,
                name=hop.name,
                kind=hop.kind.value,
                relation=hop.relation.value if hop.relation and position else None,
                source_id=source.id,
            )
        )
    session.flush()
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
    if access.team_mode():
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
    if access.team_mode():
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
