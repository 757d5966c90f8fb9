// Sleep.cpp: asyncio.sleep as native coroutine frames. sleep(0) is a shared
// frame that wrt_await_step recognises: it yields None once (one loop
// iteration, rule 9) and costs no allocation, which matters because
// `await sleep(0)` is the hand-off of every cooperative loop. sleep(d) is
// CPython's: a future, a call_later that sets its result, and `finally:
// h.cancel()` so a cancelled sleep leaves no live timer behind.
#include "task/Await.h"

#include "task/Errors.h"
#include "task/NativeCoro.h"

#include "loop/Clock.h"
#include "weft/rt/wrt_api.h"

#include <gc/gc.h>

namespace weft::rt {

namespace {

WEFT_NATIVE_CORO_INFO(sleepInfo, "sleep");

/// One allocation per sleep: the frame holds its future and its timer
/// handle, which would otherwise be two more objects per sleeping task.
struct SleepFrame {
  WCoro c;
  WValue result;
  int64_t delayNs;
  Future fut;
  Handle timer;
};

enum { kStart = 0, kYielded = 1, kWaiting = 2 };

int sleepTimerFired(void *frame, void *) {
  SleepFrame *s = static_cast<SleepFrame *>(frame);
  // futures._set_result_unless_cancelled
  if (!isDone(&s->fut)) futureSetResult(&s->fut, s->result);
  return 0;
}

WValue sleepResume(WCoro *frame, WValue value, int64_t mode) {
  SleepFrame *s = reinterpret_cast<SleepFrame *>(frame);
  switch (frame->state) {
  case kStart: {
    if (mode == WRESUME_THROW) {
      frame->state = -1;
      return wrt_err_restore(value);
    }
    if (s->delayNs <= 0) {
      frame->yielded = wrt_none();
      frame->state = kYielded;
      return WValue{WT_SUSPEND, {0}};
    }
    EventLoop *loop = EventLoop::running();
    if (!loop) {
      frame->state = -1;
      return raise(T.RuntimeError, "no running event loop");
    }
    initFuture(&s->fut, loop);
    loop->callLaterInto(&s->timer, s->delayNs, &sleepTimerFired, s, nullptr);
    frame->state = kWaiting;
    value = wrt_none();
    mode = WRESUME_SEND;
    [[fallthrough]];
  }
  case kWaiting: {
    WValue r = wrt_await_step(frame, wrt_obj(&s->fut.hdr), value, mode);
    if (r.tag == WT_SUSPEND) return r;
    // finally: h.cancel()
    s->fut.loop->cancel(&s->timer);
    frame->state = -1;
    return r;
  }
  case kYielded:
    frame->yielded = wrt_unbound();
    frame->state = -1;
    if (mode == WRESUME_THROW) return wrt_err_restore(value);
    return s->result;
  default:
    return raise(T.RuntimeError, "cannot reuse already awaited coroutine");
  }
}

WValue sharedZeroResume(WCoro *, WValue, int64_t) {
  // Only wrt_await_step drives the shared frame; ensure_future wraps it.
  return raise(T.RuntimeError, "the shared sleep(0) frame cannot be resumed directly");
}

WCoro *makeSleepZero() {
  // Uncollectable: the frame lives as long as the process.
  WCoro *c = static_cast<WCoro *>(GC_MALLOC_UNCOLLECTABLE(sizeof(WCoro)));
  c->hdr.type = reinterpret_cast<WType *>(T.coroutine);
  c->resume = &sharedZeroResume;
  c->info = &sleepInfo;
  return c;
}

} // namespace

WCoro *sleepZeroShared = nullptr;

WCoro *sleepZeroFrame() {
  static WCoro *frame = sleepZeroShared = makeSleepZero();
  return frame;
}

WValue sleepCoro(double delay, WValue result) {
  // Any positive delay, however small, goes through the timer as in CPython.
  int64_t ns = delay > 0 ? secondsToNs(delay) : 0;
  if (delay > 0 && ns <= 0) ns = 1;
  if (ns <= 0 && (result.tag == WT_NONE || result.tag == WT_UNBOUND)) return wrt_obj(sleepZeroFrame());
  SleepFrame *s = newNativeCoro<SleepFrame>(&sleepResume, &sleepInfo);
  s->delayNs = ns;
  s->result = result.tag == WT_UNBOUND ? wrt_none() : result;
  return wrt_obj(&s->c);
}

} // namespace weft::rt
