"""Helpers the peer benchmarks share (bench/echo, bench/http, bench/primitives,
bench/executors): running a command, finding a CPython that has a module,
pinning to a CPU, reading a process's CPU time, and parsing RESULT lines."""
import os
import shutil
import subprocess

HZ = os.sysconf("SC_CLK_TCK")


def run(cmd, **kw):
    """Runs [cmd]; stdout and stderr together as text."""
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def python_with(module):
    """A CPython 3 that can import [module], or None."""
    for py in ("python3", "/usr/bin/python3"):
        exe = shutil.which(py)
        if exe and run([exe, "-c", f"import {module}"]).returncode == 0:
            return exe
    return None


def pinned(cpu):
    """The taskset prefix that pins to [cpu], or [] where taskset cannot."""
    return ["taskset", "-c", str(cpu)] if run(["taskset", "-c", "1", "true"]).returncode == 0 else []


def cpu_ticks(pid):
    """utime + stime of [pid] (fields 14 and 15 of /proc/PID/stat), in ticks of HZ."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def result(argv, timeout=900):
    """The key=value pairs of the first RESULT line [argv] prints."""
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    for line in r.stdout.splitlines():
        if line.startswith("RESULT"):
            return dict(kv.split("=", 1) for kv in line.split()[1:])
    raise RuntimeError(f"{' '.join(argv)} failed: {r.stdout}{r.stderr}")
