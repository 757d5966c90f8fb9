#!/usr/bin/env python3
"""The HTTP hello benchmark of issue 7: wrk (Debian package) against
examples/http_server.weft built by Weft, and the same program under CPython
with uvloop (bench/http/with_uvloop.py) and with plain asyncio.

wrk keeps C keep-alive connections busy with `GET /` for S seconds; the
server runs pinned to CPU 0 and wrk to CPU 1. The table gives requests per
second, wrk's mean latency, and the server's user+sys CPU per request (from
/proc/PID/stat), with ratios to uvloop.

usage: bench/http/run.py [--reps N] [--seconds S] [--connections C]
Install the peers first: scripts/bench-setup.sh.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from peerlib import HZ, cpu_ticks, pinned, python_with, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WEFT = os.environ.get("WEFT", os.path.join(ROOT, "build", "bin", "weft"))
OUT = os.path.join(ROOT, "build", "bench", "http")
SERVER = os.path.join(ROOT, "examples", "http_server.weft")


def seconds_of(text):
    """wrk's '1.23ms' / '456.78us' / '1.02s' -> seconds."""
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(2)]
    return float(m.group(1)) * scale


def measure(argv, seconds, conns):
    srv = subprocess.Popen(pinned(0) + argv + ["0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = srv.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError(f"server did not start: {line.strip()!r}")
        port = int(line.rsplit(":", 1)[1])
        c0 = cpu_ticks(srv.pid)
        r = run(pinned(1) + ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", f"http://127.0.0.1:{port}/"],
                timeout=seconds + 30)
        c1 = cpu_ticks(srv.pid)
    finally:
        srv.kill()
        srv.wait()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", r.stdout)
    total = re.search(r"(\d+) requests in", r.stdout)
    lat = re.search(r"Latency\s+(\S+)", r.stdout)
    if r.returncode != 0 or not rate or not total:
        raise RuntimeError("wrk failed: " + r.stdout.strip())
    if "Non-2xx" in r.stdout or "Socket errors" in r.stdout:
        raise RuntimeError("bad responses: " + r.stdout.strip())
    return float(rate.group(1)), seconds_of(lat.group(1)), (c1 - c0) * 1e6 / HZ / int(total.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=50)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: scripts/bench-setup.sh (Debian package wrk)")
    os.makedirs(OUT, exist_ok=True)
    exe = os.path.join(OUT, "http_server_weft")
    b = run([WEFT, "build", "-O2", SERVER, "-o", exe])
    if b.returncode != 0:
        sys.exit("weft build failed: " + b.stdout)
    servers = {"weft": [exe]}
    uv = python_with("uvloop")
    servers["uvloop"] = [uv, os.path.join(HERE, "with_uvloop.py"), SERVER] if uv else None
    servers["asyncio"] = [python_with("asyncio"), SERVER]
    results = {name: [] for name in servers}
    errors = {}
    for _ in range(args.reps):
        for name, argv in servers.items():
            if not argv:
                continue
            try:
                results[name].append(measure(argv, args.seconds, args.connections))
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                errors[name] = str(e)
    ref = results.get("uvloop") or results["weft"]
    ref_name = "uvloop" if results.get("uvloop") else "weft"
    ref_rate = statistics.median(r[0] for r in ref)
    ref_cpu = statistics.median(r[2] for r in ref)
    print(f"http hello: wrk -t1 -c{args.connections} -d{args.seconds}s GET /, median of {args.reps}; "
          f"ratios to {ref_name}")
    print("| server | requests/s | vs | mean latency | server CPU us/request | vs |")
    print("|---|---|---|---|---|---|")
    for name, argv in servers.items():
        runs = results[name]
        if not runs:
            why = errors.get(name, "no CPython with uvloop (scripts/bench-setup.sh)")
            print(f"| {name} | skipped: {why} | | | | |")
            continue
        rate = statistics.median(r[0] for r in runs)
        lat = statistics.median(r[1] for r in runs)
        cpu = statistics.median(r[2] for r in runs)
        print(f"| {name} | {rate:,.0f} | {rate / ref_rate:.2f} | {lat * 1e3:.2f} ms | {cpu:.2f} | {cpu / ref_cpu:.2f} |")


if __name__ == "__main__":
    main()
