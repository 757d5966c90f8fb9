# shellcheck shell=bash
# Shared by scripts/setup.sh and scripts/test.sh (sourced, not run): the
# package check, and configuring and building the tree with CMake + Ninja.
# Environment knobs (all optional):
#   WEFT_BUILD_DIR   build directory, relative to the repo root (default: build)
#   WEFT_BUILD_TYPE  CMAKE_BUILD_TYPE (default: RelWithDebInfo, as CMakeLists.txt)
#   WEFT_JOBS        parallel build jobs (default: number of cores)
#   WEFT_SKIP_APT=1  never call apt-get, only report what is missing

WEFT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEFT_BUILD_DIR="${WEFT_BUILD_DIR:-build}"
case "$WEFT_BUILD_DIR" in
  /*) WEFT_BUILD="$WEFT_BUILD_DIR" ;;
  *) WEFT_BUILD="$WEFT_ROOT/$WEFT_BUILD_DIR" ;;
esac
WEFT_BUILD_TYPE="${WEFT_BUILD_TYPE:-RelWithDebInfo}"
WEFT_JOBS="${WEFT_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# The packages a fresh Debian 12 needs (TOOLCHAIN.md).
WEFT_PACKAGES=(cmake ninja-build g++ llvm-19-dev llvm-19-tools libzstd-dev
  libedit-dev antlr4 libantlr4-runtime-dev libgc-dev libgtest-dev
  libbenchmark-dev python3)

weft_log() { printf '==> %s\n' "$*"; }
weft_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The peers the benchmarks compare against (scripts/bench-setup.sh): wrk drives
# the HTTP benchmark; uvloop, Go and tokio (built offline against Debian's
# packaged crates) are peers in the async, echo and HTTP tables.
WEFT_BENCH_PACKAGES=(wrk python3-uvloop golang-go gcc g++ cargo librust-tokio-dev)

# Installs whatever in the named package list (default WEFT_PACKAGES) is
# missing. Nothing is fetched when dpkg already reports every package
# installed, so this works offline.
weft_install_packages() {
  local -n wanted="${1:-WEFT_PACKAGES}"
  if ! command -v dpkg-query >/dev/null 2>&1; then
    weft_log "no dpkg here (not Debian?): skipping the package check"
    return 0
  fi
  local missing=() p
  for p in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    weft_log "all ${#wanted[@]} required packages are installed"
    return 0
  fi
  weft_log "missing packages: ${missing[*]}"
  if [ "${WEFT_SKIP_APT:-0}" = 1 ]; then
    weft_die "WEFT_SKIP_APT=1: install them by hand: apt-get install -y ${missing[*]}"
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo -n)   # never prompt: CI has no stdin
    else
      weft_die "not root and no sudo: run as root, or: apt-get install -y ${missing[*]}"
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update ||
    weft_die "apt-get update failed (offline, or sudo needs a password?)"
  # The whole list, as TOOLCHAIN.md gives it: apt skips what is present.
  "${sudo[@]}" apt-get install -y "${wanted[@]}" ||
    weft_die "apt-get install failed"
}

# Configures WEFT_BUILD with the extra -D options given as arguments, then
# builds everything. Returns non-zero (does not exit) when the build fails,
# so test.sh can still print its closing line.
weft_configure_and_build() {
  local args=(-S "$WEFT_ROOT" -B "$WEFT_BUILD" "-DCMAKE_BUILD_TYPE=$WEFT_BUILD_TYPE" "$@")
  # A fresh tree gets Ninja; an existing one keeps the generator it was made with.
  if [ ! -f "$WEFT_BUILD/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
    args+=(-G Ninja)
  fi
  weft_log "configuring $WEFT_BUILD ($WEFT_BUILD_TYPE $*)"
  cmake "${args[@]}" || { printf 'error: cmake configure failed\n' >&2; return 1; }
  weft_log "building with $WEFT_JOBS jobs"
  cmake --build "$WEFT_BUILD" -j "$WEFT_JOBS" || { printf 'error: build failed\n' >&2; return 1; }
  [ -x "$WEFT_BUILD/bin/weft" ] || { printf 'error: build finished but %s is missing\n' "$WEFT_BUILD/bin/weft" >&2; return 1; }
}
