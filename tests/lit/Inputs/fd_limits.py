#!/usr/bin/env python3
"""Servers at descriptor limits, for the tests of issue 7.

usage:
  fd_limits.py many N -- PROG...   PROG server N (limit raised to N + 200)
                                   prints "listening HOST:PORT"; then
                                   PROG client N PORT (same limit) opens N
                                   connections; both outputs are printed
  fd_limits.py emfile -- PROG...   PROG server 0 under `ulimit -n 64`, then
                                   100 connections from here: the server
                                   must hit EMFILE, log it, keep listening,
                                   and serve the waiting ones once others close
"""
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import time

TIMEOUT = float(os.environ.get("WEFT_TEST_TIMEOUT", "20"))


def with_limit(n):
    def apply():
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        want = n if hard == resource.RLIM_INFINITY else min(n, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    return apply


def start_server(prog, n, limit):
    srv = subprocess.Popen(prog + ["server", str(n)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, text=True, preexec_fn=with_limit(limit))
    first = srv.stdout.readline().strip()
    if not first.startswith("listening"):
        srv.kill()
        sys.exit(f"server did not start: {first!r} {srv.stderr.read()}")
    return srv, int(first.rsplit(":", 1)[1])


def many(n, prog):
    srv, port = start_server(prog, n, n + 200)
    t0 = time.monotonic()
    cli = subprocess.run(prog + ["client", str(n), str(port)], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT * 6,
                         preexec_fn=with_limit(n + 200))
    out, err = srv.communicate(timeout=TIMEOUT)
    print(cli.stdout, end="")
    print(f"client exit {cli.returncode}")
    print(out, end="")
    print(f"server exit {srv.returncode}")
    if srv.returncode:
        print(err)
    print(f"took {time.monotonic() - t0:.1f} s", file=sys.stderr)


def exchange(socks, deadline):
    """Reads one echoed line from each of [socks]; returns those that answered."""
    pending = {s.fileno(): s for s in socks}
    bufs = {fd: b"" for fd in pending}
    answered = []
    while pending and time.monotonic() < deadline:
        ready, _, _ = select.select(list(pending), [], [], max(0.0, deadline - time.monotonic()))
        for fd in ready:
            data = pending[fd].recv(100)
            bufs[fd] += data
            if b"\n" in bufs[fd] or not data:
                answered.append(pending.pop(fd))
    return answered


def emfile(prog):
    srv, port = start_server(prog, 0, 64)
    socks = []
    for i in range(100):  # the kernel completes these handshakes; the server accepts what it can
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        s.sendall(f"ping {i}\n".encode())
        socks.append(s)
    served = exchange(socks, time.monotonic() + 3)
    waiting = [s for s in socks if s not in served]
    print(f"first round: {'some' if 0 < len(served) < 100 else len(served)} served, "
          f"{'some' if waiting else 'none'} waiting")
    for s in served:
        s.close()
    later = exchange(waiting, time.monotonic() + TIMEOUT)
    print(f"after closing the served ones: {len(later)} of {len(waiting)} waiting ones served")
    fresh = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    fresh.sendall(b"fresh\n")
    print("a new connection:", fresh.recv(100))
    for s in waiting + [fresh]:
        s.close()
    srv.send_signal(signal.SIGINT)
    _, err = srv.communicate(timeout=TIMEOUT)
    print(f"server {'killed by SIGINT' if srv.returncode == -signal.SIGINT else 'exit %d' % srv.returncode}")
    logged = [l for l in err.splitlines() if "out of system resource" in l or "Too many open files" in l]
    print("server log:", *sorted(set(logged)), sep="\n  ")


def main():
    args = sys.argv[1:]
    split = args.index("--")
    prog = args[split + 1:]
    if args[0] == "many":
        many(int(args[1]), prog)
    elif args[0] == "emfile":
        emfile(prog)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
