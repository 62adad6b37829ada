"""Markdown injection (issue 19, item 8): a title, outlet, author, claim, source name or reviewer
name such as `![t](http://attacker/t.gif)` or `:red[x]` reaches every element that Streamlit
renders as Markdown (headings, captions, alerts, progress text, widget labels) only escaped,
through `factcheck.domain.display.markdown_literal`. Before, the Annotate heading, the import
message, the metadata line and the split preview rendered an image (a tracking beacon) and red
text. The real-browser test checks that no request leaves the browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from factcheck.domain.chains import build_chain
from factcheck.domain.display import markdown_literal
from factcheck.services import articles, assessments, claims, sources
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, write
from schemas.records import ArticleMeta, AssessmentInput
from tests.conftest import ROOT, open_page, use_app_database

BEACON = "![t](http://127.0.0.1:9/t.gif)"
RED = ":red[x]"
TITLE = f"Title {BEACON} {RED}"
OUTLET = f"Outlet {BEACON} {RED}"
AUTHOR = f"Author {BEACON} {RED}"
TEXT = (
    f"The minister said {BEACON} was found {RED} today.\n\n"
    f"Officials added that {BEACON} and {RED} were seen again later."
)
SOURCE = f"Zqx Agency {BEACON} {RED}"
# What a Markdown renderer would turn into an image, a link or colour: never in a rendered body.
LIVE = ("![", "](", ":red[", "http://")
ARTICLES = "factcheck/ui/pages/articles.py"
ANNOTATE = "factcheck/ui/pages/annotate.py"
SOURCES = "factcheck/ui/pages/sources.py"
REVIEW = "factcheck/ui/pages/review.py"
EXPORT = "factcheck/ui/pages/export.py"
# Elements and fields that show text as it is (no Markdown): left out of the check.
PLAIN_ELEMENTS = {"text", "code", "html", "arrow_data_frame", "graphviz_chart"}
MARKDOWN_FIELDS = {"body", "label", "text", "help", "title"}


@pytest.fixture
def app_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    engine = make_engine(sqlite_url)

    def work(session: Any) -> None:
        article = articles.import_text(
            session, TEXT, ArticleMeta(title=TITLE, outlet=OUTLET, author=AUTHOR)
        )
        sources.add_source(session, SOURCE, "wire_agency")
        reviewer = get_or_create_reviewer(session, "ana")
        for claim in claims.list_claims(session, article.id):  # type: ignore[arg-type]
            assessments.save_assessment(
                session,
                claim.id,  # type: ignore[arg-type]
                reviewer,
                AssessmentInput(
                    attribution_type="indirect",
                    speaker=f"Speaker {BEACON}",
                    cue=RED,
                    chain=build_chain([SOURCE, "ZeroHedge"]),
                    source_reliability="B",
                    information_credibility=2,
                    notes=f"Notes {BEACON} {RED}",
                ),
            )

    write(engine, work)
    engine.dispose()
    use_app_database(monkeypatch, sqlite_url)
    yield sqlite_url


def _strings(message: Any, into: list[str]) -> None:
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            for item in [value] if hasattr(value, "ListFields") else value:
                _strings(item, into)
        elif field.type == field.TYPE_STRING and field.name in MARKDOWN_FIELDS:
            into.extend([value] if isinstance(value, str) else value)


def rendered_markdown(at: AppTest) -> list[str]:
    """Every string of the page that the browser renders as Markdown: bodies of markdown,
    captions, headings and alerts, progress text, labels and tooltips of widgets, expanders
    and tabs (select box options, tables, st.text and st.html are not Markdown)."""
    found: list[str] = []
    for root in (at.main, at.sidebar):
        for node in [root, *root]:
            if getattr(node, "type", None) in PLAIN_ELEMENTS:
                continue
            proto = getattr(node, "proto", None)
            if proto is not None:
                _strings(proto, found)
    return found


def assert_all_escaped(at: AppTest) -> str:
    assert not at.exception, at.exception
    bodies = rendered_markdown(at)
    live = [body for body in bodies if any(marker in body for marker in LIVE)]
    assert not live, live
    return "\n".join(bodies)


def test_articles_import_message_and_duplicate_error_are_escaped(app_db: str) -> None:
    at = open_page(ARTICLES)
    assert_all_escaped(at)
    text = f"Another story {BEACON} with {RED} in it.\n\nA second sentence follows."
    at.text_area(key="paste_text").input(text)
    at.text_input(key="paste_title").input(TITLE)
    at.text_input(key="paste_outlet").input(OUTLET)
    at.button(key="paste_import").click().run()
    shown = assert_all_escaped(at)
    assert f"Imported article 2: {markdown_literal(TITLE)}" in shown

    at.button(key="paste_import").click().run()  # the same text again: refused, naming it
    shown = assert_all_escaped(at)
    assert markdown_literal(f"this text is already imported as article 2 ({TITLE!r})") in shown


def test_annotate_heading_metadata_split_preview_and_messages_are_escaped(
    app_db: str,
) -> None:
    at = open_page(ANNOTATE, article_id=1)
    shown = assert_all_escaped(at)
    assert at.title[0].value == markdown_literal(TITLE)
    assert markdown_literal(f"{OUTLET} · {AUTHOR}") in [c.value for c in at.caption]

    at.pills(key="panels").select("bounds").run()
    at.number_input(key="split_at").set_value(18).run()
    shown = assert_all_escaped(at)
    assert f"…{markdown_literal('The minister said ')} ‖ {markdown_literal(BEACON)}" in shown

    at.button(key="split_claim").click().run()  # its message quotes the claim text
    shown = assert_all_escaped(at)
    assert markdown_literal(f"Claims updated: split claim 1 before “{BEACON} was found") in shown
    at.pills(key="panels").select("history").run()  # the same summary, in the history
    shown = assert_all_escaped(at)
    assert markdown_literal(f"split claim 1 before “{BEACON} was found") in shown


def test_sources_messages_and_confirmations_are_escaped(app_db: str) -> None:
    at = open_page(SOURCES)
    at.text_input(key="sources_search").input("zqx").run()
    at.button(key="delete_start").click().run()
    shown = assert_all_escaped(at)
    assert f"Delete **{markdown_literal(SOURCE)}**" in shown

    at.button(key="delete_cancel").click().run()
    at.text_input(key="add_source_name").input(f"Second {BEACON} {RED}")
    at.button(key="add_source_submit").click().run()
    shown = assert_all_escaped(at)
    assert f"Saved: added {markdown_literal(f'Second {BEACON} {RED}')}." in shown


@pytest.mark.parametrize("page", [REVIEW, EXPORT])
def test_review_and_export_render_no_markdown_from_the_article(app_db: str, page: str) -> None:
    at = open_page(page, article_id=1)
    assert_all_escaped(at)


def test_a_reviewer_name_from_the_address_is_escaped(app_db: str) -> None:
    """`?reviewer=NAME` is read from a link anyone can send: the sidebar and the refusal of
    the name must not render it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["reviewer"] = BEACON
    at.run()
    sidebar = [m.value for m in at.sidebar.markdown]
    # not a name the reviewer rules allow: ignored (tests/ui/test_app_reviewer_link.py), so
    # nothing of it is shown at all, live or escaped
    assert not [body for body in sidebar if "Reviewing as" in body]
    assert not [body for body in sidebar if any(marker in body for marker in LIVE)]
    assert "reviewer" not in at.query_params
