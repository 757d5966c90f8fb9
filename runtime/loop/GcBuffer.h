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

} // namespace weft::rt

#endif
