#!/usr/bin/env python3
"""Counts the results in a lit JSON report (lit -o FILE) for scripts/test.sh.

usage: lit_counts.py REPORT.json

Prints one line, "lit: N passed, N failed, N skipped". PASS and FLAKYPASS
are passes; FAIL, XPASS, UNRESOLVED and TIMEOUT are failures; UNSUPPORTED,
SKIPPED and EXCLUDED are skipped; XFAIL (an expected failure) is neither.
A missing or unreadable report (lit crashed or was stopped) is one failure.
"""

import collections
import json
import sys

PASS = {"PASS", "FLAKYPASS"}
FAIL = {"FAIL", "XPASS", "UNRESOLVED", "TIMEOUT"}
SKIP = {"UNSUPPORTED", "SKIPPED", "EXCLUDED"}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            tests = json.load(f).get("tests", [])
    except (OSError, ValueError) as e:
        print(f"lit: no usable report ({e})", file=sys.stderr)
        print("lit: 0 passed, 1 failed, 0 skipped")
        return
    codes = collections.Counter(t.get("code") for t in tests)
    p = sum(codes[c] for c in PASS)
    f = sum(codes[c] for c in FAIL)
    s = sum(codes[c] for c in SKIP)
    print(f"lit: {p} passed, {f} failed, {s} skipped"
          + (f" ({codes['XFAIL']} expected failures)" if codes["XFAIL"] else ""))


if __name__ == "__main__":
    main()
