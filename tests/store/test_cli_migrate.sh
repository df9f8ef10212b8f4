#!/usr/bin/env bash
# test_cli_migrate.sh — `qonaq migrate` and `qonaq audit verify` as an operator
# runs them: exit statuses and messages on a fresh, a current, a too-new and
# a tampered SQLite database. Needs $QONAQ_BIN (tests/run.sh sets it).
set -euo pipefail
bin=${QONAQ_BIN:?QONAQ_BIN is not set}
dir=$(mktemp -d "${TMPDIR:-/tmp}/qn-cli.XXXXXX")
trap 'rm -rf "$dir"' EXIT
db="sqlite:$dir/q.db"
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$bin" migrate --db "$db") || fail "migrate of an empty database failed"
[[ $out == "migrated schema from version 0 to "* ]] || fail "unexpected output: $out"
out=$("$bin" migrate --db "$db" --json) || fail "second migrate failed"
# an up-to-date database: from == to == the newest migration (whatever its number)
re='^\{"ok":true,"from":([0-9]+),"to":([0-9]+)\}$'
[[ $out =~ $re && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" && ${BASH_REMATCH[1]} -ge 1 ]] ||
  fail "unexpected JSON: $out"
out=$("$bin" audit verify --db "$db") || fail "verify of an empty chain failed"
[[ $out == "audit chain intact: 0 events" ]] || fail "unexpected output: $out"

set +e
"$bin" migrate --db "mysql://x" 2>/dev/null; [ $? -eq 2 ] || fail "bad URL must exit 2"
"$bin" audit 2>/dev/null; [ $? -eq 2 ] || fail "audit without verify must exit 2"
sqlite3 "$dir/q.db" "INSERT INTO schema_version VALUES (99, '099_future', 0)" 2>/dev/null ||
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO schema_version VALUES (99, '099_future', 0)\"); c.commit()" "$dir/q.db"
msg=$("$bin" migrate --db "$db" 2>&1); rc=$?
set -e
[ $rc -eq 1 ] || fail "a newer schema must exit 1 (got $rc)"
[[ $msg == *"version 99"* ]] || fail "the refusal must name the version: $msg"
echo "ok"
