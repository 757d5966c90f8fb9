// Errors.cpp: exception helpers for the loop and task code, and the stderr
// report of asyncio's default exception handler ("Exception in callback ...",
// "Task exception was never retrieved"), ending with the exception reported
// as rt-core reports an uncaught one.
#include "task/Errors.h"

#include "loop/EventLoop.h"

#include "weft/rt/wrt_api.h"

namespace weft::rt {

WObj *makeException(WTypeObj *type, WValue msg) {
  WObj *args = nullptr;
  if (msg.tag != WT_UNBOUND) args = newTupleFrom(1, &msg).o;
  WValue r = newException(type, args);
  return r.tag == WT_OBJ ? r.o : nullptr;
}

WObj *makeExceptionStr(WTypeObj *type, std::string_view msg) {
  return makeException(type, newStr(msg));
}

WObj *fetchError() {
  WValue e = errFetch();
  return e.tag == WT_OBJ ? e.o : nullptr;
}

WValue restoreError(WObj *exc) { return wrt_err_restore(wrt_obj(exc)); }

bool isFatalException(WObj *exc) {
  return exc && (isInstance(wrt_obj(exc), T.SystemExit) || isInstance(wrt_obj(exc), T.KeyboardInterrupt));
}

std::string reprString(WValue v) {
  WValue r = repr(v);
  if (r.tag == WT_ERR) {
    fetchError();
    return std::string("<") + typeName(v) + " object>";
  }
  return std::string(strView(r));
}

std::string exceptionLine(WObj *exc) {
  if (!exc) return "<no exception>";
  std::string line = typeName(wrt_obj(exc));
  WValue s = str(wrt_obj(exc));
  if (s.tag == WT_ERR) {
    fetchError();
    return line;
  }
  std::string_view text = strView(s);
  if (!text.empty()) {
    line += ": ";
    line += text;
  }
  return line;
}

void logError(std::string_view message, std::string_view extra, WObj *exc) {
  std::string out(message);
  out += '\n';
  if (!extra.empty()) {
    out += extra;
    out += '\n';
  }
  writeStderr(out);
  // The exception as an uncaught one is reported (traceback header, chained
  // causes, "Type: message").
  if (exc) printException(wrt_obj(exc));
}

void logLoopError(EventLoop *loop, const std::string &message, const std::string &extra, WObj *exc,
                  const char *key, WValue value) {
  if (loop && loop->errorHook && loop->errorHook(loop, message, exc, key, value)) return;
  logError(message, extra, exc);
}

} // namespace weft::rt
