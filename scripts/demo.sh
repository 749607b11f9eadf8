#!/usr/bin/env bash
# Set up, load demo data into SQLite (var/demo.sqlite3) and serve the demo on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DATABASE_URL="sqlite:///$PWD/var/demo.sqlite3" DEBUG=1
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
