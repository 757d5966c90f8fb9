#!/usr/bin/env bash
# Command (a) of the README: sets up a fresh Debian 12 machine for Weft.
# Installs the missing packages (apt-get, as root or through sudo; skipped when
# everything is installed, so it also works offline), configures build/ with
# Ninja, builds the compiler, runtime and stdlib, then compiles and runs
# examples/hello.weft as a smoke test.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$WEFT_ROOT"

weft_install_packages
weft_configure_and_build "$@" || weft_die "the build failed (see above)"

weft_log "compiling examples/hello.weft"
"$WEFT_BUILD/bin/weft" build examples/hello.weft -o "$WEFT_BUILD/hello" ||
  weft_die "weft could not compile examples/hello.weft"
weft_log "running $WEFT_BUILD_DIR/hello"
"$WEFT_BUILD/hello" || weft_die "examples/hello.weft built but exited with status $?"
weft_log "done: the compiler is $WEFT_BUILD_DIR/bin/weft"
