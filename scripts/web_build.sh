#!/usr/bin/env bash
# Builds the web portal into OUT_DIR (default build/web): installs web/'s npm
# packages with `npm ci` when web/package-lock.json changed since the last
# install (from the npm registry only), then runs web/build.mjs (esbuild).
# Called by make for build/web/index.html; see web/README.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/web}
case "$out" in /*) ;; *) out=$root/$out ;; esac
command -v node >/dev/null || { echo "web build: node is missing (scripts/deps.sh build installs it)" >&2; exit 1; }
command -v npm >/dev/null || { echo "web build: npm is missing (scripts/deps.sh build installs it)" >&2; exit 1; }
cd "$root/web"
stamp=node_modules/.qonaq-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # One install at a time (make -j builds build/web and build/san/web at once).
  exec 9>"$root/web/.npm-ci.lock"
  flock 9
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    if ! npm ci --no-audit --no-fund --prefer-offline --loglevel=error >"$root/web/.npm-ci.log" 2>&1; then
      cat "$root/web/.npm-ci.log" >&2
      echo "web build: npm ci failed" >&2
      exit 1
    fi
    rm -f "$root/web/.npm-ci.log"
    echo "$want" >"$stamp"
  fi
fi
exec node build.mjs "$out"
