#!/usr/bin/env bash
# The plugin suite, strict (a skip is a failure), on Debian 13: QGIS 3.40 (trixie), then the same
# chroot upgraded to the current LTR, QGIS 3.44 (trixie-backports). The host's own QGIS (3.22 on
# Debian 12) is covered by scripts/test.sh; .ci/run runs both.
#
#   bash scripts/test-matrix.sh                              # 3.40 then 3.44
#   SAFESTATS_MATRIX_VERSIONS=3.44 bash scripts/test-matrix.sh
#   bash scripts/test-matrix.sh tests/test_print_atlas.py    # arguments go to scripts/test-plugin.sh
#
# How: a fresh Debian 13 chroot from the Debian registry (debootstrap --variant=minbase), in which
# scripts/setup.sh installs everything as on a fresh Debian 13 machine. Runs as root in its own
# mount namespace: /proc, /dev, /dev/pts, /sys and the checkout (at /src) are bind-mounted for this
# script only and vanish with it even if it is killed; a trap unmounts them on every exit too. The
# chroot's venvs (Python 3.13) live inside the chroot and are mounted over /src/store/.venv and
# /src/.venv-qgis in that namespace only, so the host's venvs in the checkout are never touched.
# Downloaded .debs are kept in $SAFESTATS_MATRIX_DIR/debs between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

if [ "$(id -u)" != 0 ]; then
  echo "test-matrix.sh needs root (debootstrap, chroot, mounts)" >&2
  exit 1
fi
if [ -z "${SAFESTATS_MATRIX_NS:-}" ]; then
  # private mount namespace: nothing mounted here is seen by (or left behind on) the host
  exec env SAFESTATS_MATRIX_NS=1 unshare --mount --propagation private bash "$0" "$@"
fi

MATRIX_DIR=${SAFESTATS_MATRIX_DIR:-/var/tmp/safestats-matrix}
ROOT=$MATRIX_DIR/trixie
DEBS=$MATRIX_DIR/debs
MIRROR=${SAFESTATS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
VERSIONS=${SAFESTATS_MATRIX_VERSIONS:-"3.40 3.44"}
# The host's CA bundle, for pip inside the chroot. Kept outside /etc/ssl/certs, whose bundle the
# ca-certificates hook rewrites from the chroot's own certificates whenever apt installs packages.
HOST_CA=/etc/ssl/certs/ca-certificates.crt
CHROOT_CA=/etc/safestats-host-ca.crt

started=$(date +%s)
phase_started=$started
TIMES=()
RESULTS=()
phase_done() {
  local now; now=$(date +%s)
  TIMES+=("$(printf '%-34s %4d s' "$1" $((now - phase_started)))")
  phase_started=$now
}

unmount_all() {
  # processes still running inside the chroot (a store or Xvfb a killed test left) hold it: stop them
  local p
  for p in /proc/[0-9]*; do
    if [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ]; then kill -9 "${p#/proc/}" 2>/dev/null || true; fi
  done
  # deepest first
  { findmnt -rn -o TARGET | grep -F "$ROOT/" || true; } | sort -r | while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" || true
  done
}
on_exit() {
  local rc=$?
  unmount_all
  if findmnt -rn -o TARGET | grep -qF "$ROOT/"; then echo "!! mounts left under $ROOT" >&2; rc=1; fi
  exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT TERM

in_chroot() {  # a clean environment: nothing from the host's shell, pip config or venvs leaks in
  chroot "$ROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    PIP_CERT="$CHROOT_CA" SSL_CERT_FILE="$CHROOT_CA" REQUESTS_CA_BUNDLE="$CHROOT_CA" \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 PIP_ROOT_USER_ACTION=ignore \
    CI="${CI:-}" "$@"
}

# ---------------------------------------------------------------- Debian 13 chroot
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
unmount_all
if findmnt -rn -o TARGET | grep -qF "$ROOT/"; then echo "mounts still under $ROOT: not removing it" >&2; exit 1; fi
rm -rf "$ROOT"
mkdir -p "$ROOT" "$DEBS"
echo "== debootstrap Debian 13 (trixie) into $ROOT"
debootstrap --variant=minbase --cache-dir="$DEBS" trixie "$ROOT" "$MIRROR" >"$MATRIX_DIR/debootstrap.log" 2>&1 \
  || { tail -20 "$MATRIX_DIR/debootstrap.log" >&2; exit 1; }
for d in proc sys dev dev/pts; do mount --bind "/$d" "$ROOT/$d"; done
if mountpoint -q /dev/shm; then mount --bind /dev/shm "$ROOT/dev/shm"; fi  # PostgreSQL, Qt shared memory
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount --bind "$DEBS" "$ROOT/var/cache/apt/archives"
rm -f "$ROOT/etc/apt/sources.list"
cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: trixie trixie-updates trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# keep downloaded packages (cache between runs); no services start inside the chroot
rm -f "$ROOT/etc/apt/apt.conf.d/docker-clean"
printf 'Binary::apt::APT::Keep-Downloaded-Packages "true";\nAcquire::Check-Valid-Until "false";\n' \
  >"$ROOT/etc/apt/apt.conf.d/90safestats"
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod +x "$ROOT/usr/sbin/policy-rc.d"
phase_done "debootstrap"

# ---------------------------------------------------------------- the checkout and its venvs
mkdir -p "$ROOT/src" "$ROOT/opt/safestats/store-venv" "$ROOT/opt/safestats/venv-qgis"
mount --bind "$REPO" "$ROOT/src"
# mount points for the chroot's own venvs (empty folders if the host has no venvs yet)
mkdir -p "$REPO/store/.venv" "$REPO/.venv-qgis"
mount --bind "$ROOT/opt/safestats/store-venv" "$ROOT/src/store/.venv"
mount --bind "$ROOT/opt/safestats/venv-qgis" "$ROOT/src/.venv-qgis"

echo "== QGIS, GDAL, Xvfb, PostgreSQL from Debian 13, then the venvs (scripts/setup.sh)"
in_chroot bash -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends ca-certificates git curl >/dev/null'
cp "$HOST_CA" "$ROOT$CHROOT_CA"
set +e
in_chroot bash /src/scripts/setup.sh 2>&1 | grep -v "^W: \|^debconf: \|pg_lsclusters\|invoke-rc.d\|policy-rc.d"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || { echo "!! scripts/setup.sh failed inside the chroot (exit $rc)" >&2; exit 1; }
in_chroot bash -c 'cd /src && store/.venv/bin/python -c "import safestats_store" && .venv-qgis/bin/python -c "import pytest_qgis, qgis.core"' \
  || { echo "!! setup.sh did not finish inside the chroot" >&2; exit 1; }
phase_done "QGIS 3.40 + venvs (setup.sh)"

qgis_version() { in_chroot /usr/bin/python3 -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)' 2>/dev/null | tail -1; }

run_suite() {  # $1: the version expected; remaining: arguments for test-plugin.sh
  local want=$1 have log rc summary
  shift
  have=$(qgis_version)
  log="$MATRIX_DIR/plugin-suite-$want.log"
  echo "== plugin suite on QGIS $have (Debian 13, Python $(in_chroot python3 -c 'import platform; print(platform.python_version())'))"
  if [[ "$have" != "$want".* ]]; then
    echo "!! expected QGIS $want.x, found '$have'" >&2
    RESULTS+=("QGIS $want: NOT INSTALLED (found '$have')")
    return 1
  fi
  set +e
  in_chroot bash -c 'cd /src && export PYTHONPATH=/src/scripts/pytest_plugins PYTEST_ADDOPTS="-p strict_skips" && bash scripts/test-plugin.sh "$@"' \
    suite "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  summary=$(grep -E '^[=]* ?[0-9]+ (passed|failed)|(passed|failed|error).* in [0-9.]+s' "$log" | tail -1 | tr -d '=' | sed 's/^ *//')
  if [ "$rc" = 0 ]; then
    RESULTS+=("QGIS $have (Debian 13): PASSED  $summary")
  else
    RESULTS+=("QGIS $have (Debian 13): FAILED (exit $rc)  $summary")
  fi
  return "$rc"
}

status=0
for version in $VERSIONS; do
  case "$version" in
    3.40) ;;
    3.44)
      echo "== upgrade to QGIS 3.44 LTR from trixie-backports"
      in_chroot bash -c 'apt-get install -y -qq --no-install-recommends -t trixie-backports qgis python3-qgis qgis-providers >/dev/null' \
        || { echo "!! could not install QGIS 3.44 from trixie-backports" >&2; exit 1; }
      phase_done "upgrade to QGIS 3.44"
      ;;
    *) echo "unknown version $version (3.40 or 3.44)" >&2; exit 2 ;;
  esac
  run_suite "$version" "$@" || status=1
  phase_done "plugin suite on QGIS $version"
done

echo
echo "== QGIS version matrix (Debian 13 chroot)"
printf '   %s\n' "${RESULTS[@]}"
echo "== time"
printf '   %s\n' "${TIMES[@]}"
printf '   %-34s %4d s\n' "total" $(($(date +%s) - started))
exit $status
