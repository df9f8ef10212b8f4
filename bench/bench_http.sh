#!/usr/bin/env bash
# bench_http.sh — notifications accepted per second over HTTP, beside the
# rate of a trivial endpoint (/api/v1/ping) of the same server in the same run.
#
# Starts `qonaq serve` on a fresh SQLite database (temp dir), logs in as the
# demo hotel, and drives POST /api/v1/notifications with wrk (a Lua script
# gives every request a unique document number and the Bearer token), then
# GET /api/v1/ping. Prints requests/s, p50/p99 latency, the notifications
# actually recorded (counted back through the API) and the ratio.
# Environment: QONAQ_BIN (default build/qonaq), BENCH_SECONDS (default 10),
# BENCH_CONNECTIONS (default 16), BENCH_THREADS (wrk threads, default 2),
# BENCH_SERVER_THREADS (the server's request threads, default 4).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${QONAQ_BIN:-$PWD/build/qonaq}
secs=${BENCH_SECONDS:-10}
conns=${BENCH_CONNECTIONS:-16}
wthreads=${BENCH_THREADS:-2}
command -v wrk >/dev/null || { echo "bench_http: wrk is not installed"; exit 1; }
tmp=$(mktemp -d /tmp/qonaq-bench-http.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base=http://127.0.0.1:$port
QONAQ_PWHASH=min "$bin" serve --listen 127.0.0.1:$port --db "sqlite:$tmp/bench.db" --demo --quiet --threads "${BENCH_SERVER_THREADS:-4}" \
  >"$tmp/server.out" 2>"$tmp/server.err" &
pid=$!
for _ in $(seq 1 200); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.05
done
curl -fsS "$base/healthz" >/dev/null || { echo "bench_http: server did not start"; cat "$tmp/server.err"; exit 1; }
token=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"hotel","password":"demo"}' \
  "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

entry=$(date -u -d '-1 day' +%F); to=$(date -u -d '+9 day' +%F)
cat >"$tmp/post.lua" <<LUA
local counter = 0
local tid = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
function request()
  counter = counter + 1
  local doc = string.format("B%02d%08d", tid, counter)
  local body = '{"foreigner":{"surname":"BENCH","given_names":"MARK","citizenship":"DEU","birth_date":"1980-05-01","sex":"M",' ..
    '"document":{"number":"' .. doc .. '","country":"DEU","expires":"2035-01-01"}},' ..
    '"entry":{"date":"$entry","checkpoint":"ALA"},"arrival_date":"$entry",' ..
    '"address":{"region":"71","text":"Astana, Hotel Demo"},"stay":{"from":"$entry","to":"$to"},"purpose":"tourism"}'
  return wrk.format(nil, "/api/v1/notifications", nil, body)
end
LUA

wrk -t"$wthreads" -c"$conns" -d"${secs}s" --latency -s "$tmp/post.lua" "$base" >"$tmp/post.txt"
wrk -t"$wthreads" -c"$conns" -d"$(( secs / 2 > 3 ? secs / 2 : 3 ))s" --latency "$base/api/v1/ping" >"$tmp/ping.txt"

recorded=$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/notifications?per_page=1" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')

python3 - "$tmp/post.txt" "$tmp/ping.txt" "$recorded" "$secs" "$conns" <<'PY'
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
post, ping = parse(sys.argv[1]), parse(sys.argv[2])
recorded, secs, conns = int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
accepted = recorded / secs
print(f"POST /api/v1/notifications ({conns} connections, {secs:.0f} s, SQLite):")
print(f"  {post[0]:10.0f} req/s   p50 {post[1]:7.2f} ms   p99 {post[2]:7.2f} ms   non-2xx {post[3]}")
print(f"  {accepted:10.0f} notifications accepted/s ({recorded} recorded, counted back via the API)")
print(f"GET /api/v1/ping (same server, same run):")
print(f"  {ping[0]:10.0f} req/s   p50 {ping[1]:7.2f} ms   p99 {ping[2]:7.2f} ms")
print(f"ratio: notifications accepted/s = {accepted / ping[0] * 100:.1f}% of the ping rate")
PY
