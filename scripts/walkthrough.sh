#!/usr/bin/env bash
# The four journeys of issue 13 in a REAL QGIS desktop under Xvfb, against a real demo store:
#   bash scripts/walkthrough.sh            (needs the store venv; about 3-4 minutes)
# Westminster GIS officer, analyst with her own polygons, ward-map printer, counts-only TfL analyst
# (scripts/walkthrough.py). Screenshots at 1366x768 and 1600x1000 and the atlas's page 1 are copied
# into docs/img/walkthrough/; the log (every check, "ok" or "FAIL") is printed. Exit status 1 if a
# check failed. Runs through scripts/screenshots.sh (same store, profile and Xvfb set-up).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$(mktemp -d /tmp/safestats-walkthrough.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT
SAFESTATS_QGIS_SCRIPT="$REPO/scripts/walkthrough.py" SAFESTATS_QGIS_LOG="walkthrough.log" \
SAFESTATS_QGIS_TIMEOUT="${SAFESTATS_QGIS_TIMEOUT:-1000}" \
  bash "$REPO/scripts/screenshots.sh" "$OUT/shots"
DEST="${SAFESTATS_WALKTHROUGH_IMG:-$REPO/docs/img/walkthrough}"
mkdir -p "$DEST"
cp "$OUT"/shots/*.png "$DEST"/ 2>/dev/null || true
echo "== screenshots in $DEST"
if ! grep -q "failures: none" "$OUT/shots/walkthrough.log" 2>/dev/null; then
  echo "walkthrough FAILED (see the log above)"; exit 1
fi
echo "walkthrough passed"
