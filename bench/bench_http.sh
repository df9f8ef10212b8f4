#!/usr/bin/env bash
# bench_http.sh — the write path over HTTP against this machine's limits,
# measured in the same run, on SQLite and on PostgreSQL.
#
# For each backend it starts `qonaq serve --demo` on a fresh database, logs
# in as the demo hotel and measures:
#   1. POST /api/v1/notifications with wrk (a Lua script gives every request
#      its own document number), at BENCH_CONNECTIONS (default "16 64")
#      connections, beside GET /api/v1/ping of the same server at the same
#      connections (the HTTP limit) and beside raw batched inserts of the
#      same rows through the backend's own library (bench_raw: the storage
#      limit). Accepted notifications are counted back through the API.
#      The raw rate is of all the rows a notification writes (person,
#      document, notification, notice, audit events: bench_raw.c); the rate
#      of the notification row alone, the former limit, is printed beside it.
#   2. a 100,000-row CSV batch upload (POST /api/v1/notifications/batch),
#      rows/s beside the same raw insert rate (and, for continuity, beside
#      the notification-row-only rate). The API takes at most 10,000
#      rows per batch unless the server has --batch-max-rows (then one
#      upload of 100,000 rows); with the limit, ten uploads of 10,000.
#   3. the server's peak memory (VmHWM from /proc/PID/status) after all of it.
# Beside each figure: the issue's target, met or missed (no asserts).
# Environment: QONAQ_BIN (default build/qonaq), BENCH_SECONDS (default 8),
# BENCH_CONNECTIONS, BENCH_THREADS (wrk threads, default 2),
# BENCH_SERVER_THREADS (server request threads, default 64: a blocked
# request holds its thread while its group commits, so the threads bound
# the group size), BENCH_BATCH_ROWS (default 100000), BENCH_BACKENDS
# (default "sqlite postgresql").
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${QONAQ_BIN:-$PWD/build/qonaq}
raw=$(dirname "$bin")/bench/bench_raw
secs=${BENCH_SECONDS:-8}
conns_list=${BENCH_CONNECTIONS:-"16 64"}
wthreads=${BENCH_THREADS:-2}
sthreads=${BENCH_SERVER_THREADS:-64}
batch_rows=${BENCH_BATCH_ROWS:-100000}
backends=${BENCH_BACKENDS:-"sqlite postgresql"}
command -v wrk >/dev/null || { echo "bench_http: wrk is not installed"; exit 1; }
[ -x "$raw" ] || { echo "bench_http: $raw is not built"; exit 1; }
tmp=$(mktemp -d /tmp/qonaq-bench-http.XXXXXX)
pid=
pg_started=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  [ -n "$pg_started" ] && scripts/pg_temp.sh stop "$tmp/pg" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_server DB_URL EXTRA_ARGS... : sets pid, base, token
start_server() {
  local db=$1; shift
  local port; port=$(free_port)
  base=http://127.0.0.1:$port
  QONAQ_PWHASH=min "$bin" serve --listen 127.0.0.1:$port --db "$db" --demo --quiet --threads "$sthreads" "$@" \
    >"$tmp/server.out" 2>"$tmp/server.err" &
  pid=$!
  for _ in $(seq 1 400); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.05
  done
  curl -fsS "$base/healthz" >/dev/null || { echo "bench_http: server did not start"; cat "$tmp/server.err"; exit 1; }
  token=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"hotel","password":"demo"}' \
    "$base/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

stop_server() {
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=
}

recorded() {
  curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/notifications?per_page=1" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'
}

metric() { curl -fsS "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

entry=$(date -u -d '-1 day' +%F); to=$(date -u -d '+9 day' +%F)
write_lua() {
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
  local doc = string.format("B%s%02d%08d", "$1", tid, counter)
  local body = '{"foreigner":{"surname":"BENCH","given_names":"MARK","citizenship":"DEU","birth_date":"1980-05-01","sex":"M",' ..
    '"document":{"number":"' .. doc .. '","country":"DEU","expires":"2035-01-01"}},' ..
    '"entry":{"date":"$entry","checkpoint":"ALA"},"arrival_date":"$entry",' ..
    '"address":{"region":"71","text":"Astana, Hotel Demo"},"stay":{"from":"$entry","to":"$to"},"purpose":"tourism"}'
  return wrk.format(nil, "/api/v1/notifications", nil, body)
end
LUA
}

# A CSV of N rows, documents CSV0000001...
python3 - "$tmp/batch.csv" "$batch_rows" "$entry" "$to" <<'PY'
import sys
path, n, entry, to = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(path, "w") as f:
    f.write("foreigner.surname,foreigner.given_names,foreigner.citizenship,foreigner.birth_date,foreigner.sex,"
            "foreigner.document.number,foreigner.document.country,foreigner.document.expires,entry.date,"
            "arrival_date,address.region,address.text,stay.from,stay.to,purpose\n")
    for i in range(1, n + 1):
        f.write(f'GUEST,"ANNA, MARIA",ITA,1990-01-02,F,CSV{i:07d},ITA,2035-01-01,{entry},{entry},71,'
                f'"Astana, Hotel Demo",{entry},{to},tourism\n')
PY

if "$bin" serve --help 2>&1 | grep -q -- '--batch-max-rows'; then
  per_upload=$batch_rows
  batch_args=(--batch-max-rows "$batch_rows")
  "$bin" serve --help 2>&1 | grep -q -- '--max-batch-body' && batch_args+=(--max-batch-body 200000000)
else
  per_upload=10000
  batch_args=()
fi
# The uploads: the CSV cut into files of per_upload rows, each with the header.
python3 - "$tmp/batch.csv" "$per_upload" "$tmp" <<'PY'
import sys
path, per, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path).read().splitlines(True)
head, rows = lines[0], lines[1:]
for k in range(0, len(rows), per):
    with open(f"{out}/upload-{k // per:03d}.csv", "w") as f:
        f.write(head)
        f.writelines(rows[k:k + per])
PY

summary=()
for backend in $backends; do
  case "$backend" in
  sqlite)
    db="sqlite:$tmp/bench.db"
    raw_url="sqlite:$tmp/raw.db"
    raw_rows=100000
    label=SQLite
    ;;
  postgresql)
    if [ -z "$pg_started" ]; then
      eval "$(scripts/pg_temp.sh start "$tmp/pg")" || { echo "bench_http: could not start PostgreSQL"; exit 1; }
      pg_started=1
    fi
    db=$("$raw" --fresh "$QONAQ_TEST_PG")
    raw_url=$QONAQ_TEST_PG
    raw_rows=20000
    label=PostgreSQL
    ;;
  *) echo "bench_http: unknown backend $backend"; exit 1 ;;
  esac
  echo "-- $label"
  read -r raw_rate raw_notif_rate < <("$raw" "$raw_url" "$raw_rows")
  echo "raw batched inserts of the same rows (libsqlite3/libpq, 10,000 notifications per durable transaction):"
  echo "  all rows of a notification (person, document, notification, notice, audit): $raw_rate notifications/s"
  echo "  the notification row alone (the former limit): $raw_notif_rate rows/s"

  start_server "$db" "${batch_args[@]}"
  for c in $conns_list; do
    write_lua "$c"
    before=$(recorded)
    g0=$(metric qonaq_commit_groups_total); j0=$(metric qonaq_commit_jobs_total)
    wrk -t"$wthreads" -c"$c" -d"${secs}s" --latency -s "$tmp/post.lua" "$base" >"$tmp/post-$c.txt"
    after=$(recorded)
    g1=$(metric qonaq_commit_groups_total); j1=$(metric qonaq_commit_jobs_total)
    wrk -t"$wthreads" -c"$c" -d"$(( secs / 2 > 3 ? secs / 2 : 3 ))s" --latency "$base/api/v1/ping" >"$tmp/ping-$c.txt"
    python3 - "$tmp/post-$c.txt" "$tmp/ping-$c.txt" "$((after - before))" "$secs" "$c" "$raw_rate" \
      "$((g1 - g0))" "$((j1 - j0))" "$label" >"$tmp/line.txt" <<'PY'
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
recorded, secs, conns, raw = int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], float(sys.argv[6])
groups, jobs, label = int(sys.argv[7]), int(sys.argv[8]), sys.argv[9]
acc = recorded / secs
r_ping, r_raw = acc / ping[0], acc / raw
met = lambda ok: "met" if ok else "MISSED"
print(f"POST /api/v1/notifications, {conns} connections, {secs:.0f} s, {label}:")
print(f"  {acc:9.0f} accepted/s (counted back)   p50 {post[1]:6.2f} ms   p99 {post[2]:6.2f} ms   non-2xx {post[3]}")
print(f"  group commit: {jobs} submissions in {groups} commits, {jobs / max(groups, 1):.1f} per flush")
print(f"  GET /api/v1/ping same server, same connections: {ping[0]:9.0f} req/s   p99 {ping[2]:6.2f} ms")
print(f"  = {r_ping * 100:5.1f}% of the trivial endpoint (target >= 50%: {met(r_ping >= 0.5)}), "
      f"p99 target < 10 ms: {met(post[2] < 10)}")
print(f"  = {r_raw * 100:5.1f}% of raw batched inserts of the same rows ({raw:.0f} rows/s)")
print(f"SUMMARY {label} notifications c={conns}: {acc:.0f}/s = {r_ping*100:.1f}% of ping [{met(r_ping >= 0.5)}], "
      f"p99 {post[2]:.1f} ms [{met(post[2] < 10)}], {r_raw*100:.1f}% of raw")
PY
    grep -v '^SUMMARY' "$tmp/line.txt"
    summary+=("$(grep '^SUMMARY' "$tmp/line.txt" | sed 's/^SUMMARY //')")
  done

  before=$(recorded)
  t0=$(date +%s.%N)
  for f in "$tmp"/upload-*.csv; do
    curl -fsS -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' --data-binary @"$f" \
      "$base/api/v1/notifications/batch" -o "$tmp/batch-answer.json" || { echo "bench_http: upload failed"; break; }
  done
  t1=$(date +%s.%N)
  after=$(recorded)
  hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  python3 - "$t0" "$t1" "$((after - before))" "$batch_rows" "$per_upload" "$raw_rate" "$hwm" "$label" \
    "$raw_notif_rate" >"$tmp/line.txt" <<'PY'
import sys
t0, t1, accepted, rows, per, raw, hwm, label, raw_notif = (float(sys.argv[1]), float(sys.argv[2]),
    int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7]), sys.argv[8],
    float(sys.argv[9]))
rate = accepted / (t1 - t0)
met = lambda ok: "met" if ok else "MISSED"
how = "one upload" if per >= rows else f"{(rows + per - 1) // per} uploads of {per} (the API's batch limit)"
print(f"batch upload of a {rows}-row CSV ({how}), {label}:")
print(f"  {accepted} rows accepted in {t1 - t0:.1f} s = {rate:.0f} rows/s"
      f" = {rate / raw * 100:.1f}% of raw batched inserts of the same rows ({raw:.0f}/s; target >= 70%:"
      f" {met(rate >= 0.7 * raw)})")
print(f"  (former ratio: {rate / raw_notif * 100:.1f}% of raw inserts of the notification row alone,"
      f" {raw_notif:.0f} rows/s)")
print(f"peak memory of the server (VmHWM) after these loads: {hwm / 1024:.1f} MiB")
print(f"SUMMARY {label} batch: {rate:.0f} rows/s = {rate / raw * 100:.1f}% of raw [{met(rate >= 0.7 * raw)}]"
      f" ({rate / raw_notif * 100:.1f}% of the notification row alone); server VmHWM {hwm / 1024:.1f} MiB")
PY
  grep -v '^SUMMARY' "$tmp/line.txt"
  summary+=("$(grep '^SUMMARY' "$tmp/line.txt" | sed 's/^SUMMARY //')")
  stop_server
done
echo "-- targets"
for line in "${summary[@]}"; do echo "  $line"; done
