"""Known sources (outlets, agencies, platforms) and a fast name/alias lookup for them.

The starter list in `data/starter_sources.csv` seeds the registry; the suggester uses a
`SourceDirectory` to resolve names it finds ("AFP" -> "Agence France-Presse", wire agency)
and to spot outlet names inside an article.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from factcheck.domain.names import name_key
from factcheck.errors import InputError
from schemas.vocab import RELIABILITY_GRADES, SourceKind

STARTER_SOURCES_PATH = Path(__file__).resolve().parents[2] / "data" / "starter_sources.csv"

# Aliases that are ordinary words or letters: fine for an explicit lookup, but matching them
# inside running text would find "Time", "X" or "Medium" everywhere.
_TOO_COMMON_IN_TEXT = frozenset(
    {
        "time",
        "dawn",
        "medium",
        "threads",
        "independent",
        "mirror",
        "vice",
        "atlantic",
        "x",
        "gab",
        "insider",
        "salon",
        "slate",
        "sun",
        "pa",
        "aa",
        "spa",
        "hs",
        "dn",
        "sz",
        "zh",
        "ria",
        "welt",
        "fox",
        "express",
        "nation",
        "times",
        "post",
        "telegram",
        "meta facebook",
        "vk",
        "rumble",
        "bild",
    }
)


@dataclass(frozen=True)
class StarterSource:
    """One row of the starter list: a canonical name, its kind, aliases and a prior grade."""

    name: str
    kind: SourceKind
    aliases: list[str] = field(default_factory=list)
    prior_reliability: str | None = None


@dataclass(frozen=True)
class SourceMention:
    """A known source named inside a text: `text[start:end]` is the words used."""

    start: int
    end: int
    name: str
    kind: SourceKind


def load_starter_sources(path: str | Path | None = None) -> list[StarterSource]:
    """Read the curated starter list (`name,kind,aliases,prior_reliability`, aliases `;`-separated)."""
    csv_path = Path(path) if path is not None else STARTER_SOURCES_PATH
    sources: list[StarterSource] = []
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for line_no, row in enumerate(csv.DictReader(handle), start=2):
            name = (row.get("name") or "").strip()
            if not name:
                raise InputError(f"{csv_path}:{line_no}: a source needs a name")
            try:
                kind = SourceKind((row.get("kind") or "unknown").strip())
            except ValueError:
                raise InputError(
                    f"{csv_path}:{line_no}: unknown kind {row.get('kind')!r} for {name}"
                ) from None
            grade = (row.get("prior_reliability") or "").strip().upper() or None
            if grade is not None and grade not in RELIABILITY_GRADES:
                raise InputError(f"{csv_path}:{line_no}: reliability {grade!r} is not A-F")
            aliases = [a.strip() for a in (row.get("aliases") or "").split(";") if a.strip()]
            sources.append(StarterSource(name, kind, aliases, grade))
    return sources


class SourceDirectory:
    """Case-insensitive lookup from a name or alias to (canonical name, kind)."""

    def __init__(self) -> None:
        self._by_key: dict[str, tuple[str, SourceKind]] = {}
        self._surface: dict[str, tuple[str, SourceKind]] = {}
        self._pattern: re.Pattern[str] | None = None
        self.version = 0  # bumped on every change, so callers can cache per version

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[str, SourceKind | str, Iterable[str] | str | None]]
    ) -> SourceDirectory:
        """Build from (name, kind, aliases) rows; aliases may be a list or a `;`-joined string."""
        directory = cls()
        for name, kind, aliases in rows:
            if isinstance(aliases, str):
                alias_list = [a.strip() for a in aliases.split(";") if a.strip()]
            else:
                alias_list = list(aliases or [])
            directory.add(name, SourceKind(kind), alias_list)
        return directory

    @classmethod
    def starter(cls, path: str | Path | None = None) -> SourceDirectory:
        """The directory of the curated starter list."""
        return cls.from_rows((s.name, s.kind, s.aliases) for s in load_starter_sources(path))

    def add(self, name: str, kind: SourceKind, aliases: Iterable[str] = ()) -> None:
        """Register a source; a later row with the same name or alias wins."""
        entry = (name.strip(), kind)
        for surface in [name, *aliases]:
            surface = " ".join(surface.split())
            if not surface:
                continue
            key = name_key(surface)
            self._by_key[key] = entry
            if key not in _TOO_COMMON_IN_TEXT:
                self._surface[surface] = entry
        self._pattern = None
        self.version += 1

    def __len__(self) -> int:
        return len({entry for entry in self._by_key.values()})

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.resolve(name) is not None

    def resolve(self, name: str) -> tuple[str, SourceKind] | None:
        """The canonical name and kind of a name or alias, or None if it is not known."""
        return self._by_key.get(name_key(name))

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            variants: set[str] = set()
            for surface in self._surface:
                if surface.startswith("The ") and " " in surface[4:]:
                    # "the Wall Street Journal" mid-sentence; but not "the Hill" for The Hill.
                    variants.add(r"[Tt]he\s+" + re.escape(surface[4:]))
                else:
                    variants.add(re.escape(surface))
            # Longest first, so "Fox News Channel" wins over "Fox News".
            alternation = "|".join(sorted(variants, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<![\w.-])(?:[Tt]he\s+)?(?:{alternation})(?![\w-])")
        return self._pattern

    def find_in_text(self, text: str) -> list[SourceMention]:
        """Every known outlet/agency named in `text`, by exact-case match of a name or alias."""
        if not self._surface:
            return []
        found: list[SourceMention] = []
        for match in self._compiled().finditer(text):
            entry = self.resolve(match.group(0))
            if entry is not None:
                found.append(SourceMention(match.start(), match.end(), entry[0], entry[1]))
        return found


_STARTER: SourceDirectory | None = None


def starter_directory() -> SourceDirectory:
    """The starter directory, loaded once per process (it never changes at run time)."""
    global _STARTER
    if _STARTER is None:
        _STARTER = SourceDirectory.starter()
    return _STARTER
