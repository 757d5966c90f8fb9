// ThreadName.h: the name Python would give the calling thread, for the
// messages that name it ("There is no current event loop in thread
// 'asyncio_0'."). The main thread is "MainThread"; an executor's worker is
// named as CPython names it ("ThreadPoolExecutor-0_0", "asyncio_1").
#ifndef WEFT_RT_CORE_THREADNAME_H
#define WEFT_RT_CORE_THREADNAME_H

#include <string>

namespace weft::rt {

/// Whether the caller is the process's main thread.
bool onMainThread();
/// The calling thread's name.
std::string currentThreadName();
/// Names the calling thread (a worker does so when it starts).
void setCurrentThreadName(const std::string &name);

} // namespace weft::rt

#endif
