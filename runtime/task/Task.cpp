// Task.cpp: Task.__step, __wakeup, cancel and uncancel, following CPython
// 3.11's C implementation (_asynciomodule.c: task_step_impl, task_wakeup).
// The step is the hot path of every await that suspends: it allocates
// nothing, and rescheduling after `sleep(0)` is one ready-queue push.
#include "task/Task.h"

#include "task/Context.h"

#include "task/Errors.h"

#include "core/Object.h"
#include "weft/rt/wrt_api.h"

#include <atomic>
#include <vector>

namespace weft::rt {

namespace {
// CPython counts default task names per process: Task-1, Task-2, ...
std::atomic<int64_t> taskNameCounter{0};

void linkLive(EventLoop *loop, Task *t) {
  t->liveSlot = loop->liveTasks.push(
      &t->fut.hdr, [](WObj *) { return true; },
      [](WObj *o, int64_t slot) { reinterpret_cast<Task *>(o)->liveSlot = slot; });
  ++loop->liveTaskCount;
}

void unlinkLive(Task *t) {
  EventLoop *loop = t->fut.loop;
  if (t->liveSlot < 0) return;
  loop->liveTasks.items[t->liveSlot] = nullptr;
  t->liveSlot = -1;
  // The last pending task gone: start again at the front.
  if (--loop->liveTaskCount == 0) loop->liveTasks.size = 0;
}

/// Schedules a step that throws [exc] into the coroutine (CPython:
/// call_soon(self.__step, new_exc)).
void scheduleThrow(Task *t, WObj *exc) {
  t->fut.loop->callSoon(&taskStepCallback, t, exc);
}

WObj *runtimeError(const std::string &msg) {
  return makeExceptionStr(T.RuntimeError, msg);
}

int taskWakeup(void *task, void *future);

/// Task.__step: one resumption of the coroutine and what follows from it.
int taskStep(Task *t, WObj *exc) {
  Future *self = &t->fut;
  EventLoop *loop = self->loop;
  if (isDone(self)) {
    logError("Exception in callback Task.__step()", "",
             runtimeError("_step(): already done: " + futureRepr(self)));
    return 0;
  }
  if (t->mustCancel) {
    if (!exc || !isInstance(wrt_obj(exc), T.CancelledError)) exc = makeCancelledError(self);
    t->mustCancel = 0;
  }
  WCoro *coro = t->coro;
  t->futWaiter = nullptr;

  WObj *prevTask = loop->currentTask;
  loop->currentTask = &self->hdr;
  // Each step runs in the task's context (CPython: self._context.run(self.__step)).
  // Whatever context is current when it ends is the task's from then on: a
  // task that started with none made one when it set a variable.
  WContext *prevContext = currentContext();
  setCurrentContext(t->context);
  // The exception being handled belongs to the task: swap it in and out.
  // Usually nobody is handling an exception on either side: skip the store.
  WValue prevHandled = getHandled();
  bool swapHandled = coro->handled || prevHandled.tag != WT_UNBOUND;
  if (swapHandled) setHandled(frameHandled(coro));
  WValue r;
  if (coro->state == -1) {
    // Someone awaited the coroutine directly and finished it.
    r = raise(T.RuntimeError, "cannot reuse already awaited coroutine");
  } else if (coro->running & WCORO_RUNNING) {
    r = raise(T.ValueError, "coroutine already executing");
  } else {
    coro->running |= WCORO_RUNNING;
    r = exc ? coro->resume(coro, wrt_obj(exc), WRESUME_THROW) : coro->resume(coro, wrt_none(), WRESUME_SEND);
    coro->running &= ~int64_t(WCORO_RUNNING);
  }
  WValue nowHandled = getHandled();
  saveFrameHandled(coro, nowHandled);
  if (swapHandled || nowHandled.tag != WT_UNBOUND) setHandled(prevHandled);
  t->context = currentContext();
  setCurrentContext(prevContext);
  loop->currentTask = prevTask;

  if (r.tag == WT_SUSPEND) {
    WValue y = coro->yielded;
    if (isFuture(y)) {
      Future *f = reinterpret_cast<Future *>(y.o);
      if (f->loop != loop) {
        scheduleThrow(t, runtimeError("Task " + futureRepr(self) + " got Future " + futureRepr(f) +
                                      " attached to a different loop"));
      } else if (f == self) {
        scheduleThrow(t, runtimeError("Task cannot await on itself: " + futureRepr(self)));
      } else {
        addDoneCallback(f, &taskWakeup, t);
        t->futWaiter = f;
        // A cancel() that arrived while the coroutine ran applies to what it
        // awaits now (rule 5).
        if (t->mustCancel && futureCancel(f, self->cancelMessage)) t->mustCancel = 0;
      }
    } else if (y.tag == WT_NONE) {
      // Bare yield (sleep(0)): give up exactly one loop iteration.
      loop->callSoon(&taskStepCallback, t, nullptr);
    } else {
      scheduleThrow(t, runtimeError("Task got bad yield: " + reprString(y)));
    }
    return 0;
  }

  unlinkLive(t);
  if (r.tag != WT_ERR) {
    if (t->mustCancel) {
      // Cancelled right before the coroutine returned (rule 4).
      t->mustCancel = 0;
      futureCancelBase(self, self->cancelMessage);
    } else {
      futureSetResult(self, r);
    }
    return 0;
  }
  WObj *e = fetchError();
  if (isInstance(wrt_obj(e), T.CancelledError)) {
    // Keep the coroutine's own CancelledError (and its message) for result().
    self->cancelledExc = e;
    futureCancelBase(self, wrt_unbound());
    return 0;
  }
  futureSetExceptionRaw(self, e);
  if (isFatalException(e)) {
    // SystemExit / KeyboardInterrupt also leave the loop (CPython re-raises).
    markRetrieved(self);
    restoreError(e);
    return -1;
  }
  return 0;
}

/// Task.__wakeup: the awaited future is done; resume with its outcome.
int taskWakeup(void *task, void *future) {
  Task *t = static_cast<Task *>(task);
  Future *f = static_cast<Future *>(future);
  if (f->state == FutState::Finished && !f->exception) return taskStep(t, nullptr);
  WObj *exc;
  if (f->state == FutState::Cancelled) {
    exc = makeCancelledError(f);
  } else {
    exc = f->exception;
    markRetrieved(f);
  }
  return taskStep(t, exc);
}
} // namespace

int taskStepCallback(void *task, void *exc) {
  return taskStep(static_cast<Task *>(task), static_cast<WObj *>(exc));
}

Task *newTask(EventLoop *loop, WCoro *coro, WValue name) {
  Task *t = static_cast<Task *>(gcAlloc(sizeof(Task)));
  t->fut.hdr.type = reinterpret_cast<WType *>(AT.task);
  t->fut.loop = loop;
  t->fut.kind = FutKind::Task;
  t->fut.cancelMessage = wrt_unbound();
  t->coro = coro;
  t->logDestroyPending = 1;
  t->context = snapshotContext();
  if (name.tag == WT_OBJ) t->name = name.o;
  else t->nameNumber = ++taskNameCounter;
  linkLive(loop, t);
  loop->callSoon(&taskStepCallback, t, nullptr);
  return t;
}

bool taskCancel(Task *t, WValue msg) {
  t->fut.logTraceback = 0;
  if (isDone(&t->fut)) return false;
  // 3.11: every request counts, and returns True (rule 8).
  if (t->numCancelsRequested < INT32_MAX) ++t->numCancelsRequested;
  if (t->futWaiter && futureCancel(t->futWaiter, msg)) {
    // Keep futWaiter: it may be a task that swallows the cancel, so a later
    // cancel() must reach it again.
    return true;
  }
  // The step is already scheduled; it throws CancelledError(msg).
  t->mustCancel = 1;
  t->fut.cancelMessage = msg;
  return true;
}

int64_t taskUncancel(Task *t) {
  if (t->numCancelsRequested > 0) --t->numCancelsRequested;
  return t->numCancelsRequested;
}

WValue taskName(Task *t) {
  if (!t->name) t->name = newStr("Task-" + std::to_string(t->nameNumber)).o;
  return wrt_obj(t->name);
}

std::vector<Task *> liveTasks(EventLoop *loop) {
  std::vector<Task *> tasks;
  tasks.reserve(loop->liveTaskCount);
  for (int64_t i = 0; i < loop->liveTasks.size; ++i)
    if (WObj *o = loop->liveTasks.items[i]) tasks.push_back(reinterpret_cast<Task *>(o));
  return tasks;
}

WValue allTasks(EventLoop *loop) {
  WValue set = newSet();
  // The vector is transient: the tasks stay reachable from the loop.
  for (Task *t : liveTasks(loop)) {
    if (wrt_set_add(set, wrt_obj(t)).tag == WT_ERR) return wrt_errv();
  }
  return set;
}

std::string coroName(WCoro *c) {
  if (c && c->info && c->info->qualname) return c->info->qualname;
  if (c && c->info && c->info->name) return c->info->name;
  return "coroutine";
}

} // namespace weft::rt
