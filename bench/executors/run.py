#!/usr/bin/env python3
"""Issue 5's benchmarks:
- primes: the primes below 5,000,000 by trial division, split into 16 chunks
  over a ProcessPoolExecutor(2) (primes.weft), against the same program under
  CPython and the C++ twin with two forked processes (primes.cpp);
- round trip: 100,000 tiny jobs, each submitted to a ThreadPoolExecutor with
  run_in_executor and awaited before the next (roundtrip.weft): median and
  p99 latency, against CPython.
usage: bench/executors/run.py [--limit N] [--jobs N] [--skip-cpython]
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from peerlib import result  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WEFT = os.environ.get("WEFT", os.path.join(ROOT, "build", "bin", "weft"))
OUT = os.path.join(ROOT, "build", "bench", "executors")


def build(src, exe):
    r = subprocess.run([WEFT, "build", "-O2", os.path.join(HERE, src), "-o", exe], capture_output=True, text=True)
    if r.returncode:
        sys.exit(r.stdout + r.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=5000000)
    ap.add_argument("--jobs", type=int, default=100000)
    ap.add_argument("--skip-cpython", action="store_true", help="CPython takes ~40 s on the primes")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    py = shutil.which("python3")
    primes_w, primes_c, rt_w = (os.path.join(OUT, n) for n in ("primes", "primes_cpp", "roundtrip"))
    build("primes.weft", primes_w)
    build("roundtrip.weft", rt_w)
    r = subprocess.run(["g++", "-O2", "-o", primes_c, os.path.join(HERE, "primes.cpp")], capture_output=True, text=True)
    if r.returncode:
        sys.exit(r.stdout + r.stderr)
    pargs = [str(args.limit), "2", "16"]
    rows = [("weft", result([primes_w] + pargs)), ("c++ fork x2", result([primes_c] + pargs))]
    if not args.skip_cpython:
        rows.append(("cpython", result([py, os.path.join(HERE, "primes.weft")] + pargs)))
    cpp = float(rows[1][1]["elapsed_s"])
    print(f"primes below {args.limit:,} over 2 processes (16 chunks)")
    print("| runner | primes | wall | vs C++ |")
    print("|---|---|---|---|")
    for name, res in rows:
        print(f"| {name} | {res['primes']} | {float(res['elapsed_s']):.3f} s | {float(res['elapsed_s']) / cpp:.2f} |")
    print()
    print(f"thread-pool round trip, {args.jobs:,} jobs one at a time")
    print("| runner | median | p99 |")
    print("|---|---|---|")
    for name, argv in (("weft", [rt_w]), ("cpython", [py, os.path.join(HERE, "roundtrip.weft")])):
        n = args.jobs if name == "weft" else min(args.jobs, 20000)
        res = result(argv + [str(n)])
        print(f"| {name} | {float(res['median_us']):.1f} us | {float(res['p99_us']):.1f} us |")


if __name__ == "__main__":
    main()
