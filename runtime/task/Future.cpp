// Future.cpp: the Future state machine (CPython's _asyncio.Future in C).
// Messages match the C implementation, which is what CPython 3.11 runs:
// "Result is not set.", "Exception is not set.", "invalid state".
#include "task/Future.h"

#include "task/Errors.h"
#include "task/Gather.h"
#include "task/Task.h"

#include "core/Object.h"

#include <gc/gc.h>

namespace weft::rt {

AsyncioTypes AT;

Future *newFuture(EventLoop *loop, size_t size, FutKind kind) {
  Future *f = static_cast<Future *>(gcAlloc(size));
  initFuture(f, loop, kind);
  return f;
}

void initFuture(Future *f, EventLoop *loop, FutKind kind) {
  f->hdr.type = reinterpret_cast<WType *>(kind == FutKind::Gathering ? AT.gatheringFuture : AT.future);
  f->loop = loop;
  f->kind = kind;
  f->cancelMessage = wrt_unbound();
}

bool isFuture(WValue v) {
  if (v.tag != WT_OBJ || !v.o->type) return false;
  WTypeObj *t = reinterpret_cast<WTypeObj *>(v.o->type);
  return t->kind == Kind::Future || t->kind == Kind::Task;
}

/// Keeps [f] in the loop's table of failed futures, for the "exception was
/// never retrieved" log at close. A full table is first pruned of retrieved
/// ones, so a long-running program does not keep every failure alive.
static void rememberFailed(Future *f) {
  f->loop->failedFutures.push(
      &f->hdr, [](WObj *o) { return reinterpret_cast<Future *>(o)->logTraceback != 0; }, [](WObj *, int64_t) {});
}

/// Room for callbacks in [f]'s `more` array.
static int moreCapacity(const Future *f) {
  return f->more ? int(GC_size(f->more) / sizeof(DoneCallback)) : 0;
}

/// __schedule_callbacks: hand every callback to call_soon, in order, and
/// forget them (a done future keeps no callbacks).
static void scheduleCallbacks(Future *f) {
  int n = f->ncallbacks;
  if (n == 0) return;
  f->loop->callSoon(f->cb0.fn, f->cb0.a, f);
  for (int i = 1; i < n; ++i) f->loop->callSoon(f->more[i - 1].fn, f->more[i - 1].a, f);
  f->ncallbacks = 0;
  f->cb0 = DoneCallback{nullptr, nullptr};
  f->more = nullptr;
}

void addDoneCallback(Future *f, ReadyFn fn, void *a) {
  if (isDone(f)) {
    f->loop->callSoon(fn, a, f);
    return;
  }
  if (f->ncallbacks == 0) {
    f->cb0 = DoneCallback{fn, a};
  } else {
    int idx = f->ncallbacks - 1;
    if (idx == moreCapacity(f)) {
      int cap = idx ? idx * 2 : 4;
      DoneCallback *n = static_cast<DoneCallback *>(gcAlloc(sizeof(DoneCallback) * cap));
      for (int i = 0; i < idx; ++i) n[i] = f->more[i];
      f->more = n;
    }
    f->more[idx] = DoneCallback{fn, a};
  }
  ++f->ncallbacks;
}

/// Keeps the callbacks for which [keep] is true, in order. Returns how many
/// were removed, or -1 if [keep] failed (exception pending).
template <typename Keep> static int filterCallbacks(Future *f, Keep keep) {
  int n = f->ncallbacks, kept = 0, removed = 0;
  DoneCallback *out = nullptr;
  DoneCallback first{nullptr, nullptr};
  for (int i = 0; i < n; ++i) {
    DoneCallback cb = i == 0 ? f->cb0 : f->more[i - 1];
    int k = keep(cb);
    if (k < 0) return -1;
    if (!k) {
      ++removed;
      continue;
    }
    if (kept == 0) {
      first = cb;
    } else {
      if (!out) out = static_cast<DoneCallback *>(gcAlloc(sizeof(DoneCallback) * n));
      out[kept - 1] = cb;
    }
    ++kept;
  }
  f->cb0 = first;
  f->more = out;
  f->ncallbacks = kept;
  return removed;
}

int removeDoneCallback(Future *f, ReadyFn fn, void *a) {
  return filterCallbacks(f, [&](const DoneCallback &cb) { return !(cb.fn == fn && cb.a == a); });
}

int removeWeftDoneCallback(Future *f, WValue callable) {
  return filterCallbacks(f, [&](const DoneCallback &cb) -> int {
    if (cb.fn != &callWeftCallback) return 1;
    int eq = equals(wrt_obj(cb.a), callable);
    return eq < 0 ? -1 : !eq;
  });
}

int callWeftCallback(void *callable, void *future) {
  WValue arg = wrt_obj(future);
  WValue r = call(wrt_obj(callable), 1, &arg);
  if (r.tag != WT_ERR) return 0;
  WObj *exc = fetchError();
  if (isFatalException(exc)) {
    restoreError(exc);
    return -1;
  }
  std::string what = reprString(wrt_obj(callable)) + "(" + futureRepr(static_cast<Future *>(future)) + ")";
  logLoopError(static_cast<Future *>(future)->loop, "Exception in callback " + what, "handle: <Handle " + what + ">",
               exc);
  return 0;
}

WObj *makeCancelledError(Future *f) {
  if (f->cancelledExc) {
    // CPython transfers the saved exception: the next call makes a new one.
    WObj *e = f->cancelledExc;
    f->cancelledExc = nullptr;
    return e;
  }
  WValue msg = f->cancelMessage.tag == WT_NONE ? wrt_unbound() : f->cancelMessage;
  return makeException(T.CancelledError, msg);
}

WValue futureResult(Future *f) {
  if (f->state == FutState::Cancelled) {
    WObj *e = makeCancelledError(f);
    return e ? restoreError(e) : wrt_errv();
  }
  if (f->state != FutState::Finished) return raise(T.InvalidStateError, "Result is not set.");
  f->logTraceback = 0;
  if (f->exception) return restoreError(f->exception);
  return f->result;
}

WValue futureException(Future *f) {
  if (f->state == FutState::Cancelled) {
    WObj *e = makeCancelledError(f);
    return e ? restoreError(e) : wrt_errv();
  }
  if (f->state != FutState::Finished) return raise(T.InvalidStateError, "Exception is not set.");
  f->logTraceback = 0;
  return f->exception ? wrt_obj(f->exception) : wrt_none();
}

WValue futureSetResult(Future *f, WValue v) {
  if (isDone(f)) return raise(T.InvalidStateError, "invalid state");
  f->result = v;
  f->state = FutState::Finished;
  scheduleCallbacks(f);
  return wrt_none();
}

WValue futureSetException(Future *f, WValue exc) {
  if (isDone(f)) return raise(T.InvalidStateError, "invalid state");
  if (exc.tag == WT_OBJ && isInstance(exc, T.type)) {
    // set_exception(ValueError) instantiates the class (rule 13).
    exc = call(exc, 0, nullptr);
    if (exc.tag == WT_ERR) return exc;
  }
  if (exc.tag != WT_OBJ || !isInstance(exc, T.BaseException))
    return raise(T.TypeError, "invalid exception object");
  if (isInstance(exc, T.StopIteration))
    return raise(T.TypeError, "StopIteration interacts badly with generators and cannot be raised into a Future");
  futureSetExceptionRaw(f, exc.o);
  return wrt_none();
}

void futureSetExceptionRaw(Future *f, WObj *exc) {
  f->exception = exc;
  f->state = FutState::Finished;
  f->logTraceback = 1;
  rememberFailed(f);
  scheduleCallbacks(f);
}

bool futureCancelBase(Future *f, WValue msg) {
  f->logTraceback = 0;
  if (f->state != FutState::Pending) return false;
  f->state = FutState::Cancelled;
  f->cancelMessage = msg;
  scheduleCallbacks(f);
  return true;
}

bool futureCancel(Future *f, WValue msg) {
  switch (f->kind) {
  case FutKind::Task:
    return taskCancel(reinterpret_cast<Task *>(f), msg);
  case FutKind::Gathering:
    return gatheringCancel(f, msg);
  default:
    return futureCancelBase(f, msg);
  }
}

void reportUnretrieved(EventLoop *loop) {
  // In the order the failures happened. The table is taken first: logging
  // runs Weft code that may fail more futures.
  GcPtrTable<WObj> failed = loop->failedFutures;
  loop->failedFutures = GcPtrTable<WObj>();
  for (int64_t i = 0; i < failed.size; ++i) {
    Future *f = reinterpret_cast<Future *>(failed.items[i]);
    if (!f->logTraceback || !f->exception) continue;
    f->logTraceback = 0;
    const char *what = f->kind == FutKind::Task ? "Task" : "Future";
    logLoopError(loop, std::string(what) + " exception was never retrieved", "future: " + futureRepr(f), f->exception,
                 "future", wrt_obj(&f->hdr));
  }
  failed.release();
}

bool passFailureOn(Future *from, Future *to) {
  if (from->state == FutState::Cancelled) {
    futureSetExceptionRaw(to, makeCancelledError(from));
    return true;
  }
  if (!from->exception) return false;
  markRetrieved(from);
  futureSetExceptionRaw(to, from->exception);
  return true;
}

} // namespace weft::rt
