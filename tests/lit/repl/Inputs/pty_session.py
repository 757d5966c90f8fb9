#!/usr/bin/env python3
"""Drives the interactive `weft repl` through a pseudo-terminal.

usage: pty_session.py WEFT

Types a multi-line async def and awaits it, then creates a background task
that prints `tick` after 0.2 s, types nothing for 0.5 s, and prints the
screen so far (marked) before typing the next input: FileCheck then sees
whether `tick` appeared while the REPL was waiting for input.
"""
import os
import pty
import select
import sys
import time

pid, fd = pty.fork()
if pid == 0:
    os.environ["HOME"] = os.environ.get("TMPDIR", "/tmp")  # history file
    os.execv(sys.argv[1], [sys.argv[1], "repl"])
out = b""


def pump(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.02)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return


def wait_for(text, seconds=30):
    end = time.time() + seconds
    while text.encode() not in out and time.time() < end:
        pump(0.05)


def send(line):
    os.write(fd, line.encode() + b"\r")
    pump(0.05)


wait_for(">>> ")
for line in ["import asyncio", "async def twice(x: int) -> int:", "    await asyncio.sleep(0.01)",
             "    return 2 * x", ""]:
    send(line)
send("await twice(21)")
wait_for("42")
# Tab completion: "twi" completes to the name defined above (libedit adds a
# space: "await twice (4)"), so the result 8 shows it worked.
os.write(fd, b"await twi")
pump(0.1)
os.write(fd, b"\t")
pump(0.2)
send("(4)")
wait_for("\n8")
for line in ["async def tick() -> None:", "    await asyncio.sleep(0.2)", "    print('tick')", ""]:
    send(line)
send("t = asyncio.create_task(tick())")
wait_for("create_task(tick())")
start = len(out)
pump(0.5)  # nobody types
screen = out[start:].decode(errors="replace").replace("\r", "")
print("---- while idle ----")
print(screen)
print("---- end idle ----")
send("t.done()")
wait_for("True")
# Ctrl-D only once the prompt is up: typed earlier, while the terminal is
# still in cooked mode, the line discipline would swallow it as its own EOF.
mark = out.rfind(b"True")
end = time.time() + 30
while b">>> " not in out[mark:] and time.time() < end:
    pump(0.05)
os.write(fd, b"\x04")
# The REPL must leave on end-of-file; never let a stuck one hang the suite.
status = None
end = time.time() + 10
while status is None and time.time() < end:
    pump(0.1)
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
if status is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    print("---- the REPL did not exit on end-of-file ----")
print("---- after ----")
print(out.decode(errors="replace").replace("\r", ""))
