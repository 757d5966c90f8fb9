// GcBuffer.h: raw arrays for the loop's queues. They are allocated with
// GC_MALLOC_UNCOLLECTABLE: the collector scans them (they hold pointers to
// tasks, futures and handles that may be referenced nowhere else) but never
// frees them, so the structure that owns them may live anywhere (a malloc'd
// EventLoop, the stack, a GC object) and frees them explicitly.
#ifndef WEFT_RT_LOOP_GCBUFFER_H
#define WEFT_RT_LOOP_GCBUFFER_H

#include <gc/gc.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace weft::rt {

/// Zeroed, scanned, uncollectable storage for [n] items of T (T must be
/// trivially copyable). Aborts on exhaustion: the loop cannot report an
/// exception without allocating.
template <typename T> T *gcBufferAlloc(size_t n) {
  void *p = GC_MALLOC_UNCOLLECTABLE(n * sizeof(T) + (n == 0));
  if (!p) std::abort();
  return static_cast<T *>(p);
}

template <typename T> void gcBufferFree(T *p) {
  if (p) GC_FREE(p);
}

/// An append-only array of pointers to GC objects in such storage, for the
/// loop's bookkeeping that grows with the tasks (a chain through the objects
/// would overflow libgc's mark stack). Entries may be cleared in place; a
/// full table first keeps only the entries [keep] accepts, in order, and
/// grows only when more than half of it is still in use.
template <typename T> struct GcPtrTable {
  T **items = nullptr;
  int64_t size = 0;  ///< slots in use, cleared ones included
  int64_t cap = 0;

  /// Appends [p] and returns its index; [moved](entry, index) is told where
  /// each kept entry went when the table closes up.
  template <typename Keep, typename Moved> int64_t push(T *p, Keep keep, Moved moved) {
    if (size == cap) makeRoom(keep, moved);
    items[size] = p;
    return size++;
  }
  void release() {
    gcBufferFree(items);
    items = nullptr;
    size = cap = 0;
  }

private:
  template <typename Keep, typename Moved> void makeRoom(Keep keep, Moved moved) {
    int64_t n = 0;
    for (int64_t i = 0; i < size; ++i) {
      if (T *e = items[i]; e && keep(e)) {
        moved(e, n);
        items[n++] = e;
      }
    }
    if (n < size) std::memset(static_cast<void *>(items + n), 0, sizeof(T *) * size_t(size - n));
    size = n;
    if (n * 2 < cap) return;
    int64_t grown = cap ? cap * 2 : 64;
    T **bigger = gcBufferAlloc<T *>(size_t(grown));
    if (n) std::memcpy(static_cast<void *>(bigger), items, sizeof(T *) * size_t(n));
    gcBufferFree(items);
    items = bigger;
    cap = grown;
  }
};

} // namespace weft::rt

#endif
