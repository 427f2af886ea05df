#!/usr/bin/env bash
# Run every test: the store (SQLite and a real PostgreSQL/PostGIS started by the tests) and the
# plugin (pytest-qgis, QGIS offscreen, against a real store process on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# everything is installed now: a skipped test is a failure (scripts/pytest_plugins/strict_skips.py)
export PYTHONPATH="$PWD/scripts/pytest_plugins${PYTHONPATH:+:$PYTHONPATH}" PYTEST_ADDOPTS="-p strict_skips"
status=0
echo "== static checks (ruff, bandit, secrets)"
bash scripts/lint.sh || status=1
echo "== store tests"
(cd store && .venv/bin/python -m pytest -q -p no:cacheprovider tests) || status=1
echo "== plugin tests"
bash scripts/test-plugin.sh || status=1
exit $status
