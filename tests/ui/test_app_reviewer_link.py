"""Local mode keeps the reviewer in the URL (?reviewer=NAME) across reloads. A hand-edited or
hostile link with a name the reviewer rules refuse used to crash every page with a traceback;
it is now ignored: the page asks who is reviewing, and nothing is created."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from factcheck.store.engine import make_engine
from factcheck.store.models import Reviewer
from tests.conftest import ROOT


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "-ana", "x" * 300, "   "])
def test_a_bad_reviewer_in_the_link_is_ignored(db: str, name: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["reviewer"] = name
    at.run()
    assert not at.exception, at.exception
    at.switch_page("factcheck/ui/pages/annotate.py")
    at.run()
    assert not at.exception, at.exception
    assert any("Choose or create a reviewer" in i.value for i in at.info)
    engine = make_engine(db)
    with Session(engine) as session:
        assert session.exec(select(Reviewer)).all() == []
    engine.dispose()


def test_a_good_reviewer_in_the_link_is_kept(db: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["reviewer"] = "ana"
    at.run()
    assert not at.exception, at.exception
    assert any("ana" in m.value for m in at.sidebar.markdown)
