"""Roles enforced in the services (team mode), proved by calling them directly: blind rating,
adjudication, boundary changes after others rated, admin-only operations, sign-in lockout.
Local mode stays permissive. Runs on SQLite and, with FACTCHECK_TEST_PG_URL, PostgreSQL."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from factcheck.errors import AuthError, InputError, NotFoundError, PermissionDenied
from factcheck.services import access, articles, assessments, claims, review, reviewers
from factcheck.store.engine import read_session, write
from factcheck.store.models import Assessment, Claim, Reviewer, utcnow
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop

PASSWORD = "correct horse battery"


def add(engine: Engine, name: str, role: str, password: str = PASSWORD) -> access.Actor:
    """Create an account as the bootstrap admin would (the check is bypassed on purpose)."""

    def work(session: Session) -> access.Actor:
        reviewer = Reviewer(name=name, role=role, password_hash=reviewers.hash_password(password))
        session.add(reviewer)
        session.flush()
        return access.as_actor(reviewer)

    return write(engine, work)


def import_article(
    engine: Engine, text: str, actor: access.Actor | None = None
) -> tuple[int, list[int]]:
    """Import as `actor` (team mode refuses an import by nobody)."""

    def work(session: Session) -> tuple[int, list[int]]:
        article = articles.import_text(session, text, ArticleMeta(outlet="ZeroHedge"), actor=actor)
        ids = [c.id for c in claims.list_claims(session, article.id)]  # type: ignore[arg-type]
        return article.id, ids  # type: ignore[return-value]

    return write(engine, work)


def rate_as(
    engine: Engine, actor: access.Actor, claim_id: int, *, final: bool = False, **fields: object
) -> int:
    def work(session: Session) -> int:
        owner = session.get(Reviewer, actor.id)
        assert owner is not None
        saved = assessments.save_assessment(
            session, claim_id, owner, AssessmentInput(**fields), final=final, actor=actor
        )
        return saved.id  # type: ignore[return-value]

    return write(engine, work, retry_on_integrity=True)


def reviewer_row(session: Session, actor: access.Actor) -> Reviewer:
    row = session.get(Reviewer, actor.id)
    assert row is not None
    return row


@pytest.fixture
def desk(engine: Engine, demo_text: str, team: None) -> dict[str, object]:
    return make_desk(engine, demo_text)


def make_desk(engine: Engine, demo_text: str) -> dict[str, object]:
    """Two annotators, an adjudicator and an admin on the demo article; ana and bob rated
    claim 0 differently, ana alone rated claim 1 (team mode must be on)."""
    people = {
        "ana": add(engine, "ana", "annotator"),
        "bob": add(engine, "bob", "annotator"),
        "judge": add(engine, "judge", "adjudicator"),
        "root": add(engine, "root", "admin"),
    }
    article_id, claim_ids = import_article(engine, demo_text, people["root"])
    rate_as(engine, people["ana"], claim_ids[0], source_reliability="B", information_credibility=2)
    rate_as(engine, people["bob"], claim_ids[0], source_reliability="C", information_credibility=2)
    rate_as(engine, people["ana"], claim_ids[1], source_reliability="A")
    return {**people, "article": article_id, "claims": claim_ids}


# ---------------------------------------------------------------- blind rating


def test_annotator_sees_only_their_own_until_release(engine: Engine, desk: dict) -> None:
    ana, bob, judge = desk["ana"], desk["bob"], desk["judge"]
    article_id, first = desk["article"], desk["claims"][0]
    with read_session(engine) as session:
        mine = assessments.assessments_for_article(session, article_id, actor=ana)
        assert {v.reviewer for v in mine} == {"ana"}
        assert {
            v.reviewer
            for v in assessments.assessments_for_article(session, article_id, actor=judge)
        } == {
            "ana",
            "bob",
        }
        with pytest.raises(PermissionDenied, match="until it is released"):
            assessments.get_assessment(session, first, reviewer_row(session, bob), actor=ana)
        assert assessments.get_assessment(session, first, reviewer_row(session, ana), actor=ana)
        with pytest.raises(PermissionDenied, match="before it is released"):
            review.review_sheet(session, article_id, actor=ana)
        with pytest.raises(PermissionDenied):
            review.article_agreement(session, article_id, actor=bob)
        assert review.project_agreement(session, actor=ana)["source_reliability"]["units"] == 0
        sheet = review.review_sheet(session, article_id, actor=judge)
        assert sheet.reviewers == ["ana", "bob"]
        assert sheet.differs[first] == ["source_reliability"]
        assert sheet.can_adjudicate

    write(engine, lambda s: review.release_article(s, article_id, actor=judge))
    with read_session(engine) as session:
        theirs = assessments.get_assessment(session, first, reviewer_row(session, bob), actor=ana)
        assert theirs is not None and theirs.assessment.source_reliability == "C"
        sheet = review.review_sheet(session, article_id, actor=ana)
        assert not sheet.can_adjudicate
        assert review.project_agreement(session, actor=ana)["source_reliability"]["units"] == 1


def test_nobody_records_someone_elses_assessment(engine: Engine, desk: dict) -> None:
    def work(session: Session) -> None:
        bob = session.get(Reviewer, desk["bob"].id)
        assessments.save_assessment(
            session,
            desk["claims"][2],
            bob,
            AssessmentInput(source_reliability="E"),
            actor=desk["ana"],
        )

    with pytest.raises(PermissionDenied, match="cannot record bob's assessment"):
        write(engine, work)


def test_only_adjudicators_release_and_record_finals(engine: Engine, desk: dict) -> None:
    article_id, first = desk["article"], desk["claims"][0]
    with pytest.raises(PermissionDenied, match="cannot release"):
        write(engine, lambda s: review.release_article(s, article_id, actor=desk["ana"]))
    with pytest.raises(PermissionDenied, match="release article"):
        rate_as(engine, desk["judge"], first, final=True, source_reliability="B")
    write(engine, lambda s: review.release_article(s, article_id, actor=desk["judge"]))
    with pytest.raises(PermissionDenied, match="cannot record a final"):
        rate_as(engine, desk["ana"], first, final=True, source_reliability="B")

    def adjudicate(session: Session) -> int:
        judge = reviewer_row(session, desk["judge"])
        with read_session(engine) as reading:
            draft = review.majority_draft(
                review.review_sheet(reading, article_id, actor=judge).views(first)
            )
        # ana B, bob C: no majority, so the adjudicator takes ana's
        draft = review.take(draft, "source_reliability", "B")
        return review.record_final(session, first, judge, draft, actor=desk["judge"]).id  # type: ignore[return-value]

    final_id = write(engine, adjudicate)
    with read_session(engine) as session:
        final = session.get(Assessment, final_id)
        assert final is not None and final.is_final and final.reviewer_id == desk["judge"].id
        # the reviewers' own rows are untouched
        rows = session.exec(select(Assessment).where(Assessment.claim_id == first)).all()
        assert sorted((r.source_reliability, r.is_final) for r in rows) == [
            ("B", False),
            ("B", True),
            ("C", False),
        ]


def test_released_ratings_are_frozen_for_annotators_except_flagged(
    engine: Engine, desk: dict
) -> None:
    article_id, first = desk["article"], desk["claims"][0]
    write(engine, lambda s: review.release_article(s, article_id, actor=desk["judge"]))
    with pytest.raises(PermissionDenied, match="frozen"):
        rate_as(engine, desk["bob"], first, source_reliability="B")
    # an adjudicator trims the claim: the ratings are flagged and may be redone
    with read_session(engine) as session:
        claim = session.get(Claim, first)
        assert claim is not None
        start, end = claim.start, claim.end
    write(
        engine,
        lambda s: claims.edit_claim(s, first, end=end - 1, drop_rest=True, actor=desk["judge"]),
    )
    rate_as(engine, desk["bob"], first, source_reliability="B")
    with read_session(engine) as session:
        bob = assessments.get_assessment(
            session, first, reviewer_row(session, desk["bob"]), actor=desk["bob"]
        )
        assert bob is not None and not bob.assessment.needs_review
        assert start >= 0


# ---------------------------------------------------------------- boundaries


@pytest.mark.parametrize("operation", ["merge", "split", "edit", "drop"])
def test_changing_claims_others_rated_needs_an_adjudicator(
    engine: Engine, desk: dict, operation: str
) -> None:
    first = desk["claims"][0]
    with read_session(engine) as session:
        claim = session.get(Claim, first)
        assert claim is not None
        middle = (claim.start + claim.end) // 2
        while claim.text[middle - claim.start].isspace() is False and middle < claim.end - 2:
            middle += 1

    def change(actor: access.Actor) -> object:
        def work(session: Session) -> object:
            if operation == "merge":
                return claims.merge_claims(session, first, actor=actor)
            if operation == "split":
                return claims.split_claim(session, first, middle, actor=actor)
            if operation == "edit":
                return claims.edit_claim(
                    session, first, end=claim.end - 1, drop_rest=True, actor=actor
                )
            return claims.drop_claim(session, first, actor=actor)

        return write(engine, work)

    with pytest.raises(PermissionDenied, match="other reviewers have rated"):
        change(desk["ana"])
    change(desk["judge"])
    with read_session(engine) as session:
        kept = session.exec(select(Assessment).where(Assessment.claim_id == first)).all()
        assert len(kept) == 2  # never lost ...
        assert all(a.needs_review for a in kept) or operation == "drop"  # ... and flagged


def test_own_claims_and_unrated_claims_stay_editable_by_annotators(
    engine: Engine, desk: dict
) -> None:
    second, unrated = desk["claims"][1], desk["claims"][5]
    # claim 1 is rated by ana only: she may change it; an unrated claim anybody may
    write(engine, lambda s: claims.drop_claim(s, second, actor=desk["ana"]))
    write(engine, lambda s: claims.drop_claim(s, unrated, actor=desk["bob"]))
    write(engine, lambda s: claims.restore_claim(s, unrated, actor=desk["bob"]))
    with pytest.raises(PermissionDenied, match="sign in"):
        write(engine, lambda s: claims.drop_claim(s, unrated))


def test_acting_as_sets_the_actor_for_a_block(engine: Engine, desk: dict) -> None:
    first = desk["claims"][0]
    with access.acting_as(desk["ana"]), pytest.raises(PermissionDenied):
        write(engine, lambda s: claims.drop_claim(s, first))
    with access.acting_as(desk["root"]):
        write(engine, lambda s: claims.drop_claim(s, first))


# ---------------------------------------------------------------- admin


def test_only_admins_manage_reviewers_and_delete(engine: Engine, desk: dict) -> None:
    judge, root = desk["judge"], desk["root"]
    with pytest.raises(PermissionDenied, match="cannot add reviewers"):
        write(
            engine, lambda s: reviewers.add_reviewer(s, "eve", "annotator", PASSWORD, actor=judge)
        )
    with pytest.raises(PermissionDenied, match="cannot disable"):
        write(engine, lambda s: reviewers.set_disabled(s, "ana", actor=judge))
    with pytest.raises(PermissionDenied, match="cannot change ana's password"):
        write(engine, lambda s: reviewers.set_password(s, "ana", "x" * 12, actor=judge))
    with pytest.raises(PermissionDenied, match="cannot delete"):
        write(engine, lambda s: articles.delete_article(s, desk["article"], actor=judge))
    with pytest.raises(InputError, match="needs a password"):
        write(engine, lambda s: reviewers.add_reviewer(s, "eve", "annotator", actor=root))
    write(engine, lambda s: reviewers.add_reviewer(s, "eve", "annotator", PASSWORD, actor=root))
    write(engine, lambda s: reviewers.set_password(s, "ana", "new password!", actor=desk["ana"]))
    write(engine, lambda s: reviewers.set_disabled(s, "bob", actor=root))
    with pytest.raises(AuthError, match="disabled"):
        rate_as(engine, desk["bob"], desk["claims"][3], source_reliability="B")
    with pytest.raises(NotFoundError, match="an admin adds reviewers"):
        write(engine, lambda s: reviewers.get_or_create_reviewer(s, "mallory"))
    write(engine, lambda s: articles.delete_article(s, desk["article"], actor=root))


def test_only_admins_manage_the_sources_registry(engine: Engine, desk: dict) -> None:
    from factcheck.services import sources

    for who in ("ana", "judge"):
        with access.acting_as(desk[who]):
            with pytest.raises(PermissionDenied, match="manage the sources registry"):
                write(engine, lambda s: sources.add_source(s, "Desk Wire", "wire_agency"))
            with pytest.raises(PermissionDenied, match="manage the sources registry"):
                write(engine, lambda s: sources.update_source(s, "Reuters", kind="newspaper"))
            with pytest.raises(PermissionDenied, match="manage the sources registry"):
                write(engine, lambda s: sources.merge_sources(s, "Reuters", "AFP"))
            with pytest.raises(PermissionDenied, match="manage the sources registry"):
                write(engine, lambda s: sources.delete_source(s, "Reuters"))
    with read_session(engine) as session:
        assert sources.get_source(session, "Reuters").kind == "wire_agency"
        assert sources.find_source(session, "Desk Wire") is None
    # A chain that names a new outlet still records it, whoever rates.
    rate_as(
        engine,
        desk["ana"],
        desk["claims"][2],
        chain=[ChainHop(name="Kyiv Desk Daily", kind="newspaper"), ChainHop(name="ZeroHedge")],
    )
    with read_session(engine) as session:
        assert sources.find_source(session, "Kyiv Desk Daily") is not None
    with access.acting_as(desk["root"]):
        write(engine, lambda s: sources.add_source(s, "Desk Wire", "wire_agency"))
        write(engine, lambda s: sources.merge_sources(s, "Desk Wire", "Kyiv Desk Daily"))


def test_the_first_admin_bootstraps_without_signing_in(engine: Engine, team: None) -> None:
    with pytest.raises(PermissionDenied):
        write(engine, lambda s: reviewers.add_reviewer(s, "ana", "annotator", PASSWORD))
    write(engine, lambda s: reviewers.add_reviewer(s, "root", "admin", PASSWORD))
    with pytest.raises(PermissionDenied):
        write(engine, lambda s: reviewers.add_reviewer(s, "root2", "admin", PASSWORD))


# ---------------------------------------------------------------- sign-in


def test_passwords_are_hashed_and_sign_in_locks_after_failures(
    engine: Engine, team: None, caplog: pytest.LogCaptureFixture
) -> None:
    add(engine, "ana", "annotator")
    with read_session(engine) as session:
        stored = reviewers.get_reviewer(session, "ana").password_hash
    assert stored and PASSWORD not in stored and stored.startswith("$argon2")
    assert reviewers.sign_in(engine, "ana", PASSWORD).name == "ana"
    caplog.set_level(logging.INFO, logger="factcheck.services.reviewers")
    for _ in range(reviewers.MAX_FAILED_SIGNINS - 1):
        with pytest.raises(AuthError, match="wrong name or password"):
            reviewers.sign_in(engine, "ana", "guess")
    with pytest.raises(AuthError, match="too many failed sign-ins"):
        reviewers.sign_in(engine, "ana", "guess")
    # locked: even the right password is refused for a while
    with pytest.raises(AuthError, match="too many failed sign-ins"):
        reviewers.sign_in(engine, "ana", PASSWORD)
    assert "failed sign-in for 'ana'" in caplog.text
    assert "guess" not in caplog.text and PASSWORD not in caplog.text

    def expire(session: Session) -> None:
        row = reviewers.get_reviewer(session, "ana")
        row.locked_until = utcnow() - timedelta(seconds=1)
        session.add(row)

    write(engine, expire)
    assert reviewers.sign_in(engine, "ana", PASSWORD).name == "ana"
    with pytest.raises(AuthError, match="wrong name or password"):
        reviewers.sign_in(engine, "nobody", PASSWORD)


def test_disabled_accounts_cannot_sign_in(engine: Engine, team: None) -> None:
    add(engine, "root", "admin")
    add(engine, "ana", "annotator")
    write(
        engine,
        lambda s: reviewers.set_disabled(
            s, "ana", actor=reviewers.sign_in(engine, "root", PASSWORD)
        ),
    )
    with pytest.raises(AuthError, match="disabled"):
        reviewers.sign_in(engine, "ana", PASSWORD)


# ---------------------------------------------------------------- local mode


def test_local_mode_stays_permissive(engine: Engine, demo_text: str) -> None:
    article_id, claim_ids = import_article(engine, demo_text)

    def rate(name: str, grade: str) -> None:
        def work(session: Session) -> None:
            who = reviewers.get_or_create_reviewer(session, name)
            assessments.save_assessment(
                session, claim_ids[0], who, AssessmentInput(source_reliability=grade)
            )

        write(engine, work)

    rate("ana", "B")
    rate("bob", "C")
    write(engine, lambda s: claims.drop_claim(s, claim_ids[0]))
    write(engine, lambda s: claims.restore_claim(s, claim_ids[0]))
    with read_session(engine) as session:
        sheet = review.review_sheet(session, article_id)
        assert sheet.reviewers == ["ana", "bob"]

    def adjudicate(session: Session) -> None:
        ana = reviewers.get_reviewer(session, "ana")
        review.record_final(
            session,
            claim_ids[0],
            ana,
            AssessmentInput(
                source_reliability="B", chain=[ChainHop(name="Reuters", kind="wire_agency")]
            ),
        )

    write(engine, adjudicate)
    write(engine, lambda s: articles.delete_article(s, article_id))


def test_majority_draft_prefers_the_most_common_value(engine: Engine, desk: dict) -> None:
    first = desk["claims"][0]
    rate_as(engine, desk["judge"], first, source_reliability="C", speaker="Putin")
    with read_session(engine) as session:
        sheet = review.review_sheet(session, desk["article"], actor=desk["judge"])
    draft = review.majority_draft(sheet.views(first))
    assert draft.source_reliability == "C"
    assert draft.information_credibility == 2
    assert draft.speaker == "Putin"


def test_team_mode_refuses_callers_that_say_nobody_is_acting(engine: Engine, desk: dict) -> None:
    """No "trust the caller": a script or import that does not sign in is refused."""

    def work(session: Session) -> None:
        ana = session.get(Reviewer, desk["ana"].id)
        assessments.save_assessment(session, desk["claims"][4], ana, AssessmentInput())

    with pytest.raises(PermissionDenied, match="sign in first"):
        write(engine, work)
    with read_session(engine) as session, pytest.raises(PermissionDenied, match="sign in first"):
        assessments.get_assessment(session, desk["claims"][0], reviewer_row(session, desk["ana"]))
    with read_session(engine) as session, pytest.raises(PermissionDenied, match="sign in first"):
        assessments.assessments_for_article(session, desk["article"])
    with pytest.raises(PermissionDenied, match="sign in first"):
        write(engine, lambda s: review.release_article(s, desk["article"]))


def test_withdrawing_a_release_makes_rating_blind_again(engine: Engine, desk: dict) -> None:
    article_id, judge = desk["article"], desk["judge"]
    write(engine, lambda s: review.release_article(s, article_id, actor=judge))
    with read_session(engine) as session, access.acting_as(desk["ana"]):
        listed = {a.id: a for a in review.review_articles(session)}
        assert listed[article_id].released and listed[article_id].reviewers == 2
    with pytest.raises(PermissionDenied, match="cannot withdraw"):
        write(engine, lambda s: review.withdraw_release(s, article_id, actor=desk["ana"]))
    write(engine, lambda s: review.withdraw_release(s, article_id, actor=judge))
    with read_session(engine) as session, access.acting_as(desk["ana"]):
        assert not review.review_articles(session)[0].released
        assert review.review_articles(session)[0].reviewers is None  # blind again
        with pytest.raises(PermissionDenied):
            review.review_sheet(session, article_id, actor=desk["bob"])


def test_the_adjudicators_edits_keep_the_chain_kinds_when_the_chain_is_unchanged(
    engine: Engine, desk: dict
) -> None:
    base = AssessmentInput(
        chain=[
            ChainHop(name="Vladimir Putin", kind="head_of_state"),
            ChainHop(name="TASS", kind="state_media", relation="translated_by"),
        ],
        source_reliability="B",
    )
    with read_session(engine) as session:
        same = review.edited_draft(session, base, "Vladimir Putin > TASS", notes="checked")
        other = review.edited_draft(session, base, "Vladimir Putin > Reuters", notes="")
    assert same.chain == base.chain and same.notes == "checked"
    assert same.source_reliability == "B"
    assert [h.name for h in other.chain] == ["Vladimir Putin", "Reuters"]
    assert other.chain[1].kind.value == "wire_agency"  # from the starter registry


# ---------------------------------------------------------------- exports and imports


def _exported_reviewers(engine: Engine, who: access.Actor | None) -> list[str]:
    import csv
    import io

    from factcheck.interchange.export import csv_bytes

    with access.acting_as(who), read_session(engine) as session:
        rows = csv.DictReader(io.StringIO(csv_bytes(session).decode("utf-8")))
        return sorted(f"{row['reviewer']}:{row['claim_id']}" for row in rows)


def test_exports_are_blind_for_annotators_until_release(engine: Engine, desk: dict) -> None:
    first, second = desk["claims"][0], desk["claims"][1]
    assert _exported_reviewers(engine, desk["ana"]) == [f"ana:{first}", f"ana:{second}"]
    assert _exported_reviewers(engine, desk["bob"]) == [f"bob:{first}"]
    everyone = sorted([f"ana:{first}", f"ana:{second}", f"bob:{first}"])
    assert _exported_reviewers(engine, desk["judge"]) == everyone
    with pytest.raises(PermissionDenied, match="sign in first"):
        _exported_reviewers(engine, None)
    write(engine, lambda s: review.release_article(s, desk["article"], actor=desk["judge"]))
    assert _exported_reviewers(engine, desk["bob"]) == everyone


def test_only_admins_load_other_reviewers_work(engine: Engine, desk: dict, tmp_path: Path) -> None:
    from factcheck.interchange import export_bundle, import_brat, import_bundle

    folder = tmp_path / "brat"
    folder.mkdir()
    text = "Officials said the bridge was closed."
    (folder / "bridge.txt").write_text(text, encoding="utf-8")
    (folder / "bridge_zoe.ann").write_text(
        "T1\tSource 0 9\tOfficials\nT2\tCue 10 14\tsaid\nT3\tContent 15 37\tthe bridge was closed"
        "\nE1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n",
        encoding="utf-8",
    )
    bundle = tmp_path / "project.jsonl"
    with access.acting_as(desk["root"]):
        export_bundle(engine, bundle, None, None)
    for who in ("ana", "judge"):
        with access.acting_as(desk[who]):
            with pytest.raises(PermissionDenied, match="import annotators' BRAT files"):
                import_brat(engine, folder)
            with pytest.raises(PermissionDenied, match="load a project bundle"):
                import_bundle(engine, bundle)
    with read_session(engine) as session:
        assert reviewers.find_reviewer(session, "zoe") is None
    with access.acting_as(desk["root"]):
        import_brat(engine, folder)
    with read_session(engine) as session:
        zoe = reviewers.find_reviewer(session, "zoe")
        assert zoe is not None and zoe.password_hash is None
    with pytest.raises(AuthError):
        reviewers.sign_in(engine, "zoe", "")
