#!/usr/bin/env bash
# Plugin tests: QGIS's own Python (Debian python3-qgis) in a venv that sees the system site
# packages, plus pytest-qgis (installed --no-deps so numpy/pandas/shapely stay Debian's).
# The tests start the real store from store/.venv (see store's setup script).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTEST_QGIS_VERSION=2.1.0   # works with QGIS 3.22 + Debian's pytest 7.2 (Python 3.11)
if [ ! -x .venv-qgis/bin/python ]; then
    /usr/bin/python3 -m venv --system-site-packages .venv-qgis
fi
if ! .venv-qgis/bin/python -c "import pytest_qgis" 2>/dev/null; then
    .venv-qgis/bin/pip install --quiet --no-deps "pytest-qgis==${PYTEST_QGIS_VERSION}"
fi
export QT_QPA_PLATFORM=offscreen
# A private home: QGIS settings, the auth database and profile files written by the tests never
# touch (or read) the machine's real QGIS profile (an earlier run left a test proxy there).
SAFESTATS_TEST_HOME="$(mktemp -d)"
trap 'rm -rf "$SAFESTATS_TEST_HOME"' EXIT
export HOME="$SAFESTATS_TEST_HOME" XDG_DATA_HOME="$SAFESTATS_TEST_HOME/.local/share" XDG_CONFIG_HOME="$SAFESTATS_TEST_HOME/.config"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
# test files or folders given: run just those; only options (e.g. -k, -x): run tests/ with them
named=0
for arg in "$@"; do
    case "$arg" in -*) ;; *) [ -e "${arg%%::*}" ] && named=1 ;; esac
done
if [ "$named" -eq 0 ]; then set -- tests "$@"; fi
set +e
.venv-qgis/bin/python -X faulthandler -m pytest -q -c tests/pytest.ini "$@"
rc=$?
if [ $rc -eq 134 ] || [ $rc -eq 139 ]; then
    # A crash of the whole QGIS test process (SIGABRT/SIGSEGV), not a test failure: seen once in
    # about eight full runs, inside Qt's event loop of a download running in a QgsTask thread on
    # QGIS 3.22 (see the issue notes). Run the suite once more so one native crash does not hide
    # the results; a second crash, or any failing test, still fails the run.
    echo "!! plugin test process crashed (exit $rc): running the plugin suite once more" >&2
    .venv-qgis/bin/python -X faulthandler -m pytest -q -c tests/pytest.ini "$@"
    rc=$?
fi
exit $rc
