// ThreadPool.cpp: concurrent.futures.Future (CFuture) and
// ThreadPoolExecutor. Workers are created with pthread_create where gc.h is
// included (GC_THREADS redirects it to GC_pthread_create), so the collector
// scans their stacks; they start lazily, one per submit while none is idle,
// up to max_workers, as CPython's _adjust_thread_count does. The queue is a
// GC-allocated linked list reached from the pool, which lives in
// uncollectable (scanned) memory. Condition waits do not fail with EINTR, so
// the collector's stop-the-world signals need no retry here.
#include "exec/Executor.h"

#include "core/ThreadName.h"
#include "loop/Clock.h"
#include "task/Errors.h"
#include "weft/rt/wrt_api.h"

#include <gc/gc.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <unistd.h>

namespace weft::rt {

ExecTypes ET;

// ---------------------------------------------------------------- CFuture

namespace {

void runCallback(CFuture *f, const CFCallback &cb) {
  if (cb.fn) {
    cb.fn(cb.a, f);
    return;
  }
  WValue arg = wrt_obj(f);
  WValue r = call(cb.callable, 1, &arg);
  if (r.tag == WT_ERR) logError("exception calling callback for " + reprString(arg), "", fetchError());
}

void finish(CFuture *f, WValue result, WValue exc) {
  CFCallback *cbs;
  int32_t n;
  {
    MutexLock g(&f->mu);
    f->result = result;
    f->exception = exc;
    f->state = CFState::Finished;
    cbs = f->cbs;
    n = f->ncbs;
    pthread_cond_broadcast(&f->cv);
  }
  for (int32_t i = 0; i < n; i++) runCallback(f, cbs[i]);
}


} // namespace

bool deadlineAfter(double timeout, timespec &ts) {
  if (timeout < 0) return false;
  clock_gettime(CLOCK_REALTIME, &ts);
  double whole;
  double frac = std::modf(timeout, &whole);
  ts.tv_sec += time_t(whole);
  ts.tv_nsec += long(frac * 1e9);
  if (ts.tv_nsec >= 1000000000L) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000L;
  }
  return true;
}

bool timeoutArg(WValue v, double &out) {
  out = -1;
  if (v.tag == WT_NONE || v.tag == WT_UNBOUND) return true;
  if (v.tag == WT_INT || v.tag == WT_BOOL) out = double(v.i);
  else if (v.tag == WT_FLOAT) out = v.f;
  else {
    raiseTypeError("timeout must be a number or None, not %s", typeName(v));
    return false;
  }
  if (out < 0) out = 0;
  return true;
}

CFuture *newCFuture() {
  auto *f = newObj<CFuture>(ET.future);
  pthread_mutex_init(&f->mu, nullptr);
  pthread_cond_init(&f->cv, nullptr);
  f->state = CFState::Pending;
  f->result = wrt_none();
  f->exception = wrt_unbound();
  return f;
}

bool cfSetRunning(CFuture *f) {
  MutexLock g(&f->mu);
  if (f->state != CFState::Pending) return false;
  f->state = CFState::Running;
  return true;
}

bool cfSetResult(CFuture *f, WValue v) {
  {
    MutexLock g(&f->mu);
    if (cfDone(f)) return false;
  }
  finish(f, v, wrt_unbound());
  return true;
}

bool cfSetException(CFuture *f, WValue exc) {
  {
    MutexLock g(&f->mu);
    if (cfDone(f)) return false;
  }
  finish(f, wrt_none(), exc);
  return true;
}

bool cfCancel(CFuture *f) {
  CFCallback *cbs;
  int32_t n;
  {
    MutexLock g(&f->mu);
    if (f->state == CFState::Cancelled) return true;
    if (f->state != CFState::Pending) return false;
    f->state = CFState::Cancelled;
    cbs = f->cbs;
    n = f->ncbs;
    pthread_cond_broadcast(&f->cv);
  }
  for (int32_t i = 0; i < n; i++) runCallback(f, cbs[i]);
  return true;
}

bool cfWait(CFuture *f, double timeout) {
  timespec ts;
  bool timed = deadlineAfter(timeout, ts);
  MutexLock g(&f->mu);
  while (!cfDone(f)) {
    if (!timed) {
      pthread_cond_wait(&f->cv, &f->mu);
    } else if (pthread_cond_timedwait(&f->cv, &f->mu, &ts) == ETIMEDOUT) {
      return cfDone(f);
    }
  }
  return true;
}

WValue cfResult(CFuture *f, double timeout) {
  if (!cfWait(f, timeout)) return raise(T.TimeoutError, "");
  if (f->state == CFState::Cancelled) return raise(T.CancelledError, "");
  if (f->exception.tag != WT_UNBOUND) return restoreError(f->exception.o);
  return f->result;
}

void cfAddCallback(CFuture *f, void (*fn)(void *, CFuture *), void *a) {
  {
    MutexLock g(&f->mu);
    if (!cfDone(f)) {
      if (f->ncbs == f->cbcap) {
        int32_t cap = f->cbcap ? f->cbcap * 2 : 2;
        auto *arr = static_cast<CFCallback *>(gcAlloc(sizeof(CFCallback) * size_t(cap)));
        if (f->ncbs) std::memcpy(arr, f->cbs, sizeof(CFCallback) * size_t(f->ncbs));
        f->cbs = arr;
        f->cbcap = cap;
      }
      f->cbs[f->ncbs++] = {fn, a, wrt_unbound()};
      return;
    }
  }
  runCallback(f, {fn, a, wrt_unbound()});
}

void cfRemoveCallback(CFuture *f, void (*fn)(void *, CFuture *), void *a) {
  MutexLock g(&f->mu);
  // A finished future's callbacks are being run (or were) outside the lock,
  // from the array as it was: it must not change under them.
  if (cfDone(f)) return;
  int32_t kept = 0;
  for (int32_t i = 0; i < f->ncbs; i++)
    if (!(f->cbs[i].fn == fn && f->cbs[i].a == a)) f->cbs[kept++] = f->cbs[i];
  f->ncbs = kept;
}

namespace {

CFuture *selfFut(WValue v) { return reinterpret_cast<CFuture *>(v.o); }


WValue futResult(WNativeFunc *, WValue *a) {
  double t;
  if (!timeoutArg(a[1], t)) return wrt_errv();
  return cfResult(selfFut(a[0]), t);
}

WValue futException(WNativeFunc *, WValue *a) {
  double t;
  if (!timeoutArg(a[1], t)) return wrt_errv();
  CFuture *f = selfFut(a[0]);
  if (!cfWait(f, t)) return raise(T.TimeoutError, "");
  if (f->state == CFState::Cancelled) return raise(T.CancelledError, "");
  return f->exception.tag == WT_UNBOUND ? wrt_none() : f->exception;
}

WValue futDone(WNativeFunc *, WValue *a) {
  CFuture *f = selfFut(a[0]);
  MutexLock g(&f->mu);
  return wrt_bool(cfDone(f));
}
WValue futRunning(WNativeFunc *, WValue *a) {
  CFuture *f = selfFut(a[0]);
  MutexLock g(&f->mu);
  return wrt_bool(f->state == CFState::Running);
}
WValue futCancelled(WNativeFunc *, WValue *a) {
  CFuture *f = selfFut(a[0]);
  MutexLock g(&f->mu);
  return wrt_bool(f->state == CFState::Cancelled);
}
WValue futCancel(WNativeFunc *, WValue *a) { return wrt_bool(cfCancel(selfFut(a[0]))); }

WValue futAddDoneCallback(WNativeFunc *, WValue *a) {
  CFuture *f = selfFut(a[0]);
  {
    MutexLock g(&f->mu);
    if (!cfDone(f)) {
      if (f->ncbs == f->cbcap) {
        int32_t cap = f->cbcap ? f->cbcap * 2 : 2;
        auto *arr = static_cast<CFCallback *>(gcAlloc(sizeof(CFCallback) * size_t(cap)));
        if (f->ncbs) std::memcpy(arr, f->cbs, sizeof(CFCallback) * size_t(f->ncbs));
        f->cbs = arr;
        f->cbcap = cap;
      }
      f->cbs[f->ncbs++] = {nullptr, nullptr, a[1]};
      return wrt_none();
    }
  }
  runCallback(f, {nullptr, nullptr, a[1]});
  return wrt_none();
}

WValue futSetResult(WNativeFunc *, WValue *a) {
  if (!cfSetResult(selfFut(a[0]), a[1])) return raise(T.InvalidStateError, "invalid state");
  return wrt_none();
}

WValue futSetException(WNativeFunc *, WValue *a) {
  WValue exc = a[1];
  if (isKind(exc, Kind::Type)) {
    exc = call(exc, 0, nullptr);
    if (exc.tag == WT_ERR) return exc;
  }
  if (!cfSetException(selfFut(a[0]), exc)) return raise(T.InvalidStateError, "invalid state");
  return wrt_none();
}

WValue futRepr(WNativeFunc *, WValue *a) {
  CFuture *f = selfFut(a[0]);
  char buf[64];
  std::snprintf(buf, sizeof buf, "<Future at %p state=", static_cast<void *>(f));
  std::string s = buf;
  MutexLock g(&f->mu);
  switch (f->state) {
  case CFState::Pending: s += "pending>"; break;
  case CFState::Running: s += "running>"; break;
  case CFState::Cancelled: s += "cancelled>"; break;
  case CFState::Finished:
    if (f->exception.tag != WT_UNBOUND) s += std::string("finished raised ") + typeName(f->exception) + ">";
    else s += std::string("finished returned ") + typeName(f->result) + ">";
    break;
  }
  return newStr(s);
}

WValue futCtor(WNativeFunc *, WValue *) { return wrt_obj(newCFuture()); }

} // namespace

// ---------------------------------------------------------------- ThreadPool

struct WorkItem {
  WObj hdr;  ///< no type: never visible to Weft code
  WorkItem *next;
  WValue fn;
  WObj *args;
  WObj *kwargs;
  CFuture *fut;
};

struct ThreadPool {
  pthread_mutex_t mu;
  pthread_cond_t cv;       ///< work arrived or shutdown
  WorkItem *head, *tail;   ///< GC memory, reached from this scanned block
  int maxWorkers;
  int nthreads;
  int idle;
  bool shutdown;
  bool spinning;           ///< a worker watches the queue (kSpinNs), at most one
  bool broken;             ///< an initializer failed: no more work runs
  WValue initializer;      ///< run by each worker before its first job; UNBOUND if none
  WObj *initargs;          ///< a tuple, or null
  char namePrefix[80];     ///< workers are named "<prefix>_<n>", as in CPython
  pthread_t *threads;      ///< malloc'd, maxWorkers entries
};

/// What a new worker thread is told: its pool and its number.
struct WorkerStart {
  ThreadPool *pool;
  int index;
};

namespace {

/// Runs one work item on the calling thread; the outcome goes to its future.
void runItem(WorkItem *w) {
  if (!cfSetRunning(w->fut)) return;
  // fn(*args, **kwargs) through the runtime's star-call, as compiled code makes it.
  WValue r = wrt_call_ex(w->fn, w->args ? wrt_obj(w->args) : newTuple(0), w->kwargs ? wrt_obj(w->kwargs) : wrt_none());
  if (r.tag == WT_ERR) {
    WValue exc = errFetch();
    setHandled(wrt_unbound());
    cfSetException(w->fut, exc);
  } else {
    cfSetResult(w->fut, r);
  }
}

/// How long an idle worker watches the queue before it sleeps on the
/// condition variable: a job submitted soon after the last one (the loop
/// awaiting one result, then submitting the next) is then picked up without
/// a futex wake-up, which costs tens of microseconds on a VM.
constexpr int64_t kSpinNs = 50000;

const char *kBrokenThreadPoolMsg = "A thread initializer failed, the thread pool is not usable anymore";

/// CPython's _initializer_failed: the pool is broken, and every queued job
/// fails with BrokenThreadPool instead of waiting for a worker forever.
void initializerFailed(ThreadPool *p) {
  logError("Exception in initializer:", "", fetchError());
  setHandled(wrt_unbound());
  WorkItem *queued;
  {
    MutexLock g(&p->mu);
    p->broken = true;
    queued = p->head;
    p->head = p->tail = nullptr;
  }
  for (WorkItem *w = queued; w; w = w->next)
    cfSetException(w->fut, newExceptionMsg(ET.brokenThreadPool, kBrokenThreadPoolMsg));
}

/// Runs the pool's initializer; false (the pool now broken) if it raised.
bool runInitializer(ThreadPool *p) {
  if (p->initializer.tag == WT_UNBOUND) return true;
  WTuple *args = p->initargs ? reinterpret_cast<WTuple *>(p->initargs) : nullptr;
  WValue r = call(p->initializer, args ? args->size : 0, args ? args->items : nullptr);
  if (r.tag != WT_ERR) return true;
  initializerFailed(p);
  return false;
}

void *workerMain(void *arg) {
  auto *start = static_cast<WorkerStart *>(arg);
  ThreadPool *p = start->pool;
  setCurrentThreadName(std::string(p->namePrefix) + "_" + std::to_string(start->index));
  std::free(start);
  if (!runInitializer(p)) return nullptr;
  for (;;) {
    WorkItem *w;
    {
      MutexLock g(&p->mu);
      p->idle++;
      // One spinner is enough to catch the next job; more would take the
      // CPU the loop thread needs to submit it.
      if (!p->head && !p->shutdown && !p->spinning) {
        p->spinning = true;
        pthread_mutex_unlock(&p->mu);
        spinUntil(kSpinNs, [p] {
          return __atomic_load_n(&p->head, __ATOMIC_ACQUIRE) || __atomic_load_n(&p->shutdown, __ATOMIC_ACQUIRE);
        });
        pthread_mutex_lock(&p->mu);
        p->spinning = false;
      }
      while (!p->head && !p->shutdown) pthread_cond_wait(&p->cv, &p->mu);
      p->idle--;
      if (!p->head) return nullptr;  // shut down and drained
      w = p->head;
      p->head = w->next;
      if (!p->head) p->tail = nullptr;
    }
    runItem(w);
  }
}

} // namespace

ThreadPool *newThreadPool(int maxWorkers, WValue initializer, WObj *initargs, const std::string &namePrefix) {
  // CPython numbers the pools that were not given a prefix.
  static std::atomic<int> unnamedPools{0};
  if (maxWorkers <= 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    maxWorkers = int(std::min<long>(32, (cpus > 0 ? cpus : 1) + 4));
  }
  auto *p = static_cast<ThreadPool *>(GC_MALLOC_UNCOLLECTABLE(sizeof(ThreadPool)));
  std::memset(static_cast<void *>(p), 0, sizeof(ThreadPool));
  pthread_mutex_init(&p->mu, nullptr);
  pthread_cond_init(&p->cv, nullptr);
  p->maxWorkers = maxWorkers;
  p->initializer = initializer;
  p->initargs = initargs;
  std::string prefix = namePrefix.empty() ? "ThreadPoolExecutor-" + std::to_string(unnamedPools++) : namePrefix;
  std::snprintf(p->namePrefix, sizeof p->namePrefix, "%s", prefix.c_str());
  p->threads = static_cast<pthread_t *>(std::calloc(size_t(maxWorkers), sizeof(pthread_t)));
  return p;
}

int threadPoolMaxWorkers(ThreadPool *p) { return p->maxWorkers; }

WValue threadPoolSubmit(ThreadPool *p, WValue fn, WObj *args, WObj *kwargs) {
  auto *w = static_cast<WorkItem *>(gcAlloc(sizeof(WorkItem)));
  w->fn = fn;
  w->args = args;
  w->kwargs = kwargs;
  w->fut = newCFuture();
  MutexLock g(&p->mu);
  if (p->broken) return raise(ET.brokenThreadPool, kBrokenThreadPoolMsg);
  if (p->shutdown) return raise(T.RuntimeError, "cannot schedule new futures after shutdown");
  if (p->tail) p->tail->next = w;
  else __atomic_store_n(&p->head, w, __ATOMIC_RELEASE);  // spinUntilWork reads it unlocked
  p->tail = w;
  // Count queued items against idle workers: start one more while the queue
  // outgrows them.
  int queued = 0;
  for (WorkItem *q = p->head; q && queued <= p->idle; q = q->next) queued++;
  if (queued > p->idle && p->nthreads < p->maxWorkers) {
    auto *start = static_cast<WorkerStart *>(std::malloc(sizeof(WorkerStart)));
    *start = {p, p->nthreads};
    if (pthread_create(&p->threads[p->nthreads], nullptr, workerMain, start) == 0) {
      p->nthreads++;
    } else if (std::free(start), p->nthreads == 0) {
      p->head = p->tail = nullptr;
      return raiseOSError(errno ? errno : EAGAIN);
    }
  }
  // The spinning worker takes a lone job without being woken; it rechecks
  // the queue under the lock before it sleeps, so skipping the signal is safe.
  if (!(p->spinning && queued == 1)) pthread_cond_signal(&p->cv);
  return wrt_obj(w->fut);
}

void threadPoolShutdown(ThreadPool *p, bool wait, bool cancelFutures) {
  int n;
  {
    MutexLock g(&p->mu);
    __atomic_store_n(&p->shutdown, true, __ATOMIC_RELEASE);
    if (cancelFutures) {
      for (WorkItem *w = p->head; w; w = w->next) cfCancel(w->fut);
      p->head = p->tail = nullptr;
    }
    pthread_cond_broadcast(&p->cv);
    n = p->nthreads;
  }
  if (!wait) return;
  pthread_t self = pthread_self();
  for (int i = 0; i < n; i++) {
    if (!p->threads[i] || pthread_equal(p->threads[i], self)) continue;
    pthread_join(p->threads[i], nullptr);
    p->threads[i] = 0;
  }
}

// ---------------------------------------------------------------- executor objects

WValue executorSubmit(WValue executor, WValue fn, WObj *args, WObj *kwargs) {
  auto *e = reinterpret_cast<ExecObj *>(executor.o);
  if (e->threads) return threadPoolSubmit(e->threads, fn, args, kwargs);
  return procPoolSubmit(e->procs, fn, args, kwargs);
}

void executorShutdown(WValue executor, bool wait) {
  auto *e = reinterpret_cast<ExecObj *>(executor.o);
  if (e->threads) threadPoolShutdown(e->threads, wait, false);
  else procPoolShutdown(e->procs, wait, false);
}

WValue newThreadPoolExecutor(int maxWorkers, WValue initializer, WObj *initargs, const std::string &namePrefix) {
  auto *e = newObj<ExecObj>(ET.threadPool);
  e->attrs = asDict(newDict());
  e->threads = newThreadPool(maxWorkers, initializer, initargs, namePrefix);
  return wrt_obj(e);
}

namespace {

ExecObj *selfExec(WValue v) { return reinterpret_cast<ExecObj *>(v.o); }

} // namespace

bool initializerArgs(WValue initializer, WValue initargs, WValue &fn, WValue &args) {
  fn = wrt_unbound();
  args = wrt_unbound();
  if (initializer.tag == WT_NONE || initializer.tag == WT_UNBOUND) return true;
  if (!isCallable(initializer)) {
    raise(T.TypeError, "initializer must be a callable");
    return false;
  }
  fn = initializer;
  if (initargs.tag == WT_NONE || initargs.tag == WT_UNBOUND) return true;
  if (isKind(initargs, Kind::Tuple)) {
    args = initargs;
    return true;
  }
  WValue l = listFromIterable(initargs);
  if (l.tag == WT_ERR) return false;
  args = newTupleFrom(asList(l)->size, asList(l)->items);
  return true;
}

namespace {

WValue tpeCtor(WNativeFunc *, WValue *a) {
  int maxWorkers = 0;
  if (a[0].tag != WT_NONE && a[0].tag != WT_UNBOUND) {
    if (!isIntLike(a[0])) return raiseTypeError("max_workers must be an int, not %s", typeName(a[0]));
    if (a[0].i <= 0) return raise(T.ValueError, "max_workers must be greater than 0");
    maxWorkers = int(std::min<int64_t>(a[0].i, 4096));
  }
  WValue initializer, initargs;
  if (!initializerArgs(a[2], a[3], initializer, initargs)) return wrt_errv();
  std::string prefix = isStr(a[1]) ? std::string(strView(a[1])) : "";
  return newThreadPoolExecutor(maxWorkers, initializer, initargs.tag == WT_OBJ ? initargs.o : nullptr, prefix);
}

WValue execSubmit(WNativeFunc *, WValue *a) {
  WObj *kw = a[3].tag == WT_OBJ ? a[3].o : nullptr;
  return executorSubmit(a[0], a[1], a[2].tag == WT_OBJ ? a[2].o : nullptr, kw);
}

/// map(fn, *iterables): submits every call at once, then yields the results
/// in order (here: collected into a list iterator; the first failure raises).
WValue execMap(WNativeFunc *, WValue *a) {
  WTuple *its = asTuple(a[2]);
  double timeout;
  if (!timeoutArg(a[3], timeout)) return wrt_errv();
  if (its->size == 0) return raise(T.TypeError, "map() must have at least two arguments.");
  int64_t n = its->size;
  WValue iters = newTuple(n);
  for (int64_t i = 0; i < n; i++) {
    WValue it = iter(its->items[i]);
    if (it.tag == WT_ERR) return it;
    asTuple(iters)->items[i] = it;
  }
  WValue futs = newList(0);
  for (;;) {
    WValue args = newTuple(n);
    bool done = false;
    for (int64_t i = 0; i < n; i++) {
      WValue v = next(asTuple(iters)->items[i]);
      if (v.tag == WT_ERR) return v;
      if (v.tag == WT_UNBOUND) {
        done = true;
        break;
      }
      asTuple(args)->items[i] = v;
    }
    if (done) break;
    WValue f = executorSubmit(a[0], a[1], args.o, nullptr);
    if (f.tag == WT_ERR) return f;
    listAppend(asList(futs), f);
  }
  WList *fl = asList(futs);
  WValue results = newList(fl->size);
  for (int64_t i = 0; i < fl->size; i++) {
    WValue r = cfResult(selfFut(fl->items[i]), timeout);
    if (r.tag == WT_ERR) {
      for (int64_t j = i + 1; j < fl->size; j++) cfCancel(selfFut(fl->items[j]));
      return r;
    }
    asList(results)->items[i] = r;
  }
  return iter(results);
}

WValue execShutdown(WNativeFunc *, WValue *a) {
  int wait = truthy(a[1]);
  int cancel = truthy(a[2]);
  if (wait < 0 || cancel < 0) return wrt_errv();
  ExecObj *e = selfExec(a[0]);
  if (e->threads) threadPoolShutdown(e->threads, wait, cancel);
  else procPoolShutdown(e->procs, wait, cancel);
  return wrt_none();
}

WValue execEnter(WNativeFunc *, WValue *a) { return a[0]; }

WValue execExit(WNativeFunc *, WValue *a) {
  executorShutdown(a[0], true);
  return wrt_bool(false);
}

WValue brokenCtor(WTypeObj *) { return wrt_none(); }

} // namespace

void initExecTypes() {
  if (ET.future) return;
  ET.future = newType("Future", T.object, Kind::Other, "concurrent.futures");
  ET.future->ctor = makeNative("Future", futCtor, "");
  addMethod(ET.future, "result", futResult, "self, timeout=None");
  addMethod(ET.future, "exception", futException, "self, timeout=None");
  addMethod(ET.future, "done", futDone, "self, /");
  addMethod(ET.future, "running", futRunning, "self, /");
  addMethod(ET.future, "cancelled", futCancelled, "self, /");
  addMethod(ET.future, "cancel", futCancel, "self, /");
  addMethod(ET.future, "add_done_callback", futAddDoneCallback, "self, fn, /");
  addMethod(ET.future, "set_result", futSetResult, "self, result, /");
  addMethod(ET.future, "set_exception", futSetException, "self, exception, /");
  addMethod(ET.future, "__repr__", futRepr, "self, /");

  for (int i = 0; i < 2; i++) {
    WTypeObj *t = newType(i ? "ProcessPoolExecutor" : "ThreadPoolExecutor", T.object, Kind::Instance,
                          i ? "concurrent.futures.process" : "concurrent.futures.thread");
    t->instanceSize = sizeof(ExecObj);
    addMethod(t, "submit", execSubmit, "self, fn, /, *args, **kwargs");
    addMethod(t, "map", execMap, "self, fn, /, *iterables, timeout=None, chunksize=1");
    addMethod(t, "shutdown", execShutdown, "self, wait=True, *, cancel_futures=False");
    addMethod(t, "__enter__", execEnter, "self, /");
    addMethod(t, "__exit__", execExit, "self, *args");
    (i ? ET.processPool : ET.threadPool) = t;
  }
  ET.threadPool->ctor = makeNative("ThreadPoolExecutor", tpeCtor,
                                   "max_workers=None, thread_name_prefix=None, initializer=None, initargs=None");
  (void)brokenCtor;
  ET.brokenExecutor = newType("BrokenExecutor", T.RuntimeError, Kind::Exception, "concurrent.futures");
  ET.brokenExecutor->flags |= TYPE_EXCEPTION;
  ET.brokenProcessPool = newType("BrokenProcessPool", ET.brokenExecutor, Kind::Exception,
                                 "concurrent.futures.process");
  ET.brokenProcessPool->flags |= TYPE_EXCEPTION;
  ET.brokenThreadPool = newType("BrokenThreadPool", ET.brokenExecutor, Kind::Exception, "concurrent.futures.thread");
  ET.brokenThreadPool->flags |= TYPE_EXCEPTION;
  addProcessPoolMethods();
}

} // namespace weft::rt
