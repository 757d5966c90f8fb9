#!/usr/bin/env python3
"""CPU-bound benchmarks: Weft against C++ (g++ -O2) and CPython.

usage: bench/run.py [--build-dir build] [--runs 3] [--timeout 300] [NAME...]

For each bench/NAME.weft (all of them by default, or the NAMEs given) this
builds the program with `BUILD/bin/weft build -O2`, builds its twin
bench/cpp/NAME.cpp with `g++ -O2`, runs each of the two binaries and
`python3 NAME.weft` RUNS times, and keeps the best wall-clock time. It checks
that the three print the same output (a mismatch is marked in the table and
makes the exit status 1) and prints:

    program, weft s, C++ s, python s, weft/C++ ratio, python/weft speedup

Not part of scripts/test.sh. bench/loop/ (the event-loop benchmark) has its
own driver.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def build(cmd, what):
    """Runs a build command; returns None on success, else a short reason."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{what}: {e}"
    if p.returncode != 0:
        tail = p.stdout.strip().splitlines()[-3:]
        print(f"  {what} failed (exit {p.returncode}):\n    " + "\n    ".join(tail), file=sys.stderr)
        return f"{what} failed"
    return None


def best_time(argv, runs, timeout):
    """Returns (best seconds, stdout) over `runs` runs, or (None, reason)."""
    best, out = None, None
    for _ in range(runs):
        t0 = time.perf_counter()
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, f"timed out after {timeout:.0f} s"
        except OSError as e:
            return None, str(e)
        elapsed = time.perf_counter() - t0
        if p.returncode != 0:
            err = p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            return None, f"exit {p.returncode}: {err[0] if err else ''}"
        best = elapsed if best is None else min(best, elapsed)
        out = p.stdout
    return best, out


def fmt(t):
    return f"{t:8.3f}" if t is not None else "     n/a"


def ratio(a, b):
    return f"{a / b:8.2f}x" if a is not None and b else "      n/a"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="benchmarks to run (default: every bench/*.weft)")
    ap.add_argument("--build-dir", default=os.environ.get("WEFT_BUILD_DIR", "build"))
    ap.add_argument("--runs", type=int, default=3, help="runs per program; the best counts")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    ap.add_argument("--python", default="python3")
    ap.add_argument("--cxx", default=os.environ.get("CXX", "g++"))
    opts = ap.parse_args()

    build_dir = opts.build_dir if os.path.isabs(opts.build_dir) else os.path.join(ROOT, opts.build_dir)
    weft = os.path.join(build_dir, "bin", "weft")
    if not os.path.exists(weft):
        print(f"note: {weft} does not exist (build it with scripts/setup.sh); Weft columns will be n/a",
              file=sys.stderr)
    python = shutil.which(opts.python) or opts.python
    names = opts.names or sorted(f[:-5] for f in os.listdir(HERE) if f.endswith(".weft"))

    rows, mismatch = [], False
    with tempfile.TemporaryDirectory(prefix="weft-bench-") as tmp:
        for name in names:
            src = os.path.join(HERE, f"{name}.weft")
            cpp = os.path.join(HERE, "cpp", f"{name}.cpp")
            if not os.path.exists(src):
                sys.exit(f"run.py: no benchmark {src}")
            print(f"{name}: building and timing (best of {opts.runs})", file=sys.stderr, flush=True)
            notes = []
            outs = {}

            weft_t = None
            weft_exe = os.path.join(tmp, f"{name}.weft.bin")
            why = build([weft, "build", src, "-O2", "-o", weft_exe], "weft build") if os.path.exists(weft) else "no weft"
            if why is None:
                weft_t, res = best_time([weft_exe], opts.runs, opts.timeout)
                if weft_t is None:
                    notes.append(f"weft {res}")
                else:
                    outs["weft"] = res
            else:
                notes.append(why)

            cpp_t = None
            if os.path.exists(cpp):
                cpp_exe = os.path.join(tmp, f"{name}.cpp.bin")
                why = build([opts.cxx, "-O2", "-std=c++17", "-o", cpp_exe, cpp], "g++")
                if why is None:
                    cpp_t, res = best_time([cpp_exe], opts.runs, opts.timeout)
                    if cpp_t is None:
                        notes.append(f"C++ {res}")
                    else:
                        outs["C++"] = res
                else:
                    notes.append(why)
            else:
                notes.append("no C++ twin")

            py_t, res = best_time([python, src], opts.runs, opts.timeout)
            if py_t is None:
                notes.append(f"python {res}")
            else:
                outs["python"] = res

            ref = outs.get("python")
            for who, out in outs.items():
                if ref is not None and out != ref:
                    notes.append(f"{who} output differs from CPython's")
                    mismatch = True
            rows.append((name, weft_t, cpp_t, py_t, notes))

    print()
    print(f"{'program':<12}{'weft s':>9}{'C++ s':>9}{'python s':>9}{'weft/C++':>10}{'py/weft':>10}")
    print("-" * 59)
    for name, w, c, p, notes in rows:
        print(f"{name:<12}{fmt(w):>9}{fmt(c):>9}{fmt(p):>9}{ratio(w, c):>10}{ratio(p, w):>10}"
              + (f"   ({'; '.join(notes)})" if notes else ""))
    return 1 if mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
