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

set_language() {   # Qt Linguist reads the target language from the TS element
  local ts="$1" lang
  lang="$(basename "$ts" .ts)"; lang="${lang#safestats_}"
  sed -i "0,/<TS version=\"2.1\"[^>]*>/s//<TS version=\"2.1\" language=\"${lang}\" sourcelanguage=\"en\">/" "$ts"
}

if [ "$CHECK" = 1 ]; then
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  cp i18n/safestats_en.ts "$tmp/safestats_en.ts"
  PYTHONWARNINGS=ignore pylupdate5 -noobsolete "${SOURCES[@]}" -ts "$tmp/safestats_en.ts" >/dev/null
  set_language "$tmp/safestats_en.ts"
  # locations are relative to the .ts file's folder, so compare everything but them
  if ! diff <(grep -v '<location' i18n/safestats_en.ts) <(grep -v '<location' "$tmp/safestats_en.ts") >/dev/null; then
    echo "i18n/safestats_en.ts is out of date: run bash scripts/i18n.sh and commit it" >&2
    exit 1
  fi
  echo "i18n/safestats_en.ts is up to date"
  exit 0
fi

echo "== pylupdate5: ${#SOURCES[@]} source files -> ${TS_FILES[*]}"
PYTHONWARNINGS=ignore pylupdate5 -noobsolete "${SOURCES[@]}" -ts "${TS_FILES[@]}"
for ts in "${TS_FILES[@]}"; do set_language "$ts"; done

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
