// EventLoop.h: the event loop core, CPython's BaseEventLoop without the object
// model: a ready queue of native callbacks, a timer heap on CLOCK_MONOTONIC,
// an epoll selector and a cross-thread inbox. runOnce() follows
// BaseEventLoop._run_once phase by phase (see EventLoop.cpp). The asyncio
// module wraps an EventLoop in a Weft object and stores its per-loop task
// state in the fields at the end. An EventLoop is allocated in scanned memory
// (operator new below) because those fields point to GC objects. Loop thread
// only, except callSoonThreadsafe().
#ifndef WEFT_RT_LOOP_EVENTLOOP_H
#define WEFT_RT_LOOP_EVENTLOOP_H

#include "io/Selector.h"
#include "loop/GcBuffer.h"
#include "loop/Handle.h"
#include "loop/ReadyQueue.h"
#include "loop/TimerHeap.h"

#include <atomic>
#include <string>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace weft::rt {

enum class RunStatus {
  Ok,             ///< stop() was called (or run_until_complete's future is done)
  Fatal,          ///< a callback returned -1: its exception is pending
  AlreadyRunning, ///< "This event loop is already running"
  OtherRunning,   ///< "Cannot run the event loop while another loop is running"
  Closed,         ///< "Event loop is closed"
  SelectorError,  ///< epoll failed; errno in lastErrno()
};

class EventLoop {
public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop &) = delete;
  EventLoop &operator=(const EventLoop &) = delete;

  // Scanned, uncollectable storage: the task fields below hold GC pointers.
  static void *operator new(size_t n);
  static void operator delete(void *p);

  /// 0, or the errno that prevented creating the selector.
  int initError() const { return selector_ ? selector_->error() : 0; }

  // ---- scheduling (loop thread)
  /// Queues fn(a, b) for the next iteration; allocates nothing.
  void callSoon(ReadyFn fn, void *a, void *b) { ready_.push(fn, a, b); }
  /// Queues a cancellable handle.
  void callSoonHandle(Handle *h) { ready_.push(&runHandle, h, nullptr); }
  /// Schedules [h] (h->when already set) in the timer heap.
  void schedule(Handle *h);
  /// A fresh timer handle (not yet scheduled), collected when unreferenced.
  Handle *newTimer(int64_t when, ReadyFn fn, void *a, void *b);
  /// Sets up the zeroed [h], which lives inside a larger GC object (a sleep
  /// frame), as newTimer's handle, and schedules it [delayNs] from now.
  void callLaterInto(Handle *h, int64_t delayNs, ReadyFn fn, void *a, void *b);
  /// callLater/callAt for native callbacks: newTimer + schedule.
  Handle *callAt(int64_t whenNs, ReadyFn fn, void *a, void *b);
  Handle *callLater(int64_t delayNs, ReadyFn fn, void *a, void *b) {
    return callAt(now() + delayNs, fn, a, b);
  }
  /// Handle.cancel(): a cancelled handle never runs; a cancelled timer stays in
  /// the heap until it reaches the top or the heap is compacted.
  void cancel(Handle *h);

  /// Thread-safe: queues fn(a, b) and wakes the loop. [a] and [b] must stay
  /// reachable by the collector until the call (the inbox is scanned).
  void callSoonThreadsafe(ReadyFn fn, void *a, void *b);
  /// Loop thread: another thread is about to answer with callSoonThreadsafe
  /// soon (a thread-pool job is running), or has answered. While answers are
  /// expected, an iteration that would block first watches for one for a few
  /// microseconds: a worker's quick reply then costs no wake-up of a
  /// sleeping loop thread, which takes tens of microseconds on a VM. A watch
  /// that saw nothing is not repeated until an answer arrives, so a long job
  /// costs one watch, not one per idle iteration.
  void expectThreadsafeCall() { ++expectedCalls_; }
  void threadsafeCallArrived() {
    --expectedCalls_;
    spinArmed_ = true;
  }

  /// Async-signal-safe: a signal handler records an interrupt (Ctrl-C) and
  /// wakes the loop; the loop thread then calls the interrupt hook before it
  /// runs the iteration's callbacks. A hook result of -1 (exception pending)
  /// ends run_forever as a failing callback does.
  void interruptFromSignal();
  ReadyFn interruptHook = nullptr;
  void *interruptArg = nullptr;

  /// Async-signal-safe, for add_signal_handler: records that signal [sig]
  /// (1..63) arrived and wakes the loop; the loop thread then calls
  /// signalHook(signalArg, mask of the signals seen) before it runs the
  /// iteration's callbacks, and the hook schedules their handlers.
  void signalFromHandler(int sig);
  ReadyFn signalHook = nullptr;
  void *signalArg = nullptr;

  /// loop.set_exception_handler: when set, errors the loop would log go to
  /// it instead (task/Errors.h, logLoopError); it returns false to have
  /// them logged after all.
  bool (*errorHook)(EventLoop *loop, const std::string &message, WObj *exc, const char *key, WValue value) = nullptr;

  // ---- I/O (loop thread)
  Selector *selector() { return selector_; }

  // ---- running
  /// One iteration of BaseEventLoop._run_once. Returns -1 if a callback
  /// returned -1 (its exception is pending), else 0.
  int runOnce();
  RunStatus runForever();
  void stop() { stopping_ = true; }
  bool isRunning() const { return running_; }
  bool isClosed() const { return closed_; }
  /// Drops every queued callback and timer and releases the epoll and
  /// eventfd descriptors. The caller checks isRunning() first.
  void close();

  int64_t now() const;
  double time() const;

  /// The loop running in this thread, or null.
  static EventLoop *running();

  // ---- introspection (tests, benchmarks, debug mode)
  size_t readyCount() const { return ready_.size(); }
  size_t timerCount() const { return timers_.size(); }
  size_t cancelledTimerCount() const { return cancelledTimers_; }
  uint64_t iterations() const { return iterations_; }
  /// Number of times runOnce entered the selector (epoll) at all.
  uint64_t polls() const { return polls_; }
  int lastErrno() const { return lastErrno_; }

  // ---- per-loop state owned by the task layer (runtime/task)
  /// The asyncio loop object wrapping this loop, hidden from the collector
  /// (GC_HIDE_POINTER) so an unreferenced loop object can be finalized; it is
  /// on the stack of whoever runs the loop while it runs.
  uintptr_t ownerHidden = 0;
  WObj *currentTask = nullptr;  ///< the task whose step is running
  /// loop.set_task_factory's callable, or null. Kept alive by the loop
  /// object's attributes (this object is not scanned); mirrored here so
  /// creating a task checks one field.
  WObj *taskFactory = nullptr;
  /// The pending tasks in creation order, with null holes where tasks
  /// finished (runtime/task/Task.cpp).
  GcPtrTable<WObj> liveTasks;
  int64_t liveTaskCount = 0;
  /// Futures that failed, in order, checked for "never retrieved" at close
  /// (runtime/task/Future.cpp).
  GcPtrTable<WObj> failedFutures;
  /// Async generators that started on this loop, held weakly
  /// (runtime/task/AsyncgenTable.cpp): hidden pointers, uncollectable and
  /// unscanned storage.
  uintptr_t *asyncgenLinks = nullptr;
  int64_t asyncgenCount = 0;
  int64_t asyncgenCap = 0;
  bool debug = false;

  /// The ReadyFn that runs a Handle unless it was cancelled meanwhile.
  static int runHandle(void *h, void *);

private:
  void drainInbox();
  void fireDueTimers();

  ReadyQueue ready_;
  TimerHeap timers_;
  Selector *selector_;
  uint64_t seq_ = 0;
  size_t cancelledTimers_ = 0;
  uint64_t iterations_ = 0;
  uint64_t polls_ = 0;
  bool stopping_ = false;
  bool running_ = false;
  bool closed_ = false;
  int lastErrno_ = 0;

  // Cross-thread inbox: entries from other threads wait here (scanned
  // storage) until the loop moves them onto the ready queue.
  std::mutex inboxLock_;
  ReadyEntry *inbox_ = nullptr;
  size_t inboxLen_ = 0;
  size_t inboxCap_ = 0;
  std::atomic<bool> wakeupPending_{false};
  int64_t expectedCalls_ = 0;
  bool spinArmed_ = true;
  std::atomic<bool> interruptPending_{false};
  std::atomic<uint64_t> pendingSignals_{0};
};

} // namespace weft::rt

#endif
