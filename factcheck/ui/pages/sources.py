"""Sources: the registry of people and outlets that chains refer to. Search, page through, add,
edit (rename, kind, aliases, prior grade), merge two records, delete."""

from __future__ import annotations

import math

import streamlit as st

from factcheck.domain.display import markdown_literal
from factcheck.services import sources as source_service
from factcheck.services.sources import SourceRow
from factcheck.ui.common import RELIABILITY_OPTIONS, SOURCE_KIND_OPTIONS, read, run_write
from schemas.vocab import RELIABILITY_MEANINGS

PAGE_SIZE = 50
FLASH = "sources_flash"
PENDING_MERGE = "sources_pending_merge"
PENDING_DELETE = "sources_pending_delete"
EDIT_LOADED = "edit_source_loaded"


def kind_label(kind: str) -> str:
    return kind.replace("_", " ")


def prior_label(grade: str) -> str:
    return f"{grade} — {RELIABILITY_MEANINGS[grade]}" if grade else "none"


def comma_list(text: str) -> list[str]:
    # Splitting a comma-separated field is how this form is read, not a domain rule; the
    # service still cleans and de-duplicates every alias.
    return [part.strip() for part in text.split(",") if part.strip()]


def finish(message: str) -> None:
    """Show `message` after the rerun that redraws the table with the change."""
    st.session_state[FLASH] = message
    st.session_state.pop(EDIT_LOADED, None)
    st.rerun()


def keep_choice_valid(key: str, options: list[int], default: int) -> None:
    """A picker whose remembered choice left the table (page turned, record merged away)
    starts again from `default` instead of failing."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def reset_page() -> None:
    st.session_state["sources_page"] = 1


st.title("Sources")
st.caption(
    "People and outlets that attribution chains refer to, with their aliases and a prior "
    "reliability grade. Chain hops link to these records by name or alias."
)
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH), icon="✅")

search = st.text_input(
    "Search name, alias or kind",
    key="sources_search",
    placeholder="e.g. reuters, AFP, wire_agency",
    on_change=reset_page,
)
total = read(lambda s: source_service.count_sources(s, search))
pages = max(1, math.ceil(total / PAGE_SIZE))
if st.session_state.get("sources_page", 1) > pages:
    st.session_state["sources_page"] = pages
page_col, info_col = st.columns([1, 4])
page = int(page_col.number_input("Page", min_value=1, max_value=pages, step=1, key="sources_page"))
offset = (page - 1) * PAGE_SIZE
rows: list[SourceRow] = read(
    lambda s: source_service.list_sources(s, search, offset=offset, limit=PAGE_SIZE)
)
if total:
    info_col.caption(
        f"Showing {offset + 1:,}–{offset + len(rows):,} of {total:,} sources (page {page} of "
        f"{pages})"
    )

if rows:
    st.dataframe(
        [
            {
                "Name": row.name,
                "Kind": kind_label(row.kind),
                "Aliases": ", ".join(row.aliases),
                "Prior grade": row.prior_reliability or "",
                "Chain hops": row.hops,
            }
            for row in rows
        ],
        hide_index=True,
        width="stretch",
        key="sources_table",
    )
elif search.strip():
    st.info("No source matches this search.", icon="🔎")
else:
    st.info("The registry is empty: add a source below.", icon="🏛️")

by_id = {row.id: row for row in rows}
ids = list(by_id)


def describe(source_id: int) -> str:
    row = by_id[source_id]
    return f"{row.name} ({kind_label(row.kind)})"


add_tab, edit_tab, merge_tab, delete_tab = st.tabs(["Add", "Edit", "Merge", "Delete"])

with add_tab, st.form("add_source_form", clear_on_submit=True):
    name = st.text_input("Name", key="add_source_name", placeholder="e.g. Agence France-Presse")
    kind_col, prior_col = st.columns(2)
    kind = kind_col.selectbox(
        "Kind",
        SOURCE_KIND_OPTIONS,
        index=SOURCE_KIND_OPTIONS.index("unknown"),
        format_func=kind_label,
        key="add_source_kind",
    )
    prior = prior_col.selectbox(
        "Prior reliability", RELIABILITY_OPTIONS, format_func=prior_label, key="add_source_prior"
    )
    aliases = st.text_input(
        "Aliases (comma-separated)", key="add_source_aliases", placeholder="e.g. AFP, France-Presse"
    )
    if st.form_submit_button("Add source", type="primary", key="add_source_submit"):
        added = run_write(
            lambda s: (
                source_service.add_source(s, name, kind, comma_list(aliases), prior or None).name
            )
        )
        if added is not None:
            finish(f"Saved: added {markdown_literal(added)}.")

with edit_tab:
    if not ids:
        st.info("Search for a source above to edit it.")
    else:
        keep_choice_valid("sources_selected", ids, ids[0])
        selected = st.selectbox(
            "Source (from the table above)", ids, format_func=describe, key="sources_selected"
        )
        row = by_id[selected]
        if st.session_state.get(EDIT_LOADED) != selected:
            # A newly chosen source: its stored values become the form's starting values.
            st.session_state["edit_source_name"] = row.name
            st.session_state["edit_source_kind"] = (
                row.kind if row.kind in SOURCE_KIND_OPTIONS else "unknown"
            )
            st.session_state["edit_source_prior"] = row.prior_reliability or ""
            st.session_state["edit_source_add_aliases"] = ""
            st.session_state["edit_source_remove_aliases"] = []
            st.session_state[EDIT_LOADED] = selected
        with st.form("edit_source_form"):
            new_name = st.text_input("Name", key="edit_source_name")
            kind_col, prior_col = st.columns(2)
            new_kind = kind_col.selectbox(
                "Kind", SOURCE_KIND_OPTIONS, format_func=kind_label, key="edit_source_kind"
            )
            new_prior = prior_col.selectbox(
                "Prior reliability",
                RELIABILITY_OPTIONS,
                format_func=prior_label,
                key="edit_source_prior",
            )
            add_aliases = st.text_input(
                "Add aliases (comma-separated)", key="edit_source_add_aliases"
            )
            remove_aliases = st.multiselect(
                "Remove aliases", row.aliases, key="edit_source_remove_aliases"
            )
            if st.form_submit_button("Save changes", type="primary", key="edit_source_submit"):
                saved = run_write(
                    lambda s: (
                        source_service.update_source(
                            s,
                            row.id,
                            name=new_name,
                            kind=new_kind,
                            prior_reliability=new_prior or None,
                            clear_prior=not new_prior,
                            add_aliases=comma_list(add_aliases),
                            remove_aliases=remove_aliases,
                        ).name
                    )
                )
                if saved is not None:
                    finish(f"Saved {markdown_literal(saved)}.")

with merge_tab:
    pending_merge = st.session_state.get(PENDING_MERGE)
    if pending_merge:
        keep_id, keep_name, remove_id, remove_name, hops = pending_merge
        shown_keep, shown_remove = markdown_literal(keep_name), markdown_literal(remove_name)
        st.warning(
            f"Merge **{shown_remove}** into **{shown_keep}**? "
            f"{shown_remove} and its aliases become aliases of {shown_keep}, and "
            f"its {hops} chain hop(s) will point to {shown_keep}. This cannot be undone.",
            icon="⚠️",
        )
        confirm_col, cancel_col = st.columns(2)
        if confirm_col.button("Confirm merge", type="primary", key="merge_confirm"):
            st.session_state.pop(PENDING_MERGE, None)
            kept = run_write(lambda s: source_service.merge_sources(s, keep_id, remove_id).name)
            if kept is not None:
                finish(f"Merged {markdown_literal(remove_name)} into {markdown_literal(kept)}.")
        if cancel_col.button("Cancel", key="merge_cancel"):
            st.session_state.pop(PENDING_MERGE, None)
            st.rerun()
    elif len(ids) < 2:
        st.info("Search above so that both records are listed, then pick them here.")
    else:
        st.caption("Search above so that both records are listed, then pick them here.")
        keep_choice_valid("merge_keep", ids, ids[0])
        keep_choice_valid("merge_remove", ids, ids[1])
        keep_col, remove_col = st.columns(2)
        keep = keep_col.selectbox("Keep", ids, format_func=describe, key="merge_keep")
        remove = remove_col.selectbox(
            "Fold into it and remove", ids, format_func=describe, key="merge_remove"
        )
        if st.button("Merge…", key="merge_start", disabled=keep == remove):
            st.session_state[PENDING_MERGE] = (
                keep,
                by_id[keep].name,
                remove,
                by_id[remove].name,
                by_id[remove].hops,
            )
            st.rerun()
        if keep == remove:
            st.caption("Choose two different records.")

with delete_tab:
    pending_delete = st.session_state.get(PENDING_DELETE)
    if pending_delete:
        delete_id, delete_name, hops = pending_delete
        st.warning(
            f"Delete **{markdown_literal(delete_name)}** and its aliases? {hops} chain hop(s) "
            "keep the name but lose the link to the registry. This cannot be undone.",
            icon="⚠️",
        )
        confirm_col, cancel_col = st.columns(2)
        if confirm_col.button("Confirm delete", type="primary", key="delete_confirm"):
            st.session_state.pop(PENDING_DELETE, None)
            deleted = run_write(lambda s: source_service.delete_source(s, delete_id).name)
            if deleted is not None:
                finish(f"Deleted {markdown_literal(deleted)}.")
        if cancel_col.button("Cancel", key="delete_cancel"):
            st.session_state.pop(PENDING_DELETE, None)
            st.rerun()
    elif not ids:
        st.info("Search for a source above to delete it.")
    else:
        keep_choice_valid("delete_pick", ids, ids[0])
        doomed = st.selectbox(
            "Source (from the table above)", ids, format_func=describe, key="delete_pick"
        )
        if st.button("Delete…", key="delete_start"):
            st.session_state[PENDING_DELETE] = (doomed, by_id[doomed].name, by_id[doomed].hops)
            st.rerun()
