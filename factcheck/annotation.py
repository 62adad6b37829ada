"""The annotate screen's logic, kept out of the page: one article's claims with this
reviewer's assessments, suggestions mapped to claims, and what became of each suggestion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, true
from sqlmodel import Session, col, select

from factcheck.articles import get_article
from factcheck.assessments import AssessmentView, chains_for
from factcheck.claims import list_claims
from factcheck.models import Article, Assessment, Claim, Reviewer, Source
from factcheck.render import HighlightedClaim
from schemas.records import AssessmentInput
from schemas.spans import SuggestedAttribution
from schemas.vocab import Relation, SuggestionOutcome


@dataclass
class Workspace:
    """Everything the Annotate page shows for one article and reviewer, in three queries.

    `mine` holds the reviewer's assessments without their chains: only the open claim's form
    needs a chain (`assessment_view`), so a rerun does not load every chain of the article."""

    article: Article
    claims: list[Claim]
    mine: dict[int, Assessment]

    @property
    def rated_ids(self) -> set[int]:
        return set(self.mine)

    def claim(self, claim_id: int | None) -> Claim | None:
        return next((c for c in self.claims if c.id == claim_id), None)

    def index_of(self, claim_id: int | None) -> int:
        return next((i for i, c in enumerate(self.claims) if c.id == claim_id), 0)

    def neighbour(self, claim_id: int | None, step: int) -> int | None:
        if not self.claims:
            return None
        index = min(max(self.index_of(claim_id) + step, 0), len(self.claims) - 1)
        return self.claims[index].id

    def next_unrated(self, claim_id: int | None) -> int | None:
        """The first unrated claim after this one, wrapping round; None when all are rated."""
        if not self.claims:
            return None
        if claim_id is None:
            ordered = self.claims
        else:
            start = self.index_of(claim_id)
            ordered = self.claims[start + 1 :] + self.claims[: start + 1]
        return next((c.id for c in ordered if c.id not in self.mine), None)

    def highlights(self, suggested: set[int] | None = None) -> list[HighlightedClaim]:
        marks = []
        for claim in self.claims:
            assessment = self.mine.get(claim.id)  # type: ignore[arg-type]
            if assessment is None:
                state = "suggested" if suggested and claim.id in suggested else "unrated"
                label = f"claim {claim.position}: not rated"
            else:
                grade = assessment.source_reliability
                state = grade or "rated"
                label = f"claim {claim.position}: {grade or ''}{assessment.information_credibility or ''}"
            marks.append(HighlightedClaim(claim.id, claim.start, claim.end, state, label))  # type: ignore[arg-type]
        return marks


def load_workspace(session: Session, article_id: int, reviewer: Reviewer | None) -> Workspace:
    article = get_article(session, article_id)
    claims = list_claims(session, article_id)
    mine: dict[int, Assessment] = {}
    if reviewer is not None and claims:
        rows = session.exec(
            select(Assessment)
            .join(Claim, col(Claim.id) == Assessment.claim_id)
            .where(
                Claim.article_id == article_id,
                Assessment.reviewer_id == reviewer.id,
                Assessment.is_final == False,  # noqa: E712
            )
        ).all()
        mine = {a.claim_id: a for a in rows}
    return Workspace(article, claims, mine)


def assessment_view(session: Session, assessment: Assessment, reviewer_name: str) -> AssessmentView:
    """One assessment with its chain, for the form of the open claim."""
    chain = chains_for(session, [assessment.id]).get(assessment.id, [])  # type: ignore[list-item]
    return AssessmentView(assessment, chain, reviewer_name)


def dropped_claims(session: Session, article_id: int) -> list[Claim]:
    """The article's dropped claims (usually none), for the restore menu."""
    return list(
        session.exec(
            select(Claim)
            .where(Claim.article_id == article_id, Claim.dropped == true())
            .order_by(col(Claim.start), col(Claim.id))
        ).all()
    )


def registry_choices(session: Session) -> list[tuple[str, str]]:
    """(name, kind) of every registered source by name, for the chain editor's menu: two
    columns, without the per-source hop counts the Sources page shows."""
    rows = session.exec(select(Source.name, Source.kind).order_by(col(Source.name_key)))
    return [(name, kind) for name, kind in rows]


def draft_from_suggestion(suggestion: SuggestedAttribution) -> AssessmentInput:
    return AssessmentInput(
        attribution_type=suggestion.attribution_type,
        speaker=suggestion.speaker or (suggestion.source.text if suggestion.source else None),
        cue=suggestion.cue.text if suggestion.cue else None,
        chain=suggestion.chain,
        translated=any(h.relation == Relation.translated_by for h in suggestion.chain),
        spans=[_spans_record(suggestion)],
    )


def _spans_record(suggestion: SuggestedAttribution) -> dict[str, list[dict[str, object]]]:
    content = suggestion.content if isinstance(suggestion.content, list) else [suggestion.content]
    return {
        "source": [suggestion.source.model_dump()] if suggestion.source else [],
        "cue": [suggestion.cue.model_dump()] if suggestion.cue else [],
        "content": [span.model_dump() for span in content],
    }


def draft_from_assessment(view: AssessmentView) -> AssessmentInput:
    a = view.assessment
    return AssessmentInput(
        attribution_type=a.attribution_type,
        speaker=a.speaker,
        cue=a.cue,
        chain=view.chain,
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


def _attribution_part(data: AssessmentInput) -> tuple[object, ...]:
    return (
        data.attribution_type,
        (data.speaker or "").strip().casefold(),
        (data.cue or "").strip().casefold(),
        tuple((h.name.strip().casefold(), h.kind, h.relation) for h in data.chain),
    )


def judge_suggestion(
    suggested: AssessmentInput | None, submitted: AssessmentInput, *, rejected: bool = False
) -> SuggestionOutcome | None:
    """Accepted unchanged, edited, or rejected: what the reviewer did with the suggestion."""
    if rejected:
        return SuggestionOutcome.rejected
    if suggested is None:
        return None
    if _attribution_part(suggested) == _attribution_part(submitted):
        return SuggestionOutcome.accepted
    return SuggestionOutcome.edited


@dataclass(frozen=True)
class SuggestionStats:
    accepted: int
    edited: int
    rejected: int

    @property
    def total(self) -> int:
        return self.accepted + self.edited + self.rejected

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.total if self.total else None


def suggestion_stats(session: Session, reviewer_id: int) -> SuggestionStats:
    """How this reviewer has treated suggestions so far, counted in the database."""
    counts = dict(
        session.exec(
            select(Assessment.suggestion_outcome, func.count())
            .where(
                Assessment.reviewer_id == reviewer_id,
                col(Assessment.suggestion_outcome).is_not(None),
            )
            .group_by(Assessment.suggestion_outcome)
        ).all()
    )
    return SuggestionStats(
        accepted=counts.get(SuggestionOutcome.accepted.value, 0),
        edited=counts.get(SuggestionOutcome.edited.value, 0),
        rejected=counts.get(SuggestionOutcome.rejected.value, 0),
    )


def suggestion_directory(session: Session) -> Any:
    """The sources registry as the suggester's lookup; build it once for a batch of articles."""
    from factcheck.sources import source_directory

    return source_directory(session)


def suggest_for_claims(
    session: Session, article: Article, claims: Sequence[Claim], *, directory: Any = None
) -> dict[int, SuggestedAttribution]:
    """One suggestion per claim, from one pass of the suggester over the whole article (so
    speakers named earlier resolve pronouns later). Callers suggesting for many articles pass
    one `directory` (from `suggestion_directory`) instead of reloading the registry each time."""
    from factcheck.suggest import suggest_for_claims as suggest_spans

    if directory is None:
        directory = suggestion_directory(session)
    chosen = suggest_spans(
        article.text, [(c.start, c.end) for c in claims], article.outlet, directory
    )
    return {claim.id: suggestion for claim, suggestion in zip(claims, chosen, strict=True)}  # type: ignore[misc]
