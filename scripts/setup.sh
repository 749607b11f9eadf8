#!/usr/bin/env bash
# Set up everything jiefen needs on a fresh machine: system packages (Chromium for browser tests,
# Noto CJK fonts and Pango for PDFs, the PostgreSQL client for backups), the Python virtualenv from
# requirements.lock, and npm packages.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
fc-list 2>/dev/null | grep -c "Noto Sans CJK" >/dev/null || need_apt+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -c libpango-1.0 >/dev/null || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
# pg_dump/pg_restore: `manage.py backup`/`restore` on PostgreSQL, and their test.
command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1 || need_apt+=(postgresql-client)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== Installing system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "== Creating virtualenv (.venv)"
  "$PYTHON" -m venv .venv
fi
if ! cmp -s requirements.lock .venv/.installed-lock 2>/dev/null; then
  echo "== Installing Python packages from requirements.lock"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.lock
  cp requirements.lock .venv/.installed-lock
fi

if [ ! -d node_modules/htmx.org ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== Installing front-end packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
mkdir -p var
