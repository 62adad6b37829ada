"""Statements: the statements found in several stored articles, most repeated first, and for
one of them where it appeared first, the origin, the shortest known chain to a chosen
appearance, the independent chains, a graph of outlets by time (an arrow where one article's
chain cites another's outlet) and each appearance's wording against the earliest. Widgets
only: factcheck/services/trace.py does the work."""

from __future__ import annotations

from itertools import pairwise

import streamlit as st

from factcheck.domain.display import markdown_literal
from factcheck.services import trace as trace_service
from factcheck.services.trace import Appearance, Trace
from factcheck.ui.common import read
from factcheck.ui.trace_panel import (
    appearance_date,
    diff_markdown,
    independent_summary,
    shortest_chain_markdown,
)

GRAPH_ROW = 5  # appearances per row of the graph: fifteen stay readable at 1280 px
TABLE_ROWS = 10


def _dot_label(*lines: str) -> str:
    """Lines of a DOT label, quoted: backslashes and quotes escaped, line breaks as DOT's."""
    return "\\n".join(
        line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") for line in lines
    )


def everything(found: Trace) -> list[Appearance]:
    """Every appearance of the statement once, in time order."""
    listed = ([found.earliest] if found.earliest else []) + found.appearances
    return sorted(
        {a.article_id: a for a in listed}.values(), key=lambda a: (a.published_at, a.article_id)
    )


def outlet_graph(found: Trace) -> str:
    """Graphviz DOT: one box per appearance, in time order left to right and then in rows of
    `GRAPH_ROW` (so fifteen appearances stay readable), an arrow from the cited article to the
    citing one; the earliest and the appearance the chain leads to are drawn bold."""
    ordered = everything(found)
    bold = {found.earliest.article_id if found.earliest else None}
    bold.add(found.towards.article_id if found.towards else None)
    lines = [
        "digraph {",
        'rankdir=TB; nodesep=0.3; ranksep=0.35; node [shape=box, fontsize=11, style="rounded"];',
        "edge [color=gray40];",
    ]
    for number, a in enumerate(ordered, start=1):
        label = _dot_label(f"{number}. {a.outlet or 'unknown'}", appearance_date(a))
        style = ', style="rounded,bold"' if a.article_id in bold else ""
        lines.append(f'a{a.article_id} [label="{label}"{style}];')
    rows = [ordered[i : i + GRAPH_ROW] for i in range(0, len(ordered), GRAPH_ROW)]
    for row in rows:
        lines.append("{ rank=same; " + " ".join(f"a{a.article_id};" for a in row) + " }")
        for x, y in pairwise(row):
            lines.append(f"a{x.article_id} -> a{y.article_id} [style=invis];")
    for above, below in pairwise(rows):
        lines.append(f"a{above[0].article_id} -> a{below[0].article_id} [style=invis];")
    for cited, citing in found.links:
        lines.append(f"a{cited} -> a{citing} [constraint=false];")
    lines.append("}")
    return "\n".join(lines)


def _describe(a: Appearance) -> str:
    return f"{a.outlet or 'unknown outlet'} · {appearance_date(a)}"


st.title("Statements")
st.caption(
    "Statements that appear in several stored articles (exact, partial or reworded), most "
    "repeated first. Pick one to see where it appeared first and how its wording changed."
)
minimum = st.number_input("In at least this many articles", 2, 100, 2, key="statements_min")
rows = read(lambda s: trace_service.list_statements(s, int(minimum), 200))
if not rows:
    st.info("No statement appears in that many articles yet.")
    st.stop()
# A static table wraps long wordings and outlet lists instead of cutting them; the ten most
# repeated are shown, every statement listed is in the picker below.
st.table(
    [
        {
            "statement": r.statement_id,
            "articles": r.articles,
            "first wording": markdown_literal(r.text),
            "outlets": markdown_literal(", ".join(r.outlets)),
        }
        for r in rows[:TABLE_ROWS]
    ],
    hide_index=True,
)
labels = {
    r.statement_id: f"{r.statement_id} · {r.articles} articles · "
    + (r.text if len(r.text) <= 90 else r.text[:89] + "…")
    for r in rows
}
chosen = int(
    st.selectbox(
        "Statement", list(labels), format_func=lambda sid: labels[sid], key="statements_pick"
    )
)
towards_key = f"statements_towards_{chosen}"
found = read(lambda s: trace_service.statement_trace(s, chosen, st.session_state.get(towards_key)))
ordered = everything(found)
if found.earliest is not None:
    st.markdown(
        f"**Earliest appearance:** {markdown_literal(_describe(found.earliest))} · "
        f"{markdown_literal(found.earliest.title)}"
    )
st.markdown(
    f"**Origin:** {markdown_literal(found.origin or 'unknown (no chain recorded)')} · "
    f"**Independent chains:** {independent_summary(found)}"
)
by_article = {a.article_id: a for a in ordered}
st.selectbox(
    "Follow the known chain to",
    list(by_article),
    index=list(by_article).index(found.towards.article_id) if found.towards else 0,
    format_func=lambda aid: _describe(by_article[aid]),
    key=towards_key,
)
st.markdown(shortest_chain_markdown(found))
st.graphviz_chart(outlet_graph(found), width="stretch")
for number, a in enumerate(ordered, start=1):
    with st.container(border=True, key=f"statements_appearance_{number}"):
        earliest = " · **earliest**" if found.earliest and a is found.earliest else ""
        st.markdown(
            f"**{number}. {markdown_literal(_describe(a))}**{earliest} · "
            f"{markdown_literal(a.title)}"
        )
        st.markdown(diff_markdown(a) if a.diff else markdown_literal(a.text))
        if a.chain:
            label = "Chain (suggested)" if a.chain_suggested else "Chain"
            st.caption(f"{label}: {markdown_literal(a.chain)}")
