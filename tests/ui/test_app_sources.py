"""The Sources page, driven like a user would through Streamlit's AppTest."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from factcheck.services.articles import import_text
from factcheck.services.assessments import save_assessment
from factcheck.services.claims import list_claims
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.services.sources import add_source, find_source
from factcheck.store.engine import make_engine, read_session, write
from factcheck.store.models import ChainHopRow, Source, SourceAlias
from schemas.records import AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import AttributionType, SourceKind
from tests.conftest import ROOT, open_page

SOURCES_PAGE = "factcheck/ui/pages/sources.py"


def open_sources(db: str) -> AppTest:
    return open_page(SOURCES_PAGE)


def table(at: AppTest) -> list[dict[str, object]]:
    assert at.dataframe, "the sources table is not shown"
    return at.dataframe[0].value.to_dict("records")


def names(at: AppTest) -> list[str]:
    return [str(row["Name"]) for row in table(at)] if at.dataframe else []


def search(at: AppTest, text: str) -> None:
    at.text_input(key="sources_search").input(text).run()
    assert not at.exception


def source_id(db: str, name: str) -> int:
    engine = make_engine(db)
    try:
        with read_session(engine) as session:
            source = find_source(session, name)
            assert source is not None, name
            return source.id  # type: ignore[return-value]
    finally:
        engine.dispose()


def in_db(db: str, work):  # type: ignore[no-untyped-def]
    engine = make_engine(db)
    try:
        return write(engine, work)
    finally:
        engine.dispose()


def successes(at: AppTest) -> str:
    return " ".join(str(s.value) for s in at.success)


def test_page_lists_the_registry_in_pages(db: str) -> None:
    at = open_sources(db)
    assert [t.value for t in at.title] == ["Sources"]
    rows = table(at)
    assert len(rows) == 50
    assert set(rows[0]) == {"Name", "Kind", "Aliases", "Prior grade", "Chain hops"}
    captions = " ".join(str(c.value) for c in at.caption)
    assert "Showing 1–50 of" in captions
    first_page = names(at)
    at.number_input(key="sources_page").set_value(2).run()
    assert not at.exception
    assert "Showing 51–100 of" in " ".join(str(c.value) for c in at.caption)
    assert not set(names(at)) & set(first_page)
    search(at, "reuters")  # a new search starts again from page 1
    assert at.number_input(key="sources_page").value == 1


def test_search_finds_reuters_by_name_and_afp_by_alias(db: str) -> None:
    at = open_sources(db)
    search(at, "reuters")
    rows = table(at)
    assert [r["Name"] for r in rows] == ["Reuters"]
    assert rows[0]["Kind"] == "wire agency"
    assert "Thomson Reuters" in str(rows[0]["Aliases"])
    assert rows[0]["Prior grade"] == "B"
    search(at, "afp")
    assert "Agence France-Presse" in names(at)
    search(at, "no such outlet anywhere")
    assert not at.dataframe
    assert "No source matches" in " ".join(str(i.value) for i in at.info)


def test_adding_a_source_shows_it_in_the_table(db: str) -> None:
    at = open_sources(db)
    at.text_input(key="add_source_name").input("Kainuun Sanomat")
    at.selectbox(key="add_source_kind").set_value("newspaper")
    at.text_input(key="add_source_aliases").input("KS-lehti, Kainuu daily, ")
    at.selectbox(key="add_source_prior").set_value("B")
    at.button(key="add_source_submit").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Saved" in successes(at)
    search(at, "kainuu daily")
    assert table(at) == [
        {
            "Name": "Kainuun Sanomat",
            "Kind": "newspaper",
            "Aliases": "KS-lehti, Kainuu daily",
            "Prior grade": "B",
            "Chain hops": 0,
        }
    ]


def test_adding_a_taken_name_is_refused_with_a_message(db: str) -> None:
    at = open_sources(db)
    at.text_input(key="add_source_name").input("AFP")
    at.button(key="add_source_submit").click().run()
    assert not at.exception
    assert "already used" in " ".join(str(e.value) for e in at.error)
    assert not at.success
    search(at, "afp")
    assert names(at) == ["Agence France-Presse"]


def test_editing_kind_aliases_grade_and_name(db: str) -> None:
    at = open_sources(db)
    search(at, "reuters")
    reuters = source_id(db, "Reuters")
    at.selectbox(key="sources_selected").set_value(reuters).run()
    assert at.text_input(key="edit_source_name").value == "Reuters"
    assert at.selectbox(key="edit_source_prior").value == "B"
    at.text_input(key="edit_source_name").input("Reuters News")
    at.selectbox(key="edit_source_prior").set_value("A")
    at.text_input(key="edit_source_add_aliases").input("RTRS")
    at.multiselect(key="edit_source_remove_aliases").select("Thomson Reuters")
    at.button(key="edit_source_submit").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Saved" in successes(at)
    rows = table(at)
    assert [r["Name"] for r in rows] == ["Reuters News"]
    assert rows[0]["Prior grade"] == "A"
    aliases = str(rows[0]["Aliases"])
    assert "RTRS" in aliases and "Thomson Reuters" not in aliases
    # The form now starts from the saved values; clearing the grade is possible too.
    assert at.text_input(key="edit_source_add_aliases").value == ""
    at.selectbox(key="edit_source_prior").set_value("")
    at.button(key="edit_source_submit").click().run()
    assert table(at)[0]["Prior grade"] == ""


def _chain_through(session: Session, hop_name: str) -> None:
    article = import_text(session, "The agency said the port is closed. Nobody disputes it.")
    claim = list_claims(session, article.id)[0]  # type: ignore[arg-type]
    save_assessment(
        session,
        claim.id,  # type: ignore[arg-type]
        get_or_create_reviewer(session, "ana"),
        AssessmentInput(
            attribution_type=AttributionType.indirect,
            chain=[ChainHop(name=hop_name, kind=SourceKind.wire_agency)],
        ),
    )


def test_merging_needs_confirmation_and_moves_aliases_and_chains(db: str) -> None:
    in_db(db, lambda s: add_source(s, "Foo Agency", SourceKind.wire_agency, ["FA"]))
    in_db(db, lambda s: add_source(s, "Foo News Agency", SourceKind.wire_agency, ["FNA"], "C"))
    in_db(db, lambda s: _chain_through(s, "FNA"))
    keep, remove = source_id(db, "Foo Agency"), source_id(db, "Foo News Agency")

    at = open_sources(db)
    search(at, "foo")
    assert {r["Name"]: r["Chain hops"] for r in table(at)} == {
        "Foo Agency": 0,
        "Foo News Agency": 1,
    }
    at.selectbox(key="merge_keep").set_value(keep)
    at.selectbox(key="merge_remove").set_value(remove)
    at.button(key="merge_start").click().run()
    assert not at.exception
    warning = " ".join(str(w.value) for w in at.warning)
    assert "Merge" in warning and "Foo News Agency" in warning
    assert len(table(at)) == 2  # nothing happened yet

    at.button(key="merge_confirm").click().run()
    assert not at.exception
    assert "Merged" in successes(at)
    rows = table(at)
    assert [r["Name"] for r in rows] == ["Foo Agency"]
    assert str(rows[0]["Aliases"]).split(", ") == ["FA", "Foo News Agency", "FNA"]
    assert rows[0]["Chain hops"] == 1
    assert rows[0]["Prior grade"] == "C"  # the kept record had none

    engine = make_engine(db)
    with read_session(engine) as session:
        hop = session.exec(select(ChainHopRow)).one()
        assert hop.source_id == keep
    engine.dispose()


def test_merge_can_be_cancelled(db: str) -> None:
    at = open_sources(db)
    search(at, "news")  # several rows: both pickers have choices
    at.button(key="merge_start").click().run()
    assert at.warning
    at.button(key="merge_cancel").click().run()
    assert not at.warning
    assert not at.success
    assert at.button(key="merge_start")


def test_delete_needs_confirmation(db: str) -> None:
    in_db(db, lambda s: add_source(s, "Obscure Blog", SourceKind.social_media))
    at = open_sources(db)
    search(at, "obscure")
    assert names(at) == ["Obscure Blog"]
    at.button(key="delete_start").click().run()
    assert "Delete" in " ".join(str(w.value) for w in at.warning)
    assert names(at) == ["Obscure Blog"]  # not yet
    at.button(key="delete_cancel").click().run()
    assert not at.warning
    assert names(at) == ["Obscure Blog"]

    at.button(key="delete_start").click().run()
    at.button(key="delete_confirm").click().run()
    assert not at.exception
    assert "Deleted" in successes(at)
    assert names(at) == []
    assert "No source matches" in " ".join(str(i.value) for i in at.info)


def test_user_text_is_shown_as_text(db: str) -> None:
    hostile = "<img src=x onerror=alert(1)> **[click](javascript:alert(1))** $x$"
    at = open_sources(db)
    at.text_input(key="add_source_name").input(hostile)
    at.button(key="add_source_submit").click().run()
    assert not at.exception
    message = successes(at)
    # Markdown characters are escaped: the message shows the name, not a link or an image.
    assert "\\<img" in message and "\\*\\*\\[click\\]" in message and "\\$x\\$" in message
    search(at, "onerror")
    assert names(at) == [hostile]  # the table shows the exact text


def test_no_exception_with_an_empty_registry(db: str) -> None:
    def empty(session: Session) -> None:
        session.exec(delete(SourceAlias))  # type: ignore[call-overload]
        session.exec(delete(Source))  # type: ignore[call-overload]

    in_db(db, empty)
    at = open_sources(db)
    assert not at.dataframe
    assert "registry is empty" in " ".join(str(i.value) for i in at.info)
    at.text_input(key="add_source_name").input("Reuters")
    at.button(key="add_source_submit").click().run()
    assert not at.exception
    assert names(at) == ["Reuters"]


def test_no_exception_without_a_reviewer(db: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(SOURCES_PAGE)
    at.run()
    assert not at.exception
