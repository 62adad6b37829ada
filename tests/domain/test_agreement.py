"""Agreement statistics: the published reference values, F/6 as missing, Cohen's kappa, chain
agreement, and the `factcheck agreement` command from the database and from a ratings CSV."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from sqlmodel import Session, col, select

from factcheck.cli import cli
from factcheck.domain.agreement import (
    FIELDS,
    Rating,
    agreement_report,
    chain_agreement,
    cohen_kappa,
)
from factcheck.errors import InputError
from factcheck.interchange.export import CSV_COLUMNS
from factcheck.services.agreement_data import ratings_from_csv, ratings_from_db
from factcheck.services.articles import import_text
from factcheck.services.assessments import save_assessment
from factcheck.services.reviewers import get_or_create_reviewer
from factcheck.store.engine import make_engine, read_session, write
from factcheck.store.models import Claim
from schemas.records import ArticleMeta, AssessmentInput
from schemas.spans import ChainHop
from tests.conftest import DEMO_TEXT

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1-5, None where an observer gave no value. Published: nominal 0.743,
# ordinal 0.815, interval 0.849.
REFERENCE: dict[str, list[int | None]] = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849}
# Five categories standing for the values 1..5, to check the nominal attribution-type field.
TYPES = ("direct_quote", "indirect", "mixed", "vague", "anonymous")


def reference_ratings() -> list[Rating]:
    """The reference table as ratings: the same value in each grade and in attribution type."""
    return [
        Rating(
            claim_id=unit + 1,
            reviewer=reviewer,
            attribution_type=TYPES[value - 1],
            source_reliability="ABCDE"[value - 1],
            information_credibility=value,
        )
        for reviewer, values in REFERENCE.items()
        for unit, value in enumerate(values)
        if value is not None
    ]


def alphas(report: dict) -> dict[str, float | None]:
    return {field: report[field]["alpha"] for field in FIELDS}


# ---------------------------------------------------------------- Krippendorff's alpha


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_published_reference_values_through_the_report(level: str) -> None:
    report = agreement_report(reference_ratings(), level=level)
    for field in ("information_credibility", "source_reliability"):
        assert report[field]["level"] == level
        assert round(report[field]["alpha"], 3) == PUBLISHED[level]
        # Unit 12 has a single value: it is not pairable, so 11 units, 4 reviewers.
        assert report[field]["units"] == 11
        assert report[field]["reviewers"] == 4
    # The override applies to the grades only: attribution type is a category.
    assert report["attribution_type"]["level"] == "nominal"
    assert round(report["attribution_type"]["alpha"], 3) == PUBLISHED["nominal"]


def test_default_levels_are_ordinal_grades_and_nominal_attribution() -> None:
    report = agreement_report(reference_ratings())
    assert report["information_credibility"]["level"] == "ordinal"
    assert report["source_reliability"]["level"] == "ordinal"
    assert report["attribution_type"]["level"] == "nominal"
    assert round(report["information_credibility"]["alpha"], 3) == 0.815


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="level must be one of"):
        agreement_report(reference_ratings(), level="cardinal")


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_the_krippendorff_package_on_random_sparse_data(level: str) -> None:
    rng = np.random.default_rng(7)
    matrix = rng.integers(1, 6, size=(6, 300)).astype(float)
    matrix[rng.random(matrix.shape) < 0.4] = np.nan
    ratings = [
        Rating(claim_id=unit, reviewer=f"r{row}", information_credibility=int(value))
        for (row, unit), value in np.ndenumerate(matrix)
        if not np.isnan(value)
    ]
    expected = krippendorff.alpha(
        reliability_data=matrix, value_domain=[1, 2, 3, 4, 5], level_of_measurement=level
    )
    got = agreement_report(ratings, level=level)["information_credibility"]["alpha"]
    assert got == pytest.approx(expected, abs=1e-9)


def test_f_and_6_count_as_missing_not_as_the_worst_grade() -> None:
    base = reference_ratings()
    unjudged = [
        # A fifth reviewer who could judge nothing, and cells that were gaps now "cannot judge".
        *(
            Rating(claim_id=unit, reviewer="E", source_reliability="F", information_credibility=6)
            for unit in range(1, 13)
        ),
        Rating(claim_id=10, reviewer="A", source_reliability="F", information_credibility=6),
        Rating(claim_id=11, reviewer="B", source_reliability="F", information_credibility=6),
        Rating(claim_id=1, reviewer="C", source_reliability="F", information_credibility=6),
    ]
    for level in ("nominal", "ordinal", "interval"):
        without = agreement_report(base, level=level)
        with_unjudged = agreement_report(base + unjudged, level=level)
        for field in ("information_credibility", "source_reliability"):
            assert with_unjudged[field] == without[field]
            assert round(with_unjudged[field]["alpha"], 3) == PUBLISHED[level]
    # Were F / 6 the worst grade (5), the figure would change: the test has teeth.
    as_worst = [Rating(r.claim_id, r.reviewer, information_credibility=5) for r in unjudged] + base
    assert round(agreement_report(as_worst)["information_credibility"]["alpha"], 3) != 0.815


def test_out_of_scale_grades_are_refused() -> None:
    with pytest.raises(ValueError, match="A–F"):
        agreement_report([Rating(1, "a", source_reliability="G")])
    with pytest.raises(ValueError, match="1–6"):
        agreement_report([Rating(1, "a", information_credibility=7)])


def test_alpha_is_none_when_not_computable() -> None:
    empty = agreement_report([])
    assert {field: empty[field] for field in FIELDS} == {
        "information_credibility": {"level": "ordinal", "alpha": None, "units": 0, "reviewers": 0},
        "source_reliability": {"level": "ordinal", "alpha": None, "units": 0, "reviewers": 0},
        "attribution_type": {"level": "nominal", "alpha": None, "units": 0, "reviewers": 0},
    }
    assert empty["pairwise"] == []
    assert empty["chains"]["units"] == 0
    # One reviewer per claim: nothing pairable.
    single = agreement_report([Rating(1, "a", "vague", "B", 2), Rating(2, "b", "mixed", "C", 3)])
    assert alphas(single) == dict.fromkeys(FIELDS)
    # Everybody gives the same value everywhere: no variation, alpha undefined, not NaN.
    same = [Rating(c, r, "vague", "B", 2) for c in range(3) for r in ("a", "b")]
    report = agreement_report(same)
    assert alphas(report) == dict.fromkeys(FIELDS)
    assert report["source_reliability"]["units"] == 3
    assert all(entry["kappa"] is None for entry in report["pairwise"])
    json.dumps(report, allow_nan=False)


def test_final_ratings_and_repeats_are_left_out() -> None:
    base = reference_ratings()
    finals = [Rating(u, "adjudicator", "vague", "E", 5, ("X",), final=True) for u in range(1, 13)]
    final_by_a_coder = [Rating(1, "A", "vague", "E", 5, final=True)]
    assert agreement_report(base + finals + final_by_a_coder) == agreement_report(base)
    # A pooled CSV may repeat a reviewer's rating: it counts once (the last one).
    assert agreement_report(base + base) == agreement_report(base)


def test_input_order_does_not_change_a_single_bit() -> None:
    """The database and a CSV list the same ratings in different orders."""
    rng = random.Random(5)
    ratings = [
        Rating(
            claim,
            f"r{reviewer}",
            rng.choice(TYPES),
            rng.choice("ABCDEF"),
            rng.randint(1, 6),
            tuple(rng.sample(["Reuters", "AFP", "TASS", "BBC"], rng.randint(0, 3))),
        )
        for claim in range(200)
        for reviewer in range(5)
        if rng.random() < 0.6
    ]
    shuffled = ratings[:]
    rng.shuffle(shuffled)
    assert agreement_report(shuffled) == agreement_report(ratings)


# ---------------------------------------------------------------- Cohen's kappa


def test_cohen_kappa_hand_computed() -> None:
    # a \ b    yes  no      observed = (4 + 3) / 10 = 0.7
    # yes       4    1      P(a yes) = 0.5, P(b yes) = 0.6
    # no        2    3      chance = 0.5·0.6 + 0.5·0.4 = 0.5 → kappa = (0.7 - 0.5) / 0.5 = 0.4
    a = ["yes"] * 5 + ["no"] * 5
    b = ["yes"] * 4 + ["no"] + ["yes"] * 2 + ["no"] * 3
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    # Missing on either side is skipped, not counted as a disagreement.
    assert cohen_kappa([*a, None, "yes"], [*b, "no", None]) == pytest.approx(0.4)
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None
    assert cohen_kappa([None], ["x"]) is None

    kinds = {"yes": "direct_quote", "no": "vague"}
    ratings = [Rating(i, "ann", kinds[v]) for i, v in enumerate(a)] + [
        Rating(i, "bob", kinds[v]) for i, v in enumerate(b)
    ]
    ratings.append(Rating(99, "ann", "mixed"))  # rated by one only: not a common unit
    pairwise = agreement_report(ratings)["pairwise"]
    assert pairwise == [
        {
            "reviewers": ["ann", "bob"],
            "field": "attribution_type",
            "kappa": pytest.approx(0.4),
            "units": 10,
        }
    ]


def test_pairwise_kappa_matches_the_direct_formula_for_every_pair() -> None:
    rng = random.Random(3)
    reviewers = ["ann", "bob", "cy", "dee"]
    ratings = [
        Rating(claim, reviewer, rng.choice(TYPES), rng.choice("ABCDEF"), rng.randint(1, 6))
        for claim in range(80)
        for reviewer in reviewers
        if rng.random() < 0.7
    ]
    table = {(r.claim_id, r.reviewer): r for r in ratings}
    missing = {"source_reliability": "F", "information_credibility": 6}
    pairwise = agreement_report(ratings)["pairwise"]
    assert len(pairwise) == 6 * 3
    for entry in pairwise:
        a, b, field = *entry["reviewers"], entry["field"]

        def value(claim: int, reviewer: str, field: str = field) -> object:
            rating = table.get((claim, reviewer))
            found = getattr(rating, field) if rating else None
            return None if found == missing.get(field) else found

        first = [value(c, a) for c in range(80)]
        second = [value(c, b) for c in range(80)]
        assert entry["kappa"] == pytest.approx(cohen_kappa(first, second), abs=1e-9)
        assert entry["units"] == sum(
            x is not None and y is not None for x, y in zip(first, second, strict=True)
        )


# ---------------------------------------------------------------- chains


def test_chain_exact_match_share_and_hop_overlap_on_a_small_example() -> None:
    stubb = ("Alexander Stubb", "Reuters", "The Guardian")
    ratings = [
        # Claim 1: the same chain up to case and spacing → an exact match, overlap 1.
        Rating(1, "ann", chain=stubb),
        Rating(1, "bob", chain=("alexander  stubb", "REUTERS", "the guardian")),
        # Claim 2: bob adds a hop → no match; Jaccard {putin, tass} vs {putin, reuters, tass} = 2/3.
        Rating(2, "ann", chain=("Putin", "TASS")),
        Rating(2, "bob", chain=("Putin", "Reuters", "TASS")),
        # Claim 3: three reviewers, pairs 1, 1/3, 1/3 → 5/9. Same hops, other order: no match.
        Rating(3, "ann", chain=("X", "Y")),
        Rating(3, "bob", chain=("X", "Y")),
        Rating(3, "cy", chain=("X", "Z")),
        Rating(4, "ann", chain=("Y", "X")),
        Rating(4, "bob", chain=("X", "Y")),
        # Claim 5: one chain only (an empty chain is "not recorded") → not counted.
        Rating(5, "ann", chain=("X",)),
        Rating(5, "bob", chain=()),
    ]
    chains = agreement_report(ratings)["chains"]
    assert chains["units"] == 4
    assert chains["reviewers"] == 3
    assert chains["exact_match_share"] == pytest.approx(1 / 4)
    assert chains["mean_hop_overlap"] == pytest.approx((1 + 2 / 3 + 5 / 9 + 1) / 4)
    assert chain_agreement(ratings) == chains


def test_chain_figures_match_a_brute_force_computation() -> None:
    rng = random.Random(11)
    names = ["Reuters", "AFP", "TASS", "BBC", "reuters"]
    ratings = [
        Rating(claim, reviewer, chain=tuple(rng.sample(names, rng.randint(0, 3))))
        for claim in range(60)
        for reviewer in ("a", "b", "c", "d")
        if rng.random() < 0.8
    ]
    by_claim: dict[int, list[tuple[str, ...]]] = {}
    for r in ratings:
        if r.chain:
            by_claim.setdefault(int(r.claim_id), []).append(tuple(n.lower() for n in r.chain))
    counted = {c: chains for c, chains in by_claim.items() if len(chains) >= 2}
    exact = sum(len(set(chains)) == 1 for chains in counted.values()) / len(counted)
    overlaps = []
    for chains in counted.values():
        pairs = list(itertools.combinations(chains, 2))
        overlaps.append(
            sum(len(set(x) & set(y)) / len(set(x) | set(y)) for x, y in pairs) / len(pairs)
        )
    got = agreement_report(ratings)["chains"]
    assert got["units"] == len(counted)
    assert got["exact_match_share"] == pytest.approx(exact)
    assert got["mean_hop_overlap"] == pytest.approx(sum(overlaps) / len(overlaps))


# ---------------------------------------------------------------- CSV input


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


CSV_HEADER = [
    "claim_id",
    "reviewer",
    "attribution_type",
    "source_reliability",
    "information_credibility",
    "chain",
    "final",
]


def test_csv_reader_unneutralises_cells_and_skips_final_rows(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "r.csv",
        CSV_HEADER,
        [
            ["7", "ann", "direct_quote", "b", "2", "'-Minus Press > Reuters", "false"],
            ["7", "'@bob", "", "F", "6", "", ""],
            ["7", "judge", "vague", "A", "1", "X", "true"],
        ],
    )
    assert ratings_from_csv(path) == [
        Rating(7, "ann", "direct_quote", "B", 2, ("-Minus Press", "Reuters")),
        Rating(7, "@bob", None, "F", 6, ()),
    ]


def test_csv_reader_filters_articles_when_asked(tmp_path: Path) -> None:
    header = ["article_id", *CSV_HEADER]
    path = write_rows(
        tmp_path / "r.csv",
        header,
        [["1", "7", "ann", "", "B", "2", "", ""], ["2", "8", "ann", "", "C", "3", "", ""]],
    )
    assert [r.claim_id for r in ratings_from_csv(path, article_ids=[2])] == [8]
    with pytest.raises(InputError, match="article_id"):
        ratings_from_csv(write_rows(tmp_path / "s.csv", CSV_HEADER, []), article_ids=[2])


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        (
            ["claim_id", "reviewer", "notes"],
            ["1", "ann", ""],
            "has no rated column: give one of attribution_type, source_reliability",
        ),
        (["claim_id", "chain"], ["1", ""], "lacks the column(s) reviewer"),
        (
            CSV_HEADER,
            ["1", "ann", "", "G", "2", "", ""],
            "row 3: source reliability must be one of A–F",
        ),
        (CSV_HEADER, ["1", "ann", "", "B", "9", "", ""], "row 3: information credibility"),
        (CSV_HEADER, ["1", "ann", "quoted", "B", "2", "", ""], "row 3: attribution type"),
        (CSV_HEADER, ["", "ann", "", "B", "2", "", ""], "row 3: claim_id is empty"),
    ],
)
def test_bad_csv_fails_with_one_line(
    tmp_path: Path, header: list[str], row: list[str], message: str
) -> None:
    good = ["1", "bob", "", "B", "2", "", ""][: len(header)]
    path = write_rows(tmp_path / "bad.csv", header, [good, row])
    result = CliRunner().invoke(cli, ["--db", "sqlite:///unused.db", "agreement", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "bad.csv" in lines[0]


def test_missing_csv_file_fails_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", "sqlite:///unused.db", "agreement", str(tmp_path / "none.csv")]
    )
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "does not exist" in result.stderr


# ---------------------------------------------------------------- the command, DB vs CSV

# Per claim (by position): each reviewer's (type, reliability, credibility, chain).
PLAN: dict[str, list[tuple[str | None, str | None, int | None, str]]] = {
    "ann": [
        ("direct_quote", "B", 2, "Alexander Stubb > Reuters > ZeroHedge"),
        ("indirect", "C", 3, "Vladimir Putin > TASS > ZeroHedge"),
        ("vague", "F", 6, ""),
        ("unattributed", "D", 4, "ZeroHedge"),
        ("anonymous", "E", 5, "Anonymous official > Reuters > ZeroHedge"),
        ("direct_quote", "A", 1, "Emmanuel Macron > AFP > ZeroHedge"),
    ],
    "bob": [
        ("direct_quote", "B", 2, "alexander stubb > Reuters > ZeroHedge"),
        ("mixed", "C", 2, "Vladimir Putin > ZeroHedge"),
        ("vague", "D", 4, "Some analysts > ZeroHedge"),
        ("unattributed", "D", 4, "ZeroHedge"),
        ("vague", "E", 5, "Reuters > ZeroHedge"),
        (None, None, None, ""),
    ],
    "cy": [
        ("direct_quote", "A", 2, "Alexander Stubb > Finnish media > Reuters > ZeroHedge"),
        ("indirect", "F", 3, "Vladimir Putin > TASS > ZeroHedge"),
        ("vague", "D", 3, ""),
        ("unattributed", "C", 4, "ZeroHedge"),
        ("anonymous", "E", 6, "Anonymous official > Reuters > ZeroHedge"),
        ("direct_quote", "B", 1, "Emmanuel Macron > AFP > ZeroHedge"),
    ],
}


def seed_ratings(db_url: str) -> tuple[int, int]:
    """An imported article rated by three reviewers (plus an adjudicator's final ratings that
    must not count), and a second article rated by two, so `--article` has something to drop."""
    engine = make_engine(db_url)

    def work(session: Session) -> tuple[int, int]:
        first = import_text(
            session, DEMO_TEXT.read_text(encoding="utf-8"), ArticleMeta(title="NATO")
        )
        second = import_text(
            session,
            "The minister said the bridge will open in May. Engineers said work was on schedule.",
            ArticleMeta(title="Bridge"),
        )
        session.flush()
        claims = {
            article.id: list(
                session.exec(
                    select(Claim.id)
                    .where(Claim.article_id == article.id)
                    .order_by(col(Claim.position))
                )
            )
            for article in (first, second)
        }
        for name, plan in PLAN.items():
            reviewer = get_or_create_reviewer(session, name)
            for claim_id, (kind, reliability, credibility, chain) in zip(
                claims[first.id], plan, strict=False
            ):
                hops = [ChainHop(name=n) for n in chain.split(" > ") if n]
                save_assessment(
                    session,
                    claim_id,
                    reviewer,
                    AssessmentInput(
                        attribution_type=kind,
                        source_reliability=reliability,
                        information_credibility=credibility,
                        chain=hops,
                    ),
                )
        judge = get_or_create_reviewer(session, "judge")
        for claim_id in claims[first.id][:6]:
            save_assessment(
                session,
                claim_id,
                judge,
                AssessmentInput(
                    attribution_type="vague", source_reliability="E", information_credibility=5
                ),
                final=True,
            )
        for name, grade in (("ann", "A"), ("dee", "E")):
            reviewer = get_or_create_reviewer(session, name)
            for claim_id in claims[second.id]:
                save_assessment(
                    session,
                    claim_id,
                    reviewer,
                    AssessmentInput(attribution_type="indirect", source_reliability=grade),
                )
        return first.id, second.id  # type: ignore[return-value]

    ids = write(engine, work)
    engine.dispose()
    return ids


def invoke_json(db_url: str, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--db", db_url, "agreement", *args, "--json"])
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def test_csv_gives_the_same_figures_as_the_database(db_url: str, tmp_path: Path) -> None:
    first, _ = seed_ratings(db_url)
    out = tmp_path / "ratings.csv"
    exported = CliRunner().invoke(cli, ["--db", db_url, "export", "--out", str(out)])
    assert exported.exit_code == 0, exported.output

    from_db = invoke_json(db_url)
    from_csv = invoke_json(db_url, str(out))
    assert from_csv == from_db
    # The adjudicator's final rows are in the CSV but in no figure.
    assert "judge" in out.read_text(encoding="utf-8")
    assert all("judge" not in entry["reviewers"] for entry in from_db["pairwise"])

    one_db = invoke_json(db_url, "--article", str(first), "--level", "interval")
    one_csv = invoke_json(db_url, str(out), "--article", str(first), "--level", "interval")
    assert one_csv == one_db
    assert one_db["source_reliability"]["level"] == "interval"
    assert one_db["source_reliability"]["reviewers"] == 3
    assert {tuple(e["reviewers"]) for e in one_db["pairwise"]} == {
        ("ann", "bob"),
        ("ann", "cy"),
        ("bob", "cy"),
    }
    assert one_db != invoke_json(db_url, "--level", "interval")  # article 2 counted there

    # The same numbers as the pure function on the loaded ratings.
    engine = make_engine(db_url)
    with read_session(engine) as session:
        loaded = ratings_from_db(session, article_ids=[first])
        only_two = ratings_from_db(session, reviewers=["ann", "dee"])
    engine.dispose()
    assert agreement_report(loaded) == invoke_json(db_url, "--article", str(first))
    assert {r.reviewer for r in only_two} == {"ann", "dee"}
    assert len(loaded) == 18  # 3 reviewers × 6 claims (bob's last one blank), no finals
    stubb = next(r for r in loaded if r.reviewer == "cy" and r.chain and "Stubb" in r.chain[0])
    assert stubb.chain == ("Alexander Stubb", "Finnish media", "Reuters", "ZeroHedge")


def test_json_shape_and_text_table(db_url: str) -> None:
    first, _ = seed_ratings(db_url)
    report = invoke_json(db_url, "--article", str(first))
    assert set(report) == {*FIELDS, "pairwise", "chains"}
    for field in FIELDS:
        assert set(report[field]) == {"level", "alpha", "units", "reviewers"}
        assert isinstance(report[field]["alpha"], float)
    assert report["attribution_type"]["units"] == 6
    for entry in report["pairwise"]:
        assert set(entry) == {"reviewers", "field", "kappa", "units"}
        assert len(entry["reviewers"]) == 2
    assert set(report["chains"]) == {"units", "reviewers", "exact_match_share", "mean_hop_overlap"}
    assert report["chains"]["units"] == 5

    result = CliRunner().invoke(cli, ["--db", db_url, "agreement", "--article", str(first)])
    assert result.exit_code == 0, result.output
    assert "Krippendorff's alpha" in result.stdout
    assert "ann / bob" in result.stdout
    assert f"{report['source_reliability']['alpha']:.3f}" in result.stdout


def test_csv_columns_the_reader_needs_are_in_the_export() -> None:
    from factcheck.services.agreement_data import CSV_REQUIRED

    assert set(CSV_REQUIRED) | {"final", "article_id"} <= set(CSV_COLUMNS)
