// AsyncioModule.cpp: the native `asyncio` module: its init function (what
// `import asyncio` runs once) and the task-level functions: sleep,
// create_task, ensure_future, gather, current_task, all_tasks, iscoroutine(function),
// isfuture and the wait() constants. The other files add the loop API, the
// types, run() and the wait family. Parts expressible in Weft may move to
// stdlib/asyncio/*.weft later; the names and behaviour are CPython 3.11's.
#include "modules/AsyncioInternal.h"
#include "task/Context.h"
#include "task/AsyncgenTable.h"

#include "task/Await.h"
#include "task/Errors.h"
#include "task/Gather.h"
#include "task/Task.h"

namespace weft::rt {

namespace {

WValue sleepImpl(WNativeFunc *, WValue *a) {
  double delay;
  if (!toSeconds(a[0], delay, "delay")) return wrt_errv();
  return sleepCoro(delay, a[1]);
}

WValue nameArg(WValue name) {
  if (name.tag != WT_OBJ) return wrt_unbound();
  return isStr(name) ? name : str(name);
}

} // namespace

WValue createTask(EventLoop *loop, WValue coro, WValue name, WValue context) {
  WContext *ctx;
  if (!contextArg(context, ctx)) return wrt_errv();
  if (loop->taskFactory) return callTaskFactory(loop, coro, name, context);
  WValue t = ensureFuture(loop, coro, name);
  if (ctx && t.tag == WT_OBJ) reinterpret_cast<Task *>(t.o)->context = ctx;
  return t;
}

namespace {

WValue createTaskImpl(WNativeFunc *, WValue *a) {
  EventLoop *loop = requireRunningLoop();
  if (!loop) return wrt_errv();
  if (!isCoroutine(a[0])) return raiseTypeError("a coroutine was expected, got %s", reprString(a[0]).c_str());
  WValue name = nameArg(a[1]);
  if (name.tag == WT_ERR) return name;
  return createTask(loop, a[0], name, a[2]);
}

EventLoop *loopArgOrCurrent(WValue loopArg) {
  WValue lo = loopArg.tag == WT_OBJ ? loopArg : currentLoopObj();
  return lo.tag == WT_ERR ? nullptr : loopOf(lo);
}

WValue ensureFutureImpl(WNativeFunc *, WValue *a) {
  if (isFuture(a[0])) return a[0];
  EventLoop *loop = loopArgOrCurrent(a[1]);
  if (!loop) return wrt_errv();
  return ensureFuture(loop, a[0]);
}

WValue gatherImpl(WNativeFunc *, WValue *a) {
  WTuple *aws = asTuple(a[0]);
  int r = truthy(a[1]);
  if (r < 0) return wrt_errv();
  // The loop of the first future given, else the current loop.
  EventLoop *loop = nullptr;
  for (int64_t i = 0; i < aws->size && !loop; ++i)
    if (isFuture(aws->items[i])) loop = asFuture(aws->items[i])->loop;
  if (!loop) loop = loopArgOrCurrent(wrt_unbound());
  if (!loop) return wrt_errv();
  return gather(loop, aws->size, aws->items, r);
}

WValue currentTaskImpl(WNativeFunc *, WValue *a) {
  EventLoop *loop = a[0].tag == WT_OBJ ? loopOf(a[0]) : requireRunningLoop();
  if (!loop) return wrt_errv();
  Task *t = currentTask(loop);
  return t ? wrt_obj(t) : wrt_none();
}

WValue allTasksImpl(WNativeFunc *, WValue *a) {
  EventLoop *loop = a[0].tag == WT_OBJ ? loopOf(a[0]) : requireRunningLoop();
  if (!loop) return wrt_errv();
  return allTasks(loop);
}

WValue iscoroutineImpl(WNativeFunc *, WValue *a) { return wrt_bool(isCoroutine(a[0])); }

/// iscoroutinefunction(func): an `async def` function, bound or not (a
/// native coroutine maker such as asyncio.sleep is not one, as in CPython).
WValue iscoroutinefunctionImpl(WNativeFunc *, WValue *a) {
  WValue f = a[0];
  if (isKind(f, Kind::BoundMethod)) f = reinterpret_cast<WBoundMethod *>(f.o)->func;
  if (isKind(f, Kind::StaticMethod) || isKind(f, Kind::ClassMethod)) f = reinterpret_cast<WFuncWrapper *>(f.o)->func;
  return wrt_bool(isKind(f, Kind::Func) && (reinterpret_cast<WFunc *>(f.o)->info->flags & WFUNC_COROUTINE) &&
                  !(reinterpret_cast<WFunc *>(f.o)->info->flags & WFUNC_GENERATOR));
}
WValue isfutureImpl(WNativeFunc *, WValue *a) { return wrt_bool(isFuture(a[0])); }

WValue asyncioInit() {
  initAsyncioTypes();
  installAsyncgenHooks();
  WValue m = newModule("_asyncio");
  addFutureApi(m);
  addLoopApi(m);
  addTaskFunctions(m);
  addRunApi(m);
  addWaitApi(m);
  addExecutorApi(m);
  addStreamsApi(m);
  addSubprocessApi(m);
  return m;
}

} // namespace

void addTaskFunctions(WValue m) {
  moduleSet(m, "sleep", makeNative("sleep", sleepImpl, "delay, result=None"));
  moduleSet(m, "create_task", makeNative("create_task", createTaskImpl, "coro, /, *, name=None, context=None"));
  moduleSet(m, "ensure_future", makeNative("ensure_future", ensureFutureImpl, "coro_or_future, /, *, loop=None"));
  moduleSet(m, "gather", makeNative("gather", gatherImpl, "*coros_or_futures, return_exceptions=False"));
  moduleSet(m, "current_task", makeNative("current_task", currentTaskImpl, "loop=None"));
  moduleSet(m, "all_tasks", makeNative("all_tasks", allTasksImpl, "loop=None"));
  moduleSet(m, "iscoroutine", makeNative("iscoroutine", iscoroutineImpl, "obj, /"));
  moduleSet(m, "iscoroutinefunction", makeNative("iscoroutinefunction", iscoroutinefunctionImpl, "func, /"));
  moduleSet(m, "isfuture", makeNative("isfuture", isfutureImpl, "obj, /"));
  moduleSet(m, "FIRST_COMPLETED", newStr("FIRST_COMPLETED"));
  moduleSet(m, "FIRST_EXCEPTION", newStr("FIRST_EXCEPTION"));
  moduleSet(m, "ALL_COMPLETED", newStr("ALL_COMPLETED"));
}

// The native core is `_asyncio`, as in CPython; the public `asyncio` module
// is stdlib/asyncio/__init__.weft, which re-exports it and adds the parts
// written in Weft (locks, queues, TaskGroup, timeouts).
void initAsyncio() { registerModule("_asyncio", &asyncioInit); }

} // namespace weft::rt
