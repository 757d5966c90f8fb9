// Errors.h: small helpers the loop, task and asyncio code use to make and
// move exceptions without raising them (CancelledError objects travel as
// values between a cancel() and the coroutine they are thrown into), and to
// log errors to stderr the way asyncio's default exception handler does.
#ifndef WEFT_RT_TASK_ERRORS_H
#define WEFT_RT_TASK_ERRORS_H

#include "core/Object.h"

#include <string>
#include <string_view>

namespace weft::rt {

class EventLoop;

/// type(msg), or type() when [msg] is UNBOUND. Null with an exception pending
/// if construction failed.
WObj *makeException(WTypeObj *type, WValue msg);
WObj *makeExceptionStr(WTypeObj *type, std::string_view msg);

/// Takes the pending exception (never null when an ERR was just returned).
WObj *fetchError();
/// Makes [exc] pending again; returns ERR.
WValue restoreError(WObj *exc);

/// True for the exceptions that must stop the loop instead of being logged
/// (CPython's Handle._run re-raises SystemExit and KeyboardInterrupt).
bool isFatalException(WObj *exc);

/// "ValueError: boom" (or "ValueError" when str(exc) is empty).
std::string exceptionLine(WObj *exc);

/// asyncio's default exception handler: [message], then the extra lines
/// (already formatted), then the exception's traceback-ish line.
void logError(std::string_view message, std::string_view extra, WObj *exc);

/// An error of [loop]'s (a callback that raised, an exception never
/// retrieved, ...): to the handler set with loop.set_exception_handler, as
/// a context {message, exception, [key]: value}, or else logged as
/// logError does with [extra] (the "key: repr(value)" line).
void logLoopError(EventLoop *loop, const std::string &message, const std::string &extra, WObj *exc,
                  const char *key = nullptr, WValue value = wrt_unbound());

/// repr() as a std::string; "<...>" if repr itself fails.
std::string reprString(WValue v);

} // namespace weft::rt

#endif
