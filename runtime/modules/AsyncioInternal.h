// AsyncioInternal.h: what the files of the native asyncio module share: the
// Weft object wrapping an EventLoop, the thread's current loop, and the
// init hooks that fill the module and the asyncio types (AT in Future.h).
#ifndef WEFT_RT_MODULES_ASYNCIOINTERNAL_H
#define WEFT_RT_MODULES_ASYNCIOINTERNAL_H

#include "core/Object.h"
#include "loop/EventLoop.h"
#include "task/Future.h"

namespace weft::rt {

/// asyncio's event loop object (_UnixSelectorEventLoop in CPython). It has
/// the layout of a plain instance (an attribute dict after the header) so
/// programs can set attributes such as `loop.slow_callback_duration`.
struct LoopObj {
  WObj hdr;
  WDict *attrs;  ///< as WInstance::attrs
  EventLoop *loop;
};

/// A new loop object with a fresh EventLoop; ERR (OSError) if epoll failed.
WValue newLoopObj();
inline EventLoop *loopOf(WValue loopObj) { return reinterpret_cast<LoopObj *>(loopObj.o)->loop; }
/// The loop object of a running EventLoop.
WValue loopObjOf(EventLoop *loop);
/// The running loop, or ERR RuntimeError("no running event loop").
EventLoop *requireRunningLoop();
/// False, with RuntimeError raised, when [loop] is running on another thread:
/// only call_soon_threadsafe and run_coroutine_threadsafe may cross threads.
/// CPython checks this in debug mode only and otherwise races; here a race
/// corrupts the ready queue or a future's callbacks, so the check is always on.
bool onLoopThread(EventLoop *loop);
/// get_event_loop(): the running loop, else the thread's current loop (made
/// on first use, as CPython 3.11 does from the main thread).
WValue currentLoopObj();
/// set_event_loop(loop or None).
void setCurrentLoop(WValue loopObj);

/// run_until_complete(future) on [loop]: None... the result, or ERR.
WValue runUntilComplete(WValue loopObj, WValue aw);

/// Registers the native module "asyncio" (initRuntime should call this).
void initAsyncio();
/// Executor and streams entry points of `_asyncio` (runtime/exec, runtime/io).
void addExecutorApi(WValue m);
void addStreamsApi(WValue m);
/// Submits fn(*args, **kwargs) to [executor] (None: the default one) and
/// returns an asyncio future of [loop] that completes with it
/// (AsyncioExecutorApi.cpp). [args] is a tuple or null, [kwargs] a dict or null.
WValue runInExecutor(EventLoop *loop, WValue executor, WValue fn, WObj *args, WObj *kwargs);
/// Shuts the loop's default executor down (waiting for its threads), if it has one.
void shutdownDefaultExecutor(EventLoop *loop);

/// Creates the asyncio types (idempotent). Unit tests call it after initRuntime.
void initAsyncioTypes();

// Module fillers, one per file.
void addLoopApi(WValue module);     ///< AsyncioLoop.cpp
void addFutureApi(WValue module);   ///< AsyncioFuture.cpp
void addTaskFunctions(WValue module); ///< AsyncioModule.cpp
void addRunApi(WValue module);      ///< AsyncioRun.cpp
void addWaitApi(WValue module);     ///< AsyncioWait.cpp

/// create_task's core: a Task for the coroutine [coro] on [loop], running in
/// the Context [context] (None: a copy of the current one). ERR (TypeError)
/// for a context that is not a Context.
WValue createTask(EventLoop *loop, WValue coro, WValue name, WValue context);

/// A Handle that calls callback(*args) (args a tuple or UNBOUND) on [loop].
Handle *newWeftHandle(EventLoop *loop, WTypeObj *type, WValue callback, WValue args);

/// loop.set_exception_handler & co (AsyncioExceptionHandler.cpp).
void addExceptionHandlerApi(WTypeObj *loopType);
/// loop.create_datagram_endpoint and its transport (io/Datagram.cpp).
void addDatagramApi(WTypeObj *loopType);
/// loop.add_reader/remove_reader/add_writer/remove_writer (AsyncioFdWatch.cpp).
void addFdWatchApi(WTypeObj *loopType);
/// loop.add_signal_handler / remove_signal_handler (AsyncioSignals.cpp).
void addSignalApi(WTypeObj *loopType);
/// What loop.close() does first: every signal handler of [loopObj] removed.
void removeSignalHandlers(WValue loopObj);

/// A StreamReader reading the socket [fd] (reading) or a StreamWriter
/// writing it, on [loop]: the parent's ends of a subprocess's pipes.
/// [limit] is the reader's buffer limit (UNBOUND: the default).
WValue streamForFd(EventLoop *loop, int fd, WValue limit, bool reading);
/// _asyncio._spawn, behind asyncio.create_subprocess_exec (Subprocess.cpp).
void addSubprocessApi(WValue module);

/// Argument helpers.
bool toSeconds(WValue v, double &out, const char *what);

} // namespace weft::rt

#endif
