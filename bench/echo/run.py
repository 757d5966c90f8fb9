#!/usr/bin/env python3
"""The echo benchmark of issue 7: 50 connections, one 64-byte message in
flight each, 5 seconds, driven by the peers' C load client
(../shared/peers/c/echo_client.c) against the Weft server
(bench/echo/echo_server.weft with streams, echo_protocol.weft with a
Protocol) and every peer server this machine can build.

Each server runs pinned to CPU 0 and the client to CPU 1, as
../shared/peers/run_all.sh does. For every server the table gives echoed
messages per second and the server's own user+sys CPU per message (from
/proc/PID/stat over the client's lifetime), each as a ratio to the C epoll
server measured in the same run. On 2 cores loopback TCP is kernel-bound, so
CPU per message is the figure that separates servers.

usage: bench/echo/run.py [--reps N] [--seconds S] [--servers a,b,...]
A peer that cannot be built or run here (no Go, no uvloop, ...) is listed as
skipped, with the reason.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from peerlib import HZ, build_go_peer, build_tokio_peer, cpu_ticks, pinned, python_with, run  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PEERS = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers"))
WEFT = os.environ.get("WEFT", os.path.join(ROOT, "build", "bin", "weft"))
OUT = os.path.join(ROOT, "build", "bench", "echo")


def build_servers(wanted):
    """name -> (argv prefix taking PORT MAX_SECONDS, or None, reason)."""
    os.makedirs(OUT, exist_ok=True)
    servers = {}

    def gcc(src, exe, *flags, compiler="gcc"):
        r = run([compiler, "-O2", *flags, "-o", exe, src])
        return None if r.returncode == 0 else r.stdout.strip().splitlines()[-1:]

    for name, src in (("weft-streams", "echo_server.weft"), ("weft-protocol", "echo_protocol.weft")):
        exe = os.path.join(OUT, name)
        r = run([WEFT, "build", "-O2", os.path.join(HERE, src), "-o", exe])
        servers[name] = ([exe], None) if r.returncode == 0 else (None, "weft build failed: " + r.stdout)

    c_exe = os.path.join(OUT, "echo_server_c")
    err = gcc(os.path.join(PEERS, "c", "echo_server.c"), c_exe)
    servers["c-epoll"] = ([c_exe], None) if not err else (None, f"gcc failed: {err}")

    cpp_exe = os.path.join(OUT, "echo_server_cpp")
    err = gcc(os.path.join(PEERS, "cpp", "echo_server.cpp"), cpp_exe, "-std=c++20", compiler="g++")
    servers["cpp20-gcc"] = ([cpp_exe], None) if not err else (None, f"g++ failed: {err}")

    bench_py = os.path.join(PEERS, "python", "bench.py")
    py = python_with("asyncio")
    for kind in ("streams", "protocol"):
        servers[f"asyncio-{kind}"] = ([py, bench_py, "asyncio", f"echo-{kind}"], None)
    uv = python_with("uvloop")
    for kind in ("streams", "protocol"):
        servers[f"uvloop-{kind}"] = (([uv, bench_py, "uvloop", f"echo-{kind}"], None) if uv
                                     else (None, "no CPython with uvloop (Debian: python3-uvloop)"))

    go, reason = build_go_peer(PEERS, OUT) if "go-p1" in wanted else (None, "not asked for")
    servers["go-p1"] = (go + ["echo"], None) if go else (None, reason)
    tok, reason = build_tokio_peer(PEERS, OUT) if "tokio-ct" in wanted else (None, "not asked for")
    servers["tokio-ct"] = (tok + ["echo"], None) if tok else (None, reason)
    return servers


def client_exe():
    exe = os.path.join(OUT, "echo_client")
    r = run(["gcc", "-O2", "-o", exe, os.path.join(PEERS, "c", "echo_client.c")])
    if r.returncode != 0:
        sys.exit("cannot build the load client: " + r.stdout)
    return exe


def measure(server_argv, client, port, seconds):
    """(msgs/s, server CPU us per message) for one run."""
    srv = subprocess.Popen(pinned(0) + server_argv + [str(port), str(int(seconds) + 20)],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = srv.stdout.readline()
        if "listening" not in line:
            raise RuntimeError(f"server did not start: {line.strip()!r}")
        # taskset and env exec into the server, so srv.pid is the server itself.
        c0 = cpu_ticks(srv.pid)
        r = run(pinned(1) + [client, str(port), "50", str(seconds), "0.5", "64"], timeout=seconds + 30)
        c1 = cpu_ticks(srv.pid)
    finally:
        srv.kill()
        srv.wait()
    fields = dict(kv.split("=", 1) for kv in r.stdout.split() if "=" in kv)
    if r.returncode != 0 or "msgs_per_s" not in fields:
        raise RuntimeError(f"client failed: {r.stdout.strip()}")
    total = int(fields["msgs_total"])
    return float(fields["msgs_per_s"]), (c1 - c0) * 1e6 / HZ / total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=5.0)
    default = "weft-streams,weft-protocol,c-epoll,cpp20-gcc,asyncio-streams,asyncio-protocol,uvloop-streams,uvloop-protocol,go-p1,tokio-ct"
    ap.add_argument("--servers", default=default)
    args = ap.parse_args()
    wanted = args.servers.split(",")
    if "c-epoll" not in wanted:
        wanted.append("c-epoll")  # the reference every ratio needs
    servers = build_servers(wanted)
    client = client_exe()
    results = {name: [] for name in wanted}
    skipped = {}
    port = 27500 + os.getpid() % 1000
    for rep in range(args.reps):
        for name in wanted:  # interleaved: rep 1 of every server, then rep 2, ...
            argv, reason = servers.get(name, (None, "unknown server"))
            if not argv:
                skipped[name] = reason
                continue
            port += 1
            try:
                results[name].append(measure(argv, client, port, args.seconds))
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                skipped[name] = str(e)
            time.sleep(0.2)
    if not results["c-epoll"]:
        sys.exit("the C reference server did not run: " + skipped.get("c-epoll", "?"))
    c_rate = statistics.median(r[0] for r in results["c-epoll"])
    c_cpu = statistics.median(r[1] for r in results["c-epoll"])
    print(f"echo: 50 connections x 64 B, {args.seconds:g} s, median of {args.reps}; ratios to c-epoll")
    print(f"| server | msgs/s | vs C | server CPU us/msg | vs C |")
    print(f"|---|---|---|---|---|")
    for name in wanted:
        runs = results[name]
        if not runs:
            print(f"| {name} | skipped: {skipped.get(name, '?')} | | | |")
            continue
        rate = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        print(f"| {name} | {rate:,.0f} | {rate / c_rate:.2f} | {cpu:.2f} | {cpu / c_cpu:.2f} |")


if __name__ == "__main__":
    main()
