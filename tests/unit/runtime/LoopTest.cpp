// LoopTest.cpp: the event loop core (runtime/loop, runtime/io) without the
// object model: iteration order as in CPython's _run_once, stop/run states,
// skipping epoll when nothing is watched, EINTR retry, cross-thread wakeup,
// fd readiness, and a fatal callback leaving the loop usable.
#include "LoopTestSupport.h"

#include "loop/EventLoop.h"

#include <gtest/gtest.h>

#include <pthread.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <unistd.h>

using namespace weft::rt;
using namespace weft::rt::testing;

namespace {

class LoopTest : public ::testing::Test {
protected:
  void SetUp() override {
    gcInit();
    loop = new EventLoop();
    ASSERT_EQ(loop->initError(), 0);
  }
  void TearDown() override { delete loop; }
  Step *step(const char *label, Step *next = nullptr) {
    steps.push_back(new Step{&trace, label, loop, next});
    return steps.back();
  }
  ~LoopTest() override {
    for (Step *s : steps) delete s;
  }
  EventLoop *loop = nullptr;
  std::vector<std::string> trace;
  std::vector<Step *> steps;
};

using Trace = std::vector<std::string>;

// PITFALLS.md / CPython _run_once: due timers join the ready queue before the
// batch is counted, so call_soon(A) (A schedules B) + due call_later(0, T)
// runs A, T, then B on the next iteration.
TEST_F(LoopTest, DueTimerRunsBeforeWhatTheBatchSchedules) {
  loop->callSoon(&record, step("A", step("B")), nullptr);
  loop->callLater(0, &record, step("T"), nullptr);
  ASSERT_EQ(loop->runOnce(), 0);
  EXPECT_EQ(trace, (Trace{"A", "T"}));
  ASSERT_EQ(loop->runOnce(), 0);
  EXPECT_EQ(trace, (Trace{"A", "T", "B"}));
}

// A self-rescheduling callback runs once per iteration and cannot starve the
// others (RELIABILITY.md "Starvation", CPython's ntodo).
TEST_F(LoopTest, SelfReschedulingCallbackRunsOncePerIteration) {
  Step *spin = step("spin");
  spin->next = spin;
  loop->callSoon(&record, spin, nullptr);
  loop->callSoon(&record, step("other", step("other2")), nullptr);
  loop->runOnce();
  loop->runOnce();
  EXPECT_EQ(trace, (Trace{"spin", "other", "spin", "other2"}));
}

TEST_F(LoopTest, CallSoonIsFifo) {
  for (const char *l : {"1", "2", "3", "4"}) loop->callSoon(&record, step(l), nullptr);
  loop->runOnce();
  EXPECT_EQ(trace, (Trace{"1", "2", "3", "4"}));
}

// The ring buffer grows past its initial size and keeps FIFO order across
// the wrap-around.
TEST_F(LoopTest, ReadyQueueGrowsAndKeepsOrder) {
  std::vector<int> seen;
  struct Ctx { std::vector<int> *seen; int i; };
  std::vector<Ctx> ctx(5000);
  auto fn = [](void *a, void *) {
    Ctx *c = static_cast<Ctx *>(a);
    c->seen->push_back(c->i);
    return 0;
  };
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 100; ++i) {
      ctx[i] = {&seen, i};
      loop->callSoon(fn, &ctx[i], nullptr);
    }
    loop->runOnce();
  }
  for (int i = 0; i < 5000; ++i) {
    ctx[i] = {&seen, i};
    loop->callSoon(fn, &ctx[i], nullptr);
  }
  seen.clear();
  loop->runOnce();
  ASSERT_EQ(seen.size(), 5000u);
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(seen[i], i);
}

TEST_F(LoopTest, StopFinishesTheCurrentIteration) {
  loop->callSoon(&stopLoop, loop, nullptr);
  loop->callSoon(&record, step("same batch", step("next run")), nullptr);
  EXPECT_EQ(loop->runForever(), RunStatus::Ok);
  EXPECT_EQ(trace, (Trace{"same batch"}));
  EXPECT_FALSE(loop->isRunning());
  loop->callSoon(&stopLoop, loop, nullptr);
  EXPECT_EQ(loop->runForever(), RunStatus::Ok);
  EXPECT_EQ(trace, (Trace{"same batch", "next run"}));
}

TEST_F(LoopTest, RunningStateAndNestedRunRefused) {
  struct Ctx { EventLoop *loop; RunStatus nested; bool running; EventLoop *current; };
  Ctx c{loop, RunStatus::Ok, false, nullptr};
  loop->callSoon(
      [](void *a, void *) {
        Ctx *c = static_cast<Ctx *>(a);
        c->running = c->loop->isRunning();
        c->current = EventLoop::running();
        c->nested = c->loop->runForever();
        c->loop->stop();
        return 0;
      },
      &c, nullptr);
  EXPECT_EQ(EventLoop::running(), nullptr);
  EXPECT_EQ(loop->runForever(), RunStatus::Ok);
  EXPECT_TRUE(c.running);
  EXPECT_EQ(c.current, loop);
  EXPECT_EQ(c.nested, RunStatus::AlreadyRunning);
  EXPECT_EQ(EventLoop::running(), nullptr);
  loop->close();
  EXPECT_TRUE(loop->isClosed());
  EXPECT_EQ(loop->runForever(), RunStatus::Closed);
}

// PITFALLS.md: with ready work and no fd watched, an iteration makes no
// epoll system call.
TEST_F(LoopTest, NoPollWhenNothingIsWatched) {
  Step *spin = step("spin");
  spin->next = spin;
  loop->callSoon(&record, spin, nullptr);
  for (int i = 0; i < 100; ++i) loop->runOnce();
  EXPECT_EQ(trace.size(), 100u);
  EXPECT_EQ(loop->polls(), 0u);
  EXPECT_EQ(loop->iterations(), 100u);
}

// RELIABILITY.md rule 37: an exception that must stop the loop leaves it from
// run_forever; the rest of the batch stays queued and the loop runs again.
TEST_F(LoopTest, Rule37_FatalCallbackLeavesLoopUsable) {
  loop->callSoon([](void *, void *) { return -1; }, nullptr, nullptr);
  loop->callSoon(&record, step("after"), nullptr);
  EXPECT_EQ(loop->runForever(), RunStatus::Fatal);
  EXPECT_TRUE(trace.empty());
  EXPECT_FALSE(loop->isRunning());
  loop->callSoon(&stopLoop, loop, nullptr);
  EXPECT_EQ(loop->runForever(), RunStatus::Ok);
  EXPECT_EQ(trace, (Trace{"after"}));
}

// call_soon_threadsafe wakes a loop blocked in epoll with no timeout.
TEST_F(LoopTest, CrossThreadWakeupUnblocksPoll) {
  std::atomic<bool> ran{false};
  struct Ctx { EventLoop *loop; std::atomic<bool> *ran; };
  Ctx c{loop, &ran};
  std::thread t([&] {
    GcThreadScope gc;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    loop->callSoonThreadsafe(
        [](void *a, void *) {
          Ctx *c = static_cast<Ctx *>(a);
          c->ran->store(true);
          c->loop->stop();
          return 0;
        },
        &c, nullptr);
  });
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(loop->runForever(), RunStatus::Ok);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  t.join();
  EXPECT_TRUE(ran.load());
  EXPECT_GE(ms, 25);
  EXPECT_LT(ms, 2000);
}

// Many producers racing the loop: every callback runs exactly once.
TEST_F(LoopTest, CrossThreadCallbacksAllRunOnce) {
  constexpr int kThreads = 4, kEach = 2000;
  std::atomic<int> count{0};
  std::vector<std::thread> ts;
  auto inc = [](void *a, void *) {
    static_cast<std::atomic<int> *>(a)->fetch_add(1);
    return 0;
  };
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&] {
      GcThreadScope gc;
      for (int i = 0; i < kEach; ++i) loop->callSoonThreadsafe(inc, &count, nullptr);
    });
  // The loop needs something to wait on so it blocks between bursts.
  Handle *deadline = loop->callLater(int64_t(5) * 1000000000, &stopLoop, loop, nullptr);
  struct Watch { EventLoop *loop; std::atomic<int> *count; Handle *self; };
  Watch w{loop, &count, nullptr};
  // Poll every millisecond until all arrived, then stop.
  ReadyFn check = [](void *a, void *) -> int {
    Watch *w = static_cast<Watch *>(a);
    if (w->count->load() == kThreads * kEach) w->loop->stop();
    else w->loop->callLater(1000000, w->self->fn, w, nullptr);
    return 0;
  };
  w.self = loop->callLater(1000000, check, &w, nullptr);
  EXPECT_EQ(loop->runForever(), RunStatus::Ok);
  for (auto &t : ts) t.join();
  loop->cancel(deadline);
  EXPECT_EQ(count.load(), kThreads * kEach);
}

void onSignal(int) {}

// PITFALLS.md: signals (the collector's stop-the-world) interrupt epoll_wait;
// the loop retries with the time left and the timer still fires on time.
TEST_F(LoopTest, EintrDuringPollIsRetried) {
  struct sigaction sa{};
  sa.sa_handler = &onSignal;  // no SA_RESTART: epoll_wait returns EINTR
  sigemptyset(&sa.sa_mask);
  struct sigaction old{};
  sigaction(SIGUSR1, &sa, &old);
  pthread_t self = pthread_self();
  std::atomic<bool> done{false};
  std::atomic<int> sent{0};
  std::thread t([&] {
    while (!done.load()) {
      pthread_kill(self, SIGUSR1);
      sent.fetch_add(1);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  loop->callLater(60 * 1000000, &record, step("timer"), nullptr);
  loop->callLater(60 * 1000000, &stopLoop, loop, nullptr);
  int64_t t0 = loop->now();
  RunStatus st = loop->runForever();
  int64_t elapsed = loop->now() - t0;
  done.store(true);
  t.join();
  sigaction(SIGUSR1, &old, nullptr);
  EXPECT_EQ(st, RunStatus::Ok);
  EXPECT_EQ(trace, (Trace{"timer"}));
  EXPECT_GE(elapsed, 60 * 1000000);
  EXPECT_GT(sent.load(), 5);
}

TEST_F(LoopTest, ReaderCallbackRunsWhenFdIsReadable) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Step *r = step("readable");
  ASSERT_EQ(loop->selector()->addReader(fds[0], &record, r, nullptr), 0);
  EXPECT_EQ(loop->selector()->watched(), 1u);
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  loop->runOnce();
  EXPECT_EQ(trace, (Trace{"readable"}));
  EXPECT_TRUE(loop->selector()->removeReader(fds[0]));
  EXPECT_FALSE(loop->selector()->removeReader(fds[0]));
  EXPECT_EQ(loop->selector()->watched(), 0u);
  close(fds[0]);
  close(fds[1]);
}

} // namespace
