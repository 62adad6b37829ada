"""`factcheck trace`, `statements` and `reindex` (contracts in README "Trace")."""

from __future__ import annotations

from typing import Any

from tests.cli.test_cli import Cli

APPEARANCE_KEYS = {
    "article_id",
    "claim_id",
    "start",
    "end",
    "text",
    "outlet",
    "published_at",
    "date_used",
    "match",
    "similarity",
    "chain",
    "diff",
}


def test_demo_trace_json_shape(db_url: str) -> None:
    cli = Cli(db_url)
    loaded: Any = cli.json("demo")
    constructed = loaded["constructed_article_ids"]
    assert len(constructed) == 7
    claims: Any = cli.json("claims", str(constructed[4]))  # the aggregator
    claim_id = next(c["claim_id"] for c in claims if "Renk" in c["text"])
    found: Any = cli.json("trace", str(claim_id))
    assert set(found) == {
        "claim_id",
        "statement_id",
        "appearances",
        "earliest",
        "origin",
        "shortest_chain",
        "weakest_hop",
        "independent_chains",
    }
    assert found["claim_id"] == claim_id
    assert all(set(a) == APPEARANCE_KEYS for a in found["appearances"])
    assert set(found["earliest"]) == APPEARANCE_KEYS
    outlets = [a["outlet"] for a in found["appearances"]]
    assert outlets[:4] == [
        "Nordmark Broadcasting",
        "Continental Press Agency",
        "The Harbour Gazette",
        "Morning Ledger Live",
    ]
    assert "Velsa Daily" not in outlets
    for a in found["appearances"]:
        assert a["text"] in cli.ok("article", "show", str(a["article_id"])).output
    statements: Any = cli.json("statements")
    assert statements[0]["articles"] == 6
    assert set(statements[0]) == {
        "statement_id",
        "articles",
        "text",
        "earliest_article_id",
        "outlets",
    }
    assert cli.json("statements", "--min-articles", "7") == []
    assert cli.json("reindex")["articles"] == 8  # type: ignore[index]
    again: Any = cli.json("trace", str(claim_id))
    assert [a["article_id"] for a in again["appearances"]] == [
        a["article_id"] for a in found["appearances"]
    ]
    assert "earliest:" in cli.ok("trace", str(claim_id)).output


def test_demo_chains_give_the_full_cross_article_trace(db_url: str) -> None:
    """The constructed example's chains are demo-desk's assessments, so the aggregator's claim
    traces through every stored article back to the fictional minister."""
    cli = Cli(db_url)
    loaded = cli.ok("demo").output
    assert "stored its 6 chains as demo-desk's assessments" in loaded
    ids: Any = cli.json("demo")["constructed_article_ids"]  # type: ignore[index]
    assert "stored its" not in cli.ok("demo").output  # loading again changes nothing
    nrb, cpa, gazette, blog, aggregator, tribune, _ = ids
    claims: Any = cli.json("claims", str(aggregator))
    claim_id = next(c["claim_id"] for c in claims if "Renk" in c["text"])
    found: Any = cli.json("trace", str(claim_id))
    assert found["earliest"]["article_id"] == nrb
    assert found["earliest"]["outlet"] == "Nordmark Broadcasting"
    assert found["earliest"]["date_used"] == "published"
    assert found["origin"] == "Halvard Renk"
    assert [(h["name"], h["article_id"]) for h in found["shortest_chain"]] == [
        ("Halvard Renk", None),
        ("Nordmark Broadcasting", nrb),
        ("Continental Press Agency", cpa),
        ("The Harbour Gazette", gazette),
        ("ClickDaily", aggregator),
    ]
    assert found["weakest_hop"] == {
        "name": "ClickDaily",
        "article_id": aggregator,
        "reliability": "E",
    }
    independent = found["independent_chains"]
    assert independent["article_ids"] == [nrb, tribune]
    assert independent["credibility"] == "1-2"
    chains = {a["article_id"]: a["chain"] for a in found["appearances"]}
    assert chains[blog] == "Halvard Renk > The Harbour Gazette > Morning Ledger Live"
    assert chains[tribune] == "Halvard Renk > Eastport Tribune"
    shown = cli.ok("trace", str(claim_id)).output
    assert "origin: Halvard Renk" in shown
    assert "weakest hop: ClickDaily (E)" in shown
    assert "(suggested)" not in shown
    history: Any = cli.json("history", str(aggregator))
    assert any("demo-desk" in str(entry) for entry in history)


def test_trace_of_a_missing_claim_is_one_line(db_url: str) -> None:
    Cli(db_url).fails("trace", "999", message="claim 999 does not exist")


def test_in_team_mode_the_demo_chains_need_an_admin(db_url: str, team: None) -> None:
    from tests.cli.test_team import TeamCli, new_account

    run = TeamCli(db_url)
    new_account(run, "root", "admin", who=None)
    new_account(run, "ana", "annotator")
    assert "its chains were not stored" in run.ok("demo", who="ana").output
    assert "stored its 6 chains" in run.ok("demo", who="root").output
