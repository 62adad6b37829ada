"""From the attributions found to the suggestions a reviewer sees: every attribution of an
article (`suggest_attributions`), or the one best suggestion for each claim
(`suggest_for_claims`), each with its chain and sourcing score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from factcheck.domain.scoring import sourcing_score
from factcheck.domain.source_names import SourceDirectory, starter_directory
from factcheck.suggest import merge
from factcheck.suggest.chains import build_chains, dateline_hop, prior_grades, publisher_hop
from factcheck.suggest.descriptions import refine_speakers
from factcheck.suggest.lexicon import RELATIVES
from factcheck.suggest.speakers import assign_speakers
from schemas.spans import ChainHop, Span, SuggestedAttribution
from schemas.vocab import AttributionType, Relation, SourceKind


def _span(text: str, s: int, e: int) -> Span:
    return Span(start=s, end=e, text=text[s:e])


_CACHE: dict[tuple[object, ...], list[SuggestedAttribution]] = {}


def suggest_attributions(
    text: str,
    publisher: str | None = None,
    directory: SourceDirectory | None = None,
    *,
    include_unattributed: bool = False,
    learned: bool = True,
) -> list[SuggestedAttribution]:
    """Every attribution found in `text`, in text order, with its chain and sourcing score.

    `publisher` is the outlet of the article (last hop of every chain); when None it is
    guessed from the page furniture at the end of the text. With `include_unattributed`,
    each sentence that carries no attribution is added as an `unattributed` suggestion.
    With `learned` False only the rules run (no learned tagger).
    """
    directory = directory if directory is not None else starter_directory()
    key = (
        hash(text),
        text[:64],
        publisher,
        id(directory),
        directory.version,
        include_unattributed,
        learned,
    )
    cached = _CACHE.get(key)
    if cached is not None:
        return [_copied(s) for s in cached]
    found = merge.find(text, learned)
    attrs = found.attrs
    assign_speakers(text, attrs, directory)
    refine_speakers(text, attrs, directory)
    pub = publisher_hop(text, publisher, directory)
    chains = build_chains(text, attrs, found.paragraphs, pub, directory)
    priors = prior_grades(directory)
    wire = dateline_hop(text, directory)
    out: list[SuggestedAttribution] = []
    for attr, chain in zip(attrs, chains, strict=True):
        scored = sourcing_score(chain, attr.kind, priors=priors)
        content_spans = [_span(text, s, e) for s, e in attr.content]
        out.append(
            SuggestedAttribution(
                attribution_type=attr.kind,
                source=_span(text, *attr.source) if attr.source else None,
                cue=_span(text, *attr.cue) if attr.cue else None,
                content=content_spans[0] if len(content_spans) == 1 else content_spans,
                chain=chain,
                score=scored.score,
                speaker=attr.speaker,
                reasons=scored.reasons,
            )
        )
    if include_unattributed:
        covered = [a.extent for a in attrs]
        for sents in found.sentences:
            for s, e in sents:
                if not any(a < e and s < b for a, b in covered):
                    out.append(_unattributed(text, s, e, pub, wire, priors))
    out.sort(key=lambda s: _first(s).start)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = [_copied(s) for s in out]
    return out


def _copied(suggestion: SuggestedAttribution) -> SuggestedAttribution:
    """A copy the caller may change without changing the cache: what is mutable (the
    lists, the chain's hops) is copied, the spans (frozen) are shared. Same value as a deep
    copy, in a fraction of its time."""
    copy = suggestion.model_copy()
    fields = copy.__dict__  # set directly: the copy keeps the original's set fields
    if isinstance(suggestion.content, list):
        fields["content"] = list(suggestion.content)
    fields["chain"] = [hop.model_copy() for hop in suggestion.chain]
    fields["reasons"] = list(suggestion.reasons)
    return copy


def _first(suggestion: SuggestedAttribution) -> Span:
    parts = (suggestion.source, suggestion.cue, *_spans_of(suggestion))
    starts = [s for s in parts if s is not None]
    return min(starts, key=lambda s: s.start)


def _unattributed(
    text: str,
    start: int,
    end: int,
    publisher: tuple[str, SourceKind] | None,
    wire: ChainHop | None = None,
    priors: dict[str, str] | None = None,
) -> SuggestedAttribution:
    """The publisher's own claim; under a wire dateline ("HONG KONG (AFP) –") the agency's,
    republished by the publisher (issue 15: the agency is a hop of every claim whose source
    the text does not name)."""
    chain = [ChainHop(name=publisher[0], kind=publisher[1])] if publisher else []
    if wire is not None and not (chain and chain[0].name == wire.name):
        agency = ChainHop(name=wire.name, kind=wire.kind)
        chain = [agency] + [
            h.model_copy(update={"relation": Relation.republished_by}) for h in chain
        ]
    scored = sourcing_score(chain, AttributionType.unattributed, priors=priors)
    return SuggestedAttribution(
        attribution_type=AttributionType.unattributed,
        content=_span(text, start, end),
        chain=chain,
        score=scored.score,
        reasons=scored.reasons,
    )


def _spans_of(suggestion: SuggestedAttribution) -> list[Span]:
    content = suggestion.content
    return content if isinstance(content, list) else [content]


def suggest_for_claim(
    text: str,
    claim_start: int,
    claim_end: int,
    publisher: str | None = None,
    directory: SourceDirectory | None = None,
) -> SuggestedAttribution:
    """The single best suggestion for one claim span, to prefill the reviewer's form.

    The attribution whose content overlaps the claim the most wins (a nested attribution
    inside it wins when it covers the claim as well); with none, an `unattributed`
    suggestion whose chain is just the publisher.
    """
    return suggest_for_claims(text, [(claim_start, claim_end)], publisher, directory)[0]


def suggest_for_claims(
    text: str,
    claims: Sequence[tuple[int, int]],
    publisher: str | None = None,
    directory: SourceDirectory | None = None,
) -> list[SuggestedAttribution]:
    """`suggest_for_claim` for every (start, end) of an article, with one pass of each
    suggester over the whole text (speakers named early resolve pronouns later)."""
    directory = directory if directory is not None else starter_directory()
    # The rules know the chain patterns (quotes, "according to", framing); the learned tagger
    # only fills in claims the rules find nothing for (computed once, when first needed).
    passes: dict[bool, list[_Reach]] = {}
    hops: dict[str, tuple[str, SourceKind] | None] = {}
    wire: ChainHop | None = None
    chosen: list[SuggestedAttribution] = []
    for claim_start, claim_end in claims:
        start, end = max(0, claim_start), min(len(text), claim_end)
        best = None
        for learned in (False, True):
            if learned not in passes:
                passes[learned] = _reaches(
                    suggest_attributions(text, publisher, directory, learned=learned)
                )
            best = _best_for_claim(passes[learned], start, end)
            if best is not None:
                break
        if best is None:
            if "publisher" not in hops:
                hops["publisher"] = publisher_hop(text, publisher, directory)
                wire = dateline_hop(text, directory)
            best = _unattributed(text, start, end, hops["publisher"], wire, prior_grades(directory))
        chosen.append(best)
    return chosen


@dataclass(frozen=True)
class _Reach:
    """Where a suggestion lies, worked out once per article rather than once per claim."""

    suggestion: SuggestedAttribution
    parts: tuple[tuple[int, int], ...]  # source, cue and content spans
    first: int
    last: int
    relative_source: bool  # "which", "who", …: a relative clause, not an attribution


def _reaches(suggestions: list[SuggestedAttribution]) -> list[_Reach]:
    reaches = []
    for suggestion in suggestions:
        spans = [*_spans_of(suggestion), suggestion.source, suggestion.cue]
        parts = tuple((s.start, s.end) for s in spans if s is not None)
        src = (suggestion.source.text.lower() if suggestion.source else "").strip()
        reaches.append(
            _Reach(
                suggestion,
                parts,
                first=min(start for start, _ in parts),
                last=max(end for _, end in parts),
                relative_source=src in RELATIVES,
            )
        )
    return reaches


def _best_for_claim(
    reaches: list[_Reach], claim_start: int, claim_end: int
) -> SuggestedAttribution | None:
    """The suggestion that covers the claim most (innermost on ties), if any covers enough."""
    claim_len = max(1, claim_end - claim_start)
    best: SuggestedAttribution | None = None
    best_key: tuple[float, int] = (0.0, 0)
    for reach in reaches:
        if reach.last <= claim_start or reach.first >= claim_end:
            continue  # every part lies between first and last: no overlap possible
        overlap = sum(
            max(0, min(claim_end, end) - max(claim_start, start)) for start, end in reach.parts
        )
        if overlap <= 0:
            continue
        extent_overlap = max(0, min(claim_end, reach.last) - max(claim_start, reach.first))
        # A relative clause ("26 nations which have declared …") inside a claim does not
        # make the claim attributed.
        if reach.relative_source and overlap < 0.5 * claim_len:
            continue
        if overlap < 0.3 * claim_len and extent_overlap < 0.6 * claim_len:
            continue
        # Prefer more overlap, then the smaller (innermost) attribution.
        key = (round(extent_overlap / claim_len, 2), -(reach.last - reach.first))
        if best is None or key > best_key:
            best, best_key = reach.suggestion, key
    return best
