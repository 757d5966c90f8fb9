// Future.h: asyncio.Future in C++ (CPython's futures.Future and the C
// _asyncio.Future it is normally replaced by): state PENDING / CANCELLED /
// FINISHED, a result or an exception, and done callbacks that the loop runs
// with call_soon in registration order, never inside set_result. A callback
// is a native (fn, a) pair run as fn(a, future), so a task waking up costs no
// allocation; Weft callables are stored as (callWeftCallback, callable).
// Task (Task.h) and the gathering future (modules/AsyncioGather.cpp) extend
// this layout. Loop thread only.
#ifndef WEFT_RT_TASK_FUTURE_H
#define WEFT_RT_TASK_FUTURE_H

#include "core/Object.h"
#include "loop/EventLoop.h"

#include <cstdint>
#include <string>

namespace weft::rt {

enum class FutState : uint8_t { Pending, Cancelled, Finished };

/// Which layout extends the Future (cancel() dispatches on it).
enum class FutKind : uint8_t { Plain, Task, Gathering, Sleep };

struct DoneCallback {
  ReadyFn fn;  ///< run as fn(a, future)
  void *a;
};

struct Future {
  WObj hdr;
  EventLoop *loop;
  FutState state;
  FutKind kind;
  uint8_t logTraceback;        ///< failed and the exception was never retrieved
  uint8_t cancelRequested : 1; ///< gathering futures: a cancel reached a child
  uint8_t gatherMark : 1;      ///< set while gather() builds its children (duplicate check)
  int32_t ncallbacks;          ///< callbacks in cb0 (first) and more[0..]
  WValue result;               ///< FINISHED without exception
  WObj *exception;             ///< FINISHED with exception, else null
  WValue cancelMessage;        ///< cancel(msg): UNBOUND for None
  WObj *cancelledExc;          ///< _cancelled_exc: the CancelledError to re-raise
  DoneCallback cb0;            ///< the common case is one waiter: no array
  DoneCallback *more;          ///< GC array for further callbacks; its GC_size is its capacity
};

/// Types of the asyncio objects; set by the asyncio module (null in unit tests
/// that do not need them, where objects carry no Weft type).
struct AsyncioTypes {
  WTypeObj *future = nullptr, *task = nullptr, *gatheringFuture = nullptr,
           *handle = nullptr, *timerHandle = nullptr, *loop = nullptr;
};
extern AsyncioTypes AT;

/// Allocates a pending future of [size] bytes (>= sizeof(Future)) bound to [loop].
Future *newFuture(EventLoop *loop, size_t size = sizeof(Future), FutKind kind = FutKind::Plain);
/// Sets up the zeroed [f], embedded in a larger GC object, as a pending future.
void initFuture(Future *f, EventLoop *loop, FutKind kind = FutKind::Plain);

inline Future *asFuture(WValue v) { return reinterpret_cast<Future *>(v.o); }
inline bool isDone(const Future *f) { return f->state != FutState::Pending; }
/// True when [v] is a Future (or Task, or any future kind).
bool isFuture(WValue v);

/// result(): the value, or ERR with CancelledError / the exception /
/// InvalidStateError("Result is not set.") pending.
WValue futureResult(Future *f);
/// exception(): the exception or None; ERR as CPython on cancelled/pending.
WValue futureException(Future *f);
/// set_result / set_exception: None, or ERR with InvalidStateError("invalid
/// state") when already done. set_exception instantiates a class and refuses
/// StopIteration with TypeError.
WValue futureSetResult(Future *f, WValue v);
WValue futureSetException(Future *f, WValue exc);
/// Finishes [f] with [exc] (an exception instance) without validating it:
/// for exceptions that escaped a coroutine.
void futureSetExceptionRaw(Future *f, WObj *exc);
/// cancel(msg): dispatches on the kind (Task.cancel, _GatheringFuture.cancel).
bool futureCancel(Future *f, WValue msg);
/// Future.cancel itself (what `super().cancel()` reaches).
bool futureCancelBase(Future *f, WValue msg);
/// _make_cancelled_error(): a CancelledError carrying the cancel message, or
/// the one saved when the coroutine raised it.
WObj *makeCancelledError(Future *f);

/// add_done_callback: runs fn(a, f) through call_soon once done (at once if
/// already done).
void addDoneCallback(Future *f, ReadyFn fn, void *a);
/// remove_done_callback for native callbacks: removes every (fn, a) entry.
int removeDoneCallback(Future *f, ReadyFn fn, void *a);
/// remove_done_callback(fn) for Weft callables, compared with ==. Returns the
/// number removed, or -1 with an exception pending.
int removeWeftDoneCallback(Future *f, WValue callable);
/// The ReadyFn of a Weft done callback: calls a(future), logging an error.
int callWeftCallback(void *callable, void *future);

/// Marks the exception of [f] as retrieved (no "never retrieved" log).
inline void markRetrieved(Future *f) { f->logTraceback = 0; }

/// When the done future [from] was cancelled or failed, finishes [to] the
/// same way (a CancelledError, or the exception, marked retrieved on [from])
/// and returns true; false when [from] has a result to go on with.
bool passFailureOn(Future *from, Future *to);

/// Logs "Task exception was never retrieved" (or "Future ...") for every
/// failed future of [loop] whose exception nobody retrieved; called at close.
void reportUnretrieved(EventLoop *loop);

/// repr(fut) as CPython: <Future pending>, <Task finished name='Task-1' ...>.
std::string futureRepr(Future *f);

} // namespace weft::rt

#endif
