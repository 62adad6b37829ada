"""Performance at newsroom scale: build a synthetic project, measure every hot path, print a table.

    .venv/bin/python bench/scale_bench.py                    # SQLite, default size
    .venv/bin/python bench/scale_bench.py --pg-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/scale_bench.py --articles 1000 --claims 20000 --assessments 50000

Default size: 10,000 articles, 200,000 claims, 500,000 assessments with chains, 20 reviewers
(see bench/scale_data.py). The project is built with bulk inserts in a temporary SQLite file,
and, with `--pg-url`, in a throwaway PostgreSQL database created next to the one the URL
names and dropped at the end. Each line is the median of `--runs` runs unless it says
otherwise, printed with its target and PASS/MISS. `--only` picks some lines (e.g.
`--only rerun,export`); the server line needs /usr/bin/chromium and the `playwright` package.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest's bare-mode warnings
sys.path.insert(0, str(ROOT / "bench"))

from scale_data import Project, Size, build  # noqa: E402

APP = ROOT / "app.py"
ARTICLES_PAGE = "factcheck/ui/pages/articles.py"
ANNOTATE_PAGE = "factcheck/ui/pages/annotate.py"
POLNEAR = ROOT.parent / "shared" / "corpora" / "polnear" / "train" / "text"
LINES = ("rerun", "import", "export", "agreement", "queries", "save", "server")
MB = 1024 * 1024


# ---------------------------------------------------------------- results


@dataclass
class Line:
    name: str
    value: str
    target: str
    ok: bool | None  # None: informational, or skipped

    @property
    def status(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "MISS")


def _ms(seconds: float) -> str:
    if seconds < 0.02:  # reruns of a few milliseconds: the ratios need the tenths
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _timed(work: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


# ---------------------------------------------------------------- machine


def machine_header(pg_version: str | None) -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        total_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{total_kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration):
        ram = "RAM unknown"
    import sqlalchemy
    import streamlit

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    parts = [
        f"CPU: {cpu}, {os.cpu_count()} cores, {ram}; load average at start {load}",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"SQLAlchemy {sqlalchemy.__version__}, Streamlit {streamlit.__version__}"
        + (f", PostgreSQL {pg_version}" if pg_version else ""),
    ]
    return parts


# ---------------------------------------------------------------- databases


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="factcheck-scale-") as folder:
        yield f"sqlite:///{folder}/project.db"


@contextmanager
def pg_database(admin_url: str) -> Iterator[str]:
    """A throwaway database on the server `admin_url` points at, dropped afterwards."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from factcheck.config import normalize_database_url
    from factcheck.store.engine import make_engine

    admin_url = normalize_database_url(admin_url)
    name = f"factcheck_scale_{uuid.uuid4().hex[:8]}"
    admin = make_engine(admin_url, migrate=False).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        from sqlalchemy.pool import NullPool  # noqa: F401  (engines of the run are disposed)

        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pg_server_version(url: str) -> str:
    from sqlalchemy import text

    from factcheck.store.engine import make_engine

    engine = make_engine(url, migrate=False)
    with engine.connect() as connection:
        version = str(connection.execute(text("SHOW server_version")).scalar())
    engine.dispose()
    return version.split()[0]


# ---------------------------------------------------------------- query counting


class QueryCounter:
    """Counts SQL statements sent by every engine of this process while active."""

    def __init__(self) -> None:
        self.count = 0

    def _on_execute(self, *args: Any) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        from sqlalchemy import Engine, event

        event.listen(Engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import Engine, event

        event.remove(Engine, "before_cursor_execute", self._on_execute)


# ---------------------------------------------------------------- 1 + 5: reruns, queries


def _share_script_cache() -> None:
    """A real server compiles each page script once (its Runtime keeps one ScriptCache);
    AppTest builds a new cache per run and recompiles app.py and the page, with Streamlit's
    "magic" AST rewrite, every time. Share one cache so reruns cost what they cost in use."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[attr-defined,misc]
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[attr-defined,misc]


def _use_database(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    from factcheck.config import get_settings

    get_settings.cache_clear()


def _app(project: Project, page: str | None = None) -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.session_state["reviewer_name"] = project.signed_in
    if page == ANNOTATE_PAGE:
        at.session_state["article_id"] = project.big_article_id
    at.run()  # first run: builds the engine, computes the article's suggestions
    if page is not None and page != ARTICLES_PAGE:
        at.switch_page(page)
        at.run()
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception}")
    return at


def minimal_rerun(runs: int) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string('import streamlit as st\nst.button("OK", key="ok")\n')
    at.run()
    return _median(_timed(at.run, runs))


def measure_reruns(url: str, project: Project, runs: int) -> list[Line]:
    _use_database(url)
    floor = minimal_rerun(runs * 2)
    lines = [Line("minimal one-widget app rerun", _ms(floor), "(reference)", None)]
    for label, page in (("Annotate", ANNOTATE_PAGE), ("Articles", ARTICLES_PAGE)):
        at = _app(project, page)
        seconds = _median(_timed(at.run, runs))
        ratio = seconds / floor
        lines.append(
            Line(
                f"{label} page rerun ({'300 claims × 3 reviewers' if page == ANNOTATE_PAGE else f'{project.articles:,} articles'})",
                f"{_ms(seconds)} ({ratio:.1f}× minimal)",
                "≤ 0.3 s, ≤ 4×",
                seconds <= 0.3 and ratio <= 4,
            )
        )
    at = _app(project, ANNOTATE_PAGE)

    def accept() -> None:
        at.button(key="accept_next").click().run()
        if at.exception:
            raise RuntimeError(f"accept and next: {at.exception}")

    seconds = _median(_timed(accept, runs))
    lines.append(
        Line(
            "'Accept and next' rerun (save + next claim)",
            f"{_ms(seconds)} ({seconds / floor:.1f}× minimal)",
            "≤ 0.15 s",
            seconds <= 0.15,
        )
    )
    return lines


def measure_queries(url: str, project: Project) -> list[Line]:
    _use_database(url)
    lines = []
    for label, page in (("Annotate", ANNOTATE_PAGE), ("Articles", ARTICLES_PAGE)):
        at = _app(project, page)
        with QueryCounter() as counter:
            at.run()
        lines.append(
            Line(
                f"SQL statements per {label} page rerun",
                str(counter.count),
                "constant (see tests/ui/test_query_counts.py)",
                None,
            )
        )
    return lines


# ---------------------------------------------------------------- 6: saves


def measure_saves(url: str, project: Project, n: int) -> list[Line]:
    from sqlalchemy import text

    from factcheck.services.assessments import save_assessment
    from factcheck.services.reviewers import get_or_create_reviewer
    from factcheck.store.engine import make_engine, write
    from schemas.records import AssessmentInput
    from schemas.spans import ChainHop

    engine = make_engine(url)
    reviewer = write(engine, lambda s: get_or_create_reviewer(s, "bench saver"))
    with engine.connect() as connection:
        claim_ids = [
            row[0]
            for row in connection.execute(
                text("SELECT id FROM claim WHERE article_id > 1 ORDER BY id LIMIT :n"),
                {"n": n},
            )
        ]
    chain = [
        ChainHop(name="Official 3", kind="official"),
        ChainHop(name="Finnish media", kind="national_media", relation="reported_by"),
        ChainHop(name="Reuters", kind="wire_agency", relation="translated_by"),
        ChainHop(name="ZeroHedge", kind="aggregator", relation="republished_by"),
    ]
    times = []
    # Half inserts, half updates of the same claims (a reviewer revising a grade).
    for round_number, grade in enumerate(("B", "C")):
        data = AssessmentInput(
            attribution_type="indirect",
            speaker="Official 3",
            cue="said",
            chain=chain,
            source_reliability=grade,
            information_credibility=2 + round_number,
            notes="benchmark save",
        )
        for claim_id in claim_ids[: n // 2]:
            started = time.perf_counter()
            write(
                engine,
                lambda s, c=claim_id, d=data: save_assessment(s, c, reviewer, d),
                retry_on_integrity=True,
            )
            times.append(time.perf_counter() - started)
    engine.dispose()
    median = _median(times)
    return [
        Line(
            f"Save an assessment with a 4-hop chain ({len(times)} saves)",
            f"median {_ms(median)}, p95 {_ms(_p95(times))}, {len(times) / sum(times):.0f} saves/s",
            "≤ 10 ms median",
            median <= 0.010,
        )
    ]


# ---------------------------------------------------------------- 3: export (subprocesses)


def _worker(args: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"worker {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_export(url: str, runs: int) -> list[Line]:
    service, floor = [], []
    with tempfile.TemporaryDirectory(prefix="factcheck-export-") as folder:
        for run in range(runs):
            # Alternate, so both see the same cache state on average.
            service.append(_worker(["export", url, f"{folder}/service-{run}.csv"]))
            floor.append(_worker(["export-floor", url, f"{folder}/floor-{run}.csv"]))
        rows = service[0]["rows"]
        size = Path(f"{folder}/service-0.csv").stat().st_size / MB
    seconds = _median([r["seconds"] for r in service])
    floor_seconds = _median([r["seconds"] for r in floor])
    cpu, floor_cpu = _median([r["cpu"] for r in service]), _median([r["cpu"] for r in floor])
    peak = max(r["peak_mb"] for r in service)
    ratio = seconds / floor_seconds
    return [
        Line(
            f"CSV export of {rows:,} assessments ({size:.0f} MB)",
            f"{seconds:.1f} s, {ratio:.2f}× floor ({floor_seconds:.1f} s); CPU {cpu:.1f} s, "
            f"{cpu / floor_cpu:.2f}× floor's {floor_cpu:.1f} s; peak +{peak:.0f} MB",
            "≤ 2× floor, < 300 MB",
            ratio <= 2 and peak < 300,
        )
    ]


def _reset_peak() -> float:
    """Reset the process's peak RSS (Linux ≥ 4.0) and return the current RSS in MB."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def _status_mb(field: str, pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_export(url: str, path: str) -> dict[str, Any]:
    from factcheck.interchange.export import export_csv
    from factcheck.store.engine import make_engine

    engine = make_engine(url)
    before = _reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    rows = export_csv(engine, Path(path))
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "peak_mb": _status_mb("VmHWM") - before,
    }


FLOOR_SQL = """
SELECT ar.id, ar.title, ar.outlet, ar.url, ar.published_at, c.id, c.position, c.start,
       c."end", c.text, c.kind, r.name, a.attribution_type, a.speaker, a.cue,
       h.names, h.kinds, coalesce(h.n, 0),
       a.translated, a.source_reliability, a.information_credibility, a.sourcing_score,
       a.primary_source_url, a.corroborated, a.notes, a.updated_at, a.is_final,
       h.relations, a.corroborated_by, a.needs_review
FROM assessment a
JOIN claim c ON c.id = a.claim_id
JOIN article ar ON ar.id = c.article_id
JOIN reviewer r ON r.id = a.reviewer_id
LEFT JOIN (SELECT assessment_id, {names} AS names, {kinds} AS kinds, count(*) AS n,
                  {relations} AS relations
           FROM (SELECT * FROM chain_hop ORDER BY assessment_id, position) ordered
           GROUP BY assessment_id) h ON h.assessment_id = a.id
ORDER BY ar.id, c.start, c.id, r.name, a.is_final
"""


def _floor_sql(dialect: str) -> str:
    """The floor query: chains aggregated by the database in one grouped pass (faster than a
    correlated subquery per row on both engines, so the floor is as low as it gets)."""
    if dialect == "sqlite":
        agg = "group_concat({}, ' > ')"
    else:
        agg = "string_agg({}, ' > ' ORDER BY position)"
    return FLOOR_SQL.format(
        names=agg.format("name"),
        kinds=agg.format("kind"),
        relations=agg.format("coalesce(relation, '')"),
    )


def worker_export_floor(url: str, path: str) -> dict[str, Any]:
    """The floor: one plain driver query of the same columns, written with csv.writer."""
    import csv

    before = _reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    if url.startswith("sqlite"):
        connection: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
        cursor = connection.execute(_floor_sql("sqlite"))
    else:
        import psycopg

        from factcheck.config import normalize_database_url

        plain = normalize_database_url(url).replace("postgresql+psycopg://", "postgresql://")
        connection = psycopg.connect(plain)
        cursor = connection.cursor(name="floor")  # server-side: streamed
        cursor.itersize = 2000
        cursor.execute(_floor_sql("postgresql"))
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        for row in cursor:
            writer.writerow(row)
            rows += 1
    connection.close()
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "peak_mb": _status_mb("VmHWM") - before,
    }


# ---------------------------------------------------------------- 4: agreement


def measure_agreement(url: str, runs: int) -> list[Line]:
    from factcheck.domain.agreement import agreement_report
    from factcheck.services.agreement_data import ratings_from_db
    from factcheck.store.engine import make_engine, read_session

    engine = make_engine(url)
    count = 0
    load_times, report_times, cpu_times = [], [], []
    for _ in range(runs):
        cpu = time.process_time()
        started = time.perf_counter()
        with read_session(engine) as session:
            ratings = ratings_from_db(session)
        loaded = time.perf_counter()
        agreement_report(ratings)
        load_times.append(loaded - started)
        report_times.append(time.perf_counter() - loaded)
        cpu_times.append(time.process_time() - cpu)
        count = len(ratings)
        del ratings
    engine.dispose()
    load, report = _median(load_times), _median(report_times)
    return [
        Line(
            f"Agreement over the whole project ({count:,} ratings)",
            f"{load + report:.2f} s (load {load:.2f} s + report {report:.2f} s; "
            f"CPU {_median(cpu_times):.2f} s)",
            "≤ 5 s",
            load + report <= 5,
        )
    ]


# ---------------------------------------------------------------- 2: import + split + suggest


def measure_import(url: str, limit: int | None) -> list[Line]:
    """The product's own path, end to end: `import_many` per outlet (as `factcheck import
    FOLDER --recursive --outlet NAME` runs it, workers included), then each imported
    article's suggestions as the Annotate page computes them on opening it."""
    name = "Import + split + suggest PolNeAR train"
    if not POLNEAR.is_dir():
        return [Line(name, f"skipped: {POLNEAR} not found", "≥ 20 articles/s", None)]
    from factcheck.config import get_settings
    from factcheck.services import workspace as annotation
    from factcheck.services.articles import get_article, read_article_file
    from factcheck.services.batch import BatchSummary, import_many
    from factcheck.services.claims import list_claims
    from factcheck.store.engine import make_engine, read_session
    from schemas.records import ArticleMeta

    files = sorted(POLNEAR.glob("*.txt"))[:limit]
    by_outlet: dict[str, list[Path]] = {}
    for path in files:
        by_outlet.setdefault(path.name.split("_", 1)[0], []).append(path)
    engine = make_engine(url)
    max_bytes = get_settings().factcheck_max_bytes
    total = BatchSummary()
    started = time.perf_counter()
    for outlet, paths in by_outlet.items():
        items = [(p.name, partial(read_article_file, p, max_bytes)) for p in paths]
        summary = import_many(engine, items, ArticleMeta(outlet=outlet))
        total.imported += summary.imported
        total.duplicates += summary.duplicates
        total.failed += summary.failed
    imported_at = time.perf_counter()
    with read_session(engine) as session:
        directory = annotation.suggestion_directory(session)  # once for the batch
    for record in total.imported:
        with read_session(engine) as session:
            article = get_article(session, record.article_id)
            claims = list_claims(session, record.article_id)
            annotation.suggest_for_claims(session, article, claims, directory=directory)
    finished = time.perf_counter()
    engine.dispose()
    seconds = finished - started
    rate = len(files) / seconds
    note = f", {len(total.duplicates)} duplicates" if total.duplicates else ""
    note += f", {len(total.failed)} failed" if total.failed else ""
    return [
        Line(
            f"{name} ({len(files)} articles{note})",
            f"{rate:.1f} articles/s ({seconds:.1f} s: import {imported_at - started:.1f} s, "
            f"suggest {finished - imported_at:.1f} s)",
            "≥ 20 articles/s",
            rate >= 20,
        )
    ]


# ---------------------------------------------------------------- 7: server RSS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tree_rss_mb(pid: int) -> float:
    """RSS of the process and its children (from /proc)."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            total += _status_mb("VmRSS", current)
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pids.extend(int(child) for child in children)
    return total


def measure_server(url: str, project: Project) -> list[Line]:
    from tests.support.server import CHROMIUM, CHROMIUM_ARGS, streamlit_command

    name = "Server RSS after opening every page once"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return [Line(name, "skipped: playwright not installed", "< 350 MB", None)]
    if not Path(CHROMIUM).exists():
        return [Line(name, f"skipped: {CHROMIUM} not found", "< 350 MB", None)]
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url}
    server = subprocess.Popen(
        streamlit_command(port, "--server.fileWatcherType", "none"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    readings: list[tuple[str, float]] = []
    try:
        _wait_for(f"{base}/_stcore/health", server)
        readings.append(("started", _tree_rss_mb(server.pid)))
        reviewer = f"reviewer={project.signed_in}"
        pages = [
            ("Articles", f"{base}/?{reviewer}", "Articles"),
            ("Annotate", f"{base}/annotate?{reviewer}&article={project.big_article_id}", None),
            ("Sources", f"{base}/sources?{reviewer}", "Sources"),
            ("Export", f"{base}/export?{reviewer}", "Export"),
        ]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            for label, address, heading in pages:
                page.goto(address, timeout=120_000)
                if heading:
                    page.get_by_role("heading", name=heading).first.wait_for(timeout=120_000)
                else:
                    page.get_by_text("Accept and next").first.wait_for(timeout=120_000)
                _wait_idle(page)
                readings.append((label, _tree_rss_mb(server.pid)))
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    peak = max(rss for _, rss in readings)
    detail = ", ".join(f"{label} {rss:.0f}" for label, rss in readings)
    return [Line(name, f"{peak:.0f} MB ({detail})", "< 350 MB", peak < 350)]


def _wait_for(address: str, server: subprocess.Popen[bytes]) -> None:
    import urllib.request

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited: {server.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(address, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not start within 120 s")


def _wait_idle(page: Any) -> None:
    """Until the script run is over (Streamlit shows a status widget while running)."""
    deadline = time.monotonic() + 120
    time.sleep(0.5)
    while time.monotonic() < deadline:
        if not page.locator('[data-testid="stStatusWidget"]').count():
            break
        time.sleep(0.2)
    time.sleep(1.0)


# ---------------------------------------------------------------- driver


def run_engine(label: str, url: str, args: argparse.Namespace, size: Size) -> list[Line]:
    from factcheck.store.engine import make_engine

    wanted = set(args.only.split(",")) if args.only else set(LINES)
    print(f"[{label}] building the project…", file=sys.stderr)
    started = time.perf_counter()
    engine = make_engine(url)
    project = build(engine, size, log=lambda *a, **k: print(*a, file=sys.stderr, **k))
    engine.dispose()
    built = time.perf_counter() - started
    print(
        f"[{label}] built in {built:.0f} s: {project.articles:,} articles, "
        f"{project.claims:,} claims, {project.assessments:,} assessments, "
        f"{project.hops:,} chain hops",
        file=sys.stderr,
    )
    steps: list[tuple[str, Callable[[], list[Line]]]] = [
        ("save", lambda: measure_saves(url, project, args.saves)),
        ("rerun", lambda: measure_reruns(url, project, args.runs)),
        ("queries", lambda: measure_queries(url, project)),
        ("export", lambda: measure_export(url, args.export_runs)),
        ("agreement", lambda: measure_agreement(url, args.agreement_runs)),
        ("server", lambda: measure_server(url, project)),
        ("import", lambda: measure_import(url, args.import_limit)),
    ]
    results: dict[str, list[Line]] = {}
    for key, step in steps:
        if key not in wanted:
            continue
        print(f"[{label}] measuring {key}…", file=sys.stderr)
        try:
            results[key] = step()
        except Exception as error:  # one failing line must not hide the others
            results[key] = [Line(key, f"error: {type(error).__name__}: {error}"[:200], "", False)]
    order = ("rerun", "import", "export", "agreement", "queries", "save", "server")
    return [line for key in order for line in results.get(key, [])]


def print_table(title: str, header: list[str], lines: list[Line]) -> None:
    print(f"\n## {title}\n")
    for part in header:
        print(f"{part}  ")
    print()
    print("| measure | result | target | |")
    print("|---|---|---|---|")
    for line in lines:
        print(f"| {line.name} | {line.value} | {line.target} | {line.status} |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--assessments", type=int, default=500_000)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=15, help="Runs per rerun timing (median).")
    parser.add_argument("--export-runs", type=int, default=3)
    parser.add_argument("--agreement-runs", type=int, default=3)
    parser.add_argument("--saves", type=int, default=200, help="Saves timed (half updates).")
    parser.add_argument("--import-limit", type=int, default=None, help="PolNeAR files (all).")
    parser.add_argument("--pg-url", help="PostgreSQL server to also run on (throwaway database).")
    parser.add_argument("--no-sqlite", action="store_true", help="Only PostgreSQL.")
    parser.add_argument("--only", help=f"Comma-separated subset of: {', '.join(LINES)}.")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        kind, url, path = args.worker
        work = worker_export if kind == "export" else worker_export_floor
        print(json.dumps(work(url, path)))
        return

    _share_script_cache()
    size = Size(args.articles, args.claims, args.assessments, args.reviewers, args.seed)
    size.check()
    pg_version = pg_server_version(args.pg_url) if args.pg_url else None
    header = [
        *machine_header(pg_version),
        f"Project: {size.articles:,} articles, {size.claims:,} claims, "
        f"{size.assessments:,} assessments with chains, {size.reviewers} reviewers "
        f"(seed {size.seed}); timings are medians of {args.runs} reruns, "
        f"{args.export_runs} exports, {args.agreement_runs} agreement runs; AppTest reruns "
        "reuse compiled page scripts, as a running server does",
    ]
    if not args.no_sqlite:
        with sqlite_database() as url:
            lines = run_engine("sqlite", url, args, size)
        print_table("SQLite", header, lines)
    if args.pg_url:
        with pg_database(args.pg_url) as url:
            lines = run_engine("postgres", url, args, size)
            from factcheck.ui.common import forget_engines

            forget_engines()  # let the database be dropped
        print_table(f"PostgreSQL {pg_version}", header, lines)


if __name__ == "__main__":
    main()
