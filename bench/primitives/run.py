#!/usr/bin/env python3
"""Issue 4's benchmarks: a Semaphore-bounded fan-out (100,000 tasks through
Semaphore(100), each sleeping 1 ms: ideal 1.0 s) and a 1,000,000-item Queue
producer/consumer, each run by Weft (bench/primitives/bench.weft built -O2),
CPython asyncio and CPython with uvloop (bench/http/with_uvloop.py), with
ratios. usage: bench/primitives/run.py [--reps N] [--quick]
"""
import argparse
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from peerlib import python_with, result  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WEFT = os.environ.get("WEFT", os.path.join(ROOT, "build", "bin", "weft"))
OUT = os.path.join(ROOT, "build", "bench", "primitives")
SRC = os.path.join(HERE, "bench.weft")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="a tenth of the work")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    exe = os.path.join(OUT, "bench")
    b = subprocess.run([WEFT, "build", "-O2", SRC, "-o", exe], capture_output=True, text=True)
    if b.returncode:
        sys.exit(b.stdout + b.stderr)
    runners = {"weft": [exe], "asyncio": [python_with("asyncio"), SRC]}
    uv = python_with("uvloop")
    if uv:
        runners["uvloop"] = [uv, os.path.join(ROOT, "bench", "http", "with_uvloop.py"), SRC]
    scale = 10 if args.quick else 1
    fan = ["fanout", str(100000 // scale), "100", "0.001"]
    que = ["queue", str(1000000 // scale)]
    rows = {}
    for name, argv in runners.items():
        rows[name] = (statistics.median(float(result(argv + fan)["elapsed_s"]) for _ in range(args.reps)),
                      statistics.median(float(result(argv + que)["items_per_s"]) for _ in range(args.reps)))
    ideal = int(fan[1]) / 100 * 0.001
    print(f"fan-out: {fan[1]} tasks, Semaphore(100), sleep 1 ms (ideal {ideal:.2f} s); "
          f"queue: {que[1]} items; median of {args.reps}")
    print("| runner | fan-out wall | vs ideal | queue items/s | vs CPython |")
    print("|---|---|---|---|---|")
    for name, (wall, rate) in rows.items():
        print(f"| {name} | {wall:.3f} s | {wall / ideal:.2f} | {rate:,.0f} | {rate / rows['asyncio'][1]:.1f} |")
    if not uv:
        print("| uvloop | skipped: no CPython with uvloop (scripts/bench-setup.sh) | | | |")


if __name__ == "__main__":
    main()
