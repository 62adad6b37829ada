"""The Annotate page's form as one plain value: what a reviewer has typed for one claim.

Streamlit forgets a widget's value whenever a run does not draw it (a page switch, a closed
panel), so the form never lives only in widget keys: a `Draft` holds every field, widgets are
seeded from it and write back to it, and the drafts service keeps it in the database until it is
saved or discarded. Pure: no Session, no Streamlit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from factcheck.domain.names import name_key
from schemas.records import AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, Relation, SourceKind

# Widget key of each scalar field: one name per field, used by the page and its tests.
FIELD_KEYS = {
    "type": "f_type",
    "speaker": "f_speaker",
    "cue": "f_cue",
    "rel": "f_rel",
    "cred": "f_cred",
    "translated": "f_translated",
    "primary": "f_primary",
    "corr": "f_corr",
    "corr_by": "f_corr_by",
    "notes": "f_notes",
}
DETAIL_FIELDS = ("translated", "primary", "corr", "corr_by", "notes")
HOP_KEYS = ("hop_name_", "hop_kind_", "hop_rel_")

_TYPES = {t.value for t in AttributionType}
_KINDS = {k.value for k in SourceKind}
_RELATIONS = {r.value for r in Relation}


@dataclass
class Hop:
    """One row of the chain editor; `uid` keys its widgets, so moving a hop moves its values."""

    uid: int
    name: str = ""
    kind: str = "unknown"
    relation: str = ""


@dataclass
class FormValues:
    """Every field of the form as the widgets hold it: plain text, no validation (a half-typed
    URL is still a draft worth keeping); `to_input` validates when the reviewer saves."""

    type: str = ""
    speaker: str = ""
    cue: str = ""
    rel: str = ""
    cred: int = 0
    translated: bool = False
    primary: str = ""
    corr: bool = False
    corr_by: str = ""
    notes: str = ""
    hops: list[Hop] = field(default_factory=list)
    spans: list[dict[str, Any]] | None = None

    def content(self) -> dict[str, Any]:
        """What the reviewer would see: every field, hops without their widget uids."""
        values = {name: getattr(self, name) for name in FIELD_KEYS}
        values["hops"] = [(h.name, h.kind, h.relation) for h in self.hops]
        values["spans"] = self.spans
        return values

    def has_details(self) -> bool:
        return any(getattr(self, name) for name in DETAIL_FIELDS)

    def chain(self) -> list[ChainHop]:
        """The chain being edited; hops without a name are left out."""
        named = [h for h in self.hops if h.name.strip()]
        return [
            ChainHop(
                name=h.name.strip(),
                kind=h.kind or "unknown",
                relation=(h.relation or None) if index else None,
            )
            for index, h in enumerate(named)
        ]

    def to_input(self) -> AssessmentInput:
        """The assessment this form would save (raises ValidationError with what is wrong)."""
        return AssessmentInput(
            attribution_type=self.type or None,
            speaker=self.speaker,
            cue=self.cue,
            chain=self.chain(),
            source_reliability=self.rel or None,
            information_credibility=self.cred or None,
            translated=self.translated,
            primary_source_url=self.primary,
            corroborated=self.corr,
            corroborated_by=self.corr_by,
            notes=self.notes,
            spans=self.spans,
        )

    def to_json(self) -> dict[str, Any]:
        data = self.content()
        data["hops"] = [list(h) for h in data["hops"]]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], new_uid: Any) -> FormValues:
        """Values stored by `to_json`, each checked against its vocabulary (a draft written by
        an older release must still open), hops given fresh widget uids."""

        def text(name: str) -> str:
            value = data.get(name)
            return value if isinstance(value, str) else ""

        hops = []
        for row in data.get("hops") or []:
            if isinstance(row, list | tuple) and len(row) == 3:
                name, kind, relation = (str(v or "") for v in row)
                hops.append(
                    Hop(
                        new_uid(),
                        name,
                        kind if kind in _KINDS else "unknown",
                        relation if relation in _RELATIONS else "",
                    )
                )
        cred = data.get("cred")
        rel = text("rel")
        return cls(
            type=text("type") if text("type") in _TYPES else "",
            speaker=text("speaker"),
            cue=text("cue"),
            rel=rel if rel in "ABCDEF" and len(rel) == 1 else "",
            cred=cred if isinstance(cred, int) and 0 <= cred <= 6 else 0,
            translated=bool(data.get("translated")),
            primary=text("primary"),
            corr=bool(data.get("corr")),
            corr_by=text("corr_by"),
            notes=text("notes"),
            hops=hops,
            spans=data.get("spans") if isinstance(data.get("spans"), list) else None,
        )

    @classmethod
    def from_input(cls, data: AssessmentInput, new_uid: Any) -> FormValues:
        return cls(
            type=data.attribution_type.value if data.attribution_type else "",
            speaker=data.speaker or "",
            cue=data.cue or "",
            rel=data.source_reliability or "",
            cred=data.information_credibility or 0,
            translated=data.is_translated,
            primary=data.primary_source_url or "",
            corr=data.corroborated,
            corr_by=data.corroborated_by or "",
            notes=data.notes or "",
            hops=[
                Hop(new_uid(), h.name, h.kind.value, h.relation.value if h.relation else "")
                for h in data.chain
            ],
            spans=data.spans,
        )

    def copy(self) -> FormValues:
        return replace(self, hops=[replace(h) for h in self.hops])


@dataclass
class Draft:
    """One reviewer's form for one claim: the values, what they were loaded from (`baseline`,
    to tell unsaved edits), where they came from, and the assessment version they started from
    (0: none stored), which the save names so it cannot overwrite a newer row."""

    article_id: int
    claim_id: int
    reviewer_id: int
    origin: str  # "saved", "suggested" or "blank"
    base_version: int
    values: FormValues
    baseline: FormValues
    rejected: bool = False
    gen: int = 0  # bumped when code (not a widget) changes the values: widgets are re-seeded

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.article_id, self.claim_id, self.reviewer_id)

    @property
    def dirty(self) -> bool:
        return self.rejected or self.values.content() != self.baseline.content()

    def stored_form(self) -> dict[str, Any]:
        """What the drafts table keeps for this draft."""
        return {
            "origin": self.origin,
            "rejected": self.rejected,
            "values": self.values.to_json(),
            "baseline": self.baseline.to_json(),
        }

    @classmethod
    def from_stored(
        cls,
        key: tuple[int, int, int],
        base_version: int,
        data: dict[str, Any],
        new_uid: Any,
    ) -> Draft:
        origin = data.get("origin")
        return cls(
            *key,
            origin=origin if origin in ("saved", "suggested", "blank") else "blank",
            base_version=base_version,
            values=FormValues.from_json(data.get("values") or {}, new_uid),
            baseline=FormValues.from_json(data.get("baseline") or {}, new_uid),
            rejected=bool(data.get("rejected")),
        )


FIELD_LABELS = {
    "type": "Attribution type",
    "speaker": "Speaker",
    "cue": "Cue",
    "rel": "Source reliability",
    "cred": "Information credibility",
    "translated": "Translated",
    "primary": "Primary source URL",
    "corr": "Corroborated",
    "corr_by": "Corroborated by",
    "notes": "Notes",
    "hops": "Chain",
    "spans": "Marked spans",
}


def differences(mine: FormValues, theirs: FormValues) -> list[tuple[str, str, str]]:
    """(field label, mine, theirs) for every field that differs, as text for a side-by-side
    table."""
    rows = []
    a, b = mine.content(), theirs.content()
    for name in a:
        if a[name] != b[name]:
            rows.append((FIELD_LABELS[name], _show(a[name]), _show(b[name])))
    return rows


def _show(value: Any) -> str:
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        return " > ".join(f"{n} ({k})" for n, k, _ in value)
    if value in (None, "", 0, False, []):
        return "—"
    return str(value)


# ------------------------------------------------------------------ marking and chains as text
# What the Annotate page's article view and chain field do to a form: pure, so the rules are
# tested without a browser. `Resolver` looks a name or alias up in the sources registry and
# gives (canonical name, kind), or None for a name the registry does not know.
Resolver = Callable[[str], tuple[str, str] | None]
ROLES = ("source", "cue", "content")
# Cues that say the origin spoke to the next hop (“told Reuters”): its relation is told_to.
_TOLD_CUES = ("told", "said to", "interview", "speaking to", "spoke to")


def _is_attribution(entry: dict[str, Any]) -> bool:
    # the same rule as factcheck.interchange.brat.is_attribution (Discard/Discuss are not)
    return str(entry.get("label") or "Attribution").startswith("Attribution")


def mark_span(
    spans: list[dict[str, Any]] | None, role: str, start: int, end: int, text: str
) -> list[dict[str, Any]]:
    """`spans` with the first attribution's `role` (source, cue or content) set to the span
    (content may be several pieces: a new piece replaces the pieces it overlaps). A new list:
    the form's baseline keeps its own."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    entries = [dict(entry) for entry in spans or []]
    index = next((i for i, e in enumerate(entries) if _is_attribution(e)), None)
    if index is None:
        entries.insert(0, {"source": [], "cue": [], "content": []})
        index = 0
    entry = entries[index]
    span = {"start": start, "end": end, "text": text}
    if role == "content":
        kept = [s for s in entry.get("content") or [] if s["end"] <= start or s["start"] >= end]
        entry["content"] = sorted([*kept, span], key=lambda s: (s["start"], s["end"]))
    else:
        entry[role] = [span]
    return entries


def marked_ranges(spans: list[dict[str, Any]] | None) -> dict[str, list[list[int]]]:
    """The first attribution's spans by role, as [start, end] pairs for the article view."""
    entry = next((e for e in spans or [] if _is_attribution(e)), {})
    return {
        role: [[int(s["start"]), int(s["end"])] for s in entry.get(role) or [] if "start" in s]
        for role in ROLES
    }


def chain_text(hops: list[Hop]) -> str:
    """The chain as one line: 'Alexander Stubb > Finnish media > Reuters'."""
    return " > ".join(h.name.strip() for h in hops if h.name.strip())


def infer_relation(position: int, kind: str, cue: str = "") -> str:
    """A new hop's relation to the one before: none for the origin; `told_to` right after the
    origin when the cue says it was told; `republished_by` for an aggregator; else
    `reported_by` (docs/domain.md, Chains)."""
    if position == 0:
        return ""
    if position == 1 and any(word in cue.casefold() for word in _TOLD_CUES):
        return Relation.told_to.value
    if "translat" in cue.casefold():
        return Relation.translated_by.value
    if kind == SourceKind.aggregator.value:
        return Relation.republished_by.value
    return Relation.reported_by.value


def _resolved(name: str, resolve: Resolver) -> tuple[str, str]:
    known = resolve(name)
    return (known[0], known[1]) if known else (name, SourceKind.unknown.value)


def rechain(
    hops: list[Hop], text: str, resolve: Resolver, new_uid: Callable[[], int], cue: str = ""
) -> list[Hop]:
    """The hops for the chain typed as `text`. A name already in the chain (by the name key)
    keeps its hop: kind, relation and widget uid, wherever it moved, so inserting a hop keeps
    every other hop's relation. A new name takes the registry's full name and kind, and a
    relation inferred from its kind and the cue. The origin never has a relation."""
    names = [part.strip() for part in text.replace("→", ">").split(">") if part.strip()]
    unused: dict[str, list[Hop]] = {}
    for hop in hops:
        if hop.name.strip():
            unused.setdefault(name_key(hop.name), []).append(hop)
    result: list[Hop] = []
    for name in names:
        same = unused.get(name_key(name))
        if not same:
            canonical, kind = _resolved(name, resolve)
            same = unused.get(name_key(canonical))
            if not same:
                result.append(Hop(new_uid(), canonical, kind, ""))
                continue
        result.append(replace(same.pop(0)))
    for position, hop in enumerate(result):
        if position == 0:
            hop.relation = ""
        elif not hop.relation:
            hop.relation = infer_relation(position, hop.kind, cue)
    return result


def insert_hop(
    hops: list[Hop], name: str, resolve: Resolver, new_uid: Callable[[], int], cue: str = ""
) -> list[Hop]:
    """`name` added as an intermediary: before the publisher (the last hop) when the chain has
    two hops or more, else at the end. Every other hop keeps its relation."""
    named = [h for h in hops if h.name.strip()]
    canonical, _ = _resolved(name.strip(), resolve)
    if any(name_key(h.name) == name_key(canonical) for h in named):
        return [replace(h) for h in named]
    names = [h.name for h in named]
    names.insert(len(names) - 1 if len(names) >= 2 else len(names), canonical)
    return rechain(named, " > ".join(names), resolve, new_uid, cue)


def link_speaker(
    values: FormValues,
    old_speaker: str,
    resolve: Resolver,
    new_uid: Callable[[], int],
    publisher: str = "",
) -> bool:
    """The speaker is the chain's origin: after the speaker changed from `old_speaker`, the
    first hop takes the registry's full name and kind ("Putin" → "Vladimir Putin",
    head_of_state). A chain of only the publisher gets the speaker in front of it; an empty
    chain becomes speaker > publisher. Whether the hops changed."""
    new = values.speaker.strip()
    if not new or name_key(new) == name_key(old_speaker or ""):
        return False
    name, kind = _resolved(new, resolve)
    hops = [h for h in values.hops if h.name.strip()]
    old_origin = name_key(_resolved(old_speaker.strip(), resolve)[0]) if old_speaker else None
    linked = (
        bool(hops)
        and old_origin is not None
        and name_key(hops[0].name)
        in (
            old_origin,
            name_key(old_speaker),
        )
    )
    if hops and (linked or len(hops) >= 2):
        if name_key(hops[0].name) == name_key(name):
            return False
        hops[0] = replace(hops[0], name=name, kind=kind, relation="")
    elif hops:
        hops.insert(0, Hop(new_uid(), name, kind, ""))
    else:
        hops = [Hop(new_uid(), name, kind, "")]
        if publisher.strip() and name_key(publisher) != name_key(name):
            outlet, outlet_kind = _resolved(publisher.strip(), resolve)
            hops.append(Hop(new_uid(), outlet, outlet_kind, ""))
    for position, hop in enumerate(hops):
        if position == 0:
            hop.relation = ""
        elif not hop.relation:
            hop.relation = infer_relation(position, hop.kind, values.cue)
    values.hops = hops
    return True


def origin_for_speaker(values: FormValues, old_hops: list[Hop]) -> bool:
    """The chain's origin changed (typed as text): the speaker follows when it named the old
    origin or was empty, and the chain has an origin apart from the publisher. Whether the
    speaker changed."""
    named = [h for h in values.hops if h.name.strip()]
    old = [h for h in old_hops if h.name.strip()]
    if len(named) < 2 or (old and name_key(old[0].name) == name_key(named[0].name)):
        return False
    speaker = values.speaker.strip()
    if speaker and not (old and name_key(old[0].name) == name_key(speaker)):
        return False
    values.speaker = named[0].name
    return True
