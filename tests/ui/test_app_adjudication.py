"""Issue #17 on the Review page (AppTest): the queue of disagreements with its counts and
next/previous buttons (J/K), the form that prefills only what a strict majority agrees on,
"take A / take B", and a final that keeps each hop's relation exactly."""

from __future__ import annotations

from sqlmodel import Session

from factcheck.services import articles, assessments, claims
from factcheck.services.assessments import get_assessment
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, read_session, write
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import Relation, SourceKind
from tests.ui.test_app_review import REVIEW, open_review, start

TEXTS = [
    "Stubb said Europe was ready to send troops.\n\nThe ministry said talks would continue.\n",
    "Putin said foreign troops would be targets.\n\nThe Kremlin said nothing more.\n",
]
CHAIN = [
    ChainHop(name="Alexander Stubb", kind=SourceKind.head_of_state),
    ChainHop(name="Yle", kind=SourceKind.broadcaster, relation=Relation.headline_paraphrase),
    ChainHop(name="ZeroHedge", kind=SourceKind.aggregator, relation=Relation.republished_by),
]


def seed(url: str) -> list[list[int]]:
    """Two articles; ana and bob differ on the first claim of each (grade), agree on the
    chain of the first article's first claim."""
    engine = make_engine(url)

    def work(session: Session) -> list[list[int]]:
        ids = []
        for n, text in enumerate(TEXTS):
            article = articles.import_text(session, text, ArticleMeta(outlet=f"Outlet {n}"))
            ids.append([c.id for c in claims.list_claims(session, article.id)])  # type: ignore[arg-type]
        for name, grade in (("ana", "B"), ("bob", "C")):
            who = get_or_create_reviewer(session, name)
            for first, *_ in ids:
                data = AssessmentInput(
                    source_reliability=grade, information_credibility=2, chain=CHAIN
                )
                assessments.save_assessment(session, first, who, data)
        get_or_create_reviewer(session, "judge")
        return ids  # type: ignore[return-value]

    try:
        return write(engine, work)
    finally:
        engine.dispose()


def text_of(at: object) -> str:
    return " ".join(m.value for m in at.markdown)  # type: ignore[attr-defined]


def test_the_queue_takes_the_adjudicator_through_every_disagreement(db: str) -> None:
    ids = seed(db)
    at = start()
    at.selectbox(key="pick_reviewer").set_value("judge").run()
    at.button(key="continue_reviewer").click().run()
    open_review(at)
    # newest article first: the second one is open
    assert "**1** disagreement left in this article, **2** in the project" in text_of(at)
    assert at.session_state["review_claim"] == ids[1][0]
    at.button(key="queue_next").click().run()
    assert not at.exception, at.exception
    assert (at.session_state["review_article"], at.session_state["review_claim"]) == (
        2,
        ids[1][0],
    ) or at.session_state["review_claim"] == ids[0][0]
    # go to the first article's disagreement whichever way the queue wrapped
    while at.session_state["review_claim"] != ids[0][0]:
        at.button(key="queue_next").click().run()
    assert at.session_state["review_article"] == 1
    # nothing prefilled where ana and bob differ; the agreed fields are
    assert at.selectbox(key="final_reliability").value == ""
    assert at.selectbox(key="final_credibility").value == 2
    assert at.text_input(key="final_chain").value == "Alexander Stubb > Yle > ZeroHedge"
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "information credibility (both reviewers agree)" in captions
    at.button(key="take_source_reliability_bob").click().run()
    assert at.selectbox(key="final_reliability").value == "C"
    at.button(key="record_final").click().run()
    assert not at.exception, at.exception
    assert "**0** disagreements left in this article, **1** in the project" in text_of(at)
    with read_session(make_engine(db)) as session:
        judge = get_or_create_reviewer(session, "judge")
        final = get_assessment(session, ids[0][0], judge, final=True)
    assert final is not None
    assert (final.assessment.source_reliability, final.assessment.information_credibility) == (
        "C",
        2,
    )
    assert final.chain == CHAIN  # headline_paraphrase kept, not turned into another relation


def test_local_mode_shows_the_queue_to_every_reviewer(db: str) -> None:
    seed(db)
    at = start()
    at.text_input(key="new_reviewer_name").input("ana")
    at.button(key="create_reviewer").click().run()
    at.switch_page(REVIEW)
    at.run()
    assert not at.exception, at.exception
    assert "**2** in the project" in text_of(at)


def test_a_half_written_final_survives_moving_and_another_page(db: str) -> None:
    ids = seed(db)
    at = start()
    at.selectbox(key="pick_reviewer").set_value("judge").run()
    at.button(key="continue_reviewer").click().run()
    open_review(at)
    assert at.session_state["review_claim"] == ids[1][0]
    at.text_area(key="final_notes").input("Checked against the TASS copy").run()
    at.button(key="take_source_reliability_ana").click().run()
    at.button(key="queue_next").click().run()
    assert at.session_state["review_claim"] == ids[0][0]
    assert at.text_area(key="final_notes").value == ""  # the other claim's own form
    at.button(key="queue_previous").click().run()
    assert at.session_state["review_claim"] == ids[1][0]
    assert at.text_area(key="final_notes").value == "Checked against the TASS copy"
    assert at.selectbox(key="final_reliability").value == "B"
    at.switch_page("factcheck/ui/pages/articles.py")
    at.run()
    open_review(at)
    assert at.text_area(key="final_notes").value == "Checked against the TASS copy"
    assert at.selectbox(key="final_reliability").value == "B"
