#!/usr/bin/env python3
"""Differential check of one lit program against CPython, the oracle.

usage: compare.py [--wall-within F] SOURCE EXE [ARG...]   (as %compare %s %t in RUN lines)

Runs `python SOURCE ARG...` (this interpreter) and `EXE ARG...`, each in its
own empty temporary directory with a time limit, and compares what the
conformance rule compares: stdout byte for byte, the exit status, and, when
the exit status is not 0, the last non-empty stderr line (a traceback's
`ExcType: message`; the `Traceback` lines above it are not compared). Prints
what differs and exits 1 on a mismatch, 0 on agreement.
With --wall-within F, Weft's wall time must also be at most (1 + F) times
CPython's, plus 20 ms for process start-up noise (issue 4's examples keep
their wall time within 10% of CPython's: --wall-within 0.1).
Env: WEFT_TEST_TIMEOUT (seconds per program, default 20).
"""

import difflib
import os
import signal
import subprocess
import sys
import tempfile
import time

TIMEOUT = float(os.environ.get("WEFT_TEST_TIMEOUT", "20"))


def run(argv):
    """(exit status or None on timeout, stdout, stderr, wall seconds)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryDirectory(prefix="weft-lit-") as cwd:
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        t0 = time.monotonic()
        try:
            out, err = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            return None, out, err, time.monotonic() - t0
    return p.returncode, out, err, time.monotonic() - t0


def last_line(data):
    lines = [l.rstrip() for l in data.decode("utf-8", "replace").splitlines() if l.strip()]
    return lines[-1] if lines else ""


def describe(rc):
    if rc is None:
        return f"timed out after {TIMEOUT:.0f} s"
    if rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit status {rc}"


def main():
    argv = sys.argv[1:]
    wall_within = None
    if argv[:1] == ["--wall-within"]:
        wall_within, argv = float(argv[1]), argv[2:]
    if len(argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    source, exe, args = os.path.abspath(argv[0]), os.path.abspath(argv[1]), argv[2:]
    exp_rc, exp_out, exp_err, exp_wall = run([sys.executable, source] + args)
    if exp_rc is None:
        sys.exit(f"compare.py: CPython itself {describe(exp_rc)} on {source}")
    got_rc, got_out, got_err, got_wall = run([exe] + args)

    ok = True
    if got_out != exp_out:
        ok = False
        print("stdout differs (--- CPython, +++ weft):")
        diff = difflib.unified_diff(
            exp_out.decode("utf-8", "replace").splitlines(keepends=True),
            got_out.decode("utf-8", "replace").splitlines(keepends=True),
            "python", "weft")
        sys.stdout.writelines(l if l.endswith("\n") else l + "\\ no newline at end\n" for l in diff)
    if got_rc != exp_rc:
        ok = False
        print(f"exit: CPython {describe(exp_rc)}, weft {describe(got_rc)}")
    if exp_rc != 0 and last_line(got_err) != last_line(exp_err):
        ok = False
        print(f"last stderr line: CPython {last_line(exp_err)!r}, weft {last_line(got_err)!r}")
    if wall_within is not None:
        print(f"wall time: CPython {exp_wall:.3f} s, weft {got_wall:.3f} s")
        if got_wall > exp_wall * (1 + wall_within) + 0.02:
            ok = False
            print(f"weft is more than {wall_within:.0%} slower than CPython")
    if not ok:
        tail = got_err.decode("utf-8", "replace").strip().splitlines()[-10:]
        if tail:
            print("weft's stderr (last lines):\n  " + "\n  ".join(tail))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
