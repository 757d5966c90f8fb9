// Thread.cpp: the native `_thread` module that stdlib/threading.weft is
// written over, as CPython's threading.py is over its _thread:
// start_new_thread, locks (allocate_lock / LockType, RLock) with blocking,
// timeouts and the with statement, get_ident, get_native_id, the calling
// thread's name, and _register_shutdown: a function wrt_main calls once the
// program's module has finished, so threading can join the non-daemon
// threads before the process exits, as CPython's threading._shutdown does.
//
// Threads are created with pthread_create under GC_THREADS (the collector
// scans them). Weft has no GIL: objects shared between threads need the
// program's own locks, as code that is correct under CPython has anyway.
#include "core/CoreInternal.h"
#include "core/ThreadName.h"
#include "exec/Executor.h"
#include "modules/AsyncioInternal.h"
#include "task/Errors.h"
#include "weft/rt/wrt_api.h"

#include <gc/gc.h>

#include <cerrno>
#include <ctime>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace weft::rt {

namespace {

WTypeObj *lockType, *rlockType;
WValue *shutdownHook;  ///< a root cell: the function threading registered

/// A lock: a mutex-protected flag with a condition variable, so acquire can
/// time out and any thread may release (CPython's locks are not owned).
struct LockObj {
  WObj hdr;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool locked;
  pthread_t owner;  ///< RLock only
  int64_t count;    ///< RLock only: the owner's recursion depth
};

LockObj *lockOf(WValue *a) { return reinterpret_cast<LockObj *>(a[0].o); }

WValue newLock(WTypeObj *t) {
  auto *l = newObj<LockObj>(t);
  pthread_mutex_init(&l->mu, nullptr);
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&l->cv, &attr);
  pthread_condattr_destroy(&attr);
  return wrt_obj(l);
}

/// acquire(blocking=True, timeout=-1) as CPython validates it; [timeout] < 0
/// waits forever. False with ValueError pending for a bad combination.
bool acquireArgs(WValue *a, bool &blocking, double &timeout) {
  blocking = a[1].tag == WT_UNBOUND || truthy(a[1]) == 1;
  timeout = -1;
  if (a[2].tag != WT_UNBOUND && !toSeconds(a[2], timeout, "timeout")) return false;
  if (!blocking && timeout != -1) {
    raise(T.ValueError, "can't specify a timeout for a non-blocking call");
    return false;
  }
  if (timeout < 0 && timeout != -1) {
    raise(T.ValueError, "timeout value must be a non-negative number");
    return false;
  }
  return true;
}

/// Waits until [ready] holds (the mutex held), at most [timeout] s (< 0: forever).
template <class Ready> bool waitFor(LockObj *l, bool blocking, double timeout, Ready ready) {
  if (ready()) return true;
  if (!blocking) return false;
  timespec deadline{};
  if (timeout >= 0) {
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += time_t(timeout);
    deadline.tv_nsec += long((timeout - double(time_t(timeout))) * 1e9);
    if (deadline.tv_nsec >= 1000000000L) {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000L;
    }
  }
  while (!ready()) {
    // Blocking here must not stall a collection another thread starts.
    if (timeout < 0) {
      pthread_cond_wait(&l->cv, &l->mu);
    } else if (pthread_cond_timedwait(&l->cv, &l->mu, &deadline) == ETIMEDOUT) {
      return ready();
    }
  }
  return true;
}

WValue lockAcquire(WNativeFunc *, WValue *a) {
  bool blocking;
  double timeout;
  if (!acquireArgs(a, blocking, timeout)) return wrt_errv();
  LockObj *l = lockOf(a);
  MutexLock g(&l->mu);
  bool got = waitFor(l, blocking, timeout, [l] { return !l->locked; });
  if (got) l->locked = true;
  return wrt_bool(got);
}

WValue lockRelease(WNativeFunc *, WValue *a) {
  LockObj *l = lockOf(a);
  MutexLock g(&l->mu);
  if (!l->locked) return raise(T.RuntimeError, "release unlocked lock");
  l->locked = false;
  pthread_cond_signal(&l->cv);
  return wrt_none();
}

WValue lockLocked(WNativeFunc *, WValue *a) {
  LockObj *l = lockOf(a);
  MutexLock g(&l->mu);
  return wrt_bool(l->locked);
}

WValue lockEnter(WNativeFunc *, WValue *a) {
  WValue args[3] = {a[0], wrt_unbound(), wrt_unbound()};
  return lockAcquire(nullptr, args);
}

WValue lockExit(WNativeFunc *, WValue *a) { return lockRelease(nullptr, a); }

WValue lockRepr(WNativeFunc *, WValue *a) {
  char buf[96];
  snprintf(buf, sizeof buf, "<%s _thread.lock object at %p>", lockOf(a)->locked ? "locked" : "unlocked",
           static_cast<void *>(a[0].o));
  return newStr(buf);
}

WValue rlockAcquire(WNativeFunc *, WValue *a) {
  bool blocking;
  double timeout;
  if (!acquireArgs(a, blocking, timeout)) return wrt_errv();
  LockObj *l = lockOf(a);
  pthread_t me = pthread_self();
  MutexLock g(&l->mu);
  if (l->count > 0 && pthread_equal(l->owner, me)) {
    l->count++;
    return wrt_bool(true);
  }
  bool got = waitFor(l, blocking, timeout, [l] { return l->count == 0; });
  if (got) {
    l->owner = me;
    l->count = 1;
  }
  return wrt_bool(got);
}

WValue rlockRelease(WNativeFunc *, WValue *a) {
  LockObj *l = lockOf(a);
  MutexLock g(&l->mu);
  if (l->count == 0 || !pthread_equal(l->owner, pthread_self()))
    return raise(T.RuntimeError, "cannot release un-acquired lock");
  if (--l->count == 0) pthread_cond_signal(&l->cv);
  return wrt_none();
}

WValue rlockEnter(WNativeFunc *, WValue *a) {
  WValue args[3] = {a[0], wrt_unbound(), wrt_unbound()};
  return rlockAcquire(nullptr, args);
}

WValue rlockExit(WNativeFunc *, WValue *a) { return rlockRelease(nullptr, a); }

WValue rlockIsOwned(WNativeFunc *, WValue *a) {
  LockObj *l = lockOf(a);
  MutexLock g(&l->mu);
  return wrt_bool(l->count > 0 && pthread_equal(l->owner, pthread_self()));
}

// ---------------------------------------------------------------- threads

struct ThreadStart {
  WValue fn, args, kwargs;
};

void *threadMain(void *arg) {
  auto *st = static_cast<ThreadStart *>(arg);
  WValue fn = st->fn, args = st->args, kwargs = st->kwargs;
  GC_FREE(st);
  WValue r = wrt_call_ex(fn, args, kwargs);
  if (r.tag == WT_ERR) {
    // threading's bootstrap reports errors itself; this is _thread's own
    // last resort (CPython prints "Unhandled exception in thread started by").
    WObj *exc = fetchError();
    if (!isInstance(wrt_obj(exc), T.SystemExit)) {
      flushStdout();
      logError("Unhandled exception in thread started by " + reprString(fn), "", exc);
    }
  }
  return nullptr;
}

WValue startNewThread(WNativeFunc *, WValue *a) {
  if (!isCallable(a[0])) return raise(T.TypeError, "first arg must be callable");
  if (!isKind(a[1], Kind::Tuple)) return raise(T.TypeError, "2nd arg must be a tuple");
  // Uncollectable until the thread has read it: nothing else holds the call.
  auto *st = static_cast<ThreadStart *>(GC_MALLOC_UNCOLLECTABLE(sizeof(ThreadStart)));
  st->fn = a[0];
  st->args = a[1];
  st->kwargs = a[2].tag == WT_UNBOUND ? wrt_none() : a[2];
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int e = pthread_create(&t, &attr, threadMain, st);
  pthread_attr_destroy(&attr);
  if (e != 0) {
    GC_FREE(st);
    return raise(T.RuntimeError, "can't start new thread");
  }
  return wrt_int(int64_t(t));
}

WValue getIdent(WNativeFunc *, WValue *) { return wrt_int(int64_t(pthread_self())); }
WValue getNativeId(WNativeFunc *, WValue *) { return wrt_int(int64_t(syscall(SYS_gettid))); }
WValue threadName(WNativeFunc *, WValue *) { return newStr(currentThreadName()); }

WValue setThreadName(WNativeFunc *, WValue *a) {
  if (!isStr(a[0])) return raiseTypeError("thread name must be a str");
  setCurrentThreadName(std::string(strView(a[0])));
  return wrt_none();
}

WValue registerShutdown(WNativeFunc *, WValue *a) {
  if (!shutdownHook) shutdownHook = static_cast<WValue *>(GC_MALLOC_UNCOLLECTABLE(sizeof(WValue)));
  *shutdownHook = a[0];
  return wrt_none();
}

WValue allocateLock(WNativeFunc *, WValue *) { return newLock(lockType); }
WValue rlockCtor(WNativeFunc *, WValue *) { return newLock(rlockType); }

WValue initThread() {
  WValue m = newModule("_thread");
  lockType = newType("lock", T.object, Kind::Other, "_thread");
  lockType->ctor = makeNative("allocate_lock", allocateLock, "");
  addMethod(lockType, "acquire", lockAcquire, "self, blocking=?, timeout=?");
  addMethod(lockType, "release", lockRelease, "self, /");
  addMethod(lockType, "locked", lockLocked, "self, /");
  addMethod(lockType, "__enter__", lockEnter, "self, /");
  addMethod(lockType, "__exit__", lockExit, "self, *args");
  addMethod(lockType, "__repr__", lockRepr, "self, /");
  rlockType = newType("RLock", T.object, Kind::Other, "_thread");
  rlockType->ctor = makeNative("RLock", rlockCtor, "");
  addMethod(rlockType, "acquire", rlockAcquire, "self, blocking=?, timeout=?");
  addMethod(rlockType, "release", rlockRelease, "self, /");
  addMethod(rlockType, "_is_owned", rlockIsOwned, "self, /");
  addMethod(rlockType, "__enter__", rlockEnter, "self, /");
  addMethod(rlockType, "__exit__", rlockExit, "self, *args");
  moduleSet(m, "LockType", wrt_obj(lockType));
  moduleSet(m, "RLock", wrt_obj(rlockType));
  moduleSet(m, "allocate_lock", makeNative("allocate_lock", allocateLock, ""));
  moduleSet(m, "start_new_thread", makeNative("start_new_thread", startNewThread, "function, args, kwargs=?, /"));
  moduleSet(m, "get_ident", makeNative("get_ident", getIdent, ""));
  moduleSet(m, "get_native_id", makeNative("get_native_id", getNativeId, ""));
  moduleSet(m, "_thread_name", makeNative("_thread_name", threadName, ""));
  moduleSet(m, "_set_thread_name", makeNative("_set_thread_name", setThreadName, "name, /"));
  moduleSet(m, "_register_shutdown", makeNative("_register_shutdown", registerShutdown, "function, /"));
  moduleSet(m, "TIMEOUT_MAX", wrt_float(9223372036.0));
  moduleSet(m, "error", wrt_obj(T.RuntimeError));
  return m;
}

} // namespace

void runThreadShutdown() {
  if (!shutdownHook || shutdownHook->tag != WT_OBJ) return;
  WValue r = call(*shutdownHook, 0, nullptr);
  if (r.tag == WT_ERR) fetchError();
}

void initThreadModule() { registerModule("_thread", initThread); }

} // namespace weft::rt
