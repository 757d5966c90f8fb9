// TimerHeap.h: the loop's scheduled timers (CPython's `_scheduled`), a binary
// min-heap of Handle pointers ordered by (deadline, sequence number). Each
// slot carries its handle's key inline, so sifting through a million timers
// compares within the heap array instead of chasing every handle. CPython's
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
  Handle *top() const { return heap_[0].h; }

  void push(Handle *h);
  Handle *pop();
  /// Drops every cancelled handle and restores the heap property in O(n)
  /// (CPython: filter + heapify). Clears `scheduled` on what it drops.
  void removeCancelled();
  /// Drops everything (loop close).
  void clear();

private:
  /// A heap slot: the handle and a copy of its key (a handle's deadline and
  /// sequence number never change while it is scheduled).
  struct Slot {
    int64_t when;
    uint64_t seq;
    Handle *h;
  };
  static bool less(const Slot &x, const Slot &y) {
    return x.when < y.when || (x.when == y.when && x.seq < y.seq);
  }
  void siftDown(size_t i);
  void siftUp(size_t i);

  Slot *heap_;
  size_t len_ = 0;
  size_t cap_;
};

} // namespace weft::rt

#endif
