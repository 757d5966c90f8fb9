// Executor.h: concurrent.futures in C++. A thread-safe Future (CFuture) that
// any thread may complete and any thread may block on, a pool of worker
// threads registered with the collector (ThreadPool), and a pool of forked
// worker processes that run compiled functions of the same binary
// (ProcPool). The asyncio bridge (run_in_executor, to_thread) lives in
// AsyncioExecutorApi.cpp: a finished CFuture posts its outcome to the loop
// with callSoonThreadsafe, so the loop learns of it through its eventfd.
#ifndef WEFT_RT_EXEC_EXECUTOR_H
#define WEFT_RT_EXEC_EXECUTOR_H

#include "core/Object.h"

#include <pthread.h>
#include <string>

namespace weft::rt {

enum class CFState : uint8_t { Pending, Running, Cancelled, Finished };

/// Holds a pthread mutex for a scope.
struct MutexLock {
  pthread_mutex_t *m;
  explicit MutexLock(pthread_mutex_t *mu) : m(mu) { pthread_mutex_lock(m); }
  ~MutexLock() { pthread_mutex_unlock(m); }
};

/// A `timeout=` argument in seconds: -1 for None (wait forever), 0 for a
/// negative one. False with TypeError pending if it is not a number.
bool timeoutArg(WValue v, double &out);
/// The CLOCK_REALTIME instant [timeout] seconds from now, as
/// pthread_cond_timedwait wants it; false (no deadline) for timeout < 0.
bool deadlineAfter(double timeout, timespec &ts);

/// A native done callback: fn(a, future), run on the thread that completes
/// the future (or at once by add, if already done). Weft callables are stored
/// with fn == nullptr and the callable in `callable`.
struct CFCallback {
  void (*fn)(void *a, struct CFuture *f);
  void *a;
  WValue callable;
};

/// concurrent.futures.Future. Lives in GC memory; its mutex and condition
/// variable hold no resources on Linux, so nothing needs finalizing.
struct CFuture {
  WObj hdr;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  CFState state;
  WValue result;
  WValue exception;   ///< UNBOUND unless finished with an exception
  CFCallback *cbs;    ///< GC array
  int32_t ncbs, cbcap;
};

struct ExecTypes {
  WTypeObj *future = nullptr, *threadPool = nullptr, *processPool = nullptr,
           *brokenProcessPool = nullptr, *brokenThreadPool = nullptr, *brokenExecutor = nullptr;
};
extern ExecTypes ET;

/// Creates the concurrent.futures types (idempotent; needs initRuntime()).
void initExecTypes();

CFuture *newCFuture();
/// Pending -> Running; false if it was cancelled (the work must not run).
bool cfSetRunning(CFuture *f);
/// Finish with a result or an exception instance; false if already done.
bool cfSetResult(CFuture *f, WValue v);
bool cfSetException(CFuture *f, WValue exc);
/// Cancels a pending future; false if it is running or done.
bool cfCancel(CFuture *f);
/// Blocks until done (timeout < 0: forever). False on timeout.
bool cfWait(CFuture *f, double timeout);
/// result(): the value or ERR (the exception, CancelledError, TimeoutError).
WValue cfResult(CFuture *f, double timeout);
void cfAddCallback(CFuture *f, void (*fn)(void *, CFuture *), void *a);
/// Drops the native callbacks (fn, a) not yet run.
void cfRemoveCallback(CFuture *f, void (*fn)(void *, CFuture *), void *a);
/// concurrent.futures.wait and as_completed (FutureWaiting.cpp), set on [module].
void addFutureWaiting(WValue module);
inline bool cfDone(CFuture *f) { return f->state == CFState::Finished || f->state == CFState::Cancelled; }

/// A pool of worker threads with a FIFO task queue (lives in uncollectable,
/// scanned memory: the queue holds GC pointers).
struct ThreadPool;
/// max_workers <= 0: CPython's default min(32, cpus + 4). Each worker calls
/// initializer(*initargs) first, unless it is UNBOUND; if that raises, the
/// pool is broken (BrokenThreadPool), as CPython's is.
/// Workers are named "<namePrefix>_<n>"; an empty prefix means CPython's
/// "ThreadPoolExecutor-<pool number>".
ThreadPool *newThreadPool(int maxWorkers, WValue initializer = wrt_unbound(), WObj *initargs = nullptr,
                          const std::string &namePrefix = "");
/// Queues fn(*args, **kwargs) (args a tuple or null, kwargs a dict or null).
/// ERR with RuntimeError after shutdown.
WValue threadPoolSubmit(ThreadPool *p, WValue fn, WObj *args, WObj *kwargs);
/// Stops accepting work; wait: joins every worker once the queue drains.
void threadPoolShutdown(ThreadPool *p, bool wait, bool cancelFutures);
int threadPoolMaxWorkers(ThreadPool *p);

/// Process pools (ProcessPool.cpp).
struct ProcPool;
/// max_workers <= 0: the number of CPUs. Each worker calls
/// initializer(*initargs) once after the fork, unless it is UNBOUND.
ProcPool *newProcPool(int maxWorkers, WValue initializer = wrt_unbound(), WObj *initargs = nullptr);
WValue procPoolSubmit(ProcPool *p, WValue fn, WObj *args, WObj *kwargs);
void procPoolShutdown(ProcPool *p, bool wait, bool cancelFutures);

/// The executor object behind ThreadPoolExecutor / ProcessPoolExecutor.
struct ExecObj {
  WObj hdr;
  WDict *attrs;
  ThreadPool *threads;  ///< one of the two is set
  ProcPool *procs;
};
inline bool isExecutor(WValue v) {
  return v.tag == WT_OBJ && (v.o->type == ET.threadPool || v.o->type == ET.processPool);
}
/// executor.submit for either kind.
WValue executorSubmit(WValue executor, WValue fn, WObj *args, WObj *kwargs);
WValue newThreadPoolExecutor(int maxWorkers, WValue initializer = wrt_unbound(), WObj *initargs = nullptr,
                             const std::string &namePrefix = "");
void executorShutdown(WValue executor, bool wait);

/// The serialiser of the process pool: appends [v] to [out]; false with
/// TypeError pending if a value cannot cross a process.
bool serialise(std::string &out, WValue v);
/// Reads one value at [pos]; ERR (ValueError) on malformed input.
WValue deserialise(const std::string &in, size_t &pos);

/// The constructors' initializer=/initargs= arguments: [fn] the callable
/// (UNBOUND for None), [args] a tuple (UNBOUND for none). False with
/// TypeError pending if the initializer is not callable.
bool initializerArgs(WValue initializer, WValue initargs, WValue &fn, WValue &args);

void addProcessPoolMethods();
void addThreadPoolMethods();

} // namespace weft::rt

#endif
