#!/usr/bin/env bash
# Set up and run the whole test suite (SQLite unless DATABASE_URL names another database).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
