"""Importing an article from a web page: fetch with the standard library (no new dependency),
extract the body and metadata with the same reader as uploaded .html files, and keep the
fetched HTML and the fetch time with the article, so every claim can be traced to the page
as it was even after the page changes."""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
from datetime import UTC, datetime
from email.message import Message
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from sqlalchemy import Engine

from factcheck.domain.textio import DecodedArticle, decode_article
from factcheck.errors import InputError
from factcheck.services.articles import import_text, meta_for
from factcheck.store.engine import write
from factcheck.store.models import Article
from schemas.records import ArticleMeta

DEFAULT_MAX_BYTES = 5_000_000
USER_AGENT = "factcheck/0.1 (+article import; one request per article)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
SOURCE_FILE_MAX = 500


def _check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{url or 'the URL'} is not a web address (http:// or https://)")
    return url


def _charset(headers: Message) -> str | None:
    charset = headers.get_content_charset()
    if not charset:
        return None
    try:
        "".encode(charset)
    except LookupError:
        return None
    return charset


def fetch_article(
    url: str, timeout: float = 20, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[DecodedArticle, str, datetime]:
    """(article, HTML as fetched, fetch time in UTC) for a web page.

    The article's `url` is the page's canonical URL when it declares one, else the address
    after redirects. Unreachable hosts, HTTP errors, non-HTML answers and pages over
    `max_bytes` raise InputError with a one-line message."""
    url = _check_url(url)
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            fetched_at = datetime.now(UTC)
            final_url = response.geturl() or url
            content_type = response.headers.get_content_type()
            if content_type not in HTML_TYPES:
                raise InputError(f"{url} is {content_type}, not a web page (HTML)")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise InputError(
                    f"{url} is {int(declared):,} bytes, over the {max_bytes:,}-byte limit"
                )
            data = response.read(max_bytes + 1)
            charset = _charset(response.headers)
    except urllib.error.HTTPError as error:
        raise InputError(f"{url} answered HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise InputError(f"could not reach {url}: {_reason(error.reason)}") from None
    except TimeoutError:
        raise InputError(f"could not reach {url}: no answer within {timeout:g} s") from None
    except OSError as error:
        raise InputError(f"could not reach {url}: {_reason(error)}") from None
    if len(data) > max_bytes:
        raise InputError(f"{url} is over the {max_bytes:,}-byte limit for one article")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        # The server said how the page is encoded; trust it over guessing.
        with contextlib.suppress(UnicodeDecodeError):
            data = data.decode(charset).encode("utf-8")
    decoded = decode_article(data, _page_name(final_url), max_bytes=max_bytes * 2)
    html = decoded.html if decoded.html is not None else data.decode("utf-8", "replace")
    decoded.url = decoded.url if _is_web_url(decoded.url) else final_url
    return decoded, html, fetched_at


def _is_web_url(value: str | None) -> bool:
    return bool(value) and urlsplit(value or "").scheme in ("http", "https")


def _reason(reason: object) -> str:
    text = str(getattr(reason, "strerror", None) or reason)
    return text.splitlines()[0] if text else "connection failed"


def _page_name(url: str) -> str:
    """A file-like name for messages; always .html so the HTML reader is used."""
    parts = urlsplit(url)
    stem = PurePosixPath(parts.path).name or parts.netloc
    return f"{PurePosixPath(stem).stem or parts.netloc}.html"


def import_url(
    engine: Engine,
    url: str,
    meta: ArticleMeta | None = None,
    *,
    timeout: float = 20,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Fetch a page and store it as an article (split into claims) with its HTML and fetch
    time; what `meta` says wins over what the page says. Refuses a page already imported."""
    decoded, html, fetched_at = fetch_article(url, timeout=timeout, max_bytes=max_bytes)
    merged = meta_for(decoded, meta or ArticleMeta())
    return write(
        engine,
        lambda session: import_text(
            session,
            decoded.text,
            merged,
            source_file=url[:SOURCE_FILE_MAX],
            html=html,
            fetched_at=fetched_at,
        ),
    )
