"""ClaimReview's `appearance` (every known appearance of the statement) and `firstAppearance`
(the earliest) from the trace (issue 16), on the constructed demo; links stay http(s) only and
markup stays escaped for appearances found in other articles too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.test_cli import Cli


def reviews(run: Cli, tmp_path: Path, *args: str) -> list[dict[str, Any]]:
    out = tmp_path / "reviews.jsonl"
    run.json("export", "--format", "claimreview", "--out", str(out), *args)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_every_known_appearance_and_the_first(db_url: str, tmp_path: Path) -> None:
    run = Cli(db_url)
    run.ok("demo")
    found = reviews(run, tmp_path, "--reviewer", "demo-desk")
    assert len(found) == 6  # demo-desk's six graded chains
    review = next(r for r in found if "whole region" in r["claimReviewed"])
    item = review["itemReviewed"]
    assert [a["publisher"]["name"] for a in item["appearance"]] == [
        "Nordmark Broadcasting",
        "Continental Press Agency",
        "The Harbour Gazette",
        "Morning Ledger Live",
        "ClickDaily",
        "Eastport Tribune",
    ]
    first = item["appearance"][0]
    assert first == {
        "@type": "CreativeWork",
        "headline": "Renk: border troop movements must stop",
        "url": "https://example.org/constructed/nrb/renk-border",
        "publisher": {"@type": "Organization", "name": "Nordmark Broadcasting"},
        "datePublished": "2025-10-06T07:10",
    }
    assert item["firstAppearance"] == first
    # The Tribune gives no publication date: its import time orders it but is no datePublished.
    assert "datePublished" not in item["appearance"][-1]
    assert item["appearance"][-1]["url"] == "https://example.org/constructed/tribune/renk-interview"
    # The unrelated article sharing stock phrases is no appearance; the demo article neither.
    assert len(item["appearance"]) == 6


def test_appearances_in_other_articles_stay_safe_to_embed(db_url: str, tmp_path: Path) -> None:
    run = Cli(db_url)
    quote = '"a serious threat to regional stability and must end immediately"'
    first = tmp_path / "first.txt"
    first.write_text(f"Wire story\n\nHalvard Renk said troop movements posed {quote}.\n")
    second = tmp_path / "second.txt"
    second.write_text(f"Paper story\n\nRenk said the movements posed {quote}, the wire said.\n")
    run.ok(
        "import", str(first), "--title", "</script><b>x</b>", "--outlet", "A&B <i>Wire</i>",
        "--url", "javascript:alert(1)", "--published", "2025-10-06",
    )  # fmt: skip
    imported: Any = run.json(
        "import", str(second), "--outlet", "Paper", "--url", "https://example.org/p?a=1&b=2",
        "--published", "2025-10-07",
    )  # fmt: skip
    claims: Any = run.json("claims", str(imported[0]["article_id"]))
    claim = next(c["claim_id"] for c in claims if "Renk" in c["text"])
    run.ok("rate", str(claim), "--reviewer", "ana", "--credibility", "2")
    out = tmp_path / "reviews.jsonl"
    run.json("export", "--format", "claimreview", "--out", str(out))
    raw = out.read_text(encoding="utf-8")
    for char in "<>&":
        assert char not in raw
    (review,) = [json.loads(line) for line in raw.splitlines()]
    wire, paper = review["itemReviewed"]["appearance"]
    assert wire["headline"] == "</script><b>x</b>"
    assert wire["publisher"]["name"] == "A&B <i>Wire</i>"
    assert "url" not in wire  # not an http(s) link
    assert paper["url"] == "https://example.org/p?a=1&b=2"
    assert review["itemReviewed"]["firstAppearance"] == wire


def test_a_recorded_primary_source_is_the_first_appearance(db_url: str, tmp_path: Path) -> None:
    run = Cli(db_url)
    loaded: Any = run.json("demo")
    aggregator = loaded["constructed_article_ids"][4]
    claims: Any = run.json("claims", str(aggregator))
    claim = next(c["claim_id"] for c in claims if "Renk" in c["text"])
    run.ok(
        "rate", str(claim), "--reviewer", "ana", "--credibility", "3",
        "--primary-source", "https://example.org/constructed/nrb/interview-audio",
    )  # fmt: skip
    (review,) = reviews(run, tmp_path, "--reviewer", "ana")
    item = review["itemReviewed"]
    assert item["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://example.org/constructed/nrb/interview-audio",
    }
    assert len(item["appearance"]) == 6
