// Gather.cpp: asyncio.gather (CPython 3.11 tasks.gather and
// _GatheringFuture). Each distinct child gets one native done callback
// pointing at the gathering future, so gathering a million tasks allocates
// only the children array and the result list. A coroutine passed twice
// becomes one task whose result appears twice (rule 19).
#include "task/Gather.h"

#include "task/Await.h"
#include "task/Errors.h"
#include "task/Task.h"

#include "weft/rt/wrt_api.h"

#include <memory>
#include <vector>

namespace weft::rt {

namespace {

/// _done_callback of gather, run as fn(outer, child).
int gatherChildDone(void *outer, void *child) {
  GatheringFuture *g = static_cast<GatheringFuture *>(outer);
  Future *fut = static_cast<Future *>(child);
  ++g->nfinished;
  if (isDone(&g->fut)) {
    // Mark the exception retrieved: gather already reported an outcome.
    if (fut->state != FutState::Cancelled) markRetrieved(fut);
    return 0;
  }
  if (!g->returnExceptions) {
    if (fut->state == FutState::Cancelled) {
      // Rule 16: gather fails with CancelledError but is not itself cancelled.
      WObj *exc = makeCancelledError(fut);
      if (exc) futureSetExceptionRaw(&g->fut, exc);
      return 0;
    }
    if (fut->exception) {
      markRetrieved(fut);
      futureSetExceptionRaw(&g->fut, fut->exception);
      return 0;
    }
  }
  if (g->nfinished != g->nfuts) return 0;

  // Every child is done: results in argument order (duplicates repeated).
  int64_t n = g->nchildren;
  WValue *items = static_cast<WValue *>(gcAlloc(sizeof(WValue) * (n ? n : 1)));
  Future *last = nullptr;
  for (int64_t i = 0; i < n; ++i) {
    Future *c = reinterpret_cast<Future *>(g->children[i].o);
    last = c;
    if (c->state == FutState::Cancelled) {
      WValue msg = c->cancelMessage.tag == WT_UNBOUND || c->cancelMessage.tag == WT_NONE ? newStr("") : c->cancelMessage;
      WObj *e = makeException(T.CancelledError, msg);
      items[i] = e ? wrt_obj(e) : wrt_none();
    } else if (c->exception) {
      markRetrieved(c);
      items[i] = wrt_obj(c->exception);
    } else {
      items[i] = c->result;
    }
  }
  if (g->fut.cancelRequested) {
    // Rule 18: a cancelled gather stays cancelled whatever return_exceptions says.
    WObj *exc = makeCancelledError(last);
    if (exc) futureSetExceptionRaw(&g->fut, exc);
    return 0;
  }
  WValue list = wrt_list_new(n, items);
  if (list.tag == WT_ERR) {
    futureSetExceptionRaw(&g->fut, fetchError());
    return 0;
  }
  futureSetResult(&g->fut, list);
  return 0;
}

/// Identity set of awaitables already seen, mapping to their child index:
/// open addressing on the pointer, transient (the objects stay reachable
/// through the arguments and the children array).
class SeenMap {
public:
  explicit SeenMap(size_t n) {
    size_t cap = 8;
    while (cap < n * 2) cap *= 2;
    keys_.assign(cap, 0);
    vals_.assign(cap, 0);
    mask_ = cap - 1;
  }
  /// Index stored for [key], or -1 after inserting [index] for it.
  int64_t findOrInsert(uintptr_t key, int64_t index) {
    size_t i = (key >> 4) * 0x9E3779B97F4A7C15ull >> 20 & mask_;
    for (;; i = (i + 1) & mask_) {
      if (keys_[i] == key) return vals_[i];
      if (keys_[i] == 0) {
        keys_[i] = key;
        vals_[i] = index;
        return -1;
      }
    }
  }

private:
  std::vector<uintptr_t> keys_;
  std::vector<int64_t> vals_;
  size_t mask_;
};

} // namespace

WValue gather(EventLoop *loop, int64_t n, WValue *aws, bool returnExceptions) {
  if (n == 0) {
    // gather() with nothing: a done future holding [] (rule 19).
    Future *outer = newFuture(loop);
    WValue empty = wrt_list_new(0, nullptr);
    if (empty.tag == WT_ERR) return empty;
    futureSetResult(outer, empty);
    return wrt_obj(outer);
  }
  GatheringFuture *g = reinterpret_cast<GatheringFuture *>(newFuture(loop, sizeof(GatheringFuture), FutKind::Gathering));
  g->children = static_cast<WValue *>(gcAlloc(sizeof(WValue) * n));
  g->nchildren = n;
  g->returnExceptions = returnExceptions;
  // Duplicates: a future passed twice is marked on the future itself, and
  // so is a coroutine (a bit of its `running` word): no table for the common
  // gather(*coros), whose million random probes cost more than the tasks.
  // Coroutine marks are safe only while no user code can run and look at
  // them, so a task factory, or an awaitable whose __await__ ensureFuture
  // calls, switches to the identity map, built from the arguments so far.
  std::unique_ptr<SeenMap> seen;
  bool marking = !loop->taskFactory;
  auto startSeenMap = [&](int64_t upto) {
    seen = std::make_unique<SeenMap>(size_t(n));
    for (int64_t j = 0; j < upto; ++j) {
      if (aws[j].tag != WT_OBJ || isFuture(aws[j])) continue;
      seen->findOrInsert(uintptr_t(aws[j].o), j);
      if (isCoroutine(aws[j])) reinterpret_cast<WCoro *>(aws[j].o)->running &= ~int64_t(WCORO_GATHER_MARK);
    }
    marking = false;
  };
  WValue result = wrt_unbound();
  for (int64_t i = 0; i < n; ++i) {
    WValue arg = aws[i];
    if (isFuture(arg)) {
      Future *f = asFuture(arg);
      g->children[i] = arg;
      if (f->gatherMark) continue;
      f->gatherMark = 1;
      ++g->nfuts;
      addDoneCallback(f, &gatherChildDone, g);
      continue;
    }
    if (arg.tag == WT_OBJ && n > 1) {
      bool fresh = false;
      if (marking && isCoroutine(arg)) {
        WCoro *c = reinterpret_cast<WCoro *>(arg.o);
        fresh = !(c->running & WCORO_GATHER_MARK);
        if (fresh) c->running |= WCORO_GATHER_MARK;
        else startSeenMap(i);
      } else if (!seen) {
        startSeenMap(i);
      }
      if (!fresh) {
        int64_t prev = seen->findOrInsert(uintptr_t(arg.o), i);
        if (prev >= 0) {
          g->children[i] = g->children[prev];
          continue;
        }
      }
    }
    WValue fut = ensureFuture(loop, arg);
    if (fut.tag == WT_ERR) {
      result = fut;
      g->children[i] = wrt_none();
      for (int64_t j = i + 1; j < n; ++j) g->children[j] = wrt_none();
      break;
    }
    Future *f = asFuture(fut);
    if (f->kind == FutKind::Task) reinterpret_cast<Task *>(f)->logDestroyPending = 0;
    ++g->nfuts;
    addDoneCallback(f, &gatherChildDone, g);
    g->children[i] = fut;
  }
  for (int64_t i = 0; i < n; ++i)
    if (g->children[i].tag == WT_OBJ) asFuture(g->children[i])->gatherMark = 0;
  if (marking)
    for (int64_t i = 0; i < n; ++i)
      if (isCoroutine(aws[i])) reinterpret_cast<WCoro *>(aws[i].o)->running &= ~int64_t(WCORO_GATHER_MARK);
  if (result.tag == WT_ERR) return result;
  return wrt_obj(&g->fut);
}

bool gatheringCancel(Future *f, WValue msg) {
  GatheringFuture *g = reinterpret_cast<GatheringFuture *>(f);
  if (isDone(f)) return false;
  bool any = false;
  for (int64_t i = 0; i < g->nchildren; ++i)
    if (futureCancel(reinterpret_cast<Future *>(g->children[i].o), msg)) any = true;
  // Rule 18: the cancel propagates whatever return_exceptions says.
  if (any) f->cancelRequested = 1;
  return any;
}

} // namespace weft::rt
