// AsyncioLoop.cpp: the event loop object of the asyncio module and the
// functions that find loops (get_running_loop, get_event_loop,
// new_event_loop, set_event_loop). Loop methods follow BaseEventLoop:
// call_soon/call_later/call_at return cancellable handles, an exception in a
// callback is logged ("Exception in callback ...") and the loop goes on, and
// run_until_complete stops the loop from a done callback of its future.
#include "modules/AsyncioInternal.h"

#include "core/ThreadName.h"

#include "loop/Clock.h"
#include "task/Await.h"
#include "task/Context.h"
#include "task/Errors.h"
#include "task/Task.h"

#include <gc/gc.h>

#include <cmath>
#include <cstring>

namespace weft::rt {

namespace {

/// The loop set by set_event_loop() (or made by get_event_loop()), one per
/// thread as in CPython's policy. The cells are roots, allocated once per
/// thread: the collector does not scan thread-local storage.
WValue *currentLoopCell() {
  thread_local WValue *cell = static_cast<WValue *>(GC_MALLOC_UNCOLLECTABLE(sizeof(WValue)));
  return cell;
}

void finalizeLoop(void *obj, void *) {
  // An unreferenced loop that was never closed: release its descriptors.
  // The EventLoop itself stays allocated: futures may still point to it.
  EventLoop *loop = reinterpret_cast<LoopObj *>(obj)->loop;
  if (loop && !loop->isRunning()) loop->close();
}

/// " at FILE:LINE" for a compiled function (or a method of one), as
/// CPython's format_helpers._format_callback_source adds; "" otherwise.
std::string callbackSource(WValue callback) {
  if (isKind(callback, Kind::BoundMethod)) callback = reinterpret_cast<WBoundMethod *>(callback.o)->func;
  if (!isKind(callback, Kind::Func)) return "";
  const WFuncInfo *info = reinterpret_cast<WFunc *>(callback.o)->info;
  if (!info->file || info->line <= 0) return "";
  return std::string(" at ") + info->file + ":" + std::to_string(info->line);
}

std::string callbackName(WValue callback) {
  WValue q = getAttrStr(callback, "__qualname__");
  if (q.tag == WT_OBJ && isStr(q)) return std::string(strView(q));
  if (q.tag == WT_ERR) fetchError();
  return reprString(callback);
}

/// Runs a Weft callback scheduled with call_soon/call_later.
int runWeftHandle(void *a, void *) {
  Handle *h = static_cast<Handle *>(a);
  WTuple *args = reinterpret_cast<WTuple *>(h->args);
  WValue r;
  {
    ContextScope scope(reinterpret_cast<WContext *>(h->context));
    r = call(h->callback, args ? args->size : 0, args ? args->items : nullptr);
  }
  if (r.tag != WT_ERR) return 0;
  WObj *exc = fetchError();
  if (isFatalException(exc)) {
    restoreError(exc);
    return -1;
  }
  std::string what = callbackName(h->callback) + "()" + callbackSource(h->callback);
  logLoopError(h->loop, "Exception in callback " + what,
               std::string("handle: <") + (h->isTimer ? "TimerHandle " : "Handle ") + what + ">", exc, "handle",
               wrt_obj(&h->hdr));
  return 0;
}

EventLoop *selfLoop(WValue self, bool checkClosed) {
  EventLoop *loop = loopOf(self);
  if (checkClosed && loop->isClosed()) {
    raise(T.RuntimeError, "Event loop is closed");
    return nullptr;
  }
  return loop;
}

/// The loop of [self] for an operation that schedules on it: not closed,
/// and called from the loop's own thread.
EventLoop *schedulingLoop(WValue self) {
  EventLoop *loop = selfLoop(self, true);
  return loop && onLoopThread(loop) ? loop : nullptr;
}

} // namespace

Handle *newWeftHandle(EventLoop *loop, WTypeObj *type, WValue callback, WValue args) {
  Handle *h = newObj<Handle>(type);
  h->fn = &runWeftHandle;
  h->a = h;
  h->loop = loop;
  h->callback = callback;
  h->args = args.tag == WT_OBJ ? args.o : nullptr;
  h->context = reinterpret_cast<WObj *>(snapshotContext());
  return h;
}

WValue callTaskFactory(EventLoop *loop, WValue coro, WValue name, WValue context) {
  WValue factory = wrt_obj(loop->taskFactory);
  WValue t;
  if (context.tag == WT_NONE || context.tag == WT_UNBOUND) {
    WValue args[2] = {loopObjOf(loop), coro};
    t = call(factory, 2, args);
  } else {
    WValue args[3] = {loopObjOf(loop), coro, context};
    WValue kw = internValue("context");
    t = callKw(factory, 3, args, newTupleFrom(1, &kw).o);
  }
  if (t.tag == WT_ERR || name.tag != WT_OBJ) return t;
  // tasks._set_task_name: only a task's own set_name, if it has one.
  WValue setName = getAttrStr(t, "set_name");
  if (setName.tag == WT_ERR) {
    fetchError();
    return t;
  }
  return call(setName, 1, &name).tag == WT_ERR ? wrt_errv() : t;
}

namespace {

/// loop.set_task_factory(factory): None restores the default.
WValue loopSetTaskFactory(WNativeFunc *, WValue *a) {
  if (a[1].tag != WT_NONE && !isCallable(a[1])) return raise(T.TypeError, "task factory must be a callable or None");
  if (setAttr(a[0], internStr("_task_factory"), a[1]).tag == WT_ERR) return wrt_errv();
  loopOf(a[0])->taskFactory = a[1].tag == WT_OBJ ? a[1].o : nullptr;
  return wrt_none();
}

WValue loopGetTaskFactory(WNativeFunc *, WValue *a) {
  return loopOf(a[0])->taskFactory ? wrt_obj(loopOf(a[0])->taskFactory) : wrt_none();
}

/// A handle for callback(*args) that runs in [context] (a `context=`
/// argument: None captures the current one); null with TypeError pending.
Handle *handleFor(EventLoop *loop, WTypeObj *type, WValue callback, WValue args, WValue context) {
  WContext *ctx;
  if (!contextArg(context, ctx)) return nullptr;
  Handle *h = newWeftHandle(loop, type, callback, args);
  if (ctx) h->context = &ctx->hdr;
  return h;
}

WValue loopCallSoon(WNativeFunc *, WValue *a) {
  EventLoop *loop = schedulingLoop(a[0]);
  if (!loop) return wrt_errv();
  Handle *h = handleFor(loop, AT.handle, a[1], a[2], a[3]);
  if (!h) return wrt_errv();
  loop->callSoonHandle(h);
  return wrt_obj(h);
}

WValue loopCallSoonThreadsafe(WNativeFunc *, WValue *a) {
  EventLoop *loop = selfLoop(a[0], true);
  if (!loop) return wrt_errv();
  Handle *h = handleFor(loop, AT.handle, a[1], a[2], a[3]);
  if (!h) return wrt_errv();
  loop->callSoonThreadsafe(&EventLoop::runHandle, h, nullptr);
  return wrt_obj(h);
}

/// cbAndArgs: the callback, its argument tuple and the `context=` argument.
WValue scheduleTimer(EventLoop *loop, int64_t when, WValue *cbAndArgs) {
  Handle *h = handleFor(loop, AT.timerHandle, cbAndArgs[0], cbAndArgs[1], cbAndArgs[2]);
  if (!h) return wrt_errv();
  h->when = when;
  loop->schedule(h);
  return wrt_obj(h);
}

WValue loopCallLater(WNativeFunc *, WValue *a) {
  EventLoop *loop = schedulingLoop(a[0]);
  double delay;
  if (!loop || !toSeconds(a[1], delay, "delay")) return wrt_errv();
  return scheduleTimer(loop, loop->now() + secondsToNs(delay), a + 2);
}

WValue loopCallAt(WNativeFunc *, WValue *a) {
  EventLoop *loop = schedulingLoop(a[0]);
  double when;
  if (!loop || !toSeconds(a[1], when, "when")) return wrt_errv();
  return scheduleTimer(loop, secondsToNs(when), a + 2);
}

WValue loopTime(WNativeFunc *, WValue *a) { return wrt_float(loopOf(a[0])->time()); }

WValue loopCreateFuture(WNativeFunc *, WValue *a) { return wrt_obj(newFuture(loopOf(a[0]))); }

WValue loopCreateTask(WNativeFunc *, WValue *a) {
  EventLoop *loop = schedulingLoop(a[0]);
  if (!loop) return wrt_errv();
  if (!isCoroutine(a[1])) return raiseTypeError("a coroutine was expected, got %s", reprString(a[1]).c_str());
  WValue name = a[2].tag == WT_OBJ ? a[2] : wrt_unbound();
  if (name.tag == WT_OBJ && !isStr(name)) {
    name = str(name);
    if (name.tag == WT_ERR) return name;
  }
  return createTask(loop, a[1], name, a[3]);
}

WValue runStatusError(EventLoop *loop, RunStatus st) {
  switch (st) {
  case RunStatus::Ok: return wrt_none();
  case RunStatus::Fatal: return wrt_errv();
  case RunStatus::AlreadyRunning: return raise(T.RuntimeError, "This event loop is already running");
  case RunStatus::OtherRunning:
    return raise(T.RuntimeError, "Cannot run the event loop while another loop is running");
  case RunStatus::Closed: return raise(T.RuntimeError, "Event loop is closed");
  case RunStatus::SelectorError:
    return raiseFormat(T.OSError, "[Errno %d] %s", loop->lastErrno(), strerror(loop->lastErrno()));
  }
  return wrt_none();
}

WValue loopRunForever(WNativeFunc *, WValue *a) {
  EventLoop *loop = loopOf(a[0]);
  return runStatusError(loop, loop->runForever());
}

WValue loopRunUntilComplete(WNativeFunc *, WValue *a) { return runUntilComplete(a[0], a[1]); }

WValue loopStop(WNativeFunc *, WValue *a) {
  if (!onLoopThread(loopOf(a[0]))) return wrt_errv();
  loopOf(a[0])->stop();
  return wrt_none();
}

WValue loopClose(WNativeFunc *, WValue *a) {
  EventLoop *loop = loopOf(a[0]);
  if (loop->isRunning()) return raise(T.RuntimeError, "Cannot close a running event loop");
  if (loop->isClosed()) return wrt_none();
  reportUnretrieved(loop);
  removeSignalHandlers(a[0]);
  loop->close();
  return wrt_none();
}

WValue loopIsRunning(WNativeFunc *, WValue *a) { return wrt_bool(loopOf(a[0])->isRunning()); }
WValue loopIsClosed(WNativeFunc *, WValue *a) { return wrt_bool(loopOf(a[0])->isClosed()); }
WValue loopSetDebug(WNativeFunc *, WValue *a) {
  int t = truthy(a[1]);
  if (t < 0) return wrt_errv();
  loopOf(a[0])->debug = t;
  return wrt_none();
}
WValue loopGetDebug(WNativeFunc *, WValue *a) { return wrt_bool(loopOf(a[0])->debug); }

WValue loopRepr(WNativeFunc *, WValue *a) {
  EventLoop *loop = loopOf(a[0]);
  std::string s = "<_UnixSelectorEventLoop running=";
  s += loop->isRunning() ? "True" : "False";
  s += " closed=";
  s += loop->isClosed() ? "True" : "False";
  s += " debug=";
  s += loop->debug ? "True" : "False";
  return newStr(s + ">");
}

// ---- module functions
WValue getRunningLoopImpl(WNativeFunc *, WValue *) {
  if (!requireRunningLoop()) return wrt_errv();
  return loopObjOf(EventLoop::running());
}

WValue getEventLoopImpl(WNativeFunc *, WValue *) { return currentLoopObj(); }

WValue newEventLoopImpl(WNativeFunc *, WValue *) { return newLoopObj(); }

WValue setEventLoopImpl(WNativeFunc *, WValue *a) {
  if (a[0].tag != WT_NONE && !isInstance(a[0], AT.loop)) return raiseTypeError("loop must be an instance of AbstractEventLoop or None, not '%s'", typeName(a[0]));
  setCurrentLoop(a[0]);
  return wrt_none();
}

} // namespace

bool toSeconds(WValue v, double &out, const char *what) {
  if (v.tag == WT_INT || v.tag == WT_BOOL) out = double(v.i);
  else if (v.tag == WT_FLOAT) out = v.f;
  else {
    raiseTypeError("'%s' must be a real number, not %s", what, typeName(v));
    return false;
  }
  if (std::isnan(out)) {
    raiseFormat(T.ValueError, "%s must not be NaN", what);
    return false;
  }
  return true;
}

WValue newLoopObj() {
  initAsyncioTypes();
  LoopObj *o = newObj<LoopObj>(AT.loop);
  o->loop = new EventLoop();
  if (int e = o->loop->initError()) {
    o->loop->close();
    return raiseFormat(T.OSError, "[Errno %d] %s", e, strerror(e));
  }
  o->loop->ownerHidden = GC_HIDE_POINTER(o);
  GC_register_finalizer_no_order(o, &finalizeLoop, nullptr, nullptr, nullptr);
  return wrt_obj(o);
}

WValue loopObjOf(EventLoop *loop) {
  return wrt_obj(reinterpret_cast<WObj *>(GC_REVEAL_POINTER(loop->ownerHidden)));
}

EventLoop *requireRunningLoop() {
  EventLoop *loop = EventLoop::running();
  if (!loop) raise(T.RuntimeError, "no running event loop");
  return loop;
}

bool onLoopThread(EventLoop *loop) {
  if (!loop || !loop->isRunning() || EventLoop::running() == loop) return true;
  raise(T.RuntimeError, "Non-thread-safe operation invoked on an event loop other than the current one");
  return false;
}

WValue currentLoopObj() {
  if (EventLoop *running = EventLoop::running()) return loopObjOf(running);
  WValue *cell = currentLoopCell();
  if (cell->tag != WT_OBJ) {
    // CPython's policy makes a loop on demand for the main thread only.
    if (!onMainThread())
      return raiseFormat(T.RuntimeError, "There is no current event loop in thread '%s'.",
                         currentThreadName().c_str());
    WValue l = newLoopObj();
    if (l.tag == WT_ERR) return l;
    *cell = l;
  }
  return *cell;
}

void setCurrentLoop(WValue loopObj) {
  *currentLoopCell() = loopObj.tag == WT_OBJ ? loopObj : wrt_unbound();
}

/// A method of BaseEventLoop, where CPython defines the ones below: the
/// binder's TypeErrors name it so ("BaseEventLoop.call_soon() got an
/// unexpected keyword argument 'end'").
void addLoopMethod(WTypeObj *L, const char *name, WNativeCode code, const char *params) {
  std::string qual = std::string("BaseEventLoop.") + name;
  typeSetAttr(L, name, makeNativeQual(name, internStr(qual)->data, code, params, wrt_unbound()));
}

void addLoopApi(WValue m) {
  initAsyncioTypes();
  WTypeObj *L = AT.loop;
  addLoopMethod(L, "call_soon", loopCallSoon, "self, callback, /, *args, context=None");
  addLoopMethod(L, "call_soon_threadsafe", loopCallSoonThreadsafe, "self, callback, /, *args, context=None");
  addLoopMethod(L, "call_later", loopCallLater, "self, delay, callback, /, *args, context=None");
  addLoopMethod(L, "call_at", loopCallAt, "self, when, callback, /, *args, context=None");
  addLoopMethod(L, "time", loopTime, "self, /");
  addLoopMethod(L, "create_future", loopCreateFuture, "self, /");
  addLoopMethod(L, "create_task", loopCreateTask, "self, coro, /, *, name=None, context=None");
  addLoopMethod(L, "set_task_factory", loopSetTaskFactory, "self, factory, /");
  addLoopMethod(L, "get_task_factory", loopGetTaskFactory, "self, /");
  addLoopMethod(L, "run_forever", loopRunForever, "self, /");
  addLoopMethod(L, "run_until_complete", loopRunUntilComplete, "self, future, /");
  addLoopMethod(L, "stop", loopStop, "self, /");
  addLoopMethod(L, "close", loopClose, "self, /");
  addLoopMethod(L, "is_running", loopIsRunning, "self, /");
  addLoopMethod(L, "is_closed", loopIsClosed, "self, /");
  addLoopMethod(L, "set_debug", loopSetDebug, "self, enabled, /");
  addLoopMethod(L, "get_debug", loopGetDebug, "self, /");
  addLoopMethod(L, "__repr__", loopRepr, "self, /");
  addSignalApi(L);
  addFdWatchApi(L);
  addExceptionHandlerApi(L);

  moduleSet(m, "get_running_loop", makeNative("get_running_loop", getRunningLoopImpl, ""));
  moduleSet(m, "get_event_loop", makeNative("get_event_loop", getEventLoopImpl, ""));
  moduleSet(m, "new_event_loop", makeNative("new_event_loop", newEventLoopImpl, ""));
  moduleSet(m, "set_event_loop", makeNative("set_event_loop", setEventLoopImpl, "loop, /"));
}

} // namespace weft::rt
