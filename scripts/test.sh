#!/usr/bin/env bash
# Command (b) of the README: the whole test run, as CI does it (.ci/run).
# 1. the package check and a build with -DWEFT_SANITIZE=ON (the runtime unit
#    tests also run under ASan+UBSan) and -DWEFT_WERROR=OFF;
# 2. the GoogleTest binaries registered with CTest (scripts/run_unit.py);
# 3. lit on tests/lit;
# 4. the shared conformance suite in build mode, then again in run mode
#    (the JIT: `weft run`), allowing the failures listed in
#    tests/conformance/expected-failures.txt (tests/conformance/run.py).
# Every stage runs even when an earlier one failed (except after a failed
# build). The last line is always "N passed, N failed[, N skipped]" over all
# three suites; expected failures count as neither. The exit status is
# non-zero when anything failed unexpectedly.
# Knobs: those of scripts/lib.sh, plus WEFT_SHARED_DIR (default: ../shared
# beside the repo), WEFT_LIT_TIMEOUT (seconds for the whole lit run) and
# WEFT_SKIP_BUILD=1 (test the existing build as it is: no apt, no cmake).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WEFT_ROOT"

LIT=/usr/lib/llvm-19/build/utils/lit/lit.py
RESULTS="$WEFT_BUILD/test-results"
SHARED="${WEFT_SHARED_DIR:-$WEFT_ROOT/../shared}"
passed=0 failed=0 skipped=0
failed_stages=()
start=$SECONDS
weft_log "test run on $(uname -srm), $(nproc) cores, $(python3 --version 2>&1), CI=${CI:-false}"

# Adds the counts of a "...: N passed, N failed[, N skipped]" line to the totals.
add_counts() {
  local line="$1" stage="$2" p f s
  p=$(sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p' <<<"$line")
  f=$(sed -n 's/.* \([0-9][0-9]*\) failed.*/\1/p' <<<"$line")
  s=$(sed -n 's/.* \([0-9][0-9]*\) skipped.*/\1/p' <<<"$line")
  if [ -z "$p" ] || [ -z "$f" ]; then
    printf 'error: %s printed no summary line; counting it as one failure\n' "$stage" >&2
    p=0 f=1
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
}

finish() {
  local mins=$(( (SECONDS - start) / 60 )) secs=$(( (SECONDS - start) % 60 ))
  echo
  if [ ${#failed_stages[@]} -gt 0 ]; then
    echo "unexpected failures in: ${failed_stages[*]} (took ${mins}m${secs}s)"
  else
    echo "all stages passed (took ${mins}m${secs}s)"
  fi
  local summary="$passed passed, $failed failed"
  [ "$skipped" -gt 0 ] && summary+=", $skipped skipped"
  echo "$summary"
  if [ "$failed" -gt 0 ] || [ ${#failed_stages[@]} -gt 0 ]; then exit 1; fi
  exit 0
}

# ---- 1. install check and build
if [ "${WEFT_SKIP_BUILD:-0}" = 1 ]; then
  weft_log "WEFT_SKIP_BUILD=1: testing $WEFT_BUILD as it is"
  [ -x "$WEFT_BUILD/bin/weft" ] || weft_die "$WEFT_BUILD/bin/weft does not exist"
elif ! { (weft_install_packages) && weft_configure_and_build -DWEFT_SANITIZE=ON -DWEFT_WERROR=OFF; }; then
  failed_stages+=(build)
  failed=$((failed + 1))
  finish
fi
rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# ---- 2. unit tests
weft_log "unit tests (GoogleTest)"
set +e
python3 scripts/run_unit.py "$WEFT_BUILD" "$RESULTS/unit" | tee "$RESULTS/unit.log"
unit_rc=${PIPESTATUS[0]}
set -e
add_counts "$(grep '^unit: .* passed' "$RESULTS/unit.log" | tail -n 1)" unit
[ "$unit_rc" -eq 0 ] || failed_stages+=(unit)

# ---- 3. lit
weft_log "lit: tests/lit"
lit_site="$WEFT_BUILD/tests/lit"
set +e
# lit has no per-test timeout here (it needs psutil): the RUN lines bound each
# program (tests/lit/Inputs/compare.py, %weft's timeout), this bounds the whole.
timeout "${WEFT_LIT_TIMEOUT:-1500}" python3 "$LIT" -sv -j "$WEFT_JOBS" -o "$RESULTS/lit.json" "$lit_site"
lit_rc=$?
set -e
if [ "$lit_rc" -eq 124 ]; then
  echo "error: lit did not finish within ${WEFT_LIT_TIMEOUT:-1500} s" >&2
fi
lit_line="$(python3 scripts/lit_counts.py "$RESULTS/lit.json")"
echo "$lit_line"
add_counts "$lit_line" lit
[ "$lit_rc" -eq 0 ] || failed_stages+=(lit)

# ---- 4. conformance, built and then JIT-run
for mode in build run; do
  weft_log "conformance suite ($SHARED/conformance, $mode mode)"
  set +e
  python3 tests/conformance/run.py --weft "$WEFT_BUILD/bin/weft" --shared "$SHARED" \
    --mode "$mode" -j "$WEFT_JOBS" | tee "$RESULTS/conformance-$mode.log"
  conf_rc=${PIPESTATUS[0]}
  set -e
  add_counts "$(grep '^conformance: .* passed' "$RESULTS/conformance-$mode.log" | tail -n 1)" "conformance-$mode"
  [ "$conf_rc" -eq 0 ] || failed_stages+=("conformance-$mode")
done

finish
