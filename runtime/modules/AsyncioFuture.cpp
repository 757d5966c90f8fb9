// AsyncioFuture.cpp: the Weft face of futures and tasks: the asyncio types
// (Future, Task, _GatheringFuture, Handle, TimerHandle, the loop type) and
// their methods, which forward to runtime/task. CPython's names and error
// messages throughout (Future.result, Task.get_name, Task.uncancel...).
#include "modules/AsyncioInternal.h"

#include "task/Await.h"
#include "task/Context.h"
#include "task/Errors.h"
#include "task/Task.h"

namespace weft::rt {

namespace {

Task *asTask(WValue v) { return reinterpret_cast<Task *>(v.o); }

WValue checkFuture(WValue self) {
  if (!isFuture(self)) return raiseTypeError("descriptor requires a 'Future' object but received '%s'", typeName(self));
  return self;
}

#define FUT_SELF                                                                                   \
  if (checkFuture(a[0]).tag == WT_ERR) return wrt_errv();                                          \
  Future *f = asFuture(a[0])

/// FUT_SELF for the methods that complete a future or change its callbacks,
/// which touch the loop's ready queue: refused from another thread.
#define FUT_SELF_ON_LOOP_THREAD                                                                    \
  FUT_SELF;                                                                                        \
  if (!onLoopThread(f->loop)) return wrt_errv()

WValue futResult(WNativeFunc *, WValue *a) {
  FUT_SELF;
  return futureResult(f);
}
WValue futException(WNativeFunc *, WValue *a) {
  FUT_SELF;
  return futureException(f);
}
WValue futSetResult(WNativeFunc *, WValue *a) {
  FUT_SELF_ON_LOOP_THREAD;
  if (f->kind == FutKind::Task) return raise(T.RuntimeError, "Task does not support set_result operation");
  return futureSetResult(f, a[1]);
}
WValue futSetException(WNativeFunc *, WValue *a) {
  FUT_SELF_ON_LOOP_THREAD;
  if (f->kind == FutKind::Task) return raise(T.RuntimeError, "Task does not support set_exception operation");
  return futureSetException(f, a[1]);
}
WValue futDone(WNativeFunc *, WValue *a) {
  FUT_SELF;
  return wrt_bool(isDone(f));
}
WValue futCancelled(WNativeFunc *, WValue *a) {
  FUT_SELF;
  return wrt_bool(f->state == FutState::Cancelled);
}
WValue futCancel(WNativeFunc *, WValue *a) {
  FUT_SELF_ON_LOOP_THREAD;
  return wrt_bool(futureCancel(f, a[1]));
}
WValue futAddDoneCallback(WNativeFunc *, WValue *a) {
  FUT_SELF_ON_LOOP_THREAD;
  if (a[1].tag != WT_OBJ) return raiseTypeError("'%s' object is not callable", typeName(a[1]));
  addDoneCallback(f, &callWeftCallback, a[1].o);
  return wrt_none();
}
WValue futRemoveDoneCallback(WNativeFunc *, WValue *a) {
  FUT_SELF_ON_LOOP_THREAD;
  int n = removeWeftDoneCallback(f, a[1]);
  return n < 0 ? wrt_errv() : wrt_int(n);
}
WValue futGetLoop(WNativeFunc *, WValue *a) {
  FUT_SELF;
  return loopObjOf(f->loop);
}
WValue futRepr(WNativeFunc *, WValue *a) {
  FUT_SELF;
  return newStr(futureRepr(f));
}

WValue futureCtor(WNativeFunc *, WValue *a) {
  WValue loopObj = a[0].tag == WT_NONE || a[0].tag == WT_UNBOUND ? currentLoopObj() : a[0];
  if (loopObj.tag == WT_ERR) return loopObj;
  return wrt_obj(newFuture(loopOf(loopObj)));
}

#define TASK_SELF                                                                                  \
  if (!isKind(a[0], Kind::Task)) return raiseTypeError("descriptor requires a 'Task' object but received '%s'", typeName(a[0])); \
  Task *t = asTask(a[0])

WValue taskGetName(WNativeFunc *, WValue *a) {
  TASK_SELF;
  return taskName(t);
}
WValue taskSetName(WNativeFunc *, WValue *a) {
  TASK_SELF;
  WValue s = isStr(a[1]) ? a[1] : str(a[1]);
  if (s.tag == WT_ERR) return s;
  t->name = s.o;
  return wrt_none();
}
WValue taskGetCoro(WNativeFunc *, WValue *a) {
  TASK_SELF;
  return wrt_obj(t->coro);
}
WValue taskCancellingImpl(WNativeFunc *, WValue *a) {
  TASK_SELF;
  return wrt_int(taskCancelling(t));
}
WValue taskUncancelImpl(WNativeFunc *, WValue *a) {
  TASK_SELF;
  return wrt_int(taskUncancel(t));
}

WValue taskCtor(WNativeFunc *, WValue *a) {
  WValue loopObj = a[1].tag == WT_NONE || a[1].tag == WT_UNBOUND ? currentLoopObj() : a[1];
  if (loopObj.tag == WT_ERR) return loopObj;
  if (!isCoroutine(a[0])) return raiseTypeError("a coroutine was expected, got %s", reprString(a[0]).c_str());
  WValue name = a[2].tag == WT_OBJ ? a[2] : wrt_unbound();
  if (name.tag == WT_OBJ && !isStr(name)) {
    name = str(name);
    if (name.tag == WT_ERR) return name;
  }
  // The constructor is what a task factory calls: it never consults one.
  WContext *ctx;
  if (!contextArg(a[3], ctx)) return wrt_errv();
  WValue t = ensureFuture(loopOf(loopObj), a[0], name, false);
  if (ctx && t.tag == WT_OBJ) reinterpret_cast<Task *>(t.o)->context = ctx;
  return t;
}

// ---- Handle / TimerHandle
WValue handleCancel(WNativeFunc *, WValue *a) {
  Handle *h = reinterpret_cast<Handle *>(a[0].o);
  if (!h->cancelled) {
    h->loop->cancel(h);
    // CPython drops the callback and its arguments on cancel.
    h->callback = wrt_none();
    h->args = nullptr;
  }
  return wrt_none();
}
WValue handleCancelled(WNativeFunc *, WValue *a) {
  return wrt_bool(reinterpret_cast<Handle *>(a[0].o)->cancelled);
}
WValue handleWhen(WNativeFunc *, WValue *a) {
  return wrt_float(double(reinterpret_cast<Handle *>(a[0].o)->when) * 1e-9);
}
WValue handleRepr(WNativeFunc *, WValue *a) {
  Handle *h = reinterpret_cast<Handle *>(a[0].o);
  std::string s = h->isTimer ? "<TimerHandle " : "<Handle ";
  if (h->isTimer) s += "when=" + std::to_string(double(h->when) * 1e-9) + " ";
  if (h->cancelled) s += "cancelled";
  else s += reprString(h->callback) + "()";
  return newStr(s + ">");
}

} // namespace

void initAsyncioTypes() {
  if (AT.future) return;
  AT.future = newType("Future", T.object, Kind::Future, "asyncio");
  AT.future->instanceSize = sizeof(Future);
  AT.task = newType("Task", AT.future, Kind::Task, "asyncio");
  AT.task->instanceSize = sizeof(Task);
  AT.gatheringFuture = newType("_GatheringFuture", AT.future, Kind::Future, "asyncio");
  AT.handle = newType("Handle", T.object, Kind::Other, "asyncio");
  AT.timerHandle = newType("TimerHandle", AT.handle, Kind::Other, "asyncio");
  AT.loop = newType("_UnixSelectorEventLoop", T.object, Kind::Instance, "asyncio");
  typeSetAttr(AT.loop, "slow_callback_duration", wrt_float(0.1));

  WTypeObj *F = AT.future;
  addMethod(F, "result", futResult, "self, /");
  addMethod(F, "exception", futException, "self, /");
  addMethod(F, "set_result", futSetResult, "self, result, /");
  addMethod(F, "set_exception", futSetException, "self, exception, /");
  addMethod(F, "done", futDone, "self, /");
  addMethod(F, "cancelled", futCancelled, "self, /");
  addMethod(F, "cancel", futCancel, "self, msg=None");
  addMethod(F, "add_done_callback", futAddDoneCallback, "self, fn, /, *, context=None");
  addMethod(F, "remove_done_callback", futRemoveDoneCallback, "self, fn, /");
  addMethod(F, "get_loop", futGetLoop, "self, /");
  addMethod(F, "__repr__", futRepr, "self, /");
  F->ctor = makeNative("Future", futureCtor, "*, loop=None");

  WTypeObj *Tk = AT.task;
  addMethod(Tk, "get_name", taskGetName, "self, /");
  addMethod(Tk, "set_name", taskSetName, "self, value, /");
  addMethod(Tk, "get_coro", taskGetCoro, "self, /");
  addMethod(Tk, "cancelling", taskCancellingImpl, "self, /");
  addMethod(Tk, "uncancel", taskUncancelImpl, "self, /");
  Tk->ctor = makeNative("Task", taskCtor, "coro, /, *, loop=None, name=None, context=None");

  addMethod(AT.handle, "cancel", handleCancel, "self, /");
  addMethod(AT.handle, "cancelled", handleCancelled, "self, /");
  addMethod(AT.handle, "__repr__", handleRepr, "self, /");
  addMethod(AT.timerHandle, "when", handleWhen, "self, /");
}

void addFutureApi(WValue module) {
  initAsyncioTypes();
  moduleSet(module, "Future", wrt_obj(AT.future));
  moduleSet(module, "Task", wrt_obj(AT.task));
  moduleSet(module, "Handle", wrt_obj(AT.handle));
  moduleSet(module, "TimerHandle", wrt_obj(AT.timerHandle));
  moduleSet(module, "AbstractEventLoop", wrt_obj(AT.loop));
  moduleSet(module, "CancelledError", wrt_obj(T.CancelledError));
  moduleSet(module, "InvalidStateError", wrt_obj(T.InvalidStateError));
  // 3.11: asyncio.TimeoutError is the builtin (rule 24).
  moduleSet(module, "TimeoutError", wrt_obj(T.TimeoutError));
}

} // namespace weft::rt
