// TimerHeap.cpp: sift operations of the timer min-heap. Hole-based sifting
// (move the parent down, write the moving element once) as in the C peer.
#include "loop/TimerHeap.h"

#include "loop/GcBuffer.h"

namespace weft::rt {

TimerHeap::TimerHeap() : heap_(gcBufferAlloc<Slot>(64)), cap_(64) {}

TimerHeap::~TimerHeap() { gcBufferFree(heap_); }

void TimerHeap::push(Handle *h) {
  if (len_ == cap_) {
    Slot *n = gcBufferAlloc<Slot>(cap_ * 2);
    for (size_t i = 0; i < len_; ++i) n[i] = heap_[i];
    gcBufferFree(heap_);
    heap_ = n;
    cap_ *= 2;
  }
  heap_[len_] = Slot{h->when, h->seq, h};
  siftUp(len_++);
}

Handle *TimerHeap::pop() {
  Handle *top = heap_[0].h;
  Slot last = heap_[--len_];
  heap_[len_] = Slot{};
  if (len_) {
    heap_[0] = last;
    siftDown(0);
  }
  return top;
}

void TimerHeap::siftUp(size_t i) {
  Slot h = heap_[i];
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (!less(h, heap_[p])) break;
    heap_[i] = heap_[p];
    i = p;
  }
  heap_[i] = h;
}

void TimerHeap::siftDown(size_t i) {
  Slot h = heap_[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= len_) break;
    if (c + 1 < len_ && less(heap_[c + 1], heap_[c])) ++c;
    if (!less(heap_[c], h)) break;
    heap_[i] = heap_[c];
    i = c;
  }
  heap_[i] = h;
}

void TimerHeap::removeCancelled() {
  size_t kept = 0;
  for (size_t i = 0; i < len_; ++i) {
    Slot s = heap_[i];
    if (s.h->cancelled)
      s.h->scheduled = 0;
    else
      heap_[kept++] = s;
  }
  for (size_t i = kept; i < len_; ++i) heap_[i] = Slot{};
  len_ = kept;
  // Floyd's heapify: sift down every internal node, last first.
  for (size_t i = len_ / 2; i-- > 0;) siftDown(i);
}

void TimerHeap::clear() {
  for (size_t i = 0; i < len_; ++i) {
    heap_[i].h->scheduled = 0;
    heap_[i] = Slot{};
  }
  len_ = 0;
}

} // namespace weft::rt
