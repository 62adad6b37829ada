"""#16: the Annotate page's Trace panel shows where else the open claim's statement appeared
(the constructed demo set travels through several outlets), and "Open" goes to that article
at the claim the statement is in."""

from __future__ import annotations

from tests.cli.test_cli import Cli
from tests.conftest import open_page

ANNOTATE = "factcheck/ui/pages/annotate.py"


def test_the_trace_panel_lists_other_appearances_and_opens_one(db: str) -> None:
    Cli(db).ok("demo")
    at = open_page(ANNOTATE)
    # find a claim with a trace: walk the first article's claims until the panel lists one
    at.pills(key="panels").select("trace").run()
    assert not at.exception, at.exception
    opened = None
    for article_id in range(2, 10):
        at.session_state["article_id"] = article_id
        if "claim_id" in at.session_state:
            del at.session_state["claim_id"]
        at.run()
        buttons = [b for b in at.button if str(b.key).startswith("trace_open_")]
        if buttons:
            opened = article_id
            buttons[0].click().run()
            break
    assert opened is not None, "the constructed demo has a statement in several articles"
    assert not at.exception, at.exception
    assert at.session_state["article_id"] != opened
