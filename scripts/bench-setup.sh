#!/usr/bin/env bash
# Installs the peers the benchmarks measure Weft against (not needed to build
# or test Weft): wrk for bench/http; CPython's uvloop, Go and tokio for the
# async, echo and HTTP tables. Then run bench/async/run.py, bench/echo/run.py
# and bench/http/run.py.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
weft_install_packages WEFT_BENCH_PACKAGES
