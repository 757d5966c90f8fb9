// AsyncgenTable.cpp: see AsyncgenTable.h. Each entry is a hidden pointer
// with a disappearing link on its slot; entries are only read under the
// allocation lock, which keeps the collector from clearing one between the
// read and the moment the object is held by a scanned array.
#include "task/AsyncgenTable.h"

#include "core/Object.h"
#include "task/Await.h"
#include "task/Errors.h"
#include "weft/rt/wrt_api.h"

#include <gc/gc.h>

#include <cstring>

namespace weft::rt {

namespace {

struct RevealArgs {
  EventLoop *loop;
  WObj **out;
};

void *revealLocked(void *p) {
  auto *r = static_cast<RevealArgs *>(p);
  for (int64_t i = 0; i < r->loop->asyncgenCount; ++i) {
    GC_hidden_pointer h = r->loop->asyncgenLinks[i];
    r->out[i] = h ? static_cast<WObj *>(GC_REVEAL_POINTER(h)) : nullptr;
  }
  return nullptr;
}

/// Every entry of the table as an object (null where collected), in a GC
/// array, and the table emptied.
WObj **takeAll(EventLoop *loop, int64_t &n) {
  n = loop->asyncgenCount;
  if (n == 0) return nullptr;
  auto *out = static_cast<WObj **>(gcAlloc(sizeof(WObj *) * size_t(n)));
  RevealArgs args{loop, out};
  GC_call_with_alloc_lock(&revealLocked, &args);
  for (int64_t i = 0; i < n; ++i)
    if (out[i]) GC_unregister_disappearing_link(reinterpret_cast<void **>(&loop->asyncgenLinks[i]));
  std::memset(loop->asyncgenLinks, 0, sizeof(GC_hidden_pointer) * size_t(n));
  loop->asyncgenCount = 0;
  return out;
}

bool finished(WObj *agen) { return reinterpret_cast<WCoro *>(agen)->state == -1; }

void append(EventLoop *loop, WObj *agen) {
  GC_hidden_pointer *slot = &loop->asyncgenLinks[loop->asyncgenCount++];
  *slot = GC_HIDE_POINTER(agen);
  GC_general_register_disappearing_link(reinterpret_cast<void **>(slot), agen);
}

void track(EventLoop *loop, WObj *agen) {
  if (loop->asyncgenCount == loop->asyncgenCap) {
    // Full: keep the entries still alive and unfinished, then grow if that
    // is more than half the room.
    int64_t n = 0;
    WObj **all = takeAll(loop, n);
    int64_t live = 0;
    for (int64_t i = 0; i < n; ++i)
      if (all[i] && !finished(all[i])) all[live++] = all[i];
    if (live * 2 >= loop->asyncgenCap) {
      int64_t cap = loop->asyncgenCap ? loop->asyncgenCap * 2 : 64;
      auto *links = static_cast<GC_hidden_pointer *>(GC_MALLOC_ATOMIC_UNCOLLECTABLE(sizeof(GC_hidden_pointer) * size_t(cap)));
      if (!links) return;  // out of memory: shutdown_asyncgens will miss this one
      std::memset(links, 0, sizeof(GC_hidden_pointer) * size_t(cap));
      if (loop->asyncgenLinks) GC_FREE(loop->asyncgenLinks);
      loop->asyncgenLinks = links;
      loop->asyncgenCap = cap;
    }
    for (int64_t i = 0; i < live; ++i) append(loop, all[i]);
  }
  append(loop, agen);
}

void firstiter(WObj *agen) {
  if (EventLoop *loop = EventLoop::running()) track(loop, agen);
}

/// The ReadyFn that turns an aclose() awaitable into a task.
int startAclose(void *closer, void *) {
  if (EventLoop *loop = EventLoop::running()) {
    if (ensureFuture(loop, wrt_obj(static_cast<WObj *>(closer))).tag == WT_ERR)
      logError("Exception in callback create_task()", "", fetchError());
  }
  return 0;
}

/// BaseEventLoop._asyncgen_finalizer_hook: call_soon_threadsafe(create_task,
/// agen.aclose()). A generator that finished or never started needs nothing.
/// It stays in the table, where shutdown_asyncgens skips it once finished.
void finalizer(WObj *agen) {
  int64_t state = reinterpret_cast<WCoro *>(agen)->state;
  EventLoop *loop = EventLoop::running();
  if (state == 0 || state == -1 || !loop || loop->isClosed()) return;
  WValue saved = errFetch();  // a break may leave with an exception in flight
  WValue closer = callMethod(wrt_obj(agen), "aclose", 0, nullptr);
  // call_soon_threadsafe from the loop thread queues like call_soon.
  if (closer.tag == WT_OBJ) loop->callSoon(&startAclose, closer.o, nullptr);
  else if (closer.tag == WT_ERR) errClear();
  if (saved.tag == WT_OBJ) wrt_err_restore(saved);
}

} // namespace

void installAsyncgenHooks() {
  asyncgenFirstiterHook = &firstiter;
  asyncgenFinalizerHook = &finalizer;
}

WObj **takeUnfinishedAsyncgens(EventLoop *loop, int64_t &n) {
  int64_t all = 0;
  WObj **ags = takeAll(loop, all);
  n = 0;
  for (int64_t i = 0; i < all; ++i)
    if (ags[i] && !finished(ags[i])) ags[n++] = ags[i];
  return n ? ags : nullptr;
}

} // namespace weft::rt
