"""Team review from the command line, on each engine: accounts, signing in with
$FACTCHECK_PASSWORD or a prompt, the blind-rate → compare → release → adjudicate → export
cycle, and the refusals. Local mode keeps working without any password."""

from __future__ import annotations

import csv
import io
import json

import click
import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from tests.conftest import DEMO_TEXT

PASSWORDS = {"root": "root password 1", "ana": "ana password 1", "bob": "bob password 1"}
PASSWORDS["judge"] = "judge password 1"


class TeamCli:
    """`factcheck --db URL …` in-process, as a named reviewer with their password."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.runner = CliRunner()

    def __call__(
        self,
        *args: str,
        who: str | None = None,
        password: str | None = None,
        input: str | None = None,
    ) -> click.testing.Result:
        env = {
            "FACTCHECK_REVIEWER": who,
            "FACTCHECK_PASSWORD": None,
            "FACTCHECK_NEW_PASSWORD": None,
        }
        if who is not None:
            env["FACTCHECK_PASSWORD"] = password if password is not None else PASSWORDS[who]
        return self.runner.invoke(cli, ["--db", self.db_url, *args], env=env, input=input)

    def ok(self, *args: str, **kwargs: str | None) -> click.testing.Result:
        result = self(*args, **kwargs)
        assert result.exit_code == 0, result.output
        return result

    def json(self, *args: str, **kwargs: str | None) -> object:
        return json.loads(self.ok(*args, "--json", **kwargs).stdout)

    def fails(self, *args: str, message: str, **kwargs: str | None) -> None:
        result = self(*args, **kwargs)
        assert result.exit_code == 1, result.output
        assert message.lower() in result.stderr.lower(), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 or "Password" in result.stderr


@pytest.fixture
def run(db_url: str) -> TeamCli:
    return TeamCli(db_url)


def new_account(run: TeamCli, name: str, role: str, who: str | None = "root") -> None:
    password = PASSWORDS[name]
    run.ok("reviewers", "add", name, "--role", role, who=who, input=f"{password}\n{password}\n")


@pytest.fixture
def desk(run: TeamCli, team: None) -> dict[str, int]:
    """A team database: root (admin, bootstrapped), ana and bob (annotators), judge."""
    new_account(run, "root", "admin", who=None)
    for name, role in (("ana", "annotator"), ("bob", "annotator"), ("judge", "adjudicator")):
        new_account(run, name, role)
    imported = run.json(
        "import", str(DEMO_TEXT), "--title", "NATO troops", "--outlet", "ZH", who="root"
    )
    article_id = imported[0]["article_id"]  # type: ignore[index]
    claims = run.json("claims", str(article_id), who="root")
    return {"article": article_id, **{f"claim{i}": c["claim_id"] for i, c in enumerate(claims)}}  # type: ignore[index, union-attr]


def test_the_whole_cycle_from_the_command_line(run: TeamCli, desk: dict[str, int]) -> None:
    article, first, second = str(desk["article"]), str(desk["claim0"]), str(desk["claim1"])
    run.ok(
        "rate",
        first,
        "--type",
        "direct_quote",
        "--chain",
        "Putin > TASS > ZeroHedge",
        "--reliability",
        "B",
        "--credibility",
        "2",
        who="ana",
    )
    run.ok("rate", second, "--reliability", "A", "--credibility", "1", who="ana")
    run.ok(
        "rate",
        first,
        "--type",
        "direct_quote",
        "--chain",
        "Putin > ZeroHedge",
        "--reliability",
        "C",
        "--credibility",
        "2",
        who="bob",
    )
    run.ok("rate", second, "--reliability", "A", "--credibility", "1", who="bob")

    # blind: bob cannot compare yet, the judge can
    run.fails("review", article, who="bob", message="before it is released")
    sheet = run.json("review", article, who="judge")
    by_id = {c["claim_id"]: c for c in sheet["claims"]}  # type: ignore[index]
    assert by_id[desk["claim0"]]["disagreements"] == ["chain", "source_reliability"]
    assert by_id[desk["claim1"]]["disagreements"] == []
    assert "! [" in run.ok("review", article, who="judge").stdout

    run.fails(
        "rate", first, "--final", "--reliability", "B", who="judge", message="release article"
    )
    run.fails("release", article, who="ana", message="cannot release")
    run.ok("release", article, who="judge")
    run.fails("rate", first, "--reliability", "D", who="bob", message="frozen")
    run.fails(
        "rate", first, "--final", "--reliability", "B", who="ana", message="cannot record a final"
    )
    final = run.json("rate", first, "--final", "--reliability", "B", who="judge")
    assert final["final"] is True and final["grade"] == "B2"  # credibility from the majority
    run.json("rate", second, "--final", who="judge")  # accept the majority as it is

    run.fails("export", "--article", article, message="say who you are")
    stdout = run.ok("export", "--article", article, who="judge").stdout
    rows = list(csv.DictReader(io.StringIO(stdout)))
    finals = [r for r in rows if r["final"] == "true"]
    assert {(r["claim_id"], r["reviewer"], r["grade"]) for r in finals} == {
        (first, "judge", "B2"),
        (second, "judge", "A1"),
    }
    assert {r["reviewer"] for r in rows if r["final"] == "false"} == {"ana", "bob"}
    report = run.json("agreement", "--article", article, who="ana")
    assert report["source_reliability"]["units"] == 2  # type: ignore[index]
    assert report["source_reliability"]["reviewers"] == 2  # type: ignore[index]


def test_team_mode_needs_the_right_password(run: TeamCli, desk: dict[str, int]) -> None:
    claim = str(desk["claim0"])
    run.fails(
        "rate",
        claim,
        "--reliability",
        "B",
        who="ana",
        password="nope",
        message="wrong name or password",
    )
    run.fails(
        "rate",
        claim,
        "--reliability",
        "B",
        who="mallory",
        password="x",
        message="wrong name or password",
    )
    run.fails("claim", "drop", claim, message="--reviewer")
    # prompted when $FACTCHECK_PASSWORD is not set
    result = run.runner.invoke(
        cli,
        ["--db", run.db_url, "rate", claim, "--reviewer", "ana", "--reliability", "B"],
        input=PASSWORDS["ana"] + "\n",
        env={"FACTCHECK_PASSWORD": None, "FACTCHECK_REVIEWER": None},
    )
    assert result.exit_code == 0, result.output
    assert PASSWORDS["ana"] not in result.output


def test_claim_edits_and_deletion_follow_the_roles(run: TeamCli, desk: dict[str, int]) -> None:
    first, article = str(desk["claim0"]), str(desk["article"])
    run.ok("rate", first, "--reliability", "B", who="ana")
    run.fails("claim", "drop", first, who="bob", message="other reviewers have rated")
    run.ok("claim", "drop", first, who="ana")  # only her own rating on it
    run.ok("claim", "restore", first, who="judge")
    run.fails("claim", "merge", first, who="bob", message="other reviewers have rated")
    merged = run.json("claim", "merge", first, who="judge")
    assert merged[0]["claim_id"] == desk["claim0"]  # type: ignore[index]
    run.fails("article", "delete", article, "--yes", who="judge", message="cannot delete")
    run.ok("article", "delete", article, "--yes", who="root")


def test_reviewer_accounts(run: TeamCli, desk: dict[str, int]) -> None:
    run.fails("reviewers", "list", message="say who you are")
    listed = run.json("reviewers", "list", who="ana")
    assert [(r["name"], r["role"]) for r in listed] == [  # type: ignore[union-attr, index]
        ("ana", "annotator"),
        ("bob", "annotator"),
        ("judge", "adjudicator"),
        ("root", "admin"),
    ]
    assert "password_hash" not in json.dumps(listed) and "argon2" not in json.dumps(listed)
    run.fails(
        "reviewers",
        "add",
        "eve",
        who="judge",
        input="longpassword\nlongpassword\n",
        message="cannot add reviewers",
    )
    run.fails(
        "reviewers", "add", "eve", message="sign in first", input="longpassword\nlongpassword\n"
    )
    run.fails("reviewers", "disable", "bob", who="judge", message="cannot disable")
    run.ok("reviewers", "disable", "bob", who="root")
    run.fails("rate", str(desk["claim0"]), "--reliability", "B", who="bob", message="disabled")
    run.ok("reviewers", "disable", "bob", "--enable", who="root")
    run.ok("reviewers", "passwd", "ana", who="ana", input="another secret\nanother secret\n")
    run.fails("rate", str(desk["claim0"]), "--reliability", "B", who="ana", message="wrong name")
    run.ok("rate", str(desk["claim0"]), "--reliability", "B", who="ana", password="another secret")
    run.fails("reviewers", "role", "ana", "admin", who="judge", message="cannot change roles")
    run.ok("reviewers", "role", "ana", "adjudicator", who="root")


def test_local_mode_asks_for_no_password(run: TeamCli) -> None:
    imported = run.json("import", str(DEMO_TEXT), "--title", "NATO troops")
    claims = run.json("claims", str(imported[0]["article_id"]))  # type: ignore[index]
    first = str(claims[0]["claim_id"])  # type: ignore[index]
    run.ok("rate", first, "--reviewer", "ana", "--reliability", "B")
    run.ok("rate", first, "--reviewer", "bob", "--reliability", "C")
    run.ok("claim", "drop", first)
    run.ok("claim", "restore", first)
    run.ok("reviewers", "add", "judge", "--role", "adjudicator")
    sheet = run.json("review", str(imported[0]["article_id"]))  # type: ignore[index]
    assert sheet["reviewers"] == ["ana", "bob"]  # type: ignore[index]
    final = run.json("rate", first, "--reviewer", "judge", "--final")
    assert final["final"] is True
    listed = run.json("reviewers", "list")
    assert {r["name"] for r in listed} == {"ana", "bob", "judge"}  # type: ignore[union-attr, index]


def test_agreement_is_blind_for_annotators_until_release(
    run: TeamCli, desk: dict[str, int]
) -> None:
    article, first = str(desk["article"]), str(desk["claim0"])
    run.ok("rate", first, "--reliability", "B", "--credibility", "2", who="ana")
    run.ok("rate", first, "--reliability", "C", "--credibility", "2", who="bob")
    run.fails("agreement", "--article", article, who="ana", message="before it is released")
    run.fails("agreement", message="sign in first")
    hidden = run.json("agreement", who="ana")  # the project, without unreleased articles
    assert hidden["source_reliability"]["units"] == 0  # type: ignore[index]
    shown = run.json("agreement", "--article", article, who="judge")
    assert shown["source_reliability"]["units"] == 1  # type: ignore[index]
    run.ok("release", article, who="judge")
    released = run.json("agreement", who="ana")
    assert released["source_reliability"]["units"] == 1  # type: ignore[index]
