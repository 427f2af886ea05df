#!/usr/bin/env bash
# Install everything SafeStats needs on a fresh Debian 12/13 machine. Idempotent: fast when done.
#   - Debian packages: QGIS (3.22 on Debian 12, 3.40 on 13), GDAL tools, Xvfb, PostgreSQL + PostGIS
#   - store/.venv: the store's own venv with current PyPI libraries
#   - .venv-qgis: the plugin test venv (system site-packages + pytest-qgis, nothing else)
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

pg_pkg() {  # postgresql-NN-postgis-3 for the distribution's default PostgreSQL
  local v
  v=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9]\+\)$/\1/p' | head -1)
  echo "postgresql-${v:-15}-postgis-3"
}

PKGS="qgis python3-qgis qgis-providers xvfb xauth python3-pandas python3-shapely python3-requests python3-pytest
python3-scipy python3-venv python3-pip gdal-bin poppler-utils postgresql postgis pyqt5-dev-tools qttools5-dev-tools"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ] || ! ls /usr/lib/postgresql/*/lib/postgis-3.so >/dev/null 2>&1; then
  echo "== apt: installing$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PKGS >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$(pg_pkg)" >/dev/null
fi

PY=${SAFESTATS_PYTHON:-python3}
if [ ! -x store/.venv/bin/python ]; then
  echo "== store venv"
  "$PY" -m venv store/.venv
fi
if ! store/.venv/bin/python -c "import safestats_store, fastapi, pyogrio, cql2, pytest, hypothesis, requests, schemathesis, psutil, ruff, bandit, detect_secrets, openapi_spec_validator, owslib, pyarrow, adbc_driver_postgresql" 2>/dev/null; then
  store/.venv/bin/pip install -q --upgrade pip
  store/.venv/bin/pip install -q -e "store[test]"
fi

if [ ! -x .venv-qgis/bin/python ]; then
  echo "== plugin test venv"
  /usr/bin/python3 -m venv --system-site-packages .venv-qgis
fi
if ! .venv-qgis/bin/python -c "import pytest_qgis" 2>/dev/null; then
  # --no-deps: never let pip replace Debian's numpy/pandas/shapely that QGIS is built against.
  .venv-qgis/bin/pip install -q --no-deps "pytest-qgis==${PYTEST_QGIS_VERSION:-2.1.0}"
fi
echo "== setup done"
