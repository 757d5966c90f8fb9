// ThreadName.cpp: thread names in thread-local storage. A thread that no
// pool started (none runs Weft code today) is "Thread-N", numbered on first
// use, as threading numbers threads it did not name.
#include "core/ThreadName.h"

#include <atomic>
#include <sys/syscall.h>
#include <unistd.h>

namespace weft::rt {

namespace {
thread_local std::string threadName;
std::atomic<int> unnamedThreads{0};
} // namespace

bool onMainThread() { return syscall(SYS_gettid) == getpid(); }

std::string currentThreadName() {
  if (threadName.empty())
    threadName = onMainThread() ? "MainThread" : "Thread-" + std::to_string(++unnamedThreads);
  return threadName;
}

void setCurrentThreadName(const std::string &name) { threadName = name; }

} // namespace weft::rt
