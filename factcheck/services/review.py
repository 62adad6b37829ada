"""Comparing reviewers and settling disagreements: an article's claims × reviewers, which
fields differ, the majority as a starting point, releasing an article for adjudication and
recording the final assessment. Pages and commands only arrange what these return."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from factcheck.domain.agreement import Rating, agreement_report
from factcheck.domain.names import name_key
from factcheck.errors import InputError, PermissionDenied
from factcheck.ids import id_col
from factcheck.services import access
from factcheck.services.access import ActorLike
from factcheck.services.agreement_data import ratings_from_db
from factcheck.services.articles import get_article
from factcheck.services.assessments import AssessmentView, assessments_for_article, save_assessment
from factcheck.services.claims import get_claim, list_claims
from factcheck.store.models import Article, Assessment, Claim, Reviewer, utcnow
from schemas.records import AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import CHAIN_SEPARATOR, Role

COMPARED_FIELDS: tuple[str, ...] = (
    "attribution_type",
    "speaker",
    "cue",
    "chain",
    "source_reliability",
    "information_credibility",
    "translated",
)


# ---------------------------------------------------------------- release


def release_article(
    session: Session, article_id: int, *, actor: ActorLike | None = None
) -> Article:
    """Open an article for adjudication: every reviewer may now see the others' assessments,
    and annotators' ratings are frozen. Releasing twice keeps the first moment."""
    access.require_role(session, access.resolve(actor), Role.adjudicator, doing="release articles")
    article = get_article(session, article_id)
    if article.released_at is None:
        article.released_at = utcnow()
        session.add(article)
        session.flush()
    return article


def withdraw_release(
    session: Session, article_id: int, *, actor: ActorLike | None = None
) -> Article:
    """Close an article again (released by mistake); blind rating resumes."""
    access.require_role(session, access.resolve(actor), Role.adjudicator, doing="withdraw releases")
    article = get_article(session, article_id)
    article.released_at = None
    session.add(article)
    session.flush()
    return article


# ---------------------------------------------------------------- comparing


def _same_name(value: str | None) -> str | None:
    """A speaker or hop name by the one name key of people and outlets (None when empty)."""
    return (name_key(value) or None) if value else None


def _same_wording(value: str | None) -> str | None:
    """Free text (the cue) without case or extra spaces; None when empty. Not the name key:
    a cue is words, not a name, and "the" or "'s" in it are part of what was written."""
    return (" ".join(value.split()).casefold() or None) if value else None


def chain_text(chain: Sequence[ChainHop]) -> str:
    return CHAIN_SEPARATOR.join(hop.name for hop in chain)


def field_value(view: AssessmentView, name: str) -> Hashable:
    """The comparable value of a field: the speaker and the chain's hops by the name key
    (as the registry and agreement compare them), the cue without case or extra spaces;
    None means "not rated", which is not a disagreement."""
    a = view.assessment
    if name == "chain":
        return tuple(_same_name(h.name) for h in view.chain) or None
    value = getattr(a, name)
    if name == "speaker":
        return _same_name(value)
    if name == "cue":
        return _same_wording(value)
    return value


def disagreements(views: Sequence[AssessmentView]) -> list[str]:
    """The compared fields on which the (non-final) assessments of one claim differ."""
    fields = []
    for name in COMPARED_FIELDS:
        values = {field_value(v, name) for v in views} - {None}
        if len(values) > 1:
            fields.append(name)
    return fields


@dataclass
class ReviewSheet:
    """One article for the Review page: claims × reviewers, the finals and what differs."""

    article: Article
    claims: list[Claim]
    reviewers: list[str]
    cells: dict[int, dict[str, AssessmentView]]
    finals: dict[int, AssessmentView]
    differs: dict[int, list[str]] = field(default_factory=dict)
    can_adjudicate: bool = False
    final_allowed: bool = False
    team_mode: bool = False

    @property
    def released(self) -> bool:
        return self.article.released_at is not None

    def views(self, claim_id: int) -> list[AssessmentView]:
        return list(self.cells.get(claim_id, {}).values())

    @property
    def disputed(self) -> list[int]:
        return [claim_id for claim_id, fields in self.differs.items() if fields]


def review_sheet(
    session: Session, article_id: int, *, actor: ActorLike | None = None
) -> ReviewSheet:
    """Every reviewer's assessments of an article side by side. In team mode an annotator is
    refused until the article is released: the comparison is exactly what blind rating hides."""
    article = get_article(session, article_id)
    who = access.resolve(actor)
    can_adjudicate = True
    if access.team_mode(session):
        row = access.load(session, who)
        can_adjudicate = access.is_adjudicator(row)
        if not access.sees_everything(session, row, article_id):
            raise PermissionDenied(
                f"{row.name} ({row.role}) cannot compare reviewers on article {article_id} "
                "before it is released for adjudication"
            )
    views = assessments_for_article(session, article_id, actor=who)
    claims = list_claims(session, article_id)
    active = {c.id for c in claims}
    # Claims dropped after being rated keep their ratings; show them so nothing hides.
    rated_dropped = {v.assessment.claim_id for v in views} - active
    if rated_dropped:
        claims += [
            c
            for c in list_claims(session, article_id, include_dropped=True)
            if c.id in rated_dropped
        ]
    cells: dict[int, dict[str, AssessmentView]] = {}
    finals: dict[int, AssessmentView] = {}
    for view in views:
        if view.assessment.is_final:
            finals[view.assessment.claim_id] = view
        else:
            cells.setdefault(view.assessment.claim_id, {})[view.reviewer] = view
    reviewers = sorted({name for by in cells.values() for name in by})
    differs = {claim_id: disagreements(list(by.values())) for claim_id, by in cells.items()}
    # Team mode settles only released articles; local mode leaves it to the reviewer.
    team = access.team_mode(session)
    final_allowed = can_adjudicate and (article.released_at is not None or not team)
    return ReviewSheet(
        article, claims, reviewers, cells, finals, differs, can_adjudicate, final_allowed, team
    )


# Fields the adjudicator's starting point takes from the reviewers (notes are the
# adjudicator's own; spans follow the claim's text and are not compared).
STARTED_FIELDS: tuple[str, ...] = (
    *COMPARED_FIELDS,
    "primary_source_url",
    "corroborated",
    "corroborated_by",
)


@dataclass(frozen=True)
class FieldStart:
    """One field of the adjudicator's form: whether it starts filled in, why, and what each
    reviewer who rated it wrote (to take with one click)."""

    name: str
    prefilled: bool
    reason: str
    options: list[tuple[str, Any]]  # (reviewer, value as they wrote it), by reviewer name


@dataclass(frozen=True)
class AdjudicationStart:
    """What the adjudicator's form starts from, and where each field came from."""

    draft: AssessmentInput
    fields: dict[str, FieldStart]
    origin: str

    @property
    def prefilled(self) -> list[str]:
        return [name for name, f in self.fields.items() if f.prefilled]

    @property
    def contested(self) -> dict[str, FieldStart]:
        return {name: f for name, f in self.fields.items() if not f.prefilled and f.options}


def _raw(view: AssessmentView, name: str) -> Any:
    return list(view.chain) if name == "chain" else getattr(view.assessment, name)


def _field_start(views: Sequence[AssessmentView], name: str) -> tuple[FieldStart, Any]:
    """A field is prefilled only when a strict majority of the reviewers who rated it agree
    (compared as `field_value` compares them): with two who differ nobody wins, and the
    adjudicator picks. The value is as the first winner by name wrote it."""
    rated = [v for v in views if field_value(v, name) is not None]
    options = [(v.reviewer, _raw(v, name)) for v in rated]
    if not rated:
        return FieldStart(name, False, "nobody rated it", []), None
    counts = Counter(field_value(v, name) for v in rated)
    winner, count = counts.most_common(1)[0]
    if count * 2 <= len(rated):
        values = ", ".join(f"{v.reviewer} {_shown(_raw(v, name))}" for v in rated)
        return FieldStart(name, False, f"no majority: {values}", options), None
    value = next(_raw(v, name) for v in rated if field_value(v, name) == winner)
    if len(rated) == 1:
        reason = f"only {rated[0].reviewer} rated it"
    elif count == len(rated):
        reason = "both reviewers agree" if count == 2 else f"all {count} reviewers agree"
    else:
        reason = f"{count} of {len(rated)} reviewers"
    return FieldStart(name, True, reason, options), value


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return chain_text(value) or "—"
    return "—" if value is None else str(getattr(value, "value", value))


def adjudication_start(views: Sequence[AssessmentView]) -> AdjudicationStart:
    """The adjudicator's starting point from the reviewers' (non-final) assessments."""
    ordered = sorted(views, key=lambda v: v.reviewer)
    fields: dict[str, FieldStart] = {}
    values: dict[str, Any] = {}
    for name in STARTED_FIELDS:
        fields[name], value = _field_start(ordered, name)
        if fields[name].prefilled:
            values[name] = value
    return AdjudicationStart(AssessmentInput(**values), fields, "the reviewers' ratings")


def majority_draft(views: Sequence[AssessmentView]) -> AssessmentInput:
    """The adjudicator's starting point as an assessment (see `adjudication_start`)."""
    return adjudication_start(views).draft


def take(draft: AssessmentInput, name: str, value: Any) -> AssessmentInput:
    """The draft with one field set to a reviewer's value (the "take A / take B" buttons)."""
    return draft.model_copy(update={name: value})


# ---------------------------------------------------------------- adjudicating


def starting_point(sheet: ReviewSheet, claim_id: int) -> AdjudicationStart:
    """What the adjudicator's form starts from: the final assessment when there is one, else
    the reviewers' ratings field by field; with where it came from, to tell the adjudicator."""
    begun = adjudication_start(sheet.views(claim_id))
    final = sheet.finals.get(claim_id)
    if final is not None:
        from factcheck.services.workspace import draft_from_assessment

        return AdjudicationStart(
            draft_from_assessment(final), begun.fields, "the final assessment recorded"
        )
    return begun


def edited_draft(
    session: Session, base: AssessmentInput, chain: str, **fields: Any
) -> AssessmentInput:
    """The adjudicator's form as an assessment: the chain typed as "A > B > C" keeps the
    starting chain's kinds and relations when unchanged, else takes kinds from the registry."""
    from factcheck.domain.chains import build_chain, split_chain_text
    from factcheck.services.sources import find_source, parse_kind

    names = split_chain_text(chain)
    if names == [hop.name for hop in base.chain]:
        hops = list(base.chain)
    else:

        def lookup(name: str) -> Any:
            source = find_source(session, name)
            return parse_kind(source.kind) if source else None

        attribution = fields.get("attribution_type") or None
        hops = build_chain(names, attribution_type=attribution, lookup_kind=lookup)
    values = {**base.model_dump(exclude={"chain", "spans", "suggestion_outcome"}), **fields}
    return AssessmentInput.model_validate({**values, "chain": hops})


def record_final(
    session: Session,
    claim_id: int,
    adjudicator: Reviewer,
    data: AssessmentInput,
    *,
    expected_version: int | None = None,
    actor: ActorLike | None = None,
) -> Assessment:
    """Record the settled assessment of a claim: a final row whose reviewer is the
    adjudicator. Reviewers' own assessments stay as they were, for agreement figures."""
    claim = get_claim(session, claim_id)
    if claim.dropped:
        raise InputError(f"claim {claim_id} is dropped; restore it before adjudicating")
    return save_assessment(
        session,
        claim_id,
        adjudicator,
        data,
        final=True,
        expected_version=expected_version,
        actor=actor,
    )


# ---------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueItem:
    """A claim waiting for adjudication: reviewers differ and no final is recorded."""

    article_id: int
    claim_id: int
    position: int
    fields: tuple[str, ...]


def adjudication_queue(session: Session, *, actor: ActorLike | None = None) -> list[QueueItem]:
    """Every claim the actor may settle on which reviewers differ (on a grade, the attribution
    type, the speaker, the cue or the chain's identities) and that has no final yet, in
    article and claim order. Team mode: released articles, for adjudicators (annotators
    settle nothing: an empty queue); local mode: every article."""
    team = access.team_mode(session)
    if team and not access.is_adjudicator(access.load(session, access.resolve(actor))):
        return []
    settled = select(Assessment.claim_id).where(col(Assessment.is_final) == True)  # noqa: E712
    candidates = (
        select(Claim.article_id, id_col(Claim.id))
        .join(Assessment, col(Assessment.claim_id) == Claim.id)
        .where(
            col(Assessment.is_final) == False,  # noqa: E712
            col(Claim.dropped) == False,  # noqa: E712
            col(Claim.id).not_in(settled),
        )
        .group_by(col(Claim.article_id), col(Claim.id))
        .having(func.count(func.distinct(Assessment.reviewer_id)) >= 2)
    )
    if team:
        candidates = candidates.where(col(Claim.article_id).in_(released_article_ids(session)))
    by_article: dict[int, set[int]] = {}
    for article_id, claim_id in session.exec(candidates).all():
        by_article.setdefault(article_id, set()).add(claim_id)
    queue: list[QueueItem] = []
    for article_id in sorted(by_article):
        views: dict[int, list[AssessmentView]] = {}
        for view in assessments_for_article(session, article_id, actor=actor):
            if not view.assessment.is_final and view.assessment.claim_id in by_article[article_id]:
                views.setdefault(view.assessment.claim_id, []).append(view)
        positions = {c.id: c.position for c in list_claims(session, article_id) if c.id in views}
        for claim_id in sorted(views, key=lambda i: positions.get(i, 0)):
            differ = disagreements(views[claim_id])
            if differ:
                queue.append(
                    QueueItem(article_id, claim_id, positions.get(claim_id, 0), tuple(differ))
                )
    return queue


def queue_counts(queue: Sequence[QueueItem], article_id: int) -> tuple[int, int]:
    """Disagreements left in this article, and in the whole queue."""
    return sum(1 for item in queue if item.article_id == article_id), len(queue)


def queue_step(queue: Sequence[QueueItem], where: tuple[int, int], step: int) -> QueueItem | None:
    """The next (step +1) or previous (-1) disagreement from (article id, claim position),
    which need not be in the queue itself; wraps round at the ends."""
    if not queue:
        return None
    keys = [(item.article_id, item.position) for item in queue]
    if step > 0:
        after = [i for i, key in enumerate(keys) if key > where]
        return queue[after[0]] if after else queue[0]
    before = [i for i, key in enumerate(keys) if key < where]
    return queue[before[-1]] if before else queue[-1]


# ---------------------------------------------------------------- agreement


def article_agreement(
    session: Session, article_id: int, *, actor: ActorLike | None = None
) -> dict[str, Any]:
    """Agreement figures of one article (agreement_report's shape); blind until release."""
    if access.team_mode(session) and not access.sees_everything(
        session, access.resolve(actor), article_id
    ):
        raise PermissionDenied(f"agreement on article {article_id} is shown once it is released")
    return agreement_report(ratings_from_db(session, article_ids=[article_id]))


def visible_ratings(
    session: Session, article_ids: list[int] | None = None, *, actor: ActorLike | None = None
) -> Sequence[Rating]:
    """The ratings agreement figures may use: all of them for adjudicators (and in local mode);
    for an annotator only released articles', so figures over a small unreleased article
    cannot be decoded into a colleague's grades."""
    if access.team_mode(session):
        row = access.load(session, access.resolve(actor))
        if not access.is_adjudicator(row):
            released = released_article_ids(session)
            if article_ids:
                hidden = sorted(set(article_ids) - set(released))
                if hidden:
                    raise PermissionDenied(
                        f"{row.name} ({row.role}) cannot see agreement on article "
                        f"{hidden[0]} before it is released for adjudication"
                    )
            else:
                article_ids = released
            if not article_ids:
                return []
    return ratings_from_db(session, article_ids=article_ids)


def project_agreement(session: Session, *, actor: ActorLike | None = None) -> dict[str, Any]:
    """Agreement over the whole project (for an annotator: over the released articles)."""
    return agreement_report(visible_ratings(session, actor=actor))


def released_article_ids(session: Session) -> list[int]:
    query = select(Article.id).where(col(Article.released_at).is_not(None))
    return [i for i in session.exec(query).all() if i is not None]


@dataclass(frozen=True)
class ReviewArticle:
    """An article as the Review page lists it."""

    id: int
    title: str
    released: bool
    reviewers: int | None  # None: hidden from this annotator until the article is released
    finals: int


def review_articles(session: Session, limit: int = 500) -> list[ReviewArticle]:
    """Articles newest first, with how many reviewers rated them and how many finals exist.
    An annotator in team mode gets no count for unreleased articles: how many colleagues
    rated an article is already part of what blind rating hides."""
    blind = access.blind_reviewer_id(session)
    articles = session.exec(
        select(id_col(Article.id), Article.title, Article.released_at)
        .order_by(col(Article.id).desc())
        .limit(limit)
    ).all()
    ids = [row[0] for row in articles]
    if not ids:
        return []
    counts = session.exec(
        select(
            Claim.article_id,
            Assessment.is_final,
            func.count(func.distinct(Assessment.reviewer_id)),
            func.count(),
        )
        .join(Assessment, col(Assessment.claim_id) == Claim.id)
        .where(col(Claim.article_id).in_(ids))
        .group_by(col(Claim.article_id), col(Assessment.is_final))
    ).all()
    reviewers: dict[int, int] = {}
    finals: dict[int, int] = {}
    for article_id, is_final, distinct_reviewers, rows in counts:
        if is_final:
            finals[article_id] = rows
        else:
            reviewers[article_id] = distinct_reviewers
    return [
        ReviewArticle(
            id=i,
            title=title,
            released=released is not None,
            reviewers=None if blind is not None and released is None else reviewers.get(i, 0),
            finals=finals.get(i, 0),
        )
        for i, title, released in articles
    ]
