// AsyncioSignals.cpp: loop.add_signal_handler and remove_signal_handler, as
// CPython's unix event loop has them. The C handler only records the signal
// in the loop (EventLoop::signalFromHandler: an atomic bit and the eventfd
// wake-up, both async-signal-safe); the loop thread then schedules the
// registered callback as a Handle in that iteration. A loop keeps its
// handlers in a dict of its own attributes (sig -> (callback, args)), and
// the loop object of each caught signal is held in a collector root so the
// hook always finds it. Handlers are the main thread's business, as in
// CPython, and loop.close() removes them.
#include "modules/AsyncioInternal.h"

#include "core/Text.h"
#include "core/ThreadName.h"
#include "task/Errors.h"
#include "task/Await.h"

#include <gc/gc.h>

#include <atomic>
#include <cerrno>
#include <csignal>

namespace weft::rt {

namespace {

constexpr int kMaxSignal = 64;

/// The loop that handles each signal, for the C handler, and its object (a
/// collector root) for the hook.
std::atomic<EventLoop *> signalLoops[kMaxSignal];
WValue *signalLoopObjs() {
  static WValue *cells = static_cast<WValue *>(GC_MALLOC_UNCOLLECTABLE(sizeof(WValue) * kMaxSignal));
  return cells;
}

void onSignal(int sig) {
  if (sig > 0 && sig < kMaxSignal)
    if (EventLoop *loop = signalLoops[sig].load(std::memory_order_acquire)) loop->signalFromHandler(sig);
}

WStr *handlersKey() { return internStr("_signal_handlers"); }

/// The loop's sig -> (callback, args) dict; null if it has none and [create] is false.
WDict *handlersOf(WValue loopObj, bool create) {
  WValue d = getAttrStr(loopObj, "_signal_handlers");
  if (d.tag == WT_ERR) {
    errClear();
    if (!create) return nullptr;
    d = newDict();
    if (setAttr(loopObj, handlersKey(), d).tag == WT_ERR) return nullptr;
  }
  return isKind(d, Kind::Dict) ? asDict(d) : nullptr;
}

/// The loop's signal hook: each signal seen since the last iteration runs
/// its callback through a fresh Handle queued now.
int deliverSignals(void *loopObj, void *mask) {
  WValue lo = wrt_obj(static_cast<WObj *>(loopObj));
  WDict *handlers = handlersOf(lo, false);
  auto sigs = uint64_t(reinterpret_cast<uintptr_t>(mask));
  for (int sig = 1; handlers && sig < kMaxSignal; sig++) {
    if (!(sigs & (uint64_t(1) << sig))) continue;
    WValue entry = dictGet(handlers, wrt_int(sig));
    if (!isKind(entry, Kind::Tuple)) continue;
    EventLoop *loop = loopOf(lo);
    loop->callSoonHandle(newWeftHandle(loop, AT.handle, asTuple(entry)->items[0], asTuple(entry)->items[1]));
  }
  return 0;
}

/// CPython's _check_signal.
bool checkSignal(WValue sig) {
  if (!isIntLike(sig)) {
    raiseFormat(T.TypeError, "sig must be an int, not %s", reprString(sig).c_str());
    return false;
  }
  if (sig.i < 1 || sig.i >= NSIG || sig.i >= kMaxSignal) {
    raiseFormat(T.ValueError, "invalid signal number %lld", static_cast<long long>(sig.i));
    return false;
  }
  return true;
}

void restoreDefault(int sig) {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, nullptr);
  signalLoops[sig].store(nullptr, std::memory_order_release);
  signalLoopObjs()[sig] = wrt_unbound();
}

/// loop.add_signal_handler(sig, callback, *args).
WValue loopAddSignalHandler(WNativeFunc *, WValue *a) {
  WValue lo = a[0], callback = a[2];
  EventLoop *loop = loopOf(lo);
  if (isCoroutine(callback) ||
      (isKind(callback, Kind::Func) && (reinterpret_cast<WFunc *>(callback.o)->info->flags & WFUNC_COROUTINE)))
    return raise(T.TypeError, "coroutines cannot be used with add_signal_handler()");
  if (!checkSignal(a[1])) return wrt_errv();
  if (loop->isClosed()) return raise(T.RuntimeError, "Event loop is closed");
  if (!onMainThread()) return raise(T.RuntimeError, "set_wakeup_fd only works in main thread of the main interpreter");
  int sig = int(a[1].i);
  WDict *handlers = handlersOf(lo, true);
  if (!handlers) return wrt_errv();
  if (dictSet(handlers, wrt_int(sig), newTupleOf({callback, a[3]})).tag == WT_ERR) return wrt_errv();
  signalLoopObjs()[sig] = lo;
  signalLoops[sig].store(loop, std::memory_order_release);
  loop->signalHook = &deliverSignals;
  loop->signalArg = lo.o;
  struct sigaction sa {};
  sa.sa_handler = &onSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (sigaction(sig, &sa, nullptr) != 0) {
    int err = errno;
    dictDel(handlers, wrt_int(sig));
    signalLoops[sig].store(nullptr, std::memory_order_release);
    signalLoopObjs()[sig] = wrt_unbound();
    if (err == EINVAL) return raiseFormat(T.RuntimeError, "sig %d cannot be caught", sig);
    return raiseOSError(err);
  }
  return wrt_none();
}

/// loop.remove_signal_handler(sig): True if a handler was removed.
WValue loopRemoveSignalHandler(WNativeFunc *, WValue *a) {
  if (!checkSignal(a[1])) return wrt_errv();
  WDict *handlers = handlersOf(a[0], false);
  WValue key = wrt_int(a[1].i);
  if (!handlers || dictGet(handlers, key).tag == WT_UNBOUND) return wrt_bool(0);
  dictDel(handlers, key);
  restoreDefault(int(a[1].i));
  return wrt_bool(1);
}

} // namespace

void removeSignalHandlers(WValue loopObj) {
  WDict *handlers = handlersOf(loopObj, false);
  if (!handlers) return;
  WDictEntry *e;
  for (int64_t pos = 0; dictNext(handlers, pos, e);)
    if (e->key.tag == WT_INT) restoreDefault(int(e->key.i));
  setAttr(loopObj, handlersKey(), newDict());
}

void addSignalApi(WTypeObj *loopType) {
  addMethod(loopType, "add_signal_handler", loopAddSignalHandler, "self, sig, callback, /, *args");
  addMethod(loopType, "remove_signal_handler", loopRemoveSignalHandler, "self, sig, /");
}

} // namespace weft::rt
