#!/usr/bin/env bash
# test_fuzz.sh — the fuzzing check of `make test` (tests/run.sh runs every
# tests/*/test_*.sh). Builds the libFuzzer targets and runs
# `tests/fuzz/run.sh short`: every regression input is replayed, then each
# target fuzzes for a few seconds from its seed corpus. Prints one line per
# target with the executions done; exits non-zero when a target fails to
# build, crashes, or a regression input fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v clang >/dev/null 2>&1; then
  echo "test_fuzz: clang is not installed (Debian packages clang, libclang-rt-14-dev)" >&2
  exit 1
fi
tests/fuzz/run.sh short
