// EventLoop.cpp: BaseEventLoop._run_once and run_forever. One iteration is:
// drop cancelled timers, compute the poll timeout, poll I/O (or skip the
// system call when nothing can be ready), move due timers onto the ready
// queue, then run exactly the callbacks queued at that moment. Callbacks
// scheduled while they run wait for the next iteration, which is what makes
// a self-rescheduling callback unable to starve the others.
#include "loop/EventLoop.h"

#include "loop/Clock.h"
#include "loop/GcBuffer.h"

#include <gc/gc.h>

namespace weft::rt {

namespace {
// CPython: _MIN_SCHEDULED_TIMER_HANDLES and _MIN_CANCELLED_TIMER_HANDLES_FRACTION.
constexpr size_t kMinScheduledForCompaction = 100;
// CPython: MAXIMUM_SELECT_TIMEOUT (24 hours); longer waits just poll again.
constexpr int64_t kMaxPollNs = int64_t(24) * 3600 * 1000000000;

thread_local EventLoop *tlsRunning = nullptr;
// How long runOnce watches for an expected cross-thread call before it
// blocks in epoll (expectThreadsafeCall). A thread-pool round trip of a tiny
// job takes about 10 us when neither side sleeps.
constexpr int64_t kSpinForWakeupNs = 50000;
} // namespace

void *EventLoop::operator new(size_t n) {
  void *p = GC_MALLOC_UNCOLLECTABLE(n);
  if (!p) std::abort();
  return p;
}

void EventLoop::operator delete(void *p) { GC_FREE(p); }

EventLoop::EventLoop() : selector_(new Selector()) {}

EventLoop::~EventLoop() {
  delete selector_;
  gcBufferFree(inbox_);
  liveTasks.release();
  failedFutures.release();
  if (asyncgenLinks) GC_FREE(asyncgenLinks);
}

EventLoop *EventLoop::running() { return tlsRunning; }

int64_t EventLoop::now() const { return monoNs(); }

double EventLoop::time() const { return nsToSeconds(monoNs()); }

int EventLoop::runHandle(void *p, void *) {
  Handle *h = static_cast<Handle *>(p);
  // A handle cancelled after it was queued (CPython checks _cancelled when it
  // pops the handle) is skipped.
  if (h->cancelled) return 0;
  return h->fn(h->a, h->b);
}

namespace {

void initTimer(Handle *h, EventLoop *loop, int64_t when, ReadyFn fn, void *a, void *b) {
  h->fn = fn;
  h->a = a;
  h->b = b;
  h->when = when;
  h->loop = loop;
  h->isTimer = 1;
}

} // namespace

void EventLoop::callLaterInto(Handle *h, int64_t delayNs, ReadyFn fn, void *a, void *b) {
  // The heap's slot points into the enclosing object; initRuntime turns on
  // libgc's interior-pointer recognition, which keeps that object alive.
  initTimer(h, this, now() + delayNs, fn, a, b);
  schedule(h);
}

Handle *EventLoop::newTimer(int64_t when, ReadyFn fn, void *a, void *b) {
  Handle *h = static_cast<Handle *>(GC_MALLOC(sizeof(Handle)));
  if (!h) std::abort();
  initTimer(h, this, when, fn, a, b);
  return h;
}

void EventLoop::schedule(Handle *h) {
  h->seq = seq_++;
  h->scheduled = 1;
  h->isTimer = 1;
  timers_.push(h);
}

Handle *EventLoop::callAt(int64_t whenNs, ReadyFn fn, void *a, void *b) {
  Handle *h = newTimer(whenNs, fn, a, b);
  schedule(h);
  return h;
}

void EventLoop::cancel(Handle *h) {
  if (h->cancelled) return;
  h->cancelled = 1;
  // CPython's _timer_handle_cancelled: count it only while it is in the heap.
  if (h->scheduled) ++cancelledTimers_;
}

void EventLoop::callSoonThreadsafe(ReadyFn fn, void *a, void *b) {
  {
    std::lock_guard<std::mutex> g(inboxLock_);
    if (inboxLen_ == inboxCap_) {
      size_t cap = inboxCap_ ? inboxCap_ * 2 : 16;
      ReadyEntry *n = gcBufferAlloc<ReadyEntry>(cap);
      for (size_t i = 0; i < inboxLen_; ++i) n[i] = inbox_[i];
      gcBufferFree(inbox_);
      inbox_ = n;
      inboxCap_ = cap;
    }
    inbox_[inboxLen_++] = ReadyEntry{fn, a, b};
  }
  // Only the first producer since the last drain pays for the write.
  if (!wakeupPending_.exchange(true, std::memory_order_acq_rel) && selector_)
    selector_->wakeup();
}

void EventLoop::interruptFromSignal() {
  // Only lock-free atomics and write(2) here: this runs in a signal handler.
  interruptPending_.store(true, std::memory_order_release);
  wakeupPending_.store(true, std::memory_order_release);
  if (selector_) selector_->wakeup();
}

void EventLoop::signalFromHandler(int sig) {
  pendingSignals_.fetch_or(uint64_t(1) << (sig & 63), std::memory_order_acq_rel);
  wakeupPending_.store(true, std::memory_order_release);
  if (selector_) selector_->wakeup();
}

void EventLoop::drainInbox() {
  // Clear the flag before taking the entries: a producer that pushes after
  // this point sees false and writes the eventfd, so nothing is stranded.
  wakeupPending_.store(false, std::memory_order_release);
  std::lock_guard<std::mutex> g(inboxLock_);
  for (size_t i = 0; i < inboxLen_; ++i) {
    ready_.push(inbox_[i].fn, inbox_[i].a, inbox_[i].b);
    inbox_[i] = ReadyEntry{nullptr, nullptr, nullptr};
  }
  inboxLen_ = 0;
}

void EventLoop::fireDueTimers() {
  // CPython fires what is due within the clock resolution (1 ns here):
  // `handle._when < now + resolution`, i.e. when <= now.
  int64_t end = now() + 1;
  while (!timers_.empty()) {
    Handle *h = timers_.top();
    if (h->when >= end) break;
    timers_.pop();
    h->scheduled = 0;
    if (h->cancelled) {
      --cancelledTimers_;
      continue;
    }
    ready_.push(&runHandle, h, nullptr);
  }
}

int EventLoop::runOnce() {
  ++iterations_;

  // Phase 1: drop cancelled timers. Compact the whole heap when more than
  // half of a large heap is cancelled, else just pop them off the top.
  size_t nsched = timers_.size();
  if (nsched > kMinScheduledForCompaction && cancelledTimers_ * 2 > nsched) {
    timers_.removeCancelled();
    cancelledTimers_ = 0;
  } else {
    while (!timers_.empty() && timers_.top()->cancelled) {
      --cancelledTimers_;
      timers_.pop()->scheduled = 0;
    }
  }

  // Phase 2: how long may the poll block?
  int64_t timeout;
  if (!ready_.empty() || stopping_) {
    timeout = 0;
  } else if (!timers_.empty()) {
    timeout = timers_.top()->when - now();
    if (timeout < 0) timeout = 0;
    if (timeout > kMaxPollNs) timeout = kMaxPollNs;
  } else {
    timeout = -1;
  }

  // Phase 3: poll. A zero-timeout epoll_wait costs ~190 ns, as much as many
  // task steps: skip it when no fd is watched and no other thread has queued
  // work (PITFALLS.md). A non-zero wait still goes through epoll so that
  // call_soon_threadsafe can interrupt it through the eventfd.
  bool pending = wakeupPending_.load(std::memory_order_acquire);
  if (timeout != 0 && !pending && expectedCalls_ > 0 && spinArmed_) {
    int64_t limit = timeout < 0 || timeout > kSpinForWakeupNs ? kSpinForWakeupNs : timeout;
    if (spinUntil(limit, [this] { return wakeupPending_.load(std::memory_order_acquire); })) timeout = 0;
    else spinArmed_ = false;
  }
  if (timeout != 0 || pending || (selector_ && selector_->watched() > 0)) {
    if (!selector_) return -2;
    ++polls_;
    bool woken = false;
    if (int e = selector_->poll(timeout, ready_, woken)) {
      lastErrno_ = e;
      return -2;
    }
    pending = woken || wakeupPending_.load(std::memory_order_acquire);
  }
  if (pending) drainInbox();
  if (interruptPending_.exchange(false, std::memory_order_acq_rel) && interruptHook) {
    EventLoop *prev = tlsRunning;
    tlsRunning = this;
    int r = interruptHook(interruptArg, nullptr);
    tlsRunning = prev;
    if (r < 0) return -1;
  }
  if (uint64_t sigs = pendingSignals_.exchange(0, std::memory_order_acq_rel); sigs && signalHook) {
    // The handlers join the ready queue before it is counted: they run in
    // this iteration, as CPython's _add_callback_signalsafe makes them.
    signalHook(signalArg, reinterpret_cast<void *>(uintptr_t(sigs)));
  }

  // Phase 4: due timers join the ready queue before it is counted, so a due
  // call_later(0, T) runs in this batch (PITFALLS.md: A, T, B).
  if (!timers_.empty()) fireDueTimers();

  // Phase 5: run exactly what is queued now. Callbacks see this loop as
  // the running one even when a test drives runOnce() directly.
  EventLoop *prevRunning = tlsRunning;
  tlsRunning = this;
  int status = 0;
  for (size_t ntodo = ready_.size(); ntodo > 0; --ntodo) {
    ReadyEntry e = ready_.pop();
    if (e.fn(e.a, e.b) < 0) {
      status = -1;
      break;
    }
  }
  tlsRunning = prevRunning;
  return status;
}

RunStatus EventLoop::runForever() {
  if (closed_) return RunStatus::Closed;
  if (running_) return RunStatus::AlreadyRunning;
  if (tlsRunning) return RunStatus::OtherRunning;
  running_ = true;
  tlsRunning = this;
  RunStatus status = RunStatus::Ok;
  for (;;) {
    int r = runOnce();
    if (r == -1) {
      status = RunStatus::Fatal;
      break;
    }
    if (r == -2) {
      status = RunStatus::SelectorError;
      break;
    }
    if (stopping_) break;
  }
  stopping_ = false;
  running_ = false;
  tlsRunning = nullptr;
  return status;
}

void EventLoop::close() {
  if (closed_) return;
  closed_ = true;
  ready_.clear();
  timers_.clear();
  cancelledTimers_ = 0;
  delete selector_;
  selector_ = nullptr;
  std::lock_guard<std::mutex> g(inboxLock_);
  for (size_t i = 0; i < inboxLen_; ++i) inbox_[i] = ReadyEntry{nullptr, nullptr, nullptr};
  inboxLen_ = 0;
}

} // namespace weft::rt
