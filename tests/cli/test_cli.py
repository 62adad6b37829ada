"""The command line, end to end on each engine: the contracts other tools rely on (JSON shapes,
exit codes, one-line errors) and each numbered point of the foundation issue."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from tests.conftest import DEMO_TEXT, ROOT

STUBB_CHAIN = "Alexander Stubb > Finnish media > Reuters > The Guardian > ZeroHedge"


class Cli:
    """Runs `factcheck --db URL …` in-process, as a user would from a shell."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> click.testing.Result:
        return self.runner.invoke(cli, ["--db", self.db_url, *args], input=input)

    def ok(self, *args: str) -> click.testing.Result:
        result = self(*args)
        assert result.exit_code == 0, result.output + (result.stderr if result.stderr_bytes else "")
        return result

    def json(self, *args: str) -> object:
        return json.loads(self.ok(*args, "--json").stdout)

    def fails(self, *args: str, message: str) -> str:
        result = self(*args)
        assert result.exit_code == 1, result.output
        error_lines = result.stderr.strip().splitlines()
        assert len(error_lines) == 1, result.stderr
        assert message.lower() in error_lines[0].lower(), error_lines[0]
        return error_lines[0]


@pytest.fixture
def run(db_url: str) -> Cli:
    return Cli(db_url)


@pytest.fixture
def demo(run: Cli) -> int:
    imported = run.json(
        "import",
        str(DEMO_TEXT),
        "--title",
        "NATO Troops In Ukraine",
        "--outlet",
        "ZeroHedge",
        "--url",
        "https://example.org/nato",
        "--published",
        "2025-09-05",
    )
    return imported[0]["article_id"]


def claims_of(run: Cli, article_id: int) -> list[dict]:
    return run.json("claims", str(article_id))


def database_snapshot(run: Cli) -> str:
    """Everything a user could list, to prove a failed command changed nothing."""
    articles = run.json("articles")
    claims = [claims_of(run, a["article_id"]) for a in articles]
    export = run.ok("export", "--format", "csv").stdout
    return json.dumps([articles, claims, export])


def test_import_prints_contract_json_and_splits_into_claims(run: Cli) -> None:
    imported = run.json("import", str(DEMO_TEXT), "--title", "NATO", "--outlet", "ZeroHedge")
    assert len(imported) == 1
    assert set(imported[0]) == {"article_id", "title", "claims"}
    assert imported[0]["title"] == "NATO"
    assert imported[0]["claims"] >= 15
    listed = run.json("articles")
    assert listed == [
        {
            "article_id": imported[0]["article_id"],
            "title": "NATO",
            "outlet": "ZeroHedge",
            "claims": imported[0]["claims"],
        }
    ]


def test_claims_json_has_exact_offsets(run: Cli, demo: int) -> None:
    text = DEMO_TEXT.read_text(encoding="utf-8")
    claims = claims_of(run, demo)
    for claim in claims:
        assert set(claim) == {
            "claim_id",
            "index",
            "start",
            "end",
            "text",
            "kind",
            "checkworthiness",
        }
        assert 0.0 <= claim["checkworthiness"] <= 1.0
        assert text[claim["start"] : claim["end"]] == claim["text"]
    assert [c["index"] for c in claims] == list(range(1, len(claims) + 1))
    assert not any("Read More" in c["text"] for c in claims)


def test_importing_the_same_text_twice_is_reported_not_duplicated(
    run: Cli, demo: int, tmp_path: Path
) -> None:
    copy = tmp_path / "same.txt"
    copy.write_text(DEMO_TEXT.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    line = run.fails("import", str(copy), message="already imported")
    assert f"article {demo}" in line
    assert len(run.json("articles")) == 1


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_markdown_and_html_are_imported_as_plain_text(
    run: Cli, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"story{suffix}"
    if suffix == ".md":
        path.write_text(
            "# Big news\n\nThe **minister** said the bridge will open in May.\n", encoding="utf-8"
        )
    else:
        path.write_text(
            "<html><head><title>Big news</title><script>alert(1)</script></head><body><article>"
            "<h1>Big news</h1><p>The <b>minister</b> said the bridge will open in May. "
            "Engineers said work was on schedule after a long winter of delays.</p></article></body></html>",
            encoding="utf-8",
        )
    imported = run.json("import", str(path))
    claims = claims_of(run, imported[0]["article_id"])
    joined = " ".join(c["text"] for c in claims)
    assert "minister said the bridge will open in May" in joined.replace("  ", " ")
    assert "<" not in joined and "**" not in joined and "alert" not in joined


def test_claim_edits_keep_offsets_exact(run: Cli, demo: int) -> None:
    text = DEMO_TEXT.read_text(encoding="utf-8")
    before = claims_of(run, demo)
    first, second = before[1], before[2]

    merged = run.json("claim", "merge", str(first["claim_id"]))[0]
    assert (merged["start"], merged["end"]) == (first["start"], second["end"])
    assert len(claims_of(run, demo)) == len(before) - 1

    offset = second["start"]
    left, right = run.json("claim", "split", str(merged["claim_id"]), str(offset))
    assert left["end"] <= offset <= right["start"]
    assert right["text"] == second["text"]

    # a trim that would leave text in no claim is refused unless the rest is dropped explicitly
    run.fails(
        "claim", "edit", str(left["claim_id"]), "--start", str(left["start"] + 7),
        message="would be in no claim",
    )  # fmt: skip
    assert claims_of(run, demo)[1]["start"] == left["start"]
    trimmed = run.json(
        "claim", "edit", str(left["claim_id"]), "--start", str(left["start"] + 7), "--drop-rest"
    )[0]
    assert trimmed["text"] == text[left["start"] + 7 : left["end"]]
    extended = run.json("claim", "edit", str(left["claim_id"]), "--start", str(left["start"]))[0]
    assert extended["text"] == left["text"]

    dropped = run.json("claim", "drop", str(right["claim_id"]))[0]
    assert dropped["index"] == 0
    assert right["claim_id"] not in [c["claim_id"] for c in claims_of(run, demo)]
    run.json("claim", "restore", str(right["claim_id"]))
    assert right["claim_id"] in [c["claim_id"] for c in claims_of(run, demo)]

    run.json("claim", "drop", str(right["claim_id"]))
    added = run.json(
        "claim",
        "add",
        str(demo),
        str(right["start"]),
        str(right["start"] + 20),
        "--kind",
        "opinion",
    )[0]
    assert added["text"] == text[right["start"] : right["start"] + 20]
    assert added["kind"] == "opinion"
    for claim in claims_of(run, demo):
        assert text[claim["start"] : claim["end"]] == claim["text"]


def test_rate_records_and_updates_one_reviewers_assessment(
    run: Cli, demo: int, tmp_path: Path
) -> None:
    stubb = next(c for c in claims_of(run, demo) if "Trump’s approach" in c["text"])
    run.ok(
        "rate",
        str(stubb["claim_id"]),
        "--reviewer",
        "ana",
        "--type",
        "direct_quote",
        "--speaker",
        "Alexander Stubb",
        "--cue",
        "told",
        "--chain",
        STUBB_CHAIN,
        "--kinds",
        "head_of_state > national_media > - > - > -",  # the rest from the registry
        "--reliability",
        "B",
        "--credibility",
        "2",
        "--notes",
        "checked the Reuters copy",
    )
    run.ok(
        "rate",
        str(stubb["claim_id"]),
        "--reviewer",
        "ben",
        "--type",
        "indirect",
        "--reliability",
        "C",
        "--credibility",
        "3",
    )
    run.ok("rate", str(stubb["claim_id"]), "--reviewer", "ana", "--credibility", "1")

    out = tmp_path / "ratings.csv"
    assert run.json("export", "--format", "csv", "--out", str(out))["rows"] == 2
    rows = {row["reviewer"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    ana, ben = rows["ana"], rows["ben"]
    assert ana["grade"] == "B1"  # updated credibility, reliability kept
    assert ana["chain"] == STUBB_CHAIN
    assert (
        ana["chain_kinds"]
        == "head_of_state > national_media > wire_agency > newspaper > aggregator"
    )
    assert ana["chain_length"] == "5"
    assert ana["speaker"] == "Alexander Stubb" and ana["cue"] == "told"
    assert ana["notes"] == "checked the Reuters copy"
    assert ben["grade"] == "C3"  # the other reviewer's row untouched
    assert ben["attribution_type"] == "indirect"


def test_chain_hops_refer_to_one_registry_record_across_articles(
    run: Cli, demo: int, tmp_path: Path
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("Reuters reported that talks resumed on Monday in Geneva.\n", encoding="utf-8")
    second = run.json("import", str(other), "--outlet", "Example Daily")[0]["article_id"]
    first_claim = claims_of(run, demo)[0]["claim_id"]
    second_claim = claims_of(run, second)[0]["claim_id"]
    run.ok("rate", str(first_claim), "--reviewer", "ana", "--chain", "Thomson Reuters > ZeroHedge")
    run.ok("rate", str(second_claim), "--reviewer", "ana", "--chain", "Reuters > Example Daily")
    reuters = [
        s for s in run.json("sources", "list", "--search", "reuters") if s["name"] == "Reuters"
    ]
    assert len(reuters) == 1
    assert reuters[0]["chain_hops"] == 2


def test_sources_add_edit_merge(run: Cli) -> None:
    added = run.json(
        "sources",
        "add",
        "Keski-Suomen Viikko",
        "--kind",
        "newspaper",
        "--alias",
        "KSV",
        "--prior",
        "b",
    )[0]
    assert added["prior_reliability"] == "B" and added["aliases"] == ["KSV"]
    run.json("sources", "add", "KSV Weekly", "--kind", "newspaper")
    merged = run.json("sources", "merge", "Keski-Suomen Viikko", "KSV Weekly")[0]
    assert set(merged["aliases"]) == {"KSV", "KSV Weekly"}
    edited = run.json("sources", "edit", "KSV", "--kind", "national_media", "--prior", "none")[0]
    assert edited["kind"] == "national_media" and edited["prior_reliability"] is None
    run.fails("sources", "add", "ksv", message="already used")
    run.fails("sources", "add", "Someone", "--kind", "wizard", message="unknown source kind")


def test_export_csv_columns_in_contract_order(run: Cli, demo: int) -> None:
    claim = claims_of(run, demo)[0]
    run.ok(
        "rate",
        str(claim["claim_id"]),
        "--reviewer",
        "ana",
        "--reliability",
        "A",
        "--credibility",
        "6",
    )
    stdout = run.ok("export", "--format", "csv").stdout
    header = next(csv.reader(io.StringIO(stdout)))
    contract = [
        "article_id",
        "article_title",
        "outlet",
        "article_url",
        "published_at",
        "claim_id",
        "claim_index",
        "claim_start",
        "claim_end",
        "claim_text",
        "claim_kind",
        "reviewer",
        "attribution_type",
        "speaker",
        "cue",
        "chain",
        "chain_kinds",
        "chain_length",
        "translated",
        "source_reliability",
        "information_credibility",
        "grade",
        "sourcing_score",
        "primary_source_url",
        "corroborated",
        "notes",
        "rated_at",
    ]
    assert header[: len(contract)] == contract
    row = next(csv.DictReader(io.StringIO(stdout)))
    assert row["grade"] == "A6" and row["translated"] == "false" and row["corroborated"] == "false"
    assert row["published_at"] == "2025-09-05" and row["outlet"] == "ZeroHedge"
    assert row["rated_at"].endswith("Z") and "T" in row["rated_at"]


def test_every_command_takes_json_and_has_help_with_an_example() -> None:
    def walk(group: click.Group, prefix: list[str]) -> list[tuple[list[str], click.Command]]:
        found = []
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                found += walk(command, [*prefix, name])
            else:
                found.append(([*prefix, name], command))
        return found

    commands = walk(cli, [])
    assert len(commands) >= 15
    runner = CliRunner()
    for path, command in commands:
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Example" in result.output, f"{' '.join(path)} --help has no example"
        assert any(param.name == "as_json" for param in command.params), (
            f"{' '.join(path)} lacks --json"
        )


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\t \n", "whitespace"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a text file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        (b"Some text\x00with a NUL byte", "binary"),
    ],
)
def test_bad_files_get_one_line_and_change_nothing(
    run: Cli, demo: int, tmp_path: Path, content: bytes, message: str
) -> None:
    before = database_snapshot(run)
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    line = run.fails("import", str(path), message=message)
    assert "bad.txt" in line
    assert database_snapshot(run) == before


def test_file_over_the_size_limit_is_refused(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck.config import get_settings

    monkeypatch.setenv("FACTCHECK_MAX_BYTES", "1000")
    get_settings.cache_clear()
    try:
        path = tmp_path / "big.txt"
        path.write_text("A sentence that is long enough. " * 100, encoding="utf-8")
        run.fails("import", str(path), message="limit")
        assert run.json("articles") == []
    finally:
        get_settings.cache_clear()


def test_undecodable_file_is_refused_naming_the_file(run: Cli, tmp_path: Path) -> None:
    path = tmp_path / "garbled.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 20)
    line = run.fails("import", str(path), message="garbled.txt")
    assert "encoding" in line or "binary" in line
    assert run.json("articles") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["claims", "999"], "article 999 does not exist"),
        (["claim", "merge", "99999"], "claim 99999 does not exist"),
        (["claim", "split", "{claim}", "0"], "not inside"),
        (["claim", "edit", "{claim}", "--end", "999999"], "outside the article"),
        (["claim", "edit", "{claim}", "--start", "-5"], "outside the article"),
        (["claim", "add", "{article}", "0", "5"], "overlap"),
        (["rate", "{claim}", "--reviewer", "ana", "--reliability", "G"], "A–F"),
        (["rate", "{claim}", "--reviewer", "ana", "--credibility", "7"], "1–6"),
        (["rate", "{claim}", "--reviewer", "ana", "--credibility", "x"], "1–6"),
        (
            [
                "rate",
                "{claim}",
                "--reviewer",
                "ana",
                "--chain",
                "A > B",
                "--kinds",
                "official > wizard",
            ],
            "unknown kind",
        ),
        (["rate", "{claim}", "--reviewer", "ana", "--chain", "A >  > B"], "empty hop"),
        (
            ["rate", "99999", "--reviewer", "ana", "--reliability", "B"],
            "claim 99999 does not exist",
        ),
        (["import", "/no/such/file.txt"], "no such file"),
        (["import", "{demo_path}", "--published", "yesterday"], "ISO 8601"),
        (["article", "delete", "4242", "--yes"], "article 4242 does not exist"),
        (["sources", "merge", "Reuters", "Nobody Knows"], "does not exist"),
    ],
)
def test_bad_arguments_get_one_line_and_change_nothing(
    run: Cli, demo: int, args: list[str], message: str
) -> None:
    claim = claims_of(run, demo)[3]
    filled = [
        a.format(claim=claim["claim_id"], article=demo, demo_path=str(DEMO_TEXT)) for a in args
    ]
    before = database_snapshot(run)
    sources_before = run.json("sources", "list")
    run.fails(*filled, message=message)
    assert database_snapshot(run) == before
    assert run.json("sources", "list") == sources_before


def test_delete_asks_for_confirmation(run: Cli, demo: int) -> None:
    result = run("article", "delete", str(demo), input="n\n")
    assert result.exit_code == 1
    assert len(run.json("articles")) == 1
    result = run("article", "delete", str(demo), input="y\n")
    assert result.exit_code == 0
    assert run.json("articles") == []


def test_console_script_and_module_entry_points(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'entry.db'}"
    for command in (
        [str(Path(sys.executable).parent / "factcheck")],
        [sys.executable, "-m", "factcheck"],
    ):
        done = subprocess.run(
            [*command, "--db", url, "articles", "--json"], capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == []
    bad = subprocess.run(
        [sys.executable, "-m", "factcheck", "--db", url, "claims", "7"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip() == "error: article 7 does not exist"
    assert bad.stdout == ""


def test_database_url_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "factcheck", "import", str(DEMO_TEXT), "--json"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DATABASE_URL": url},
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env.db").exists()
