// ReadyQueue.h: the loop's FIFO of callbacks to run (CPython's `_ready` deque).
// An entry is three words, a native function and two arguments, so scheduling
// a task step or a future's done callback allocates nothing; Weft callables go
// through a Handle object (Handle.h). The ring buffer is a power of two in
// scanned memory (GcBuffer.h) and only grows. Loop thread only.
#ifndef WEFT_RT_LOOP_READYQUEUE_H
#define WEFT_RT_LOOP_READYQUEUE_H

#include "loop/GcBuffer.h"

#include <cstddef>
#include <cstdint>

namespace weft::rt {

/// A callback the loop runs. Returns 0, or -1 when an exception that must stop
/// the loop (SystemExit, KeyboardInterrupt) is pending: `run_forever` then
/// returns with it, leaving the rest of the queue for a later run.
using ReadyFn = int (*)(void *a, void *b);

struct ReadyEntry {
  ReadyFn fn;
  void *a;
  void *b;
};

class ReadyQueue {
public:
  ReadyQueue() : buf_(gcBufferAlloc<ReadyEntry>(kInitial)), mask_(kInitial - 1) {}
  ~ReadyQueue() { gcBufferFree(buf_); }
  ReadyQueue(const ReadyQueue &) = delete;
  ReadyQueue &operator=(const ReadyQueue &) = delete;

  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }

  void push(ReadyFn fn, void *a, void *b) {
    if (len_ > mask_) grow();
    buf_[(head_ + len_) & mask_] = ReadyEntry{fn, a, b};
    ++len_;
  }

  /// Removes and returns the oldest entry; the slot is cleared so the
  /// collector does not keep what it pointed to alive.
  ReadyEntry pop() {
    ReadyEntry e = buf_[head_];
    buf_[head_] = ReadyEntry{nullptr, nullptr, nullptr};
    head_ = (head_ + 1) & mask_;
    --len_;
    return e;
  }

  /// Drops every entry (loop close).
  void clear() {
    while (len_) pop();
  }

private:
  static constexpr size_t kInitial = 256;
  void grow();

  ReadyEntry *buf_;
  size_t mask_;
  size_t head_ = 0;
  size_t len_ = 0;
};

} // namespace weft::rt

#endif
