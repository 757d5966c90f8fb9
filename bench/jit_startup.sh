#!/bin/sh
# jit_startup.sh: start-up cost of `weft run` (parse, check, -O2, JIT, run)
# against CPython on examples/hello.weft; best wall time of N runs, in ms.
# usage: bench/jit_startup.sh [BUILD_DIR] [N]
build=${1:-build}; n=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
python3 - "$root/$build/bin/weft" "$root/examples/hello.weft" "$n" <<'PY'
import subprocess, sys, time
weft, src, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def best(cmd):
    t = []
    for _ in range(n):
        s = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True); t.append(time.perf_counter() - s)
    return min(t) * 1000
print(f"weft run: {best([weft, 'run', src]):.1f} ms   python3: {best(['python3', src]):.1f} ms")
PY
