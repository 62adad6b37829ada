"""`factcheck import --url`: pages served by a local http.server on 127.0.0.1 (no test reaches
the internet); the body and metadata are extracted, the fetched HTML and the fetch time are
kept with the article, and bad answers are one-line errors with nothing stored."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from factcheck.store.engine import make_engine
from factcheck.store.models import Article
from tests.cli.test_cli import Cli

STORY = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>NATO troops in Ukraine? Leaders split | Example Daily</title>
<link rel="canonical" href="https://news.example.org/2025/09/05/nato-troops">
<meta property="og:title" content="NATO troops in Ukraine? Leaders split">
<meta property="og:site_name" content="Example Daily">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2025-09-05T09:20:00+00:00">
</head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>NATO troops in Ukraine? Leaders split</h1>
<p>Finnish President Alexander Stubb told Finnish media that any deployment would need a
ceasefire first, according to Reuters.</p>
<p>“If any troops appear there, especially now, during military operations, we will consider
them legitimate targets,” Vladimir Putin said on Friday, according to a state media
translation.</p>
<p>Some analysts said the remarks were aimed at European capitals rather than Washington, and
that talks would continue next week in Geneva.</p>
</article>
<footer>Copyright Example Daily. Read More.</footer>
</body>
</html>
"""
PLAIN_PAGE = """<html><head><title>Council vote</title></head><body><article>
<p>The council voted on Tuesday to close the old bridge for repairs, the mayor said.</p>
<p>Work is expected to take six months, according to a statement from the city.</p>
</article></body></html>"""

ROUTES: dict[str, tuple[int, str, bytes, dict[str, str]]] = {
    "/news/story.html": (200, "text/html; charset=utf-8", STORY.encode("utf-8"), {}),
    "/old-link": (301, "text/html", b"", {"Location": "/council"}),
    "/council": (200, "text/html", PLAIN_PAGE.encode("utf-8"), {}),
    "/feed.json": (200, "application/json", b'{"not": "a page"}', {}),
    "/latin1": (
        200,
        "text/html; charset=iso-8859-1",
        "<html><body><p>Le ministre a déclaré que la réforme entrera en vigueur en mai, "
        "selon l'agence.</p></body></html>".encode("latin-1"),
        {},
    ),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server calls it by this name
        status, content_type, body, headers = ROUTES.get(
            self.path, (404, "text/html", b"<h1>Not found</h1>", {})
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture
def allow_local(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """These tests serve their pages on 127.0.0.1, which a shared server refuses to fetch
    (tests/interchange/test_web_ssrf.py proves the refusal)."""
    from factcheck.config import get_settings

    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_URLS", "1")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("FACTCHECK_ALLOW_PRIVATE_URLS")
    get_settings.cache_clear()


@pytest.fixture
def site(allow_local: None) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def stored(db_url: str) -> list[Article]:
    engine = make_engine(db_url)
    with Session(engine) as session:
        articles = list(session.execute(select(Article).order_by(Article.id)).scalars())
    engine.dispose()
    return articles


def test_import_url_extracts_metadata_and_keeps_html_and_fetch_time(db_url: str, site: str) -> None:
    run = Cli(db_url)
    before = datetime.now(UTC)
    imported = run.json("import", "--url", f"{site}/news/story.html")
    after = datetime.now(UTC)
    assert len(imported) == 1 and set(imported[0]) == {"article_id", "title", "claims"}
    assert imported[0]["title"] == "NATO troops in Ukraine? Leaders split"
    assert imported[0]["claims"] >= 3
    (article,) = stored(db_url)
    assert article.author == "Jane Reporter"
    assert article.outlet == "Example Daily"
    assert article.published_at == "2025-09-05"
    assert article.url == "https://news.example.org/2025/09/05/nato-troops"  # canonical
    assert article.source_file == f"{site}/news/story.html"
    assert article.html == STORY  # the page as fetched, markup and all
    fetched = article.fetched_at
    assert fetched is not None
    fetched = fetched if fetched.tzinfo else fetched.replace(tzinfo=UTC)
    assert before <= fetched <= after
    assert "Read More" not in article.text and "Home" not in article.text
    assert "Vladimir Putin said on Friday" in article.text

    # Fetching the same page again is reported, not duplicated.
    run.fails("import", "--url", f"{site}/news/story.html", message="already imported")
    assert len(stored(db_url)) == 1


def test_redirects_charset_and_given_metadata(sqlite_url: str, site: str) -> None:
    run = Cli(sqlite_url)
    result = run.ok("import", "--url", f"{site}/old-link", "--outlet", "City Paper")
    assert "fetched" in result.stdout and "HTML kept" in result.stdout
    run.ok("import", "--url", f"{site}/latin1")
    council, french = stored(sqlite_url)
    assert council.url == f"{site}/council"  # no canonical link: the address after redirects
    assert council.outlet == "City Paper"  # what the user says wins over the page
    assert council.title == "Council vote"
    assert "déclaré" in french.text


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "answered HTTP 404"),
        ("/feed.json", "not a web page"),
    ],
)
def test_bad_pages_are_one_line_errors_and_nothing_is_stored(
    db_url: str, site: str, path: str, message: str
) -> None:
    Cli(db_url).fails("import", "--url", f"{site}{path}", message=message)
    assert stored(db_url) == []


def test_unreachable_or_malformed_urls(sqlite_url: str, allow_local: None) -> None:
    run = Cli(sqlite_url)
    run.fails("import", "--url", "ftp://example.org/x", message="is not a web address")
    # Port 9 (discard) on 127.0.0.1: nothing listens there, so the connection is refused.
    run.fails("import", "--url", "http://127.0.0.1:9/", message="could not reach")
    run.fails("import", message="give article files or folders")
    assert stored(sqlite_url) == []


def test_fetched_page_travels_in_the_bundle(sqlite_url: str, site: str, tmp_path: Path) -> None:
    run = Cli(sqlite_url)
    run.ok("import", "--url", f"{site}/news/story.html")
    out = tmp_path / "p.jsonl"
    run.ok("export", "--format", "jsonl", "--out", str(out))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    (article,) = [line for line in lines if line.get("type") == "article"]
    assert article["html"] == STORY and article["fetched_at"].endswith("Z")
