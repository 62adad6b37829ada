"""Review page: one article's claims × reviewers side by side, disagreements highlighted,
agreement figures, release for adjudication and the adjudicator's final assessment.

Everything shown is text in tables and widgets (no HTML built from user text); the services
in factcheck/services/review.py decide what this reviewer may see and do."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from factcheck.domain.agreement import FIELDS
from factcheck.domain.display import markdown_literal
from factcheck.errors import FactcheckError
from factcheck.ids import row_id
from factcheck.services import review
from factcheck.ui.common import (
    ATTRIBUTION_TYPE_OPTIONS,
    CREDIBILITY_OPTIONS,
    RELIABILITY_OPTIONS,
    current_actor,
    forget,
    read,
    remembered,
    require_reviewer,
    run_write,
)
from schemas.records import AssessmentInput
from schemas.vocab import CREDIBILITY_MEANINGS, RELIABILITY_MEANINGS

ss = st.session_state
QUEUE_SECONDS = 10
DISAGREE_STYLE = "background-color: rgba(255, 170, 0, 0.25)"
FIELD_LABELS = {
    "attribution_type": "attribution type",
    "speaker": "speaker",
    "cue": "cue",
    "chain": "chain",
    "source_reliability": "source reliability",
    "information_credibility": "information credibility",
    "translated": "translated",
}

reviewer = require_reviewer()
actor = current_actor()

st.title("Review")
st.caption(
    "Compare reviewers claim by claim, see how far they agree, and record the final "
    "assessment. Annotators see the comparison once an adjudicator releases the article."
)

flash = ss.pop("review_flash", None)
if flash:
    st.success(markdown_literal(flash))

listed = read(review.review_articles)
if not listed:
    st.info("No articles yet: import one on the Articles page, then have reviewers rate it.")
    st.stop()

labels = {
    a.id: f"{a.id} · {a.title[:70]} · "
    + (f"{a.reviewers} reviewer(s)" if a.reviewers is not None else "rated blind")
    + (" · released" if a.released else "")
    for a in listed
}
ids = list(labels)
if ss.get("review_article") not in labels:
    preferred = ss.get("article_id")
    ss["review_article"] = preferred if preferred in labels else ids[0]
article_id: int = st.selectbox("Article", ids, format_func=labels.__getitem__, key="review_article")

try:
    sheet = read(lambda s: review.review_sheet(s, article_id, actor=actor))
except FactcheckError as error:
    st.error(markdown_literal(str(error)), icon="🔒")
    st.stop()

# ------------------------------------------------------------------ the queue
# The project-wide queue reads every disagreeing claim's ratings: kept for a few seconds
# (every widget on this page reruns it) and dropped when this page records a final.
QUEUE_KEY = "review_queue"
queue = (
    remembered(
        f"{QUEUE_KEY}:{reviewer.name}",
        QUEUE_SECONDS,
        lambda: read(lambda s: review.adjudication_queue(s, actor=actor)),
    )
    if sheet.can_adjudicate
    else []
)


def step_queue(step: int) -> None:
    """Next (+1) or previous (-1) disagreement across the project, from the open claim."""
    target = review.queue_step(queue, ss.get("review_where", (article_id, 0)), step)
    if target is not None:
        ss["review_article"] = target.article_id
        ss["review_claim"] = target.claim_id


if sheet.can_adjudicate:
    here, total = review.queue_counts(queue, article_id)
    counts, back, forward = st.columns([4, 1, 1], vertical_alignment="center")
    counts.markdown(
        f"**{here}** disagreement{'s' if here != 1 else ''} left in this article, "
        f"**{total}** in the project" + (" (released articles)" if sheet.team_mode else "")
    )
    back.button(
        "Previous", key="queue_previous", icon=":material/arrow_back:", shortcut="K",
        on_click=step_queue, args=(-1,), disabled=not queue, width="stretch",
        help="Previous disagreement without a final (K)",
    )  # fmt: skip
    forward.button(
        "Next", key="queue_next", icon=":material/arrow_forward:", shortcut="J",
        on_click=step_queue, args=(1,), disabled=not queue, width="stretch",
        help="Next disagreement without a final (J)",
    )  # fmt: skip

# ------------------------------------------------------------------ release
head, action = st.columns([3, 1])
if sheet.released:
    head.success(f"Released for adjudication ({sheet.article.released_at:%Y-%m-%d %H:%M} UTC).")
elif sheet.team_mode:  # annotators are refused above: whoever reads this sees everything
    head.info(
        "Not released: annotators rate blind and see only their own ratings; as "
        "adjudicator you see every rating."
    )
else:
    head.info("Local mode: everyone sees every rating; use team mode for blind rating.")
if sheet.can_adjudicate:
    if sheet.released:
        label, change, button_key = "Withdraw release", review.withdraw_release, "withdraw_release"
    else:
        label, change, button_key = (
            "Release for adjudication",
            review.release_article,
            "release_article",
        )
    clicked = action.button(
        label, key=button_key, type="secondary" if sheet.released else "primary"
    )
    if clicked and run_write(lambda s: change(s, article_id, actor=actor)) is not None:
        forget(QUEUE_KEY)  # team mode's queue covers released articles
        st.rerun()


# ------------------------------------------------------------------ agreement
def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def agreement_table(report: dict[str, Any]) -> pd.DataFrame:
    rows = [
        {
            "field": FIELD_LABELS.get(name, name),
            "level": report[name]["level"],
            "alpha": _figure(report[name]["alpha"]),
            "claims": report[name]["units"],
            "reviewers": report[name]["reviewers"],
        }
        for name in FIELDS
    ]
    chains = report["chains"]
    rows.append(
        {
            "field": "chain (exact match share)",
            "level": "",
            "alpha": "—" if not chains["units"] else f"{chains['exact_match_share']:.0%}",
            "claims": chains["units"],
            "reviewers": chains["reviewers"],
        }
    )
    return pd.DataFrame(rows)


try:
    article_report = read(lambda s: review.article_agreement(s, article_id, actor=actor))
    project_report = read(lambda s: review.project_agreement(s, actor=actor))
except FactcheckError as error:
    st.error(markdown_literal(str(error)))
    st.stop()
# Folded: the adjudicator's work (the table and the form) comes first on the screen.
with st.expander("Agreement figures: this article and the project"):
    left, right = st.columns(2)
    with left:
        st.markdown("**This article**")
        st.dataframe(agreement_table(article_report), hide_index=True, key="agreement_article")
    with right:
        st.markdown("**The project**")
        st.dataframe(agreement_table(project_report), hide_index=True, key="agreement_project")
    st.caption(
        "Krippendorff's alpha (ordinal grades, nominal attribution type); F and 6 count as "
        "missing. Only claims rated by two reviewers or more count."
    )

# ------------------------------------------------------------------ claims × reviewers
if not sheet.reviewers:
    st.info("Nobody has rated this article yet.")
    st.stop()


def cell_text(view: Any) -> str:
    if view is None:
        return ""
    a = view.assessment
    grade = a.grade or "–"
    parts = [grade, a.attribution_type or "", review.chain_text(view.chain)]
    text = " · ".join(p for p in parts if p)
    return text + (" (re-rate)" if a.needs_review else "")


FIXED_COLUMNS = {"claim", "text", "final", "differs on", "field"}


def column(name: str) -> str:
    """A reviewer's column; a reviewer called "final" must not hide the final column."""
    return f"{name} (reviewer)" if name in FIXED_COLUMNS else name


rated_claims = [c for c in sheet.claims if c.id in sheet.cells or c.id in sheet.finals]
table = pd.DataFrame(
    [
        {
            "claim": c.position if not c.dropped else "dropped",
            "text": c.text[:90],
            **{
                column(name): cell_text(sheet.cells.get(row_id(c), {}).get(name))
                for name in sheet.reviewers
            },
            "final": cell_text(sheet.finals.get(row_id(c))),
            "differs on": ", ".join(FIELD_LABELS[f] for f in sheet.differs.get(row_id(c), [])),
        }
        for c in rated_claims
    ]
)
st.subheader("Claims × reviewers")
st.caption(
    f"{len(sheet.disputed)} of {len(rated_claims)} rated claims with disagreements (highlighted)."
)


def _highlight(row: pd.Series) -> list[str]:
    return [DISAGREE_STYLE if row["differs on"] else "" for _ in row]


# Narrow fixed columns and wrapped cells: with several reviewers the table scrolls inside
# itself, and each cell can be read in full in the claim's detail below.
st.dataframe(
    table.style.apply(_highlight, axis=1),
    hide_index=True,
    width="stretch",
    key="review_table",
    column_config={
        "claim": st.column_config.Column(width=60),
        "text": st.column_config.TextColumn(width="medium"),
        "differs on": st.column_config.TextColumn(width="small"),
    },
)

# ------------------------------------------------------------------ one claim in detail
claim_labels = {
    row_id(c): f"#{c.position} {'⚠ ' if sheet.differs.get(row_id(c)) else ''}{c.text[:80]}"
    for c in rated_claims
}
choices = sorted(claim_labels, key=lambda cid: (not sheet.differs.get(cid), cid))
if ss.get("review_claim") not in claim_labels:
    ss["review_claim"] = choices[0]
claim_id: int = st.selectbox(
    "Claim", choices, format_func=claim_labels.__getitem__, key="review_claim"
)
ss["review_where"] = (
    article_id,
    next((c.position for c in rated_claims if row_id(c) == claim_id), 0),
)
views = sheet.cells.get(claim_id, {})
begun = review.starting_point(sheet, claim_id)
FIELD_ROWS = [
    ("attribution type", "attribution_type"),
    ("speaker", "speaker"),
    ("cue", "cue"),
    ("chain", "chain"),
    ("source reliability", "source_reliability"),
    ("information credibility", "information_credibility"),
    ("translated", "translated"),
    ("sourcing score", "sourcing_score"),
    ("primary source", "primary_source_url"),
    ("notes", "notes"),
]


def field_text(view: Any, name: str) -> str:
    if view is None:
        return ""
    if name == "chain":
        return review.chain_text(view.chain)
    value = getattr(view.assessment, name)
    return "" if value is None else str(value)


detail = pd.DataFrame(
    [
        {
            "field": label,
            **{column(who): field_text(view, name) for who, view in views.items()},
            "final": field_text(sheet.finals.get(claim_id), name),
        }
        for label, name in FIELD_ROWS
    ]
)
differing = {FIELD_LABELS[f] for f in sheet.differs.get(claim_id, [])}


def _highlight_field(row: pd.Series) -> list[str]:
    return [DISAGREE_STYLE if row["field"] in differing else "" for _ in row]


# A static table: every value wraps and is shown whole (a chain of eight hops included).
st.table(detail.style.apply(_highlight_field, axis=1).hide(axis="index"))

# ------------------------------------------------------------------ adjudication
if not sheet.can_adjudicate:
    st.stop()
st.subheader("Final assessment")
if not sheet.final_allowed:
    st.info("Release the article for adjudication to record final assessments.")
    st.stop()

# The form's fields as widget keys, and the draft's field each one shows.
FORM_FIELDS = {
    "attribution_type": "final_type",
    "speaker": "final_speaker",
    "cue": "final_cue",
    "chain": "final_chain",
    "source_reliability": "final_reliability",
    "information_credibility": "final_credibility",
}


def widget_value(name: str, value: Any) -> Any:
    """A draft value as its widget holds it ("" or 0 for "not set")."""
    if name == "chain":
        return review.chain_text(value or [])
    if name == "information_credibility":
        return value or 0
    if name == "attribution_type":
        return getattr(value, "value", value) or ""
    return value or ""


def start_form(draft: Any) -> None:
    ss["final_form_claim"] = claim_id
    ss["final_base"] = draft.model_dump(mode="json")
    for name, key in FORM_FIELDS.items():
        ss[key] = widget_value(name, getattr(draft, name))
    ss["final_notes"] = draft.notes or ""


def take_value(name: str, value: Any) -> None:
    """ "Take A" / "take B": one reviewer's value into the form (a chain with its hops'
    kinds and relations exactly as that reviewer gave them)."""
    base = review.take(AssessmentInput.model_validate(ss["final_base"]), name, value)
    ss["final_base"] = base.model_dump(mode="json")
    if name in FORM_FIELDS:
        ss[FORM_FIELDS[name]] = widget_value(name, value)


# Each claim's unsaved final form is kept (FINAL_FORMS, not a widget key, so it outlives the
# widgets): moving to another claim with J/K or the queue, or to another page and back,
# finds the adjudicator's half-written form as it was.
FINAL_FORMS = "final_forms"
FORM_KEYS = (*FORM_FIELDS.values(), "final_notes", "final_base")
kept_forms: dict[int, dict[str, Any]] = ss.setdefault(FINAL_FORMS, {})
if ss.get("final_form_claim") != claim_id or any(key not in ss for key in FORM_KEYS):
    if claim_id in kept_forms:
        ss.update(kept_forms[claim_id])
        ss["final_form_claim"] = claim_id
    else:
        start_form(begun.draft)
draft = AssessmentInput.model_validate(ss["final_base"])
prefilled = [
    f"{FIELD_LABELS.get(name, name.replace('_', ' '))} ({begun.fields[name].reason})"
    for name in begun.prefilled
    if name in FIELD_LABELS
]
st.caption(
    f"Starts from {markdown_literal(begun.origin)}; recorded as "
    f"{markdown_literal(reviewer.name)}'s final assessment. "
    + (
        "Prefilled where a strict majority of the reviewers who rated a field agree: "
        + markdown_literal("; ".join(prefilled))
        + "."
        if prefilled and begun.origin != "the final assessment recorded"
        else ""
    )
)
contested = {n: f for n, f in begun.contested.items() if n in FIELD_LABELS}
if contested:
    st.markdown("**No majority: take one reviewer's value**")
    for name, started in contested.items():
        row = st.columns([2, *([3] * len(started.options))], vertical_alignment="center")
        row[0].markdown(markdown_literal(FIELD_LABELS[name]))
        for cell, (who, value) in zip(row[1:], started.options, strict=True):
            shown = (
                review.chain_text(value) if name == "chain" else str(getattr(value, "value", value))
            )
            cell.button(
                f"{who}: {shown}"[:60], key=f"take_{name}_{who}", on_click=take_value,
                args=(name, value), width="stretch",
                help=f"Take {who}'s {FIELD_LABELS[name]}",
            )  # fmt: skip
c1, c2, c3 = st.columns(3)
c1.selectbox("Attribution type", ATTRIBUTION_TYPE_OPTIONS, key="final_type")
c2.text_input("Speaker", key="final_speaker")
c3.text_input("Cue", key="final_cue")
st.text_input("Chain (origin > … > publisher)", key="final_chain")
g1, g2 = st.columns(2)
g1.selectbox(
    "Source reliability",
    RELIABILITY_OPTIONS,
    format_func=lambda g: f"{g} – {RELIABILITY_MEANINGS[g]}" if g else "—",
    key="final_reliability",
)
g2.selectbox(
    "Information credibility",
    CREDIBILITY_OPTIONS,
    format_func=lambda g: f"{g} – {CREDIBILITY_MEANINGS[g]}" if g else "—",
    key="final_credibility",
)
st.text_area("Adjudication notes", key="final_notes")
kept_forms[claim_id] = {key: ss[key] for key in FORM_KEYS}

if st.button("Record final assessment", key="record_final", type="primary"):

    def record(session: Any) -> Any:
        data = review.edited_draft(
            session,
            draft,
            ss["final_chain"],
            attribution_type=ss["final_type"] or None,
            speaker=ss["final_speaker"],
            cue=ss["final_cue"],
            source_reliability=ss["final_reliability"] or None,
            information_credibility=ss["final_credibility"] or None,
            notes=ss["final_notes"],
        )
        return review.record_final(session, claim_id, reviewer, data, actor=actor)

    saved = run_write(record, retry_on_integrity=True)
    if saved is not None:
        grade = saved.grade
        ss["review_flash"] = (
            f"Recorded the final assessment of claim {claim_id} ({grade or 'no grade'})."
        )
        ss.pop("final_form_claim", None)
        kept_forms.pop(claim_id, None)  # recorded: the form starts from the final next time
        forget(QUEUE_KEY)
        st.rerun()
