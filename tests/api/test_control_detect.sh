#!/usr/bin/env bash
# test_control_detect.sh — the daily detection of `qonaq serve` (issue 7):
# the server runs qn_svc_violations_detect as the system on its own, logs
# one JSON line per run and records what it finds. --detect-on-start runs it
# once at start-up (the daily time itself is not waited for: no timing is
# asserted). Checks, on a fresh demo database (the demo foreigner entered 20
# days ago and was never notified: one missing notification):
#   - the run's log line, with the count of missing notifications recorded;
#   - the case is on record (analyst's counts over the API);
#   - --no-detect starts no run; --detect-at refuses a bad time (exit 2).
# Run by tests/run.sh with $QONAQ_BIN set; prints "N passed, N failed".
set -uo pipefail
Q=${QONAQ_BIN:-build/san/qonaq}
dir=$(mktemp -d "${TMPDIR:-/tmp}/qonaq-detect.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

start() { # start LOG ARGS...: a server on a free port; sets pid and base
  local log=$1; shift
  local p; p=$(port)
  base="http://127.0.0.1:$p"
  QONAQ_PWHASH=min "$Q" serve --listen "127.0.0.1:$p" --db "sqlite:$dir/q.db" --demo --quiet "$@" >"$log.out" 2>"$log" &
  pid=$!
  for _ in $(seq 1 200); do curl -fs "$base/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server did not start: $(cat "$log")"; return 1
}
stop() { kill "$pid"; wait "$pid"; local rc=$?; pid=; return $rc; }

# 1. --no-detect: no run at all.
start "$dir/none.log" --no-detect || exit 1
sleep 0.5
stop; check "no-detect server exits 0" '[ $? -eq 0 ]'
check "no-detect: no detection line" '! grep -q "detection run" "$dir/none.log"'

# 2. --detect-on-start: one run, logged with its counts.
start "$dir/run.log" --detect-on-start || exit 1
for _ in $(seq 1 100); do grep -q '"detection run"' "$dir/run.log" && break; sleep 0.1; done
line=$(grep '"detection run"' "$dir/run.log" | head -n 1)
check "detection line logged" '[ -n "$line" ]'
check "the line is JSON" 'jq -e . <<<"$line" >/dev/null 2>&1'
check "the missing notification of the demo foreigner was recorded" \
  '[ "$(jq -r .missing_created <<<"$line")" -ge 1 ]'
tok=$(curl -fs -H 'Content-Type: application/json' -d '{"username":"analyst","password":"demo"}' \
  "$base/api/v1/auth/login" | jq -r .token)
total=$(curl -fs -H "Authorization: Bearer $tok" "$base/api/v1/stats/violations" | jq -r .total)
check "the case is on record (analyst counts $total)" '[ "${total:-0}" -ge 1 ]'
stop; check "server with the detection thread exits 0" '[ $? -eq 0 ]'

# 3. A restart runs again and records nothing twice.
start "$dir/again.log" --detect-on-start --detect-at 03:15 || exit 1
for _ in $(seq 1 100); do grep -q '"detection run"' "$dir/again.log" && break; sleep 0.1; done
line=$(grep '"detection run"' "$dir/again.log" | head -n 1)
check "second run: nothing created twice" '[ "$(jq -r .missing_created <<<"$line")" = 0 ]'
check "second run: the case already recorded" '[ "$(jq -r .missing_known <<<"$line")" -ge 1 ]'
stop

# 4. A bad time is refused.
"$Q" serve --detect-at 25:00 --db "sqlite:$dir/q.db" >/dev/null 2>"$dir/bad.log"
check "--detect-at 25:00 exits 2" '[ $? -eq 2 ]'
check "the error names --detect-at" 'grep -q -- "--detect-at" "$dir/bad.log"'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
