"""No script injection on any page: article text, titles, outlets, source names, speakers,
chains and notes holding HTML/JS payloads reach the page only as text (escaped where the page
builds HTML, plain markdown elsewhere). The real-browser test checks that nothing runs."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from factcheck.domain.chains import build_chain
from factcheck.services import articles, assessments, claims, sources
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, write
from schemas.records import ArticleMeta, AssessmentInput
from tests.conftest import ROOT

SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = "<img src=x onerror=alert(1)>"
BREAKOUT = '" onmouseover="alert(3)'
# Live markup: a tag that opens, or an attribute that breaks out of its quotes.
RAW = ("<script", "<img", "<iframe", '" onmouseover=')
PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "factcheck/ui/pages").glob("*.py"))


def _seed(url: str) -> None:
    engine = make_engine(url)

    def work(session) -> None:  # type: ignore[no-untyped-def]
        article = articles.import_text(
            session,
            f"The minister said {SCRIPT} was found {BREAKOUT}.\n\nOfficials added {IMAGE} today.",
            ArticleMeta(title=f"Title {SCRIPT}{BREAKOUT}", outlet=f"Outlet {IMAGE}", author=IMAGE),
        )
        sources.add_source(session, f"Agency {SCRIPT}", "wire_agency", aliases=[IMAGE])
        reviewer = get_or_create_reviewer(session, "ana")
        for claim in claims.list_claims(session, article.id):  # type: ignore[arg-type]
            assessments.save_assessment(
                session,
                claim.id,  # type: ignore[arg-type]
                reviewer,
                AssessmentInput(
                    attribution_type="indirect",
                    speaker=f"Speaker {IMAGE}",
                    cue=SCRIPT,
                    chain=build_chain([f"Agency {SCRIPT}", f"Relay {IMAGE}", "ZeroHedge"]),
                    source_reliability="B",
                    information_credibility=2,
                    notes=f"Notes {SCRIPT} {IMAGE} {BREAKOUT}",
                ),
            )

    write(engine, work)
    engine.dispose()


@pytest.fixture
def app(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    _seed(sqlite_url)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    from factcheck.config import get_settings

    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["reviewer_name"] = "ana"
    at.query_params["article"] = "1"
    at.run()
    return at


def _live_html(at: AppTest) -> list[str]:
    """Everything the page hands to the browser as HTML: st.html bodies and any markdown
    allowed to carry HTML."""
    bodies = [h.proto.body for h in at.html]
    for kind in ("markdown", "caption", "title", "header", "subheader"):
        bodies += [e.value for e in getattr(at, kind) if getattr(e.proto, "allow_html", False)]
    return bodies


@pytest.mark.parametrize("page", PAGES)
def test_payloads_reach_every_page_only_as_text(app: AppTest, page: str) -> None:
    app.switch_page(page)
    app.run()
    assert not app.exception, app.exception
    for body in _live_html(app):
        lowered = body.lower()
        assert not [raw for raw in RAW if raw in lowered], body[:300]


def test_annotate_shows_the_payload_characters(app: AppTest) -> None:
    app.switch_page("factcheck/ui/pages/annotate.py")
    app.run()
    shown = "".join(h.proto.body for h in app.html)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
