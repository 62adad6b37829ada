"""The sources registry service (factcheck/services/sources.py) on each engine: add, edit, merge and
remove records; finding a record by its name or any alias whatever the case and spacing; a
merge re-points every chain hop of the removed record at the kept one, a removal unlinks
them and keeps their names. Refusals change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from factcheck.errors import DuplicateError, InputError, NotFoundError
from factcheck.services import articles, assessments, claims, sources
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import read_session, write
from factcheck.store.models import Article, ChainHopRow, Source, SourceAlias
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop
from schemas.vocab import SourceKind

TEXT = (
    "Officials in Helsinki said the border would stay open through the winter.\n\n"
    "Reuters reported that the ministry had confirmed the plan on Monday.\n"
)


def add(engine: Engine, name: str, **fields: object) -> int:
    return write(engine, lambda s: sources.add_source(s, name, **fields).id)  # type: ignore[arg-type]


def found(engine: Engine, name: str) -> int | None:
    with read_session(engine) as session:
        source = sources.find_source(session, name)
        return None if source is None else source.id


def record(engine: Engine, ref: str | int) -> sources.SourceRow:
    with read_session(engine) as session:
        source_id = sources.get_source(session, ref).id
        return next(r for r in sources.list_sources(session) if r.id == source_id)


def registry(engine: Engine) -> list[tuple[object, ...]]:
    """Every source and alias row, to prove a refusal changed nothing."""
    with read_session(engine) as session:
        rows: list[tuple[object, ...]] = [
            (s.id, s.name, s.name_key, s.kind, s.prior_reliability, s.notes)
            for s in session.exec(select(Source).order_by(col(Source.id)))
        ]
        rows += [
            (a.id, a.source_id, a.alias, a.alias_key)
            for a in session.exec(select(SourceAlias).order_by(col(SourceAlias.id)))
        ]
        return rows


def article_id(session: Session) -> int:
    """The test article, imported on first use."""
    article = session.exec(select(Article).where(Article.text == TEXT)).first()
    if article is None:
        article = articles.import_text(session, TEXT, ArticleMeta(outlet="Daily"))
    return article.id  # type: ignore[return-value]


def rate_with_chain(engine: Engine, reviewer: str, *names: str) -> None:
    """`reviewer`'s rating of the test article's first claim, with a chain naming `names`."""

    def work(session: Session) -> None:
        claim = claims.list_claims(session, article_id(session))[0]
        assessments.save_assessment(
            session,
            claim.id,  # type: ignore[arg-type]
            get_or_create_reviewer(session, reviewer),
            AssessmentInput(
                chain=[ChainHop(name=n, kind=SourceKind.unknown) for n in names],
                source_reliability="B",
            ),
        )

    write(engine, work)


def hops(engine: Engine) -> list[tuple[str, int | None]]:
    """(name as written, registry id) of every chain hop."""
    with read_session(engine) as session:
        return [
            (h.name, h.source_id)
            for h in session.exec(select(ChainHopRow).order_by(col(ChainHopRow.id)))
        ]


# ---------------------------------------------------------------- add and look up


def test_add_cleans_the_name_and_normalises_kind_and_grade(engine: Engine) -> None:
    source_id = add(
        engine,
        "  Keski-Suomen   Viikko ",
        kind="newspaper",
        aliases=["KSV", " Viikko  KS "],
        prior_reliability="b",
        notes="regional weekly",
    )
    row = record(engine, source_id)
    assert row.name == "Keski-Suomen Viikko"
    assert row.kind == "newspaper" and row.prior_reliability == "B"
    assert row.aliases == ["KSV", "Viikko KS"]
    assert row.hops == 0


@pytest.mark.parametrize(
    "spelling", ["Keski-Suomen Viikko", "keski-suomen viikko", "KSV", "ksv", "  viikko   ks "]
)
def test_a_record_is_found_by_its_name_or_any_alias_in_any_case_and_spacing(
    engine: Engine, spelling: str
) -> None:
    source_id = add(engine, "Keski-Suomen Viikko", kind="newspaper", aliases=["KSV", "Viikko KS"])
    assert found(engine, spelling) == source_id
    with read_session(engine) as session:
        assert sources.get_source(session, spelling).id == source_id
        assert sources.get_source(session, str(source_id)).id == source_id


def test_an_unknown_name_finds_nothing(engine: Engine) -> None:
    add(engine, "Keski-Suomen Viikko", aliases=["KSV"])
    assert found(engine, "Keski-Suomen") is None
    assert found(engine, "KSV Weekly") is None
    with read_session(engine) as session, pytest.raises(NotFoundError, match="does not exist"):
        sources.get_source(session, "KSV Weekly")


def test_a_name_or_alias_in_use_is_refused_naming_its_holder(engine: Engine) -> None:
    holder = add(engine, "Keski-Suomen Viikko", aliases=["KSV"])
    before = registry(engine)
    for name, aliases in (("keski-suomen  VIIKKO", []), ("ksv", []), ("Other", ["KSV"])):
        with pytest.raises(DuplicateError, match=f"already used by source {holder}") as caught:
            write(engine, lambda s, n=name, a=aliases: sources.add_source(s, n, aliases=a))
        assert caught.value.existing_id == holder
        assert registry(engine) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "cannot be empty"),
        ({"name": "x" * 301}, "limited to 300 characters"),
        ({"name": "Someone", "kind": "wizard"}, "unknown source kind"),
        ({"name": "Someone", "prior_reliability": "Z"}, "A–F"),
    ],
)
def test_bad_input_is_refused_and_adds_nothing(
    engine: Engine, fields: dict[str, str], message: str
) -> None:
    before = registry(engine)
    with pytest.raises(InputError, match=message):
        write(engine, lambda s: sources.add_source(s, **fields))  # type: ignore[arg-type]
    assert registry(engine) == before


# ---------------------------------------------------------------- edit


def test_edit_renames_rekinds_regrades_and_realiases(engine: Engine) -> None:
    source_id = add(
        engine, "Keski-Suomen Viikko", aliases=["KSV", "Viikko KS"], prior_reliability="C"
    )
    write(
        engine,
        lambda s: sources.update_source(
            s,
            "KSV",
            name="KS Viikko",
            kind="national_media",
            add_aliases=["Keski-Suomen Viikko"],
            remove_aliases=["viikko ks"],
            clear_prior=True,
        ),
    )
    row = record(engine, source_id)
    assert row.name == "KS Viikko" and row.kind == "national_media"
    assert row.prior_reliability is None
    assert row.aliases == ["KSV", "Keski-Suomen Viikko"]
    assert found(engine, "Viikko KS") is None
    assert found(engine, "keski-suomen viikko") == source_id
    write(engine, lambda s: sources.update_source(s, source_id, prior_reliability="a"))
    assert record(engine, source_id).prior_reliability == "A"


def test_edit_refuses_a_name_another_record_uses(engine: Engine) -> None:
    add(engine, "Keski-Suomen Viikko", aliases=["KSV"])
    other = add(engine, "Lakeside Courier", aliases=["LC"])
    before = registry(engine)
    with pytest.raises(DuplicateError, match="already used"):
        write(engine, lambda s: sources.update_source(s, other, name="ksv"))
    with pytest.raises(DuplicateError, match="already used"):
        write(
            engine, lambda s: sources.update_source(s, other, add_aliases=["Keski-Suomen Viikko"])
        )
    assert registry(engine) == before


# ---------------------------------------------------------------- merge and remove


def test_merge_re_points_every_chain_hop_and_keeps_names_and_aliases(engine: Engine) -> None:
    keep = add(engine, "Keski-Suomen Viikko", kind="newspaper", aliases=["KSV"])
    remove = add(engine, "KSV Weekly", aliases=["Viikko KS"], prior_reliability="B")
    rate_with_chain(engine, "ana", "Officials", "KSV Weekly", "Daily")
    rate_with_chain(engine, "bob", "Officials", "Viikko KS", "Keski-Suomen Viikko", "Daily")
    linked = {name: source_id for name, source_id in hops(engine)}
    assert linked["KSV Weekly"] == linked["Viikko KS"] == remove
    assert linked["Keski-Suomen Viikko"] == keep
    assert record(engine, remove).hops == 2

    write(engine, lambda s: sources.merge_sources(s, "KSV", "viikko ks"))

    after = hops(engine)
    assert [name for name, _ in after] == [
        "Officials",
        "KSV Weekly",
        "Daily",
        "Officials",
        "Viikko KS",
        "Keski-Suomen Viikko",
        "Daily",
    ], "hop names stay as written"
    assert {source_id for name, source_id in after if "KS" in name or "Viikko" in name} == {keep}
    with read_session(engine) as session:
        assert session.get(Source, remove) is None
    row = record(engine, keep)
    assert set(row.aliases) == {"KSV", "KSV Weekly", "Viikko KS"}
    assert row.hops == 3
    assert row.prior_reliability == "B", "the kept record had no grade: it takes the other's"
    for name in ("KSV Weekly", "viikko ks", "Keski-Suomen Viikko"):
        assert found(engine, name) == keep
    # untouched records keep their hops
    assert {source_id for name, source_id in after if name in ("Officials", "Daily")} - {None} == {
        linked["Officials"],
        linked["Daily"],
    }


def test_merge_keeps_the_kept_records_grade(engine: Engine) -> None:
    keep = add(engine, "Keski-Suomen Viikko", prior_reliability="A")
    add(engine, "KSV Weekly", prior_reliability="D")
    write(engine, lambda s: sources.merge_sources(s, keep, "KSV Weekly"))
    assert record(engine, keep).prior_reliability == "A"


def test_merge_refuses_a_record_with_itself_and_unknown_records(engine: Engine) -> None:
    source_id = add(engine, "Keski-Suomen Viikko", aliases=["KSV"])
    before = registry(engine)
    with pytest.raises(InputError, match="with itself"):
        write(engine, lambda s: sources.merge_sources(s, source_id, "ksv"))
    with pytest.raises(NotFoundError, match="does not exist"):
        write(engine, lambda s: sources.merge_sources(s, source_id, "Nobody Weekly"))
    assert registry(engine) == before


def test_remove_unlinks_the_hops_and_keeps_their_names(engine: Engine) -> None:
    source_id = add(engine, "KSV Weekly", aliases=["Viikko KS"])
    rate_with_chain(engine, "ana", "Officials", "Viikko KS", "Daily")
    before = hops(engine)
    assert ("Viikko KS", source_id) in before
    write(engine, lambda s: sources.delete_source(s, "ksv weekly"))
    after = hops(engine)
    assert [name for name, _ in after] == [name for name, _ in before]
    assert ("Viikko KS", None) in after
    assert [h for h in after if h[0] != "Viikko KS"] == [h for h in before if h[0] != "Viikko KS"]
    assert found(engine, "KSV Weekly") is None and found(engine, "Viikko KS") is None
    with read_session(engine) as session:
        assert not session.exec(select(SourceAlias).where(SourceAlias.source_id == source_id)).all()


def test_a_chain_hop_of_a_known_alias_links_to_its_record_not_a_new_one(engine: Engine) -> None:
    source_id = add(engine, "Keski-Suomen Viikko", kind="newspaper", aliases=["KSV"])
    with read_session(engine) as session:
        count = sources.count_sources(session)
    rate_with_chain(engine, "ana", "Officials", "ksv", "Daily")
    assert dict(hops(engine))["ksv"] == source_id
    with read_session(engine) as session:
        # "Officials" and "Daily" may be new records; "ksv" is not
        assert sources.count_sources(session) <= count + 2
        assert sources.count_sources(session, "ksv") == 1
