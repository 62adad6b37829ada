"""Blind rating holds through `merge-ratings` (issue 19, item 1): in team mode every row of a
ratings CSV, dry run or not, is checked against the acting reviewer's rights before it is
compared with the database or reported. An annotator probing a colleague's unreleased rating
with one-row CSVs (one per grade) gets the same refusal for every grade, so the merge cannot
tell them which grade the colleague gave. Runs on SQLite and, with FACTCHECK_TEST_PG_URL,
PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from factcheck.errors import FactcheckError, PermissionDenied
from factcheck.interchange.ratings_csv import merge_ratings_csv
from factcheck.services import access
from factcheck.store.engine import read_session
from factcheck.store.models import Assessment
from tests.services.test_access import add, import_article, rate_as

GRADES = "ABCDEF"
COLUMNS = ["claim_id", "reviewer", "final", "source_reliability", "information_credibility"]


def _csv(path: Path, *rows: dict[str, str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _outcome(engine: Engine, actor: access.Actor, path: Path, dry_run: bool) -> str:
    """What the actor learns from merging `path`: the report, or the refusal's message."""
    try:
        with access.acting_as(actor):
            return repr(merge_ratings_csv(engine, path, dry_run=dry_run).as_dict())
    except FactcheckError as error:
        return f"{type(error).__name__}: {error}"


def _stored(engine: Engine) -> list[tuple[object, ...]]:
    with read_session(engine) as session:
        rows = session.execute(
            select(
                col(Assessment.claim_id),
                col(Assessment.reviewer_id),
                col(Assessment.is_final),
                col(Assessment.source_reliability),
                col(Assessment.information_credibility),
                col(Assessment.version),
            ).order_by(col(Assessment.id))
        )
        return [tuple(row) for row in rows]


@pytest.fixture
def desk(engine: Engine, demo_text: str, team: None) -> dict[str, object]:
    """Ana and bob annotate the demo article (not released); bob rated claim 0 C2."""
    people = {
        "ana": add(engine, "ana", "annotator"),
        "bob": add(engine, "bob", "annotator"),
        "judge": add(engine, "judge", "adjudicator"),
        "root": add(engine, "root", "admin"),
    }
    _article, claims = import_article(engine, demo_text, people["root"])
    rate_as(engine, people["bob"], claims[0], source_reliability="C", information_credibility=2)
    return {**people, "claims": claims}


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "merge"])
def test_probing_a_colleagues_grade_learns_nothing(
    engine: Engine, desk: dict, tmp_path: Path, dry_run: bool
) -> None:
    ana, claim = desk["ana"], str(desk["claims"][0])
    before = _stored(engine)
    outcomes = {}
    for grade in GRADES:
        probe = _csv(
            tmp_path / "probe.csv",
            {
                "claim_id": claim,
                "reviewer": "bob",
                "final": "false",
                "source_reliability": grade,
                "information_credibility": "2",
            },
        )
        outcomes[grade] = _outcome(engine, ana, probe, dry_run)
    # Every grade gets the same answer (bob's "C" is not told apart), and it is a refusal.
    assert len(set(outcomes.values())) == 1, outcomes
    assert outcomes["C"].startswith("PermissionDenied"), outcomes["C"]
    assert "row 2" in outcomes["C"] and "cannot record bob's assessment" in outcomes["C"]
    assert _stored(engine) == before


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "merge"])
def test_a_refused_row_anywhere_stops_the_whole_file(
    engine: Engine, desk: dict, tmp_path: Path, dry_run: bool
) -> None:
    """Ana's own row would merge, but the file also carries a final (adjudicator's) row and
    bob's row: refused, naming the first refused row, nothing written, nothing compared."""
    claims = [str(c) for c in desk["claims"]]
    before = _stored(engine)
    mine = {"claim_id": claims[1], "reviewer": "ana", "final": "false"}
    mine |= {"source_reliability": "B", "information_credibility": "3"}
    final = {**mine, "final": "true"}
    for rows, refused in (([mine, final], "row 3"), ([mine, {**mine, "reviewer": "bob"}], "row 3")):
        path = _csv(tmp_path / "mixed.csv", *rows)
        with pytest.raises(PermissionDenied, match=refused), access.acting_as(desk["ana"]):
            merge_ratings_csv(engine, path, dry_run=dry_run)
    assert _stored(engine) == before


def test_rows_the_actor_may_write_still_merge(engine: Engine, desk: dict, tmp_path: Path) -> None:
    claims = [str(c) for c in desk["claims"]]
    own = {"claim_id": claims[1], "reviewer": "ana", "final": "false"}
    own |= {"source_reliability": "B", "information_credibility": "3"}
    path = _csv(tmp_path / "own.csv", own)
    with access.acting_as(desk["ana"]):
        assert merge_ratings_csv(engine, path, dry_run=True).as_dict()["created"] == 1
        assert merge_ratings_csv(engine, path).as_dict()["created"] == 1
        assert merge_ratings_csv(engine, path).as_dict()["unchanged"] == 1
    # An admin merges a colleague's offline ratings (and so sees the comparison).
    bobs = _csv(
        tmp_path / "bob.csv",
        {"claim_id": claims[0], "reviewer": "bob", "final": "false"}
        | {"source_reliability": "C", "information_credibility": "2"},
    )
    with access.acting_as(desk["root"]):
        assert merge_ratings_csv(engine, bobs, dry_run=True).as_dict()["unchanged"] == 1
    # Nobody signed in: refused before the file is compared.
    with pytest.raises(PermissionDenied, match="sign in first"):
        merge_ratings_csv(engine, bobs, dry_run=True)


def test_local_mode_merges_as_before(engine: Engine, demo_text: str, tmp_path: Path) -> None:
    _article, claims = import_article(engine, demo_text)
    path = _csv(
        tmp_path / "local.csv",
        {"claim_id": str(claims[0]), "reviewer": "bob", "final": "false"}
        | {"source_reliability": "C", "information_credibility": "2"},
    )
    assert merge_ratings_csv(engine, path).as_dict()["created"] == 1
    with Session(engine) as session:
        assert session.execute(select(col(Assessment.id))).first() is not None
