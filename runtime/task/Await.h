// Await.h: the await protocol between compiled frames, native frames,
// futures and tasks (wrt_await_prepare / wrt_await_step, in Await.cpp), and
// the conversions asyncio needs on top of it: ensure_future, sleep.
//
// Invariant the protocol relies on: a frame's `yielded` is UNBOUND except
// while one of its awaits is suspended; wrt_await_step sets it when the
// await suspends and clears it when the await completes. A second step of
// the same await (after the task woke up) therefore sees it set; a fresh
// await sees UNBOUND. Compiled code must not write `yielded` in coroutines.
#ifndef WEFT_RT_TASK_AWAIT_H
#define WEFT_RT_TASK_AWAIT_H

#include "loop/EventLoop.h"
#include "task/Future.h"

namespace weft::rt {

/// True for coroutine frames (compiled or native), including sleep(0)'s.
bool isCoroutine(WValue v);

/// ensure_future(aw): a future stays itself, a coroutine becomes a Task on
/// [loop] (made by the loop's task factory if it has one, unless
/// [useFactory] is false: the Task constructor itself), another awaitable is
/// wrapped in a coroutine first. ERR (TypeError "An asyncio.Future, a
/// coroutine or an awaitable is required") otherwise.
WValue ensureFuture(EventLoop *loop, WValue aw, WValue name = wrt_unbound(), bool useFactory = true);

/// loop.set_task_factory's factory called as loop.create_task calls it:
/// factory(loop, coro[, context=context]), then the name set
/// (modules/AsyncioLoop.cpp).
WValue callTaskFactory(EventLoop *loop, WValue coro, WValue name, WValue context = wrt_none());

/// A coroutine frame for `asyncio.sleep(delay, result)`. sleep(0) with no
/// result is a shared frame that yields once and allocates nothing.
WValue sleepCoro(double delay, WValue result);

/// The shared sleep(0) frame (made on first use).
WCoro *sleepZeroFrame();
/// The same, or null before it exists: what wrt_await_step compares with.
extern WCoro *sleepZeroShared;

} // namespace weft::rt

#endif
