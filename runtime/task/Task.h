// Task.h: asyncio.Task, a Future that drives a coroutine frame (WCoro). Its
// step is CPython's Task.__step: resume the coroutine with SEND None, or
// THROW an exception (a CancelledError when a cancel is pending), then act on
// what came back: a final value, an exception, or a suspension whose yielded
// value says what to wait for (a future, or None for one loop iteration).
// Pending tasks are linked into their loop's list: the loop holds them
// strongly, so a task nobody references still runs to completion.
#ifndef WEFT_RT_TASK_TASK_H
#define WEFT_RT_TASK_TASK_H

#include "task/Future.h"

#include <vector>

namespace weft::rt {

struct Task {
  Future fut;                  ///< a Task is a Future (same first member)
  WCoro *coro;
  Future *futWaiter;           ///< the future this task waits on (_fut_waiter)
  WObj *name;                  ///< a str, or null until get_name() makes "Task-N"
  int64_t nameNumber;          ///< N of the default name
  int64_t liveSlot;            ///< index in the loop's liveTasks while pending, else -1
  struct WContext *context;    ///< contextvars: each step runs in it (null: the empty one)
  int32_t numCancelsRequested;
  uint8_t mustCancel;
  uint8_t logDestroyPending;
};

/// create_task: wraps [coro] (a coroutine frame) and schedules its first step
/// with call_soon. [name] is a str or UNBOUND/None for "Task-N".
Task *newTask(EventLoop *loop, WCoro *coro, WValue name);

/// Task.cancel(msg): True unless done (3.11 counts every request).
bool taskCancel(Task *t, WValue msg);
/// cancelling() / uncancel() (3.11).
inline int64_t taskCancelling(Task *t) { return t->numCancelsRequested; }
int64_t taskUncancel(Task *t);

/// get_name(): the name as a str value (made on first use).
WValue taskName(Task *t);

/// The task whose step is running on [loop], or null.
inline Task *currentTask(EventLoop *loop) { return reinterpret_cast<Task *>(loop->currentTask); }

/// The pending tasks of [loop] in creation order.
std::vector<Task *> liveTasks(EventLoop *loop);

/// all_tasks(): the pending tasks of [loop] in creation order, as a set.
WValue allTasks(EventLoop *loop);

/// The ReadyFn of a step: runs __step(task a, exception b or null).
int taskStepCallback(void *task, void *exc);

/// The coroutine's Python-level name for reprs: "main", "Client.fetch".
std::string coroName(WCoro *c);

} // namespace weft::rt

#endif
