#!/usr/bin/env bash
# Screenshots of the plugin in a REAL QGIS desktop under Xvfb, against a real demo store.
#   bash scripts/screenshots.sh [OUT_DIR]      (default: /tmp/safestats-screenshots; needs the store venv)
# The PNGs picked for the docs are copied by hand into docs/img/ after looking at them.
# Starts the store (demo data, scale 0.02), a throwaway QGIS profile with the plugin linked from
# this checkout and enabled, runs scripts/screenshots.py inside QGIS, then stops everything.
# SAFESTATS_QGIS_SCRIPT runs another script the same way (scripts/walkthrough.sh uses it), with
# SAFESTATS_QGIS_TIMEOUT seconds (default 600) and its log SAFESTATS_QGIS_LOG (default screenshots.log).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
SCRIPT="${SAFESTATS_QGIS_SCRIPT:-$REPO/scripts/screenshots.py}"
SCRIPT_LOG="${SAFESTATS_QGIS_LOG:-screenshots.log}"
OUT="${1:-/tmp/safestats-screenshots}"
STORE="$REPO/store/.venv/bin/safestats-store"
[ -x "$STORE" ] || { echo "store not installed: $STORE (run scripts/setup.sh)"; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run missing (apt-get install xvfb xauth)"; exit 1; }

WORK="$(mktemp -d /tmp/safestats-shots.XXXXXX)"
PW="Demo-$(head -c 9 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
PORT="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
STORE_PID=""
cleanup() {
  if [ -n "$STORE_PID" ]; then kill "$STORE_PID" 2>/dev/null || true; wait "$STORE_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== demo store in $WORK"
"$STORE" demo --db "sqlite:///$WORK/store.sqlite" --scale "${SAFESTATS_SCALE:-0.02}" --password "$PW" >"$WORK/store.log" 2>&1
"$STORE" serve --db "sqlite:///$WORK/store.sqlite" --host 127.0.0.1 --port "$PORT" >>"$WORK/store.log" 2>&1 &
STORE_PID=$!
for _ in $(seq 1 100); do
  if /usr/bin/python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/', timeout=1)" 2>/dev/null; then break; fi
  sleep 0.3
done

echo "== QGIS profile"
PROFILES="$WORK/qgis-profiles"   # QGIS uses <profiles-path>/profiles/<name>
PROFILE="$PROFILES/profiles/default"
mkdir -p "$PROFILE/python/plugins" "$PROFILE/QGIS"
ln -s "$REPO" "$PROFILE/python/plugins/safestats"
cat >"$PROFILE/QGIS/QGIS3.ini" <<INI
[PythonPlugins]
safestats=true

[qgis]
showTips=false
checkVersion=false
allowVersionCheck=false
WelcomePage\\newsFeed\\enabled=false

[core]
NewsFeed\\httpsfeedqgisorg\\disabled=true
INI

rm -rf "$OUT"; mkdir -p "$OUT"
echo "== QGIS under Xvfb"
SAFESTATS_URL="http://127.0.0.1:$PORT" SAFESTATS_PASSWORD="$PW" SAFESTATS_OUT="$OUT" \
SAFESTATS_USER="${SAFESTATS_USER:-westminster.analyst}" SAFESTATS_AGG_USER="${SAFESTATS_AGG_USER:-tfl.analyst}" \
  timeout "${SAFESTATS_QGIS_TIMEOUT:-600}" xvfb-run -a -s "-screen 0 1600x1000x24" \
  qgis --nologo --noversioncheck --profiles-path "$PROFILES" --code "$SCRIPT" \
  >"$WORK/qgis.log" 2>&1 || echo "QGIS exited with $?"
cat "$OUT/$SCRIPT_LOG" 2>/dev/null || { echo "no screenshots log; QGIS output:"; tail -40 "$WORK/qgis.log"; }
ls -la "$OUT"
