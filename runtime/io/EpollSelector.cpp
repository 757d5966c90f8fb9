// EpollSelector.cpp: Selector on Linux epoll. Waits use epoll_pwait2 for
// nanosecond timeouts when the kernel has it (5.11+) and fall back to
// epoll_wait, rounding the timeout up to whole milliseconds so a timer is
// never polled for early and spun on. Every call retries on EINTR: the
// collector's stop-the-world signals interrupt waits (PITFALLS.md).
//
// A thread that waits with a timeout first drops its timer slack from the
// default 50 us to 1 ns: the kernel may otherwise end a 1 ms wait up to 50 us
// late on top of its wake-up latency, which a chain of short sleeps
// (a Semaphore-bounded fan-out) pays once per link.
#include "io/Selector.h"

#include "loop/Clock.h"
#include "loop/GcBuffer.h"

#include <cerrno>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace weft::rt {

namespace {
constexpr uint64_t kWakeupTag = ~uint64_t(0);
constexpr int kMaxEvents = 256;

bool havePwait2 = true;

thread_local bool slackSet = false;

int waitOnce(int epfd, epoll_event *evs, int64_t timeoutNs) {
  if (timeoutNs > 0 && !slackSet) {
    slackSet = true;
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);  // best effort
  }
  if (havePwait2) {
    timespec ts;
    timespec *tsp = nullptr;
    if (timeoutNs >= 0) {
      ts.tv_sec = timeoutNs / 1000000000;
      ts.tv_nsec = timeoutNs % 1000000000;
      tsp = &ts;
    }
    int n = epoll_pwait2(epfd, evs, kMaxEvents, tsp, nullptr);
    if (n >= 0 || errno != ENOSYS) return n;
    havePwait2 = false;
  }
  int ms = -1;
  if (timeoutNs >= 0) {
    int64_t m = (timeoutNs + 999999) / 1000000;
    ms = m > 0x7fffffff ? 0x7fffffff : int(m);
  }
  return epoll_wait(epfd, evs, kMaxEvents, ms);
}
} // namespace

Selector::Selector() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) {
    error_ = errno;
    return;
  }
  wakefd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakefd_ < 0) {
    error_ = errno;
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeupTag;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, wakefd_, &ev) < 0) error_ = errno;
}

Selector::~Selector() {
  if (wakefd_ >= 0) close(wakefd_);
  if (epfd_ >= 0) close(epfd_);
  gcBufferFree(table_);
}

Selector::Watch *Selector::slot(int fd) {
  if (size_t(fd) >= tableSize_) {
    size_t n = tableSize_ ? tableSize_ : 64;
    while (n <= size_t(fd)) n *= 2;
    Watch *t = gcBufferAlloc<Watch>(n);
    for (size_t i = 0; i < tableSize_; ++i) t[i] = table_[i];
    gcBufferFree(table_);
    table_ = t;
    tableSize_ = n;
  }
  return &table_[fd];
}

int Selector::update(int fd, Watch &w, uint32_t events) {
  if (events == w.events) return 0;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = uint64_t(fd);
  int op = w.events == 0 ? EPOLL_CTL_ADD : events == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
  if (epoll_ctl(epfd_, op, fd, &ev) < 0) return errno;
  if (w.events == 0) ++nwatched_;
  if (events == 0) --nwatched_;
  w.events = events;
  return 0;
}

int Selector::addReader(int fd, ReadyFn fn, void *a, void *b) {
  if (fd < 0) return EBADF;
  Watch &w = *slot(fd);
  if (int e = update(fd, w, w.events | EPOLLIN)) return e;
  w.reader = ReadyEntry{fn, a, b};
  return 0;
}

int Selector::addWriter(int fd, ReadyFn fn, void *a, void *b) {
  if (fd < 0) return EBADF;
  Watch &w = *slot(fd);
  if (int e = update(fd, w, w.events | EPOLLOUT)) return e;
  w.writer = ReadyEntry{fn, a, b};
  return 0;
}

bool Selector::removeReader(int fd) {
  if (fd < 0 || size_t(fd) >= tableSize_ || !table_[fd].reader.fn) return false;
  Watch &w = table_[fd];
  w.reader = ReadyEntry{nullptr, nullptr, nullptr};
  // A closed fd has already left the epoll set; ignore the error.
  if (update(fd, w, w.events & ~uint32_t(EPOLLIN)) != 0) {
    --nwatched_;
    w.events = 0;
  }
  return true;
}

bool Selector::removeWriter(int fd) {
  if (fd < 0 || size_t(fd) >= tableSize_ || !table_[fd].writer.fn) return false;
  Watch &w = table_[fd];
  w.writer = ReadyEntry{nullptr, nullptr, nullptr};
  if (update(fd, w, w.events & ~uint32_t(EPOLLOUT)) != 0) {
    --nwatched_;
    w.events = 0;
  }
  return true;
}

int Selector::poll(int64_t timeoutNs, ReadyQueue &ready, bool &woken) {
  epoll_event evs[kMaxEvents];
  int64_t deadline = timeoutNs > 0 ? monoNs() + timeoutNs : 0;
  int n;
  for (;;) {
    n = waitOnce(epfd_, evs, timeoutNs);
    if (n >= 0) break;
    if (errno != EINTR) return errno;
    // Interrupted (a signal, the collector stopping the world): wait again
    // for the time that is left.
    if (timeoutNs > 0) {
      timeoutNs = deadline - monoNs();
      if (timeoutNs < 0) timeoutNs = 0;
    }
  }
  for (int i = 0; i < n; ++i) {
    uint64_t tag = evs[i].data.u64;
    if (tag == kWakeupTag) {
      uint64_t count;
      while (read(wakefd_, &count, sizeof count) < 0 && errno == EINTR) {
      }
      woken = true;
      continue;
    }
    Watch &w = table_[tag];
    uint32_t e = evs[i].events;
    // Errors and hang-ups wake both sides, like the selectors module does.
    if ((e & (EPOLLIN | EPOLLERR | EPOLLHUP)) && w.reader.fn)
      ready.push(w.reader.fn, w.reader.a, w.reader.b);
    if ((e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && w.writer.fn)
      ready.push(w.writer.fn, w.writer.a, w.writer.b);
  }
  return 0;
}

void Selector::wakeup() {
  uint64_t one = 1;
  // EAGAIN means the counter is already non-zero: the loop will wake anyway.
  while (write(wakefd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

} // namespace weft::rt
