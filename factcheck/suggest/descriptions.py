"""Speakers named by a description or inside an appositive, after `speakers` has named them.

Issue 15's "descriptions instead of names": in "Helena Brandt, head of gas research at Nordic
Energy Analytics" the speaker is the person, not the firm; in "New Zealand coach Gary
Whitlow" the coach, not the country; "the defence ministry" and "aid workers" are their own
descriptions; "the agency" after "the National Environment Agency" is that agency and "the
influential US daily" after "The Washington Post" is the Post; an anonymous source keeps its
description ("a NATO official who spoke on condition of anonymity": "a NATO official"). A
pronoun then speaks for the last person named before it.

Kept apart from `speakers` (the per-article name resolution of issue 14) so the two can be
merged when that resolver knows descriptions itself.
"""

from __future__ import annotations

import re

from factcheck.domain.source_names import SourceDirectory
from factcheck.suggest.candidates import Candidate
from factcheck.suggest.lexicon import ANONYMOUS, NAME_TITLES, ORG_WORDS, PRONOUNS, RELATIVES
from schemas.vocab import AttributionType, SourceKind

# A run of capitalised words that never runs over a sentence's full stop ("Tuesday. Police").
_CAPS = re.compile(
    r"(?:[A-Z][\w’'-]*(?:\.[A-Z])*\w|[A-Z]\.)(?:\s+(?:[A-Z][\w’'-]*(?:\.[A-Z])*\w|[A-Z]\.|"
    r"(?:von|van|de|der|al|bin|da|di|le|la)\b))*"
)
_MEDIA_KINDS = frozenset(
    {
        SourceKind.wire_agency,
        SourceKind.newspaper,
        SourceKind.broadcaster,
        SourceKind.state_media,
        SourceKind.national_media,
        SourceKind.aggregator,
    }
)
# Head nouns of a description that points back at an outlet named before.
_PRESS_HEADS = {
    "daily": SourceKind.newspaper,
    "newspaper": SourceKind.newspaper,
    "paper": SourceKind.newspaper,
    "broadcaster": SourceKind.broadcaster,
    "network": SourceKind.broadcaster,
    "agency": SourceKind.wire_agency,
}
_DETERMINER = re.compile(r"^(?:A|An|Some|Two|Three|Several|One|Another|Many)\b")
_TRAILING_CLAUSE = re.compile(
    r"(?:,?\s+(?:who|which|that)\b.*|,\s*(?:speaking|citing|requesting|asking)\b.*|,\s*$)", re.S
)


def _person(words: list[str]) -> list[str]:
    """The name in a capitalised run without its titles ("Prof Dan Whitlock": Dan Whitlock)."""
    while words and (
        words[0].lower().rstrip(".") in NAME_TITLES
        or words[0].lower() in ("the", "a", "an")
        or words[0].endswith(("’s", "'s"))
    ):
        words = words[1:]
    while words and words[-1].lower().rstrip(".") in NAME_TITLES:
        words = words[:-1]
    # "Russian President Vladimir Putin": a nationality before a title and a name.
    if len(words) > 2 and _NATIONALITY.fullmatch(words[0]):
        words = words[1:]
        while words and words[0].lower().rstrip(".") in NAME_TITLES:
            words = words[1:]
    return words


_NATIONALITY = re.compile(r"[A-Z]\w*(?:ian|ese|ish|ic|an|i)")


def _is_person(words: list[str], directory: SourceDirectory) -> bool:
    return (
        1 <= len(words) <= 4
        and not any(w.lower() in ORG_WORDS for w in words)
        and directory.resolve(" ".join(words)) is None
        and not any(w.isupper() and len(w) > 1 for w in words)  # "DMRC", "NATO"
        and not words[-1].endswith(("’s", "'s"))  # "Northshore Fibre's chief executive"
    )


# A capitalised run that goes on as a longer name: "National Institutes of Health",
# "Midstream and Downstream Petroleum Regulatory Authority".
_AFFILIATION = re.compile(r"\b(?:at|of|for|from|with|in)\s+(?:the\s+)?$", re.IGNORECASE)
_NAME_GOES_ON = re.compile(r"\s+(?:and|of|for|&)\s+(?:the\s+)?[A-Z]")


def _description(src: str) -> str:
    """A description as a name: its relative clause dropped, an indefinite determiner in lower
    case ("a NATO official")."""
    desc = _TRAILING_CLAUSE.sub("", src).strip(" ,;:")
    desc = re.sub(r"\s*\([^)]*\)$", "", desc)  # "the U.S. Environmental Protection Agency (EPA)"
    m = _DETERMINER.match(desc)
    if m:
        desc = m.group(0).lower() + desc[m.end() :]
    return desc


def refine_speakers(text: str, attrs: list[Candidate], directory: SourceDirectory) -> None:
    """Name each attribution's speaker from its source's structure (see the module's doc)."""
    full: dict[str, str] = {}  # a word of a person's name -> the full name
    orgs: list[tuple[int, str]] = []  # organisations named so far, by position
    last_person: str | None = None
    for attr in sorted(attrs, key=lambda a: (a.source or a.extent)[0]):
        if attr.source is None:
            continue
        s, e = attr.source
        src = text[s:e].strip()
        low = src.lower()
        if low in PRONOUNS or low in RELATIVES:
            if low in ("he", "she", "i") and last_person is not None:
                attr.speaker = last_person
            continue
        between = text[s : attr.cue[0]] if attr.cue and attr.cue[0] > s else src
        anonymous = ANONYMOUS.search(between) is not None
        parts = [p.strip() for p in src.split(",") if p.strip()]
        person: list[str] | None = None
        for part in parts:
            runs = [
                _person(m.group(0).split())
                for m in _CAPS.finditer(part)
                if (
                    not _NAME_GOES_ON.match(part, m.end())
                    or m.group(0).split()[0].lower().rstrip(".") in NAME_TITLES
                )
                # "an official at Samsung Electronics": where someone works, not who
                and not _AFFILIATION.search(part, 0, m.start())
            ]
            people = [r for r in runs if _is_person(r, directory)]
            # The run nearest the end of a part names the person ("New Zealand coach Gary
            # Whitlow"); a single word only if a full name has that word or the part is it.
            people = [r for r in people if len(r) > 1 or r[0] in full or part.strip(" .") == r[0]]
            if people:
                person = people[-1]
                break
        if (anonymous and person is None) or attr.kind in (
            AttributionType.anonymous,
            AttributionType.vague,
        ):
            if anonymous and person is None:
                attr.kind = AttributionType.anonymous
            attr.speaker = _description(parts[0] if parts else src)
            attr.speaker_kind = SourceKind.anonymous
            continue
        if attr.speaker_kind in _MEDIA_KINDS and directory.resolve(attr.speaker or "") is not None:
            orgs.append((s, attr.speaker or src))
            continue
        if person is not None:
            name = " ".join(person)
            name = full.get(name, name)
            known = attr.speaker or ""
            if known.split() and known.split()[-1] == name.split()[-1] and len(known) > len(name):
                name = known  # "Putin": the full name `speakers` found in the article
            attr.speaker = name
            if len(name.split()) >= 2:
                for word in name.split():
                    full.setdefault(word, name)
                last_person = name
            continue
        first = parts[0] if parts else src
        described = _description(first)
        head = described.split()[-1].lower() if described.split() else ""
        if (described[:1].islower() or described.startswith("The ")) and head:
            earlier = _named_before(text, s, head, orgs, directory)
            if earlier is not None:
                described = earlier
        else:
            orgs.append((s, described))
        attr.speaker = described


def _named_before(
    text: str, pos: int, head: str, orgs: list[tuple[int, str]], directory: SourceDirectory
) -> str | None:
    """The organisation or outlet a description's head noun points back to ("the agency":
    the National Environment Agency; "the influential US daily": The Washington Post)."""
    kind = _PRESS_HEADS.get(head)
    if kind is not None:
        outlets = [m for m in directory.find_in_text(text[:pos]) if m.kind == kind]
        if outlets:
            return outlets[-1].name
    for _, name in reversed(orgs):
        if name.split() and name.split()[-1].lower() == head:
            return name
    named = [
        m.group(0)
        for m in _CAPS.finditer(text, 0, pos)
        if len(m.group(0).split()) >= 2 and m.group(0).split()[-1].lower() == head
    ]
    return named[-1] if named else None
