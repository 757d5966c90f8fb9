#!/usr/bin/env python3
"""Runs a command and then prints "exit N" on stdout, for FileCheck.

usage: run_status.py CMD [ARG...]     (as %status %t in RUN lines)

The command's stdout and stderr pass through; "exit N" is printed after its
stdout, where N is its exit status ("signal NAME" if a signal killed it,
"timeout" after $WEFT_TEST_TIMEOUT s, default 20). The exit status of this
script is 0 unless the command could not be started, so a RUN line can
FileCheck the status of a program that is expected to fail.
"""

import os
import signal
import subprocess
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    timeout = float(os.environ.get("WEFT_TEST_TIMEOUT", "20"))
    sys.stdout.flush()
    try:
        p = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, timeout=timeout)
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


if __name__ == "__main__":
    main()
