"""How to start the web app as a server process, and the browser that drives it, for the
browser test and the benchmark's memory line: one command line bound to loopback, and Debian's
chromium with the flags a headless run in a sandbox needs (never a downloaded browser)."""

from __future__ import annotations

import sys
from pathlib import Path

from factcheck.config import PROJECT_ROOT

APP = PROJECT_ROOT / "app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def streamlit_command(port: int, *extra: str, script: Path = APP) -> list[str]:
    """`streamlit run app.py` (or another `script`) on 127.0.0.1:`port`, headless, without
    usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # A test server never reloads modules: an edit to the checkout mid-test would rerun
        # the page against half-reloaded modules ("Table 'article' is already defined").
        "--server.fileWatcherType",
        "none",
        *extra,
    ]
