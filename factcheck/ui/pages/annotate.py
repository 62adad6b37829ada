"""Annotate: one article, one reviewer. Text with claims highlighted, claim navigation and
editing, attribution and chain, grades, explicit save, and "accept and next"."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import streamlit as st
from pydantic import ValidationError
from sqlmodel import Session

from factcheck.domain.display import markdown_literal
from factcheck.domain.forms import (
    DETAIL_FIELDS,
    FIELD_KEYS,
    HOP_KEYS,
    Draft,
    FormValues,
    Hop,
    Resolver,
    chain_text,
    differences,
    insert_hop,
    link_speaker,
    mark_span,
    marked_ranges,
    origin_for_speaker,
    rechain,
)
from factcheck.domain.names import name_key
from factcheck.domain.render import chain_html, legend_html
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
)
from factcheck.ui.components import (
    CHAIN_KEY,
    VIEW_KEY,
    ViewEvent,
    annotate_layout,
    article_view,
    chain_field,
    parse_chain,
    parse_events,
    trigger,
)
from factcheck.ui.trace_panel import trace_panel
from schemas.records import AssessmentInput
from schemas.vocab import CREDIBILITY_MEANINGS, RELIABILITY_MEANINGS

ss = st.session_state
T = TypeVar("T")
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
    st.warning(markdown_literal(str(error)))
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
    "trace": "Trace",
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
def run_write(work: Callable[[Session], T], *, retry_on_integrity: bool = False) -> T | None:
    """A write; a refusal becomes the page's red message and None (nothing changed). Unlike
    `factcheck.ui.common.run_write` the message goes to the page's message slot: `st.error`
    from a callback lands above the page and moves every element after it (see `flash_slot`)."""
    try:
        return write(engine(), work, retry_on_integrity=retry_on_integrity)
    except FactcheckError as error:
        ss["flash"] = ("error", str(error))
    except ValidationError as error:
        ss["flash"] = ("error", describe_validation_error(error))
    return None


def go_to(target: int | None) -> None:
    """Move to another claim; the open claim's draft stays (listed while it is unsaved)."""
    if target is None or target == ss.get("claim_id"):
        return
    keep(open_draft())
    ss["claim_id"] = target
    ss.pop("confirm", None)


def jump(key: str) -> None:
    """The "Jump to" box: go to the claim chosen, if it is one of this article's claims."""
    target = ss.get(key)
    if isinstance(target, int) and workspace.claim(target) is not None:
        go_to(target)
    else:
        ss[key] = ss.get("claim_id")


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
    forget("registry_names")  # a save may register the chain's new names: complete them next
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


def publisher_hops() -> list[Hop]:
    """The article's publisher as a one-hop chain (its own assertion), or none when unknown."""
    outlet = (article.outlet or "").strip()
    if not outlet:
        return []
    name, kind = resolver()(outlet) or (outlet, "unknown")
    return [Hop(_uid(), name, kind, "")]


def reject_suggestion() -> None:
    draft = open_draft()
    draft.values.type = draft.values.speaker = draft.values.cue = ""
    draft.values.hops, draft.values.spans = publisher_hops(), None
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


def open_traced(target_article: int, target_claim: int | None) -> None:
    """The Trace panel's "open": that article, at the claim the statement appears in (this
    run has already taken the open form into its draft, which stays kept, as on any move)."""
    ss["article_id"] = target_article
    if target_claim is None:
        ss.pop("claim_id", None)
    else:
        ss["claim_id"] = target_claim
    st.rerun()


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
        claims_updated()


def claims_updated() -> None:
    """After a boundary edit from the Bounds panel or the article view: say what changed
    (the history's latest entry) and start the offset fields again from the claim."""
    ss.pop("confirm", None)
    last = read(lambda s: history.article_history(s, article_id, limit=1))
    ss["flash"] = ("success", f"Claims updated: {last[0].summary}" if last else "Claims updated.")
    ss.get("bounds_form", {}).pop("for", None)


def resolver() -> Resolver:
    """Registry lookup for hops: a name or alias → (full name, kind), or None."""
    directory = remembered("registry_directory", 60, lambda: read(annotation.suggestion_directory))

    def resolve(name: str) -> tuple[str, str] | None:
        found = directory.resolve(name)
        return (found[0], found[1].value) if found else None

    return resolve


def speaker_typed() -> None:
    """The speaker is the chain's origin: a new speaker becomes the first hop."""
    before = all_drafts().get((article_id, ss["claim_id"], reviewer_id))
    old = before.values.speaker if before is not None else ""
    draft = open_draft()
    if link_speaker(draft.values, old, resolver(), _uid, article.outlet or ""):
        changed_by_code(draft)


def chain_typed() -> None:
    """The chain field sent its text: hops it already had keep kind and relation."""
    text = parse_chain(trigger(CHAIN_KEY, "chain"))
    if text is None:
        return
    draft = open_draft()
    old = [replace(h) for h in draft.values.hops]
    draft.values.hops = rechain(draft.values.hops, text, resolver(), _uid, draft.values.cue)
    origin_for_speaker(draft.values, old)
    changed_by_code(draft)


def view_events() -> None:
    """What the reviewer did in the article view (clicks, selections, keys), in order."""
    seq, events = parse_events(trigger(VIEW_KEY, "events"), len(article.text))
    if seq is not None:
        ss["view_ack"] = max(seq, int(ss.get("view_ack", 0)))
    for event in events:
        if event.type == "open":
            if workspace.claim(event.claim) is not None:
                go_to(event.claim)
        elif event.type == "key":
            press(event.key)
        else:
            selected(event)


def press(key: str) -> None:
    """A page hotkey (the list is `factcheck.ui.components.HOTKEYS`)."""
    claim_id = ss.get("claim_id")
    if claim_id is None:
        return
    if key in "ABCDEF" or key in "123456":
        draft = open_draft()
        if key in "ABCDEF":
            draft.values.rel = key
        else:
            draft.values.cred = int(key)
        changed_by_code(draft)
    elif key == "ENTER":
        save_current(then_next=True)
    elif key == "S":
        save_current()
    elif key in ("J", "K"):
        go_to(workspace.neighbour(claim_id, 1 if key == "J" else -1))
    elif key == "N":
        go_to(workspace.next_unrated(claim_id))
    elif key == "U":
        undo_last()


def selected(event: ViewEvent) -> None:
    """A menu action on a text selection: a mark on the open claim's form, a hop, or a
    boundary edit through the same services as the Bounds panel (history, undo, coverage)."""
    text = article.text
    start, end = event.start, event.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    if event.action in ("speaker", "cue", "content", "hop", "origin"):
        draft = open_draft()
        values, piece = draft.values, text[start:end]
        if event.action == "hop":
            values.hops = insert_hop(values.hops, piece, resolver(), _uid, values.cue)
        elif event.action == "origin":
            # "Stubb said Trump suggested": the one named is where the statement began, and
            # the chain's old origin passed it on. The speaker follows the origin as when the
            # chain is typed, and the selection is then the speaker's span.
            old = [replace(h) for h in values.hops]
            # An empty chain becomes origin > publisher, as when a speaker is typed.
            named = [h.name for h in values.hops if h.name.strip()] or [article.outlet or ""]
            first = name_key((resolver()(piece) or (piece, ""))[0])
            rest = [n for n in named if n.strip() and name_key(n) not in (first, name_key(piece))]
            values.hops = rechain(
                values.hops, " > ".join([piece, *rest]), resolver(), _uid, values.cue
            )
            if origin_for_speaker(values, old):
                values.spans = mark_span(values.spans, "source", start, end, piece)
        else:
            role = "source" if event.action == "speaker" else event.action
            old_speaker = values.speaker
            values.spans = mark_span(values.spans, role, start, end, piece)
            if event.action == "speaker":
                values.speaker = piece
                link_speaker(values, old_speaker, resolver(), _uid, article.outlet or "")
            elif event.action == "cue":
                values.cue = piece
        changed_by_code(draft)
    else:
        edit_selection(event.action, start, end)


def edit_selection(action: str, start: int, end: int) -> None:
    """New claim, split, trim/extend or merge from a selection of the article's text."""
    keep(open_draft())
    current = workspace.claim(ss["claim_id"])
    touched = [c for c in claims if c.start < end and c.end > start]
    result: Any = None
    if action == "new":
        result = run_write(
            lambda s: claim_service.add_claim(s, article_id, start, end, "factual", actor=reviewer)
        )
        if result is not None:
            ss["claim_id"] = result.id
    elif action == "split":
        inside = next((c for c in claims if c.start < start < c.end), None)
        if inside is None:
            ss["flash"] = ("error", "Select inside a claim to split it there.")
            return
        result = run_write(lambda s: claim_service.split_claim(s, inside.id, start, actor=reviewer))
        if result is not None:
            ss["claim_id"] = inside.id
    elif action == "extent" and current is not None:
        # The Bounds panel's fields take the selection: its trim question and its
        # "Trim and drop the rest" then act on exactly these offsets.
        store = ss.setdefault("bounds_form", {})
        shape = (current.id, current.start, current.end, current.kind)
        if store.get("for") != shape:
            length = current.end - current.start
            store["for"], store["split_at"] = shape, max(1, min(length // 2, length - 1))
        for key, value in (("edit_start", start), ("edit_end", end), ("edit_kind", current.kind)):
            store[key] = ss[key] = value
        edit_claims("bounds")
        if ss.get("confirm") == ("trim", current.id):
            open_panel("bounds")
        return
    elif action == "merge":
        if len(touched) < 2:
            ss["flash"] = ("error", "Select across two claims or more to merge them.")
            return
        first = touched[0]

        def merge_all(s: Any) -> Any:
            merged = None
            for other in touched[1:]:
                merged = claim_service.merge_claims(s, first.id, other.id, actor=reviewer)
            return merged

        result = run_write(merge_all)
        if result is not None:
            ss["claim_id"] = first.id
    if result is not None:
        claims_updated()


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
annotate_layout()
st.title(markdown_literal(article.title))
meta = " · ".join(part for part in (article.outlet, article.author, article.published_at) if part)
if meta:
    st.caption(markdown_literal(meta))
if not claims:
    st.info("This article has no claims. Add one from a span below.")

rated = len(workspace.rated_ids & {c.id for c in claims})
st.progress(
    rated / len(claims) if claims else 0.0,
    text=f"{rated} of {len(claims)} claims rated by {markdown_literal(reviewer_name)}",
)

if "claim_id" not in ss and str(st.query_params.get("claim", "")).isdigit():
    ss["claim_id"] = int(st.query_params["claim"])
if claims and ss.get("claim_id") not in {c.id for c in claims}:
    ss["claim_id"] = workspace.next_unrated(None) or claims[0].id
claim_id = ss.get("claim_id")
claim = workspace.claim(claim_id)
if claim is not None and st.query_params.get("claim") != str(claim.id):
    st.query_params["claim"] = str(claim.id)

# The page's one message ("Saved claim 2", a refusal) has a slot of its own, drawn every run and
# filled at the end of it: an element that comes and goes above the columns would move them, and
# the browser would then mount the article view and every widget afresh (slower, and a key
# pressed before the new view is up would have nowhere to go).
flash_slot = st.empty()

text_col, work_col = st.columns([1, 1], gap="medium")

# The open claim's draft first: the article view shows its marked spans.
draft: Draft | None = None
if claim is not None:
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


def settle_heap() -> None:
    """Once per server process, after the first full run of this page (the app's modules,
    the suggester and the registry loaded): leave what is loaded by then out of the garbage
    collector's full collections. Streamlit runs one after every script run; over the ~200,000
    objects of the loaded app it took 0.1–0.25 s of every keystroke's run, holding the
    interpreter while the page waited for the run's last messages (bench/annotate_journey.py).
    Only garbage made from these objects later, in reference cycles, is never collected."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def show_flash() -> None:
    """What the last action said, in its slot; also what this run's own writes refused."""
    if "flash" in ss:
        kind, message = ss.pop("flash")
        (flash_slot.success if kind == "success" else flash_slot.error)(markdown_literal(message))


def draw_text_column() -> None:
    """The article view, its legend and the suggestions table. Drawn last in the run: the view
    sends the reviewer's next keys once it has this run's acknowledgement, and a key sent while
    the run still drew the form would interrupt it (and could lose the key before)."""
    show_flash()
    with text_col:
        show_suggested = is_open("suggestions")
        suggested_ids = set(suggestions()) - workspace.rated_ids if show_suggested else set()
        article_view(
            text=article.text,
            claims=[
                (h.claim_id, h.start, h.end, h.state, h.label)
                for h in workspace.highlights(suggested_ids)
            ],
            open_id=claim_id,
            marks=marked_ranges(draft.values.spans) if draft is not None else {},
            ack=int(ss.get("view_ack", 0)),
            on_events=view_events,
        )
        st.html(legend_html())
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


if claim is None or draft is None:
    draw_text_column()
    st.stop()
assert claim is not None and draft is not None  # for mypy: st.stop() does not return

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
        "History: the article's latest changes, with undo. "
        "Trace: where else this statement appeared, earliest first.",
    )
    record_drawn("panels_drawn", True)
    # Where we are and the moves, in one row; the jump box gets a row of its own, so neither
    # "Next unrated" nor the claims' openings are cut.
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.subheader(f"Claim {claim.position} of {len(claims)}", width="content")
        st.button(
            "◀ Prev",
            key="nav_prev",
            on_click=go_to,
            args=(workspace.neighbour(claim.id, -1),),
            help="Previous claim (K)",
        )
        st.button(
            "Next ▶",
            key="nav_next",
            on_click=go_to,
            args=(workspace.neighbour(claim.id, 1),),
            help="Next claim (J)",
        )
        st.button(
            "Next unrated",
            icon=":material/skip_next:",
            key="nav_unrated",
            on_click=go_to,
            args=(workspace.next_unrated(claim.id),),
            help="Next unrated claim (N)",
        )
    labels = {c.id: f"#{c.position} · {c.text[:80]}" for c in claims}
    # The browser keeps a select box's value as its label: after a split or a merge changed the
    # labels, the old label comes back as a string, not a claim id (it once sent the reviewer to
    # claim 1 after an undo). The box is reset to the open claim then, and `jump` ignores it.
    jump_key = f"jump_{claim.id}"
    if ss.get(jump_key) not in labels:
        ss[jump_key] = claim.id
    st.selectbox(
        "Jump to",
        list(labels),
        index=workspace.index_of(claim.id),
        format_func=lambda claim_id: labels.get(claim_id, str(claim_id)),
        key=jump_key,
        label_visibility="collapsed",
        on_change=jump,
        args=(jump_key,),
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
            before, after = claim.text[max(0, at - 40) : at], claim.text[at : at + 40]
            st.caption(f"…{markdown_literal(before)} ‖ {markdown_literal(after)}…")
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

    if is_open("trace"):
        with st.container(border=True):
            st.markdown("**Where else this statement appeared**")
            trace_panel(claim.id, on_open=open_traced)

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
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if origin == "suggested":
            st.caption(
                ":material/lightbulb: Suggested, not saved yet: check, grade, accept.",
                width="stretch",
            )
            st.button("Reject suggestion", key="reject_suggestion", on_click=reject_suggestion)
        else:
            st.caption("✓ Your saved assessment" if origin == "saved" else "", width="stretch")
            if claim.id in suggestions():
                st.button(
                    "Suggest",
                    key="suggest_one",
                    on_click=apply_suggestion,
                    help="Fill in the suggested attribution and chain",
                )

    t1, t2, t3 = st.columns(3)
    t1.selectbox(
        "Type",
        ATTRIBUTION_TYPE_OPTIONS,
        key="f_type",
        format_func=lambda v: v.replace("_", " ") or "—",
    )
    t2.text_input("Speaker", key="f_speaker", on_change=speaker_typed)
    t3.text_input("Cue", key="f_cue")

    chain = draft.values.chain()
    chain_field(
        value=chain_text(draft.values.hops),
        names=remembered("registry_names", 60, lambda: read(annotation.registry_names)),
        on_chain=chain_typed,
    )
    if chain:
        st.html(chain_html(chain))
    else:
        st.caption("No chain yet.")
    if is_open("chain"):
        chain_editor(draft)

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
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.button("Save", key="save", on_click=save_clicked, type="secondary", help="Save (S)")
        st.button(
            "Accept and next",
            icon=":material/done_all:",
            key="accept_next",
            on_click=save_clicked,
            kwargs={"then_next": True},
            type="primary",
            help="Save and go to the next unrated claim (Enter)",
        )
        st.caption("● unsaved changes" if draft.dirty else "")
    score = sourcing_score(chain, ss.get("f_type") or None, draft.values.primary or None)
    reasons = "; ".join(markdown_literal(r) for r in score.reasons or ["no deductions"])
    st.markdown(f":small[**Suggested sourcing score: {score.score}/100** · :gray[{reasons}]]")
    if is_open("details"):
        st.checkbox("Translated", key="f_translated")
        st.text_input("Primary source URL", key="f_primary")
        k1, k2 = st.columns([1, 3])
        k1.checkbox("Corroborated", key="f_corr")
        k2.text_input("Corroborated by", key="f_corr_by")
        st.text_area("Notes", key="f_notes", height=80)

    record_drawn("form_drawn", ((draft.key, draft.gen), form_drawn_keys(draft)))
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

draw_text_column()
settle_heap()
