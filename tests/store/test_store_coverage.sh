#!/usr/bin/env bash
# test_store_coverage.sh — every operation declared in src/store/store.h (and
# the parts it includes, src/store/store_*.h) is
# called by the shared conformance suite (tests/store/conformance*.h), which
# both backends' programs run. Lists the operations no shared test calls and
# fails if there is any. Run from anywhere: scripts' own directory is found.
set -euo pipefail
cd "$(dirname "$0")/../.."
ops=$(grep -oE '^(qn_code|void|bool|int|size_t|int64_t|const char \*) ?\*?qn_store_[a-z0-9_]+\(' \
        src/store/store.h src/store/store_*.h | grep -oE 'qn_store_[a-z0-9_]+' | sort -u)
missing=()
checked=0
for op in $ops; do
  checked=$((checked + 1))
  if ! grep -qE "\b${op}\(" tests/store/conformance*.h; then
    missing+=("$op")
  fi
done
for op in "${missing[@]}"; do echo "not called by tests/store/conformance*.h: $op"; done
echo "store operations: $checked declared, ${#missing[@]} without a conformance test"
echo "coverage: $((checked - ${#missing[@]})) passed, ${#missing[@]} failed"
[ ${#missing[@]} -eq 0 ]
