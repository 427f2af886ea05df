#!/usr/bin/env bash
# Translations of the SafeStats plugin (Qt Linguist tool chain).
#
#   bash scripts/i18n.sh          refresh i18n/safestats_en.ts (and every other i18n/safestats_*.ts)
#                                 from the plugin's .py and .ui files, then compile each to .qm
#   bash scripts/i18n.sh cy       also start i18n/safestats_cy.ts (Welsh) for a translator
#   bash scripts/i18n.sh --check  fail if i18n/safestats_en.ts is out of date (for CI)
#
# safestats_en.ts is the English source catalogue (committed). Translators edit safestats_<lang>.ts
# with Qt Linguist (see docs/translating.md). The .qm files are build output: ignored by git, built
# again into the zip by scripts/package.py. Needs pylupdate5 (pyqt5-dev-tools) and lrelease
# (qttools5-dev-tools).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in pylupdate5 lrelease; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y pyqt5-dev-tools qttools5-dev-tools" >&2; exit 1; }
done

CHECK=0
NEW_LANGS=()
for arg in "$@"; do
  case "$arg" in
    --check) CHECK=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) [[ "$arg" =~ ^[a-z]{2,3}(_[A-Z]{2})?$ ]] || { echo "not a language code: $arg (e.g. cy, fr, pt_BR)" >&2; exit 2; }
       NEW_LANGS+=("$arg") ;;
  esac
done

# Every plugin source that can hold user-facing text: root modules and the three packages
# (never tests/, store/, scripts/, bench/). Sorted, so the .ts is stable between machines.
mapfile -t SOURCES < <(
  { ls ./*.py; find providers processing_provider governance ui -type f \( -name '*.py' -o -name '*.ui' \) -not -path '*/__pycache__/*'; } \
    | sed 's|^\./||' | grep -v '^resources_rc\.py$' | LC_ALL=C sort)

mkdir -p i18n
TS_FILES=(i18n/safestats_en.ts)
for lang in "${NEW_LANGS[@]}"; do TS_FILES+=("i18n/safestats_${lang}.ts"); done
for ts in i18n/safestats_*.ts; do
  [ -e "$ts" ] && [[ ! " ${TS_FILES[*]} " =~ " $ts " ]] && TS_FILES+=("$ts")
done

# pylupdate5 into an empty catalogue (so nothing stale survives), then scripts/i18n_catalogue.py
# files every Python message under the one context "SafeStats" (what governance.i18n.tr asks Qt
# for; .ui forms keep their own contexts) and merges the translations each .ts already has.
fresh_catalogue() {   # $1: where to write the regrouped English catalogue
  local fresh="i18n/.pylupdate_$$.ts"
  rm -f "$fresh"
  PYTHONWARNINGS=ignore pylupdate5 -noobsolete "${SOURCES[@]}" -ts "$fresh" >/dev/null
  python3 scripts/i18n_catalogue.py "$fresh" "$1" en || { rm -f "$fresh"; return 1; }
  rm -f "$fresh"
}

if [ "$CHECK" = 1 ]; then
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  fresh_catalogue "$tmp/safestats_en.ts"
  # compare everything but the line numbers of the locations
  if ! diff <(sed 's/ line="[0-9]*"//' i18n/safestats_en.ts) <(sed 's/ line="[0-9]*"//' "$tmp/safestats_en.ts") >/dev/null; then
    echo "i18n/safestats_en.ts is out of date: run bash scripts/i18n.sh and commit it" >&2
    exit 1
  fi
  echo "i18n/safestats_en.ts is up to date"
  exit 0
fi

echo "== pylupdate5: ${#SOURCES[@]} source files -> ${TS_FILES[*]}"
fresh="i18n/.pylupdate_$$.ts"
rm -f "$fresh"
PYTHONWARNINGS=ignore pylupdate5 -noobsolete "${SOURCES[@]}" -ts "$fresh" >/dev/null
for ts in "${TS_FILES[@]}"; do
  lang="$(basename "$ts" .ts)"; lang="${lang#safestats_}"
  python3 scripts/i18n_catalogue.py "$fresh" "$ts" "$lang" || { rm -f "$fresh"; exit 1; }
done
rm -f "$fresh"

echo "== lrelease"
for ts in "${TS_FILES[@]}"; do
  lrelease -silent "$ts" -qm "${ts%.ts}.qm"
done
total=$(grep -c '<message' i18n/safestats_en.ts || true)
for ts in "${TS_FILES[@]}"; do
  [ "$ts" = i18n/safestats_en.ts ] && continue
  left=$(grep -c 'type="unfinished"' "$ts" || true)
  echo "$(basename "$ts"): $((total - left))/$total translated"
done
echo "== $total strings in i18n/safestats_en.ts"
