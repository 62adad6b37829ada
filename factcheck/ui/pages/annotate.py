"""Annotate: one article, one reviewer. Text with claims highlighted, claim navigation and
editing, attribution and chain, grades, explicit save, and "accept and next"."""

from __future__ import annotations

from typing import Any

import streamlit as st

from factcheck.domain.forms import (
    DETAIL_FIELDS,
    FIELD_KEYS,
    HOP_KEYS,
    Draft,
    FormValues,
    Hop,
    differences,
)
from factcheck.domain.render import chain_dot, legend_html, markdown_literal
from factcheck.domain.scoring import sourcing_score
from factcheck.errors import (
    EmptyFormError,
    FactcheckError,
    NotFoundError,
    StaleAssessmentError,
    UncoveredTextError,
    describe_validation_error,
)
from factcheck.services import articles as article_service
from factcheck.services import assessments as assessment_service
from factcheck.services import claims as claim_service
from factcheck.services import drafts as drafts_service
from factcheck.services import history
from factcheck.services import workspace as annotation
from factcheck.store.engine import write
from factcheck.ui.common import (
    ATTRIBUTION_TYPE_OPTIONS,
    CLAIM_KIND_OPTIONS,
    CREDIBILITY_OPTIONS,
    RELATION_OPTIONS,
    RELIABILITY_OPTIONS,
    SOURCE_KIND_OPTIONS,
    drawn_in_previous_run,
    engine,
    forget,
    read,
    record_drawn,
    remembered,
    require_reviewer,
    run_write,
)
from schemas.records import AssessmentInput
from schemas.vocab import CREDIBILITY_MEANINGS, RELIABILITY_MEANINGS

ss = st.session_state
STATS_SECONDS = 30  # the acceptance counts are refreshed after a save, or at least this often

reviewer = require_reviewer()
assert reviewer.id is not None  # a stored reviewer
reviewer_id: int = reviewer.id
reviewer_name = reviewer.name
if drawn_in_previous_run("panels_drawn"):
    clicked = list(ss.get("panels") or [])  # the reviewer's clicks on "Show"
    if clicked != (ss.get("panels_keep") or []):
        ss.pop("details_auto", None)  # the reviewer chose the panels: the page stops choosing
    ss["panels_keep"] = clicked

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
if st.query_params.get("article") != str(article_id):
    st.query_params["article"] = str(article_id)  # a page reload comes back to this article


def suggestions() -> dict[int, Any]:
    """Suggestions for this article's claims, computed once per claim layout."""
    signature = (article_id, tuple((c.id, c.start, c.end) for c in claims))
    stored = ss.get("suggestions")
    if stored is None or stored[0] != signature:
        stored = (signature, read(lambda s: annotation.suggest_for_claims(s, article, claims)))
        ss["suggestions"] = stored
    return stored[1]


# ------------------------------------------------------------------ the form model
# The open claim's form is a `Draft` (factcheck.domain.forms) kept in `ss["drafts"]` by (article,
# claim, reviewer) and, while it has unsaved edits, in the database (factcheck.services.drafts): never
# only in widget keys, which Streamlit forgets whenever a run does not draw them (a page switch,
# a closed panel). Each run first takes what the widgets hold into the draft (`absorb`), then
# seeds any widget key that is missing, or every key when the draft changed by code (`seed`).

PANELS = {
    "suggestions": "Suggestions",
    "bounds": "Bounds",
    "chain": "Chain",
    "details": "Details",
    "history": "History",
}
BOUNDS_KEYS = (
    "edit_start",
    "edit_end",
    "edit_kind",
    "split_at",
    "add_start",
    "add_end",
    "add_kind",
)


def is_open(panel: str) -> bool:
    return panel in (ss.get("panels_keep") or [])


def open_panel(panel: str) -> None:
    """Open a panel from code (before the "Show" control is drawn in this run)."""
    if not is_open(panel):
        ss["panels_keep"] = [*(ss.get("panels_keep") or []), panel]
        ss["panels"] = list(ss["panels_keep"])


def _uid() -> int:
    """Hop widgets are keyed by a uid, not a position, so reordering keeps their values."""
    ss["uid_seq"] = ss.get("uid_seq", 0) + 1
    return int(ss["uid_seq"])


def all_drafts() -> dict[tuple[int, int, int], Draft]:
    return ss.setdefault("drafts", {})


def persisted() -> dict[tuple[int, int, int], Any]:
    """What the database holds for each draft (None: nothing), so only changes are written."""
    return ss.setdefault("drafts_persisted", {})


def load_stored_drafts() -> None:
    """The reviewer's drafts of this article from the database (a reload or another day),
    read once per article and browser session."""
    marker = (article_id, reviewer_id)
    if ss.get("drafts_loaded") == marker:
        return
    for row in read(lambda s: drafts_service.article_drafts(s, article_id, reviewer_id)):
        key = (article_id, row.claim_id, reviewer_id)
        if key not in all_drafts():
            draft = Draft.from_stored(key, row.base_version, row.data, _uid)
            changed_by_code(draft)
            all_drafts()[key] = draft
            persisted()[key] = draft.stored_form()
    ss["drafts_loaded"] = marker


def stored_version(claim_id: int) -> int:
    mark = workspace.mine.get(claim_id)
    return mark.version if mark is not None else 0


def fresh_draft(claim_id: int) -> Draft:
    """The form as the database has it: the saved assessment, else the suggestion, else blank."""
    key = (article_id, claim_id, reviewer_id)
    mark = workspace.mine.get(claim_id)
    if mark is not None:
        try:
            view = read(lambda s: annotation.assessment_view(s, mark.assessment_id, reviewer_name))
        except NotFoundError:  # deleted since the workspace was read: its revision moved on
            st.rerun()
        data, origin, version = annotation.draft_from_assessment(view), "saved", mark.version
    else:
        suggested = suggested_draft(claim_id)
        data, origin, version = (
            suggested or AssessmentInput(),
            "suggested" if suggested else "blank",
            0,
        )
    values = FormValues.from_input(data, _uid)
    return Draft(*key, origin=origin, base_version=version, values=values, baseline=values.copy())


def draft_for(claim_id: int, *, in_callback: bool = False) -> Draft:
    """The claim's draft, with what the widgets drawn in the run before hold. A clean draft of
    a row that moved on (another tab, the CLI) is reloaded; one with edits is kept, and its
    save will ask which version to keep."""
    key = (article_id, claim_id, reviewer_id)
    draft = all_drafts().get(key)
    if draft is not None:
        absorb(draft, in_callback=in_callback)  # first: an edit just made makes it dirty
        if not draft.dirty and draft.base_version != stored_version(claim_id):
            draft = None
    if draft is None:
        draft = all_drafts()[key] = fresh_draft(claim_id)
        changed_by_code(draft)  # a new draft: no widget state of an older one may leak in
    return draft


def changed_by_code(draft: Draft) -> None:
    """The draft's values were set by code: every widget is seeded again on the next run."""
    ss["gen_seq"] = ss.get("gen_seq", 0) + 1
    draft.gen = int(ss["gen_seq"])


def _hop_keys(hop: Hop) -> list[tuple[str, str]]:
    return [
        (f"{prefix}{hop.uid}", attr)
        for prefix, attr in zip(HOP_KEYS, ("name", "kind", "relation"), strict=True)
    ]


def _form_keys(draft: Draft) -> list[tuple[str, Any, str]]:
    """(widget key, object, attribute) of every widget the form can draw for this draft."""
    keys: list[tuple[str, Any, str]] = [
        (key, draft.values, name) for name, key in FIELD_KEYS.items()
    ]
    for hop in draft.values.hops:
        keys += [(key, hop, attr) for key, attr in _hop_keys(hop)]
    return keys


def absorb(draft: Draft, *, in_callback: bool = False) -> None:
    """Take into the draft what the widgets drawn in the run just before hold (only widgets
    seeded from this very draft, and only if no other page ran in between)."""
    drawn = drawn_in_previous_run("form_drawn", in_callback=in_callback)
    if not drawn or drawn[0] != (draft.key, draft.gen):
        return
    for key, target, attr in _form_keys(draft):
        if key in drawn[1] and key in ss:
            setattr(target, attr, ss[key] if attr != "relation" else ss[key] or "")


def seed(draft: Draft) -> None:
    """Give every widget of the form its value from the draft, every run: after `absorb` the
    draft holds whatever the reviewer did, and a widget Streamlit dropped comes back right."""
    for key, target, attr in _form_keys(draft):
        value = getattr(target, attr)
        if key not in ss or ss[key] != value:  # a write to the state costs more than a read
            ss[key] = value
    live = {key for key, _, _ in _form_keys(draft)}
    for key in [k for k in ss if str(k).startswith(HOP_KEYS) and k not in live]:
        del ss[key]  # hops of other drafts: the state is scanned by every widget call


def form_drawn_keys(draft: Draft) -> set[str]:
    keys = {FIELD_KEYS[name] for name in ("type", "speaker", "cue", "rel", "cred")}
    if is_open("details"):
        keys |= {FIELD_KEYS[name] for name in DETAIL_FIELDS}
    if is_open("chain"):
        keys |= {key for hop in draft.values.hops for key, _ in _hop_keys(hop)}
    return keys


def keep(draft: Draft) -> None:
    """Write the draft to the database when it changed; forget it there once it is clean."""
    snapshot = draft.stored_form() if draft.dirty else None
    if persisted().get(draft.key) == snapshot:
        return
    if snapshot is None:
        done = run_write(
            lambda s: drafts_service.discard_draft(s, draft.claim_id, draft.reviewer_id)
        )
    else:
        done = run_write(
            lambda s: drafts_service.keep_draft(
                s, draft.claim_id, draft.reviewer_id, draft.base_version, snapshot
            ),
            retry_on_integrity=True,
        )
    if done is not None or snapshot is None:
        persisted()[draft.key] = snapshot


def open_draft() -> Draft:
    """The open claim's draft with what the widgets hold: callbacks start here."""
    return draft_for(ss["claim_id"], in_callback=True)


def suggested_draft(claim_id: int) -> AssessmentInput | None:
    suggestion = suggestions().get(claim_id)
    return annotation.draft_from_suggestion(suggestion) if suggestion else None


def forget_draft(draft: Draft) -> None:
    """Saved, discarded or cleared: the next run loads the claim's form from the database."""
    all_drafts().pop(draft.key, None)
    persisted().pop(draft.key, None)


def unsaved_drafts() -> list[Draft]:
    return [
        d
        for key, d in all_drafts().items()
        if key[0] == article_id and key[2] == reviewer_id and d.dirty
    ]


# ------------------------------------------------------------------ actions (callbacks)
def go_to(target: int | None) -> None:
    """Move to another claim; the open claim's draft stays (listed while it is unsaved)."""
    if target is None or target == ss.get("claim_id"):
        return
    keep(open_draft())
    ss["claim_id"] = target
    ss.pop("confirm", None)


def save_current(then_next: bool = False, expected_version: int | None = None) -> bool:
    claim_id = ss["claim_id"]
    draft = open_draft()
    if draft.origin == "saved" and not draft.dirty and expected_version is None:
        # Nothing typed since it was loaded: nothing to write (and no history line).
        ss["flash"] = ("success", "No changes to save.")
        if then_next:
            go_next_unrated(claim_id)
        return True
    try:
        data = draft.values.to_input()
    except ValueError as error:
        ss["flash"] = ("error", describe_validation_error(error))
        return False
    outcome = annotation.judge_suggestion(
        suggested_draft(claim_id) if draft.origin == "suggested" or draft.rejected else None,
        data,
        rejected=draft.rejected,
    )
    if outcome is not None:
        data = data.model_copy(update={"suggestion_outcome": outcome})
    version = draft.base_version if expected_version is None else expected_version
    try:
        saved = write(
            engine(),
            lambda s: drafts_service.save_draft_as_assessment(s, claim_id, reviewer, data, version),
            retry_on_integrity=True,
        )
    except StaleAssessmentError as error:
        keep(draft)
        ss["conflict"] = {"claim": claim_id, "theirs": error.theirs, "version": error.version}
        return False
    except EmptyFormError as error:
        keep(draft)
        ss["flash"] = ("error", str(error))
        ss["confirm"] = ("clear", claim_id)
        return False
    except (FactcheckError, ValueError) as error:
        keep(draft)
        ss["flash"] = ("error", describe_validation_error(error))
        return False
    grade = saved.grade or "no grade"
    position = workspace.claim(claim_id).position if workspace.claim(claim_id) else "?"  # type: ignore[union-attr]
    ss["flash"] = ("success", f"Saved claim {position} ({grade}).")
    forget("suggestion_stats")
    forget_draft(draft)
    ss.pop("conflict", None)
    if then_next:
        go_next_unrated(claim_id)
    return True


def go_next_unrated(claim_id: int) -> None:
    rated = workspace.rated_ids | {claim_id}
    nxt = next(
        (c.id for c in claims[workspace.index_of(claim_id) + 1 :] + claims if c.id not in rated),
        None,
    )
    if nxt is not None:
        ss["claim_id"] = nxt
    else:
        ss["flash"] = ("success", "Saved. Every claim of this article is rated.")


def save_clicked(then_next: bool = False) -> None:
    """The Save and "Accept and next" buttons (what went wrong is shown by `save_current`)."""
    save_current(then_next)


def keep_mine() -> None:
    """Conflict: save this form over the version now stored (the other one stays in history)."""
    conflict = ss.get("conflict") or {}
    if save_current(expected_version=conflict.get("version")):
        ss.pop("conflict", None)


def keep_theirs() -> None:
    """Conflict: drop this form and load the stored assessment."""
    draft = open_draft()
    run_write(lambda s: drafts_service.discard_draft(s, draft.claim_id, draft.reviewer_id))
    forget_draft(draft)
    ss.pop("conflict", None)
    ss["flash"] = ("success", "Loaded the stored assessment; your edits were discarded.")


def ask(action: str) -> None:
    ss["confirm"] = (action, ss["claim_id"])


def discard_draft() -> None:
    """Confirmed "Discard draft": back to what is stored (or the suggestion)."""
    ss.pop("confirm", None)
    keep_theirs()
    ss["flash"] = ("success", "Draft discarded.")


def clear_current() -> None:
    """Confirmed "Clear this assessment": the explicit way to remove a saved rating."""
    ss.pop("confirm", None)
    draft = open_draft()
    done = run_write(
        lambda s: assessment_service.clear_assessment(
            s, draft.claim_id, reviewer, expected_version=draft.base_version
        )
    )
    if done is not None:
        run_write(lambda s: drafts_service.discard_draft(s, draft.claim_id, draft.reviewer_id))
        forget_draft(draft)
        ss["flash"] = ("success", "Assessment cleared (it stays in the article's history).")


def apply_suggestion() -> None:
    draft = open_draft()
    suggested = suggested_draft(ss["claim_id"])
    if suggested is not None:
        values = FormValues.from_input(suggested, _uid)
        for name in ("rel", "cred", *DETAIL_FIELDS):
            setattr(values, name, getattr(draft.values, name))  # keep grades and details
        draft.values, draft.origin, draft.rejected = values, "suggested", False
        changed_by_code(draft)


def reject_suggestion() -> None:
    draft = open_draft()
    draft.values.type = draft.values.speaker = draft.values.cue = ""
    draft.values.hops, draft.values.spans = [], None
    draft.rejected, draft.origin = True, "blank"
    changed_by_code(draft)


def add_hop(name: str = "", kind: str = "unknown") -> None:
    draft = open_draft()
    relation = "reported_by" if draft.values.hops else ""
    draft.values.hops.append(Hop(_uid(), name, kind, relation))
    changed_by_code(draft)


def add_registry_hop() -> None:
    choice = ss.get("hop_from_registry")
    if choice:
        add_hop(*choice)
        ss["hop_from_registry"] = None


def move_hop(uid: int, step: int) -> None:
    draft = open_draft()
    hops = draft.values.hops
    i = next(n for n, h in enumerate(hops) if h.uid == uid)
    j = i + step
    if 0 <= j < len(hops):
        hops[i], hops[j] = hops[j], hops[i]
        changed_by_code(draft)


def remove_hop(uid: int) -> None:
    draft = open_draft()
    draft.values.hops = [h for h in draft.values.hops if h.uid != uid]
    changed_by_code(draft)


def undo_last() -> None:
    done = run_write(lambda s: history.undo_last(s, article_id, actor=reviewer))
    if done is not None:
        ss["flash"] = ("success", f"Undone: {done.summary}")


def edit_claims(action: str, drop_rest: bool = False) -> None:
    """Claim boundary edits, each one service call that checks the result and records it."""
    keep(open_draft())
    claim_id = ss["claim_id"]
    current = workspace.claim(claim_id)
    result: Any = None
    if action == "merge":
        result = run_write(lambda s: claim_service.merge_claims(s, claim_id, actor=reviewer))
    elif action == "split":
        offset = current.start + int(ss["split_at"])  # type: ignore[union-attr]
        result = run_write(lambda s: claim_service.split_claim(s, claim_id, offset, actor=reviewer))
    elif action == "bounds":
        try:
            result = write(
                engine(),
                lambda s: claim_service.edit_claim(
                    s,
                    claim_id,
                    start=int(ss["edit_start"]),
                    end=int(ss["edit_end"]),
                    kind=ss["edit_kind"],
                    drop_rest=drop_rest,
                    actor=reviewer,
                ),
            )
        except UncoveredTextError as error:  # ask, rather than refuse and offer at once
            ss["confirm"] = ("trim", claim_id)
            ss["trim_excerpt"] = error.excerpt
        except (FactcheckError, ValueError) as error:
            ss["flash"] = ("error", describe_validation_error(error))
    elif action == "drop":
        ss.pop("confirm", None)
        result = run_write(lambda s: claim_service.drop_claim(s, claim_id, actor=reviewer))
        if result is not None:
            ss["claim_id"] = (
                workspace.neighbour(claim_id, 1)
                if workspace.index_of(claim_id) < len(claims) - 1
                else workspace.neighbour(claim_id, -1)
            )
    elif action == "restore":
        result = run_write(
            lambda s: claim_service.restore_claim(s, int(ss["restore_choice"]), actor=reviewer)
        )
    elif action == "add":
        result = run_write(
            lambda s: claim_service.add_claim(
                s,
                article_id,
                int(ss["add_start"]),
                int(ss["add_end"]),
                ss["add_kind"],
                actor=reviewer,
            )
        )
        if result is not None:
            ss["claim_id"] = result.id
    if result is not None:
        ss.pop("confirm", None)
        last = read(lambda s: history.article_history(s, article_id, limit=1))
        ss["flash"] = (
            "success",
            f"Claims updated: {last[0].summary}" if last else "Claims updated.",
        )
        ss.get("bounds_form", {}).pop("for", None)  # offsets start again from the claim


def chain_editor(draft: Draft) -> None:
    """One row of widgets per hop, with the registry menu and "Add empty hop"."""
    for index, hop in enumerate(draft.values.hops):
        uid = hop.uid
        h = st.columns([4, 3, 3, 3], vertical_alignment="bottom")
        h[0].text_input(
            "Name",
            key=f"hop_name_{uid}",
            label_visibility="collapsed" if index else "visible",
        )
        h[1].selectbox(
            "Kind",
            SOURCE_KIND_OPTIONS,
            key=f"hop_kind_{uid}",
            label_visibility="collapsed" if index else "visible",
        )
        h[2].selectbox(
            "Relation",
            RELATION_OPTIONS,
            key=f"hop_rel_{uid}",
            disabled=index == 0,
            format_func=lambda v: v or "— origin —",
            label_visibility="collapsed" if index else "visible",
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

load_stored_drafts()
draft = draft_for(claim.id)
keep(draft)
seed(draft)
if ss.get("details_checked_for") != claim.id:
    ss["details_checked_for"] = claim.id
    if ss.pop("details_auto", None) is not None and is_open("details"):
        # Opened by the page for the claim before, not by the reviewer: close it again.
        ss["panels_keep"] = [p for p in ss["panels_keep"] if p != "details"]
    if draft.values.has_details() and not is_open("details"):
        open_panel("details")  # never hide what the assessment (or the draft) says
        ss["details_auto"] = claim.id
if ss.get("panels") != (ss.get("panels_keep") or []):
    ss["panels"] = list(ss.get("panels_keep") or [])

with work_col:
    st.pills(
        "Show",
        list(PANELS),
        selection_mode="multi",
        format_func=lambda panel: PANELS[panel],
        key="panels",
        label_visibility="collapsed",
        help="Suggestions: every claim's suggestion, marked in the text and listed. "
        "Bounds: merge, split, trim, drop or add claims. Chain: edit the hops one by one. "
        "Details: translation, primary source, corroboration, notes. "
        "History: the article's latest changes, with undo.",
    )
    record_drawn("panels_drawn", True)
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
        format_func=lambda claim_id: labels[claim_id],
        key=f"jump_{claim.id}",
        label_visibility="collapsed",
        on_change=lambda: go_to(ss.get(f"jump_{ss['claim_id']}")),
    )
    pending = [d for d in unsaved_drafts() if d.claim_id != claim.id]
    if pending:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(f"{len(pending)} unsaved draft{'s' if len(pending) > 1 else ''}:")
            for other in pending[:8]:
                row = workspace.claim(other.claim_id)
                st.button(
                    f"claim {row.position}" if row else "dropped claim",
                    key=f"open_draft_{other.claim_id}",
                    on_click=go_to,
                    args=(other.claim_id,),
                    disabled=row is None,
                    type="tertiary",
                )

    st.subheader(f"Claim {claim.position} of {len(claims)}")
    st.text(claim.text)
    st.caption(f"characters {claim.start}–{claim.end} · {claim.kind}")

    # Drawn only when asked for: a rerun draws a dozen fewer widgets (each costs time).
    if is_open("bounds"):
        length = claim.end - claim.start
        # The offset fields always start from the claim as it is now (after a merge, a split
        # or another tab's edit), never from numbers typed for an earlier version of it; what
        # is typed lives in `bounds_form`, so a page switch or a closed panel keeps it.
        store = ss.setdefault("bounds_form", {})
        if drawn_in_previous_run("bounds_drawn"):
            store.update({key: ss[key] for key in BOUNDS_KEYS if key in ss})
        if store.get("for") != (claim.id, claim.start, claim.end, claim.kind):
            store["for"] = (claim.id, claim.start, claim.end, claim.kind)
            store.update(edit_start=claim.start, edit_end=claim.end, edit_kind=claim.kind)
            store["split_at"] = max(1, min(length // 2, length - 1))
        store.setdefault("add_start", 0)
        store.setdefault("add_end", 0)
        store.setdefault("add_kind", "factual")
        for key in BOUNDS_KEYS:
            ss[key] = store[key]
        with st.container(horizontal=True):
            st.button("Merge with next", key="merge_next", on_click=edit_claims, args=("merge",))
            st.button("Drop (not a claim)", key="drop_claim", on_click=ask, args=("drop",))
            st.button(
                "Undo",
                key="undo_bounds",
                icon=":material/undo:",
                on_click=undo_last,
                help="Put back the article's most recent boundary or kind change exactly",
            )
        if ss.get("confirm") == ("drop", claim.id):
            st.warning(f"Drop claim {claim.position} as not a claim? Its ratings are kept.")
            y1, y2 = st.columns(2)
            y1.button("Yes, drop it", key="confirm_drop", on_click=edit_claims, args=("drop",))
            y2.button("Cancel", key="cancel_drop", on_click=lambda: ss.pop("confirm", None))
        if length > 1:
            at = st.number_input(
                "Split after character (within the claim)", 1, length - 1, key="split_at"
            )
            st.caption(f"…{claim.text[max(0, at - 40) : at]} ‖ {claim.text[at : at + 40]}…")
            st.button("Split here", key="split_claim", on_click=edit_claims, args=("split",))
        e1, e2, e3 = st.columns(3)
        e1.number_input("Start", 0, len(article.text), key="edit_start")
        e2.number_input("End", 0, len(article.text), key="edit_end")
        e3.selectbox("Kind", CLAIM_KIND_OPTIONS, key="edit_kind")
        st.button(
            "Apply boundaries and kind", key="apply_bounds", on_click=edit_claims, args=("bounds",)
        )
        if ss.get("confirm") == ("trim", claim.id):
            st.warning(
                f"Trimming would leave “{markdown_literal(ss.get('trim_excerpt', ''))}” in no "
                "claim. Keep the "
                "trimmed-off text as dropped (restorable) claims?"
            )
            t1, t2 = st.columns(2)
            t1.button(
                "Trim and drop the rest",
                key="confirm_trim",
                on_click=edit_claims,
                args=("bounds", True),
            )
            t2.button("Cancel", key="cancel_trim", on_click=lambda: ss.pop("confirm", None))
        st.divider()
        a1, a2, a3 = st.columns(3)
        a1.number_input("New claim start", 0, len(article.text), key="add_start")
        a2.number_input("New claim end", 0, len(article.text), key="add_end")
        a3.selectbox("New claim kind", CLAIM_KIND_OPTIONS, key="add_kind")
        st.button("Add claim from span", key="add_claim", on_click=edit_claims, args=("add",))
        dropped = read(lambda s: annotation.dropped_claims(s, article_id))
        if dropped:
            st.selectbox(
                "Dropped claims",
                [c.id for c in dropped],
                format_func=lambda i: next(c.text[:60] for c in dropped if c.id == i),
                key="restore_choice",
            )
            st.button("Restore", key="restore_claim", on_click=edit_claims, args=("restore",))
        record_drawn("bounds_drawn", True)

    if is_open("history"):
        changes = read(lambda s: history.article_history(s, article_id, limit=10))
        with st.container(border=True):
            st.markdown("**Latest changes of this article**")
            if not changes:
                st.caption("No changes recorded yet.")
            for change in changes:
                mark = " · undone" if change.undone else ""
                st.caption(
                    f"{change.at:%d %b %H:%M} · {markdown_literal(change.actor)} · "
                    f"{markdown_literal(change.summary)}{mark}"
                )
            if any(c.undoable for c in changes):
                st.button("Undo last claim change", key="undo_history", on_click=undo_last)

    conflict = ss.get("conflict")
    if conflict and conflict.get("claim") == claim.id:
        theirs = (
            FormValues.from_input(conflict["theirs"], _uid) if conflict["theirs"] else FormValues()
        )
        st.warning(
            f"This assessment was changed elsewhere (now version {conflict['version']}) "
            "since your form loaded it. Nothing was saved. Which one do you keep?"
        )
        st.dataframe(
            [
                {"field": name, "yours": mine, "stored": stored}
                for name, mine, stored in differences(draft.values, theirs)
            ],
            hide_index=True,
            key="conflict_table",
        )
        k1, k2 = st.columns(2)
        k1.button("Keep mine", key="keep_mine", on_click=keep_mine, type="primary")
        k2.button("Keep theirs", key="keep_theirs", on_click=keep_theirs)
    elif draft.dirty and draft.base_version != stored_version(claim.id):
        st.warning(
            "The saved assessment changed elsewhere since this draft began; saving will ask "
            "which one to keep."
        )

    origin = draft.origin
    if origin == "suggested":
        st.info(
            "Suggested attribution and chain: not saved yet. Check, grade, then save.", icon="💡"
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
    t1.selectbox(
        "Type",
        ATTRIBUTION_TYPE_OPTIONS,
        key="f_type",
        format_func=lambda v: v.replace("_", " ") or "—",
    )
    t2.text_input("Speaker", key="f_speaker")
    t3.text_input("Cue", key="f_cue")

    st.markdown("##### Chain (origin → publisher)")
    chain = draft.values.chain()
    if len(chain) > 1:
        st.graphviz_chart(chain_dot(chain))
    elif chain:
        st.text(f"{chain[0].name} ({chain[0].kind.value})")
    else:
        st.caption("No chain yet.")
    if is_open("chain"):
        chain_editor(draft)

    st.markdown("##### Rating")
    g1, g2 = st.columns(2)
    g1.selectbox(
        "Source reliability",
        RELIABILITY_OPTIONS,
        key="f_rel",
        format_func=lambda v: f"{v} — {RELIABILITY_MEANINGS[v]}" if v else "—",
    )
    g2.selectbox(
        "Information credibility",
        CREDIBILITY_OPTIONS,
        key="f_cred",
        format_func=lambda v: f"{v} — {CREDIBILITY_MEANINGS[v]}" if v else "—",
    )
    score = sourcing_score(chain, ss.get("f_type") or None, draft.values.primary or None)
    with st.container(border=True):
        reasons = "  \n".join(
            f":gray[{markdown_literal(r)}]" for r in score.reasons or ["no deductions"]
        )
        st.markdown(f"**Suggested sourcing score: {score.score}/100**  \n{reasons}")
    if is_open("details"):
        st.checkbox("Translated", key="f_translated")
        st.text_input("Primary source URL", key="f_primary")
        k1, k2 = st.columns([1, 3])
        k1.checkbox("Corroborated", key="f_corr")
        k2.text_input("Corroborated by", key="f_corr_by")
        st.text_area("Notes", key="f_notes", height=80)

    record_drawn("form_drawn", ((draft.key, draft.gen), form_drawn_keys(draft)))
    if draft.dirty:
        st.caption("● unsaved changes")
    v1, v2 = st.columns(2)
    v1.button("Save", key="save", on_click=save_clicked, type="secondary", width="stretch")
    v2.button(
        "Accept and next",
        icon=":material/done_all:",
        key="accept_next",
        on_click=save_clicked,
        kwargs={"then_next": True},
        type="primary",
        width="stretch",
    )
    d1, d2 = st.columns(2)
    if draft.dirty:
        d1.button("Discard draft", key="discard_draft", on_click=ask, args=("discard",))
    if draft.origin == "saved":
        d2.button("Clear this assessment", key="clear_assessment", on_click=ask, args=("clear",))
    if ss.get("confirm") == ("discard", claim.id):
        st.warning(
            "Discard your unsaved edits of this claim and go back to "
            + ("the saved assessment?" if draft.origin == "saved" else "the suggestion?")
        )
        y1, y2 = st.columns(2)
        y1.button("Yes, discard", key="confirm_discard", on_click=discard_draft)
        y2.button("Cancel", key="cancel_discard", on_click=lambda: ss.pop("confirm", None))
    if ss.get("confirm") == ("clear", claim.id) and draft.origin == "saved":
        st.warning("Clear your saved assessment of this claim? Its content stays in the history.")
        y1, y2 = st.columns(2)
        y1.button("Yes, clear it", key="confirm_clear", on_click=clear_current)
        y2.button("Cancel", key="cancel_clear", on_click=lambda: ss.pop("confirm", None))
    stats = remembered(
        "suggestion_stats",
        STATS_SECONDS,
        lambda: read(lambda s: annotation.suggestion_stats(s, reviewer_id)),
    )
    if stats.total:
        st.caption(
            f"Your suggestions so far: {stats.accepted} accepted unchanged, {stats.edited} edited, "
            f"{stats.rejected} rejected ({stats.acceptance_rate:.0%} accepted)"
        )
