// Handle.h: a scheduled callback that can be cancelled, CPython's Handle and
// TimerHandle in one layout. The loop core only needs fn/a/b, the deadline
// and the flags; the asyncio module gives a handle a Weft type (so
// `loop.call_later(...)` returns an object with `cancel()`) and stores the
// Weft callable and its arguments for repr and "Exception in callback" logs.
#ifndef WEFT_RT_LOOP_HANDLE_H
#define WEFT_RT_LOOP_HANDLE_H

#include "loop/ReadyQueue.h"
#include "weft/rt/wrt_value.h"

#include <cstdint>

namespace weft::rt {

class EventLoop;

struct Handle {
  WObj hdr;          ///< asyncio.Handle / asyncio.TimerHandle, or null (internal)
  ReadyFn fn;        ///< what runs: fn(a, b)
  void *a;
  void *b;
  int64_t when;      ///< deadline, loop nanoseconds (timers only)
  uint64_t seq;      ///< scheduling order: breaks deadline ties FIFO (libuv's start_id)
  EventLoop *loop;
  uint8_t cancelled;
  uint8_t scheduled; ///< in the timer heap (CPython's TimerHandle._scheduled)
  uint8_t isTimer;
  WValue callback;   ///< the Weft callable, when scheduled from Weft (else UNBOUND)
  WObj *args;        ///< its arguments (a tuple), or null
  WObj *context;     ///< contextvars: the Context the callback runs in, or null (the empty one)
};

} // namespace weft::rt

#endif
