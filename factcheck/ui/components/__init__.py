"""The Annotate page's two custom components (Streamlit components v2, inline JS and CSS shipped
beside this module: no build step, nothing fetched at run time).

- `article_view`: the article with its claims highlighted; a click opens a claim, a selection
  offers a menu (new claim, split, trim/extend, merge, speaker, cue, content, add to chain, new
  origin), and the page's hotkeys are read from the whole document.
- `chain_field`: the chain as one line of text with completion from the sources registry.

Both send what the reviewer did as trigger values; `parse_events` and `parse_chain` turn those
browser values into checked Python values (anything malformed is dropped), so the page's
callbacks never act on an unchecked payload."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from factcheck.domain.render import STATE_COLOURS

_HERE = Path(__file__).parent
VIEW_KEY = "article_view"
CHAIN_KEY = "chain_field"

# (key, what it does): the `?` overlay and the README show this table.
HOTKEYS: tuple[tuple[str, str], ...] = (
    ("A–F", "source reliability"),
    ("1–6", "information credibility"),
    ("Enter", "accept (save) and go to the next unrated claim"),
    ("S", "save"),
    ("J / K", "next / previous claim"),
    ("N", "next unrated claim"),
    ("U", "undo the article's last boundary change"),
    ("H", "edit the chain's hops (the chain field)"),
    ("?", "this help"),
    ("Esc", "close menus; leave a text field"),
    ("select text", "menu: I new claim · L split here · X trim/extend the open claim · "
     "M merge · P speaker · Q cue · T content · G add to chain · O new origin, "
     "before the chain's first hop"),
)  # fmt: skip
MENU_ACTIONS = frozenset(
    {"new", "split", "extent", "merge", "speaker", "cue", "content", "hop", "origin"}
)
KEYS = frozenset({*"ABCDEF", *"123456", "ENTER", "S", "J", "K", "N", "U"})


def _asset(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


_COLOURS = "".join(
    f".fc-article mark.fc-{state}{{background:{colour}}}" for state, colour in STATE_COLOURS.items()
)
# isolate_styles=False: the view lives in the page's DOM (no shadow root), so the page's tests
# and the hotkey listener see it like any other element; its classes are all `fc-` prefixed.
_article_view = st.components.v2.component(
    "factcheck_article_view",
    css=_asset("article_view.css") + _COLOURS,
    js=_asset("article_view.js"),
    isolate_styles=False,
)
_chain_field = st.components.v2.component(
    "factcheck_chain_field",
    css=_asset("chain_field.css"),
    js=_asset("chain_field.js"),
    isolate_styles=False,
)


@dataclass(frozen=True)
class ViewEvent:
    """One thing the reviewer did in the article view: opened a claim (`open`, `claim`), chose
    a menu action for a selection (`select`, `action`, `start`, `end`) or pressed a page key
    (`key`, `key`)."""

    type: str
    claim: int | None = None
    action: str = ""
    start: int = 0
    end: int = 0
    key: str = ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_events(payload: Any, text_length: int) -> tuple[int | None, list[ViewEvent]]:
    """(sequence number, events) of an "events" trigger; malformed events are dropped."""
    if not isinstance(payload, dict):
        return None, []
    seq = _int(payload.get("seq"))
    events: list[ViewEvent] = []
    for raw in payload.get("events") or []:
        if not isinstance(raw, dict):
            continue
        kind = raw.get("type")
        if kind == "open" and _int(raw.get("claim")) is not None:
            events.append(ViewEvent("open", claim=raw["claim"]))
        elif kind == "key" and raw.get("key") in KEYS:
            events.append(ViewEvent("key", key=raw["key"]))
        elif kind == "select" and raw.get("action") in MENU_ACTIONS:
            start, end = _int(raw.get("start")), _int(raw.get("end"))
            if start is not None and end is not None and 0 <= start < end <= text_length:
                events.append(ViewEvent("select", action=raw["action"], start=start, end=end))
    return seq, events


def parse_chain(payload: Any) -> str | None:
    """The chain text the chain field sent, or None."""
    return payload[:5000] if isinstance(payload, str) else None


def trigger(key: str, name: str) -> Any:
    """A trigger value of the component mounted with `key` (in its callback)."""
    value = st.session_state.get(key)
    return value.get(name) if isinstance(value, dict) else None


def article_view(
    *,
    text: str,
    claims: Sequence[tuple[int, int, int, str, str]],
    open_id: int | None,
    marks: dict[str, list[list[int]]],
    ack: int,
    on_events: Callable[[], None],
) -> None:
    """Mount the article view. `claims` are (id, start, end, state, label); `marks` the open
    claim's spans by role; `ack` the last event sequence handled (the view sends its next
    events only once the page has handled the last ones, so no key press is lost)."""
    _article_view(
        key=VIEW_KEY,
        data={
            "text": text,
            "claims": [list(c) for c in claims],
            "open": open_id,
            "marks": marks,
            "ack": ack,
            "help": [list(row) for row in HOTKEYS],
        },
        on_events_change=on_events,
    )


def chain_field(*, value: str, names: Sequence[str], on_chain: Callable[[], None]) -> None:
    """Mount the chain field showing `value`, completing from `names`."""
    _chain_field(
        key=CHAIN_KEY,
        data={"value": value, "names": list(names), "placeholder": "Origin > … > publisher"},
        on_chain_change=on_chain,
    )


_LAYOUT = f"<style>{_asset('annotate_layout.css')}</style>"


def annotate_layout() -> None:
    """The Annotate page's compact layout (a style element, no visible element)."""
    st.html(_LAYOUT)
