// AsyncioWait.cpp: asyncio.wait, wait_for, shield and as_completed, as
// native coroutine frames transcribed from CPython 3.11's tasks.py. Each
// frame keeps in `sub` the awaitable it is stepping, so cancellation is
// thrown into whatever it awaits exactly as in a compiled coroutine. wait_for
// is 3.11's: it wraps its argument in a task, cancels that task on timeout
// and waits for it to finish (rule 21) before raising TimeoutError.
#include "modules/AsyncioInternal.h"

#include "loop/Clock.h"
#include "task/Await.h"
#include "task/Errors.h"
#include "task/NativeCoro.h"
#include "task/Task.h"

#include "weft/rt/wrt_api.h"

#include <vector>

namespace weft::rt {

namespace {

/// _release_waiter(waiter, *args), run as fn(waiter, _).
int releaseWaiter(void *waiter, void *) {
  Future *w = static_cast<Future *>(waiter);
  if (!isDone(w)) futureSetResult(w, wrt_none());
  return 0;
}

/// `raise TimeoutError() from exc` when the pending exception is a
/// CancelledError; any other exception stays as it is.
WValue timeoutFromCancelled() {
  WObj *e = fetchError();
  if (!isInstance(wrt_obj(e), T.CancelledError)) return restoreError(e);
  WObj *te = makeException(T.TimeoutError, wrt_unbound());
  if (!te) return wrt_errv();
  return wrt_raise_from(wrt_obj(te), wrt_obj(e));
}

bool isNoneLike(WValue v) { return v.tag == WT_NONE || v.tag == WT_UNBOUND; }

// ---------------------------------------------------------------- _cancel_and_wait

WEFT_NATIVE_CORO_INFO(cancelAndWaitInfo, "_cancel_and_wait");

struct CancelAndWaitFrame {
  WCoro c;
  Future *fut;
  Future *waiter;
};

WValue cancelAndWaitResume(WCoro *frame, WValue value, int64_t mode) {
  auto *s = reinterpret_cast<CancelAndWaitFrame *>(frame);
  if (frame->state == 0) {
    if (mode == WRESUME_THROW) {
      frame->state = -1;
      return wrt_err_restore(value);
    }
    s->waiter = newFuture(s->fut->loop);
    addDoneCallback(s->fut, &releaseWaiter, s->waiter);
    futureCancel(s->fut, wrt_unbound());
    frame->state = 1;
  } else if (frame->state != 1) {
    return raise(T.RuntimeError, "cannot reuse already awaited coroutine");
  }
  // We cannot wait on the future directly: this frame must stay cancellable.
  WValue r = wrt_await_step(frame, wrt_obj(s->waiter), value, mode);
  if (r.tag == WT_SUSPEND) return r;
  removeDoneCallback(s->fut, &releaseWaiter, s->waiter);
  frame->state = -1;
  return r;
}

WValue cancelAndWait(Future *fut) {
  auto *s = newNativeCoro<CancelAndWaitFrame>(&cancelAndWaitResume, &cancelAndWaitInfo);
  s->fut = fut;
  return wrt_obj(&s->c);
}

// ---------------------------------------------------------------- wait_for

WEFT_NATIVE_CORO_INFO(waitForInfo, "wait_for");

struct WaitForFrame {
  WCoro c;
  WValue aw;
  WValue timeoutArg;
  WValue sub;
  Future *fut;
  Future *waiter;
  Handle *timeoutHandle;
  WObj *savedExc;
};

enum { WfStart, WfDirect, WfZeroCancel, WfWaiting, WfCancelThenRaise, WfCancelThenTimeout };

WValue waitForResume(WCoro *frame, WValue value, int64_t mode) {
  auto *s = reinterpret_cast<WaitForFrame *>(frame);
  auto finish = [&](WValue r) {
    if (s->timeoutHandle) s->timeoutHandle->loop->cancel(s->timeoutHandle);  // finally
    frame->state = -1;
    return r;
  };
  for (;;) {
    switch (frame->state) {
    case WfStart: {
      if (mode == WRESUME_THROW) return finish(wrt_err_restore(value));
      EventLoop *loop = requireRunningLoop();
      if (!loop) return finish(wrt_errv());
      if (isNoneLike(s->timeoutArg)) {
        s->sub = wrt_await_prepare(s->aw);
        if (s->sub.tag == WT_ERR) return finish(s->sub);
        frame->state = WfDirect;
        break;
      }
      double t;
      if (!toSeconds(s->timeoutArg, t, "timeout")) return finish(wrt_errv());
      WValue fv = ensureFuture(loop, s->aw);
      if (fv.tag == WT_ERR) return finish(fv);
      s->fut = asFuture(fv);
      if (t <= 0) {
        // Rule 22: a done future returns at once; otherwise cancel and wait.
        if (isDone(s->fut)) return finish(futureResult(s->fut));
        s->sub = cancelAndWait(s->fut);
        frame->state = WfZeroCancel;
        break;
      }
      s->waiter = newFuture(loop);
      s->timeoutHandle = loop->callLater(secondsToNs(t), &releaseWaiter, s->waiter, nullptr);
      addDoneCallback(s->fut, &releaseWaiter, s->waiter);
      s->sub = wrt_obj(s->waiter);
      frame->state = WfWaiting;
      break;
    }
    case WfDirect: {
      WValue r = wrt_await_step(frame, s->sub, value, mode);
      if (r.tag == WT_SUSPEND) return r;
      return finish(r);
    }
    case WfZeroCancel:
    case WfCancelThenTimeout: {
      WValue r = wrt_await_step(frame, s->sub, value, mode);
      if (r.tag == WT_SUSPEND) return r;
      if (r.tag == WT_ERR) return finish(r);
      // The inner task may have swallowed the cancel: its result wins.
      WValue res = futureResult(s->fut);
      return finish(res.tag == WT_ERR ? timeoutFromCancelled() : res);
    }
    case WfWaiting: {
      WValue r = wrt_await_step(frame, s->sub, value, mode);
      if (r.tag == WT_SUSPEND) return r;
      if (r.tag == WT_ERR) {
        WObj *e = fetchError();
        if (!isInstance(wrt_obj(e), T.CancelledError)) return finish(restoreError(e));
        // wait_for itself was cancelled: a result that is already there
        // wins (rule 23), else cancel the inner task, wait, and re-raise.
        if (isDone(s->fut)) return finish(futureResult(s->fut));
        removeDoneCallback(s->fut, &releaseWaiter, s->waiter);
        s->savedExc = e;
        s->sub = cancelAndWait(s->fut);
        frame->state = WfCancelThenRaise;
      } else {
        if (isDone(s->fut)) return finish(futureResult(s->fut));
        // Timed out: the task must not run after wait_for returns (rule 21).
        removeDoneCallback(s->fut, &releaseWaiter, s->waiter);
        s->sub = cancelAndWait(s->fut);
        frame->state = WfCancelThenTimeout;
      }
      value = wrt_none();
      mode = WRESUME_SEND;
      break;
    }
    case WfCancelThenRaise: {
      WValue r = wrt_await_step(frame, s->sub, value, mode);
      if (r.tag == WT_SUSPEND) return r;
      if (r.tag == WT_ERR) return finish(r);
      return finish(restoreError(s->savedExc));
    }
    default:
      return raise(T.RuntimeError, "cannot reuse already awaited coroutine");
    }
  }
}

WValue waitForImpl(WNativeFunc *, WValue *a) {
  auto *s = newNativeCoro<WaitForFrame>(&waitForResume, &waitForInfo);
  s->aw = a[0];
  s->timeoutArg = a[1];
  return wrt_obj(&s->c);
}

// ---------------------------------------------------------------- wait

WEFT_NATIVE_CORO_INFO(waitInfo, "wait");

enum class ReturnWhen { All, First, FirstException };

struct WaitFrame {
  WCoro c;
  WValue fsArg;
  WValue timeoutArg;
  WValue returnWhenArg;
  WValue *fs;
  int64_t n;
  Future *waiter;
  Handle *timeoutHandle;
  int64_t counter;
  ReturnWhen returnWhen;
};

int waitOnCompletion(void *frame, void *future) {
  auto *s = static_cast<WaitFrame *>(frame);
  Future *f = static_cast<Future *>(future);
  --s->counter;
  bool failed = false;
  if (s->returnWhen == ReturnWhen::FirstException && f->state != FutState::Cancelled && f->exception) {
    markRetrieved(f);  // CPython calls f.exception() here
    failed = true;
  }
  if (s->counter <= 0 || s->returnWhen == ReturnWhen::First || failed) {
    if (s->timeoutHandle) s->waiter->loop->cancel(s->timeoutHandle);
    if (!isDone(s->waiter)) futureSetResult(s->waiter, wrt_none());
  }
  return 0;
}

WValue waitStart(WaitFrame *s) {
  if (isFuture(s->fsArg) || isCoroutine(s->fsArg))
    return raiseTypeError("expect a list of futures, not %s", typeName(s->fsArg));
  WValue list = listFromIterable(s->fsArg);
  if (list.tag == WT_ERR) return list;
  WList *l = asList(list);
  if (l->size == 0) return raise(T.ValueError, "Set of Tasks/Futures is empty.");
  std::string_view rw = isStr(s->returnWhenArg) ? strView(s->returnWhenArg) : std::string_view();
  if (rw == "ALL_COMPLETED") s->returnWhen = ReturnWhen::All;
  else if (rw == "FIRST_COMPLETED") s->returnWhen = ReturnWhen::First;
  else if (rw == "FIRST_EXCEPTION") s->returnWhen = ReturnWhen::FirstException;
  else {
    WValue r = str(s->returnWhenArg);
    if (r.tag == WT_ERR) return r;
    return raiseFormat(T.ValueError, "Invalid return_when value: %s", std::string(strView(r)).c_str());
  }
  EventLoop *loop = requireRunningLoop();
  if (!loop) return wrt_errv();
  double timeout = 0;
  bool hasTimeout = !isNoneLike(s->timeoutArg);
  if (hasTimeout && !toSeconds(s->timeoutArg, timeout, "timeout")) return wrt_errv();
  // fs = set(fs): distinct by identity, in order.
  s->fs = static_cast<WValue *>(gcAlloc(sizeof(WValue) * l->size));
  for (int64_t i = 0; i < l->size; ++i) {
    WValue f = l->items[i];
    if (isCoroutine(f)) return raiseTypeError("Passing coroutines is forbidden, use tasks explicitly.");
    bool dup = false;
    for (int64_t j = 0; j < s->n && !dup; ++j) dup = s->fs[j].o == f.o;
    if (dup) continue;
    WValue fv = ensureFuture(loop, f);
    if (fv.tag == WT_ERR) return fv;
    s->fs[s->n++] = fv;
  }
  s->waiter = newFuture(loop);
  if (hasTimeout) s->timeoutHandle = loop->callLater(secondsToNs(timeout), &releaseWaiter, s->waiter, nullptr);
  s->counter = s->n;
  for (int64_t i = 0; i < s->n; ++i) addDoneCallback(asFuture(s->fs[i]), &waitOnCompletion, s);
  return wrt_none();
}

WValue waitResume(WCoro *frame, WValue value, int64_t mode) {
  auto *s = reinterpret_cast<WaitFrame *>(frame);
  if (frame->state == 0) {
    if (mode == WRESUME_THROW) {
      frame->state = -1;
      return wrt_err_restore(value);
    }
    WValue r = waitStart(s);
    if (r.tag == WT_ERR) {
      frame->state = -1;
      return r;
    }
    frame->state = 1;
  } else if (frame->state != 1) {
    return raise(T.RuntimeError, "cannot reuse already awaited coroutine");
  }
  WValue r = wrt_await_step(frame, wrt_obj(s->waiter), value, mode);
  if (r.tag == WT_SUSPEND) return r;
  frame->state = -1;
  // finally: the timeout and our callbacks go.
  if (s->timeoutHandle) s->waiter->loop->cancel(s->timeoutHandle);
  for (int64_t i = 0; i < s->n; ++i) removeDoneCallback(asFuture(s->fs[i]), &waitOnCompletion, s);
  if (r.tag == WT_ERR) return r;
  WValue done = newSet(), pending = newSet();
  for (int64_t i = 0; i < s->n; ++i) {
    WValue target = isDone(asFuture(s->fs[i])) ? done : pending;
    if (setAdd(reinterpret_cast<WSet *>(target.o), s->fs[i]).tag == WT_ERR) return wrt_errv();
  }
  WValue pair[2] = {done, pending};
  return newTupleFrom(2, pair);
}

WValue waitImpl(WNativeFunc *, WValue *a) {
  auto *s = newNativeCoro<WaitFrame>(&waitResume, &waitInfo);
  s->fsArg = a[0];
  s->timeoutArg = a[1];
  s->returnWhenArg = a[2];
  return wrt_obj(&s->c);
}

// ---------------------------------------------------------------- shield

int shieldInnerDone(void *outer, void *inner) {
  Future *o = static_cast<Future *>(outer), *i = static_cast<Future *>(inner);
  if (o->state == FutState::Cancelled) {
    if (i->state != FutState::Cancelled) markRetrieved(i);
    return 0;
  }
  if (i->state == FutState::Cancelled) futureCancelBase(o, wrt_unbound());
  else if (i->exception) {
    markRetrieved(i);
    futureSetExceptionRaw(o, i->exception);
  } else {
    futureSetResult(o, i->result);
  }
  return 0;
}

int shieldOuterDone(void *inner, void *outer) {
  Future *i = static_cast<Future *>(inner);
  if (!isDone(i)) removeDoneCallback(i, &shieldInnerDone, outer);
  return 0;
}

WValue shieldImpl(WNativeFunc *, WValue *a) {
  WValue fv = a[0];
  if (!isFuture(fv)) {
    WValue lo = currentLoopObj();
    if (lo.tag == WT_ERR) return lo;
    fv = ensureFuture(loopOf(lo), fv);
    if (fv.tag == WT_ERR) return fv;
  }
  Future *inner = asFuture(fv);
  if (isDone(inner)) return fv;
  Future *outer = newFuture(inner->loop);
  addDoneCallback(inner, &shieldInnerDone, outer);
  addDoneCallback(outer, &shieldOuterDone, inner);
  return wrt_obj(outer);
}

// ---------------------------------------------------------------- as_completed

/// Shared state of the awaitables as_completed() returns: a queue of
/// finished futures (None for a timeout) and the futures of waiting callers.
struct AsCompleted {
  EventLoop *loop;
  WValue *todo;       ///< the distinct futures
  int64_t n;
  int64_t remaining;  ///< len(todo) in CPython
  WValue *done;       ///< queue of results, capacity n
  int64_t doneHead, doneTail;
  Future **getters;   ///< waiting _wait_for_one frames, capacity n
  int64_t getHead, getTail;
  Handle *timeoutHandle;
};

void deliver(AsCompleted *s, WValue v) {
  while (s->getHead < s->getTail) {
    Future *g = s->getters[s->getHead++];
    if (!isDone(g)) {
      futureSetResult(g, v);
      return;
    }
  }
  s->done[s->doneTail++] = v;
}

int asCompletedOnCompletion(void *state, void *future) {
  auto *s = static_cast<AsCompleted *>(state);
  if (s->remaining == 0) return 0;  // the timeout came first
  --s->remaining;
  deliver(s, wrt_obj(future));
  if (s->remaining == 0 && s->timeoutHandle) s->loop->cancel(s->timeoutHandle);
  return 0;
}

int asCompletedOnTimeout(void *state, void *) {
  auto *s = static_cast<AsCompleted *>(state);
  for (int64_t i = 0; i < s->n; ++i) removeDoneCallback(asFuture(s->todo[i]), &asCompletedOnCompletion, s);
  for (; s->remaining > 0; --s->remaining) deliver(s, wrt_none());
  return 0;
}

WEFT_NATIVE_CORO_INFO(waitForOneInfo, "_wait_for_one");

struct WaitForOneFrame {
  WCoro c;
  AsCompleted *state;
  Future *getter;
};

WValue waitForOneFinish(WValue f) {
  if (f.tag == WT_NONE) return raise(T.TimeoutError, "");
  return futureResult(asFuture(f));
}

WValue waitForOneResume(WCoro *frame, WValue value, int64_t mode) {
  auto *w = reinterpret_cast<WaitForOneFrame *>(frame);
  AsCompleted *s = w->state;
  if (frame->state == 0) {
    if (mode == WRESUME_THROW) {
      frame->state = -1;
      return wrt_err_restore(value);
    }
    if (s->doneHead < s->doneTail) {
      frame->state = -1;
      return waitForOneFinish(s->done[s->doneHead++]);
    }
    w->getter = newFuture(s->loop);
    s->getters[s->getTail++] = w->getter;
    frame->state = 1;
  } else if (frame->state != 1) {
    return raise(T.RuntimeError, "cannot reuse already awaited coroutine");
  }
  WValue r = wrt_await_step(frame, wrt_obj(w->getter), value, mode);
  if (r.tag == WT_SUSPEND) return r;
  frame->state = -1;
  if (r.tag == WT_ERR) return r;
  return waitForOneFinish(r);
}

WValue asCompletedImpl(WNativeFunc *, WValue *a) {
  if (isFuture(a[0]) || isCoroutine(a[0]))
    return raiseTypeError("expect an iterable of futures, not %s", typeName(a[0]));
  WValue list = listFromIterable(a[0]);
  if (list.tag == WT_ERR) return list;
  WValue lo = currentLoopObj();
  if (lo.tag == WT_ERR) return lo;
  EventLoop *loop = loopOf(lo);
  WList *l = asList(list);
  auto *s = static_cast<AsCompleted *>(gcAlloc(sizeof(AsCompleted)));
  int64_t cap = l->size ? l->size : 1;
  s->loop = loop;
  s->todo = static_cast<WValue *>(gcAlloc(sizeof(WValue) * cap));
  s->done = static_cast<WValue *>(gcAlloc(sizeof(WValue) * cap));
  s->getters = static_cast<Future **>(gcAlloc(sizeof(Future *) * cap));
  for (int64_t i = 0; i < l->size; ++i) {
    bool dup = false;
    for (int64_t j = 0; j < i && !dup; ++j) dup = l->items[j].o == l->items[i].o;
    if (dup) continue;
    WValue fv = ensureFuture(loop, l->items[i]);
    if (fv.tag == WT_ERR) return fv;
    s->todo[s->n++] = fv;
  }
  s->remaining = s->n;
  for (int64_t i = 0; i < s->n; ++i) addDoneCallback(asFuture(s->todo[i]), &asCompletedOnCompletion, s);
  if (s->n && !isNoneLike(a[1])) {
    double t;
    if (!toSeconds(a[1], t, "timeout")) return wrt_errv();
    s->timeoutHandle = loop->callLater(secondsToNs(t), &asCompletedOnTimeout, s, nullptr);
  }
  // CPython returns a generator of these; a list iterates the same way.
  WValue out = newList(s->n);
  for (int64_t i = 0; i < s->n; ++i) {
    auto *w = newNativeCoro<WaitForOneFrame>(&waitForOneResume, &waitForOneInfo);
    w->state = s;
    asList(out)->items[i] = wrt_obj(&w->c);
  }
  return out;
}

} // namespace

void addWaitApi(WValue m) {
  moduleSet(m, "wait_for", makeNative("wait_for", waitForImpl, "fut, timeout"));
  moduleSet(m, "wait", makeNative("wait", waitImpl, "fs, *, timeout=None, return_when='ALL_COMPLETED'"));
  moduleSet(m, "shield", makeNative("shield", shieldImpl, "arg, /"));
  moduleSet(m, "as_completed", makeNative("as_completed", asCompletedImpl, "fs, *, timeout=None"));
}

} // namespace weft::rt
