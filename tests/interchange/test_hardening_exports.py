"""Hardening of exports (issue 19): ClaimReview that is safe to paste into a page's
`<script type="application/ld+json">` (item 9), and no `.part` litter left behind by killed
exports and backups (item 13). Each test reproduces the attack first."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from factcheck.store.engine import make_engine
from tests.cli.test_cli import Cli
from tests.conftest import ROOT

TEXT = (
    "Officials said on Monday that <script>alert(1)</script> talks will resume & continue.\n"
    "Reuters reported that the ceasefire < 3 days old was holding.\n"
)
PAYLOAD_TITLE = '</script><script>alert("title")</script>'
PAYLOAD_NOTES = "</script><img src=x onerror=alert(1)> & more"
BAD_URLS = [
    "javascript:alert(document.cookie)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//attacker.example/x",
]


# ---------------------------------------------------------------- 9. ClaimReview embedding


def _hostile_project(run: Cli, tmp_path: Path, url: str, primary: str) -> None:
    """An article and a rating whose every user-supplied string is an HTML/script payload."""
    article = tmp_path / "hostile.txt"
    article.write_text(TEXT, encoding="utf-8")
    (imported,) = run.json(
        "import",
        str(article),
        "--title",
        PAYLOAD_TITLE,
        "--outlet",
        "A&B <i>News</i>",
        "--url",
        url,
    )
    claim = run.json("claims", str(imported["article_id"]))[0]
    run.ok(
        "rate",
        str(claim["claim_id"]),
        "--reviewer",
        "ana",
        "--type",
        "direct_quote",
        "--speaker",
        "<b>Officials</b>",
        "--reliability",
        "B",
        "--credibility",
        "2",
        "--corroborated-by",
        "<a href='javascript:x'>wire</a>",
        "--notes",
        PAYLOAD_NOTES,
        "--primary-source",
        primary,
    )


class _ScriptReader(HTMLParser):
    """What a browser's tokenizer makes of a page: the script elements' text and any tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def _urls(value: Any, key: str = "") -> list[str]:
    """Every value under a key named like a URL, anywhere in the review."""
    if isinstance(value, dict):
        return [u for k, v in value.items() for u in _urls(v, k)]
    if isinstance(value, list):
        return [u for item in value for u in _urls(item, key)]
    return [value] if key.lower() in {"url", "sameas", "@id"} and isinstance(value, str) else []


@pytest.mark.parametrize("bad_url", BAD_URLS)
def test_claimreview_embeds_in_a_script_tag_and_never_links_to_a_script(
    db_url: str, tmp_path: Path, bad_url: str
) -> None:
    run = Cli(db_url)
    _hostile_project(run, tmp_path, url=bad_url, primary=bad_url)
    out = tmp_path / "reviews.jsonl"
    assert run.json("export", "--format", "claimreview", "--out", str(out))["rows"] == 1
    raw = out.read_text(encoding="utf-8")
    line = raw.splitlines()[0]
    for char in "<>&":
        assert char not in raw, f"{char!r} must be written as a \\u escape"
    # Pasted into the page exactly as the docs say, the browser sees one script and its JSON.
    page = f'<html><head><script type="application/ld+json">{line}</script></head></html>'
    reader = _ScriptReader()
    reader.feed(page)
    assert reader.tags == ["html", "head", "script"], reader.tags
    review = json.loads(reader.scripts[0])
    # The escapes are JSON's: the text reads back exactly.
    assert review["itemReviewed"]["appearance"][0]["headline"] == PAYLOAD_TITLE
    assert review["itemReviewed"]["appearance"][0]["publisher"]["name"] == "A&B <i>News</i>"
    assert review["itemReviewed"]["author"]["name"] == "<b>Officials</b>"
    assert PAYLOAD_NOTES in review["reviewRating"]["ratingExplanation"]
    assert "<script>alert(1)</script>" in review["claimReviewed"]
    # No link of another scheme than http(s) (the generated urn: identifier aside).
    for url in _urls(review):
        assert url.startswith(("https://", "http://", "urn:factcheck:")), url
    assert "url" not in review["itemReviewed"]["appearance"][0]
    assert "firstAppearance" not in review["itemReviewed"]


def test_claimreview_keeps_http_links(sqlite_url: str, tmp_path: Path) -> None:
    run = Cli(sqlite_url)
    _hostile_project(
        run, tmp_path, url="https://example.org/a?x=1&y=2", primary="http://example.org/primary"
    )
    out = tmp_path / "reviews.jsonl"
    run.ok(
        "export",
        "--format",
        "claimreview",
        "--review-url",
        "https://checks.example.org/",
        "--out",
        str(out),
    )
    (review,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert review["itemReviewed"]["appearance"][0]["url"] == "https://example.org/a?x=1&y=2"
    assert review["itemReviewed"]["firstAppearance"]["url"] == "http://example.org/primary"
    assert review["url"].startswith("https://checks.example.org/claims/")
    assert "&" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("bad_url", BAD_URLS)
def test_claimreview_refuses_a_review_url_that_is_not_http(
    sqlite_url: str, tmp_path: Path, bad_url: str
) -> None:
    run = Cli(sqlite_url)
    _hostile_project(run, tmp_path, url="https://example.org/a", primary="https://example.org/p")
    out = tmp_path / "reviews.jsonl"
    run.fails(
        "export",
        "--format",
        "claimreview",
        "--review-url",
        bad_url,
        "--out",
        str(out),
        message="http",
    )
    assert not out.exists()


# ---------------------------------------------------------------- 13. litter of killed exports

# Enters the real temp-file code of an export, writes part of it, says so, then waits for a
# line on stdin (a running export) or to be killed (a killed one).
HOLD_FILE = """
import sys
from pathlib import Path
from factcheck.interchange.export import atomic_text_file
with atomic_text_file(Path(sys.argv[1])) as out:
    out.write("from the export that was still running\\n")
    out.flush()
    print("writing", flush=True)
    sys.stdin.readline()
"""
HOLD_FOLDER = """
import sys
from pathlib import Path
from factcheck.interchange.export import atomic_folder
with atomic_folder(Path(sys.argv[1])) as staging:
    (staging / "text").mkdir()
    (staging / "text" / "a.txt").write_text("half", encoding="utf-8")
    print("writing", flush=True)
    sys.stdin.readline()
"""
HOLD_BACKUP = """
import sys
from pathlib import Path
from factcheck.services import backup
from factcheck.store.engine import make_engine
copy = backup._sqlite_backup
def slow(engine, temp, **options):
    copy(engine, temp, **options)
    print("writing", flush=True)
    sys.stdin.readline()
backup._sqlite_backup = slow
backup.backup_database(make_engine(sys.argv[2]), Path(sys.argv[1]))
"""
HOLD_DOWNLOAD = """
import dataclasses
import sys
from factcheck.store.engine import make_engine
from factcheck.interchange import download
real = download.FORMATS["quotes"].exporter
def slow(engine, path, flt, progress):
    real(engine, path, flt, progress)
    print("writing", flush=True)
    sys.stdin.readline()
download.FORMATS["quotes"] = dataclasses.replace(download.FORMATS["quotes"], exporter=slow)
download.export_bytes(make_engine(sys.argv[2]), "quotes")
"""


class _Holder:
    """A process stopped in the middle of an export (its temporary file or folder open)."""

    def __init__(self, script: str, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.strip() == "writing", self.process.stderr.read()  # type: ignore[union-attr]

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, exactly what a crash or `kill -9` does."""
        self.process.kill()
        self.process.wait(timeout=30)

    def finish(self) -> str:
        out, err = self.process.communicate("go\n", timeout=60)
        assert self.process.returncode == 0, err
        return out


def _temps(folder: Path, name: str) -> list[Path]:
    """The temporary files and folders an export or backup of `name` makes in `folder`."""
    return sorted(p for p in folder.iterdir() if p.name.startswith(f".{name}."))


def _age(paths: list[Path], seconds: float = 3600) -> None:
    """Make the temp files look `seconds` old: killed a while ago (a temp file younger than
    the grace period is kept even without a lock, see factcheck.interchange.export)."""
    moment = time.time() - seconds
    for path in paths:
        os.utime(path, (moment, moment), follow_symlinks=False)


def test_killed_export_leaves_part_file_that_the_next_export_removes(
    sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "ratings.csv"
    holder = _Holder(HOLD_FILE, str(out))
    holder.kill()
    litter = _temps(tmp_path, out.name)
    assert [p.suffix for p in litter] == [".part"], "the attack: a killed export leaves a .part"
    _age(litter)
    Cli(sqlite_url).ok("export", "--format", "csv", "--out", str(out))
    assert out.is_file()
    assert _temps(tmp_path, out.name) == [], "stale .part files are removed by the next export"


def test_the_temp_file_of_a_running_export_is_never_removed(
    sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "reviews.jsonl"
    holder = _Holder(HOLD_FILE, str(out))
    try:
        running = _temps(tmp_path, out.name)
        _age(running)  # even an old-looking one: its writer holds the lock
        Cli(sqlite_url).ok("export", "--format", "claimreview", "--out", str(out))
        assert _temps(tmp_path, out.name) == running, "a running export's file was removed"
    finally:
        holder.finish()
    assert out.read_text(encoding="utf-8") == "from the export that was still running\n"
    assert _temps(tmp_path, out.name) == []


def test_a_young_unlocked_temp_file_is_kept(sqlite_url: str, tmp_path: Path) -> None:
    """A file made a moment ago may not be locked yet (created, then locked): the grace
    period keeps it, so the rule never races an export that is starting."""
    out = tmp_path / "ratings.csv"
    young = tmp_path / ".ratings.csv.abcd1234.part"
    young.write_text("just created", encoding="utf-8")
    Cli(sqlite_url).ok("export", "--format", "csv", "--out", str(out))
    assert young.exists()
    _age([young])
    Cli(sqlite_url).ok("export", "--format", "csv", "--out", str(out))
    assert not young.exists()


def test_files_that_only_look_like_temp_files_are_left_alone(
    sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "ratings.csv"
    mine = [
        tmp_path / ".ratings.csv.notes.part",  # not tempfile's 8-character infix
        tmp_path / ".ratings.csv.abcd1234.partial",
        tmp_path / ".other.csv.abcd1234.part",  # another export's
        tmp_path / "ratings.csv.abcd1234.part",  # no leading dot
    ]
    for path in mine:
        path.write_text("keep me", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    link = tmp_path / ".ratings.csv.zzzz9999.part"
    link.symlink_to(outside)
    _age([*mine, link])
    Cli(sqlite_url).ok("export", "--format", "csv", "--out", str(out))
    assert all(p.read_text(encoding="utf-8") == "keep me" for p in mine)
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_killed_folder_export_leaves_staging_that_the_next_export_removes(
    sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "corpus"
    holder = _Holder(HOLD_FOLDER, str(out))
    holder.kill()
    litter = _temps(tmp_path, out.name)
    assert [p.suffix for p in litter] == [".part"] and litter[0].is_dir()
    _age(litter)
    Cli(sqlite_url).ok("export", "--format", "brat", "--out", str(out))
    assert out.is_dir()
    assert _temps(tmp_path, out.name) == []


def test_folder_export_killed_between_its_renames_gets_the_old_folder_back(
    sqlite_url: str, tmp_path: Path
) -> None:
    """`--replace` moves the old folder aside, then the new one in: killed in between, the old
    export sits in a `.old` folder; the next export to that place puts it back first (then
    replaces it as asked), and when that export fails the old folder is still there."""
    out = tmp_path / "corpus"
    aside = tmp_path / ".corpus.abcd1234.old"
    (aside / "corpus" / "text").mkdir(parents=True)
    (aside / "corpus" / "text" / "kept.txt").write_text("the earlier export", encoding="utf-8")
    _age([aside])
    from factcheck.interchange.export import atomic_folder

    with pytest.raises(RuntimeError, match="this export fails"), atomic_folder(out):
        raise RuntimeError("this export fails")
    assert (out / "text" / "kept.txt").read_text(encoding="utf-8") == "the earlier export"
    assert _temps(tmp_path, out.name) == []


def test_killed_backup_leaves_part_file_that_the_next_backup_removes(
    sqlite_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    holder = _Holder(HOLD_BACKUP, str(target), sqlite_url)
    holder.kill()
    litter = _temps(tmp_path, target.name)
    assert litter and all(".part" in p.name for p in litter)
    _age(litter)
    result = Cli(sqlite_url).ok("backup", str(target))
    assert "backed up" in result.stdout and target.is_file()
    assert _temps(tmp_path, target.name) == []


def test_running_backup_keeps_its_part_file(sqlite_url: str, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    holder = _Holder(HOLD_BACKUP, str(target), sqlite_url)
    try:
        running = [p for p in _temps(tmp_path, target.name) if p.name.endswith(".part")]
        assert running
        _age(running)
        Cli(sqlite_url).ok("backup", str(target))  # a second backup to the same place
        assert all(p.exists() for p in running), "a running backup's file was removed"
    finally:
        holder.finish()
    assert target.is_file()
    assert _temps(tmp_path, target.name) == []


def test_killed_download_leaves_a_temp_folder_that_the_next_download_removes(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    holder = _Holder(HOLD_DOWNLOAD, "-", sqlite_url, env={"TMPDIR": str(scratch)})
    holder.kill()
    litter = sorted(scratch.iterdir())
    assert len(litter) == 1 and litter[0].name.startswith("factcheck-export-")
    _age(litter)
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    from factcheck.interchange.download import export_bytes

    engine = make_engine(sqlite_url)
    try:
        assert export_bytes(engine, "csv")
    finally:
        engine.dispose()
    assert sorted(scratch.iterdir()) == []
