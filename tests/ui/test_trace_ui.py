"""The Statements page and the Trace panel (factcheck/ui/trace_panel.py) under AppTest, on the
constructed demo (data/trace-demo)."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from sqlmodel import Session, select

from factcheck.cli import cli
from factcheck.store.engine import make_engine
from factcheck.store.models import Claim
from tests.conftest import open_page


def load_demo(url: str) -> int:
    """Load the demo; the id of the aggregator's claim of the travelling statement."""
    result = CliRunner().invoke(cli, ["--db", url, "demo"])
    assert result.exit_code == 0, result.output
    engine = make_engine(url)
    with Session(engine) as session:
        claim = session.exec(select(Claim).where(Claim.text.contains("whole region"))).first()  # type: ignore[attr-defined]
        assert claim is not None and claim.id is not None
        claim_id = claim.id
    engine.dispose()
    return claim_id


def shown(at: Any) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def test_statements_page_shows_the_constructed_trace(db: str) -> None:
    load_demo(db)
    at = open_page("factcheck/ui/pages/statements.py")
    text = shown(at)
    for outlet in ("Nordmark Broadcasting", "Continental Press Agency", "ClickDaily"):
        assert outlet in text
    assert at.get("graphviz_chart")
    assert "a serious threat" in text
    # The demo's chains (demo-desk's assessments) give the whole trace.
    assert "Earliest appearance:** Nordmark Broadcasting" in text
    assert "Origin:** Halvard Renk" in text
    assert "Halvard Renk → Nordmark Broadcasting → Continental Press Agency" in text
    assert "ClickDaily" in text.split("Shortest known chain:")[1].split("\n")[0]
    # Following the chain to the independent interview instead.
    towards = next(box for box in at.selectbox if str(box.key).startswith("statements_towards_"))
    assert "ClickDaily" in towards.options[towards.index]
    towards.select_index(next(i for i, o in enumerate(towards.options) if "Eastport" in o)).run()
    assert not at.exception, at.exception
    assert "Halvard Renk → Eastport Tribune" in shown(at)


def panel_script() -> None:
    import streamlit as st

    from factcheck.ui.trace_panel import trace_panel

    trace_panel(int(st.session_state["claim_id"]))


def test_trace_panel_lists_appearances_and_offers_corroboration(db: str) -> None:
    from streamlit.testing.v1 import AppTest

    claim_id = load_demo(db)
    at = AppTest.from_function(panel_script, default_timeout=60)
    at.session_state["claim_id"] = claim_id
    at.run()
    assert not at.exception, at.exception
    text = shown(at)
    assert "5 other appearance" in text
    assert "Nordmark Broadcasting" in text and "Eastport Tribune" in text
    at.button(key="trace_corroborate_0").click().run()
    assert "Nordmark Broadcasting" in at.session_state["trace_corroboration"]
    at.button(key="trace_open_1").click().run()
    assert at.session_state["trace_opened"][0] > 1
