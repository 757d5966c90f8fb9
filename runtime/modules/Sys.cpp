// Sys.cpp: the native `sys` module: argv (recorded by wrt_main), exit
// (raises SystemExit, which wrt_main turns into the exit status),
// exception/exc_info (the exception being handled), the
// stdin/stdout/stderr stream objects shared with print(), and the constants
// scripts test (maxsize, platform, version_info, byteorder).
#include "core/Text.h"

namespace weft::rt {

namespace {

WValue s_exit(WNativeFunc *, WValue *a) {
  WValue args = a[0].tag == WT_UNBOUND ? newTuple(0) : newTupleOf({a[0]});
  WValue e = newException(T.SystemExit, args.o);
  if (e.tag == WT_ERR) return e;
  return raiseValue(e);
}

WValue s_getrecursionlimit(WNativeFunc *, WValue *) { return wrt_int(1000); }
WValue s_setrecursionlimit(WNativeFunc *, WValue *a) {
  if (!isIntLike(a[0]))
    return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer",
                       typeName(a[0]));
  if (a[0].i < 1) return raise(T.ValueError, "recursion limit must be greater or equal than 1");
  return wrt_none();
}

/// sys.exception(): the exception being handled (an except or finally block
/// of this task or thread), or None.
WValue s_exception(WNativeFunc *, WValue *) {
  WValue e = getHandled();
  return e.tag == WT_OBJ ? e : wrt_none();
}

/// sys.exc_info(): (type, value, traceback); Weft keeps no traceback objects.
WValue s_exc_info(WNativeFunc *, WValue *) {
  WValue e = getHandled();
  if (e.tag != WT_OBJ) return newTupleOf({wrt_none(), wrt_none(), wrt_none()});
  return newTupleOf({wrt_obj(typeOf(e)), e, wrt_none()});
}

WValue initSys() {
  WValue m = newModule("sys");
  moduleSet(m, "argv", getArgv());
  moduleSet(m, "exit", makeNative("exit", s_exit, "status=?, /"));
  moduleSet(m, "exception", makeNative("exception", s_exception, ""));
  moduleSet(m, "exc_info", makeNative("exc_info", s_exc_info, ""));
  moduleSet(m, "getrecursionlimit", makeNative("getrecursionlimit", s_getrecursionlimit, ""));
  moduleSet(m, "setrecursionlimit",
            makeNative("setrecursionlimit", s_setrecursionlimit, "limit, /"));
  moduleSet(m, "stdout", stdStream(1));
  moduleSet(m, "stderr", stdStream(2));
  moduleSet(m, "stdin", stdinFile());
  moduleSet(m, "__stdout__", stdStream(1));
  moduleSet(m, "__stderr__", stdStream(2));
  moduleSet(m, "maxsize", wrt_int(INT64_MAX));
  moduleSet(m, "platform", makeStr("linux"));
  moduleSet(m, "byteorder", makeStr("little"));
  moduleSet(m, "version", makeStr("3.11.7 (weft)"));
  // A plain tuple, so `sys.version_info >= (3, 8)` compares as in CPython.
  moduleSet(m, "version_info", newTupleOf({wrt_int(3), wrt_int(11), wrt_int(7),
                                           makeStr("final"), wrt_int(0)}));
  moduleSet(m, "path", newList(0));
  moduleSet(m, "executable", makeStr(""));
  return m;
}

} // namespace

void initSysModule() { registerModule("sys", initSys); }

} // namespace weft::rt
