"""Settings read once per process: where the database is, limits, team mode."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SQLITE_PATH = DATA_DIR / "factcheck.db"
DEMO_ARTICLE = DATA_DIR / "zerohedge-2025-09-05-nato-troops.txt"


class Settings(BaseSettings):
    """`DATABASE_URL`, `FACTCHECK_MAX_BYTES`, `FACTCHECK_MAX_CLAIMS`, `FACTCHECK_TEAM_MODE`
    from the environment."""

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str | None = None
    factcheck_max_bytes: int = 5_000_000
    # Claims one article may have. A long feature has a few hundred; a file with more than
    # this is a book, a data dump or a generated file, refused before its split is finished:
    # it could not be reviewed claim by claim, and splitting, storing and showing it would
    # tie up the importer (and the page of whoever opens it) for minutes.
    factcheck_max_claims: int = Field(default=5_000, ge=1)
    factcheck_team_mode: bool = False
    # Web imports may fetch from loopback, private and link-local addresses (a machine of
    # one's own, or the tests' local server); off on a shared server.
    factcheck_allow_private_urls: bool = False


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def normalize_database_url(url: str | None) -> str:
    """Default to the project's SQLite file; make `postgres://` URLs use psycopg 3."""
    if not url:
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def describe_database(url: str) -> str:
    """Where the data lives, for people: a SQLite path or a PostgreSQL host, never a password."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite: {parsed.database or 'in memory'}"
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    backend = parsed.get_backend_name()
    label = "PostgreSQL" if backend == "postgresql" else backend
    return f"{label}: {parsed.username or ''}@{host}{port}/{parsed.database or ''}"
