// AsyncioExceptionHandler.cpp: loop.set_exception_handler,
// get_exception_handler, call_exception_handler and
// default_exception_handler. The handler lives in the loop object's
// attributes (scanned by the collector); while one is set, the loop's
// errorHook hands it every error the loop reports (task/Errors.h,
// logLoopError) as CPython's context dict. A handler that raises is itself
// reported, and the original error logged, as CPython does.
#include "modules/AsyncioInternal.h"

#include "core/Text.h"
#include "task/Errors.h"

#include <algorithm>
#include <vector>

namespace weft::rt {

namespace {

WStr *handlerKey() { return internStr("_exception_handler"); }

WValue handlerOf(WValue loopObj) {
  WValue h = getAttrStr(loopObj, "_exception_handler");
  if (h.tag == WT_ERR) {
    errClear();
    return wrt_none();
  }
  return h;
}

/// CPython's default_exception_handler: the message, each other key but
/// the exception as "key: repr(value)" in sorted order, then the exception.
void defaultHandler(WDict *context) {
  WValue msg = dictGetStr(context, internStr("message"));
  std::string message = isStr(msg) && asStr(msg)->nbytes ? std::string(strView(msg)) : "Unhandled exception in event loop";
  WValue exc = dictGetStr(context, internStr("exception"));
  std::vector<std::string> keys;
  WDictEntry *e;
  for (int64_t pos = 0; dictNext(context, pos, e);)
    if (isStr(e->key)) keys.emplace_back(strView(e->key));
  std::sort(keys.begin(), keys.end());
  std::string extra;
  for (const std::string &k : keys) {
    if (k == "message" || k == "exception") continue;
    if (!extra.empty()) extra += '\n';
    extra += k + ": " + reprString(dictGetStr(context, internStr(k)));
  }
  logError(message, extra, isInstance(exc, T.BaseException) ? exc.o : nullptr);
}

WValue makeContext(const std::string &message, WObj *exc, const char *key, WValue value) {
  WValue ctx = newDict();
  dictSetStr(asDict(ctx), internStr("message"), makeStr(message));
  if (exc) dictSetStr(asDict(ctx), internStr("exception"), wrt_obj(exc));
  if (key && value.tag != WT_UNBOUND) dictSetStr(asDict(ctx), internStr(key), value);
  return ctx;
}

/// Calls the user's handler with (loop, context); false if none is set.
bool callHandler(WValue loopObj, WValue context) {
  WValue h = handlerOf(loopObj);
  if (h.tag == WT_NONE || h.tag == WT_UNBOUND) return false;
  WValue args[2] = {loopObj, context};
  if (call(h, 2, args).tag != WT_ERR) return true;
  WObj *exc = fetchError();
  if (isFatalException(exc)) {
    restoreError(exc);  // left pending: the loop's step reports it
    return true;
  }
  WValue ctx = makeContext("Unhandled error in exception handler", exc, "context", context);
  defaultHandler(asDict(ctx));
  return true;
}

bool errorHook(EventLoop *loop, const std::string &message, WObj *exc, const char *key, WValue value) {
  return callHandler(loopObjOf(loop), makeContext(message, exc, key, value));
}

WValue loopSetExceptionHandler(WNativeFunc *, WValue *a) {
  if (a[1].tag != WT_NONE && !isCallable(a[1]))
    return raiseFormat(T.TypeError, "A callable object or None is expected, got %s", reprString(a[1]).c_str());
  if (setAttr(a[0], handlerKey(), a[1]).tag == WT_ERR) return wrt_errv();
  loopOf(a[0])->errorHook = a[1].tag == WT_NONE ? nullptr : &errorHook;
  return wrt_none();
}

WValue loopGetExceptionHandler(WNativeFunc *, WValue *a) { return handlerOf(a[0]); }

WValue loopDefaultExceptionHandler(WNativeFunc *, WValue *a) {
  if (!isKind(a[1], Kind::Dict)) return raiseTypeError("context must be a dict, not %s", typeName(a[1]));
  defaultHandler(asDict(a[1]));
  return wrt_none();
}

WValue loopCallExceptionHandler(WNativeFunc *, WValue *a) {
  if (!isKind(a[1], Kind::Dict)) return raiseTypeError("context must be a dict, not %s", typeName(a[1]));
  if (!callHandler(a[0], a[1])) defaultHandler(asDict(a[1]));
  return errOccurred() ? wrt_errv() : wrt_none();
}

} // namespace

void addExceptionHandlerApi(WTypeObj *loopType) {
  addMethod(loopType, "set_exception_handler", loopSetExceptionHandler, "self, handler, /");
  addMethod(loopType, "get_exception_handler", loopGetExceptionHandler, "self, /");
  addMethod(loopType, "default_exception_handler", loopDefaultExceptionHandler, "self, context, /");
  addMethod(loopType, "call_exception_handler", loopCallExceptionHandler, "self, context, /");
}

} // namespace weft::rt
