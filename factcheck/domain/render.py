"""Pure rendering of article text and chains for the UI. Every piece of article or user text
goes through html.escape: an article containing <script> shows those characters, runs nothing."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from schemas.spans import ChainHop

# Background colours by claim state: not yet rated, rated (by source reliability), suggested.
STATE_COLOURS: dict[str, str] = {
    "unrated": "#eeeeee",
    "suggested": "#e3ecfa",
    "A": "#c8efc8",
    "B": "#dcf3c4",
    "C": "#fbf0b8",
    "D": "#fbdcb0",
    "E": "#f7c1bd",
    "F": "#dcd7ee",
    "rated": "#d6ecf5",
}
LEGEND: dict[str, str] = {
    "unrated": "not rated",
    "A": "rated A",
    "B": "rated B",
    "C": "rated C",
    "D": "rated D",
    "E": "rated E",
    "F": "rated F",
    "rated": "rated, no grade",
}


@dataclass(frozen=True)
class HighlightedClaim:
    claim_id: int
    start: int
    end: int
    state: str
    label: str


def _escape(fragment: str) -> str:
    return html.escape(fragment, quote=True).replace("\n", "<br>")


# The marks' look, once per article instead of inline on each of its hundreds of claims (the
# page sends the whole article on every rerun; inline styles made it half as large again).
_ARTICLE_STYLE = (
    "<style>.fc-article mark{padding:1px 2px;border-radius:3px}"
    + "".join(
        f".fc-article mark.fc-{state}{{background:{c}}}" for state, c in STATE_COLOURS.items()
    )
    + ".fc-article mark.fc-selected{outline:2px solid #1f4e9c;font-weight:600}</style>"
)


def article_html(
    text: str, claims: Sequence[HighlightedClaim], selected_id: int | None = None
) -> str:
    """The article with each claim wrapped in a coloured <mark>; the selected one outlined."""
    parts: list[str] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: c.start):
        if claim.start < cursor or claim.end > len(text):
            continue
        parts.append(_escape(text[cursor : claim.start]))
        state = claim.state if claim.state in STATE_COLOURS else "rated"
        selected = " fc-selected" if claim.claim_id == selected_id else ""
        parts.append(
            f'<mark id="claim-{claim.claim_id}" class="fc-{state}{selected}" '
            f'title="{html.escape(claim.label, quote=True)}">'
            f"{_escape(text[claim.start : claim.end])}</mark>"
        )
        cursor = claim.end
    parts.append(_escape(text[cursor:]))
    return (
        '<div class="fc-article" style="line-height:1.7;font-size:1rem;max-height:70vh;'
        'overflow-y:auto;padding:0.5rem 0.75rem;border:1px solid #ddd;border-radius:6px">'
        + "".join(parts)
        + "</div>"
        + _ARTICLE_STYLE
    )


def legend_html() -> str:
    items = "".join(
        f'<span style="background:{STATE_COLOURS[key]};padding:1px 6px;margin-right:6px;'
        f'border-radius:3px;white-space:nowrap;display:inline-block">{html.escape(label)}</span>'
        for key, label in LEGEND.items()
    )
    return f'<div style="font-size:0.8rem">{items}</div>'


def _dot_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def chain_dot(chain: Sequence[ChainHop]) -> str:
    """A left-to-right Graphviz graph of the hops, edges labelled with the relation."""
    lines = [
        "digraph chain {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f6fa", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9, color="#667"];',
    ]
    for index, hop in enumerate(chain):
        label = f"{_dot_label(hop.name)}\\n({hop.kind.value})"
        lines.append(f'  h{index} [label="{label}"];')
    for index, hop in enumerate(chain[1:], start=1):
        relation = hop.relation.value if hop.relation else ""
        lines.append(f'  h{index - 1} -> h{index} [label="{_dot_label(relation)}"];')
    lines.append("}")
    return "\n".join(lines)


def chain_html(chain: Sequence[ChainHop]) -> str:
    """The chain as boxes joined by arrows labelled with the relation, wrapping onto more lines
    as it grows: eight hops stay readable in half a 1280-pixel page (a left-to-right graph
    shrank its labels to a few pixels). Names and kinds are escaped."""
    parts = []
    for index, hop in enumerate(chain):
        if index:
            relation = hop.relation.value.replace("_", " ") if hop.relation else ""
            parts.append(
                '<span style="color:#667;font-size:0.75rem;white-space:nowrap">'
                f"→ {html.escape(relation)} →</span>"
            )
        parts.append(
            '<span style="display:inline-block;background:#f4f6fa;border:1px solid #c9d0dc;'
            'border-radius:6px;padding:1px 7px;line-height:1.3">'
            f"{html.escape(hop.name)} "
            f'<span style="color:#667;font-size:0.72rem">{html.escape(hop.kind.value)}</span>'
            "</span>"
        )
    return (
        '<div class="fc-chain-graph" style="display:flex;flex-wrap:wrap;align-items:center;'
        'gap:3px 5px;font-size:0.85rem">' + "".join(parts) + "</div>"
    )
