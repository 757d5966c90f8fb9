// CancelTest.cpp: task cancellation, RELIABILITY.md rules 1-8: the
// CancelledError is thrown at the await point (cleanup runs), cancelling a
// blocked task cancels what it awaits, a caught cancel leaves the task
// running, self-cancel is deferred, messages travel, 3.11 counting.
#include "CoroTestSupport.h"

using namespace weft::rt;
using namespace weft::rt::testing;

namespace {

class CancelTest : public AsyncioFixture {
protected:
  /// try: await roots[slot]; finally: trace "finally"
  WCoro *awaitRoot(int slot, bool swallow = false) {
    return makeCoro([this, slot, swallow](TestCoro &f, WValue v, int64_t mode) -> WValue {
      CORO_BEGIN
      CORO_AWAIT(roots[slot])
      if (f.last.tag == WT_ERR) {
        WObj *e = fetchError();
        trace.push_back("finally: " + exceptionLine(e));
        if (swallow) return newStr("swallowed");
        return restoreError(e);
      }
      trace.push_back("got " + str(f.last));
      return f.last;
      CORO_END
    });
  }
};

using Trace = std::vector<std::string>;

// Rule 1: cancelling a task blocked on a future cancels that future at once;
// the task sees CancelledError at its await and ends cancelled.
TEST_F(CancelTest, Rule1_CancelBlockedTaskCancelsItsFutureSynchronously) {
  Future *fut = newFuture(loop);
  roots[1] = wrt_obj(fut);
  Task *t = spawn(awaitRoot(1));
  loop->runOnce();
  EXPECT_EQ(t->futWaiter, fut);
  EXPECT_TRUE(taskCancel(t, wrt_unbound()));
  EXPECT_EQ(fut->state, FutState::Cancelled);
  EXPECT_FALSE(isDone(&t->fut));
  loop->runOnce();
  EXPECT_EQ(t->fut.state, FutState::Cancelled);
  EXPECT_EQ(trace, (Trace{"finally: CancelledError"}));
}

// Rule 2: cancelling the future a task awaits makes the task end cancelled.
TEST_F(CancelTest, Rule2_CancellingTheInnerFutureCancelsTheTask) {
  Future *fut = newFuture(loop);
  roots[1] = wrt_obj(fut);
  Task *t = spawn(awaitRoot(1));
  loop->runOnce();
  futureCancel(fut, wrt_unbound());
  loop->runOnce();
  EXPECT_EQ(t->fut.state, FutState::Cancelled);
}

// Rule 3: a task that catches CancelledError and returns ends not cancelled.
TEST_F(CancelTest, Rule3_CaughtCancelLeavesTaskNotCancelled) {
  roots[1] = wrt_obj(newFuture(loop));
  Task *t = spawn(awaitRoot(1, /*swallow=*/true));
  loop->runOnce();
  taskCancel(t, wrt_unbound());
  loop->runOnce();
  ASSERT_EQ(t->fut.state, FutState::Finished);
  EXPECT_EQ(str(futureResult(&t->fut)), "swallowed");
  EXPECT_EQ(taskCancelling(t), 1);
}

// Rule 4: a task that cancels itself and returns without awaiting again
// still ends cancelled.
TEST_F(CancelTest, Rule4_SelfCancelAtEndStillCancels) {
  Task *t = spawn(makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    taskCancel(currentTask(loop), wrt_unbound());
    return wrt_int(1);
  }));
  loop->runOnce();
  EXPECT_EQ(t->fut.state, FutState::Cancelled);
}

// Rule 4: the cancel requested by the task itself is raised at its next await.
TEST_F(CancelTest, Rule4_SelfCancelRaisesAtTheNextAwait) {
  Task *t = spawn(makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    taskCancel(currentTask(loop), wrt_unbound());
    trace.push_back("still running");
    CORO_AWAIT(sleepCoro(0, wrt_none()))
    if (f.last.tag == WT_ERR) {
      trace.push_back("raised at await");
      return f.last;
    }
    return wrt_none();
    CORO_END
  }));
  loop->runOnce();
  loop->runOnce();
  EXPECT_EQ(trace, (Trace{"still running", "raised at await"}));
  EXPECT_EQ(t->fut.state, FutState::Cancelled);
}

// Rule 5: a cancel while the task is not blocked applies to what it awaits
// next, a nested task included.
TEST_F(CancelTest, Rule5_CancelAppliesToTheNextAwaitedTask) {
  roots[2] = wrt_obj(newFuture(loop));
  Task *inner = spawn(awaitRoot(2));
  roots[1] = wrt_obj(inner);
  Task *outer = spawn(awaitRoot(1));
  taskCancel(outer, wrt_unbound());  // before either has run
  loop->runOnce();
  // outer's first step threw at the start (must_cancel): it never awaited.
  EXPECT_EQ(outer->fut.state, FutState::Cancelled);
  EXPECT_FALSE(isDone(&inner->fut));
  // Now the other order: outer blocked on inner, then cancelled.
  Task *outer2 = spawn(awaitRoot(1));
  loop->runOnce();
  EXPECT_EQ(outer2->futWaiter, &inner->fut);
  taskCancel(outer2, newStr("stop"));
  EXPECT_EQ(taskCancelling(inner), 1);
  while (!isDone(&outer2->fut)) loop->runOnce();
  EXPECT_EQ(inner->fut.state, FutState::Cancelled);
  EXPECT_EQ(outer2->fut.state, FutState::Cancelled);
  EXPECT_EQ(futureResult(&outer2->fut).tag, WT_ERR);
  EXPECT_EQ(errLine(), "CancelledError: stop");
}

// Rule 6: cancel() on a done task returns False; after a cancel both done()
// and cancelled() hold.
TEST_F(CancelTest, Rule6_CancelOnDoneTaskReturnsFalse) {
  Task *t = spawn(makeCoro([](TestCoro &, WValue, int64_t) -> WValue { return wrt_int(1); }));
  loop->runOnce();
  EXPECT_FALSE(taskCancel(t, wrt_unbound()));
  EXPECT_EQ(taskCancelling(t), 0);
}

// Rule 7: the message reaches CancelledError, even before the task starts.
TEST_F(CancelTest, Rule7_CancelMessageBeforeStart) {
  Task *t = spawn(makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    if (mode == WRESUME_THROW) {
      trace.push_back("thrown: " + exceptionLine(v.o));
      return wrt_err_restore(v);
    }
    return wrt_none();
  }));
  EXPECT_TRUE(taskCancel(t, newStr("early")));
  loop->runOnce();
  EXPECT_EQ(trace, (Trace{"thrown: CancelledError: early"}));
  EXPECT_EQ(futureResult(&t->fut).tag, WT_ERR);
  EXPECT_EQ(errLine(), "CancelledError: early");
}

// Rule 8 (3.11): every cancel() of a pending task returns True and counts;
// uncancel() counts down.
TEST_F(CancelTest, Rule8_CancellingCountsAndUncancel) {
  roots[1] = wrt_obj(newFuture(loop));
  Task *t = spawn(awaitRoot(1, /*swallow=*/true));
  loop->runOnce();
  EXPECT_TRUE(taskCancel(t, wrt_unbound()));
  EXPECT_TRUE(taskCancel(t, wrt_unbound()));
  EXPECT_EQ(taskCancelling(t), 2);
  EXPECT_EQ(taskUncancel(t), 1);
  EXPECT_EQ(taskUncancel(t), 0);
  EXPECT_EQ(taskUncancel(t), 0);
  loop->runOnce();
  EXPECT_EQ(t->fut.state, FutState::Finished);
}

// A cancelled sleep(d) removes its timer (CPython's `finally: h.cancel()`).
TEST_F(CancelTest, CancelledSleepCancelsItsTimer) {
  Task *t = spawn(makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(sleepCoro(3600, wrt_none()))
    if (f.last.tag == WT_ERR) trace.push_back("cleanup");
    return f.last;
    CORO_END
  }));
  loop->runOnce();
  EXPECT_EQ(loop->timerCount(), 1u);
  taskCancel(t, wrt_unbound());
  loop->runOnce();
  EXPECT_EQ(t->fut.state, FutState::Cancelled);
  EXPECT_EQ(trace, (Trace{"cleanup"}));
  EXPECT_EQ(loop->cancelledTimerCount(), 1u);
  loop->callSoon([](void *, void *) { return 0; }, nullptr, nullptr);
  loop->runOnce();
  EXPECT_EQ(loop->timerCount(), 0u);
}

} // namespace
