#!/usr/bin/env bash
# Runs every test program of a build, with a throwaway PostgreSQL server for
# the store conformance suite, and prints the totals as the last line:
#   tests: N passed, N failed
# Usage: tests/run.sh [BUILD_DIR]   (default build/san). Exit 1 if anything failed.
# Environment: QONAQ_TEST_FILTER=regex runs only the matching programs.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/san}
export QONAQ_BIN=$PWD/$out/qonaq
export QONAQ_ROOT=$PWD
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TMPDIR=$(mktemp -d /tmp/qonaq-tests.XXXXXX)
logdir=$out/test-logs
rm -rf "$logdir"; mkdir -p "$logdir"

cleanup() {
  [ -n "${QONAQ_TEST_PG_DIR:-}" ] && scripts/pg_temp.sh stop "$QONAQ_TEST_PG_DIR" >/dev/null 2>&1
  rm -rf "$TMPDIR"
}
trap cleanup EXIT

# A throwaway PostgreSQL for the store suite and the API tests on PostgreSQL:
# failing to start it fails the run (it is never skipped).
if [ -x scripts/pg_temp.sh ]; then
  if ! pg_env=$(scripts/pg_temp.sh start "$TMPDIR/pg"); then
    echo "tests: could not start the throwaway PostgreSQL server" >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
  fi
  eval "$pg_env"   # exports QONAQ_TEST_PG (a postgresql:// URL) and QONAQ_TEST_PG_DIR
fi

passed=0 failed=0
failed_names=()
for t in "$out"/tests/*/test_* tests/*/test_*.sh; do
  [ -e "$t" ] || continue
  case "$t" in *.d|*.o) continue ;; esac
  [ -x "$t" ] || continue
  name=${t#"$out"/tests/}; name=${name#tests/}
  if [ -n "${QONAQ_TEST_FILTER:-}" ] && ! [[ $name =~ $QONAQ_TEST_FILTER ]]; then continue; fi
  log="$logdir/${name//\//_}.log"
  start=$SECONDS
  "$t" >"$log" 2>&1
  rc=$?
  line=$(grep -Eo 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    read -r n f e < <(sed -E 's/Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+)/\1 \2 \3/' <<<"$line")
  elif np=$(grep -Eo '^(# |ℹ )pass [0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+') && [ -n "$np" ]; then
    # node's test runner (the browser tests): "# pass N" or "ℹ pass N", and the fails.
    nf=$(grep -Eo '^(# |ℹ )fail [0-9]+' "$log" | tail -n 1 | grep -Eo '[0-9]+'); nf=${nf:-0}
    n=$((np + nf)); f=$nf; e=0
  elif line=$(grep -Eo '^([a-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1) && [ -n "$line" ]; then
    # A script that counts its own checks prints "N passed, N failed".
    read -r np nf < <(sed -E 's/^([a-z]+: )?([0-9]+) passed, ([0-9]+) failed/\2 \3/' <<<"$line")
    n=$((np + nf)); f=$nf; e=0
  else
    # Any other program (a shell test) counts as one check.
    n=1; f=0; e=0; [ $rc -ne 0 ] && f=1
  fi
  bad=$((f + e))
  if [ $rc -ne 0 ] && [ $bad -eq 0 ]; then bad=1; n=$((n + 1)); fi   # crash or sanitizer report after the checks
  passed=$((passed + n - bad)); failed=$((failed + bad))
  printf '%-40s %4d checks %3d failed  (%ds)\n' "$name" "$n" "$bad" $((SECONDS - start))
  if [ $bad -ne 0 ]; then
    failed_names+=("$name")
    sed -n '1,80p' "$log" | grep -vE '^(Running suite|[0-9]+%: Checks)' | head -n 60 | sed 's/^/    /'
  fi
done

[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
