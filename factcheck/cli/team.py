"""Team review commands: reviewer accounts, acting as a reviewer (signing in in team mode),
release for adjudication, comparing reviewers, agreement between them.

Registered on the `factcheck` group by `factcheck.cli._register_command_modules` through
`COMMANDS`; `acting_option` is used by the commands in `factcheck.cli` that change claims."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlmodel import Session

from factcheck.cli.common import State, emit_json, fail, json_option, pass_state
from factcheck.domain.agreement import (
    FIELDS,
    LEVELS,
    Rating,
    agreement_report,
    without_columns,
)
from factcheck.ids import row_id
from factcheck.services import access, review
from factcheck.services import reviewers as reviewer_service
from factcheck.services import team as team_service
from factcheck.services.agreement_data import read_ratings_csv
from schemas.vocab import Role

F = TypeVar("F", bound=Callable[..., Any])

PASSWORD_ENV = "FACTCHECK_PASSWORD"
NEW_PASSWORD_ENV = "FACTCHECK_NEW_PASSWORD"
REVIEWER_ENV = "FACTCHECK_REVIEWER"

# ---------------------------------------------------------------- acting as a reviewer


def act_as(
    state: State, name: str | None, *, required: bool = True, flag: str = "--reviewer"
) -> access.Actor | None:
    """Who a command acts as. Local mode asks nothing (and checks nothing). Team mode needs the
    name and that reviewer's password, from $FACTCHECK_PASSWORD or a hidden prompt; the
    sign-in is the same rate-limited, logged one as the web UI's."""
    if not access.team_mode(state.engine):
        return None
    if not name:
        if not required:
            return None
        fail(f"team mode: say who you are with {flag} NAME (or ${REVIEWER_ENV})")
    password = _password(name)
    # The attempt is recorded in the database (lockout counter); its log line would only repeat
    # the one-line error on this terminal, unless the caller configured logging itself.
    quiet = logging.NullHandler()
    auth_log = logging.getLogger(reviewer_service.__name__)
    auth_log.addHandler(quiet)
    try:
        return reviewer_service.sign_in(state.engine, name, password)
    finally:
        auth_log.removeHandler(quiet)


def _password(name: str) -> str:
    """`name`'s password: $FACTCHECK_PASSWORD, else a hidden prompt."""
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = click.prompt(f"Password for {name}", hide_input=True, err=True)
    return password


def _acting(required: bool, flag: str = "--reviewer") -> Callable[[F], F]:
    def decorate(function: F) -> F:
        @click.option(
            flag,
            "acting_reviewer",
            envvar=REVIEWER_ENV,
            metavar="NAME",
            help="Act as this reviewer (team mode: required, password from "
            "$FACTCHECK_PASSWORD or a prompt).",
        )
        @functools.wraps(function)
        def wrapper(*args: Any, acting_reviewer: str | None = None, **kwargs: Any) -> Any:
            state = click.get_current_context().find_object(State)
            assert state is not None
            with access.acting_as(act_as(state, acting_reviewer, required=required, flag=flag)):
                return function(*args, **kwargs)

        return wrapper  # type: ignore[return-value]  # wraps() types it _Wrapped, not F; callers see F's signature (click fills the option)

    return decorate


acting_option = _acting(required=True)
"""Add `--reviewer NAME` to a command and run it acting as that reviewer, so the services'
role checks apply. Put it right above the function, below `@pass_state`."""

# Adding the first admin of a team database needs nobody signed in (the service checks that).
optional_acting_option = _acting(required=False)

# For commands whose --reviewer already means something else (export's filter): --as NAME.
acting_as_option = _acting(required=True, flag="--as")


def _new_password(name: str) -> str:
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is None:
        password = click.prompt(
            f"New password for {name}", hide_input=True, confirmation_prompt=True, err=True
        )
    return password


# ---------------------------------------------------------------- reviewers


def _reviewer_dict(reviewer: Any) -> dict[str, Any]:
    return {
        "reviewer_id": reviewer.id,
        "name": reviewer.name,
        "role": reviewer.role,
        "disabled": reviewer.disabled,
        "has_password": reviewer.password_hash is not None,
        "locked_until": reviewer_service.locked_until(reviewer),
    }


def _print_reviewers(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no reviewers yet: add one with `factcheck reviewers add NAME --role admin`")
    for row in rows:
        flags = [
            flag
            for flag, on in (
                ("disabled", row["disabled"]),
                ("no password", not row["has_password"]),
                ("locked", row["locked_until"] is not None),
            )
            if on
        ]
        extra = f" ({', '.join(flags)})" if flags else ""
        click.echo(f"[{row['reviewer_id']}] {row['name']}: {row['role']}{extra}")


@click.group("reviewers")
def reviewers_group() -> None:
    """Reviewer accounts: add, list, set passwords, disable. In team mode only an admin
    manages them (the first admin can be added without signing in)."""


ROLE_CHOICE = click.Choice([r.value for r in Role])


@reviewers_group.command("add")
@click.argument("name")
@click.option("--role", type=ROLE_CHOICE, default="annotator", show_default=True)
@json_option
@pass_state
@optional_acting_option
def reviewers_add(state: State, name: str, role: str, as_json: bool) -> None:
    """Add a reviewer. In team mode the new account's password is asked for (or read from
    $FACTCHECK_NEW_PASSWORD); it is stored as an Argon2 hash, never in plain text.

    \b
    Example:
      FACTCHECK_TEAM_MODE=1 factcheck reviewers add root --role admin
      factcheck reviewers add ana --role annotator --reviewer root
    """
    state.read(lambda s: reviewer_service.check_can_add_reviewer(s, role))
    password = _new_password(name) if access.team_mode(state.engine) else None
    added = state.write(
        lambda s: _reviewer_dict(reviewer_service.add_reviewer(s, name, role, password))
    )
    _print_reviewers([added], as_json)


@reviewers_group.command("list")
@json_option
@pass_state
@acting_option
def reviewers_list(state: State, as_json: bool) -> None:
    """List reviewers with their role; password hashes are never shown.

    \b
    Example:
      factcheck reviewers list --json
    """
    rows = state.read(lambda s: [_reviewer_dict(r) for r in reviewer_service.list_reviewers(s)])
    _print_reviewers(rows, as_json)


@reviewers_group.command("passwd")
@click.argument("name")
@json_option
@pass_state
@acting_option
def reviewers_passwd(state: State, name: str, as_json: bool) -> None:
    """Set a reviewer's password (your own, or anyone's as an admin); it also lifts a lockout.
    The new password is asked for, or read from $FACTCHECK_NEW_PASSWORD.

    \b
    Example:
      factcheck reviewers passwd ana --reviewer ana
    """
    state.read(lambda s: reviewer_service.check_can_set_password(s, name))
    password = _new_password(name)
    changed = state.write(
        lambda s: _reviewer_dict(reviewer_service.set_password(s, name, password))
    )
    if as_json:
        emit_json(changed)
    else:
        click.echo(f"password of {changed['name']} changed")


@reviewers_group.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Re-enable a disabled account instead.")
@json_option
@pass_state
@acting_option
def reviewers_disable(state: State, name: str, enable: bool, as_json: bool) -> None:
    """Disable a reviewer: they can no longer sign in or act; their assessments stay.

    \b
    Example:
      factcheck reviewers disable bob --reviewer root
    """
    changed = state.write(
        lambda s: _reviewer_dict(reviewer_service.set_disabled(s, name, not enable))
    )
    if as_json:
        emit_json(changed)
    else:
        click.echo(f"{changed['name']} {'disabled' if changed['disabled'] else 'enabled'}")


@reviewers_group.command("role")
@click.argument("name")
@click.argument("role", type=ROLE_CHOICE)
@json_option
@pass_state
@acting_option
def reviewers_role(state: State, name: str, role: str, as_json: bool) -> None:
    """Change a reviewer's role (admins only in team mode).

    \b
    Example:
      factcheck reviewers role ana adjudicator --reviewer root
    """
    changed = state.write(lambda s: _reviewer_dict(reviewer_service.set_role(s, name, role)))
    _print_reviewers([changed], as_json)


# ---------------------------------------------------------------- release and review


@click.command("release")
@click.argument("article_id", type=int)
@click.option("--withdraw", is_flag=True, help="Close the article again: blind rating resumes.")
@json_option
@pass_state
@acting_option
def release_command(state: State, article_id: int, withdraw: bool, as_json: bool) -> None:
    """Release an article for adjudication (adjudicators and admins): every reviewer can now
    see the others' assessments, annotators' ratings are frozen (except claims flagged for
    re-rating), and final assessments can be recorded with `factcheck rate --final`.

    \b
    Example:
      factcheck release 3 --reviewer judge
    """
    action = review.withdraw_release if withdraw else review.release_article
    article = state.write(lambda s: action(s, article_id))
    if as_json:
        emit_json({"article_id": article.id, "released_at": article.released_at})
    elif article.released_at is None:
        click.echo(f"article {article_id} is closed again: blind rating resumes")
    else:
        click.echo(f"article {article_id} released for adjudication")


def _review_data(session: Session, article_id: int) -> dict[str, Any]:
    sheet = review.review_sheet(session, article_id)
    claims = []
    for claim in sheet.claims:
        claim_id = row_id(claim)
        by = sheet.cells.get(claim_id, {})
        final = sheet.finals.get(claim_id)
        claims.append(
            {
                "claim_id": claim_id,
                "index": claim.position,
                "text": claim.text,
                "dropped": claim.dropped,
                "disagreements": sheet.differs.get(claim_id, []),
                "ratings": {name: _rating_dict(view) for name, view in by.items()},
                "final": _rating_dict(final) if final else None,
            }
        )
    return {
        "article_id": sheet.article.id,
        "title": sheet.article.title,
        "released": sheet.released,
        "reviewers": sheet.reviewers,
        "claims": claims,
    }


def _rating_dict(view: Any) -> dict[str, Any]:
    a = view.assessment
    return {
        "reviewer": view.reviewer,
        "grade": a.grade,
        "attribution_type": a.attribution_type,
        "speaker": a.speaker,
        "cue": a.cue,
        "chain": review.chain_text(view.chain),
        "needs_review": a.needs_review,
    }


@click.command("review")
@click.argument("article_id", type=int)
@json_option
@pass_state
@acting_option
def review_command(state: State, article_id: int, as_json: bool) -> None:
    """Compare reviewers on one article: each claim's ratings side by side, disagreements
    marked with `!`, and the final assessment when there is one. In team mode annotators
    see this only once the article is released.

    \b
    Example:
      factcheck review 3 --reviewer judge --json
    """
    data = state.read(lambda s: _review_data(s, article_id))
    if as_json:
        emit_json(data)
        return
    state_text = "released" if data["released"] else "not released"
    click.echo(f"article {data['article_id']} ({state_text}): {data['title']}")
    for claim in data["claims"]:
        if not claim["ratings"] and not claim["final"]:
            continue
        marker = "!" if claim["disagreements"] else " "
        differs = (
            f"  differs: {', '.join(claim['disagreements'])}" if claim["disagreements"] else ""
        )
        click.echo(
            f"{marker} [{claim['claim_id']}] #{claim['index']} {claim['text'][:80]}{differs}"
        )
        rows = list(claim["ratings"].values())
        if claim["final"]:
            rows.append({**claim["final"], "reviewer": f"{claim['final']['reviewer']} (final)"})
        for row in rows:
            flag = " (needs re-rating)" if row["needs_review"] else ""
            click.echo(
                f"    {row['reviewer']:<20} {row['grade'] or '--':<3} "
                f"{row['attribution_type'] or '-':<13} {row['chain'] or '-'}{flag}"
            )


# ---------------------------------------------------------------- agreement


@click.command("agreement")
@click.argument(
    "ratings_csv",
    metavar="[RATINGS.csv]",
    required=False,
    type=click.Path(path_type=Path),
)
@click.option(
    "--article",
    "article_ids",
    type=int,
    multiple=True,
    metavar="ID",
    help="Only this article (repeatable); default: every article.",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default=None,
    help="Level of measurement for the two grades (default: ordinal; attribution type is "
    "always nominal).",
)
@json_option
@pass_state
@optional_acting_option
def agreement_command(
    state: State,
    ratings_csv: Path | None,
    article_ids: tuple[int, ...],
    level: str | None,
    as_json: bool,
) -> None:
    """How far reviewers agree: Krippendorff's alpha per field, Cohen's kappa per reviewer
    pair, and how often their chains match.

    Ratings come from the database, or from RATINGS.csv in the export format (pool the CSVs of
    reviewers who worked offline; only claim_id, reviewer and the rated columns are needed).
    Final (adjudicated) ratings are left out. Grades F and 6 ("cannot be judged") count as
    missing, not as the worst grade.

    In team mode, figures from the database need --reviewer; an annotator's cover released
    articles only (blind rating).

    \b
    Example:
      factcheck agreement --article 3
      factcheck agreement pooled-ratings.csv --level interval --json
    """
    articles = list(article_ids) or None
    ratings: Sequence[Rating]
    missing: list[str] = []
    if ratings_csv is not None:
        ratings, missing = read_ratings_csv(ratings_csv, article_ids=articles)
    else:
        ratings = state.read(lambda session: review.visible_ratings(session, articles))
    report = without_columns(agreement_report(ratings, level=level), missing)
    if as_json:
        emit_json(report)
    else:
        click.echo(format_report(report))


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def format_report(report: dict[str, Any]) -> str:
    """The report as aligned plain-text tables for a terminal."""
    lines = [
        "Krippendorff's alpha",
        f"  {'field':<25} {'level':<9} {'alpha':>7} {'units':>7} {'reviewers':>10}",
    ]
    for field in FIELDS:
        if field not in report:  # a column the ratings CSV did not have
            continue
        row = report[field]
        lines.append(
            f"  {field:<25} {row['level']:<9} {_figure(row['alpha']):>7} "
            f"{row['units']:>7} {row['reviewers']:>10}"
        )
    lines.append("")
    pairwise = report["pairwise"]
    if pairwise:
        width = max(len(" / ".join(entry["reviewers"])) for entry in pairwise)
        width = max(width, len("reviewers"))
        lines.append("Cohen's kappa per reviewer pair")
        lines.append(f"  {'reviewers':<{width}} {'field':<25} {'kappa':>7} {'units':>7}")
        for entry in pairwise:
            pair = " / ".join(entry["reviewers"])
            lines.append(
                f"  {pair:<{width}} {entry['field']:<25} {_figure(entry['kappa']):>7} "
                f"{entry['units']:>7}"
            )
    else:
        lines.append("Cohen's kappa per reviewer pair: no two reviewers rated the same claim")
    lines.append("")
    chains = report.get("chains")
    if chains is None:
        pass
    elif chains["units"]:
        share = chains["exact_match_share"]
        lines.append(
            f"Chains: {chains['units']} claims with chains from two reviewers or more; "
            f"exact match {share:.1%}; mean hop overlap (Jaccard) "
            f"{_figure(chains['mean_hop_overlap'])}"
        )
    else:
        lines.append("Chains: no claim has chains from two reviewers")
    lines.extend(f"Note: {note}" for note in report.get("notes", []))
    return "\n".join(lines)


# ---------------------------------------------------------------- team mode


@click.group("team")
def team_group() -> None:
    """Team mode for this database: passwords, roles and blind rating enforced for every
    process on it, whatever its environment says."""


def _admin_name(help: str) -> Callable[[F], F]:
    """`--reviewer NAME` for the team commands, which sign in themselves (not `acting_as`:
    `enable` must work before the database is a team database)."""
    return click.option(
        "--reviewer", "name", envvar=REVIEWER_ENV, required=True, metavar="NAME", help=help
    )


def _admin_password(name: str, *, new: bool) -> str:
    return _new_password(name) if new else _password(name)


def _print_status(status: team_service.TeamStatus, as_json: bool) -> None:
    if as_json:
        emit_json(status.as_dict())
        return
    if status.stored:
        click.echo("team mode: on (stored in this database)")
    elif status.environment:
        click.echo(
            "team mode: on for this process only (FACTCHECK_TEAM_MODE); "
            "`factcheck team enable` makes it the database's"
        )
    else:
        click.echo("team mode: off (local mode: every check passes, nothing is asked)")


@team_group.command("enable")
@_admin_name("The admin enabling it (on a database without an admin: the first admin).")
@json_option
@pass_state
def team_enable(state: State, name: str, as_json: bool) -> None:
    """Make this database a team database. Signs in as an admin (password from
    $FACTCHECK_PASSWORD or a prompt); on a database without an admin, NAME becomes the first
    admin (an existing local-mode reviewer is promoted, keeping their work) and the password
    given becomes theirs ($FACTCHECK_NEW_PASSWORD or a prompt).

    \b
    Example:
      factcheck team enable --reviewer root
    """
    first = state.read(lambda s: team_service.sets_new_password(s, name))
    password = _admin_password(name, new=first)
    actor = team_service.enable(state.engine, name, password)
    status = state.read(team_service.status)
    if not as_json:
        click.echo(f"team mode enabled by {actor.name} (admin)")
    _print_status(status, as_json)


@team_group.command("disable")
@_admin_name("An admin of this database.")
@json_option
@pass_state
def team_disable(state: State, name: str, as_json: bool) -> None:
    """Return this database to local mode (no sign-in, no blind rating). Needs an admin's
    password ($FACTCHECK_PASSWORD or a prompt), whatever this process's environment says.

    \b
    Example:
      factcheck team disable --reviewer root
    """
    password = _admin_password(name, new=False)
    team_service.disable(state.engine, name, password)
    _print_status(state.read(team_service.status), as_json)


@team_group.command("status")
@json_option
@pass_state
def team_status(state: State, as_json: bool) -> None:
    """Whether team mode is on, and whether the database or the environment says so.

    \b
    Example:
      factcheck team status --json
    """
    _print_status(state.read(team_service.status), as_json)


COMMANDS: list[click.Command] = [
    agreement_command,
    reviewers_group,
    release_command,
    review_command,
    team_group,
]
