"""Issue #19.2 and #19.4: team mode is a property of the database, and every write needs a
signed-in reviewer. The attacks: `FACTCHECK_TEAM_MODE=0 factcheck reviewers role ana admin`
against a team database turned every check off; `import`, `import --url` and `demo` stored
articles for nobody. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from tests.conftest import DEMO_TEXT

ROOT_PASSWORD = "root password 1"
ANA_PASSWORD = "ana password 1"


class Cli:
    """`factcheck --db URL …` with an explicit environment: nothing leaks in from the shell."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.runner = CliRunner()

    def __call__(
        self, *args: str, team_env: str | None = None, **env: str | None
    ) -> click.testing.Result:
        base: dict[str, str | None] = {
            "FACTCHECK_TEAM_MODE": team_env,
            "FACTCHECK_REVIEWER": None,
            "FACTCHECK_PASSWORD": None,
            "FACTCHECK_NEW_PASSWORD": None,
        }
        return self.runner.invoke(cli, ["--db", self.db_url, *args], env={**base, **env})

    def ok(self, *args: str, **env: str | None) -> click.testing.Result:
        result = self(*args, **env)
        assert result.exit_code == 0, result.output
        return result

    def refused(self, *args: str, message: str, **env: str | None) -> None:
        result = self(*args, **env)
        assert result.exit_code == 1, result.output
        assert message in result.stderr.lower(), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    from factcheck.config import get_settings

    monkeypatch.delenv("FACTCHECK_TEAM_MODE", raising=False)
    get_settings.cache_clear()
    return Cli(db_url)


def status(run: Cli, **env: str | None) -> dict[str, bool]:
    return json.loads(run.ok("team", "status", "--json", **env).stdout)  # type: ignore[no-any-return]


def enable_as_root(run: Cli) -> None:
    run.ok("team", "enable", "--reviewer", "root", FACTCHECK_NEW_PASSWORD=ROOT_PASSWORD)


def test_a_team_database_enforces_sign_in_whatever_the_environment_says(run: Cli) -> None:
    run.ok("reviewers", "add", "ana")  # local mode: a name is all it takes
    assert status(run) == {"team_mode": False, "stored": False, "environment": False}
    enable_as_root(run)
    assert status(run, team_env="0") == {"team_mode": True, "stored": True, "environment": False}
    # The attack: a process started without team mode against a team database.
    for env in ("0", None):
        run.refused("reviewers", "role", "ana", "admin", message="--reviewer", team_env=env)
        run.refused(
            "reviewers", "role", "ana", "admin", message="wrong name or password",
            team_env=env, FACTCHECK_REVIEWER="ana", FACTCHECK_PASSWORD="guess",
        )  # fmt: skip
    run.refused("reviewers", "list", message="--reviewer", team_env="0")
    listed = json.loads(run.ok("reviewers", "list", "--json", FACTCHECK_REVIEWER="root",
                               FACTCHECK_PASSWORD=ROOT_PASSWORD).stdout)  # fmt: skip
    assert {r["name"]: r["role"] for r in listed} == {"ana": "annotator", "root": "admin"}
    # The first admin can do it, signed in.
    run.ok("reviewers", "passwd", "ana", FACTCHECK_REVIEWER="root",
           FACTCHECK_PASSWORD=ROOT_PASSWORD, FACTCHECK_NEW_PASSWORD=ANA_PASSWORD)  # fmt: skip
    run.ok("reviewers", "role", "ana", "adjudicator", FACTCHECK_REVIEWER="root",
           FACTCHECK_PASSWORD=ROOT_PASSWORD)  # fmt: skip


def test_imports_and_the_demo_need_a_signed_in_reviewer(run: Cli) -> None:
    enable_as_root(run)
    run.refused("import", str(DEMO_TEXT), message="--reviewer", team_env="0")
    run.refused("demo", message="--reviewer", team_env="0")
    for reading in (["articles"], ["claims", "1"], ["sources", "list"], ["article", "show", "1"]):
        run.refused(*reading, message="--reviewer", team_env="0")
    run.refused("import", "--url", "http://127.0.0.1:9/a", message="--reviewer")
    assert json.loads(run.ok("articles", "--json", FACTCHECK_REVIEWER="root",
                             FACTCHECK_PASSWORD=ROOT_PASSWORD).stdout) == []  # fmt: skip
    loaded = run.ok("demo", "--json", FACTCHECK_REVIEWER="root", FACTCHECK_PASSWORD=ROOT_PASSWORD)
    assert json.loads(loaded.stdout)["article_id"] == 1


def test_turning_team_mode_off_needs_an_admins_password(run: Cli) -> None:
    enable_as_root(run)
    run.ok("reviewers", "add", "ana", "--role", "annotator", FACTCHECK_REVIEWER="root",
           FACTCHECK_PASSWORD=ROOT_PASSWORD, FACTCHECK_NEW_PASSWORD=ANA_PASSWORD)  # fmt: skip
    run.refused("team", "disable", "--reviewer", "root", message="wrong name or password",
                FACTCHECK_PASSWORD="guess")  # fmt: skip
    run.refused("team", "disable", "--reviewer", "ana", message="needs admin",
                FACTCHECK_PASSWORD=ANA_PASSWORD)  # fmt: skip
    assert status(run)["stored"] is True
    run.refused("team", "enable", "--reviewer", "root", message="already on",
                FACTCHECK_PASSWORD=ROOT_PASSWORD)  # fmt: skip
    run.ok("team", "disable", "--reviewer", "root", FACTCHECK_PASSWORD=ROOT_PASSWORD)
    assert status(run) == {"team_mode": False, "stored": False, "environment": False}
    run.ok("demo")  # local mode again: nothing asked


def test_a_local_desk_goes_team_keeping_its_work(run: Cli) -> None:
    run.ok("demo")
    run.ok("rate", "1", "--reviewer", "ana", "--reliability", "B", "--credibility", "2")
    # ana, a local-mode reviewer without a password, becomes the first admin.
    run.ok("team", "enable", "--reviewer", "ana", FACTCHECK_NEW_PASSWORD=ANA_PASSWORD)
    listed = json.loads(run.ok("reviewers", "list", "--json", FACTCHECK_REVIEWER="ana",
                               FACTCHECK_PASSWORD=ANA_PASSWORD).stdout)  # fmt: skip
    # The demo's constructed chains are demo-desk's (issue 16): an annotator without a password.
    assert [(r["name"], r["role"], r["has_password"]) for r in listed] == [
        ("ana", "admin", True),
        ("demo-desk", "annotator", False),
    ]
    rated = run.ok("rate", "1", "--json", FACTCHECK_REVIEWER="ana", FACTCHECK_PASSWORD=ANA_PASSWORD)
    assert json.loads(rated.stdout)["grade"] == "B2"
    # With an admin who can sign in, nobody else becomes one by enabling.
    run.ok("team", "disable", "--reviewer", "ana", FACTCHECK_PASSWORD=ANA_PASSWORD)
    run.refused("team", "enable", "--reviewer", "mallory", message="wrong name or password",
                FACTCHECK_PASSWORD="anything at all")  # fmt: skip


def test_agreement_on_a_csv_without_some_rated_columns(run: Cli, tmp_path: Path) -> None:
    """Issue #17: a sheet with claim_id, reviewer and one rated column is enough; the missing
    columns are left out of the report with a note, never an error (a CSV without `chain`
    used to be refused)."""
    sheet = tmp_path / "grades.csv"
    sheet.write_text(
        "claim_id,reviewer,source_reliability\n1,ana,B\n1,bob,B\n2,ana,C\n2,bob,D\n",
        encoding="utf-8",
    )
    report = json.loads(run.ok("agreement", str(sheet), "--json").stdout)
    assert report["source_reliability"]["units"] == 2
    assert "chains" not in report and "information_credibility" not in report
    assert report["notes"] == [
        f"{column}: not a column of the ratings CSV, left out"
        for column in ("attribution_type", "information_credibility", "chain")
    ]
    assert {p["field"] for p in report["pairwise"]} == {"source_reliability"}
    text = run.ok("agreement", str(sheet)).stdout
    assert "source_reliability" in text and "Note: chain: not a column" in text
    assert "Chains:" not in text
