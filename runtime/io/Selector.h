// Selector.h: I/O readiness for the event loop (CPython's selectors module,
// epoll only). Each watched fd has at most one reader and one writer
// callback; a ready fd pushes its callbacks onto the loop's ready queue, as
// BaseSelectorEventLoop._process_events does. epoll's data field carries the
// fd number, never a pointer: the collector cannot see into the kernel, so
// the callbacks live in a scanned table indexed by fd. An eventfd, always
// registered, lets other threads wake a blocked poll. Loop thread only,
// except wakeup().
#ifndef WEFT_RT_IO_SELECTOR_H
#define WEFT_RT_IO_SELECTOR_H

#include "loop/ReadyQueue.h"

#include <cstddef>
#include <cstdint>

namespace weft::rt {

class Selector {
public:
  Selector();
  ~Selector();
  Selector(const Selector &) = delete;
  Selector &operator=(const Selector &) = delete;

  /// 0, or the errno with which epoll_create1/eventfd failed (EMFILE...).
  int error() const { return error_; }

  /// Watches [fd] for reading (writing); replaces a previous callback.
  /// Returns 0 or an errno value.
  int addReader(int fd, ReadyFn fn, void *a, void *b);
  int addWriter(int fd, ReadyFn fn, void *a, void *b);
  /// Returns true if a callback was removed.
  bool removeReader(int fd);
  bool removeWriter(int fd);

  /// Number of fds watched for the program (the wakeup fd not counted).
  size_t watched() const { return nwatched_; }

  /// Waits up to [timeoutNs] (-1: forever), retrying on EINTR with the time
  /// left, and queues the callbacks of ready fds on [ready]. Sets [woken] when
  /// the wakeup fd fired (its counter is drained here). Returns 0 or an errno.
  int poll(int64_t timeoutNs, ReadyQueue &ready, bool &woken);

  /// Makes a blocked or future poll() return. Async-signal- and thread-safe.
  void wakeup();

private:
  struct Watch {
    ReadyEntry reader;
    ReadyEntry writer;
    uint32_t events;   ///< what epoll currently watches for this fd
  };
  int update(int fd, Watch &w, uint32_t events);
  Watch *slot(int fd);

  int epfd_ = -1;
  int wakefd_ = -1;
  int error_ = 0;
  Watch *table_ = nullptr;  ///< indexed by fd, scanned (holds GC pointers)
  size_t tableSize_ = 0;
  size_t nwatched_ = 0;
};

} // namespace weft::rt

#endif
