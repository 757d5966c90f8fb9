"""Runs a program (an asyncio one, e.g. examples/http_server.weft) under
CPython with uvloop as the event loop: the same source, uvloop's loop.
usage: python3 with_uvloop.py PROGRAM [ARGS...]"""
import runpy
import sys

import uvloop

uvloop.install()
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
