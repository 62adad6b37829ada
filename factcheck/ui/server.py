"""How to start the web app as a server process, for tools that drive a real browser (the
browser test, the benchmark's memory line): one command line, bound to loopback."""

from __future__ import annotations

import sys

from factcheck.config import PROJECT_ROOT

APP = PROJECT_ROOT / "app.py"


def streamlit_command(port: int, *extra: str) -> list[str]:
    """`streamlit run app.py` on 127.0.0.1:`port`, headless, without usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *extra,
    ]
