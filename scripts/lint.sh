#!/usr/bin/env bash
# Static checks: ruff (ruff.toml), the house rules (scripts/check_house.py), bandit (medium+ severity) on the store and the plugin packages,
# the Qt6 check (scripts/check_qt6.py, PyQt6 from PyPI in var/qt6-venv),
# and a secrets scan of every committed file against the audited baseline (.secrets.baseline).
# Tools live in store/.venv (the store's `test` extra). Exit status is non-zero if any check fails.
#   scripts/lint.sh                    run every check
#   scripts/lint.sh --accept-secrets   after REVIEWING the findings it lists: record them all in
#                                      .secrets.baseline as test values (is_secret=false)
set -uo pipefail
cd "$(dirname "$0")/.."
PY=store/.venv/bin/python
status=0

echo "== ruff"
"$PY" -m ruff check --no-cache --output-format concise . || status=1

echo "== house rules (scripts/check_house.py: module <= 700 lines, function <= 100 lines, no import cycle)"
"$PY" scripts/check_house.py || status=1   # both sides: the plugin and the store

echo "== bandit (medium and high severity)"
"$PY" -m bandit -q -r store/safestats_store providers processing_provider governance ui --severity-level medium || status=1

echo "== Qt6 / QGIS 4 readiness (scripts/check_qt6.py: every Qt name the plugin uses, resolved in PyQt6)"
"$PY" scripts/check_qt6.py || status=1
echo "== PyQGIS enums for QGIS 4 (scoped; moved ones through providers/compat.py), on QGIS's own Python"
QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/check_qt6.py --pyqgis || status=1

echo "== secrets (detect-secrets, committed files vs .secrets.baseline)"
git ls-files -z | grep -zv '^\.secrets\.baseline$' \
  | xargs -0 "$PY" -m detect_secrets scan > "${TMPDIR:-/tmp}/safestats-secrets.$$.json" || status=1
if [ "${1:-}" = "--accept-secrets" ]; then
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); [r.update(is_secret=False) for rs in d["results"].values() for r in rs]; json.dump(d, open(".secrets.baseline","w"), indent=2)' \
    "${TMPDIR:-/tmp}/safestats-secrets.$$.json"
  echo "recorded every current finding in .secrets.baseline as a test value"
fi
"$PY" - "${TMPDIR:-/tmp}/safestats-secrets.$$.json" <<'PYEOF' || status=1
import json, sys
found = json.load(open(sys.argv[1]))["results"]
known = json.load(open(".secrets.baseline"))["results"]
allowed = {(f, r["hashed_secret"]) for f, rs in known.items() for r in rs if r.get("is_secret") is False}
new = [(f, r["line_number"], r["type"]) for f, rs in found.items() for r in rs
       if (f, r["hashed_secret"]) not in allowed]
for f, line, kind in new:
    print(f"{f}:{line}: possible secret ({kind}); remove it, or if it is a test value add it to "
          ".secrets.baseline with is_secret=false")
print(f"{sum(len(v) for v in found.values())} findings, all audited" if not new else f"{len(new)} NEW finding(s)")
sys.exit(1 if new else 0)
PYEOF
rm -f "${TMPDIR:-/tmp}/safestats-secrets.$$.json"
[ $status = 0 ] && echo "lint: all checks passed" || echo "lint: FAILED"
exit $status
