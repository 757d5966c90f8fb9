// AsyncioExecutorApi.cpp: the bridge between executors and the event loop
// (loop.run_in_executor, asyncio.to_thread, the loop's default executor) and
// the native `concurrent.futures` module. A finished concurrent future posts
// its outcome with callSoonThreadsafe, so the loop learns of it through its
// eventfd wake-up and never polls; cancelling the asyncio future cancels the
// concurrent one if it has not started (CPython's _chain_future). Also
// run_coroutine_threadsafe, the same chain the other way round.
#include "exec/Executor.h"

#include "core/CoreInternal.h"
#include "modules/AsyncioInternal.h"
#include "task/Await.h"
#include "task/CallCoro.h"
#include "task/Context.h"
#include "task/Errors.h"

#include "weft/rt/wrt_api.h"

#include <gc/gc.h>
#include <pthread.h>

namespace weft::rt {

namespace {

/// Loop thread: copies the concurrent future's outcome into the asyncio one.
int copyOutcome(void *afp, void *cfp) {
  auto *af = static_cast<Future *>(afp);
  auto *cf = static_cast<CFuture *>(cfp);
  af->loop->threadsafeCallArrived();
  if (isDone(af)) return 0;  // cancelled meanwhile
  if (cf->state == CFState::Cancelled) futureCancel(af, wrt_unbound());
  else if (cf->exception.tag != WT_UNBOUND) futureSetExceptionRaw(af, cf->exception.o);
  else futureSetResult(af, cf->result);
  return 0;
}

/// Any thread: the concurrent future finished.
void onConcurrentDone(void *afp, CFuture *cf) {
  auto *af = static_cast<Future *>(afp);
  // A loop closed meanwhile (asyncio.run ended while a user pool still ran
  // the call): nobody can await the future any more.
  if (af->loop->isClosed()) return;
  af->loop->callSoonThreadsafe(&copyOutcome, af, cf);
}

/// Loop thread: the asyncio future finished (a cancel reaches the work).
int onAsyncioDone(void *cfp, void *afp) {
  if (static_cast<Future *>(afp)->state == FutState::Cancelled) cfCancel(static_cast<CFuture *>(cfp));
  return 0;
}

WStr *defaultKey() {
  static WStr *k = internStr("_default_executor");
  return k;
}

WValue defaultExecutor(EventLoop *loop, bool create) {
  WValue lo = loopObjOf(loop);
  auto *o = reinterpret_cast<LoopObj *>(lo.o);
  WValue e = o->attrs ? dictGetStr(o->attrs, defaultKey()) : wrt_unbound();
  // After loop.shutdown_default_executor() nothing more may run on it.
  if (create && o->attrs && dictGetStr(o->attrs, internStr("_executor_shutdown_called")).tag == WT_BOOL)
    return raise(T.RuntimeError, "Executor shutdown has been called");
  if (isExecutor(e) || !create) return e;
  initExecTypes();
  e = newThreadPoolExecutor(0, wrt_unbound(), nullptr, "asyncio");  // asyncio's thread_name_prefix
  if (setAttr(lo, defaultKey(), e).tag == WT_ERR) return wrt_errv();
  return e;
}

/// asyncio.wrap_future(future, *, loop=None): an asyncio Future that follows
/// a concurrent.futures.Future (cancelling one cancels the other); an
/// asyncio future is returned as it is.
WValue wrapFuture(WNativeFunc *, WValue *a) {
  if (isFuture(a[0])) return a[0];
  if (a[0].tag != WT_OBJ || a[0].o->type != ET.future)
    return raiseFormat(T.TypeError, "concurrent.futures.Future is expected, got %s", reprString(a[0]).c_str());
  EventLoop *loop = a[1].tag == WT_OBJ && a[1].o->type == AT.loop ? loopOf(a[1]) : nullptr;
  if (!loop) {
    WValue lo = currentLoopObj();
    if (lo.tag == WT_ERR) return lo;
    loop = loopOf(lo);
  }
  Future *af = newFuture(loop);
  addDoneCallback(af, &onAsyncioDone, a[0].o);
  loop->expectThreadsafeCall();
  cfAddCallback(reinterpret_cast<CFuture *>(a[0].o), &onConcurrentDone, af);
  return wrt_obj(af);
}

WValue loopRunInExecutor(WNativeFunc *, WValue *a) {
  EventLoop *loop = loopOf(a[0]);
  if (loop->isClosed()) return raise(T.RuntimeError, "Event loop is closed");
  return runInExecutor(loop, a[1], a[2], a[3].o, nullptr);
}

/// The thread that shuts the default executor down for
/// loop.shutdown_default_executor(): joining the workers blocks, so it is
/// not done on the loop's thread; the future is completed from the loop.
struct ExecutorShutdown {
  WValue executor;
  Future *done;
};

int finishShutdown(void *fut, void *) {
  auto *f = static_cast<Future *>(fut);
  if (!isDone(f)) futureSetResult(f, wrt_none());
  return 0;
}

void *shutdownThread(void *arg) {
  auto *job = static_cast<ExecutorShutdown *>(arg);
  executorShutdown(job->executor, true);
  Future *f = job->done;
  GC_FREE(job);
  f->loop->callSoonThreadsafe(&finishShutdown, f, nullptr);
  return nullptr;
}

/// loop.shutdown_default_executor(): an awaitable that completes once the
/// default executor's workers have finished. Afterwards the loop refuses
/// to make a new default executor, as CPython's does.
WValue loopShutdownDefaultExecutor(WNativeFunc *, WValue *a) {
  EventLoop *loop = loopOf(a[0]);
  Future *f = newFuture(loop);
  WValue e = defaultExecutor(loop, false);
  if (setAttr(a[0], internStr("_executor_shutdown_called"), wrt_bool(1)).tag == WT_ERR) return wrt_errv();
  if (!isExecutor(e)) {
    futureSetResult(f, wrt_none());
    return wrt_obj(reinterpret_cast<WObj *>(f));
  }
  auto *job = static_cast<ExecutorShutdown *>(GC_MALLOC_UNCOLLECTABLE(sizeof(ExecutorShutdown)));
  job->executor = e;
  job->done = f;
  loop->expectThreadsafeCall();
  pthread_t t;
  if (pthread_create(&t, nullptr, &shutdownThread, job) != 0) {
    GC_FREE(job);
    executorShutdown(e, true);
    futureSetResult(f, wrt_none());
  } else {
    pthread_detach(t);
  }
  return wrt_obj(reinterpret_cast<WObj *>(f));
}

WValue loopSetDefaultExecutor(WNativeFunc *, WValue *a) {
  if (!isExecutor(a[1]) || a[1].o->type != ET.threadPool)
    return raise(T.TypeError, "executor must be ThreadPoolExecutor");
  return setAttr(a[0], defaultKey(), a[1]);
}

/// The first step of asyncio.to_thread(func, *args, **kwargs): submits the
/// call to the loop's default executor, to run in a copy of this task's
/// context, as CPython's; the coroutine then awaits the asyncio future the
/// worker completes. a: func, the args tuple, the kwargs dict.
WValue toThreadStart(WNativeFunc *, WValue *a) {
  EventLoop *loop = requireRunningLoop();
  if (!loop) return wrt_errv();
  WTuple *args = asTuple(a[1]);
  WValue runArgs = newTuple(args->size + 2);
  asTuple(runArgs)->items[0] = wrt_obj(copyContext(currentContext()));
  asTuple(runArgs)->items[1] = a[0];
  for (int64_t i = 0; i < args->size; i++) asTuple(runArgs)->items[i + 2] = args->items[i];
  WObj *kwargs = a[2].tag == WT_OBJ && asDict(a[2])->size > 0 ? a[2].o : nullptr;
  return runInExecutor(loop, wrt_none(), contextRunFunc(), runArgs.o, kwargs);
}

/// asyncio.to_thread(func, /, *args, **kwargs): a coroutine, as CPython's,
/// so it can be awaited, gathered or given to create_task.
WEFT_CORO_ENTRY(toThreadImpl, toThreadStart, "to_thread", 3)

// asyncio.run_coroutine_threadsafe(coro, loop): any thread hands a
// coroutine to [loop] and gets a concurrent.futures.Future for its outcome
// (CPython's tasks.run_coroutine_threadsafe and futures._chain_future).

/// Loop thread: the task finished; its outcome goes to the concurrent
/// future (CPython's _set_concurrent_future_state).
int taskDoneToConcurrent(void *cfp, void *taskp) {
  auto *cf = static_cast<CFuture *>(cfp);
  auto *task = static_cast<Future *>(taskp);
  if (task->state == FutState::Cancelled) {
    cfCancel(cf);
    return 0;
  }
  if (!cfSetRunning(cf)) return 0;  // cancelled by its holder meanwhile
  if (task->exception) {
    markRetrieved(task);
    cfSetException(cf, wrt_obj(task->exception));
  } else {
    cfSetResult(cf, task->result);
  }
  return 0;
}

int cancelTaskOnLoop(void *taskp, void *) {
  futureCancel(static_cast<Future *>(taskp), wrt_unbound());
  return 0;
}

/// Any thread: the concurrent future finished; a cancel reaches the task.
void concurrentDoneToTask(void *taskp, CFuture *cf) {
  auto *task = static_cast<Future *>(taskp);
  if (cf->state != CFState::Cancelled || task->loop->isClosed()) return;
  task->loop->callSoonThreadsafe(&cancelTaskOnLoop, task, nullptr);
}

/// Loop thread: wraps the coroutine in a task and chains the two futures.
int startThreadsafe(void *coro, void *cfp) {
  auto *cf = static_cast<CFuture *>(cfp);
  EventLoop *loop = EventLoop::running();
  WValue task = loop ? ensureFuture(loop, wrt_obj(coro)) : raise(T.RuntimeError, "no running event loop");
  if (task.tag == WT_ERR) {
    WObj *exc = fetchError();
    if (cfSetRunning(cf)) cfSetException(cf, wrt_obj(exc));
    return 0;
  }
  Future *t = asFuture(task);
  addDoneCallback(t, &taskDoneToConcurrent, cf);
  cfAddCallback(cf, &concurrentDoneToTask, t);
  return 0;
}

WValue runCoroutineThreadsafe(WNativeFunc *, WValue *a) {
  if (!isCoroutine(a[0])) return raise(T.TypeError, "A coroutine object is required");
  if (a[1].tag != WT_OBJ || a[1].o->type != AT.loop)
    return raiseTypeError("loop must be an event loop, not %s", typeName(a[1]));
  EventLoop *loop = loopOf(a[1]);
  if (loop->isClosed()) return raise(T.RuntimeError, "Event loop is closed");
  CFuture *cf = newCFuture();
  loop->callSoonThreadsafe(&startThreadsafe, a[0].o, cf);
  return wrt_obj(cf);
}

WValue futuresInit() {
  initExecTypes();
  WValue m = newModule("concurrent.futures");
  moduleSet(m, "Future", wrt_obj(ET.future));
  moduleSet(m, "ThreadPoolExecutor", wrt_obj(ET.threadPool));
  moduleSet(m, "ProcessPoolExecutor", wrt_obj(ET.processPool));
  moduleSet(m, "BrokenExecutor", wrt_obj(ET.brokenExecutor));
  moduleSet(m, "CancelledError", wrt_obj(T.CancelledError));
  moduleSet(m, "TimeoutError", wrt_obj(T.TimeoutError));
  moduleSet(m, "InvalidStateError", wrt_obj(T.InvalidStateError));
  moduleSet(m, "FIRST_COMPLETED", newStr("FIRST_COMPLETED"));
  moduleSet(m, "FIRST_EXCEPTION", newStr("FIRST_EXCEPTION"));
  moduleSet(m, "ALL_COMPLETED", newStr("ALL_COMPLETED"));
  addFutureWaiting(m);
  return m;
}

WValue processInit() {
  initExecTypes();
  WValue m = newModule("concurrent.futures.process");
  moduleSet(m, "ProcessPoolExecutor", wrt_obj(ET.processPool));
  moduleSet(m, "BrokenProcessPool", wrt_obj(ET.brokenProcessPool));
  return m;
}

WValue threadInit() {
  initExecTypes();
  WValue m = newModule("concurrent.futures.thread");
  moduleSet(m, "ThreadPoolExecutor", wrt_obj(ET.threadPool));
  moduleSet(m, "BrokenThreadPool", wrt_obj(ET.brokenThreadPool));
  return m;
}

WValue concurrentInit() {
  WValue m = newModule("concurrent");
  WValue f = importModule("concurrent.futures");
  if (f.tag == WT_ERR) return f;
  moduleSet(m, "futures", f);
  return m;
}

} // namespace

WValue runInExecutor(EventLoop *loop, WValue executor, WValue fn, WObj *args, WObj *kwargs) {
  if (EventLoop::running() != loop && loop->isClosed()) return raise(T.RuntimeError, "Event loop is closed");
  if (executor.tag == WT_NONE || executor.tag == WT_UNBOUND) {
    executor = defaultExecutor(loop, true);
    if (executor.tag == WT_ERR) return executor;
  } else if (!isExecutor(executor)) {
    return raiseTypeError("executor must be a ThreadPoolExecutor or ProcessPoolExecutor, not %s",
                          typeName(executor));
  }
  WValue cf = executorSubmit(executor, fn, args, kwargs);
  if (cf.tag == WT_ERR) return cf;
  Future *af = newFuture(loop);
  addDoneCallback(af, &onAsyncioDone, cf.o);
  // The answer comes back through callSoonThreadsafe (copyOutcome).
  loop->expectThreadsafeCall();
  cfAddCallback(reinterpret_cast<CFuture *>(cf.o), &onConcurrentDone, af);
  return wrt_obj(af);
}

void addExecutorApi(WValue m) {
  initExecTypes();
  moduleSet(m, "to_thread", makeNative("to_thread", toThreadImpl, "func, /, *args, **kwargs"));
  moduleSet(m, "run_coroutine_threadsafe", makeNative("run_coroutine_threadsafe", runCoroutineThreadsafe, "coro, loop"));
  moduleSet(m, "wrap_future", makeNative("wrap_future", wrapFuture, "future, *, loop=None"));
  addMethod(AT.loop, "run_in_executor", loopRunInExecutor, "self, executor, func, /, *args");
  addMethod(AT.loop, "set_default_executor", loopSetDefaultExecutor, "self, executor, /");
  addMethod(AT.loop, "shutdown_default_executor", loopShutdownDefaultExecutor, "self, /");
}

void shutdownDefaultExecutor(EventLoop *loop) {
  WValue e = defaultExecutor(loop, false);
  if (isExecutor(e)) executorShutdown(e, true);
}

void initExecModule() {
  registerModule("concurrent", concurrentInit);
  registerModule("concurrent.futures", futuresInit);
  registerModule("concurrent.futures.thread", threadInit);
  registerModule("concurrent.futures.process", processInit);
}

} // namespace weft::rt
