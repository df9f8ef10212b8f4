#!/usr/bin/env bash
# Installs, with apt-get, the Debian packages qonaq needs to build, test and run,
# and only those that are missing. Safe to run again: a complete machine does nothing.
# Usage: scripts/deps.sh [build|test|all]   (default: all)
set -euo pipefail

build_pkgs=(
  build-essential pkg-config
  libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev libssl-dev libsodium-dev
  libhpdf-dev libqrencode-dev libcurl4-openssl-dev
  openssl fonts-dejavu-core iso-codes ca-certificates
)
test_pkgs=(
  check postgresql sqlite3 curl clang libclang-rt-14-dev
  poppler-utils zbar-tools wrk procps
  chromium
)
# The portal is built with node and npm (web/build.mjs, esbuild from npm) and
# its browser tests run on node; a machine with node from elsewhere
# (nodesource bundles npm) keeps it, a fresh Debian gets Debian's.
# iso-codes: the country names in kk/ru/en printed on documents (src/doc/names.c).
command -v node >/dev/null 2>&1 || build_pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || build_pkgs+=(npm)

want=("${build_pkgs[@]}")
case "${1:-all}" in
  build) ;;
  test|all) want+=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
