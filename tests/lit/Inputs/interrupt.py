#!/usr/bin/env python3
"""Presses Ctrl-C on a program: runs CMD..., sends SIGINT each time the
program prints a line that is exactly `ready` (0.2 s later, so the program
is waiting in its event loop by then, not still running Python code where
CPython would raise KeyboardInterrupt on the spot), and prints the program's
stdout, how it ended ("exit N" or "signal NAME") and its last stderr line.
Run it on the Weft binary and on CPython and compare the two transcripts.

usage: interrupt.py CMD...
"""
import os
import signal
import subprocess
import sys
import threading
import time

TIMEOUT = float(os.environ.get("WEFT_TEST_TIMEOUT", "20"))


def main():
    # As from a terminal: lit's workers ignore SIGINT, and an ignored SIGINT
    # is inherited (CPython and Weft then leave it ignored, as they should).
    p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    timer = threading.Timer(TIMEOUT, p.kill)
    timer.start()
    err = []
    reader = threading.Thread(target=lambda: err.append(p.stderr.read()))
    reader.start()
    for line in p.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if line.rstrip("\n") == "ready":
            time.sleep(0.2)
            p.send_signal(signal.SIGINT)
    p.wait()
    reader.join()
    timer.cancel()
    rc = p.returncode
    print(f"signal {signal.Signals(-rc).name}" if rc < 0 else f"exit {rc}")
    tail = [l for l in "".join(err).splitlines() if l.strip()]
    print("stderr:", tail[-1] if tail else "")


if __name__ == "__main__":
    main()
