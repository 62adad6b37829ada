#!/usr/bin/env bash
# Set up (first time) and start the annotator's web UI with the demo article loaded.
# Database: $DATABASE_URL, else the SQLite file data/factcheck.db.
# The server binds to 127.0.0.1 unless FACTCHECK_ADDRESS says otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
.venv/bin/factcheck demo
exec .venv/bin/streamlit run app.py \
  --server.address "${FACTCHECK_ADDRESS:-127.0.0.1}" \
  --server.port "${FACTCHECK_PORT:-8501}" \
  --server.headless true \
  --browser.gatherUsageStats false "$@"
