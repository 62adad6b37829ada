"""Chains: the hops a statement travelled through, from its speaker to the publisher.

Hops come from the sentence ("told Finnish media", "Reuters reported", "in an interview with
CNN", "according to state media translation"), from framing that carries over to the
paragraphs after it ("… featured in The Guardian as follows:"), from a wire dateline
("PARIS (AFP) –"), from an outer attribution ("Stubb said Trump … suggested …") and, last,
from the publisher of the article. See docs/domain.md, "Chains".
"""

from __future__ import annotations

import re

from factcheck.domain.names import name_key
from factcheck.domain.source_names import (
    SourceDirectory,
    load_starter_sources,
    starter_directory,
)
from factcheck.domain.text import lines
from factcheck.suggest.candidates import Candidate
from factcheck.suggest.speakers import media_hop
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind

_PRIORS: dict[str, str] | None = None


def prior_grades(directory: SourceDirectory) -> dict[str, str]:
    """Prior reliability grades by name key: the directory's own where it carries them (a
    `priors` mapping), else the starter list's (`data/starter_sources.csv`), aliases included."""
    own = getattr(directory, "priors", None)
    if isinstance(own, dict) and own:
        return own
    global _PRIORS
    if _PRIORS is None:
        _PRIORS = {}
        for source in load_starter_sources():
            if source.prior_reliability:
                for name in (source.name, *source.aliases):
                    _PRIORS[name_key(name)] = source.prior_reliability
    return _PRIORS


def dateline_hop(text: str, directory: SourceDirectory) -> ChainHop | None:
    """The wire agency of the article's dateline ("HONG KONG (AFP) –"), if it has one."""
    return _dateline(text, list(lines(text)), directory)


def hops_from_phrase(phrase: str, relation: Relation) -> list[ChainHop]:
    """The hop an outlet phrase names ("state media translation": state media, translated
    by), looked up in the starter directory."""
    translated = bool(re.search(r"\btranslat", phrase, re.I))
    hop = media_hop(re.sub(r"\s*\btranslat\w*.*$", "", phrase), starter_directory())
    if hop is None:
        return []
    return [
        ChainHop(
            name=hop[0],
            kind=hop[1],
            relation=Relation.translated_by if translated else relation,
        )
    ]


# "One such example is featured in The Guardian as follows:"
_FRAMING = re.compile(
    r"(?:featured|published|reported|appeared|reads|put\s+it|explained|wrote|writes|reports)\s+"
    r"(?:in|by|on)?\s*(?P<outlet>[^:]+?)\s*(?:as\s+follows|like\s+this|this\s+way)?\s*:\s*$",
    re.I,
)


# "PARIS (AFP) –": a wire agency's story republished.
_DATELINE = re.compile(
    r"[A-Z][A-Za-z .,'-]{0,60}\((?P<wire>[A-Za-z .-]{2,40})\)\s*[-–—]|\((?P<wire2>[A-Za-z .-]{2,40})\)\s*[-–—]"
)


_MEDIA_KINDS = frozenset(
    {
        SourceKind.aggregator,
        SourceKind.newspaper,
        SourceKind.broadcaster,
        SourceKind.wire_agency,
        SourceKind.state_media,
        SourceKind.national_media,
    }
)


def publisher_hop(
    text: str, publisher: str | None, directory: SourceDirectory
) -> tuple[str, SourceKind] | None:
    """The last hop of every chain: the given publisher, or the outlet the page furniture at
    the end of the text names."""
    if publisher:
        known = directory.resolve(publisher)
        return known if known is not None else (publisher, SourceKind.unknown)
    # The page furniture at the end ("ZeroHedge News", "Read More") names the outlet.
    tail = text[max(0, len(text) - 160) :]
    # Furniture is often glued together: "09:20ZeroHedge NewsRead More".
    tail = re.sub(r"(?<=[0-9a-z])(?=[A-Z])", " ", tail)
    found = [m for m in directory.find_in_text(tail) if m.kind in _MEDIA_KINDS]
    if found:
        return found[-1].name, found[-1].kind
    return None


def build_chains(
    text: str,
    attrs: list[Candidate],
    paragraphs: list[tuple[int, int]],
    publisher: tuple[str, SourceKind] | None,
    directory: SourceDirectory,
) -> list[list[ChainHop]]:
    """Each attribution's chain, in the order of `attrs` (whose speakers are assigned)."""
    framing, block_of = _framing(text, attrs, paragraphs, directory)
    dateline = _dateline(text, paragraphs, directory)
    for attr in attrs:
        attr.block = block_of.get(attr.paragraph, -1)
        _add_local_hops(text, attr, directory)
    _share_hops(attrs)
    _nest(attrs)
    return [_chain(text, attr, framing.get(attr.paragraph), dateline, publisher) for attr in attrs]


def _framing(
    text: str,
    attrs: list[Candidate],
    paragraphs: list[tuple[int, int]],
    directory: SourceDirectory,
) -> tuple[dict[int, ChainHop], dict[int, int]]:
    """Framing ("… featured in The Guardian as follows:") carries over to the paragraphs
    after it, as long as they go on attributing to named people: the outlet's hop for each
    such paragraph, and the framing paragraph each one follows."""
    by_para: dict[int, list[Candidate]] = {}
    for attr in attrs:
        by_para.setdefault(attr.paragraph, []).append(attr)
    framing: dict[int, ChainHop] = {}
    block_of: dict[int, int] = {}
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        m = _FRAMING.search(text, p_start, p_end)
        if not m or text[p_end - 1] != ":":
            continue
        media = media_hop(m.group("outlet"), directory)
        if media is None:
            continue
        for q in range(p_index + 1, len(paragraphs)):
            named = [
                a
                for a in by_para.get(q, [])
                if a.kind not in (AttributionType.vague, AttributionType.anonymous)
                and a.source is not None
            ]
            if not named:
                break
            framing[q] = ChainHop(name=media[0], kind=media[1], relation=Relation.reported_by)
            block_of[q] = p_index
    return framing, block_of


def _dateline(
    text: str, paragraphs: list[tuple[int, int]], directory: SourceDirectory
) -> ChainHop | None:
    """The wire agency of a dateline in the first paragraphs ("PARIS (AFP) –"), if any."""
    for p_start, p_end in paragraphs[:4]:
        m = _DATELINE.match(text, p_start, p_end)
        if m:
            wire = media_hop(m.group("wire") or m.group("wire2"), directory)
            if wire is not None:
                return ChainHop(name=wire[0], kind=wire[1], relation=Relation.reported_by)
    return None


def _add_local_hops(text: str, attr: Candidate, directory: SourceDirectory) -> None:
    """Hops its own sentence names: "told Finnish media", "in an interview with CNN",
    "Reuters reported"."""
    s_start, s_end = attr.sentence
    sent = text[s_start:s_end]
    for m in re.finditer(r"\b(?:told|telling|tells)\s+(?P<who>[^,.;“”\"]{2,40})", sent):
        media = media_hop(m.group("who"), directory)
        if media is not None and attr.cue and s_start + m.start() == attr.cue[0]:
            attr.hops.insert(0, ChainHop(name=media[0], kind=media[1], relation=Relation.told_to))
    for m in re.finditer(r"\binterview\s+with\s+(?P<who>[^,.;“”\"]{2,40})", sent):
        media = media_hop(m.group("who"), directory)
        if media is not None:
            attr.hops.insert(0, ChainHop(name=media[0], kind=media[1], relation=Relation.told_to))
    for m in re.finditer(
        r",\s*(?P<who>[A-Z][^,.;“”\"]{1,40}?)\s+(?:reported|reports|said)\s*[.]?\s*$"
        r"|\b(?:reported|reports)\s+(?P<who2>[A-Z][^,.;“”\"]{1,40}?)\s*[.]?\s*$",
        sent,
    ):
        who = m.group("who") or m.group("who2")
        media = media_hop(who, directory)
        if media is not None and attr.speaker != media[0]:
            attr.hops.append(ChainHop(name=media[0], kind=media[1], relation=Relation.reported_by))


_HOP_ORDER = {Relation.told_to: 0, Relation.translated_by: 1, Relation.reported_by: 2}


def _share_hops(attrs: list[Candidate]) -> None:
    """Hops a speaker's words went through apply to that speaker's other words in the
    block; a translation only to the other direct quotes."""
    shared: dict[tuple[str, int], list[ChainHop]] = {}
    translated: dict[tuple[str, int], list[ChainHop]] = {}
    for attr in attrs:
        if not attr.speaker:
            continue
        key = (attr.speaker, attr.block)
        for hop in attr.hops:
            bucket = translated if hop.relation == Relation.translated_by else shared
            bucket_names = [h.name for h in bucket.get(key, [])]
            if hop.name not in bucket_names:
                bucket.setdefault(key, []).append(hop)
    for attr in attrs:
        if not attr.speaker:
            continue
        key = (attr.speaker, attr.block)
        names = {h.name for h in attr.hops}
        for hop in shared.get(key, []):
            if hop.name not in names:
                attr.hops.append(hop)
                names.add(hop.name)
        if attr.kind == AttributionType.direct_quote:
            for hop in translated.get(key, []):
                if hop.name not in names:
                    attr.hops.append(hop)
                    names.add(hop.name)
        attr.hops.sort(key=lambda h: _HOP_ORDER.get(h.relation or Relation.reported_by, 3))


def _nest(attrs: list[Candidate]) -> None:
    """Set `outer` to the innermost attribution whose content holds the source and all of
    an attribution: "Stubb said president Donald Trump … suggested …": Trump's words via
    Stubb."""
    for attr in attrs:
        for other in attrs:
            if other is attr or other.source is None or attr.source is None:
                continue
            if other.learned and not attr.learned:
                continue  # the rules' own hops ("Reuters reported") already cover it
            inside = any(a <= attr.source[0] and attr.extent[1] <= b + 1 for a, b in other.content)
            if inside and (
                attr.outer is None
                or other.content[0][1] - other.content[0][0]
                < attr.outer.content[0][1] - attr.outer.content[0][0]
            ):
                attr.outer = other


def _chain(
    text: str,
    attr: Candidate,
    frame: ChainHop | None,
    dateline: ChainHop | None,
    publisher: tuple[str, SourceKind] | None,
) -> list[ChainHop]:
    """The speaker, the outer speaker, the hops, the framing outlet or wire, the publisher."""
    chain: list[ChainHop] = []
    if attr.speaker:
        origin_name = attr.speaker
    elif attr.cue is not None and text[attr.cue[0] : attr.cue[1]].lower() == "reportedly":
        origin_name = "unnamed reports"
    else:
        origin_name = "unnamed source"
    origin_kind = attr.speaker_kind if attr.speaker else SourceKind.unknown
    chain.append(ChainHop(name=origin_name, kind=origin_kind))
    relation_in = _relation_for(attr)
    outer = attr.outer
    if outer is not None and outer.speaker and outer.speaker != origin_name:
        chain.append(ChainHop(name=outer.speaker, kind=outer.speaker_kind, relation=relation_in))
        relation_in = _relation_for(outer)
        hops = outer.hops
    else:
        hops = attr.hops
    for hop in hops:
        if hop.name not in {h.name for h in chain}:
            chain.append(hop)
    republished = False
    if frame is not None and frame.name not in {h.name for h in chain}:
        chain.append(frame)
        republished = True
    if dateline is not None and dateline.name not in {h.name for h in chain}:
        chain.append(dateline)
        republished = True
    if attr.headline:
        relation_in = Relation.headline_paraphrase
    elif republished:
        relation_in = Relation.republished_by
    elif attr.kind == AttributionType.vague and attr.source is None:
        relation_in = Relation.reported_by
    if publisher is not None and not (
        chain[-1].name == publisher[0] or (len(chain) == 1 and origin_name == publisher[0])
    ):
        chain.append(ChainHop(name=publisher[0], kind=publisher[1], relation=relation_in))
    return _fix_relations(chain)


def _relation_for(attr: Candidate) -> Relation:
    if attr.kind in (AttributionType.direct_quote, AttributionType.mixed):
        return Relation.quoted_by
    return Relation.paraphrased_by


def _fix_relations(chain: list[ChainHop]) -> list[ChainHop]:
    """The origin has no relation; every later hop has one."""
    fixed = [chain[0].model_copy(update={"relation": None})]
    for hop in chain[1:]:
        fixed.append(
            hop if hop.relation else hop.model_copy(update={"relation": Relation.reported_by})
        )
    return fixed
