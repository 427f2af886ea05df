#!/usr/bin/env bash
# Proof of the roll-out in docs/admin.md: the QGIS Deployment Toolbelt (qgis-deployment-toolbelt
# from PyPI, in var/qdt-venv/<python>) runs docs/deploy/qdt/scenario.qdt.yml against a real store serving
# the plugin repository, in a sandbox HOME; then real QGIS (Xvfb) starts with no profile argument
# and must open the "safestats" profile with SafeStats active and the store's address set.
#   bash scripts/qdt_proof.sh [OUT_DIR]     (default var/qdt-proof; writes OUT_DIR/check.json)
# The scenario's URLs (store and profiles git repository) are pointed at local copies here.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO_ROOT="$PWD"
OUT="$(realpath -m "${1:-var/qdt-proof}")"
rm -rf "$OUT"; mkdir -p "$OUT/home"

# one venv per Python: the version matrix runs this in a Debian 13 chroot on the same checkout, where
# a venv made by the host's Python does not run (and the other way round)
QDT_VENV="var/qdt-venv/$(store/.venv/bin/python -c 'import sys; print(sys.implementation.cache_tag)')"
if ! "$QDT_VENV/bin/python" -c "import qgis_deployment_toolbelt" 2>/dev/null; then
  store/.venv/bin/python -m venv --clear "$QDT_VENV"
  "$QDT_VENV/bin/pip" install -q "qgis-deployment-toolbelt>=0.40"
fi

/usr/bin/python3 scripts/package.py --out "$OUT/dist" >/dev/null
STORE=(store/.venv/bin/python -m safestats_store.cli)
"${STORE[@]}" init --db "$OUT/store.sqlite" >/dev/null
"${STORE[@]}" plugin-repo add "$OUT"/dist/safestats-*.zip --dir "$OUT/plugins" >/dev/null
PORT=$(store/.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SAFESTATS_PLUGIN_REPO="$OUT/plugins" "${STORE[@]}" serve --db "$OUT/store.sqlite" --port "$PORT" \
  --log-level warning > "$OUT/store.log" 2>&1 &
STORE_PID=$!
trap 'kill "$STORE_PID" 2>/dev/null || true' EXIT
STORE_URL="http://127.0.0.1:$PORT"
for _ in $(seq 100); do curl -sf "$STORE_URL/qgis/plugins.xml" >/dev/null && break; sleep 0.2; done

# the borough's profiles repository: a git copy of docs/deploy/qdt with the store's real address
cp -r docs/deploy/qdt "$OUT/profiles-repo"
grep -rl "https://safestats.example.gov.uk" "$OUT/profiles-repo" | xargs sed -i "s#https://safestats.example.gov.uk#$STORE_URL#g"
git -C "$OUT/profiles-repo" init -q -b main
git -C "$OUT/profiles-repo" add -A
git -C "$OUT/profiles-repo" -c user.email=qdt@example.org -c user.name=qdt commit -qm "SafeStats profile"
sed -e "s#source: https://git.example.gov.uk/gis/qgis-profiles.git#source: file://$OUT/profiles-repo#" \
    -e "s#protocol: git_remote#protocol: git_local#" "$OUT/profiles-repo/scenario.qdt.yml" > "$OUT/scenario.qdt.yml"

unset QT_QPA_PLATFORM PYTHONPATH QGIS_CUSTOM_CONFIG_PATH QGIS_PLUGINPATH  # (set by the test harness)
export HOME="$OUT/home" XDG_CONFIG_HOME="$OUT/home/.config" XDG_DATA_HOME="$OUT/home/.local/share"
if ! (cd "$OUT" && "$REPO_ROOT/$QDT_VENV/bin/qdt" -s "$OUT/scenario.qdt.yml" > "$OUT/qdt.log" 2>&1); then
  echo "qdt failed; its log:" >&2
  tail -40 "$OUT/qdt.log" >&2
  exit 1
fi

cat > "$OUT/check.py" <<'PY'
import json, os
import qgis.utils
from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface

def check():
    settings = QgsSettings()
    result = {"active": "safestats" in qgis.utils.active_plugins,
              "profile_dir": QgsApplication.qgisSettingsDirPath(),
              "plugin_file": getattr(qgis.utils.plugins.get("safestats"), "__module__", None),
              "store_url": settings.value("safestats/store_url", ""),
              "repository_url": settings.value("app/plugin_repositories/SafeStats store/url", "")}
    with open(os.environ["SAFESTATS_CHECK"], "w") as fh:
        json.dump(result, fh, indent=2)
    iface.actionExit().trigger()

QTimer.singleShot(3000, check)
PY
SAFESTATS_CHECK="$OUT/check.json" timeout 120 xvfb-run -a qgis --nologo --noversioncheck --code "$OUT/check.py" \
  > "$OUT/qgis.log" 2>&1 || true
cat "$OUT/check.json"
/usr/bin/python3 - "$OUT/check.json" "$STORE_URL" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = (r["active"] and r["profile_dir"].rstrip("/").endswith("/profiles/safestats")
      and r["store_url"] == sys.argv[2] and r["repository_url"] == sys.argv[2] + "/qgis/plugins.xml")
print("\nqdt proof:", "OK" if ok else "FAILED")
sys.exit(0 if ok else 1)
PY
