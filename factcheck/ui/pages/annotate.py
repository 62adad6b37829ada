"""Annotate: one article, one reviewer. Text with claims highlighted, claim navigation and
editing, attribution and chain, grades, explicit save, and "accept and next"."""

from __future__ import annotations

from typing import Any

import streamlit as st

from factcheck import annotation
from factcheck import articles as article_service
from factcheck import claims as claim_service
from factcheck.assessments import save_assessment
from factcheck.errors import NotFoundError, describe_validation_error
from factcheck.render import chain_dot, legend_html, markdown_literal
from factcheck.scoring import sourcing_score
from factcheck.ui.common import forget, read, remembered, require_reviewer, run_write
from schemas.records import AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import (
    CREDIBILITY_MEANINGS,
    RELIABILITY_MEANINGS,
    AttributionType,
    ClaimKind,
    Relation,
    SourceKind,
)

ss = st.session_state
TYPES = ["", *[t.value for t in AttributionType]]
KINDS = [k.value for k in SourceKind]
RELATIONS = ["", *[r.value for r in Relation]]
RELIABILITY = ["", *RELIABILITY_MEANINGS]
CREDIBILITY = [0, *CREDIBILITY_MEANINGS]
STATS_SECONDS = 30  # the acceptance counts are refreshed after a save, or at least this often

reviewer = require_reviewer()
reviewer_name = reviewer.name

# ------------------------------------------------------------------ which article
if "article_id" not in ss and str(st.query_params.get("article", "")).isdigit():
    ss["article_id"] = int(st.query_params["article"])
if "article_id" not in ss:
    recent = read(lambda s: article_service.list_articles(s, limit=200))
    if not recent:
        st.info("No articles yet: import one on the Articles page.")
        st.stop()
    ss["article_id"] = recent[0].id
article_id: int = ss["article_id"]
try:
    workspace = read(
        lambda s: annotation.current_workspace(
            s, article_id, reviewer, ss.setdefault("workspace_cache", {})
        )
    )
except Exception as error:  # article deleted meanwhile
    st.warning(str(error))
    ss.pop("article_id", None)
    st.stop()
article = workspace.article
claims = workspace.claims
if st.query_params.get("article") != str(article.id):
    st.query_params["article"] = str(article.id)  # a page reload comes back to this article


def suggestions() -> dict[int, Any]:
    """Suggestions for this article's claims, computed once per claim layout."""
    signature = (article.id, tuple((c.id, c.start, c.end) for c in claims))
    stored = ss.get("suggestions")
    if stored is None or stored[0] != signature:
        stored = (signature, read(lambda s: annotation.suggest_for_claims(s, article, claims)))
        ss["suggestions"] = stored
    return stored[1]


# ------------------------------------------------------------------ form state
# Widgets a rerun always draws keep their values under their own keys. Values of widgets drawn
# only on demand (the details and the chain editor) live in `form` (and `hops`): Streamlit
# forgets a widget's value once it is not drawn, so those widgets are seeded from there when
# they open and copy every edit back. Few keys, too: every widget call scans the whole state.
ALWAYS_FIELDS = ("f_type", "f_speaker", "f_cue", "f_rel", "f_cred")
DETAIL_FIELDS = ("f_translated", "f_primary", "f_corr", "f_corr_by", "f_notes")


# Parts of the page drawn only when asked for, chosen in one "Show" control: every widget a
# rerun draws costs time, and these are needed for a minority of claims.
PANELS = {
    "suggestions": "Suggestions",
    "bounds": "Boundaries",
    "chain": "Edit chain",
    "details": "Details",
}


def is_open(panel: str) -> bool:
    return panel in (ss.get("panels") or [])


def open_panel(panel: str) -> None:
    """Open a panel from code (before the "Show" control is drawn in this run)."""
    if not is_open(panel):
        ss["panels"] = [*(ss.get("panels") or []), panel]
        ss["panels_seen"] = list(ss["panels"])


def panels_changed() -> None:
    """Seed the widgets of a panel just opened from the stored values."""
    now = set(ss.get("panels") or [])
    opened = now - set(ss.get("panels_seen") or [])
    ss["panels_seen"] = list(now)
    if "chain" in opened:
        reopen_chain_editor()
    if "details" in opened:
        reopen_details()


def form() -> dict[str, Any]:
    """The open claim's form: claim id, origin, spans, baseline, rejected flag, details."""
    return ss.setdefault("form", {})  # type: ignore[no-any-return]


def detail(key: str) -> Any:
    return form().get("details", {}).get(key)


def _set_details(values: dict[str, Any]) -> None:
    form()["details"] = dict(values)
    if is_open("details"):
        ss.update(values)


def _sync_detail(key: str) -> None:
    form().setdefault("details", {})[key] = ss.get(key)


def reopen_details() -> None:
    ss.update(form().get("details", {}))


def _new_hop_uid() -> int:
    """Hop widgets are keyed by a uid, not a position, so reordering keeps their values."""
    ss["hop_seq"] = ss.get("hop_seq", 0) + 1
    return ss["hop_seq"]


HOP_FIELDS = ("hop_name_", "hop_kind_", "hop_rel_")


def _put_hop(uid: int, name: str, kind: str, relation: str) -> None:
    """The chain lives in `hops` (uid -> [name, kind, relation]); the hop widgets, drawn only
    while "Edit chain" is on, are seeded from it and copy edits back (`_sync_hop`)."""
    ss.setdefault("hops", {})[uid] = [name, kind, relation]
    if is_open("chain"):
        for prefix, value in zip(HOP_FIELDS, (name, kind, relation), strict=True):
            ss[f"{prefix}{uid}"] = value


def _sync_hop(uid: int) -> None:
    ss["hops"][uid] = [str(ss.get(f"{prefix}{uid}") or "") for prefix in HOP_FIELDS]


def _set_hop_rows(rows: list[list[str]]) -> None:
    # Forget the previous hops' widget keys: they would pile up in the session state claim
    # after claim, and every widget call scans that state.
    for old in ss.get("hop_uids", []):
        for prefix in HOP_FIELDS:
            ss.pop(f"{prefix}{old}", None)
    ss["hops"] = {}
    uids = []
    for name, kind, relation in rows:
        uid = _new_hop_uid()
        _put_hop(uid, name, kind, relation)
        uids.append(uid)
    ss["hop_uids"] = uids


def _set_hops(chain: list[ChainHop]) -> None:
    _set_hop_rows([[h.name, h.kind.value, h.relation.value if h.relation else ""] for h in chain])


def reopen_chain_editor() -> None:
    """Fresh hop widgets (new keys, seeded from the chain) each time the editor opens:
    widgets Streamlit stopped drawing may come back with stale values under their old keys."""
    _set_hop_rows([list(ss["hops"][uid]) for uid in ss.get("hop_uids", [])])


def load_form(draft: AssessmentInput, origin: str, claim_id: int) -> None:
    """Put a draft into the widgets' state; remember it to detect unsaved edits."""
    ss["f_type"] = draft.attribution_type.value if draft.attribution_type else ""
    ss["f_speaker"] = draft.speaker or ""
    ss["f_cue"] = draft.cue or ""
    ss["f_rel"] = draft.source_reliability or ""
    ss["f_cred"] = draft.information_credibility or 0
    details = {
        "f_translated": draft.is_translated,
        "f_primary": draft.primary_source_url or "",
        "f_corr": draft.corroborated,
        "f_corr_by": draft.corroborated_by or "",
        "f_notes": draft.notes or "",
    }
    if any(details.values()):
        open_panel("details")  # never hide what the assessment says
    ss["form"] = {"claim": claim_id, "origin": origin, "spans": draft.spans, "rejected": False}
    _set_details(details)
    _set_hops(draft.chain)
    form()["baseline"] = form_snapshot()


def current_chain() -> list[ChainHop]:
    """The chain being edited; hops without a name are left out."""
    hops = []
    stored = ss.get("hops", {})
    for index, uid in enumerate(ss.get("hop_uids", [])):
        name, kind, relation = stored.get(uid, ["", "unknown", ""])
        if not name.strip():
            continue
        hops.append(
            ChainHop(
                name=name.strip(),
                kind=kind or "unknown",
                relation=(relation or None) if index else None,
            )
        )
    return hops


def form_snapshot() -> dict[str, Any]:
    values = {key: ss.get(key) for key in ALWAYS_FIELDS}
    values.update({key: detail(key) for key in DETAIL_FIELDS})
    values["chain"] = [hop.model_dump(mode="json") for hop in current_chain()]
    return values


def is_dirty() -> bool:
    return form().get("claim") is not None and form_snapshot() != form().get("baseline")


def form_input() -> AssessmentInput:
    return AssessmentInput(
        attribution_type=ss["f_type"] or None,
        speaker=ss["f_speaker"],
        cue=ss["f_cue"],
        chain=current_chain(),
        source_reliability=ss["f_rel"] or None,
        information_credibility=ss["f_cred"] or None,
        translated=detail("f_translated"),
        primary_source_url=detail("f_primary"),
        corroborated=detail("f_corr"),
        corroborated_by=detail("f_corr_by"),
        notes=detail("f_notes"),
        spans=form().get("spans"),
    )


def suggested_draft(claim_id: int) -> AssessmentInput | None:
    suggestion = suggestions().get(claim_id)
    return annotation.draft_from_suggestion(suggestion) if suggestion else None


def prepare_form(claim_id: int) -> None:
    if form().get("claim") == claim_id:
        return
    mine = workspace.mine.get(claim_id)
    if mine is not None:
        try:
            view = read(lambda s: annotation.assessment_view(s, mine.assessment_id, reviewer_name))
        except NotFoundError:  # deleted since the workspace was read: its revision moved on
            st.rerun()
        load_form(annotation.draft_from_assessment(view), "saved", claim_id)
    else:
        draft = suggested_draft(claim_id)
        load_form(draft or AssessmentInput(), "suggested" if draft else "blank", claim_id)


# ------------------------------------------------------------------ actions (callbacks)
def go_to(target: int | None) -> None:
    if target is None or target == ss.get("claim_id"):
        return
    if is_dirty():
        ss["pending_claim"] = target
        return
    ss["claim_id"] = target
    ss.pop("pending_claim", None)


def discard_and_go() -> None:
    target = ss.pop("pending_claim", None)
    form()["claim"] = None
    if target is not None:
        ss["claim_id"] = target


def save_current(then_next: bool = False) -> bool:
    claim_id = ss["claim_id"]
    try:
        data = form_input()
    except ValueError as error:
        ss["flash"] = ("error", describe_validation_error(error))
        return False
    outcome = annotation.judge_suggestion(
        suggested_draft(claim_id)
        if form().get("origin") == "suggested" or form().get("rejected")
        else None,
        data,
        rejected=bool(form().get("rejected")),
    )
    if outcome is not None:
        data = data.model_copy(update={"suggestion_outcome": outcome})
    saved = run_write(
        lambda s: save_assessment(s, claim_id, reviewer, data), retry_on_integrity=True
    )
    if saved is None:
        return False
    grade = f"{saved.source_reliability or ''}{saved.information_credibility or ''}" or "no grade"
    ss["flash"] = ("success", f"Saved claim {claim_id} ({grade}).")
    forget("suggestion_stats")
    form()["claim"] = None  # reload from the database on the next run
    if then_next:
        rated = workspace.rated_ids | {claim_id}
        nxt = next(
            (
                c.id
                for c in claims[workspace.index_of(claim_id) + 1 :] + claims
                if c.id not in rated
            ),
            None,
        )
        if nxt is not None:
            ss["claim_id"] = nxt
        else:
            ss["flash"] = ("success", "Saved. Every claim of this article is rated.")
    return True


def save_and_go() -> None:
    target = ss.pop("pending_claim", None)
    if save_current() and target is not None:
        ss["claim_id"] = target


def apply_suggestion() -> None:
    draft = suggested_draft(ss["claim_id"])
    if draft is not None:
        grades = {key: ss.get(key) for key in ("f_rel", "f_cred")}
        details = form().get("details", {})
        load_form(draft, "suggested", ss["claim_id"])
        ss.update(grades)
        _set_details(details)
        form()["baseline"] = {}  # differs from the saved row: counts as unsaved


def reject_suggestion() -> None:
    for key in ("f_type", "f_speaker", "f_cue"):
        ss[key] = ""
    _set_hops([])
    form().update(rejected=True, origin="blank")


def add_hop(name: str = "", kind: str = "unknown") -> None:
    uid = _new_hop_uid()
    _put_hop(uid, name, kind, "reported_by" if ss.get("hop_uids") else "")
    ss["hop_uids"] = [*ss.get("hop_uids", []), uid]


def add_registry_hop() -> None:
    choice = ss.get("hop_from_registry")
    if choice:
        name, kind = choice
        add_hop(name, kind)
        ss["hop_from_registry"] = None


def move_hop(uid: int, step: int) -> None:
    uids = list(ss["hop_uids"])
    i = uids.index(uid)
    j = i + step
    if 0 <= j < len(uids):
        uids[i], uids[j] = uids[j], uids[i]
        ss["hop_uids"] = uids


def remove_hop(uid: int) -> None:
    ss["hop_uids"] = [u for u in ss["hop_uids"] if u != uid]
    ss["hops"].pop(uid, None)


def edit_claims(action: str) -> None:
    """Claim boundary edits; the form is reloaded afterwards since spans changed."""
    claim_id = ss["claim_id"]
    result: Any = None
    if action == "merge":
        result = run_write(lambda s: claim_service.merge_claims(s, claim_id))
    elif action == "split":
        offset = workspace.claim(claim_id).start + int(ss["split_at"])  # type: ignore[union-attr]
        result = run_write(lambda s: claim_service.split_claim(s, claim_id, offset))
    elif action == "bounds":
        result = run_write(
            lambda s: claim_service.edit_claim(
                s,
                claim_id,
                start=int(ss["edit_start"]),
                end=int(ss["edit_end"]),
                kind=ss["edit_kind"],
            )
        )
    elif action == "drop":
        result = run_write(lambda s: claim_service.drop_claim(s, claim_id))
        if result is not None:
            ss["claim_id"] = (
                workspace.neighbour(claim_id, 1)
                if workspace.index_of(claim_id) < len(claims) - 1
                else workspace.neighbour(claim_id, -1)
            )
    elif action == "restore":
        result = run_write(lambda s: claim_service.restore_claim(s, int(ss["restore_choice"])))
    elif action == "add":
        result = run_write(
            lambda s: claim_service.add_claim(
                s, article.id, int(ss["add_start"]), int(ss["add_end"]), ss["add_kind"]
            )
        )  # type: ignore[arg-type]
        if result is not None:
            ss["claim_id"] = result.id
    if result is not None:
        ss["flash"] = ("success", f"Claims updated ({action}).")
        form()["claim"] = None
        for key in ("edit_start", "edit_end", "edit_kind", "split_at"):
            ss.pop(key, None)


def chain_editor() -> None:
    """One row of widgets per hop, with the registry menu and "Add empty hop"."""
    for index, uid in enumerate(ss.get("hop_uids", [])):
        h = st.columns([4, 3, 3, 3], vertical_alignment="bottom")
        h[0].text_input(
            "Name",
            key=f"hop_name_{uid}",
            label_visibility="collapsed" if index else "visible",
            on_change=_sync_hop,
            args=(uid,),
        )
        h[1].selectbox(
            "Kind",
            KINDS,
            key=f"hop_kind_{uid}",
            label_visibility="collapsed" if index else "visible",
            on_change=_sync_hop,
            args=(uid,),
        )
        h[2].selectbox(
            "Relation",
            RELATIONS,
            key=f"hop_rel_{uid}",
            disabled=index == 0,
            format_func=lambda v: v or "— origin —",
            label_visibility="collapsed" if index else "visible",
            on_change=_sync_hop,
            args=(uid,),
        )
        with h[3].container(horizontal=True, gap="small"):
            st.button(
                "",
                icon=":material/arrow_upward:",
                key=f"hop_up_{uid}",
                on_click=move_hop,
                args=(uid, -1),
                disabled=index == 0,
                help="Move up",
            )
            st.button(
                "",
                icon=":material/arrow_downward:",
                key=f"hop_down_{uid}",
                on_click=move_hop,
                args=(uid, 1),
                help="Move down",
            )
            st.button(
                "",
                icon=":material/close:",
                key=f"hop_remove_{uid}",
                on_click=remove_hop,
                args=(uid,),
                help="Remove hop",
            )
    c1, c2 = st.columns([3, 1])
    registry = read(annotation.registry_choices)
    c1.selectbox(
        "Add a hop from the sources registry",
        [None, *registry],
        format_func=lambda v: "—" if v is None else f"{v[0]} ({v[1]})",
        key="hop_from_registry",
        on_change=add_registry_hop,
    )
    c2.button("Add empty hop", key="add_hop", on_click=add_hop)


# ------------------------------------------------------------------ header
st.title(article.title)
meta = " · ".join(part for part in (article.outlet, article.author, article.published_at) if part)
if meta:
    st.caption(meta)
if not claims:
    st.info("This article has no claims. Add one from a span below.")

rated = len(workspace.rated_ids & {c.id for c in claims})
st.progress(
    rated / len(claims) if claims else 0.0,
    text=f"{rated} of {len(claims)} claims rated by {reviewer_name}",
)

if "claim_id" not in ss and str(st.query_params.get("claim", "")).isdigit():
    ss["claim_id"] = int(st.query_params["claim"])
if claims and ss.get("claim_id") not in {c.id for c in claims}:
    ss["claim_id"] = workspace.next_unrated(None) or claims[0].id
    form()["claim"] = None
claim_id = ss.get("claim_id")
claim = workspace.claim(claim_id)
if claim is not None and st.query_params.get("claim") != str(claim.id):
    st.query_params["claim"] = str(claim.id)

if "flash" in ss:
    kind, message = ss.pop("flash")
    (st.success if kind == "success" else st.error)(message)

text_col, work_col = st.columns([1, 1], gap="large")

with text_col:
    show_suggested = is_open("suggestions")
    suggested_ids = set(suggestions()) - workspace.rated_ids if show_suggested else set()
    st.html(workspace.article_html(suggested_ids, claim_id) + legend_html())
    if show_suggested:
        summary = suggestions()
        st.dataframe(
            [
                {
                    "#": c.position,
                    "type": summary[c.id].attribution_type.value,
                    "speaker": summary[c.id].speaker or "",
                    "chain": " > ".join(h.name for h in summary[c.id].chain),
                    "score": summary[c.id].score,
                    "rated": "yes" if c.id in workspace.rated_ids else "",
                }
                for c in claims
                if c.id in summary
            ],
            hide_index=True,
            key="suggestion_table",
        )

if claim is None:
    with work_col:
        st.stop()

prepare_form(claim.id)  # type: ignore[arg-type]

with work_col:
    st.pills(
        "Show",
        list(PANELS),
        selection_mode="multi",
        format_func=PANELS.get,
        key="panels",
        on_change=panels_changed,
        label_visibility="collapsed",
        help="Suggestions: every claim's suggestion, marked in the text and listed. "
        "Boundaries: merge, split, trim, drop or add claims. Edit chain: the hops one by one. "
        "Details: translation, primary source, corroboration, notes.",
    )
    nav = st.columns(4)
    nav[0].button(
        "◀ Prev",
        key="nav_prev",
        on_click=go_to,
        args=(workspace.neighbour(claim.id, -1),),
        width="stretch",
    )
    nav[1].button(
        "Next ▶",
        key="nav_next",
        on_click=go_to,
        args=(workspace.neighbour(claim.id, 1),),
        width="stretch",
    )
    nav[2].button(
        "Next unrated ⏭",
        key="nav_unrated",
        on_click=go_to,
        args=(workspace.next_unrated(claim.id),),
        width="stretch",
    )
    labels = {c.id: f"#{c.position} · {c.text[:60]}" for c in claims}
    nav[3].selectbox(
        "Jump to",
        list(labels),
        index=workspace.index_of(claim.id),
        format_func=labels.get,
        key=f"jump_{claim.id}",
        label_visibility="collapsed",
        on_change=lambda: go_to(ss.get(f"jump_{ss['claim_id']}")),
    )
    if "pending_claim" in ss:
        st.warning("This claim has unsaved changes.")
        pending = st.columns(3)
        pending[0].button("Save and go", key="pending_save", on_click=save_and_go, type="primary")
        pending[1].button("Discard changes", key="pending_discard", on_click=discard_and_go)
        pending[2].button(
            "Stay here", key="pending_stay", on_click=lambda: ss.pop("pending_claim", None)
        )

    st.subheader(f"Claim {claim.position} of {len(claims)}")
    st.text(claim.text)
    st.caption(f"characters {claim.start}–{claim.end} · {claim.kind}")

    # Drawn only when asked for: a rerun draws a dozen fewer widgets (each costs time).
    if is_open("bounds"):
        length = claim.end - claim.start
        b1, b2 = st.columns(2)
        b1.button("Merge with next", key="merge_next", on_click=edit_claims, args=("merge",))
        b2.button("Drop (not a claim)", key="drop_claim", on_click=edit_claims, args=("drop",))
        if length > 1:
            at = st.number_input(
                "Split after character (within the claim)",
                1,
                length - 1,
                min(length // 2, length - 1),
                key="split_at",
            )
            st.caption(f"…{claim.text[max(0, at - 40) : at]} ‖ {claim.text[at : at + 40]}…")
            st.button("Split here", key="split_claim", on_click=edit_claims, args=("split",))
        e1, e2, e3 = st.columns(3)
        e1.number_input("Start", 0, len(article.text), claim.start, key="edit_start")
        e2.number_input("End", 0, len(article.text), claim.end, key="edit_end")
        e3.selectbox(
            "Kind",
            [k.value for k in ClaimKind],
            index=[k.value for k in ClaimKind].index(claim.kind),
            key="edit_kind",
        )
        st.button(
            "Apply boundaries and kind", key="apply_bounds", on_click=edit_claims, args=("bounds",)
        )
        st.divider()
        a1, a2, a3 = st.columns(3)
        a1.number_input("New claim start", 0, len(article.text), 0, key="add_start")
        a2.number_input("New claim end", 0, len(article.text), 0, key="add_end")
        a3.selectbox("Kind", [k.value for k in ClaimKind], key="add_kind")
        st.button("Add claim from span", key="add_claim", on_click=edit_claims, args=("add",))
        dropped = read(lambda s: annotation.dropped_claims(s, article.id))
        if dropped:
            st.selectbox(
                "Dropped claims",
                [c.id for c in dropped],
                format_func=lambda i: next(c.text[:60] for c in dropped if c.id == i),
                key="restore_choice",
            )
            st.button("Restore", key="restore_claim", on_click=edit_claims, args=("restore",))

    origin = form().get("origin")
    if origin == "suggested":
        st.info(
            "💡 Suggested attribution and chain: not saved yet. Check, grade, then save.", icon="💡"
        )
    elif origin == "saved":
        st.caption("✓ Your saved assessment")
    if origin == "suggested":
        st.button("Reject suggestion", key="reject_suggestion", on_click=reject_suggestion)
    elif claim.id in suggestions():
        st.button(
            "Suggest",
            key="suggest_one",
            on_click=apply_suggestion,
            help="Fill in the suggested attribution and chain",
        )

    st.markdown("##### Attribution")
    t1, t2, t3 = st.columns(3)
    t1.selectbox("Type", TYPES, key="f_type", format_func=lambda v: v.replace("_", " ") or "—")
    t2.text_input("Speaker", key="f_speaker")
    t3.text_input("Cue", key="f_cue")

    st.markdown("##### Chain (origin → publisher)")
    chain = current_chain()
    if len(chain) > 1:
        st.graphviz_chart(chain_dot(chain))
    elif chain:
        st.text(f"{chain[0].name} ({chain[0].kind.value})")
    else:
        st.caption("No chain yet.")
    if is_open("chain"):
        chain_editor()

    st.markdown("##### Rating")
    g1, g2 = st.columns(2)
    g1.selectbox(
        "Source reliability",
        RELIABILITY,
        key="f_rel",
        format_func=lambda v: f"{v} — {RELIABILITY_MEANINGS[v]}" if v else "—",
    )
    g2.selectbox(
        "Information credibility",
        CREDIBILITY,
        key="f_cred",
        format_func=lambda v: f"{v} — {CREDIBILITY_MEANINGS[v]}" if v else "—",
    )
    score = sourcing_score(chain, ss.get("f_type") or None, detail("f_primary") or None)
    with st.container(border=True):
        reasons = "  \n".join(
            f":gray[{markdown_literal(r)}]" for r in score.reasons or ["no deductions"]
        )
        st.markdown(f"**Suggested sourcing score: {score.score}/100**  \n{reasons}")
    if is_open("details"):
        st.checkbox(
            "Translated", key="f_translated", on_change=_sync_detail, args=("f_translated",)
        )
        st.text_input(
            "Primary source URL", key="f_primary", on_change=_sync_detail, args=("f_primary",)
        )
        k1, k2 = st.columns([1, 3])
        k1.checkbox("Corroborated", key="f_corr", on_change=_sync_detail, args=("f_corr",))
        k2.text_input(
            "Corroborated by", key="f_corr_by", on_change=_sync_detail, args=("f_corr_by",)
        )
        st.text_area("Notes", key="f_notes", height=80, on_change=_sync_detail, args=("f_notes",))

    if is_dirty():
        st.caption("● unsaved changes")
    v1, v2 = st.columns(2)
    v1.button("Save", key="save", on_click=save_current, type="secondary", width="stretch")
    v2.button(
        "Accept and next",
        icon=":material/done_all:",
        key="accept_next",
        on_click=save_current,
        kwargs={"then_next": True},
        type="primary",
        width="stretch",
    )
    stats = remembered(
        "suggestion_stats",
        STATS_SECONDS,
        lambda: read(lambda s: annotation.suggestion_stats(s, reviewer.id)),  # type: ignore[arg-type]
    )
    if stats.total:
        st.caption(
            f"Your suggestions so far: {stats.accepted} accepted unchanged, {stats.edited} edited, "
            f"{stats.rejected} rejected ({stats.acceptance_rate:.0%} accepted)"
        )
