"""The starter source list and the name/alias directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.domain.source_names import (
    SourceDirectory,
    StarterSource,
    load_starter_sources,
    starter_directory,
)
from factcheck.errors import InputError
from schemas.vocab import RELIABILITY_GRADES, SourceKind


def test_starter_list_is_curated_and_valid() -> None:
    sources = load_starter_sources()
    assert 150 <= len(sources) <= 250
    assert all(isinstance(s, StarterSource) and isinstance(s.kind, SourceKind) for s in sources)
    assert all(
        s.prior_reliability is None or s.prior_reliability in RELIABILITY_GRADES for s in sources
    )
    names = [s.name for s in sources]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("name", "canonical", "kind"),
    [
        ("AFP", "Agence France-Presse", SourceKind.wire_agency),
        ("agence france-presse", "Agence France-Presse", SourceKind.wire_agency),
        ("AP", "Associated Press", SourceKind.wire_agency),
        ("the Associated Press", "Associated Press", SourceKind.wire_agency),
        ("Reuters", "Reuters", SourceKind.wire_agency),
        ("TASS", "TASS", SourceKind.state_media),
        ("RIA Novosti", "RIA Novosti", SourceKind.state_media),
        ("Xinhua", "Xinhua", SourceKind.state_media),
        ("Guardian", "The Guardian", SourceKind.newspaper),
        ("NYT", "The New York Times", SourceKind.newspaper),
        ("WaPo", "The Washington Post", SourceKind.newspaper),
        ("BBC", "BBC", SourceKind.broadcaster),
        ("Zero Hedge", "ZeroHedge", SourceKind.aggregator),
        ("Breitbart", "Breitbart News", SourceKind.aggregator),
        ("HuffPost", "Huffington Post", SourceKind.aggregator),
        ("Twitter", "Twitter", SourceKind.social_media),
    ],
)
def test_resolve_aliases_case_insensitively(name: str, canonical: str, kind: SourceKind) -> None:
    assert starter_directory().resolve(name) == (canonical, kind)


def test_unknown_name_resolves_to_none() -> None:
    assert starter_directory().resolve("Daily Planet of Metropolis") is None
    assert "Reuters" in starter_directory()
    assert "nobody" not in starter_directory()


def test_from_rows_accepts_lists_and_joined_aliases() -> None:
    directory = SourceDirectory.from_rows(
        [
            ("Agence France-Presse", "wire_agency", "AFP; Agence France Presse"),
            ("Helsingin Sanomat", SourceKind.newspaper, ["HS", "Helsingin"]),
        ]
    )
    assert directory.resolve("afp") == ("Agence France-Presse", SourceKind.wire_agency)
    assert directory.resolve("Helsingin") == ("Helsingin Sanomat", SourceKind.newspaper)
    assert len(directory) == 2


def test_find_in_text_gives_exact_spans() -> None:
    text = "Stubb told Finnish media, Reuters reported, as featured in The Guardian and the Wall Street Journal (AFP)."
    found = starter_directory().find_in_text(text)
    assert [m.name for m in found] == [
        "Reuters",
        "The Guardian",
        "The Wall Street Journal",
        "Agence France-Presse",
    ]
    for m in found:
        assert starter_directory().resolve(text[m.start : m.end]) == (m.name, m.kind)


def test_find_in_text_skips_common_words() -> None:
    text = "Time will tell whether the Independent candidate can mirror it on Capitol Hill."
    assert starter_directory().find_in_text(text) == []


def test_load_rejects_bad_kind(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text("name,kind,aliases,prior_reliability\nFoo,not_a_kind,,\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown kind"):
        load_starter_sources(path)


def test_load_rejects_bad_grade(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text("name,kind,aliases,prior_reliability\nFoo,newspaper,,Z\n", encoding="utf-8")
    with pytest.raises(InputError, match="not A-F"):
        load_starter_sources(path)
