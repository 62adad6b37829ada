"""The Trace panel for the open claim (issue 16): where else its statement appeared, with
outlet, date, how it matched and how the wording changed; "Open" jumps to an appearance and
"Use as corroboration" hands it to the caller's form. Widgets only: the trace is
`factcheck.services.trace`. The Annotate page wires it in with its own callbacks."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from factcheck.domain.display import markdown_literal
from factcheck.services import trace as trace_service
from factcheck.services.trace import Appearance, Trace
from factcheck.ui.common import read

OPENED = "trace_opened"  # (article_id, claim_id) of the appearance last opened
CORROBORATION = "trace_corroboration"  # the text last offered as corroboration


def diff_markdown(a: Appearance) -> str:
    """The word diff against the earliest wording: removed words struck through, added bold."""
    parts = []
    for part in a.diff:
        text = markdown_literal(part["text"])
        if part["op"] == "delete":
            parts.append(f"~~{text}~~")
        elif part["op"] == "insert":
            parts.append(f"**{text}**")
        else:
            parts.append(text)
    return " ".join(parts)


def corroboration_text(a: Appearance) -> str:
    return f"{a.outlet or 'article ' + str(a.article_id)}, {a.published_at[:10]}: “{a.text}”"


def appearance_date(a: Appearance) -> str:
    """The date the appearance is ordered by, to the minute, saying when it is not the
    publication date."""
    date = a.published_at[:16].replace("T", " ")
    return date if a.date_used == "published" else f"{date} ({a.date_used})"


def _heading(a: Appearance) -> str:
    how = "this claim" if a.match == "self" else f"{a.match}, similarity {a.similarity:.2f}"
    return f"{a.outlet or 'unknown outlet'} · {appearance_date(a)} · {how}"


CREDIBILITY_MEANING = {
    "1-2": "confirmed by other sources",
    "3-6": "not confirmed by another source",
}


def independent_summary(found: Trace) -> str:
    """The number of independent chains and the information credibility it suggests
    (Markdown)."""
    independent = found.independent_chains
    text = str(independent["count"])
    if independent["credibility"]:
        meaning = CREDIBILITY_MEANING[independent["credibility"]]
        text += f" (suggests information credibility {independent['credibility']}: {meaning})"
    return markdown_literal(text)


def shortest_chain_markdown(found: Trace) -> str:
    """The shortest known chain, its hops' stored articles and the weakest hop (Markdown)."""
    if not found.shortest_chain:
        return "**Shortest known chain:** none (no chain reaches the origin)"
    hops = " → ".join(markdown_literal(h.name) for h in found.shortest_chain)
    weakest = (
        f" · **weakest hop:** {markdown_literal(found.weakest_hop.name)} "
        f"({markdown_literal(found.weakest_hop.reliability or '')})"
        if found.weakest_hop
        else ""
    )
    return f"**Shortest known chain:** {hops}{weakest}"


def trace_panel(
    claim_id: int,
    *,
    on_open: Callable[[int, int | None], None] | None = None,
    on_corroborate: Callable[[str], None] | None = None,
) -> Trace:
    """Draw the trace of claim `claim_id`. `on_open(article_id, claim_id)` and
    `on_corroborate(text)` run from the buttons; without them the choice is left in
    `st.session_state[OPENED]` / `[CORROBORATION]`."""
    found = read(lambda s: trace_service.trace(s, claim_id))
    if not found.appearances:
        st.caption("No other stored article has this statement.")
        return found
    earliest = found.earliest
    summary = [f"{len(found.appearances)} other appearance(s)"]
    if earliest is not None:
        summary.append(f"earliest: {markdown_literal(_heading(earliest))}")
    if found.origin:
        summary.append(f"origin: {markdown_literal(found.origin)}")
    summary.append(f"independent chains: {independent_summary(found)}")
    st.markdown(" · ".join(summary))
    if found.shortest_chain:
        st.markdown(shortest_chain_markdown(found))
    for index, a in enumerate(found.appearances):
        with st.container(border=True, key=f"trace_appearance_{index}"):
            st.markdown(markdown_literal(_heading(a)))
            st.markdown(diff_markdown(a) if a.diff else markdown_literal(a.text))
            if a.chain:
                label = "Chain (suggested)" if a.chain_suggested else "Chain"
                st.caption(f"{label}: {markdown_literal(a.chain)}")
            left, right = st.columns(2)
            if left.button("Open", key=f"trace_open_{index}"):
                st.session_state[OPENED] = (a.article_id, a.claim_id)
                if on_open is not None:
                    on_open(a.article_id, a.claim_id)
            if right.button("Use as corroboration", key=f"trace_corroborate_{index}"):
                text = corroboration_text(a)
                st.session_state[CORROBORATION] = text
                if on_corroborate is not None:
                    on_corroborate(text)
    return found
