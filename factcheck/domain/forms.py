"""The Annotate page's form as one plain value: what a reviewer has typed for one claim.

Streamlit forgets a widget's value whenever a run does not draw it (a page switch, a closed
panel), so the form never lives only in widget keys: a `Draft` holds every field, widgets are
seeded from it and write back to it, and the drafts service keeps it in the database until it is
saved or discarded. Pure: no Session, no Streamlit."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

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
