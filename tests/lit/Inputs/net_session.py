#!/usr/bin/env python3
"""Starts a server example, talks to it over loopback, and prints a transcript.

usage: net_session.py SCENARIO [--client CMD...] -- SERVER_CMD...

The server is started as `SERVER_CMD... 0` (port 0: a free port) and must
print its address `HOST:PORT` on its first stdout line. The scenario talks to
it with plain sockets and prints every line sent and received, in an order
the scenario fixes, so the same server compiled by Weft and run by CPython
must give the same transcript. At the end the server gets SIGINT, as from
Ctrl-C, and its exit is printed too.

Scenarios:
  chat    examples/chat_server.weft: names, broadcast, /who, /quit, leaving
  http    examples/http_server.weft: keep-alive, pipelining, errors, close
  client  runs `--client CMD... PORT` against the server and prints its
          stdout and exit status (examples/http_client.weft)
"""
import os
import signal
import socket
import subprocess
import sys
import time

TIMEOUT = float(os.environ.get("WEFT_TEST_TIMEOUT", "20"))


def describe(rc):
    return f"killed by {signal.Signals(-rc).name}" if rc < 0 else f"exit {rc}"


class Conn:
    """A client connection named [who], with a deadline on every read."""

    def __init__(self, port, who):
        self.who = who
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buf = b""


class Line(Conn):
    """A line-oriented client."""

    def send(self, text):
        print(f"{self.who} -> {text}")
        self.sock.sendall(text.encode() + b"\n")

    def recv(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                print(f"{self.who} <- EOF" + (f" after {self.buf!r}" if self.buf else ""))
                return None
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        text = line.decode()
        print(f"{self.who} <- {text}")
        return text

    def close(self):
        print(f"{self.who} closes")
        self.sock.close()


def chat(port):
    alice = Line(port, "alice")
    alice.recv()
    alice.send("alice")
    alice.recv()
    bob = Line(port, "bob")
    bob.recv()
    bob.send("bob")
    bob.recv()
    alice.recv()  # * bob joined
    carol = Line(port, "carol")
    carol.recv()
    carol.send("alice")  # taken
    carol.recv()
    carol.recv()  # EOF
    alice.send("hello, bob")
    bob.recv()
    bob.send("/who")
    bob.recv()
    alice.close()  # without /quit: the server must notice the EOF
    bob.recv()  # * alice left
    bob.send("/quit")
    bob.recv()  # EOF, after the server forgot bob
    dave = Line(port, "dave")
    dave.recv()
    dave.send("dave")
    dave.recv()
    dave.send("/who")
    dave.recv()
    dave.close()


class Http(Conn):
    """A raw HTTP/1.1 connection that prints each response it reads."""

    def send(self, raw):
        print(f"{self.who} -> {raw!r}")
        self.sock.sendall(raw)

    def _fill(self):
        data = self.sock.recv(65536)
        self.buf += data
        return bool(data)

    def response(self):
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                print(f"{self.who} <- EOF" + (f" after {self.buf!r}" if self.buf else ""))
                return
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        headers = dict(l.split(": ", 1) for l in lines[1:])
        length = int(headers.get("Content-Length", "0"))
        while len(self.buf) < length:
            if not self._fill():
                break
        body, self.buf = self.buf[:length], self.buf[length:]
        shown = ", ".join(f"{k}: {v}" for k, v in sorted(headers.items()))
        print(f"{self.who} <- {lines[0]} [{shown}] {body!r}")

    def eof(self):
        while self._fill():
            pass
        print(f"{self.who} <- EOF" + (f" after {self.buf!r}" if self.buf else ""))


def http(port):
    a = Http(port, "a")
    for path in ("/", "/", "/item/7"):  # keep-alive: one connection
        a.send(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
        a.response()
    # Pipelined: two requests in one segment, answered in order.
    a.send(b"GET /item/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /item/2 HTTP/1.1\r\nHost: x\r\n\r\n")
    a.response()
    a.response()
    a.send(b"GET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
    a.response()
    a.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
    a.response()
    a.send(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    a.response()
    a.eof()
    b = Http(port, "b")  # HTTP/1.0 closes unless asked to keep alive
    b.send(b"GET / HTTP/1.0\r\n\r\n")
    b.response()
    b.eof()
    c = Http(port, "c")
    c.send(b"NONSENSE\r\n\r\n")
    c.response()
    c.eof()
    d = Http(port, "d")  # a client that goes away mid-request
    d.send(b"GET / HTTP/1.1\r\nHo")
    d.sock.close()
    e = Http(port, "e")  # the server still serves
    e.send(b"GET /item/42 HTTP/1.1\r\nHost: x\r\n\r\n")
    e.response()
    e.sock.close()


def client(port, cmd):
    r = subprocess.run(cmd + [str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=TIMEOUT, text=True)
    sys.stdout.write(r.stdout)
    print(f"client: {describe(r.returncode)}")
    if r.returncode:
        sys.stdout.write(r.stderr)


def main():
    argv = sys.argv[1:]
    if "--" not in argv or not argv:
        sys.exit(__doc__)
    split = argv.index("--")
    scenario, opts, server_cmd = argv[0], argv[1:split], argv[split + 1:]
    # SIGINT as from a terminal (lit's workers ignore it, and children inherit that).
    srv = subprocess.Popen(server_cmd + ["0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        first = srv.stdout.readline().strip()
        print(f"server: {first.rsplit(':', 1)[0]}:PORT")
        port = int(first.rsplit(":", 1)[1])
        if scenario == "chat":
            chat(port)
        elif scenario == "http":
            http(port)
        elif scenario == "client":
            client(port, opts[opts.index("--client") + 1:])
        else:
            sys.exit(f"unknown scenario {scenario}")
        srv.send_signal(signal.SIGINT)
        out, err = srv.communicate(timeout=TIMEOUT)
    finally:
        if srv.poll() is None:
            srv.kill()
    sys.stdout.write(out)
    tail = [l for l in err.splitlines() if l.strip()]
    print(f"server: {describe(srv.returncode)}" + (f", last stderr line: {tail[-1]}" if tail else ""))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
