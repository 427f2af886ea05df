#!/usr/bin/env bash
# The main job on the embedded default: a SafeStats store with demo data on 127.0.0.1:8765 and
# QGIS with the plugin installed from this checkout. With no display, it renders a headless ward
# map PDF from the store instead (var/safestats-ward-map.pdf).
set -euo pipefail
cd "$(dirname "$0")/.."
# QGIS 3.22's authentication code writes plain qDebug lines ("salt hex: …", "cipheriv hex: …") when a
# password is stored: harmless, but alarming in a demo. Qt's logging rules hide plain debug lines
# (warnings and errors still show); a QT_LOGGING_RULES of your own wins.
export QT_LOGGING_RULES="${QT_LOGGING_RULES:-default.debug=false}"
bash scripts/setup.sh
DB=${SAFESTATS_DB:-var/demo.sqlite}
PORT=${SAFESTATS_PORT:-8765}
PASSWORD=${SAFESTATS_DEMO_PASSWORD:-demo-Password-2026}
mkdir -p var
if [ ! -f "$DB" ]; then
  store/.venv/bin/safestats-store demo --db "$DB" --scale "${SAFESTATS_SCALE:-0.05}" --password "$PASSWORD"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "Port $PORT is already in use on 127.0.0.1: stop that program or run with SAFESTATS_PORT=<free port>" >&2
  exit 1
fi
store/.venv/bin/safestats-store serve --db "$DB" --port "$PORT" --log-level warning &
STORE_PID=$!
trap 'kill $STORE_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.5; done
kill -0 $STORE_PID 2>/dev/null || { echo "the store did not start" >&2; exit 1; }
echo "SafeStats store on http://127.0.0.1:$PORT  (users: mopac.analyst, westminster.analyst, ...; password: $PASSWORD)"

# QGIS reads profile NAME from <profiles-path>/profiles/NAME (and would pick whichever profile
# profiles.ini names unless --profile says which): link the plugin there and enable it.
PROFILES=${SAFESTATS_QGIS_PROFILES:-var/qgis-profiles}
PROFILE_DIR="$PROFILES/profiles/default"
PLUGIN_LINK="$PROFILE_DIR/python/plugins/safestats"
# an older demo.sh linked the plugin into $PROFILES/default, a folder QGIS never reads
if [ -L "$PROFILES/default/python/plugins/safestats" ]; then rm -f "$PROFILES/default/python/plugins/safestats"; fi
mkdir -p "$PROFILE_DIR/python/plugins" "$PROFILE_DIR/QGIS"
if [ -e "$PLUGIN_LINK" ] && [ ! -L "$PLUGIN_LINK" ]; then
  echo "$PLUGIN_LINK is a folder, not a link to this checkout: move it away and run again" >&2
  exit 1
fi
ln -sfn "$(pwd)" "$PLUGIN_LINK"
# Enable it in the profile's QGIS3.ini with Qt's own QSettings, so an ini that QGIS wrote before
# (safestats=false after the user turned it off, or absent) is edited, never duplicated.
/usr/bin/python3 - "$PROFILE_DIR/QGIS/QGIS3.ini" <<'PY'
import sys
from qgis.PyQt.QtCore import QSettings
settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)
settings.setValue("PythonPlugins/safestats", True)
settings.sync()
if settings.status() != QSettings.Status.NoError:
    sys.exit(f"could not write {sys.argv[1]}")
PY
if [ -n "${DISPLAY:-}" ]; then
  qgis --profiles-path "$PROFILES" --profile default --noversioncheck
else
  echo "No display: rendering a headless map PDF instead"
  SAFESTATS_URL="http://127.0.0.1:$PORT" SAFESTATS_USER=westminster.analyst SAFESTATS_PASSWORD="$PASSWORD" \
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/headless_map.py var/safestats-ward-map.pdf
fi
