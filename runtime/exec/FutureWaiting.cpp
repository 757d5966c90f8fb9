// FutureWaiting.cpp: concurrent.futures.wait and as_completed, the blocking
// ways to wait for many futures at once. Both put one Waiter on every
// future: its done callback (run by the thread that completes the future,
// or at once for one already done) appends the future to the waiter's list
// and signals its condition variable, so the waiting thread sleeps until a
// future finishes or the timeout passes, as CPython's _Waiter classes do.
// The waiter's callbacks are removed again when the waiting ends.
#include "exec/Executor.h"

#include "core/Text.h"
#include "task/Errors.h"

#include <gc/gc.h>

#include <cmath>
#include <cstring>
#include <ctime>

namespace weft::rt {

namespace {

/// The futures waited for, and those of them finished so far in the order
/// they finished. GC memory (no type: never visible to Weft code).
struct Waiter {
  WObj hdr;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  CFuture **futures;  ///< GC array, nfutures entries, duplicates dropped
  int64_t nfutures;
  CFuture **finished; ///< GC array, nfutures entries, nfinished filled
  int64_t nfinished;
};

void onFinished(void *a, CFuture *f) {
  auto *w = static_cast<Waiter *>(a);
  MutexLock g(&w->mu);
  w->finished[w->nfinished++] = f;
  pthread_cond_broadcast(&w->cv);
}

/// The futures of iterable [fs] in order, each once; ERR (TypeError) if one
/// is not a concurrent.futures.Future.
Waiter *newWaiter(WValue fs, const char *caller) {
  WValue l = listFromIterable(fs);
  if (l.tag == WT_ERR) return nullptr;
  WList *list = asList(l);
  auto *w = static_cast<Waiter *>(gcAlloc(sizeof(Waiter)));
  pthread_mutex_init(&w->mu, nullptr);
  pthread_cond_init(&w->cv, nullptr);
  w->futures = static_cast<CFuture **>(gcAlloc(sizeof(CFuture *) * size_t(list->size + 1)));
  w->finished = static_cast<CFuture **>(gcAlloc(sizeof(CFuture *) * size_t(list->size + 1)));
  for (int64_t i = 0; i < list->size; i++) {
    WValue v = list->items[i];
    if (v.tag != WT_OBJ || v.o->type != ET.future) {
      raiseFormat(T.TypeError, "%s() expects concurrent.futures.Future objects, not %s", caller, typeName(v));
      return nullptr;
    }
    auto *f = reinterpret_cast<CFuture *>(v.o);
    bool seen = false;
    for (int64_t j = 0; j < w->nfutures && !seen; j++) seen = w->futures[j] == f;
    if (!seen) w->futures[w->nfutures++] = f;
  }
  return w;
}

void watch(Waiter *w) {
  for (int64_t i = 0; i < w->nfutures; i++) cfAddCallback(w->futures[i], &onFinished, w);
}

void unwatch(Waiter *w) {
  for (int64_t i = 0; i < w->nfutures; i++) cfRemoveCallback(w->futures[i], &onFinished, w);
}

/// Sleeps on [w] until done() holds (true) or the deadline passes (false).
template <typename Done> bool waitUntil(Waiter *w, bool timed, const timespec &deadline, Done done) {
  MutexLock g(&w->mu);
  while (!done()) {
    if (!timed) pthread_cond_wait(&w->cv, &w->mu);
    else if (pthread_cond_timedwait(&w->cv, &w->mu, &deadline) == ETIMEDOUT) return done();
  }
  return true;
}

// ---------------------------------------------------------------- as_completed

/// as_completed's iterator: source holds the waiter, index counts the
/// futures handed out, extra is the deadline (a float of CLOCK_REALTIME
/// seconds) or None.
WValue asCompletedNext(WIterator *it) {
  auto *w = reinterpret_cast<Waiter *>(it->source.o);
  if (it->index == w->nfutures) {
    unwatch(w);
    return wrt_unbound();
  }
  timespec deadline{};
  bool timed = it->extra.tag == WT_FLOAT;
  if (timed) {
    deadline.tv_sec = time_t(it->extra.f);
    deadline.tv_nsec = long((it->extra.f - double(deadline.tv_sec)) * 1e9);
  }
  int64_t want = it->index;
  if (!waitUntil(w, timed, deadline, [&] { return w->nfinished > want; })) {
    unwatch(w);
    return raiseFormat(T.TimeoutError, "%lld (of %lld) futures unfinished",
                       static_cast<long long>(w->nfutures - it->index), static_cast<long long>(w->nfutures));
  }
  MutexLock g(&w->mu);
  return wrt_obj(w->finished[it->index++]);
}

WValue asCompletedImpl(WNativeFunc *, WValue *a) {
  double timeout;
  if (!timeoutArg(a[1], timeout)) return wrt_errv();
  timespec deadline;
  bool timed = deadlineAfter(timeout, deadline);
  Waiter *w = newWaiter(a[0], "as_completed");
  if (!w) return wrt_errv();
  watch(w);
  WValue when = timed ? wrt_float(double(deadline.tv_sec) + double(deadline.tv_nsec) / 1e9) : wrt_none();
  return newIterator(&asCompletedNext, wrt_obj(&w->hdr), when);
}

// ---------------------------------------------------------------- wait

WTypeObj *doneAndNotDoneType;

WValue dn_asTuple(WValue self) { return newTupleOf({instGet(self, "done"), instGet(self, "not_done")}); }
WValue dn_getitem(WValue self, WValue *a) { return wrt_getitem(dn_asTuple(self), a[0]); }
WValue dn_len(WValue, WValue *) { return wrt_int(2); }
WValue dn_iter(WValue self, WValue *) { return iter(dn_asTuple(self)); }
WValue dn_repr(WValue self, WValue *) {
  std::string out = "DoneAndNotDoneFutures(done=" + reprString(instGet(self, "done")) +
                    ", not_done=" + reprString(instGet(self, "not_done")) + ")";
  return makeStr(out);
}

bool failed(CFuture *f) { return f->state == CFState::Finished && f->exception.tag != WT_UNBOUND; }

WValue waitImpl(WNativeFunc *, WValue *a) {
  double timeout;
  if (!timeoutArg(a[1], timeout)) return wrt_errv();
  timespec deadline;
  bool timed = deadlineAfter(timeout, deadline);
  if (!isStr(a[2])) return raiseTypeError("return_when must be a str, not %s", typeName(a[2]));
  std::string_view when = strView(a[2]);
  Waiter *w = newWaiter(a[0], "wait");
  if (!w) return wrt_errv();
  watch(w);
  // As in CPython, an unknown return_when is refused only when there is
  // something to wait for.
  if (when != "FIRST_COMPLETED" && when != "FIRST_EXCEPTION" && when != "ALL_COMPLETED") {
    bool allDone;
    {
      MutexLock g(&w->mu);
      allDone = w->nfinished == w->nfutures;
    }
    if (!allDone) {
      unwatch(w);
      return raiseFormat(T.ValueError, "Invalid return condition: %s", reprString(a[2]).c_str());
    }
  }
  waitUntil(w, timed, deadline, [&] {
    if (w->nfinished == w->nfutures) return true;
    if (when == "FIRST_COMPLETED") return w->nfinished > 0;
    if (when == "FIRST_EXCEPTION")
      for (int64_t i = 0; i < w->nfinished; i++)
        if (failed(w->finished[i])) return true;
    return false;
  });
  unwatch(w);
  WValue done = newSet(), notDone = newSet();
  for (int64_t i = 0; i < w->nfutures; i++) {
    CFuture *f = w->futures[i];
    bool isDone;
    {
      MutexLock g(&f->mu);
      isDone = cfDone(f);
    }
    setAdd(reinterpret_cast<WSet *>((isDone ? done : notDone).o), wrt_obj(f));
  }
  WValue r = newNativeInstance(doneAndNotDoneType);
  instSet(r, "done", done);
  instSet(r, "not_done", notDone);
  return r;
}

} // namespace

void addFutureWaiting(WValue module) {
  if (!doneAndNotDoneType) {
    doneAndNotDoneType = newNativeClass("DoneAndNotDoneFutures", "concurrent.futures._base");
    WEFT_TEXT_METHOD(doneAndNotDoneType, "__getitem__", dn_getitem, "self, key, /");
    WEFT_TEXT_METHOD(doneAndNotDoneType, "__len__", dn_len, "self, /");
    WEFT_TEXT_METHOD(doneAndNotDoneType, "__iter__", dn_iter, "self, /");
    WEFT_TEXT_METHOD(doneAndNotDoneType, "__repr__", dn_repr, "self, /");
  }
  moduleSet(module, "wait", makeNative("wait", waitImpl, "fs, timeout=None, return_when='ALL_COMPLETED'"));
  moduleSet(module, "as_completed", makeNative("as_completed", asCompletedImpl, "fs, timeout=None"));
}

} // namespace weft::rt
