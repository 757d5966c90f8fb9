"""Helpers the peer benchmarks share (bench/echo, bench/http, bench/async,
bench/primitives, bench/executors): running a command, finding a CPython that
has a module, building the Go and tokio peers, pinning to a CPU, reading a
process's CPU time, and parsing RESULT lines."""
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


def build_go_peer(peers, out):
    """(argv prefix, None) of ../shared/peers/go built into [out], or (None, reason)."""
    go = shutil.which("go")
    if not go:
        return None, "no Go toolchain (Debian: golang-go; scripts/bench-setup.sh)"
    exe = os.path.join(out, "gobench")
    r = run([go, "build", "-o", exe, "."], cwd=os.path.join(peers, "go"),
            env=dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off", GOCACHE=os.path.join(out, "gocache")))
    return (["env", "GOMAXPROCS=1", exe], None) if r.returncode == 0 else (None, "go build failed")


def build_tokio_peer(peers, out):
    """(argv prefix, None) of ../shared/peers/tokio's current-thread runtime, or
    (None, reason). The crate is copied into [out] and built there offline
    against Debian's packaged crates, so ../shared is never written to. The
    copy drops Cargo.lock: Debian's cargo (1.65) cannot read its version 4,
    and offline resolution picks the packaged versions anyway."""
    cargo = shutil.which("cargo")
    if not cargo or not os.path.isdir("/usr/share/cargo/registry"):
        return None, "no cargo or librust-tokio-dev (scripts/bench-setup.sh)"
    src = os.path.join(out, "tokio-src")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(os.path.join(peers, "tokio"), src, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
    r = run([cargo, "build", "--release", "--offline", "-q"], cwd=src,
            env=dict(os.environ, CARGO_TARGET_DIR=os.path.join(out, "tokio-target")))
    exe = os.path.join(out, "tokio-target", "release", "tokbench")
    return ([exe, "ct"], None) if r.returncode == 0 else (None, "cargo build failed: " + r.stdout[-200:])
