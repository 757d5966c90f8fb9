#!/usr/bin/env python3
"""Runs a command and then prints "exit N" on stdout, for FileCheck.

usage: run_status.py [--max-rss-mb N] CMD [ARG...]     (as %status %t in RUN lines)

The command's stdout and stderr pass through; "exit N" is printed after its
stdout, where N is its exit status ("signal NAME" if a signal killed it,
"timeout" after $WEFT_TEST_TIMEOUT s, default 60). The exit status of this
script is 0 unless the command could not be started, so a RUN line can
FileCheck the status of a program that is expected to fail. With
--max-rss-mb, a line "peak rss within N MB" (or "peak rss X MB over N MB")
follows: the command's peak resident set size, from getrusage.
"""

import os
import resource
import signal
import subprocess
import sys


def main():
    argv = sys.argv[1:]
    max_rss_mb = None
    if len(argv) >= 2 and argv[0] == "--max-rss-mb":
        max_rss_mb, argv = float(argv[1]), argv[2:]
    if not argv:
        sys.exit(__doc__.split("\n\n")[1])
    # 60 s: `weft run` of an asyncio program compiles the asyncio stdlib at -O2
    # first (about 5 s alone here); 20 s was exceeded once on a loaded machine.
    timeout = float(os.environ.get("WEFT_TEST_TIMEOUT", "60"))
    sys.stdout.flush()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, timeout=timeout)
        rc = p.returncode
        if rc < 0:
            try:
                status = f"signal {signal.Signals(-rc).name}"
            except ValueError:
                status = f"signal {-rc}"
        else:
            status = f"exit {rc}"
    except subprocess.TimeoutExpired:
        status = "timeout"
    print(status, flush=True)
    if max_rss_mb is not None:
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: kB
        if peak_mb <= max_rss_mb:
            print(f"peak rss within {max_rss_mb:g} MB", flush=True)
        else:
            print(f"peak rss {peak_mb:.0f} MB over {max_rss_mb:g} MB", flush=True)


if __name__ == "__main__":
    main()
