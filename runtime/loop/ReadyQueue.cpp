// ReadyQueue.cpp: the slow path of the ready ring buffer (growth). Kept out of
// line so push() stays small enough to inline into task steps.
#include "loop/ReadyQueue.h"

namespace weft::rt {

void ReadyQueue::grow() {
  size_t cap = (mask_ + 1) * 2;
  ReadyEntry *n = gcBufferAlloc<ReadyEntry>(cap);
  // Unwrap the ring so the new buffer starts at index 0.
  for (size_t i = 0; i < len_; ++i) n[i] = buf_[(head_ + i) & mask_];
  gcBufferFree(buf_);
  buf_ = n;
  mask_ = cap - 1;
  head_ = 0;
}

} // namespace weft::rt
