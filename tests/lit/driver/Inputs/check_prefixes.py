#!/usr/bin/env python3
"""Runs `weft check` on every prefix of a program (RELIABILITY.md (b)).

usage: check_prefixes.py SOURCE WORKDIR WEFT_CMD...

Writes each prefix of SOURCE (cut after each character; the whole file
first) to WORKDIR and runs `WEFT_CMD check PREFIX` on it. Each run must end
with exit status 0, or 1 with an "error:" line in its output; a signal, any
other status, or a run longer than 20 s is a bad result. Runs go two at a
time; after a total budget of $WEFT_PREFIX_BUDGET s (default 150) the rest
are skipped (and counted), so the test's time stays bounded. Cut points are
tried coarse to fine (line starts, every 64th character, ... every one), so a
run cut short still samples the whole file. Prints
"full program: exit N" and
"prefixes: N checked, N accepted, N rejected, N bad[, N skipped for time]",
then one line per bad prefix; exits 1 if any were bad.
"""

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

PER_RUN = 20.0


def check(cmd, path):
    """Returns (status, detail): status is 'accepted', 'rejected' or 'bad'."""
    try:
        p = subprocess.run(cmd + ["check", path], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=PER_RUN)
    except subprocess.TimeoutExpired:
        return "bad", f"timed out after {PER_RUN:.0f} s"
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode == 0:
        return "accepted", ""
    if p.returncode == 1 and "error:" in out:
        return "rejected", ""
    if p.returncode < 0:
        return "bad", f"killed by signal {-p.returncode}"
    last = out.strip().splitlines()[-1:] or ["<no output>"]
    return "bad", f"exit status {p.returncode}, last line {last[0]!r}"


def coarse_to_fine(text):
    """Every cut point 0..len-1, ordered so that a run stopped by the time
    budget has still sampled the whole file: line starts first, then every
    64th character, every 32nd, ... every character."""
    order, seen = [], set()
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n" and i + 1 < len(text)]
    for step in (None, 64, 32, 16, 8, 4, 2, 1):
        for n in (starts if step is None else range(0, len(text), step)):
            if n not in seen:
                seen.add(n)
                order.append(n)
    return order


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.split("\n\n")[1])
    source, work, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    budget = float(os.environ.get("WEFT_PREFIX_BUDGET", "150"))
    with open(source, encoding="utf-8") as f:
        text = f.read()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    full = os.path.join(work, "full.weft")
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)
    full_status, detail = check(cmd, full)
    print(f"full program: exit {0 if full_status == 'accepted' else 1}" + (f" ({detail})" if detail else ""))

    deadline = time.monotonic() + budget

    def one(n):
        if time.monotonic() > deadline:
            return n, "skipped", ""
        path = os.path.join(work, f"prefix{n:05d}.weft")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text[:n])
        result = check(cmd, path)
        os.remove(path)
        return (n,) + result

    counts = {"accepted": 0, "rejected": 0, "bad": 0, "skipped": 0}
    bad = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        for n, status, detail in pool.map(one, coarse_to_fine(text)):
            counts[status] += 1
            if status == "bad":
                bad.append(f"bad prefix of {n} characters (ends {text[max(0, n - 20):n]!r}): {detail}")
    checked = counts["accepted"] + counts["rejected"] + counts["bad"]
    line = (f"prefixes: {checked} checked, {counts['accepted']} accepted, "
            f"{counts['rejected']} rejected, {counts['bad']} bad")
    if counts["skipped"]:
        line += f", {counts['skipped']} skipped for time"
    print(line)
    for b in bad:
        print(b)
    return 1 if bad or full_status != "accepted" else 0


if __name__ == "__main__":
    sys.exit(main())
