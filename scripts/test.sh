#!/usr/bin/env bash
# Set up (first time) and run the whole test suite: lint, then pytest on SQLite and PostgreSQL.
# Installs Debian's chromium for the browser test (and LibreOffice in CI for the spreadsheet
# test) when missing, and starts the local PostgreSQL if it is not running.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

need_debs=()
command -v chromium >/dev/null 2>&1 || need_debs+=(chromium)
if [ "${CI:-}" = "true" ] && ! command -v libreoffice >/dev/null 2>&1; then
  need_debs+=(libreoffice-calc-nogui)
fi
if [ ${#need_debs[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${need_debs[*]} from Debian's packages…" >&2
  as_root apt-get update -qq >/dev/null || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debs[@]}" >/dev/null \
    || echo "warning: could not install ${need_debs[*]}" >&2
fi

# PostgreSQL: start the local cluster if it is installed but not running.
if [ -z "${FACTCHECK_TEST_PG_URL:-}" ]; then
  if command -v pg_isready >/dev/null 2>&1; then
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
      if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
        as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
      fi
    fi
    if pg_isready -q -h 127.0.0.1 -p 5432; then
      export FACTCHECK_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    fi
  fi
fi
if [ -z "${FACTCHECK_TEST_PG_URL:-}" ]; then
  echo "note: PostgreSQL not reachable on 127.0.0.1:5432; its tests will be skipped" >&2
fi

bash scripts/setup.sh requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest -n "${FACTCHECK_TEST_WORKERS:-2}" "$@"
