#!/usr/bin/env bash
# Proof that QGIS's Plugin Manager installs SafeStats from the store's plugin repository:
#   1. build the zip (scripts/package.py) and deploy it: safestats-store plugin-repo add
#   2. serve a store on 127.0.0.1 with SAFESTATS_PLUGIN_REPO pointing at that folder
#   3. a CLEAN QGIS profile whose QGIS3.ini lists the store's /qgis/plugins.xml as a repository
#      (the settings a QGIS Deployment Toolbelt profile writes; the official repository disabled)
#   4. real QGIS under Xvfb (1366x768) runs scripts/plugin_manager_proof.py: opens the Plugin
#      Manager, finds SafeStats, screenshots it, clicks Install, checks it is installed and active.
#   bash scripts/plugin_manager_proof.sh [OUT_DIR]   (default var/plugin-manager-proof)
# Writes OUT_DIR/report.json and OUT_DIR/plugin_manager_repository.png (+ -installed.png).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_ROOT="$PWD"
OUT="$(realpath -m "${1:-var/plugin-manager-proof}")"
rm -rf "$OUT"; mkdir -p "$OUT"
/usr/bin/python3 scripts/package.py --out "$OUT/dist" >/dev/null
ZIP="$(ls "$OUT"/dist/safestats-*.zip)"

STORE=(store/.venv/bin/python -m safestats_store.cli)
"${STORE[@]}" init --db "$OUT/store.sqlite" >/dev/null
"${STORE[@]}" plugin-repo add "$ZIP" --dir "$OUT/plugins"
PORT=$(store/.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SAFESTATS_PLUGIN_REPO="$OUT/plugins" "${STORE[@]}" serve --db "$OUT/store.sqlite" --port "$PORT" \
  --log-level warning > "$OUT/store.log" 2>&1 &
STORE_PID=$!
QGIS_PID=""
cleanup() {
  [ -n "$QGIS_PID" ] && kill -- "-$QGIS_PID" 2>/dev/null || true
  kill "$STORE_PID" 2>/dev/null || true
}
trap cleanup EXIT
URL="http://127.0.0.1:$PORT/qgis/plugins.xml"
for _ in $(seq 100); do curl -sf "$URL" >/dev/null && break; sleep 0.2; done
curl -sf "$URL" > "$OUT/plugins.xml"

PROFILES="$OUT/qgis-profiles"   # QGIS reads <profiles-path>/profiles/<name>
mkdir -p "$PROFILES/profiles/default/QGIS"
/usr/bin/python3 - "$PROFILES/profiles/default/QGIS/QGIS3.ini" "$URL" <<'PY'
import sys
from PyQt5.QtCore import QSettings
s = QSettings(sys.argv[1], QSettings.Format.IniFormat)
s.setValue("app/plugin_repositories/SafeStats store/url", sys.argv[2])
s.setValue("app/plugin_repositories/SafeStats store/enabled", True)
# keep the official repository's entry (or QGIS adds it back) but do not fetch it: no internet here
s.setValue("app/plugin_repositories/QGIS Official Plugin Repository/url", "https://plugins.qgis.org/plugins/plugins.xml")
s.setValue("app/plugin_repositories/QGIS Official Plugin Repository/enabled", False)
s.setValue("app/plugin_installer/allowExperimental", True)   # SafeStats 0.1.0 is marked experimental
s.setValue("app/plugin_installer/checkOnStart", False)
for key, value in (("qgis/showTips", False), ("qgis/checkVersion", False), ("qgis/allowVersionCheck", False)):
    s.setValue(key, value)
s.sync()
PY

export SAFESTATS_REPORT="$OUT/report.json" SAFESTATS_SCREENSHOT="$OUT/plugin_manager_repository.png"
unset QT_QPA_PLATFORM PYTHONPATH QGIS_CUSTOM_CONFIG_PATH QGIS_PLUGINPATH
setsid xvfb-run -a -s "-screen 0 1366x768x24" qgis --profiles-path "$PROFILES" --profile default --nologo \
  --noversioncheck --code "$REPO_ROOT/scripts/plugin_manager_proof.py" > "$OUT/qgis.log" 2>&1 &
QGIS_PID=$!
for _ in $(seq 120); do [ -f "$SAFESTATS_REPORT" ] && break; sleep 1; done
sleep 3
cat "$SAFESTATS_REPORT"
/usr/bin/python3 - "$SAFESTATS_REPORT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = not r["errors"] and r.get("listed") and r.get("installed_metadata") and r.get("active")
print("plugin manager proof:", "OK" if ok else "FAILED")
sys.exit(0 if ok else 1)
PY
