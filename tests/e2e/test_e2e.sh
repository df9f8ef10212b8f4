#!/usr/bin/env bash
# Browser tests of the web portal: installs playwright-core (npm ci), starts
# `$QONAQ_BIN serve --demo` on a free port with a throwaway SQLite database
# (its demo CA in the same folder), serving the portal built beside the
# binary (make builds $(OUT)/web), drives Debian's chromium through
# portal.test.js and checks the printed documents with documents.test.js
# (node's test runner), stops the server. Prints each failed test and exits
# non-zero on failure. Screenshots land in tests/e2e/screenshots/ (git-ignored).
# Environment: QONAQ_BIN (default build/qonaq), CHROMIUM (default /usr/bin/chromium).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${QONAQ_BIN:-$root/build/qonaq}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

fail() { echo "e2e: FAILED: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "no qonaq binary at $bin (build it, or set QONAQ_BIN)"
web=$(dirname "$bin")/web
[ -f "$web/index.html" ] || fail "no built portal at $web (make builds it)"
for tool in pdftoppm pdftotext zbarimg openssl; do
  command -v $tool >/dev/null || fail "$tool is missing (scripts/deps.sh test installs it)"
done
[ -x "$CHROMIUM" ] || fail "no chromium at $CHROMIUM (scripts/deps.sh test installs it)"
command -v node >/dev/null || fail "node is missing (scripts/deps.sh test installs it)"
command -v npm >/dev/null || fail "npm is missing (scripts/deps.sh test installs it)"

cd "$here"
if ! npm ci --prefer-offline --no-audit --no-fund --loglevel=error >npm.log 2>&1; then
  cat npm.log >&2; fail "npm ci"
fi
rm -f npm.log

tmp=$(mktemp -d "${TMPDIR:-/tmp}/qonaq-e2e.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
QONAQ_PWHASH=min QONAQ_WEB_ROOT="$web" "$bin" serve --demo --quiet \
  --listen "127.0.0.1:$port" --db "sqlite:$tmp/qonaq.db" >"$tmp/server.log" 2>&1 &
server_pid=$!
up=0
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then up=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ $up -ne 1 ]; then cat "$tmp/server.log" >&2; fail "the server did not start on port $port"; fi

mkdir -p screenshots
# The portal's flow first, then the documents (two runs, in this order);
# the summed counts are printed last, as node's runner prints them.
rc=0 np=0 nf=0
for f in portal.test.js documents.test.js; do
  QONAQ_URL="http://127.0.0.1:$port" QONAQ_DEMO_CA="$tmp/demo-ca" node --test --test-concurrency=1 \
    --test-reporter=spec "$f" >"$tmp/test.log" 2>&1
  r=$?
  cat "$tmp/test.log"
  p=$(grep -Eo '^ℹ pass [0-9]+' "$tmp/test.log" | tail -n 1 | grep -Eo '[0-9]+'); np=$((np + ${p:-0}))
  q=$(grep -Eo '^ℹ fail [0-9]+' "$tmp/test.log" | tail -n 1 | grep -Eo '[0-9]+'); nf=$((nf + ${q:-0}))
  if [ $r -ne 0 ]; then
    rc=$r
    echo "--- failed tests of $f:" >&2
    grep -E '^\s*✖' "$tmp/test.log" | sort -u >&2
  fi
done
if [ $rc -ne 0 ]; then
  echo "--- server log (last 30 lines):" >&2
  tail -n 30 "$tmp/server.log" >&2
fi
echo "ℹ pass $np"
echo "ℹ fail $nf"
[ $rc -eq 0 ] || fail "portal tests (exit $rc)"
echo "e2e: all portal tests passed"
