"""Importing an article from a web page: fetch with the standard library (no new dependency),
extract the body and metadata with the same reader as uploaded .html files, and keep the
fetched HTML and the fetch time with the article, so every claim can be traced to the page
as it was even after the page changes."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import Message
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from sqlalchemy import Engine

from factcheck.config import get_settings
from factcheck.domain.textio import DecodedArticle, decode_article
from factcheck.errors import InputError
from factcheck.services import access
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


# ---------------------------------------------------------------- where a request may go
#
# A server shared by a team fetches pages for whoever asks, so a URL must not reach what only
# the server can reach (its own ports, the cloud metadata address, the office network): every
# address a host name resolves to is checked, at connect time and for every redirect, and the
# connection is made to the checked address itself (a second DNS answer cannot swap it).
# Proxies from the environment are not used (a proxy would make the check meaningless).


def _allow_private() -> bool:
    return get_settings().factcheck_allow_private_urls


def _refused_address(ip: str) -> bool:
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _guarded_connection(
    address: tuple[str, int], timeout: object = None, source_address: object = None
) -> socket.socket:
    """`socket.create_connection`, refusing loopback, private, link-local and other
    non-public addresses (unless FACTCHECK_ALLOW_PRIVATE_URLS=1)."""
    host, port = address
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise OSError(f"cannot resolve {host}: {error.strerror}") from None
    ips = [info[4][0] for info in infos]
    if not _allow_private():
        refused = [ip for ip in ips if _refused_address(str(ip))]
        if refused:
            raise InputError(
                f"{host} resolves to a private or local address ({refused[0]}): refused "
                "(FACTCHECK_ALLOW_PRIVATE_URLS=1 allows it on a machine of your own)"
            )
    last: OSError | None = None
    for ip in ips:
        try:
            return socket.create_connection((str(ip), port), timeout, source_address)  # type: ignore[arg-type]  # the caller's values, as http.client passes them
        except OSError as error:
            last = error
    raise last or OSError(f"cannot connect to {host}")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # urllib passes host and timeout through
        self._create_connection = _guarded_connection


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-overload]  # urllib passes host, timeout and context through
        self._create_connection = _guarded_connection


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_GuardedHTTPSConnection, req)


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects only to http(s); the address check applies again when it connects."""

    max_redirections = 5

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise InputError(f"{req.full_url} redirects to {newurl}: not a web address, refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]  # fp is the response, as urllib passes it


_open: Callable[..., object] = urllib.request.build_opener(
    urllib.request.ProxyHandler({}),
    _GuardedHTTPHandler,
    _GuardedHTTPSHandler,
    _WebOnlyRedirects,
).open


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
        with _open(request, timeout=timeout) as response:  # type: ignore[attr-defined]  # the opener's response is a context manager
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
        if isinstance(error.reason, InputError):
            raise error.reason from None
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
    access.require_signed_in_to(engine, doing="importing")  # before anything is fetched
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
