// Exception.cpp: exception objects and the pending-exception state behind
// the error-return convention (docs/design.md, "Exceptions: error returns").
// A failing runtime function stores the exception in its thread's state and
// returns WT_ERR; compiled code branches to its handler and uses the wrt_exc_*
// functions here to match, fetch, re-raise and chain (__context__/__cause__)
// exactly as CPython 3.11 does.
#include "core/CoreInternal.h"
#include "core/Text.h"
#include "weft/rt/wrt_api.h"

#include <gc.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <cstdio>

namespace weft::rt {

namespace {

/// Per-thread exception state. The block is uncollectable and reached from a
/// thread_local pointer: the collector does not scan TLS, but it does scan
/// uncollectable blocks, so the exceptions stored here stay alive.
struct ThreadState {
  WValue pending;
  WValue handled;
};

thread_local ThreadState *tstate;

inline ThreadState &ts() {
  if (__builtin_expect(!tstate, 0)) {
    tstate = static_cast<ThreadState *>(GC_MALLOC_UNCOLLECTABLE(sizeof(ThreadState)));
    tstate->pending = wrt_unbound();
    tstate->handled = wrt_unbound();
  }
  return *tstate;
}

bool isExcInstance(WValue v) {
  return v.tag == WT_OBJ && (v.o->type->flags & TYPE_EXCEPTION) && v.o->type->kind == Kind::Exception;
}

bool isExcClass(WValue v) {
  return isKind(v, Kind::Type) && (asType(v)->flags & TYPE_EXCEPTION);
}

/// CPython's _PyErr_SetObject: the exception being handled becomes the new
/// exception's __context__, cutting any cycle the chain would form.
void setPending(WValue exc) {
  ThreadState &s = ts();
  WValue handled = s.handled;
  if (isExcInstance(handled) && handled.o != exc.o) {
    WValue o = handled;
    while (isExcInstance(o)) {
      WValue ctx = asExc(o)->context;
      if (ctx.tag == WT_OBJ && ctx.o == exc.o) {
        asExc(o)->context = wrt_unbound();
        break;
      }
      o = ctx;
    }
    asExc(exc)->context = handled;
  }
  s.pending = exc;
}

/// Instantiates [v] if it is an exception class; checks it is an exception.
WValue toExceptionInstance(WValue v, const char *what) {
  if (isExcClass(v)) {
    WValue inst = call(v, 0, nullptr);
    if (inst.tag == WT_ERR) return inst;
    if (!isExcInstance(inst))
      return raiseFormat(T.TypeError,
                         "calling %s should have returned an instance of BaseException, "
                         "not %s",
                         asType(v)->name, typeName(inst));
    return inst;
  }
  if (isExcInstance(v)) return v;
  return raise(T.TypeError, what);
}

WValue excInit(WNativeFunc *, WValue *args) {
  // BaseException.__init__(self, *args)
  if (isExcInstance(args[0])) asExc(args[0])->args = args[1].o;
  return wrt_none();
}

WValue excStrMethod(WNativeFunc *, WValue *args) { return excStr(args[0]); }

WValue excReprMethod(WNativeFunc *, WValue *args) {
  std::string out;
  WException *e = asExc(args[0]);
  out += e->hdr.type->name;
  WTuple *t = asTuple(wrt_obj(e->args));
  if (t->size == 1) {
    out += '(';
    if (!appendRepr(out, t->items[0])) return wrt_errv();
    out += ')';
  } else if (!appendRepr(out, wrt_obj(e->args))) {
    return wrt_errv();
  }
  return newStr(out);
}

WValue excWithTraceback(WNativeFunc *, WValue *args) { return args[0]; }

WValue excAddNote(WNativeFunc *, WValue *args) {
  WException *e = asExc(args[0]);
  if (!e->attrs) e->attrs = asDict(newDict());
  WStr *key = internStr("__notes__");
  WValue notes = dictGetStr(e->attrs, key);
  if (notes.tag != WT_OBJ) {
    notes = newList(0);
    dictSetStr(e->attrs, key, notes);
  }
  listAppend(asList(notes), args[1]);
  return wrt_none();
}

WObj *emptyTuple() {
  static WObj *t = newTuple(0).o; // static data is a GC root
  return t;
}

} // namespace

WTypeObj *osErrorTypeFor(int64_t err);

WValue newException(WTypeObj *type, WObj *args) {
  auto *e = newObj<WException>(type);
  e->args = args ? args : emptyTuple();
  e->cause = wrt_unbound();
  e->context = wrt_unbound();
  e->traceback = wrt_none();
  WTuple *t = reinterpret_cast<WTuple *>(e->args);
  // Structured exceptions keep their fields as attributes, as CPython's do.
  if (isSubtype(type, T.OSError) && t->size >= 2 && t->size <= 3) {
    e->attrs = asDict(newDict());
    dictSetStr(e->attrs, internStr("errno"), t->items[0]);
    dictSetStr(e->attrs, internStr("strerror"), t->items[1]);
    dictSetStr(e->attrs, internStr("filename"), t->size == 3 ? t->items[2] : wrt_none());
    // OSError(errno, strerror, filename).args is (errno, strerror).
    if (t->size == 3) e->args = newTupleFrom(2, t->items).o;
  } else if (isSubtype(type, T.BaseExceptionGroup) && t->size == 2) {
    e->attrs = asDict(newDict());
    dictSetStr(e->attrs, internStr("message"), t->items[0]);
    WValue excs = t->items[1];
    if (isKind(excs, Kind::List)) excs = newTupleFrom(asList(excs)->size, asList(excs)->items);
    dictSetStr(e->attrs, internStr("exceptions"), excs);
  }
  return wrt_obj(e);
}

WValue newExceptionMsg(WTypeObj *type, std::string_view message) {
  WValue args = newTuple(1);
  asTuple(args)->items[0] = newStr(message);
  return newException(type, args.o);
}

WValue raise(WTypeObj *type, std::string_view message) {
  setPending(newExceptionMsg(type, message));
  return wrt_errv();
}

WValue raiseFormat(WTypeObj *type, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (size_t(n) >= sizeof buf) n = sizeof buf - 1;
  return raise(type, std::string_view(buf, size_t(n)));
}

WValue raiseTypeError(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (size_t(n) >= sizeof buf) n = sizeof buf - 1;
  return raise(T.TypeError, std::string_view(buf, size_t(n)));
}

WValue newOSError(int err, const char *filename) {
  WValue args[3] = {wrt_int(err), newStr(std::strerror(err)), wrt_none()};
  int n = 2;
  if (filename) {
    args[2] = newStr(filename);
    n = 3;
  }
  return newException(osErrorTypeFor(err), newTupleFrom(n, args).o);
}

WValue raiseOSError(int err, const char *filename) {
  setPending(newOSError(err, filename));
  return wrt_errv();
}

WValue raiseKeyError(WValue key) {
  WValue args = newTuple(1);
  asTuple(args)->items[0] = key;
  setPending(newException(T.KeyError, args.o));
  return wrt_errv();
}

WValue raiseValue(WValue exc) {
  WValue inst = toExceptionInstance(exc, "exceptions must derive from BaseException");
  if (inst.tag == WT_ERR) return inst;
  setPending(inst);
  return wrt_errv();
}

bool errOccurred() { return ts().pending.tag == WT_OBJ; }
WValue errPending() { return ts().pending; }
WValue errFetch() {
  ThreadState &s = ts();
  WValue e = s.pending;
  s.pending = wrt_unbound();
  return e;
}
void errClear() { ts().pending = wrt_unbound(); }

bool errMatchesClear(WTypeObj *t) {
  ThreadState &s = ts();
  if (s.pending.tag == WT_OBJ && isSubtype(s.pending.o->type, t)) {
    s.pending = wrt_unbound();
    return true;
  }
  return false;
}

WValue getHandled() { return ts().handled; }
void setHandled(WValue exc) { ts().handled = exc; }

WValue excArgsStr(WException *e) {
  WTuple *t = reinterpret_cast<WTuple *>(e->args);
  if (t->size == 0) return internValue("");
  if (t->size == 1) return str(t->items[0]);
  return repr(wrt_obj(t));
}

WValue excStr(WValue exc) {
  if (!isExcInstance(exc)) return str(exc);
  WException *e = asExc(exc);
  WTypeObj *type = e->hdr.type;
  // A user-defined __str__ anywhere in the user part of the chain wins.
  for (WTypeObj *t = type; t && (t->flags & TYPE_USER); t = t->base) {
    WValue m = dictGetStr(t->attrs, N.str);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, exc, 0, nullptr);
      if (r.tag == WT_ERR) return r;
      if (!isStr(r))
        return raiseFormat(T.TypeError, "__str__ returned non-string (type %s)", typeName(r));
      return r;
    }
  }
  WTuple *t = reinterpret_cast<WTuple *>(e->args);
  if (isSubtype(type, T.KeyError) && t->size == 1) return repr(t->items[0]);
  if (isSubtype(type, T.OSError) && e->attrs && t->size >= 2) {
    std::string out = "[Errno ";
    if (!appendStr(out, t->items[0])) return wrt_errv();
    out += "] ";
    if (!appendStr(out, t->items[1])) return wrt_errv();
    WValue fn = dictGetStr(e->attrs, internStr("filename"));
    if (fn.tag != WT_UNBOUND && fn.tag != WT_NONE) {
      out += ": ";
      if (!appendRepr(out, fn)) return wrt_errv();
    }
    return newStr(out);
  }
  if (isSubtype(type, T.BaseExceptionGroup) && e->attrs) {
    WValue excs = dictGetStr(e->attrs, internStr("exceptions"));
    std::string out;
    if (!appendStr(out, t->items[0])) return wrt_errv();
    int64_t n = isKind(excs, Kind::Tuple) ? asTuple(excs)->size : 0;
    out += " (" + std::to_string(n) + (n == 1 ? " sub-exception)" : " sub-exceptions)");
    return newStr(out);
  }
  return excArgsStr(e);
}

/// BaseExceptionGroup(message, exceptions): an ExceptionGroup when every
/// member is an Exception, as CPython's BaseExceptionGroup.__new__ decides.
WValue exceptionGroupCtor(WNativeFunc *self, WValue *a) {
  if (!isStr(a[0])) return raise(T.TypeError, "argument 1 must be str");
  WValue excs = isKind(a[1], Kind::Tuple) ? a[1] : listFromIterable(a[1]);
  if (excs.tag == WT_ERR) return excs;
  if (isKind(excs, Kind::List)) excs = newTupleFrom(asList(excs)->size, asList(excs)->items);
  WTuple *t = asTuple(excs);
  if (t->size == 0) return raise(T.ValueError, "second argument (exceptions) must be a non-empty sequence");
  bool allExceptions = true;
  for (int64_t i = 0; i < t->size; i++) {
    if (!isExcInstance(t->items[i]))
      return raiseFormat(T.ValueError, "Item %lld of second argument (exceptions) is not an exception",
                         (long long)i);
    allExceptions &= isInstance(t->items[i], T.Exception);
  }
  WTypeObj *type = asType(self->bound);
  if (type == T.BaseExceptionGroup && allExceptions) type = T.ExceptionGroup;
  if (type == T.ExceptionGroup && !allExceptions)
    return raise(T.TypeError, "Cannot nest BaseExceptions in an ExceptionGroup");
  // args keeps the sequence as given (a list shows as one in repr);
  // .exceptions is always the tuple.
  WValue args[2] = {a[0], isKind(a[1], Kind::List) ? a[1] : excs};
  return newException(type, newTupleFrom(2, args).o);
}

/// CPython's errno -> OSError subclass map (Objects/exceptions.c).
WTypeObj *osErrorTypeFor(int64_t err) {
  switch (err) {
  case EAGAIN: case EALREADY: case EINPROGRESS: return T.BlockingIOError;
  case ECHILD: return T.ChildProcessError;
  case EPIPE: case ESHUTDOWN: return T.BrokenPipeError;
  case ECONNABORTED: return T.ConnectionAbortedError;
  case ECONNREFUSED: return T.ConnectionRefusedError;
  case ECONNRESET: return T.ConnectionResetError;
  case EEXIST: return T.FileExistsError;
  case ENOENT: return T.FileNotFoundError;
  case EISDIR: return T.IsADirectoryError;
  case ENOTDIR: return T.NotADirectoryError;
  case EINTR: return T.InterruptedError;
  case EACCES: case EPERM: return T.PermissionError;
  case ESRCH: return T.ProcessLookupError;
  case ETIMEDOUT: return T.TimeoutError;
  default: return T.OSError;
  }
}

/// OSError(errno, strerror[, filename]) builds the errno's subclass.
WValue osErrorCtor(WNativeFunc *, WValue *a) {
  WTuple *args = asTuple(a[0]);
  WTypeObj *type = T.OSError;
  if (args->size >= 2 && isIntLike(args->items[0])) type = osErrorTypeFor(args->items[0].i);
  return newException(type, a[0].o);
}

void initExceptions() {
  T.OSError->ctor = makeNative("OSError", osErrorCtor, "*args");
  T.BaseExceptionGroup->ctor = makeNative("BaseExceptionGroup", exceptionGroupCtor,
                                          "message, exceptions, /", wrt_obj(T.BaseExceptionGroup));
  T.ExceptionGroup->ctor = makeNative("ExceptionGroup", exceptionGroupCtor, "message, exceptions, /",
                                      wrt_obj(T.ExceptionGroup));
  WTypeObj *b = T.BaseException;
  addMethod(b, "__init__", excInit, "self, *args");
  addMethod(b, "__str__", excStrMethod, "self, /");
  addMethod(b, "__repr__", excReprMethod, "self, /");
  addMethod(b, "with_traceback", excWithTraceback, "self, tb, /");
  addMethod(b, "add_note", excAddNote, "self, note, /");
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_raise(WValue exc) { return raiseValue(exc); }

WValue wrt_raise_from(WValue exc, WValue cause) {
  WValue inst = toExceptionInstance(exc, "exceptions must derive from BaseException");
  if (inst.tag == WT_ERR) return inst;
  if (cause.tag == WT_NONE) {
    asExc(inst)->cause = wrt_none();
  } else {
    WValue c = toExceptionInstance(cause, "exception causes must derive from BaseException");
    if (c.tag == WT_ERR) return c;
    asExc(inst)->cause = c;
  }
  asExc(inst)->suppressContext = true;
  setPending(inst);
  return wrt_errv();
}

WValue wrt_reraise(void) {
  ThreadState &s = ts();
  if (!isExcInstance(s.handled)) return raise(T.RuntimeError, "No active exception to reraise");
  // A bare raise re-raises as is: no new __context__.
  s.pending = s.handled;
  return wrt_errv();
}

WValue wrt_err_fetch(void) {
  WValue e = errFetch();
  return e.tag == WT_UNBOUND ? wrt_none() : e;
}

WValue wrt_err_restore(WValue exc) {
  if (isExcInstance(exc)) ts().pending = exc;
  return wrt_errv();
}

int64_t wrt_exc_matches(WValue exc, WValue classes) {
  WTypeObj *t = typeOf(exc);
  if (isExcClass(classes)) return isSubtype(t, asType(classes));
  if (isKind(classes, Kind::Tuple)) {
    WTuple *tup = asTuple(classes);
    for (int64_t i = 0; i < tup->size; i++) {
      if (!isExcClass(tup->items[i])) goto bad;
      if (isSubtype(t, asType(tup->items[i]))) return 1;
    }
    return 0;
  }
bad:
  raise(T.TypeError, "catching classes that do not inherit from BaseException is not allowed");
  return -1;
}

WValue wrt_exc_push_handled(WValue exc) {
  ThreadState &s = ts();
  WValue prev = s.handled;
  s.handled = exc;
  return prev;
}

void wrt_exc_set_handled(WValue exc) { ts().handled = exc; }

WValue wrt_raise_name_error(WObj *name) {
  return raiseFormat(T.NameError, "name '%s' is not defined", reinterpret_cast<WStr *>(name)->data);
}

WValue wrt_raise_unbound_local(WObj *name) {
  return raiseFormat(T.UnboundLocalError,
                     "cannot access local variable '%s' where it is not associated with a value",
                     reinterpret_cast<WStr *>(name)->data);
}

WValue wrt_raise_assert(WValue message) {
  if (message.tag == WT_UNBOUND) {
    setPending(newException(T.AssertionError, nullptr));
    return wrt_errv();
  }
  WValue args = newTuple(1);
  asTuple(args)->items[0] = message;
  setPending(newException(T.AssertionError, args.o));
  return wrt_errv();
}

WValue wrt_raise_overflow(void) {
  return raise(T.OverflowError, "int too large to fit in 64 bits");
}

WValue wrt_raise_zero_div(int64_t which) {
  // 0 and 1 are the ABI's; 2.. are what float arithmetic raises.
  static const char *msgs[] = {"integer division or modulo by zero", "division by zero",
                               "float division by zero", "float modulo",
                               "float floor division by zero", "integer modulo by zero"};
  if (which < 0 || which > 5) which = 1;
  return raise(T.ZeroDivisionError, msgs[which]);
}

} // extern "C"
