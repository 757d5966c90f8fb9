// AsyncioRun.cpp: asyncio.run (3.11's Runner) and
// BaseEventLoop.run_until_complete, and the native halves of
// asyncio.Runner (stdlib/asyncio/runners.weft). run() makes a fresh loop, runs the main
// task to completion, then cancels the tasks left over and runs the loop
// until they have finished (their `finally` blocks run, rule 39), reports
// failures nobody retrieved, and closes the loop. An exception from the main
// coroutine propagates out of run() after that cleanup.
//
// Ctrl-C, as Runner._on_sigint: while run() runs on the main thread, the
// first SIGINT cancels the main task (its `finally` blocks run, then run()
// raises KeyboardInterrupt); a second one raises KeyboardInterrupt out of the
// loop at once. The handler is only installed over the default disposition,
// so a SIGINT the parent ignores stays ignored.
#include "modules/AsyncioInternal.h"

#include "task/AsyncgenTable.h"
#include "task/Await.h"
#include "task/CallCoro.h"
#include "task/Errors.h"
#include "task/Gather.h"
#include "task/Task.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

namespace weft::rt {

namespace {

/// _run_until_complete_cb: stop the loop once the future is done, unless it
/// failed with SystemExit/KeyboardInterrupt (that exception already stops it).
int runUntilCompleteCb(void *loop, void *future) {
  Future *f = static_cast<Future *>(future);
  if (f->state != FutState::Cancelled && isFatalException(f->exception)) return 0;
  static_cast<EventLoop *>(loop)->stop();
  return 0;
}

/// Runner.close's _cancel_all_tasks.
void cancelAllTasks(WValue loopObj) {
  EventLoop *loop = loopOf(loopObj);
  // all_tasks() order: creation order. The vector is transient: every task
  // is reachable from the loop.
  std::vector<Task *> ordered = liveTasks(loop);
  if (ordered.empty()) return;
  WValue *arr = static_cast<WValue *>(gcAlloc(sizeof(WValue) * ordered.size()));
  for (size_t i = 0; i < ordered.size(); ++i) {
    arr[i] = wrt_obj(ordered[i]);
    taskCancel(ordered[i], wrt_unbound());
  }
  WValue g = gather(loop, int64_t(ordered.size()), arr, true);
  if (g.tag != WT_ERR) g = runUntilComplete(loopObj, g);
  if (g.tag == WT_ERR) {
    WObj *e = fetchError();
    logError("Exception while cancelling the remaining tasks in asyncio.run()", "", e);
  }
  for (size_t i = 0; i < ordered.size(); ++i) {
    Future *f = reinterpret_cast<Future *>(arr[i].o);
    if (f->state != FutState::Finished || !f->exception) continue;
    markRetrieved(f);
    logError("unhandled exception during asyncio.run() shutdown", "task: " + futureRepr(f), f->exception);
  }
}

/// The run() the SIGINT handler talks to (one at a time: run() does not nest).
struct Interrupts {
  EventLoop *loop = nullptr;
  Task *mainTask = nullptr;
  int count = 0;
  bool installed = false;
  struct sigaction previous {};
};
Interrupts interrupts;

void onSigint(int) {
  if (EventLoop *loop = __atomic_load_n(&interrupts.loop, __ATOMIC_ACQUIRE)) loop->interruptFromSignal();
}

/// Runner._on_sigint, on the loop thread.
int interruptHook(void *, void *) {
  ++interrupts.count;
  Task *t = interrupts.mainTask;
  if (interrupts.count == 1 && t && !isDone(&t->fut)) {
    taskCancel(t, wrt_unbound());
    return 0;
  }
  restoreError(newException(T.KeyboardInterrupt, nullptr).o);  // KeyboardInterrupt(): no args
  return -1;
}

void installSigint(EventLoop *loop, Task *mainTask) {
  interrupts = Interrupts{};
  if (syscall(SYS_gettid) != getpid()) return;  // signal handlers belong to the main thread
  struct sigaction current {};
  if (sigaction(SIGINT, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) return;
  interrupts.mainTask = mainTask;
  loop->interruptHook = &interruptHook;
  __atomic_store_n(&interrupts.loop, loop, __ATOMIC_RELEASE);
  struct sigaction sa {};
  sa.sa_handler = &onSigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  interrupts.installed = sigaction(SIGINT, &sa, &interrupts.previous) == 0;
}

void restoreSigint() {
  if (interrupts.installed) sigaction(SIGINT, &interrupts.previous, nullptr);
  __atomic_store_n(&interrupts.loop, static_cast<EventLoop *>(nullptr), __ATOMIC_RELEASE);
  interrupts.installed = false;
  interrupts.mainTask = nullptr;
}

/// Runner.run's body on [loopObj]: the main task to completion, with Ctrl-C
/// handled as Runner._on_sigint does.
/// [context]: the Context the main task runs in (None: a copy of the current one).
WValue runMainTask(WValue loopObj, WValue main, WValue context = wrt_none()) {
  EventLoop *loop = loopOf(loopObj);
  WValue task = isCoroutine(main) ? createTask(loop, main, wrt_unbound(), context) : ensureFuture(loop, main);
  if (task.tag != WT_ERR) installSigint(loop, reinterpret_cast<Task *>(task.o));
  WValue r = task.tag == WT_ERR ? task : runUntilComplete(loopObj, task);
  WObj *pending = r.tag == WT_ERR ? fetchError() : nullptr;
  if (pending && interrupts.count > 0 && isInstance(wrt_obj(pending), T.CancelledError) &&
      taskUncancel(reinterpret_cast<Task *>(task.o)) == 0) {
    // The cancellation was Ctrl-C's: raise KeyboardInterrupt in its place.
    WValue ki = newException(T.KeyboardInterrupt, nullptr);
    reinterpret_cast<WException *>(ki.o)->context = wrt_obj(pending);
    pending = ki.o;
  }
  restoreSigint();
  loop->interruptHook = nullptr;
  if (pending) return restoreError(pending);
  return r;
}

/// loop.shutdown_asyncgens(): aclose() every async generator that started on
/// the loop and has not finished, concurrently, logging what fails.
void shutdownAsyncgens(WValue loopObj) {
  EventLoop *loop = loopOf(loopObj);
  int64_t n = 0;
  WObj **ags = takeUnfinishedAsyncgens(loop, n);
  if (n == 0) return;
  auto *closers = static_cast<WValue *>(gcAlloc(sizeof(WValue) * size_t(n)));
  for (int64_t i = 0; i < n; ++i) {
    closers[i] = callMethod(wrt_obj(ags[i]), "aclose", 0, nullptr);
    if (closers[i].tag == WT_ERR) return logError("error closing asynchronous generators", "", fetchError());
  }
  WValue g = gather(loop, n, closers, true);
  WValue results = g.tag == WT_ERR ? g : runUntilComplete(loopObj, g);
  if (results.tag == WT_ERR) return logError("error closing asynchronous generators", "", fetchError());
  if (!isKind(results, Kind::List)) return;
  for (int64_t i = 0; i < n && i < asList(results)->size; ++i) {
    WValue r = asList(results)->items[i];
    if (isInstance(r, T.BaseException))
      logError("an error occurred during closing of asynchronous generator " + reprString(wrt_obj(ags[i])),
               "asyncgen: " + reprString(wrt_obj(ags[i])), r.o);
  }
}

/// The state of one `await loop.shutdown_asyncgens()`: the generators being
/// closed and the future the caller awaits.
struct AsyncgenShutdown {
  WObj hdr;
  WObj **ags;
  int64_t n;
  Future *done;
};

/// The gathered aclose() calls finished: log the failures, as CPython does.
int asyncgensClosed(void *a, void *gatherFut) {
  auto *st = static_cast<AsyncgenShutdown *>(a);
  Future *g = static_cast<Future *>(gatherFut);
  if (g->state == FutState::Finished && !g->exception && isKind(g->result, Kind::List)) {
    WList *results = asList(g->result);
    for (int64_t i = 0; i < st->n && i < results->size; ++i)
      if (isInstance(results->items[i], T.BaseException))
        logError("an error occurred during closing of asynchronous generator " + reprString(wrt_obj(st->ags[i])),
                 "asyncgen: " + reprString(wrt_obj(st->ags[i])), results->items[i].o);
  }
  if (g->exception) markRetrieved(g);
  if (!isDone(st->done)) futureSetResult(st->done, wrt_none());
  return 0;
}

/// loop.shutdown_asyncgens() on a running loop: a future (awaited by the
/// coroutine below) that is done once every unfinished async generator of
/// the loop has been aclose()d.
WValue loopShutdownAsyncgens(WNativeFunc *, WValue *a) {
  EventLoop *loop = loopOf(a[0]);
  static WTypeObj *stateType = newType("_AsyncgenShutdown", T.object, Kind::Other, "asyncio");
  auto *st = newObj<AsyncgenShutdown>(stateType);
  st->done = newFuture(loop);
  st->ags = takeUnfinishedAsyncgens(loop, st->n);
  if (st->n == 0) {
    futureSetResult(st->done, wrt_none());
    return wrt_obj(st->done);
  }
  auto *closers = static_cast<WValue *>(gcAlloc(sizeof(WValue) * size_t(st->n)));
  for (int64_t i = 0; i < st->n; ++i) {
    closers[i] = callMethod(wrt_obj(st->ags[i]), "aclose", 0, nullptr);
    if (closers[i].tag == WT_ERR) return wrt_errv();
  }
  WValue g = gather(loop, st->n, closers, true);
  if (g.tag == WT_ERR) return g;
  addDoneCallback(asFuture(g), &asyncgensClosed, st);
  return wrt_obj(st->done);
}

WEFT_CORO_ENTRY(loopShutdownAsyncgensCoro, loopShutdownAsyncgens, "shutdown_asyncgens", 1)

/// Runner.close before loop.close(): the leftover tasks cancelled and run
/// to their end, unfinished async generators closed, the default executor
/// shut down, failures nobody retrieved logged.
void shutdownRunnerLoop(WValue loopObj) {
  EventLoop *loop = loopOf(loopObj);
  cancelAllTasks(loopObj);
  shutdownAsyncgens(loopObj);
  shutdownDefaultExecutor(loop);  // Runner.close: loop.shutdown_default_executor()
  reportUnretrieved(loop);
}

bool isLoopObj(WValue v) { return v.tag == WT_OBJ && v.o->type == AT.loop; }

WValue runImpl(WNativeFunc *, WValue *a) {
  WValue main = a[0];
  if (EventLoop::running()) return raise(T.RuntimeError, "asyncio.run() cannot be called from a running event loop");
  if (!isCoroutine(main)) return raiseFormat(T.ValueError, "a coroutine was expected, got %s", reprString(main).c_str());
  WValue loopObj = newLoopObj();
  if (loopObj.tag == WT_ERR) return loopObj;
  EventLoop *loop = loopOf(loopObj);
  if (a[1].tag != WT_NONE && a[1].tag != WT_UNBOUND) {
    int d = truthy(a[1]);
    if (d < 0) return wrt_errv();
    loop->debug = d;
  }
  // Runner: the new loop is the current one until run() returns.
  setCurrentLoop(loopObj);
  WValue r = runMainTask(loopObj, main);
  WObj *pending = r.tag == WT_ERR ? fetchError() : nullptr;
  shutdownRunnerLoop(loopObj);
  loop->close();
  setCurrentLoop(wrt_none());
  if (pending) return restoreError(pending);
  return r;
}

/// _asyncio._runner_run(loop, coro, context): Runner.run once
/// stdlib/asyncio/runners.weft has checked its state.
WValue runnerRunImpl(WNativeFunc *, WValue *a) {
  if (!isLoopObj(a[0])) return raiseTypeError("expected an event loop, not %s", typeName(a[0]));
  if (loopOf(a[0])->isClosed()) return raise(T.RuntimeError, "Event loop is closed");
  return runMainTask(a[0], a[1], a[2]);
}

/// _asyncio._runner_shutdown(loop): Runner.close up to loop.close().
WValue runnerShutdownImpl(WNativeFunc *, WValue *a) {
  if (!isLoopObj(a[0])) return raiseTypeError("expected an event loop, not %s", typeName(a[0]));
  if (!loopOf(a[0])->isClosed()) shutdownRunnerLoop(a[0]);
  return wrt_none();
}

} // namespace

WValue runUntilComplete(WValue loopObj, WValue aw) {
  EventLoop *loop = loopOf(loopObj);
  if (loop->isClosed()) return raise(T.RuntimeError, "Event loop is closed");
  if (loop->isRunning()) return raise(T.RuntimeError, "This event loop is already running");
  if (EventLoop::running())
    return raise(T.RuntimeError, "Cannot run the event loop while another loop is running");
  bool newTask = !isFuture(aw);
  WValue fv = ensureFuture(loop, aw);
  if (fv.tag == WT_ERR) return fv;
  Future *f = asFuture(fv);
  if (newTask && f->kind == FutKind::Task) reinterpret_cast<Task *>(f)->logDestroyPending = 0;
  addDoneCallback(f, &runUntilCompleteCb, loop);
  RunStatus st = loop->runForever();
  removeDoneCallback(f, &runUntilCompleteCb, loop);
  if (st != RunStatus::Ok) {
    // The exception leaving run_forever was the future's own: retrieved.
    if (newTask && isDone(f) && f->state != FutState::Cancelled) markRetrieved(f);
    if (st == RunStatus::Fatal) return wrt_errv();
    return raise(T.RuntimeError, st == RunStatus::Closed ? "Event loop is closed" : "event loop failed");
  }
  if (!isDone(f)) return raise(T.RuntimeError, "Event loop stopped before Future completed.");
  return futureResult(f);
}

void addRunApi(WValue m) {
  moduleSet(m, "run", makeNative("run", runImpl, "main, /, *, debug=None"));
  addMethod(AT.loop, "shutdown_asyncgens", loopShutdownAsyncgensCoro, "self, /");
  moduleSet(m, "_runner_run", makeNative("_runner_run", runnerRunImpl, "loop, coro, context, /"));
  moduleSet(m, "_runner_shutdown", makeNative("_runner_shutdown", runnerShutdownImpl, "loop, /"));
}

} // namespace weft::rt
