"""Merging a ratings CSV (the export format) from reviewers who worked offline.

Rows are matched to claims by `claim_id`, or by `article_id` plus `claim_start`/`claim_end`
when the id is blank. A row creates or updates its reviewer's assessment. The CSV's
`rated_at` is when the row was exported: if the database row was saved again after that
and now differs from the CSV, both sides changed and the row is reported as a conflict,
never overwritten. The whole file is checked before anything is written; row numbers are
spreadsheet lines (the header is row 1).

In team mode every row, dry run or not, is checked against the acting reviewer's right to
record that assessment (`access.check_can_rate`) before it is compared with the database: a
row they may not write stops the merge with the same refusal whatever the database holds, so
neither the report nor the error can tell an annotator what a colleague rated (blind rating).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlmodel import Session, col

from factcheck.errors import (
    AuthError,
    FactcheckError,
    InputError,
    PermissionDenied,
    describe_validation_error,
)
from factcheck.ids import row_id
from factcheck.interchange.cells import unguard
from factcheck.interchange.export import parse_rated_bound
from factcheck.services import access
from factcheck.services.access import ActorLike
from factcheck.services.assessments import chains_for, hop_values, save_assessment, stored_values
from factcheck.services.reviewers import clean_reviewer_name, find_reviewer, get_or_create_reviewer
from factcheck.store.engine import read_session, write
from factcheck.store.models import Assessment, Claim, Reviewer
from schemas.records import AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import CHAIN_SEPARATOR, Role

COMPARED_FIELDS = (
    "attribution_type",
    "speaker",
    "cue",
    "chain",
    "translated",
    "source_reliability",
    "information_credibility",
    "primary_source_url",
    "corroborated",
    "corroborated_by",
    "notes",
)
TRUE_WORDS = frozenset({"true", "yes", "1", "y"})
FALSE_WORDS = frozenset({"false", "no", "0", "n", ""})


@dataclass
class RowChange:
    """What merging one row does (or would do)."""

    row: int
    claim_id: int
    reviewer: str
    final: bool
    action: str  # created, updated, unchanged, conflict
    fields: list[str] = field(default_factory=list)
    database_saved_at: str | None = None
    csv_rated_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class MergeReport:
    dry_run: bool
    rows: int = 0
    changes: list[RowChange] = field(default_factory=list)

    def of(self, action: str) -> list[RowChange]:
        return [c for c in self.changes if c.action == action]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": len(self.of("created")),
            "updated": len(self.of("updated")),
            "unchanged": len(self.of("unchanged")),
            "conflicts": [c.as_dict() for c in self.of("conflict")],
            "changes": [c.as_dict() for c in self.changes if c.action in ("created", "updated")],
        }


@dataclass
class _Planned:
    change: RowChange
    data: AssessmentInput


def merge_ratings_csv(
    engine: Engine, path: Path, dry_run: bool = False, *, actor: ActorLike | None = None
) -> MergeReport:
    """Merge the CSV at `path`; with `dry_run`, only report what would change. `actor` is
    the acting reviewer (default: the one set by `access.acting_as` or the UI).

    Raises InputError naming the row for a bad grade, an unknown claim or a malformed
    row, and (team mode) PermissionDenied naming the first row the actor may not write,
    before that row is compared with the database; then nothing is written."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    acting = access.resolve(actor)
    if dry_run:
        with read_session(engine) as session:
            return _merge(session, path, dry_run=True, actor=acting)
    return write(engine, lambda session: _merge(session, path, dry_run=False, actor=acting))


def _merge(session: Session, path: Path, dry_run: bool, actor: access.Actor | None) -> MergeReport:
    access.require_signed_in(session, actor)
    report = MergeReport(dry_run=dry_run)
    planned: list[_Planned] = []
    seen: dict[tuple[int, str, bool], int] = {}
    for row_no, row in _read_rows(path):
        report.rows += 1
        try:
            plan = _plan_row(session, row, row_no, actor)
        except (PermissionDenied, AuthError) as error:
            raise type(error)(f"{path.name} row {row_no}: {error}") from None
        except ValidationError as error:
            raise InputError(
                f"{path.name} row {row_no}: {describe_validation_error(error)}"
            ) from None
        except FactcheckError as error:
            raise InputError(f"{path.name} row {row_no}: {error}") from None
        key = (plan.change.claim_id, plan.change.reviewer, plan.change.final)
        if key in seen:
            raise InputError(
                f"{path.name} row {row_no}: repeats row {seen[key]} (same claim and reviewer)"
            )
        seen[key] = row_no
        planned.append(plan)
        report.changes.append(plan.change)
    if not dry_run:
        for plan in planned:
            if plan.change.action in ("created", "updated"):
                _apply(session, plan, actor)
    return report


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or [])
            if "reviewer" not in columns:
                raise InputError(f"{path.name}: no 'reviewer' column; is this a ratings CSV?")
            if (
                "claim_id" not in columns
                and not {"article_id", "claim_start", "claim_end"} <= columns
            ):
                raise InputError(
                    f"{path.name}: needs a 'claim_id' column, or 'article_id', 'claim_start' "
                    "and 'claim_end'"
                )
            return [
                (
                    reader.line_num,
                    {k: unguard(v or "") for k, v in row.items() if k is not None},
                )
                for row in reader
            ]
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text; save the CSV as UTF-8") from None
    except csv.Error as error:
        raise InputError(f"{path.name}: not a readable CSV ({error})") from None


def _integer(row: dict[str, str], column: str) -> int | None:
    value = row.get(column, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InputError(f"{column} must be a whole number, got {value!r}") from None


def _flag(row: dict[str, str], column: str) -> bool | None:
    value = row.get(column)
    if value is None:
        return None
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise InputError(f"{column} must be true or false, got {value!r}")


def _rated_at(row: dict[str, str]) -> datetime | None:
    value = row.get("rated_at", "").strip()
    if not value:
        return None
    try:
        return parse_rated_bound(value)
    except ValueError:
        raise InputError(
            f"rated_at must be a date-time like 2025-09-05T09:20:00Z, got {value!r}"
        ) from None


def _find_claim(session: Session, row: dict[str, str]) -> Claim:
    claim_id = _integer(row, "claim_id")
    if claim_id is not None:
        claim = session.get(Claim, claim_id)
        if claim is None:
            raise InputError(f"claim {claim_id} does not exist in this database")
        return claim
    article_id = _integer(row, "article_id")
    start, end = _integer(row, "claim_start"), _integer(row, "claim_end")
    if article_id is None or start is None or end is None:
        raise InputError("give claim_id, or article_id with claim_start and claim_end")
    claim = session.execute(
        select(Claim).where(
            col(Claim.article_id) == article_id, col(Claim.start) == start, col(Claim.end) == end
        )
    ).scalar_one_or_none()
    if claim is None:
        raise InputError(f"article {article_id} has no claim at {start}–{end}")
    return claim


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(CHAIN_SEPARATOR.strip())] if value.strip() else []


def _chain(row: dict[str, str]) -> list[dict[str, Any]]:
    names = _split(row.get("chain", ""))
    kinds = _split(row.get("chain_kinds", ""))
    relations = _split(row.get("chain_relations", ""))
    if len(relations) < len(names):
        # hops 2..n's relations (the origin has none), as exported since #17; a sheet with one
        # relation per hop (an empty first one) is read as written by earlier releases
        relations = ["", *relations]
    return [
        {
            "name": name,
            "kind": kinds[i] if i < len(kinds) and kinds[i] else "unknown",
            "relation": relations[i] if i < len(relations) and relations[i] else None,
        }
        for i, name in enumerate(names)
    ]


def _input(row: dict[str, str]) -> AssessmentInput:
    data: dict[str, Any] = {
        "attribution_type": row.get("attribution_type") or None,
        "speaker": row.get("speaker"),
        "cue": row.get("cue"),
        "chain": _chain(row),
        "source_reliability": row.get("source_reliability"),
        "information_credibility": row.get("information_credibility"),
        "primary_source_url": row.get("primary_source_url"),
        "corroborated": bool(_flag(row, "corroborated")),
        "corroborated_by": row.get("corroborated_by"),
        "notes": row.get("notes"),
    }
    translated = _flag(row, "translated")
    if translated is not None:
        data["translated"] = translated
    return AssessmentInput.model_validate(data)


def _comparable(values: dict[str, Any], chain: list[ChainHop]) -> dict[str, Any]:
    """The compared fields as stored (`stored_values` and `hop_values`: the rule a save
    follows), so a row compares equal to the CSV row that would store it again."""
    hops = [(h["name"], h["kind"], h["relation"]) for h in hop_values(chain)]
    return {name: hops if name == "chain" else values[name] for name in COMPARED_FIELDS}


def _comparable_input(data: AssessmentInput) -> dict[str, Any]:
    return _comparable(stored_values(data), data.chain)


def _comparable_row(session: Session, a: Assessment) -> dict[str, Any]:
    assessment_id = row_id(a)
    chain = chains_for(session, [assessment_id]).get(assessment_id, [])
    return _comparable(a.model_dump(), chain)


def _seconds(moment: datetime) -> datetime:
    """The export writes `rated_at` to the second; compare the database at that precision."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def _plan_row(
    session: Session, row: dict[str, str], row_no: int, actor: access.Actor | None
) -> _Planned:
    reviewer_name = clean_reviewer_name(row.get("reviewer", ""))
    final = bool(_flag(row, "final"))
    data = _input(row)
    rated_at = _rated_at(row)
    claim = _find_claim(session, row)
    change = RowChange(
        row=row_no,
        claim_id=row_id(claim),
        reviewer=reviewer_name,
        final=final,
        action="created",
        csv_rated_at=row.get("rated_at") or None,
    )
    reviewer = find_reviewer(session, reviewer_name)
    # Blind rating: the right to write this row is checked before the database's row is read,
    # so what a colleague rated cannot change the answer. A reviewer not in the database is
    # checked as the new annotator account `_apply` would make (not added to the session).
    owner = reviewer or Reviewer(name=reviewer_name, role=Role.annotator.value)
    access.check_can_rate(session, actor, claim, owner, final=final)
    existing = None
    if reviewer is not None:
        existing = session.execute(
            select(Assessment).where(
                col(Assessment.claim_id) == claim.id,
                col(Assessment.reviewer_id) == reviewer.id,
                col(Assessment.is_final) == final,
            )
        ).scalar_one_or_none()
    if existing is None:
        change.fields = [
            f for f, v in _comparable_input(data).items() if v not in (None, [], False)
        ]
        return _Planned(change, data)
    now, before = _comparable_input(data), _comparable_row(session, existing)
    change.fields = [name for name in COMPARED_FIELDS if now[name] != before[name]]
    change.database_saved_at = _seconds(existing.updated_at).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not change.fields:
        change.action = "unchanged"
    elif rated_at is None or _seconds(existing.updated_at) > rated_at:
        change.action = "conflict"
    else:
        change.action = "updated"
        # The CSV has no spans column: keep the exact spans the database holds.
        data = data.model_copy(update={"spans": existing.spans})
    return _Planned(change, data)


def _apply(session: Session, plan: _Planned, actor: access.Actor | None) -> None:
    reviewer = get_or_create_reviewer(session, plan.change.reviewer)
    save_assessment(
        session, plan.change.claim_id, reviewer, plan.data, final=plan.change.final, actor=actor
    )
