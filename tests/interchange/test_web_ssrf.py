"""Issue #17: URL import on a server shared by a team must not fetch what only the server can
reach. Without FACTCHECK_ALLOW_PRIVATE_URLS, loopback, private, link-local (the cloud
metadata address) and other non-public addresses are refused before any request is sent,
whatever the host name says, and redirects may only go to http(s) addresses that pass the
same check."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from factcheck.interchange import web
from tests.cli.test_cli import Cli
from tests.interchange.test_web import stored

REQUESTS: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server calls it by this name
        REQUESTS.append(self.path)
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        body = b"<html><head><title>Local</title></head><body><p>Secret said so.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from factcheck.config import get_settings

    monkeypatch.delenv("FACTCHECK_ALLOW_PRIVATE_URLS", raising=False)
    get_settings.cache_clear()
    REQUESTS.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield str(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join()
    get_settings.cache_clear()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "0.0.0.0"])
def test_local_addresses_are_refused_before_any_request(
    sqlite_url: str, local_site: str, host: str
) -> None:
    Cli(sqlite_url).fails(
        "import", "--url", f"http://{host}:{local_site}/page", message="private or local address"
    )
    assert REQUESTS == []
    assert stored(sqlite_url) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
        "http://10.0.0.1/",
        "http://192.168.1.1/admin",
        "http://[::1]/",
        "http://[fe80::1%25lo]/",
    ],
)
def test_private_and_link_local_addresses_are_refused(sqlite_url: str, url: str) -> None:
    Cli(sqlite_url).fails("import", "--url", url, message="refused")
    assert stored(sqlite_url) == []


def test_allowed_on_a_machine_of_ones_own(
    sqlite_url: str, local_site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck.config import get_settings

    monkeypatch.setenv("FACTCHECK_ALLOW_PRIVATE_URLS", "1")
    get_settings.cache_clear()
    Cli(sqlite_url).ok("import", "--url", f"http://127.0.0.1:{local_site}/page")
    assert REQUESTS == ["/page"]
    # a redirect to anything but http(s) is refused, even then
    Cli(sqlite_url).fails(
        "import", "--url", f"http://127.0.0.1:{local_site}/to-file", message="file:///etc/passwd"
    )
    assert len(stored(sqlite_url)) == 1


@pytest.mark.parametrize(
    ("ip", "refused"),
    [
        ("93.184.215.14", False),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", False),
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("100.64.0.1", True),  # carrier-grade NAT
        ("169.254.169.254", True),
        ("::1", True),
        ("::ffff:10.0.0.1", True),
        ("fc00::1", True),
        ("224.0.0.1", True),
    ],
)
def test_which_addresses_are_public(ip: str, refused: bool) -> None:
    assert web._refused_address(ip) is refused
