"""AppTest and the page's custom components (Streamlit components v2): read what a component
was given, and send it a trigger value as its JavaScript would. AppTest has no element class
for these components, so the trigger goes in as the widget state the browser sends."""

from __future__ import annotations

import json
from typing import Any

from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import user_key_from_element_id
from streamlit.testing.v1 import AppTest


def component(at: AppTest, key: str) -> Any:
    """The component element mounted with `key` (its proto: `id`, `json`)."""
    for element in at.get("bidi_component"):
        if user_key_from_element_id(element.proto.id) == key:
            return element.proto
    raise AssertionError(f"no component with key {key!r}")


def component_data(at: AppTest, key: str) -> Any:
    """The `data` the page gave the component mounted with `key`."""
    return json.loads(component(at, key).json)


def send(at: AppTest, key: str, event: str, value: Any) -> AppTest:
    """Run the page as after the component's `setTriggerValue(event, value)`."""
    states = at._tree.get_widget_states()
    state = WidgetState()
    state.id = _make_trigger_id(component(at, key).id, "events")
    state.json_trigger_value = json.dumps([{"event": event, "value": value}])
    states.widgets.append(state)
    at._run(states)
    assert not at.exception, at.exception
    return at
