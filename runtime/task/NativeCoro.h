// NativeCoro.h: coroutine frames whose resume function is written in C++.
// The WCoro ABI makes them interchangeable with compiled ones: a task can
// drive them and compiled code awaits them with wrt_await_step. asyncio's
// own awaitables (sleep, the wrapper ensure_future puts around an awaitable)
// are built this way; so are the hand-written coroutines of the unit tests.
#ifndef WEFT_RT_TASK_NATIVECORO_H
#define WEFT_RT_TASK_NATIVECORO_H

#include "core/Object.h"

namespace weft::rt {

/// Allocates a zeroed frame of [size] bytes (a WCoro header first) typed as a
/// coroutine, with [resume] and [info] (name, qualname, file for reprs).
WCoro *newNativeCoro(size_t size, WResumeFn resume, const WFuncInfo *info);

template <typename Frame> Frame *newNativeCoro(WResumeFn resume, const WFuncInfo *info) {
  static_assert(offsetof(Frame, c) == 0, "a native frame starts with its WCoro header");
  return reinterpret_cast<Frame *>(newNativeCoro(sizeof(Frame), resume, info));
}

/// Static WFuncInfo for a native coroutine named [name] (no parameters).
#define WEFT_NATIVE_CORO_INFO(var, name)                                                        \
  static const WFuncInfo var = {name, name, nullptr, 0, 0, 0, 0, 0, WFUNC_COROUTINE, "<asyncio>", 0, 0, nullptr, nullptr}

} // namespace weft::rt

#endif
