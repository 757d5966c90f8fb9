#!/usr/bin/env python3
"""Runs the shared conformance suite against Weft, allowing listed failures.

usage: tests/conformance/run.py [--weft PATH] [--shared DIR] [--mode build|run]
                                [-j N] [-k TEXT] [--verbose]

Part of scripts/test.sh. It calls the shared runner
(`../shared/conformance/run -v`, beside the repository) on the whole suite
(cases/, reject/, lint/) and sorts each result against
tests/conformance/expected-failures.txt, which lists one case name per line
followed by `# reason: the capability it waits for`:

  - a case that fails and is not listed is a failure: the run fails;
  - a listed case that fails is an expected failure (counted as neither);
  - a listed case that passes is reported as "unexpectedly passed (remove it
    from the list)" and counted as passed, without failing the run.

The last line is "conformance: N passed, N failed, N skipped"; the line before
it counts the expected failures and unexpected passes.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LINE = re.compile(r"^(pass|skip|FAIL) (\S+?)(?:: (.*))?$")


def load_expected(path):
    """Returns {name: reason} from the expected-failures list."""
    expected = {}
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            text, _, comment = raw.partition("#")
            name = text.strip()
            if not name:
                continue
            if " " in name:
                sys.exit(f"{path}:{n}: one case name per line, got {name!r}")
            reason = comment.strip()
            reason = reason[len("reason:"):].strip() if reason.startswith("reason:") else reason
            expected[name] = reason
    return expected


def keys(label):
    """A runner label is SUITE/KIND/NAME; list entries may be NAME or KIND/NAME."""
    parts = label.split("/")
    return {parts[-1], "/".join(parts[-2:])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--weft", default=os.path.join(ROOT, "build", "bin", "weft"))
    ap.add_argument("--shared", default=os.environ.get("WEFT_SHARED_DIR", os.path.join(ROOT, "..", "shared")),
                    help="the shared specs folder (default: $WEFT_SHARED_DIR, else ../shared beside the repo)")
    ap.add_argument("--mode", choices=("build", "run"), default="build")
    ap.add_argument("--expected", default=os.path.join(HERE, "expected-failures.txt"))
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-k", dest="filter", default=None, help="only cases whose name contains TEXT")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per step (default 20)")
    ap.add_argument("--verbose", action="store_true", help="also list the expected failures and their reasons")
    opts = ap.parse_args()

    suite = os.path.normpath(os.path.join(opts.shared, "conformance"))
    runner = os.path.join(suite, "run")
    if not os.path.isfile(runner):
        print(f"conformance: the shared suite is missing: no {runner} "
              "(set WEFT_SHARED_DIR or pass --shared)")
        print("conformance: 0 passed, 1 failed, 0 skipped")
        return 1
    expected = load_expected(opts.expected)

    cmd = [sys.executable, runner, "--weft", opts.weft, "--mode", opts.mode,
           "-j", str(opts.jobs), "--timeout", str(opts.timeout), "-v", suite]
    if opts.filter:
        cmd += ["-k", opts.filter]
    print("conformance: " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")

    passed, failed, skipped, xfail, xpass = [], [], [], [], []
    seen = set()
    for line in p.stdout.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        status, label, reason = m.group(1), m.group(2), m.group(3) or ""
        k = keys(label)
        seen |= k
        listed = next((e for e in expected if e in k), None)
        if status == "skip":
            skipped.append((label, reason))
        elif status == "pass":
            (xpass if listed else passed).append((label, expected.get(listed, "")))
        elif listed:
            xfail.append((label, reason, expected[listed]))
        else:
            failed.append((label, reason))

    if p.returncode != 0 and not failed and not xfail:
        # The runner stopped before judging any case (no weft, bad path, ...).
        print(p.stdout.rstrip())
        print(f"conformance: the runner failed with exit status {p.returncode}")
        failed.append(("runner", f"exit status {p.returncode}"))

    for label, reason in failed:
        print(f"FAIL {label}: {reason}")
    for label, why in xpass:
        print(f"XPASS {label}: unexpectedly passed (remove it from the list)"
              + (f" [listed for: {why}]" if why else ""))
    if opts.verbose:
        for label, reason, why in xfail:
            print(f"XFAIL {label}: {reason} [waits for: {why}]")
    if not opts.filter:
        for name in expected:
            if name not in seen:
                print(f"note: {os.path.relpath(opts.expected)} lists {name!r}, which is not in the suite")
    print(f"conformance: {len(xfail)} expected failures, {len(xpass)} unexpectedly passed")
    print(f"conformance: {len(passed) + len(xpass)} passed, {len(failed)} failed, {len(skipped)} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
