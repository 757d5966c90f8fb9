#!/usr/bin/env python3
"""Runs the GoogleTest binaries that CTest knows about and counts their tests.

usage: run_unit.py BUILD_DIR RESULTS_DIR [--timeout SECONDS]

Part of scripts/test.sh. The list of test commands comes from
`ctest --show-only=json-v1`, so a test added to tests/CMakeLists.txt is picked
up without touching this script. Each binary runs with a time limit and
GTEST_OUTPUT pointing at a JSON report; the individual test cases in the
reports are what is counted. A binary that crashes, times out or fails
without a report (an ASan abort, say) counts as one failed test.
The last line printed is "unit: N passed, N failed, N skipped".
"""

import argparse
import json
import os
import subprocess
import sys


def ctest_commands(build):
    """Returns [(name, argv, cwd, env_list)] for every test CTest lists."""
    try:
        out = subprocess.run(
            ["ctest", "--show-only=json-v1"], cwd=build, check=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"run_unit: cannot list the CTest tests in {build}: {e}")
    tests = []
    for t in json.loads(out).get("tests", []):
        if not t.get("command"):
            continue
        cwd, env = build, []
        for prop in t.get("properties", []):
            if prop.get("name") == "WORKING_DIRECTORY":
                cwd = prop["value"]
            elif prop.get("name") == "ENVIRONMENT":
                env = prop["value"]
        tests.append((t["name"], t["command"], cwd, env))
    return tests


def count_report(path):
    """Returns (passed, failed, skipped, failed_names) from a gtest JSON report."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    passed = failed = skipped = 0
    names = []
    for suite in data.get("testsuites", []):
        for case in suite.get("testsuite", []):
            if case.get("failures"):
                failed += 1
                names.append(f"{suite.get('name')}.{case.get('name')}")
            elif case.get("status") == "NOTRUN" or case.get("result") in ("SKIPPED", "SUPPRESSED"):
                skipped += 1
            else:
                passed += 1
    return passed, failed, skipped, names


def count_output(output):
    """Counts test cases from gtest's console output, for a binary that died
    before writing its report. Returns (passed, failed, skipped, failed_names,
    the test that was running when it died, or None)."""
    passed = failed = skipped = 0
    names, running = [], None
    for line in output.splitlines():
        if line.startswith("[ RUN      ] "):
            running = line[13:].strip()
        elif line.startswith("[       OK ] "):
            passed, running = passed + 1, None
        elif line.startswith("[  SKIPPED ] ") and line.rstrip().endswith(")"):
            skipped, running = skipped + 1, None
        elif line.startswith("[  FAILED  ] ") and line.rstrip().endswith(")"):
            failed, running = failed + 1, None
            names.append(line[13:].split(" (")[0].strip())
    return passed, failed, skipped, names, running


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build")
    ap.add_argument("results")
    ap.add_argument("--timeout", type=float, default=900.0)
    opts = ap.parse_args()
    os.makedirs(opts.results, exist_ok=True)

    totals = [0, 0, 0]
    tests = ctest_commands(opts.build)
    if not tests:
        print("unit: no GoogleTest binaries are registered with CTest")
    for name, argv, cwd, env_list in tests:
        report = os.path.join(opts.results, f"{name}.json")
        if os.path.exists(report):
            os.remove(report)
        env = dict(os.environ)
        for kv in env_list:
            k, _, v = kv.partition("=")
            env[k] = v
        env["GTEST_OUTPUT"] = f"json:{report}"
        env.setdefault("GTEST_COLOR", "no")
        # Boehm GC memory is not malloc'd and is freed by collection, so leak
        # reports from LeakSanitizer would be noise; ASan's memory checks stay on.
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        print(f"--- {name}: {' '.join(argv)}", flush=True)
        try:
            p = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=opts.timeout)
            rc, output, why = p.returncode, p.stdout.decode("utf-8", "replace"), None
        except subprocess.TimeoutExpired as e:
            rc, output = None, (e.stdout or b"").decode("utf-8", "replace")
            why = f"timed out after {opts.timeout:.0f} s"
        except OSError as e:
            rc, output, why = None, "", f"cannot start: {e.strerror}"
        counts = (0, 0, 0, [])
        if os.path.exists(report):
            try:
                counts = count_report(report)
            except (OSError, ValueError) as e:
                why = why or f"unreadable report {report}: {e}"
        p_, f_, s_, names = counts
        if rc != 0 and not os.path.exists(report):
            # It died before writing its report: count what its output shows.
            p_, f_, s_, names, running = count_output(output)
            if running:
                names = names + [f"{running} (running when {name} died)"]
        if rc != 0 and f_ == 0:
            # The binary failed but no test case did: a crash, a sanitizer
            # abort, a timeout or a failure outside any test.
            f_ = 1
            why = why or (f"killed by signal {-rc}" if rc is not None and rc < 0
                          else f"exit status {rc} with no failed test case in its report")
            names = names + [f"{name} ({why})"]
        if f_:
            # The failure messages and gtest's summary, without the OK chatter.
            noise = ("[ RUN      ] ", "[       OK ] ")
            print("\n".join(l for l in output.rstrip().splitlines() if not l.startswith(noise)))
            for n in names:
                print(f"FAILED unit test: {n}")
        print(f"--- {name}: {p_} passed, {f_} failed" + (f", {s_} skipped" if s_ else ""), flush=True)
        totals[0] += p_
        totals[1] += f_
        totals[2] += s_
    print(f"unit: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 1 if totals[1] else 0


if __name__ == "__main__":
    sys.exit(main())
