"""Worst cases of `factcheck import`: files under the size limit built to be slow.

    .venv/bin/python bench/import_limits.py                  # every input, 120 s each at most
    .venv/bin/python bench/import_limits.py --only md,html   # inputs whose name has md or html
    .venv/bin/python bench/import_limits.py --pg-url postgresql+psycopg://postgres@127.0.0.1/test

Each input is written to a temporary folder and imported by the real command (`python -m
factcheck --db URL import FILE`, a fresh SQLite file per input; with `--pg-url`, a throwaway
PostgreSQL database created on that server and dropped at the end) in a child process, so
start-up is included. The
table gives the wall time, the child's CPU time, the exit status and the first line the
command printed. The promise (README, "Bounded work per request"): each finishes in under
30 s, imported or refused with one line. An input that needs longer is stopped at
`--timeout` and shown as such.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 4_999_000  # bytes: under the default FACTCHECK_MAX_BYTES (5,000,000)
TARGET_SECONDS = 30.0


def fill(unit: str, head: str = "", tail: str = "") -> bytes:
    """`unit` repeated to just under the size limit (UTF-8), between `head` and `tail`."""
    room = LIMIT - len(head.encode()) - len(tail.encode())
    return (head + unit * (room // len(unit.encode())) + tail).encode()


def nested(open_tag: str, close_tag: str, inner: str = "Deep text.") -> bytes:
    depth = (LIMIT - 40) // (len(open_tag) + len(close_tag))
    return f"<html><body>{open_tag * depth}{inner}{close_tag * depth}</body></html>".encode()


# name (its suffix picks the reader), how to build the bytes, what the input is
INPUTS: list[tuple[str, Callable[[], bytes], str]] = [
    ("lines.txt", lambda: ("The man said it today.\n" * 200_000).encode(), "200,000 sentences"),
    ("under-cap.txt", lambda: ("The man said it today.\n" * 4_999).encode(), "4,999 sentences"),
    (
        "long-sentences.txt",
        lambda: fill("The man said " + "it again and again " * 260 + "today.\n"),
        "~1,000 sentences of ~5 kB",
    ),
    ("one-line-no-punct.txt", lambda: fill("word "), "one 5 MB line, no punctuation"),
    ("a-dot-space.txt", lambda: fill("a. "), '"a. " repeated: initials, one sentence'),
    ("go-dot-space.txt", lambda: fill("Go. "), '"Go. " repeated: 1.2M sentences, one line'),
    ("a-dot-lines.txt", lambda: fill("a.\n"), '"a." on 1.6M lines'),
    ("wrapped-lines.txt", lambda: fill("a\n", head="Headline\n"), "2.5M hard-wrapped lines"),
    ("furniture.txt", lambda: fill("Share\n"), "830k lines of page furniture"),
    ("quotes-100k.txt", lambda: ('"' * 100_000).encode(), "100k quotation marks"),
    ("quotes-5mb.txt", lambda: fill('"'), "5M quotation marks"),
    ("curly-quotes.txt", lambda: fill("“"), "1.6M opening curly quotes"),
    ("quoted-sentences.txt", lambda: fill('"Go." '), "800k quoted sentences, one line"),
    ("paragraph-4k.txt", lambda: fill("Go. " * 999 + "Go.\n\n"), "pysbd-sized paragraphs"),
    ("small-pysbd.txt", lambda: ("Go. " * 999 + "Go.\n\n").encode() * 70, "290 kB, pysbd"),
    (
        "low-quotes.txt",
        lambda: ("„" + "Go.. " * 798 + "“\n\n").encode() * 74,
        "295 kB: 74 „quotes“ of 800 sentences, pysbd",
    ),
    ("nested-div.html", lambda: nested("<div>", "</div>"), "<div> nested 450k deep"),
    ("nested-b.html", lambda: nested("<b>", "</b>"), "<b> nested 700k deep"),
    ("open-divs.html", lambda: fill("<div>", head="<html><body>"), "1M unclosed <div>"),
    (
        "flat-paragraphs.html",
        lambda: fill("<p>The man said it today.</p>\n", head="<html><body>"),
        "160k <p> sentences",
    ),
    (
        "table.html",
        lambda: fill("<tr><td>a</td><td>b</td></tr>", head="<html><body><table>"),
        "170k table rows",
    ),
    ("brs.html", lambda: fill("x<br>", head="<html><body><p>"), "1M <br>"),
    ("less-than.html", lambda: fill("<"), '5M "<"'),
    ("unclosed-attributes.html", lambda: ('<a b="' * 20_000).encode(), '120 kB of <a b="'),
    ("unclosed-attributes-5mb.html", lambda: fill('<a b="'), '5 MB of <a b="'),
    ("unclosed-comments.html", lambda: fill("<!--"), '5 MB of "<!--"'),
    ("unclosed-tags.html", lambda: fill("<a"), '5 MB of "<a"'),
    ("md-bold.md", lambda: fill("**a "), '"**a " repeated (unclosed bold)'),
    ("md-italic.md", lambda: fill("*a "), '"*a " repeated'),
    ("md-underscore.md", lambda: fill("_a "), '"_a " repeated'),
    ("md-strike.md", lambda: fill("~~a "), '"~~a " repeated'),
    ("md-brackets.md", lambda: fill("["), '5M "["'),
    ("md-link.md", lambda: fill("[a]("), '"[a](" repeated (unclosed links)'),
    ("md-image.md", lambda: fill("![a"), '"![a" repeated'),
    ("md-autolink.md", lambda: fill("<http:"), '"<http:" repeated'),
    ("md-headings.md", lambda: fill("# a\n"), "1.2M headings"),
    ("md-heading-spaces.md", lambda: fill(" ", head="# a", tail="b"), "a heading of 5M spaces"),
    ("md-emphasis-lines.md", lambda: fill("*a*\n"), "1.2M emphasised lines"),
]


@dataclass
class Result:
    name: str
    size: int
    seconds: float
    cpu: float
    status: str
    said: str


def run_one(name: str, data: bytes, folder: Path, url: str | None, timeout: float) -> Result:
    path = folder / name
    path.write_bytes(data)
    db = url or f"sqlite:///{folder / (name + '.db')}"
    command = [sys.executable, "-m", "factcheck", "--db", db, "import", str(path)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        status = str(done.returncode)
        lines = (done.stdout + done.stderr).strip().splitlines()
        said = lines[0] if lines else ""
    except subprocess.TimeoutExpired:
        status, said = "timeout", f"still running after {timeout:.0f} s: stopped"
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    path.unlink()
    return Result(name, len(data), seconds, cpu, status, said)


@contextmanager
def pg_database(server_url: str) -> Iterator[str]:
    """A throwaway database (migrated) on the server `server_url` points at, dropped after."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from factcheck.config import normalize_database_url
    from factcheck.store.engine import make_engine

    server_url = normalize_database_url(server_url)
    name = f"factcheck_limits_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server_url, migrate=False).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        make_engine(url).dispose()  # migrated once, not in the first input's time
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated parts of input names")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per input")
    parser.add_argument("--pg-url", help="import into a throwaway database on this server")
    args = parser.parse_args()
    wanted = [w.strip() for w in (args.only or "").split(",") if w.strip()]
    chosen = [i for i in INPUTS if not wanted or any(w in i[0] for w in wanted)]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, target < {TARGET_SECONDS} s")
    print()
    print("| input | what | bytes | wall s | CPU s | exit | first line printed |")
    print("|---|---|---:|---:|---:|---|---|")
    slow = 0
    database = pg_database(args.pg_url) if args.pg_url else nullcontext(None)
    with database as url, tempfile.TemporaryDirectory(prefix="import-limits-") as tmp:
        for name, build, what in chosen:
            result = run_one(name, build(), Path(tmp), url, args.timeout)
            slow += result.seconds >= TARGET_SECONDS or result.status == "timeout"
            said = result.said if len(result.said) <= 110 else result.said[:107] + "..."
            print(
                f"| {name} | {what} | {result.size:,} | {result.seconds:.1f} | "
                f"{result.cpu:.1f} | {result.status} | {said.replace('|', '/')} |",
                flush=True,
            )
    print()
    print(f"{len(chosen) - slow} of {len(chosen)} inputs under {TARGET_SECONDS:.0f} s")
    sys.exit(1 if slow else 0)


if __name__ == "__main__":
    main()
