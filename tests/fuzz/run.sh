#!/usr/bin/env bash
# run.sh — builds and runs qonaq's libFuzzer targets (tests/fuzz/fuzz_*.c).
#
# Usage: tests/fuzz/run.sh short|long|build|replay [TARGET...]
#   short   each target for QN_FUZZ_SECONDS (default 2) seconds: the `make test` run
#   long    each target for QN_FUZZ_SECONDS (default 300) seconds: `make fuzz`
#   build   only compile
#   replay  only replay the regression inputs
# TARGET names the targets to run (date, ident, stay, ...); default all.
#
# How it works: every source file a target needs is compiled by clang with
# -fsanitize=fuzzer-no-link,address,undefined and the project's warning flags
# into build/fuzz/obj (recompiled only when it or a header it includes
# changed) and archived per target; each target tests/fuzz/fuzz_NAME.c is linked with
# -fsanitize=fuzzer into build/fuzz/fuzz_NAME. Then, per target:
#   1. every file of tests/fuzz/regressions/NAME/ is replayed (one execution
#      each); a crash, sanitizer report or leak fails the run;
#   2. the fuzzer runs from the committed seeds tests/fuzz/corpus/NAME/ plus a
#      working corpus build/fuzz/corpus/NAME/ (new inputs go there, never into
#      the repository); a crash leaves its input in build/fuzz/artifacts/NAME/
#      and fails the run — copy the input into tests/fuzz/regressions/NAME/
#      once the bug is fixed.
# Targets run QN_FUZZ_JOBS at a time (default: the number of CPUs).
# One line per target: "fuzz NAME: N runs in Ss, ok|CRASH|REGRESSION FAILED".
# The last line is "fuzz: N targets, N failed"; the exit status is 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."

mode=${1:-short}
shift || true
case $mode in
  short) secs=${QN_FUZZ_SECONDS:-2} ;;
  long) secs=${QN_FUZZ_SECONDS:-300} ;;
  build | replay) secs=0 ;;
  *) echo "usage: tests/fuzz/run.sh short|long|build|replay [TARGET...]" >&2; exit 2 ;;
esac

CC=${QN_FUZZ_CC:-clang}
out=build/fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CSTD="-std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE"
WARN="-Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla"
# src/ is built by `make` with gcc and -Werror; clang warns about things gcc
# accepts (enum conversions under -Wsign-conversion, vsnprintf with a va_list
# under -Wformat-nonliteral), so here src/ files keep the warnings but not
# -Werror. The fuzz targets themselves are built with -Werror.
SRC_EXTRA="-Wno-error"
BASE="$CSTD -g -O1 -fno-omit-frame-pointer $WARN -Isrc"

# Target table: NAME|source files (globs, relative to src/)|pkg-config packages|extra libs
targets_table() {
  cat <<'EOF'
date|core/*.c||
ident|core/*.c sign/*.c|openssl|
stay|core/*.c||
exitcheck|core/*.c||
workflow|core/*.c||
doc|core/*.c doc/*.c|openssl libqrencode|-lhpdf -lm
sign|core/*.c sign/*.c|openssl|
sign_trust|core/*.c sign/*.c|openssl|
csv|http/csv.c||
router|http/router.c||
json|core/*.c http/*.c service/*.c store/*.c sign/*.c doc/*.c|libmicrohttpd jansson sqlite3 libpq openssl libsodium libqrencode|-lhpdf -lm
decoders|core/*.c http/*.c service/*.c store/*.c sign/*.c doc/*.c|libmicrohttpd jansson sqlite3 libpq openssl libsodium libqrencode|-lhpdf -lm
EOF
}

# compile SRC -> OBJ when stale (the object, or a file listed in its .d, older)
compile() {
  local src=$1 obj=$2 extra=$3
  if [ -f "$obj" ] && [ -f "${obj%.o}.d" ]; then
    local stale=0 dep
    for dep in $(sed -e 's/\\$//' -e 's/^[^:]*://' "${obj%.o}.d" | tr ' ' '\n' | grep -v ':$' | sort -u); do
      [ -n "$dep" ] || continue
      if [ ! -e "$dep" ] || [ "$dep" -nt "$obj" ]; then stale=1; break; fi
    done
    [ $stale -eq 0 ] && return 0
  fi
  mkdir -p "$(dirname "$obj")"
  # shellcheck disable=SC2086
  $CC $BASE $SAN -fsanitize=fuzzer-no-link $extra -MMD -MF "${obj%.o}.d" -c -o "$obj" "$src"
}

build_target() {
  local name=$1 globs=$2 pkgs=$3 libs=$4
  local pcflags="" plibs="" objs=() g f obj extra
  if [ -n "$pkgs" ]; then
    pcflags=$(pkg-config --cflags $pkgs) || return 1
    plibs=$(pkg-config --libs $pkgs) || return 1
  fi
  for g in $globs; do
    for f in src/$g; do
      obj=$out/obj/${f#src/}; obj=${obj%.c}.o
      extra="$pcflags $SRC_EXTRA"
      compile "$f" "$obj" "$extra" || return 1
      objs+=("$obj")
    done
  done
  # The store's migrations are generated C (the Makefile's gen/schema_sql.c).
  if [[ " $globs " == *" store/"* ]]; then
    local gen=$out/gen/schema_sql.c
    local sql newest_sql=""
    for sql in src/store/schema/*/*.sql src/store/schema/embed.sh; do
      [ -z "$newest_sql" ] || [ "$sql" -nt "$newest_sql" ] && newest_sql=$sql
    done
    if [ ! -f "$gen" ] || [ "$newest_sql" -nt "$gen" ]; then
      src/store/schema/embed.sh "$gen" || return 1
    fi
    compile "$gen" "$out/obj/gen/schema_sql.o" "$pcflags $SRC_EXTRA" || return 1
    objs+=("$out/obj/gen/schema_sql.o")
  fi
  local tobj=$out/obj/fuzz/fuzz_$name.o
  compile "tests/fuzz/fuzz_$name.c" "$tobj" "$pcflags -Itests" || return 1
  local bin=$out/fuzz_$name
  local newest=${objs[0]} o
  for o in "${objs[@]}"; do [ "$o" -nt "$newest" ] && newest=$o; done
  # The sources go into an archive so that the linker takes only the objects
  # the target calls (and their dependencies), as the Makefile's layers do.
  local lib=$out/lib_$name.a
  if [ ! -f "$lib" ] || [ "$newest" -nt "$lib" ]; then
    rm -f "$lib"; ar rcs "$lib" "${objs[@]}" || return 1
  fi
  if [ ! -x "$bin" ] || [ "$tobj" -nt "$bin" ] || [ "$lib" -nt "$bin" ]; then
    # shellcheck disable=SC2086
    $CC -g $SAN -fsanitize=fuzzer -o "$bin" "$tobj" "$lib" $plibs $libs -lpthread -lm || return 1
  fi
}

export QN_FUZZ_DATA=${QN_FUZZ_DATA:-$PWD/tests/fuzz/data}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_target NAME: replays the regressions, then fuzzes; writes the result
# line (and, on failure, an excerpt of the log) to $out/logs/NAME.result and
# returns 1 on failure.
run_target() {
  local name=$1 bin=$out/fuzz_$1 log=$out/logs/$1.log res=$out/logs/$1.result
  local status=ok runs=0 start=$SECONDS regs=() f
  # 1. regressions: each file is run once.
  if [ -d "tests/fuzz/regressions/$name" ]; then
    while IFS= read -r -d '' f; do regs+=("$f"); done \
      < <(find "tests/fuzz/regressions/$name" -type f ! -name '*.md' -print0 | sort -z)
  fi
  if [ ${#regs[@]} -gt 0 ]; then
    if ! "$bin" -runs=1 "${regs[@]}" >"$log" 2>&1; then
      status="REGRESSION FAILED"
    fi
    runs=${#regs[@]}
  fi
  # 2. fuzzing from the seeds (with the target's dictionary, if any).
  if [ "$status" = ok ] && [ "$secs" -gt 0 ]; then
    mkdir -p "$out/corpus/$name" "$out/artifacts/$name"
    local seeds=() dict=() rc r
    [ -d "tests/fuzz/corpus/$name" ] && seeds+=("tests/fuzz/corpus/$name")
    [ -f "tests/fuzz/dict/$name.dict" ] && dict=("-dict=tests/fuzz/dict/$name.dict")
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
      "${dict[@]}" -artifact_prefix="$out/artifacts/$name/" "$out/corpus/$name" "${seeds[@]}" >"$log" 2>&1
    rc=$?
    r=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)
    [ -n "$r" ] || r=$(grep -Eo '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    runs=$((runs + ${r:-0}))
    [ $rc -ne 0 ] && status=CRASH
  fi
  {
    echo "fuzz $name: $runs runs in $((SECONDS - start))s, $status"
    if [ "$status" != ok ]; then
      grep -E 'ERROR:|runtime error|SUMMARY|Test unit written|==[0-9]+==|invariant failed' "$log" | head -n 12 |
        sed 's/^/    /'
      echo "    log: $log"
    fi
  } >"$res"
  [ "$status" = ok ]
}

# Phase 1 builds every target (they share objects, so one at a time);
# phase 2 runs them, QN_FUZZ_JOBS at a time (default: the number of CPUs),
# and prints their lines in table order.
jobs=${QN_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
wanted=" $* "
n=0 failed=0
names=()
mkdir -p "$out/logs"
while IFS='|' read -r name globs pkgs libs; do
  [ -n "$name" ] || continue
  if [ $# -gt 0 ] && [[ $wanted != *" $name "* ]]; then continue; fi
  n=$((n + 1))
  log=$out/logs/$name.log
  if ! build_target "$name" "$globs" "$pkgs" "$libs" >"$log" 2>&1; then
    echo "fuzz $name: BUILD FAILED"; sed 's/^/    /' "$log" | head -n 40
    failed=$((failed + 1)); continue
  fi
  if [ "$mode" = build ]; then echo "fuzz $name: built $out/fuzz_$name"; continue; fi
  names+=("$name")
done < <(targets_table)

running=0
for name in "${names[@]}"; do
  run_target "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
for name in "${names[@]}"; do
  cat "$out/logs/$name.result"
  grep -q ', ok$' "$out/logs/$name.result" || failed=$((failed + 1))
done

echo "fuzz: $n targets, $failed failed"
[ $failed -eq 0 ]
