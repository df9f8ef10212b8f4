#!/usr/bin/env bash
# Runs every benchmark program of a build (bench/bench_*.c) and, where present,
# the benchmark scripts bench/bench_*.sh. Each prints its own figures beside the
# baseline it is compared with, measured in the same run.
# Usage: bench/run.sh [BUILD_DIR]  (default build). QONAQ_BENCH_FILTER=regex selects.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-build}
export QONAQ_BIN=$PWD/$out/qonaq QONAQ_ROOT=$PWD
status=0
for b in "$out"/bench/bench_* bench/bench_*.sh; do
  [ -x "$b" ] || continue
  case "$b" in *.d|*.o) continue ;; esac
  if [ -n "${QONAQ_BENCH_FILTER:-}" ] && ! [[ $b =~ $QONAQ_BENCH_FILTER ]]; then continue; fi
  echo "== $(basename "$b")"
  "$b" || { echo "bench: $b failed"; status=1; }
  echo
done
exit $status
