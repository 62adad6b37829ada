"""schema.org ClaimReview JSON-LD, one object per line (JSON Lines: streamable, and each line
is a complete JSON-LD document a feed or a page can embed as is).

One ClaimReview per rated assessment (an assessment with an information-credibility grade);
with the export filter's `final_only`, only the adjudicated ratings.

Mapping from the Admiralty grades (STANAG 2511)
-----------------------------------------------
Only information credibility (1–6) is a verdict on the claim; source reliability (A–F) is
about the source and goes into the explanation.

    credibility  ratingValue  alternateName
    1            5            Confirmed by other sources
    2            4            Probably true
    3            3            Possibly true
    4            2            Doubtful
    5            1            Improbable
    6            (none)       Truth cannot be judged

`bestRating` is always 5 and `worstRating` 1. Grade 6 is "cannot be judged", not a point
below 5 on the scale (docs/domain.md, "Admiralty grades"), so it carries no `ratingValue`: only the text verdict.
`ratingExplanation` reads e.g. "Admiralty grade B2: source usually reliable, information
probably true. Chain: Alexander Stubb > Reuters > The Guardian. Corroborated by: …"

Other fields:
- `claimReviewed`: the claim's text;
- `itemReviewed`: a `Claim` with `author` = the speaker (a `Person` when the chain's origin
  or the registry says it is a person — head of state, official, analyst, expert,
  anonymous — else an `Organization`), `appearance` = every known appearance of the
  statement (the trace's: the article itself and each other stored article with the same
  statement, exact, partial or reworded; `factcheck/services/trace.py`), oldest first, each a
  `CreativeWork` with `headline`, `url`, `publisher` and `datePublished` (only a publication
  date: a fetch or import time is not one); `firstAppearance` = the primary source URL when
  the reviewer recorded one (their finding of the first occurrence), else the earliest known
  appearance when the statement appeared in another stored article too; `datePublished` =
  the article's publication date;
- `author`: the organisation when one is given (`organization`, `--organization`), else the
  reviewer as a `Person`;
- `datePublished`: the day the rating was last saved (UTC);
- `url`: `<review_base_url>/claims/<claim id>#assessment-<id>` when a base URL is given
  (`--review-url`), else the URN `urn:factcheck:claim:<claim id>:assessment:<id>`.

Safe to embed
-------------
Each line is meant to be pasted into a page as `<script type="application/ld+json">…
</script>`. A claim, title or note holding `</script><script>…` would close that element and
run; so `<`, `>` and `&` (and U+2028/U+2029, line breaks to JavaScript and to `splitlines`)
are written as JSON `\\u` escapes, which every JSON reader turns back into the same text.
A link is emitted only when it is an `http(s)://host…` URL: an article URL or primary source
of another scheme (`javascript:`, `data:`, `file:`, scheme-relative `//…`) is left out of the
review rather than handed to a page as a link, and a base URL (`--review-url`) that is not
http(s) is refused. The generated `urn:factcheck:` identifier is the only other scheme.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from factcheck.domain.names import name_key
from factcheck.errors import InputError
from factcheck.ids import row_id
from factcheck.interchange.export import (
    BATCH_ROWS,
    ExportFilter,
    assessment_conditions,
    atomic_text_file,
    release_rows,
)
from factcheck.services.trace import KnownAppearance, known_appearances
from factcheck.store.models import Article, Assessment, ChainHopRow, Claim, Reviewer, Source
from schemas.vocab import CHAIN_SEPARATOR, CREDIBILITY_MEANINGS, RELIABILITY_MEANINGS

ExportProgress = Callable[[int], None]

BEST_RATING = 5
WORST_RATING = 1
CANNOT_BE_JUDGED = 6
PERSON_KINDS = frozenset({"head_of_state", "official", "analyst", "expert", "anonymous"})
WEB_SCHEMES = frozenset({"http", "https"})
# Characters that end a <script> element or start markup in HTML, and the two that JavaScript
# and str.splitlines() treat as line breaks: written as JSON escapes, read back unchanged.
EMBED_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
REQUIRED_FIELDS = (
    "@context",
    "@type",
    "claimReviewed",
    "reviewRating",
    "itemReviewed",
    "author",
    "datePublished",
    "url",
)


def rating_value(credibility: int | None) -> int | None:
    """Credibility 1 (confirmed) … 5 (improbable) → 5 … 1; 6 and no grade → None."""
    if credibility is None or not 1 <= credibility <= 5:
        return None
    return BEST_RATING + 1 - credibility


def verdict(credibility: int) -> str:
    return CREDIBILITY_MEANINGS[credibility][:1].upper() + CREDIBILITY_MEANINGS[credibility][1:]


def web_url(value: str | None) -> str | None:
    """`value` when it is an absolute http(s) URL with a host and nothing that is not a
    printable, non-space character (browsers drop tabs and newlines inside a scheme, so
    `java\\tscript:` would still run); else None."""
    if not value or not value.isprintable() or any(c.isspace() for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme.lower() in WEB_SCHEMES and parts.hostname else None


def _checked_base_url(given: str | None) -> str:
    """The base URL of the published reviews ('' for none); one that is not http(s) is
    refused, since every review's `url` would carry it into the page."""
    given = given or ""
    if given and web_url(given) is None:
        raise InputError(f"--review-url must be an http(s):// address, got {given!r}")
    return given.rstrip("/")


def embeddable_json(obj: Any) -> str:
    """`obj` as one line of JSON that can sit inside `<script type="application/ld+json">`:
    the escaped characters can only occur inside JSON strings, so the translation is exact."""
    return json.dumps(obj, ensure_ascii=False).translate(EMBED_ESCAPES)


def _date(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date().isoformat()


def export_claimreview(
    engine: Engine,
    path: Path,
    flt: ExportFilter | None = None,
    progress: ExportProgress | None = None,
    *,
    organization: str | None = None,
    review_base_url: str | None = None,
) -> int:
    """Write one ClaimReview per rated assessment to `path` (JSON Lines); returns the count.
    `organization` publishes the reviews (else each reviewer does), `review_base_url` is where
    they are published (see the module docstring)."""
    flt = flt or ExportFilter()
    base_url = _checked_base_url(review_base_url)  # refused before the file is opened
    count = 0
    with Session(engine) as session, atomic_text_file(Path(path)) as out:
        query = (
            select(Assessment, col(Claim.text), col(Reviewer.name), Article)
            .join(Claim, col(Claim.id) == Assessment.claim_id)
            .join(Article, col(Article.id) == Claim.article_id)
            .join(Reviewer, col(Reviewer.id) == Assessment.reviewer_id)
            .where(
                col(Assessment.information_credibility).is_not(None),
                *assessment_conditions(session, flt),
            )
            .order_by(
                col(Article.id), col(Claim.start), col(Reviewer.name), col(Assessment.is_final)
            )
        )
        result = session.execute(query.execution_options(yield_per=BATCH_ROWS))
        for batch in result.partitions():
            chains = _chains(session, [row[0] for row in batch])
            seen = known_appearances(session, [row[0].claim_id for row in batch])
            for assessment, claim_text, reviewer, article in batch:
                chain, kind = chains[assessment.id]
                review = claim_review(
                    assessment,
                    claim_text,
                    reviewer,
                    article,
                    kind,
                    chain,
                    organization=organization,
                    review_base_url=base_url,
                    appearances=seen.get(assessment.claim_id),
                )
                out.write(embeddable_json(review) + "\n")
                count += 1
            release_rows(session, batch)
            if progress is not None:
                progress(count)
    return count


def _chains(session: Session, assessments: list[Assessment]) -> dict[int, tuple[str, str | None]]:
    """(chain text, speaker kind) per assessment: the kind of the chain's origin, else of the
    registry entry named like the speaker."""
    ids = [row_id(a) for a in assessments]
    names: dict[int, list[str]] = {}
    kinds: dict[int, str | None] = {}
    for hop in session.execute(
        select(ChainHopRow)
        .where(col(ChainHopRow.assessment_id).in_(ids))
        .order_by(col(ChainHopRow.assessment_id), col(ChainHopRow.position))
    ).scalars():
        names.setdefault(hop.assessment_id, []).append(hop.name)
        kinds.setdefault(hop.assessment_id, hop.kind)
    wanted = {
        name_key(a.speaker): aid
        for aid, a in zip(ids, assessments, strict=True)
        if a.speaker and aid not in kinds
    }
    if wanted:
        for key, kind in session.execute(
            select(col(Source.name_key), col(Source.kind)).where(
                col(Source.name_key).in_(list(wanted))
            )
        ):
            kinds[wanted[key]] = kind
    return {aid: (CHAIN_SEPARATOR.join(names.get(aid, [])), kinds.get(aid)) for aid in ids}


def _explanation(a: Assessment, chain: str | None = None) -> str:
    parts = []
    grade = a.grade
    described = []
    if a.source_reliability:
        described.append(f"source {RELIABILITY_MEANINGS[a.source_reliability]}")
    if a.information_credibility:
        described.append(f"information {CREDIBILITY_MEANINGS[a.information_credibility]}")
    parts.append(f"Admiralty grade {grade}: {', '.join(described)}.")
    if chain:
        parts.append(f"Chain: {chain}.")
    if a.corroborated_by:
        parts.append(f"Corroborated by: {a.corroborated_by}.")
    elif a.corroborated:
        parts.append("Corroborated by other sources.")
    if a.notes:
        parts.append(a.notes)
    return " ".join(parts)


def claim_review(
    a: Assessment,
    claim_text: str,
    reviewer: str,
    article: Article,
    speaker_kind: str | None = None,
    chain: str | None = None,
    *,
    organization: str | None = None,
    review_base_url: str | None = None,
    appearances: list[KnownAppearance] | None = None,
) -> dict[str, Any]:
    """The ClaimReview of one assessment (see the module docstring for the mapping).
    `appearances`: the statement's known appearances, oldest first (`known_appearances`);
    None: the article alone."""
    credibility = a.information_credibility or CANNOT_BE_JUDGED
    rating: dict[str, Any] = {
        "@type": "Rating",
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
        "alternateName": verdict(credibility),
        "ratingExplanation": _explanation(a, chain),
    }
    value = rating_value(credibility)
    if value is not None:
        rating["ratingValue"] = value
    known = appearances or [
        KnownAppearance(
            row_id(article),
            article.title,
            article.url,
            article.outlet,
            article.published_at or "",
            "published" if article.published_at else "imported",
            own=True,
        )
    ]
    item: dict[str, Any] = {"@type": "Claim", "appearance": [_creative_work(k) for k in known]}
    if a.speaker:
        person = speaker_kind in PERSON_KINDS or speaker_kind is None
        item["author"] = {"@type": "Person" if person else "Organization", "name": a.speaker}
    if web_url(a.primary_source_url):
        item["firstAppearance"] = {"@type": "CreativeWork", "url": a.primary_source_url}
    elif len(known) > 1:
        item["firstAppearance"] = _creative_work(known[0])
    if article.published_at:
        item["datePublished"] = article.published_at
    author = (
        {"@type": "Organization", "name": organization}
        if organization
        else {"@type": "Person", "name": reviewer}
    )
    base = _checked_base_url(review_base_url)
    url = (
        f"{base}/claims/{a.claim_id}#assessment-{a.id}"
        if base
        else f"urn:factcheck:claim:{a.claim_id}:assessment:{a.id}"
    )
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim_text,
        "reviewRating": rating,
        "itemReviewed": item,
        "author": author,
        "datePublished": _date(a.updated_at),
        "url": url,
    }


def _creative_work(known: KnownAppearance) -> dict[str, Any]:
    """One appearance as a schema.org `CreativeWork`: a link only when it is http(s), a date
    only when it is the publication date."""
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": known.title}
    if web_url(known.url):
        work["url"] = known.url
    if known.outlet:
        work["publisher"] = {"@type": "Organization", "name": known.outlet}
    if known.date_used == "published" and known.published_at:
        work["datePublished"] = known.published_at
    return work


def validate_claimreview(obj: Any) -> list[str]:
    """Problems of one ClaimReview object (empty when it is valid): required fields present,
    `claimReviewed` non-empty, a rating with explicit bounds and its value inside them."""
    if not isinstance(obj, dict):
        return ["a ClaimReview must be a JSON object"]
    problems = [f"missing {name}" for name in REQUIRED_FIELDS if obj.get(name) in (None, "")]
    if obj.get("@type") not in (None, "ClaimReview"):
        problems.append(f"@type must be ClaimReview, got {obj.get('@type')!r}")
    claim = obj.get("claimReviewed")
    if claim is not None and (not isinstance(claim, str) or not claim.strip()):
        problems.append("claimReviewed is empty")
    rating = obj.get("reviewRating")
    if isinstance(rating, dict):
        problems.extend(_rating_problems(rating))
    elif rating is not None:
        problems.append("reviewRating must be an object")
    item = obj.get("itemReviewed")
    if item is not None and (not isinstance(item, dict) or item.get("@type") != "Claim"):
        problems.append("itemReviewed must be a Claim")
    return problems


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rating_problems(rating: dict[str, Any]) -> list[str]:
    problems = []
    if not str(rating.get("alternateName") or "").strip():
        problems.append("reviewRating.alternateName (the verdict text) is missing")
    best, worst = rating.get("bestRating"), rating.get("worstRating")
    if not (_is_number(best) and _is_number(worst)):
        problems.append("reviewRating needs numeric bestRating and worstRating")
        return problems
    if worst >= best:
        problems.append(f"reviewRating.worstRating {worst} is not below bestRating {best}")
    value = rating.get("ratingValue")
    if value is None:
        return problems
    if not isinstance(value, int | float) or isinstance(value, bool):
        problems.append(f"reviewRating.ratingValue {value!r} is not a number")
    elif not worst <= value <= best:
        problems.append(f"reviewRating.ratingValue {value} is outside [{worst}, {best}]")
    return problems
