// CallCoro.h: a native coroutine that makes a call on its first step and
// then awaits what the call returned. Runtime functions that hand back a
// Future (open_connection, start_server, loop.getaddrinfo, ...) are
// coroutines in CPython, so programs pass them to create_task and gather;
// wrapping them this way keeps their code future-based and their surface
// CPython's, including when their errors surface (at the first step).
#ifndef WEFT_RT_TASK_CALLCORO_H
#define WEFT_RT_TASK_CALLCORO_H

#include "core/Object.h"

namespace weft::rt {

/// The most arguments callAsCoroutine keeps.
constexpr int64_t kCallCoroMaxArgs = 12;

/// A coroutine (named by [info]) whose first step runs code(nullptr, args)
/// and then awaits its result. [nargs] <= kCallCoroMaxArgs values are copied.
WValue callAsCoroutine(const WFuncInfo *info, WNativeCode code, int64_t nargs, const WValue *args);

/// Defines the native entry [entry] that returns callAsCoroutine of [impl]
/// (which takes [nargs] argument slots) as a coroutine named [name].
#define WEFT_CORO_ENTRY(entry, impl, name, nargs)                                   \
  WValue entry(WNativeFunc *, WValue *a) {                                          \
    static_assert((nargs) <= kCallCoroMaxArgs, "callAsCoroutine keeps too few arguments"); \
    static const WFuncInfo info = {name, name, nullptr, 0, 0, 0, 0, 0, WFUNC_COROUTINE, \
                                   "<asyncio>", 0, 0, nullptr, nullptr};            \
    return callAsCoroutine(&info, impl, nargs, a);                                  \
  }

} // namespace weft::rt

#endif
