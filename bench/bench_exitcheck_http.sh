#!/usr/bin/env bash
# bench_exitcheck_http.sh — border exit checks per second over HTTP on a large
# registry, beside /api/v1/ping of the same server in the same run.
#
# Fills a fresh SQLite database with build/bench/bench_exitcheck
# (QONAQ_BENCH_FILL_URL: N people, 3N crossings, N notifications, permits,
# visas and open cases for a share, and the border account bench-border; the
# citizenship of person n is qn_store_ctl_synth_citizenship, mirrored in the
# Lua table below), starts `qonaq serve` on it, logs in as
# bench-border and drives GET /api/v1/border/exit-check with wrk (a Lua
# script picks a random person's document for every request), then GET
# /api/v1/ping. Prints requests/s, p50/p99 latency, non-2xx answers, the
# ratio, and the p99 against the target of issue 9 (under 2 ms: met or
# MISSED). Each check's audit event is posted to the server's group
# committer (docs/control_api.md §Audit of the exit check): the answers do
# not wait for those writes, which run on the committer's thread. Environment: QONAQ_BIN (default build/qonaq), QONAQ_BENCH_PERSONS
# (default 1000000), BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 8),
# BENCH_THREADS (wrk threads, default 2), BENCH_SERVER_THREADS (default 4).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${QONAQ_BIN:-$PWD/build/qonaq}
filler=$(dirname "$bin")/bench/bench_exitcheck
persons=${QONAQ_BENCH_PERSONS:-1000000}
secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-8}
wthreads=${BENCH_THREADS:-2}
command -v wrk >/dev/null || { echo "bench_exitcheck_http: wrk is not installed"; exit 1; }
[ -x "$filler" ] || { echo "bench_exitcheck_http: $filler is not built"; exit 1; }
tmp=$(mktemp -d /tmp/qonaq-bench-exit.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

QONAQ_BENCH_PERSONS=$persons QONAQ_BENCH_FILL_URL="sqlite:$tmp/bench.db" "$filler"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base=http://127.0.0.1:$port
"$bin" serve --listen 127.0.0.1:$port --db "sqlite:$tmp/bench.db" --quiet --threads "${BENCH_SERVER_THREADS:-4}" \
  --no-detect >"$tmp/server.out" 2>"$tmp/server.err" &
pid=$!
for _ in $(seq 1 200); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done
curl -fsS "$base/healthz" >/dev/null || { echo "bench_exitcheck_http: server did not start"; cat "$tmp/server.err"; exit 1; }
token=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"bench-border","password":"bench-password-1"}' \
  "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

cat >"$tmp/exit.lua" <<LUA
local cit = {[0] = "DEU", [1] = "USA", [2] = "GBR", [3] = "FRA", [4] = "UZB", [5] = "RUS", [6] = "KGZ", [7] = "ARM", [8] = "TJK", [9] = "BLR"}
wrk.headers["Authorization"] = "Bearer $token"
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
function request()
  local id = math.random(1, $persons)
  return wrk.format("GET", "/api/v1/border/exit-check?citizenship=" .. cit[id % 10] .. "&document_number=SY" .. id)
end
LUA

wrk -t"$wthreads" -c"$conns" -d"${secs}s" --latency -s "$tmp/exit.lua" "$base" >"$tmp/exit.txt"
wrk -t"$wthreads" -c"$conns" -d"$(( secs / 2 > 3 ? secs / 2 : 3 ))s" --latency "$base/api/v1/ping" >"$tmp/ping.txt"

python3 - "$tmp/exit.txt" "$tmp/ping.txt" "$secs" "$conns" "$persons" <<'PY'
import re, sys
def parse(path):
    t = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    def pct(p):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, t, re.M)
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
    return rps, pct(50), pct(99), int(non2xx.group(1)) if non2xx else 0
ex, ping = parse(sys.argv[1]), parse(sys.argv[2])
secs, conns, persons = float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
print(f"GET /api/v1/border/exit-check ({persons} people, {conns} connections, {secs:.0f} s, SQLite):")
print(f"  {ex[0]:10.0f} req/s   p50 {ex[1]:7.2f} ms   p99 {ex[2]:7.2f} ms   non-2xx {ex[3]}")
print(f"GET /api/v1/ping (same server, same run):")
print(f"  {ping[0]:10.0f} req/s   p50 {ping[1]:7.2f} ms   p99 {ping[2]:7.2f} ms")
print(f"ratio: exit checks/s = {ex[0] / ping[0] * 100:.1f}% of the ping rate")
met = lambda ok: "met" if ok else "MISSED"
print(f"target (issue 9) exit check p99 < 2 ms on {persons} people: p99 {ex[2]:.2f} ms, {met(ex[2] < 2)}")
PY
