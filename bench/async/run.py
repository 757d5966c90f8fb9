#!/usr/bin/env python3
"""Async benchmarks: Weft beside the peers of ../shared/peers.

usage: bench/async/run.py [--build-dir build] [--reps 3] [--python] [--quick]

Builds bench/async/bench.weft with `weft build -O2`, the hand-written C
loop of ../shared/peers/c (the practical limit) with gcc -O2, the C++20
coroutine peer with g++, and the Go and tokio peers where this machine has
their toolchains (scripts/bench-setup.sh installs them). It runs each
workload of issue 3 on all of them (and on CPython asyncio and uvloop with
--python: they take minutes), side by side, best of --reps, and prints a
table of figures and ratios:

  spawn    1,000,000 tasks each `await sleep(0)` once, gathered: ns/task, peak RSS
  switch   two tasks ping-ponging 1,000,000 times: ns per one-way hand-off
  memory   100,000 tasks each sleeping 1 s: RSS per task (peak RSS minus N=0's)
           (peak RSS as maxrss.c measures it, free of the runner's own)
  timers   1,000,000 sleeps of random length in [0, 1): wall time over 1 s
  headline 1,000 concurrent 100 ms sleeps, gathered: gather wall
  awaits   1,000,000 awaits of a chain of 10 coroutines that never suspend:
           ns per await, beside CPython running the same file (the peers
           have no such workload; target under 5 ns)

Targets (issue 3): spawn and switch within 1.5x of C, memory <= 128 B/task,
timer overhead <= 0.15 s. --quick divides every N by 10. Not part of the
test command: timings on a shared machine need a quiet one.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from peerlib import build_go_peer, build_tokio_peer, python_with  # noqa: E402


MAXRSS = None  # the maxrss helper, built by build()


def run_rss(cmd, timeout=300):
    """Runs cmd under the maxrss helper, so its own peak RSS is known."""
    import time
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.NamedTemporaryFile("r") as peak:
        p = subprocess.Popen([MAXRSS, peak.name] + cmd, stdout=out, stderr=subprocess.DEVNULL)
        p.wait(timeout=timeout)
        wall = time.perf_counter() - t0
        report = peak.read().strip()
        out.seek(0)
        text = out.read()
    rss = int(report) if report.isdigit() else 0
    return (text if p.returncode == 0 else None), rss, wall


def field(text, key):
    m = re.search(key + r"=([0-9.eE+-]+)", text or "")
    return float(m.group(1)) if m else None


def build(args):
    tmp = tempfile.mkdtemp(prefix="weft-abench-")
    weft_bin = os.path.join(tmp, "bench_weft")
    weft = os.path.join(ROOT, args.build_dir, "bin", "weft")
    subprocess.run([weft, "build", "-O2", os.path.join(HERE, "bench.weft"), "-o", weft_bin], check=True)
    c_src = os.path.join(args.shared, "peers", "c", "bench.c")
    c_bin = os.path.join(tmp, "bench_c")
    subprocess.run(["gcc", "-O2", "-o", c_bin, c_src, "-lm"], check=True)
    global MAXRSS
    MAXRSS = os.path.join(tmp, "maxrss")
    subprocess.run(["gcc", "-O2", "-o", MAXRSS, os.path.join(HERE, "maxrss.c")], check=True)
    cpp_bin = os.path.join(tmp, "bench_cpp")
    cpp = subprocess.run(["g++", "-std=c++20", "-O2", "-o", cpp_bin, os.path.join(args.shared, "peers", "cpp", "bench.cpp")])
    others = [("C++20", [cpp_bin])] if cpp.returncode == 0 else []
    peers_dir = os.path.join(args.shared, "peers")
    for name, builder in (("Go", build_go_peer), ("tokio", build_tokio_peer)):
        argv, reason = builder(peers_dir, tmp)
        if argv:
            others.append((name, argv))
        else:
            print(f"{name}: skipped ({reason})", file=sys.stderr)
    if args.python:
        bench_py = os.path.join(peers_dir, "python", "bench.py")
        others.append(("CPython", [sys.executable, bench_py, "asyncio"]))
        uv = python_with("uvloop")
        if uv:
            others.append(("uvloop", [uv, bench_py, "uvloop"]))
    return tmp, weft_bin, c_bin, others


def best(cmds, reps, metric):
    """Best (lowest) metric over reps; returns (value, text, rss)."""
    results = []
    for _ in range(reps):
        text, rss, wall = run_rss(cmds)
        if text is None:
            continue
        results.append((metric(text, rss, wall), text, rss))
    return min(results, key=lambda r: r[0]) if results else (None, None, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--python", action="store_true", help="also run CPython asyncio (slow)")
    ap.add_argument("--quick", action="store_true", help="N / 10")
    args = ap.parse_args()
    tmp, weft_bin, c_bin, others = build(args)
    scale = 10 if args.quick else 1
    peers = [("weft", [weft_bin]), ("C", [c_bin])] + others

    def per_task(key):
        return lambda text, rss, wall: field(text, key)

    rows = []
    n_spawn = 1_000_000 // scale
    n_mem = 100_000 // scale
    n_timers = 1_000_000 // scale
    for name, base in peers:
        spawn = best(base + ["spawn", str(n_spawn)], args.reps, per_task("ns_per_task"))
        switch = best(base + ["switch", str(1_000_000 // scale)], args.reps, per_task("ns_per_switch"))
        mem = best(base + ["sleep", str(n_mem), "1"], args.reps, lambda t, rss, w: rss)
        mem0 = best(base + ["sleep", "0", "1"], args.reps, lambda t, rss, w: rss)
        timers = best(base + ["timers", str(n_timers)], max(1, args.reps - 1), per_task("elapsed_s"))
        head = best(base + ["sleep", "1000", "0.1"], args.reps, per_task("elapsed_s"))
        mem_per = (mem[0] - mem0[0]) / n_mem if mem[0] and mem0[0] else None
        rows.append((name, spawn[0], spawn[2], switch[0], mem_per, timers[0] - 1 if timers[0] else None, head[0]))
    n_chain = 1_000_000 // scale
    per_await = per_task("ns_per_await")
    w_chain = best([weft_bin, "awaitchain", str(n_chain)], args.reps, per_await)[0]
    py_chain = best([sys.executable, os.path.join(HERE, "bench.weft"), "awaitchain", str(n_chain // 10)], 1, per_await)[0]
    shutil.rmtree(tmp, ignore_errors=True)

    def fmt(v, f):
        return "-" if v is None else f.format(v)

    print(f"\nasync benchmarks (best of {args.reps}{', N/10' if args.quick else ''})")
    print(f"{'peer':8} {'spawn ns/task':>14} {'spawn RSS MiB':>14} {'switch ns':>10} {'mem B/task':>11} {'timers s over':>14} {'headline s':>11}")
    for r in rows:
        print(f"{r[0]:8} {fmt(r[1], '{:.1f}'):>14} {fmt(r[2] / 2**20 if r[2] else None, '{:.1f}'):>14} "
              f"{fmt(r[3], '{:.1f}'):>10} {fmt(r[4], '{:.0f}'):>11} {fmt(r[5], '{:.3f}'):>14} {fmt(r[6], '{:.3f}'):>11}")
    w, c = rows[0], rows[1]
    ratio = lambda a, b: "-" if a is None or not b else f"{a / b:.2f}x"
    print(f"{'weft/C':8} {ratio(w[1], c[1]):>14} {ratio(w[2], c[2]):>14} {ratio(w[3], c[3]):>10} "
          f"{ratio(w[4], c[4]):>11} {ratio(w[5], c[5]):>14} {ratio(w[6], c[6]):>11}")
    print("targets: spawn, switch <= 1.5x C; memory <= 128 B/task; timer overhead <= 0.15 s")
    print(f"\ndirect awaits: weft {fmt(w_chain, '{:.2f}')} ns/await, CPython {fmt(py_chain, '{:.1f}')} ns/await "
          f"({ratio(py_chain, w_chain)} faster); target < 5 ns")


if __name__ == "__main__":
    main()
