#!/usr/bin/env bash
# The runtime install on its own: a fresh virtualenv from requirements.txt alone (as the Dockerfile
# builds it), then .ci/runtime_check.py in it: imports vs requirements, check --deploy, migrate on an
# empty database, every module imported, daphne + a worker until /health answers 200.
# Nothing is kept: the virtualenv and the servers live in a temporary directory removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || { echo "runtime check: $PYTHON not found" >&2; exit 1; }
started=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/mojodex-runtime-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m venv "$work/venv"
pip_install() {  # quiet unless it fails (the machine's extra index mirrors warn for every package)
  "$work/venv/bin/python" -m pip install --quiet "$@" >"$work/pip.log" 2>&1 || { cat "$work/pip.log" >&2; exit 1; }
}
pip_install --upgrade pip
pip_install -r requirements.txt
echo "runtime check: virtualenv from requirements.txt ready in $(( $(date +%s) - started ))s"
"$work/venv/bin/python" .ci/runtime_check.py "$work"
echo "runtime check: passed in $(( $(date +%s) - started ))s"
