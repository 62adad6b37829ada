"""Rating: one reviewer's assessment of one claim (`factcheck rate`), versioned, or cleared
explicitly."""

from __future__ import annotations

from typing import Any

import click
from pydantic import ValidationError
from sqlmodel import Session

from factcheck.cli.common import State, emit_json, fail, json_option, pass_state
from factcheck.cli.team import act_as
from factcheck.domain.chains import build_chain, split_chain_text
from factcheck.errors import describe_validation_error
from factcheck.services import assessments as assessment_service
from factcheck.services import claims as claim_service
from factcheck.services import sources as source_service
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import write
from schemas.records import (
    AssessmentInput,
)
from schemas.vocab import AttributionType

# ---------------------------------------------------------------- rating


@click.command("rate")
@click.argument("claim_id", type=int)
@click.option(
    "--reviewer",
    required=True,
    envvar="FACTCHECK_REVIEWER",
    help="Who is rating (local mode: created on first use; team mode: signs in with "
    "$FACTCHECK_PASSWORD or a prompt).",
)
@click.option(
    "--final",
    is_flag=True,
    help="Record the adjudicator's final assessment (the article must be released); it starts "
    "from the reviewers' majority.",
)
@click.option(
    "--type",
    "attribution_type",
    type=click.Choice([t.value for t in AttributionType]),
    help="Attribution type.",
)
@click.option("--speaker", help="Who made the statement.")
@click.option("--cue", help="The attribution cue: said, told, according to, …")
@click.option("--chain", help="Hops from origin to publisher: 'A > B > C'.")
@click.option(
    "--kinds", help="Kind of each hop, same order: 'head_of_state > wire_agency > aggregator'."
)
@click.option("--relations", help="Relation of each hop to the one before ('-' for the first).")
@click.option("--reliability", help="Source reliability A–F.")
@click.option("--credibility", help="Information credibility 1–6.")
@click.option(
    "--translated/--not-translated", default=None, help="Default: from a translated_by hop."
)
@click.option("--primary-source", "primary_source_url", help="URL of the primary source.")
@click.option(
    "--corroborated/--not-corroborated", default=None, help="Corroborated by other sources?"
)
@click.option("--corroborated-by", help="What corroborates it.")
@click.option("--notes", help="Free-text notes.")
@click.option(
    "--if-version",
    "if_version",
    type=click.IntRange(0),
    help="Save only if the stored assessment is still at this version (0: none stored yet); "
    "otherwise refuse and change nothing.",
)
@click.option(
    "--clear",
    is_flag=True,
    help="Delete this reviewer's assessment of the claim (kept in the history).",
)
@json_option
@pass_state
def rate_command(
    state: State,
    claim_id: int,
    reviewer: str,
    final: bool,
    as_json: bool,
    if_version: int | None,
    clear: bool,
    **options: Any,
) -> None:
    """Record (or update) one reviewer's assessment of one claim.

    Options not given keep their previous value when rating again. With --final an
    adjudicator records the settled assessment of a released article (first time: starting
    from the majority of the reviewers' ratings); the reviewers' own ratings stay.

    \b
    Example:
      factcheck rate 12 --reviewer ana --type direct_quote --speaker "Alexander Stubb" \\
        --cue told --chain "Alexander Stubb > Finnish media > Reuters > The Guardian > ZeroHedge" \\
        --reliability B --credibility 2 --notes "Reuters copy checked"
      factcheck rate 12 --reviewer judge --final --reliability B
      factcheck rate 12 --reviewer ana --reliability C --if-version 3
      factcheck rate 12 --reviewer ana --clear
    """
    from factcheck.services import review
    from factcheck.services.access import acting_as

    actor = act_as(state, reviewer)
    if clear:
        _clear_rating(state, claim_id, reviewer, final, if_version, actor, as_json)
        return

    def work(session: Session) -> dict[str, Any]:
        who = get_or_create_reviewer(session, reviewer)
        claim = claim_service.get_claim(session, claim_id)
        with acting_as(actor or who):
            previous: Any = assessment_service.get_assessment(session, claim_id, who, final=final)
            if previous is None and final:
                sheet = review.review_sheet(session, claim.article_id)
                previous = review.majority_draft(sheet.views(claim_id))
            data = _assessment_from_options(session, options, previous)
            if final:
                saved = review.record_final(
                    session, claim_id, who, data, expected_version=if_version
                )
            else:
                saved = assessment_service.save_assessment(
                    session, claim_id, who, data, expected_version=if_version
                )
        return {
            "assessment_id": saved.id,
            "claim_id": claim_id,
            "version": saved.version,
            "reviewer": who.name,
            "grade": saved.grade,
            "sourcing_score": saved.sourcing_score,
            "chain": options.get("chain") or None,
            "final": final,
        }

    try:
        result = write(state.engine, work, retry_on_integrity=True)
    except ValidationError as error:
        fail(describe_validation_error(error))
    if as_json:
        emit_json(result)
    else:
        grade = result["grade"] or "no grade"
        kind = "final assessment" if final else "assessment"
        click.echo(
            f"saved {result['reviewer']}'s {kind} of claim {claim_id}: {grade}, "
            f"sourcing score {result['sourcing_score']} (version {result['version']})"
        )


def _clear_rating(
    state: State,
    claim_id: int,
    reviewer: str,
    final: bool,
    if_version: int | None,
    actor: Any,
    as_json: bool,
) -> None:
    """`rate --clear`: the explicit way to remove an assessment (an all-empty rating is refused)."""
    from factcheck.services.access import acting_as

    def work(session: Session) -> bool:
        who = get_or_create_reviewer(session, reviewer)
        with acting_as(actor or who):
            return assessment_service.clear_assessment(
                session, claim_id, who, final=final, expected_version=if_version
            )

    cleared = write(state.engine, work)
    if as_json:
        emit_json({"claim_id": claim_id, "reviewer": reviewer, "cleared": cleared})
    elif cleared:
        click.echo(f"cleared {reviewer}'s assessment of claim {claim_id} (kept in the history)")
    else:
        click.echo(f"{reviewer} had no assessment of claim {claim_id}: nothing to clear")


def _assessment_from_options(
    session: Session, options: dict[str, Any], previous: Any
) -> AssessmentInput:
    base: dict[str, Any] = {}
    if isinstance(previous, AssessmentInput):  # an adjudicator's majority draft
        base = {**previous.model_dump(exclude_none=True), "chain": previous.chain}
    elif previous is not None:
        a = previous.assessment
        base = {
            "attribution_type": a.attribution_type,
            "speaker": a.speaker,
            "cue": a.cue,
            "chain": previous.chain,
            "source_reliability": a.source_reliability,
            "information_credibility": a.information_credibility,
            "translated": a.translated,
            "primary_source_url": a.primary_source_url,
            "corroborated": a.corroborated,
            "corroborated_by": a.corroborated_by,
            "notes": a.notes,
            "spans": a.spans,
        }
    given = {
        "attribution_type": options["attribution_type"],
        "speaker": options["speaker"],
        "cue": options["cue"],
        "source_reliability": options["reliability"],
        "information_credibility": options["credibility"],
        "translated": options["translated"],
        "primary_source_url": options["primary_source_url"],
        "corroborated": options["corroborated"],
        "corroborated_by": options["corroborated_by"],
        "notes": options["notes"],
    }
    base.update({key: value for key, value in given.items() if value is not None})
    if options["chain"] is not None or options["kinds"] or options["relations"]:
        names = (
            split_chain_text(options["chain"])
            if options["chain"] is not None
            else [h.name for h in base.get("chain", [])]
        )
        attribution = (
            AttributionType(base["attribution_type"]) if base.get("attribution_type") else None
        )

        def lookup(name: str) -> Any:
            source = source_service.find_source(session, name)
            return source_service.parse_kind(source.kind) if source else None

        base["chain"] = build_chain(
            names,
            kinds=options["kinds"],
            relations=options["relations"],
            attribution_type=attribution,
            lookup_kind=lookup,
        )
        if options["translated"] is None:
            base.pop("translated", None)
    return AssessmentInput.model_validate(base)


COMMANDS: list[click.Command] = [rate_command]
