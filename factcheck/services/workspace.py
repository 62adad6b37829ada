"""The annotate screen's logic, kept out of the page: one article's claims with this
reviewer's assessments, suggestions mapped to claims, and what became of each suggestion."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import false, func, true
from sqlmodel import Session, col, select

from factcheck.domain.render import HighlightedClaim, article_html
from factcheck.errors import NotFoundError
from factcheck.ids import row_id
from factcheck.services.articles import get_article
from factcheck.services.assessments import AssessmentView, chains_for, input_from_row
from factcheck.store.models import Article, Assessment, Claim, Reviewer, Source, SourceAlias
from schemas.records import AssessmentInput
from schemas.spans import SuggestedAttribution
from schemas.vocab import Relation, SuggestionOutcome, grade


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """The columns of a claim the Annotate page shows: plain values, not ORM objects, so a
    rerun over an article of hundreds of claims does not build and track hundreds of them."""

    id: int
    position: int
    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class Mark:
    """The reviewer's assessment of a claim as the highlights need it: its id (to open the
    whole assessment in the form), its grades and what became of the suggestion."""

    assessment_id: int
    source_reliability: str | None
    information_credibility: int | None
    version: int = 1

    @property
    def grade(self) -> str:
        return grade(self.source_reliability, self.information_credibility)


@dataclass
class Workspace:
    """Everything the Annotate page shows for one article and reviewer, in three queries.

    `mine` holds the reviewer's grades per claim without the assessments' other fields or
    chains: only the open claim's form needs those (`assessment_view`)."""

    article: Article
    claims: list[ClaimRow]
    mine: dict[int, Mark]
    _html: dict[tuple[frozenset[int], int | None], str] = field(default_factory=dict, repr=False)

    @property
    def rated_ids(self) -> set[int]:
        return set(self.mine)

    def claim(self, claim_id: int | None) -> ClaimRow | None:
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

    def article_html(self, suggested: set[int], selected_id: int | None) -> str:
        """The highlighted article, rendered once per (suggested claims, selected claim) for
        as long as this workspace is current."""
        key = (frozenset(suggested), selected_id)
        if key not in self._html:
            if len(self._html) > 8:
                self._html.clear()
            self._html[key] = article_html(
                self.article.text, self.highlights(suggested), selected_id
            )
        return self._html[key]

    def highlights(self, suggested: set[int] | None = None) -> list[HighlightedClaim]:
        marks = []
        for claim in self.claims:
            mark = self.mine.get(claim.id)
            if mark is None:
                state = "suggested" if suggested and claim.id in suggested else "unrated"
                label = f"claim {claim.position}: not rated"
            else:
                state = mark.source_reliability or "rated"
                label = f"claim {claim.position}: {mark.grade}"
            marks.append(HighlightedClaim(claim.id, claim.start, claim.end, state, label))
        return marks


def load_workspace(session: Session, article_id: int, reviewer: Reviewer | None) -> Workspace:
    article = get_article(session, article_id)
    rows = session.exec(
        select(Claim.id, Claim.position, Claim.start, Claim.end, Claim.text, Claim.kind)  # type: ignore[call-overload]  # sqlmodel's select() overloads stop at 4 columns
        .where(Claim.article_id == article_id, Claim.dropped == false())
        .order_by(col(Claim.start), col(Claim.id))
    ).all()
    claims = [ClaimRow(*row) for row in rows]
    mine: dict[int, Mark] = {}
    if reviewer is not None and claims:
        marks = session.exec(
            select(  # type: ignore[call-overload]  # sqlmodel's select() overloads stop at 4 columns
                Assessment.claim_id,
                Assessment.id,
                Assessment.source_reliability,
                Assessment.information_credibility,
                Assessment.version,
            )
            # "claim_id IN (this article's claims)" rather than a join: without statistics,
            # SQLite would walk all of the reviewer's assessments instead of the article's
            # few hundred claims (35 ms instead of 1 ms at 500,000 assessments).
            .where(
                col(Assessment.claim_id).in_(
                    select(Claim.id).where(Claim.article_id == article_id)
                ),
                Assessment.reviewer_id == reviewer.id,
                Assessment.is_final == False,  # noqa: E712
            )
        ).all()
        mine = {claim_id: Mark(*rest) for claim_id, *rest in marks}
    return Workspace(article, claims, mine)


def article_revision(session: Session, article_id: int) -> int:
    """The article's revision, bumped by the database whenever its claims or assessments change
    (whoever changes them: this server, the CLI, another server on the same database)."""
    # A Core statement on the session's connection: asked on every rerun, so it skips the ORM.
    table = Article.__table__  # type: ignore[attr-defined]  # SQLModel does not declare the table=True classes' __table__
    revision = (
        session.connection()
        .execute(select(table.c.revision).where(table.c.id == article_id))
        .scalar()
    )
    if revision is None:
        raise NotFoundError(f"article {article_id} does not exist")
    return revision


def current_workspace(
    session: Session, article_id: int, reviewer: Reviewer | None, cache: MutableMapping[str, Any]
) -> Workspace:
    """The workspace from `cache` (a browser session's) while the article's revision is
    unchanged; reloaded otherwise. A rerun that changed nothing costs one small query instead
    of reloading the article's claims and grades."""
    # Read the revision first: a change landing between the two reads makes the cached copy
    # look older than it is (reloaded next time), never newer.
    key = (article_id, reviewer.id if reviewer else None, article_revision(session, article_id))
    if cache.get("key") != key:
        cache["workspace"] = load_workspace(session, article_id, reviewer)
        cache["key"] = key
    return cache["workspace"]


def assessment_view(session: Session, assessment_id: int, reviewer_name: str) -> AssessmentView:
    """One assessment with its chain, for the form of the open claim."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise NotFoundError(f"assessment {assessment_id} does not exist")
    chain = chains_for(session, [assessment_id]).get(assessment_id, [])
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
    return input_from_row(view.assessment, view.chain)


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
    from factcheck.services.sources import source_directory

    return source_directory(session)


def suggest_for_claims(
    session: Session,
    article: Article,
    claims: Sequence[Claim | ClaimRow],
    *,
    directory: Any = None,
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
    return {row_id(claim): suggestion for claim, suggestion in zip(claims, chosen, strict=True)}


def registry_names(session: Session) -> list[str]:
    """Every registered source name and alias, for the chain field's completion."""
    names = set(session.exec(select(Source.name)).all())
    names |= set(session.exec(select(SourceAlias.alias)).all())
    return sorted(names, key=str.casefold)
