#!/usr/bin/env bash
# Set up (first time) and run the newsroom-scale benchmark: SQLite, and PostgreSQL when it
# answers on 127.0.0.1:5432 (a throwaway database, dropped afterwards). Arguments go to
# bench/scale_bench.py (e.g. --only rerun,export, or --articles 1000 for a smaller project).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
install_debs
start_postgres

bash scripts/setup.sh requirements-dev.txt
pg=()
if [ -n "${FACTCHECK_TEST_PG_URL:-}" ]; then
  pg=(--pg-url "${FACTCHECK_TEST_PG_URL}")
fi
exec .venv/bin/python bench/scale_bench.py "${pg[@]}" "$@"
