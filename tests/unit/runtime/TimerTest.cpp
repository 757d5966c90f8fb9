// TimerTest.cpp: the timer heap through the loop: deadline order, FIFO among
// equal deadlines (libuv's timer_order; CPython does not promise it), lazy
// deletion of cancelled timers with CPython's compaction rule, and the poll
// sleeping until the next deadline.
#include "LoopTestSupport.h"

#include "loop/EventLoop.h"

#include <gtest/gtest.h>

using namespace weft::rt;
using namespace weft::rt::testing;

namespace {

class TimerTest : public ::testing::Test {
protected:
  void SetUp() override {
    gcInit();
    loop = new EventLoop();
  }
  void TearDown() override {
    delete loop;
    for (Step *s : steps) delete s;
  }
  Step *step(std::string label) {
    steps.push_back(new Step{&trace, label, loop, nullptr});
    return steps.back();
  }
  EventLoop *loop = nullptr;
  std::vector<std::string> trace;
  std::vector<Step *> steps;
};

using Trace = std::vector<std::string>;
constexpr int64_t kMs = 1000000;

TEST_F(TimerTest, FireInDeadlineOrder) {
  int64_t base = loop->now();
  loop->callAt(base + 3 * kMs, &record, step("c"), nullptr);
  loop->callAt(base + 1 * kMs, &record, step("a"), nullptr);
  loop->callAt(base + 2 * kMs, &record, step("b"), nullptr);
  loop->callAt(base + 4 * kMs, &stopLoop, loop, nullptr);
  loop->runForever();
  EXPECT_EQ(trace, (Trace{"a", "b", "c"}));
}

TEST_F(TimerTest, EqualDeadlinesFireInSchedulingOrder) {
  int64_t when = loop->now() + kMs;
  Trace expected;
  for (int i = 0; i < 20; ++i) {
    loop->callAt(when, &record, step(std::to_string(i)), nullptr);
    expected.push_back(std::to_string(i));
  }
  loop->callAt(when, &stopLoop, loop, nullptr);
  loop->runForever();
  EXPECT_EQ(trace, expected);
}

TEST_F(TimerTest, CancelledTimerIsSkipped) {
  Handle *h = loop->callLater(0, &record, step("cancelled"), nullptr);
  loop->callLater(0, &record, step("kept"), nullptr);
  loop->cancel(h);
  EXPECT_EQ(loop->cancelledTimerCount(), 1u);
  loop->runOnce();
  EXPECT_EQ(trace, (Trace{"kept"}));
  EXPECT_EQ(loop->cancelledTimerCount(), 0u);
  EXPECT_EQ(loop->timerCount(), 0u);
  EXPECT_FALSE(h->scheduled);
}

// A timer moved to the ready queue and cancelled before it runs is skipped
// (CPython checks handle._cancelled when it pops it).
TEST_F(TimerTest, CancelAfterBecomingReadySkipsIt) {
  struct Ctx { EventLoop *loop; Handle *victim; };
  Ctx c{loop, nullptr};
  loop->callLater(0, [](void *a, void *) {
    Ctx *c = static_cast<Ctx *>(a);
    c->loop->cancel(c->victim);
    return 0;
  }, &c, nullptr);
  c.victim = loop->callLater(0, &record, step("victim"), nullptr);
  loop->runOnce();
  EXPECT_TRUE(trace.empty());
}

// CPython's rule: with more than 100 timers of which more than half are
// cancelled, the heap is compacted in one pass; otherwise cancelled timers are
// popped when they reach the top.
TEST_F(TimerTest, CompactsWhenMostAreCancelled) {
  int64_t far = loop->now() + int64_t(3600) * 1000 * kMs;
  std::vector<Handle *> hs;
  for (int i = 0; i < 200; ++i) hs.push_back(loop->callAt(far + i, &record, step("x"), nullptr));
  for (int i = 0; i < 101; ++i) loop->cancel(hs[2 * i % 200 + (i >= 100)]);
  EXPECT_EQ(loop->cancelledTimerCount(), 101u);
  loop->callSoon(&record, step("tick"), nullptr);
  loop->runOnce();
  EXPECT_EQ(loop->timerCount(), 99u);
  EXPECT_EQ(loop->cancelledTimerCount(), 0u);
  // The survivors still come out in deadline order.
  int64_t last = -1;
  for (Handle *h : hs) {
    if (h->cancelled) {
      EXPECT_FALSE(h->scheduled);
      continue;
    }
    EXPECT_TRUE(h->scheduled);
    EXPECT_GT(h->when, last);
    last = h->when;
  }
}

TEST_F(TimerTest, FewCancelledArePoppedFromTheTopOnly) {
  int64_t now = loop->now();
  Handle *first = loop->callAt(now + 3600 * 1000 * kMs, &record, step("x"), nullptr);
  Handle *second = loop->callAt(now + 3601 * 1000 * kMs, &record, step("y"), nullptr);
  loop->cancel(second);
  loop->callSoon(&record, step("tick"), nullptr);
  loop->runOnce();
  EXPECT_EQ(loop->timerCount(), 2u);  // `second` is not on top: it stays
  loop->cancel(first);
  loop->callSoon(&record, step("tick"), nullptr);
  loop->runOnce();
  EXPECT_EQ(loop->timerCount(), 0u);
  EXPECT_EQ(loop->cancelledTimerCount(), 0u);
}

TEST_F(TimerTest, PollSleepsUntilTheNextDeadline) {
  int64_t t0 = loop->now();
  loop->callLater(30 * kMs, &stopLoop, loop, nullptr);
  loop->runForever();
  int64_t elapsed = loop->now() - t0;
  EXPECT_GE(elapsed, 30 * kMs);
  EXPECT_LT(elapsed, 1000 * kMs);
  EXPECT_LE(loop->iterations(), 3u);
}

} // namespace
