#!/usr/bin/env bash
# pg_temp.sh — a throwaway PostgreSQL 15 server for tests and benchmarks.
#
#   scripts/pg_temp.sh start DIR   initialise and start a cluster; prints
#                                  export QONAQ_TEST_PG='postgresql://...'
#                                  export QONAQ_TEST_PG_DIR='DIR'
#                                  on stdout (eval it); exit 1 if it cannot start
#   scripts/pg_temp.sh stop DIR    stop it and delete its files
#   scripts/pg_temp.sh crash DIR   SIGKILL the server and all its processes,
#                                  then start it again (crash recovery from
#                                  the WAL); for the crash-safety test
#
# The server listens only on a Unix socket (no TCP), has fsync and
# synchronous_commit on (the durability the tests check is real), and trusts
# local connections, so test programs connect as user postgres without a
# password. PostgreSQL refuses to run as root: when run as root the cluster
# belongs to the system user "qonaqtest" (created if absent) and lives in a
# fresh directory under /tmp that this user owns (DIR may sit inside a
# directory the user cannot enter); DIR records where it is.
set -euo pipefail

pgbin=${QONAQ_PG_BIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u qonaqtest -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
start)
  if [ ! -x "$pgbin/initdb" ]; then
    echo "pg_temp: $pgbin/initdb not found (install postgresql-15)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id qonaqtest >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin qonaqtest >/dev/null 2>&1 ||
        { echo "pg_temp: cannot create the user qonaqtest" >&2; exit 1; }
    fi
  fi
  home=$(mktemp -d /tmp/qonaq-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown qonaqtest "$home"
  chmod 755 "$home"
  echo "$home" >"$dir/cluster"
  if ! as_owner "$pgbin/initdb" -D "$home/data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >"$home/initdb.log" 2>&1; then
    echo "pg_temp: initdb failed:" >&2
    cat "$home/initdb.log" >&2
    exit 1
  fi
  opts="-c listen_addresses='' -c unix_socket_directories='$home' -c port=5432"
  opts="$opts -c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  opts="$opts -c max_connections=200 -c shared_buffers=32MB -c log_min_messages=warning"
  # Crash recovery syncs the data directory first; with the hundreds of test
  # databases one syncfs() is much faster than an fsync per file (PG 14+).
  opts="$opts -c recovery_init_sync_method=syncfs"
  printf '%s\n' "$opts" >"$home/opts"
  if ! as_owner "$pgbin/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 60 -o "$opts" start \
      >/dev/null 2>&1; then
    echo "pg_temp: the server did not start:" >&2
    cat "$home/server.log" >&2 || true
    exit 1
  fi
  url="postgresql:///postgres?host=$home&port=5432&user=postgres"
  if ! psql_out=$("$pgbin/psql" "$url" -Atc 'SELECT 1' 2>&1) || [ "$psql_out" != 1 ]; then
    echo "pg_temp: started but cannot connect: $psql_out" >&2
    exit 1
  fi
  echo "export QONAQ_TEST_PG='$url'"
  echo "export QONAQ_TEST_PG_DIR='$dir'"
  ;;
crash)
  home=$(cat "$dir/cluster")
  main=$(head -n 1 "$home/data/postmaster.pid")
  kids=$(ps --ppid "$main" -o pid= || true)
  kill -9 "$main" $kids 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive=0
    for p in $main $kids; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  # Recovery replays the WAL since the last checkpoint: give a loaded machine time.
  if ! as_owner "$pgbin/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 180 \
      -o "$(cat "$home/opts")" start >/dev/null 2>&1; then
    echo "pg_temp: the server did not restart after the crash:" >&2
    tail -n 20 "$home/server.log" >&2 || true
    exit 1
  fi
  ;;
stop)
  [ -f "$dir/cluster" ] || exit 0
  home=$(cat "$dir/cluster")
  case "$home" in /tmp/qonaq-pg.*) ;; *) echo "pg_temp: bad cluster path $home" >&2; exit 1 ;; esac
  as_owner "$pgbin/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$home"
  rm -f "$dir/cluster"
  ;;
*)
  echo "usage: $0 start|stop|crash DIR" >&2
  exit 2
  ;;
esac
