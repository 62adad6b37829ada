"""Reliability promises: nothing lost under concurrent reviewers, crash-safe imports and
exports, consistent backups, and databases of earlier releases upgraded with every row kept."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from factcheck.domain.agreement import agreement_report
from factcheck.domain.split import split_into_claims
from factcheck.services import articles, claims
from factcheck.services.agreement_data import ratings_from_db
from factcheck.store.engine import make_engine, write
from factcheck.store.models import Article, Assessment, ChainHopRow, Claim, Reviewer
from schemas.records import ArticleMeta
from tests.conftest import DEMO_TEXT, ROOT
from tests.reliability_workers import rate_many

SAVES_PER_REVIEWER = 500
FIXTURE_0001 = ROOT / "tests" / "fixtures" / "schema_0001.db"


def _import(engine: Engine, text: str, outlet: str = "ZeroHedge") -> int:
    return write(engine, lambda s: articles.import_text(s, text, ArticleMeta(outlet=outlet)).id)


def _claim_ids(engine: Engine, article_ids: list[int]) -> list[int]:
    with Session(engine) as session:
        return [c.id for a in article_ids for c in claims.list_claims(session, a)]  # type: ignore[misc]


def _start_worker(name: str, *arguments: object) -> subprocess.Popen[str]:
    """A reviewer process of `tests.reliability_workers`, in its own interpreter."""
    return subprocess.Popen(
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-m",
            "tests.reliability_workers",
            name,
            json.dumps(arguments),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _worker_result(process: subprocess.Popen[str], timeout: float = 600) -> Any:
    """The worker's JSON result; its exit code and stderr if it failed or died."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    assert process.returncode == 0, f"worker exited with {process.returncode}:\n{err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])


# ---------------------------------------------------------------- 1. concurrent reviewers


def test_concurrent_reviewers_lose_nothing(db_url: str, demo_text: str) -> None:
    """4 processes on SQLite, 8 on PostgreSQL, each saving 500 assessments (re-editing each
    claim's many times) and changing claim kinds on the same two articles."""
    engine = make_engine(db_url)
    first = _import(engine, demo_text)
    second = _import(engine, demo_text.replace("Stubb", "Niinistö"), outlet="Reuters")
    claim_ids = _claim_ids(engine, [first, second])
    workers = 4 if db_url.startswith("sqlite") else 8
    names = [f"reviewer{i}" for i in range(workers)]

    processes = [
        _start_worker("rate_many", db_url, name, claim_ids, SAVES_PER_REVIEWER) for name in names
    ]
    # Any error a writer saw ("database is locked", serialisation…) fails the test.
    last_steps = {
        name: {int(claim): step for claim, step in _worker_result(process).items()}
        for name, process in zip(names, processes, strict=True)
    }

    with Session(engine) as session:
        rows = session.exec(
            select(Reviewer.name, Assessment).join(
                Assessment, Assessment.reviewer_id == Reviewer.id
            )
        ).all()
        per_pair = Counter((name, a.claim_id) for name, a in rows)
        assert max(per_pair.values()) == 1, "an assessment was stored twice"
        for name, assessment in rows:
            expected_step = last_steps[name][assessment.claim_id]
            assert assessment.notes == f"{name}:{expected_step}", "the last write must win"
        assert {name for name, _ in rows} == set(names)
        assert len(rows) == sum(len(steps) for steps in last_steps.values())
        hops = Counter(session.exec(select(ChainHopRow.assessment_id, ChainHopRow.position)).all())
        assert len(hops) == 4 * len(rows) and max(hops.values()) == 1
        report = agreement_report(ratings_from_db(session))
    assert report["source_reliability"]["reviewers"] == workers
    rated_by_several = sum(
        1 for count in Counter(a.claim_id for _, a in rows).values() if count >= 2
    )
    assert report["source_reliability"]["units"] == rated_by_several
    engine.dispose()


# ---------------------------------------------------------------- 2. crash safety


def _batch_folder(folder: Path, count: int) -> list[str]:
    """`count` distinct articles as .txt files; returns their texts."""
    folder.mkdir()
    base = DEMO_TEXT.read_text(encoding="utf-8")
    texts = []
    for number in range(count):
        text = base.replace("Stubb", f"Stubb-{number}") + f"\n\nArticle number {number} ends.\n"
        (folder / f"article-{number:03}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def _cli(db: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "factcheck", "--db", db, *args]


def _wait_for_rows(
    path: Path, table: str, at_least: int, deadline: float, what: str = "count(*)"
) -> None:
    """Wait until writers have committed something, so a kill or a backup lands mid-work."""
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(path, timeout=5) as connection:
                if connection.execute(f"SELECT {what} FROM {table}").fetchone()[0] >= at_least:
                    return
        except sqlite3.Error:
            pass
        time.sleep(0.02)


def test_batch_import_killed_at_random_points_leaves_whole_articles(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    texts = _batch_folder(folder, 120)  # enough that a kill lands mid-batch with workers
    path = tmp_path / "crash.db"
    db = f"sqlite:///{path}"
    make_engine(db).dispose()
    rng = random.Random(20251125)
    for run in range(3):
        process = subprocess.Popen(
            _cli(db, "import", str(folder), "--recursive", "--json"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_rows(path, "article", 1 + run * 5, time.monotonic() + 60)
        time.sleep(rng.uniform(0.0, 0.3))
        process.send_signal(signal.SIGKILL)
        process.wait()

        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        engine = make_engine(db)
        with Session(engine) as session:
            stored = session.exec(select(Article)).all()
            assert len(stored) < len(texts), "the kill should land before the batch ends"
            for article in stored:
                count = session.exec(
                    select(func.count()).select_from(Claim).where(Claim.article_id == article.id)
                ).one()
                assert count == len(split_into_claims(article.text).claims), article.title
        engine.dispose()

    finished = subprocess.run(
        _cli(db, "import", str(folder), "--recursive"), capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr
    assert "duplicates skipped" in finished.stderr
    engine = make_engine(db)
    with Session(engine) as session:
        stored_texts = sorted(a.text for a in session.exec(select(Article)).all())
    engine.dispose()
    assert len(stored_texts) == len(texts)
    assert len(set(stored_texts)) == len(texts)


def _children(pid: int) -> list[int]:
    """The pids of a process's children, from /proc (Linux)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_killed_import_leaves_no_worker_processes(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    _batch_folder(folder, 120)
    path = tmp_path / "orphans.db"
    db = f"sqlite:///{path}"
    make_engine(db).dispose()
    process = subprocess.Popen(
        _cli(db, "import", str(folder), "--recursive"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_rows(path, "article", 3, time.monotonic() + 60)
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert workers, "a batch of 120 files should be split by worker processes"
    deadline = time.monotonic() + 20
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if _running(pid)], "workers outlived the killed import"


def _rated_project(path: Path, reviewers: int) -> None:
    """A project with many ratings, quickly: one article rated by `reviewers` reviewers
    through the services, then its rows copied in bulk under more articles."""
    db = f"sqlite:///{path}"
    engine = make_engine(db)
    article_id = _import(engine, DEMO_TEXT.read_text(encoding="utf-8"))
    claim_ids = _claim_ids(engine, [article_id])
    engine.dispose()
    for number in range(reviewers):
        rate_many(db, f"bulk{number}", claim_ids, len(claim_ids))
    with sqlite3.connect(path) as connection:
        for copy in range(1, 40):
            connection.execute(
                "INSERT INTO article (title, outlet, text, content_hash, created_at) "
                "SELECT title || ?, outlet, text, content_hash || ?, created_at FROM article "
                "WHERE id = ?",
                (f" #{copy}", f"-{copy}", article_id),
            )
            new_article = connection.execute("SELECT max(id) FROM article").fetchone()[0]
            connection.execute(
                'INSERT INTO claim (article_id, position, start, "end", text, kind, dropped, '
                'updated_at) SELECT ?, position, start, "end", text, kind, dropped, updated_at '
                "FROM claim WHERE article_id = ?",
                (new_article, article_id),
            )
            connection.execute(
                "INSERT INTO assessment (claim_id, reviewer_id, is_final, attribution_type, "
                "speaker, cue, source_reliability, information_credibility, translated, "
                "corroborated, notes, needs_review, created_at, updated_at) "
                "SELECT n.id, a.reviewer_id, a.is_final, a.attribution_type, a.speaker, a.cue, "
                "a.source_reliability, a.information_credibility, a.translated, "
                "a.corroborated, a.notes, a.needs_review, a.created_at, a.updated_at "
                "FROM assessment a JOIN claim o ON o.id = a.claim_id "
                "JOIN claim n ON n.article_id = ? AND n.start = o.start "
                "WHERE o.article_id = ?",
                (new_article, article_id),
            )


def test_export_killed_midway_leaves_no_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "export.db"
    _rated_project(path, reviewers=6)
    out = tmp_path / "ratings.csv"
    process = subprocess.Popen(
        _cli(f"sqlite:///{path}", "export", "--format", "csv", "--out", str(out)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(tmp_path.glob(".ratings.csv.*")):
        time.sleep(0.005)
    assert list(tmp_path.glob(".ratings.csv.*")), "the export never started writing"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not out.exists(), "a killed export must not leave a file under the final name"

    finished = subprocess.run(
        _cli(f"sqlite:///{path}", "export", "--format", "csv", "--out", str(out)),
        capture_output=True,
        text=True,
    )
    assert finished.returncode == 0, finished.stderr
    with sqlite3.connect(path) as connection:
        expected = connection.execute("SELECT count(*) FROM assessment").fetchone()[0]
    with out.open(encoding="utf-8", newline="") as handle:
        import csv

        assert sum(1 for _ in csv.reader(handle)) == expected + 1


# ---------------------------------------------------------------- 7. backups and upgrades


def test_backup_while_reviewers_work_is_consistent(tmp_path: Path, demo_text: str) -> None:
    path = tmp_path / "live.db"
    db = f"sqlite:///{path}"
    engine = make_engine(db)
    claim_ids = _claim_ids(engine, [_import(engine, demo_text)])
    engine.dispose()
    stop = tmp_path / "stop"
    writers = [_start_worker("keep_saving", db, f"w{i}", claim_ids, str(stop)) for i in range(2)]
    try:
        # Both writers under way (each has saved), so the backup runs while they write.
        _wait_for_rows(
            path, "assessment", 2, time.monotonic() + 120, what="count(DISTINCT reviewer_id)"
        )
        backup = tmp_path / "backup.db"
        result = subprocess.run(
            _cli(db, "backup", str(backup)), capture_output=True, text=True, timeout=120
        )
    finally:
        stop.touch()
    saved = [_worker_result(w, timeout=120) for w in writers]
    assert result.returncode == 0, result.stderr
    assert all(count > 0 for count in saved)
    with sqlite3.connect(backup) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rated = connection.execute("SELECT count(*) FROM assessment").fetchone()[0]
        # A consistent copy: every assessment it holds has its whole chain.
        partial = connection.execute(
            "SELECT count(*) FROM assessment a WHERE "
            "(SELECT count(*) FROM chain_hop h WHERE h.assessment_id = a.id) != 4"
        ).fetchone()[0]
    assert rated > 0
    assert partial == 0
    copy = make_engine(f"sqlite:///{backup}")
    with Session(copy) as session:
        assert len(claims.list_claims(session, 1)) == len(claim_ids)
    copy.dispose()


def test_backup_refuses_to_overwrite_without_confirmation(tmp_path: Path, demo_text: str) -> None:
    db = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(db)
    _import(engine, demo_text)
    engine.dispose()
    target = tmp_path / "backup.db"
    target.write_text("precious")
    result = subprocess.run(_cli(db, "backup", str(target)), capture_output=True, text=True)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "exists" in result.stderr
    assert target.read_text() == "precious"


def _table_rows(path: Path, columns: dict[str, list[str]]) -> dict[str, list]:
    """Every row of every table, by the given column names."""
    with sqlite3.connect(path) as connection:
        return {
            table: connection.execute(
                "SELECT " + ", ".join(f'"{c}"' for c in names) + f" FROM {table} ORDER BY id"
            ).fetchall()
            for table, names in columns.items()
        }


def _columns(path: Path) -> dict[str, list[str]]:
    with sqlite3.connect(path) as connection:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'"
        ).fetchall()
        return {
            table: [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
            for (table,) in tables
        }


def test_database_of_the_first_release_upgrades_with_every_row_kept(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE_0001, path)
    old_columns = _columns(path)
    before = _table_rows(path, old_columns)
    assert len(before["assessment"]) == 12 and len(before["chain_hop"]) == 48

    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        notes = sorted(a.notes for a in session.exec(select(Assessment)).all())
        chain = session.exec(
            select(ChainHopRow.name).order_by(ChainHopRow.assessment_id, ChainHopRow.position)
        ).all()[:4]
    engine.dispose()
    assert _rows_but_name_keys(_table_rows(path, old_columns)) == _rows_but_name_keys(before)
    assert notes[0] == "ana on claim 1"
    assert chain == ["Alexander Stubb", "Finnish media", "Reuters", "ZeroHedge"]
    with sqlite3.connect(path) as connection:
        version = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert version == _head_revision()


def _rows_but_name_keys(tables: dict[str, list]) -> dict[str, list]:
    """The rows with the registry's stored keys left out: migration 0005 recomputes them with
    the one name key, and so drops an alias that now repeats another alias's key of the same
    source ("Telegraph" beside "The Telegraph")."""
    from factcheck.domain.names import name_key

    rows = {name: rows for name, rows in tables.items() if name not in ("source", "source_alias")}
    rows["source"] = [row[:2] + row[3:] for row in tables["source"]]  # id, name, (key), ...
    seen: set[tuple[int, str]] = set()
    rows["source_alias"] = []
    for alias_id, source_id, alias, _key in tables["source_alias"]:
        if (source_id, name_key(alias)) not in seen:
            seen.add((source_id, name_key(alias)))
            rows["source_alias"].append((alias_id, source_id, alias))
    return rows


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from factcheck.store.engine import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()  # type: ignore[return-value]
