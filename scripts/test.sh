#!/usr/bin/env bash
# Set up (first time) and run the whole test suite: lint, then pytest on SQLite and PostgreSQL.
# Installs Debian's chromium for the browser test (and LibreOffice in CI for the spreadsheet
# test) when missing, and starts the local PostgreSQL if it is not running.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
install_debs
start_postgres

bash scripts/setup.sh requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m mypy
exec .venv/bin/python -m pytest -n "${FACTCHECK_TEST_WORKERS:-2}" "$@"
