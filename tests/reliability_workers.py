"""Code that runs in child processes of the reliability tests (importable, so `spawn` finds it):
a reviewer who saves and re-edits many assessments, and a writer that keeps saving while a
backup is taken."""

from __future__ import annotations

from sqlmodel import Session

from factcheck.domain.chains import build_chain
from factcheck.services import assessments, claims
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, write
from schemas.records import AssessmentInput

RELIABILITY = "ABCDE"
KINDS = ("factual", "opinion", "prediction", "framing")


def assessment_for(reviewer: str, step: int) -> AssessmentInput:
    """The assessment a worker writes at `step`: its notes name the step, so the test can tell
    which write came last; the chain has a hop of the worker's own, new to the registry."""
    return AssessmentInput(
        attribution_type="direct_quote" if step % 3 else "indirect",
        speaker="Alexander Stubb",
        cue="told",
        chain=build_chain(
            ["Alexander Stubb", f"{reviewer} desk {step % 7}", "Reuters", "ZeroHedge"],
            kinds="head_of_state > national_media > wire_agency > aggregator",
        ),
        source_reliability=RELIABILITY[step % len(RELIABILITY)],
        information_credibility=1 + step % 5,
        notes=f"{reviewer}:{step}",
    )


def rate_many(url: str, reviewer: str, claim_ids: list[int], saves: int) -> dict[int, int]:
    """Save `saves` assessments as `reviewer`, cycling over the claims (so each is re-edited
    many times), and now and then change a claim's kind; returns each claim's last step."""
    engine = make_engine(url, migrate=False)
    try:
        who = write(engine, lambda s: get_or_create_reviewer(s, reviewer), retry_on_integrity=True)
        last: dict[int, int] = {}
        for step in range(saves):
            claim_id = claim_ids[(step * 7 + len(reviewer)) % len(claim_ids)]
            data = assessment_for(reviewer, step)

            def save(session: Session, claim_id: int = claim_id, data: AssessmentInput = data):
                return assessments.save_assessment(session, claim_id, who, data).id

            write(engine, save, retry_on_integrity=True)
            last[claim_id] = step
            if step % 25 == 0:
                kind = KINDS[step % len(KINDS)]
                write(engine, lambda s, c=claim_id, k=kind: claims.edit_claim(s, c, kind=k))
        return last
    finally:
        engine.dispose()


def keep_saving(url: str, reviewer: str, claim_ids: list[int], stop_file: str) -> int:
    """Save assessments until `stop_file` exists; returns how many were saved."""
    from pathlib import Path

    engine = make_engine(url, migrate=False)
    try:
        who = write(engine, lambda s: get_or_create_reviewer(s, reviewer), retry_on_integrity=True)
        step = 0
        while not Path(stop_file).exists():
            claim_id = claim_ids[step % len(claim_ids)]
            data = assessment_for(reviewer, step)
            write(
                engine,
                lambda s, c=claim_id, d=data: assessments.save_assessment(s, c, who, d).id,
                retry_on_integrity=True,
            )
            step += 1
        return step
    finally:
        engine.dispose()


WORKERS = {"rate_many": rate_many, "keep_saving": keep_saving}


def main(argv: list[str]) -> None:
    """`python -m tests.reliability_workers NAME JSON-ARGS`: run one worker, print its result as
    JSON. Separate interpreters (not a process pool) so a worker that dies is reported with its
    exit code and its last words on stderr instead of a bare "process pool broken"."""
    import json

    name, arguments = argv
    result = WORKERS[name](*json.loads(arguments))
    if isinstance(result, dict):
        result = {str(key): value for key, value in result.items()}
    print(json.dumps(result))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
