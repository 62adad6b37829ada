"""Who speaks: each attribution's speaker resolved to a name and a kind of source.

Full names are collected from the whole article first, so a later "Stubb" or "he" resolves
to "Alexander Stubb" named before; titles ("President", "analyst") give the kind; outlets
are recognised by the sources directory (`factcheck.domain.source_names`, compared by the
one name key) or by their words ("Finnish media", "state media").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factcheck.domain.source_names import SourceDirectory
from factcheck.suggest.candidates import Candidate
from factcheck.suggest.lexicon import (
    CLAUSE_STOP,
    DETERMINERS,
    LEADING_NOISE,
    MEDIA_WORDS,
    NAME_TITLES,
    PRONOUNS,
    RELATIVES,
    TITLE_KINDS,
)
from schemas.vocab import AttributionType, SourceKind

# A run of capitalised words, with name particles: a name with whatever title precedes it.
_NAME_SEQ = re.compile(
    r"(?:[A-Z][\w’'.-]*[\w.]|[A-Z])(?:\s+(?:[A-Z][\w’'.-]*\w|[A-Z]\.|von|van|de|der|al|bin))*"
)


def _clean_name(words: list[str]) -> list[str]:
    """Drop titles, nationalities and possessive place names: "Russian President Vladimir Putin"."""
    while words and (
        words[0].lower() in NAME_TITLES
        or words[0].lower() in LEADING_NOISE
        or words[0].lower() in CLAUSE_STOP
        or words[0].lower() in DETERMINERS
        or words[0].endswith(("’s", "'s"))
        or (
            re.fullmatch(r"[A-Z]\w*(?:ian|ese|ish|ic|an|i)", words[0]) is not None
            and len(words) > 2
        )
    ):
        words = words[1:]
    while words and words[-1].lower() in NAME_TITLES:
        words = words[:-1]
    return words


@dataclass
class _People:
    """Full names in an article and the title words seen before them."""

    full: dict[str, str] = field(default_factory=dict)  # surname/first name -> full name
    kinds: dict[str, SourceKind] = field(default_factory=dict)  # full name -> kind

    @classmethod
    def collect(cls, text: str, directory: SourceDirectory) -> _People:
        people = cls()
        for m in _NAME_SEQ.finditer(text):
            words = m.group(0).split()
            cleaned = _clean_name(words)
            if len(cleaned) < 2 or len(cleaned) > 4:
                continue
            name = " ".join(cleaned)
            if directory.resolve(name) is not None or not all(
                w[0].isupper() or w in ("von", "van", "de", "der", "al", "bin") for w in cleaned
            ):
                continue
            if any(w.lower() in CLAUSE_STOP or w.lower() == "the" for w in cleaned):
                continue
            people.full.setdefault(cleaned[-1], name)
            people.full.setdefault(name, name)
            context = text[max(0, m.start() - 40) : m.start() + len(m.group(0)) - len(name)]
            kind = _title_kind(context[-40:].split(".")[-1] if "." in context else context)
            if kind is not None and name not in people.kinds:
                people.kinds[name] = kind
        return people

    def resolve(self, words: list[str]) -> str:
        name = " ".join(words)
        if name in self.full:
            return self.full[name]
        if words and words[-1] in self.full:
            return self.full[words[-1]]
        return name


def _title_kind(context: str) -> SourceKind | None:
    """The kind of source the first title found in `context` makes, if any."""
    for pattern, kind in TITLE_KINDS:
        if pattern.search(context):
            return kind
    return None


def media_hop(phrase: str, directory: SourceDirectory) -> tuple[str, SourceKind] | None:
    """An outlet from the directory, or "Finnish media" / "state media" by its words."""
    phrase = phrase.strip(" ,.")
    found = directory.find_in_text(phrase)
    if found:
        return found[0].name, found[0].kind
    known = directory.resolve(phrase)
    if known is not None:
        return known
    m = MEDIA_WORDS.match(phrase)
    if m:
        words = m.group(1)
        if words.lower().startswith("state"):
            return "state media", SourceKind.state_media
        return words, SourceKind.national_media
    return None


def assign_speakers(text: str, attrs: list[Candidate], directory: SourceDirectory) -> None:
    """Set each attribution's `speaker` and `speaker_kind`, headlines first, then in text
    order (a pronoun is the last person named with a full name before it)."""
    people = _People.collect(text, directory)
    last_person: str | None = None
    for attr in sorted(attrs, key=lambda a: (a.headline is False, a.extent[0])):
        if attr.source is None:
            attr.speaker = None
            attr.speaker_kind = SourceKind.unknown
            continue
        src = text[attr.source[0] : attr.source[1]].strip()
        low = src.lower()
        if attr.kind in (AttributionType.vague, AttributionType.anonymous):
            attr.speaker = low
            attr.speaker_kind = SourceKind.anonymous
            continue
        if low in PRONOUNS or low in RELATIVES:
            if low in ("who", "which", "that"):
                before = text[attr.sentence[0] : attr.source[0]]
                names = [m.group(0) for m in _NAME_SEQ.finditer(before)]
                cleaned = _clean_name(names[-1].split()) if names else []
                attr.speaker = people.resolve(cleaned) if cleaned else last_person
            elif low in ("he", "she", "i"):
                attr.speaker = last_person
            else:
                attr.speaker = None
            attr.speaker_kind = people.kinds.get(attr.speaker or "", SourceKind.unknown)
            continue
        outlet = directory.find_in_text(src)
        if outlet and outlet[0].end - outlet[0].start >= len(src) - 6:
            attr.speaker, attr.speaker_kind = outlet[0].name, outlet[0].kind
            continue
        names = [m.group(0) for m in _NAME_SEQ.finditer(src)]
        person = None
        for found in sorted(names, key=lambda n: -len(n.split())):
            cleaned = _clean_name(found.split())
            if cleaned and directory.resolve(" ".join(cleaned)) is None:
                person = people.resolve(cleaned)
                break
        if person is not None:
            attr.speaker = person
            kind = people.kinds.get(person) or _title_kind(src) or SourceKind.unknown
            attr.speaker_kind = kind
            if len(person.split()) >= 2:
                last_person = person
            continue
        attr.speaker = src
        attr.speaker_kind = (
            media[1]
            if (media := media_hop(src, directory))
            else (_title_kind(src) or SourceKind.unknown)
        )
