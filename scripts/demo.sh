#!/usr/bin/env bash
# Set up, load demo data into SQLite (var/demo.sqlite3) and serve the demo on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DATABASE_URL="sqlite:///$PWD/var/demo.sqlite3" DEBUG=1
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed_demo
# The background worker (reminders, escalations, SMS and e-mail printed to this console) runs beside the server
# and stops with it.
.venv/bin/python manage.py run_worker --interval 60 &
worker=$!
.venv/bin/python manage.py runserver 127.0.0.1:8000 &
server=$!
# Ctrl-C or a SIGTERM to this script stops both (runserver's autoreloader runs the server in a child of its own).
trap 'kill "$server" "$worker" 2>/dev/null; pkill -P "$server" 2>/dev/null; wait 2>/dev/null || true' EXIT INT TERM
wait "$server"
