// TimerHeap.h: the loop's scheduled timers (CPython's `_scheduled`), a binary
// min-heap of Handle pointers ordered by (deadline, sequence number). CPython's
// heap compares deadlines only, so equal deadlines fire in arbitrary order;
// breaking ties on the scheduling sequence makes them FIFO as in libuv.
// Cancelled handles stay in the heap until they reach the top or until
// compaction (EventLoop::runOnce decides when). Loop thread only.
#ifndef WEFT_RT_LOOP_TIMERHEAP_H
#define WEFT_RT_LOOP_TIMERHEAP_H

#include "loop/Handle.h"

#include <cstddef>

namespace weft::rt {

class TimerHeap {
public:
  TimerHeap();
  ~TimerHeap();
  TimerHeap(const TimerHeap &) = delete;
  TimerHeap &operator=(const TimerHeap &) = delete;

  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  Handle *top() const { return heap_[0]; }

  void push(Handle *h);
  Handle *pop();
  /// Drops every cancelled handle and restores the heap property in O(n)
  /// (CPython: filter + heapify). Clears `scheduled` on what it drops.
  void removeCancelled();
  /// Drops everything (loop close).
  void clear();

private:
  static bool less(const Handle *x, const Handle *y) {
    return x->when < y->when || (x->when == y->when && x->seq < y->seq);
  }
  void siftDown(size_t i);
  void siftUp(size_t i);

  Handle **heap_;
  size_t len_ = 0;
  size_t cap_;
};

} // namespace weft::rt

#endif
