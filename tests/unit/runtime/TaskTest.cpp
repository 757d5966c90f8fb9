// TaskTest.cpp: Task.__step with hand-written coroutine frames: creation
// order, sleep(0) yielding exactly once, direct await costing no loop
// iteration, results and exceptions, names, current/all tasks, bad yields
// and the "Task exception was never retrieved" log.
#include "CoroTestSupport.h"

using namespace weft::rt;
using namespace weft::rt::testing;

namespace {

class TaskTest : public AsyncioFixture {
protected:
  /// trace name+"1"; await sleep(0); trace name+"2"; return ret
  WCoro *yielder(std::string name, int64_t ret = 0) {
    return makeCoro([this, name, ret](TestCoro &f, WValue v, int64_t mode) -> WValue {
      CORO_BEGIN
      trace.push_back(name + "1");
      CORO_AWAIT(sleepCoro(0, wrt_none()))
      if (f.last.tag == WT_ERR) return f.last;
      trace.push_back(name + "2");
      return wrt_int(ret);
      CORO_END
    });
  }
};

using Trace = std::vector<std::string>;

// Rule 9: tasks start in creation order and sleep(0) yields exactly one
// iteration.
TEST_F(TaskTest, Rule9_Sleep0YieldsExactlyOnceAndTasksStartInOrder) {
  Task *a = spawn(yielder("a", 1));
  Task *b = spawn(yielder("b", 2));
  uint64_t it0 = loop->iterations();
  loop->runOnce();
  EXPECT_EQ(trace, (Trace{"a1", "b1"}));
  loop->runOnce();
  EXPECT_EQ(trace, (Trace{"a1", "b1", "a2", "b2"}));
  EXPECT_EQ(loop->iterations() - it0, 2u);
  EXPECT_TRUE(isDone(&a->fut));
  EXPECT_EQ(futureResult(&b->fut).i, 2);
}

// Rule 9: sleep(0, result=x) returns x.
TEST_F(TaskTest, Rule9_Sleep0WithResult) {
  WCoro *c = makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(sleepCoro(0, wrt_int(42)))
    return f.last;
    CORO_END
  });
  WValue r = run(wrt_obj(c));
  ASSERT_EQ(r.tag, WT_INT);
  EXPECT_EQ(r.i, 42);
}

// Design: awaiting a coroutine that does not suspend is a direct call of
// its resume function, with no trip through the loop.
TEST_F(TaskTest, DirectAwaitOfNonSuspendingCoroutineCostsNoIteration) {
  WCoro *outer = makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    for (f.slot[1] = wrt_int(0); f.slot[1].i < 1000; f.slot[1].i++) {
      CORO_AWAIT(coroValue([](TestCoro &g, WValue, int64_t) -> WValue { return wrt_int(7); }, "inner"))
      if (f.last.tag == WT_ERR) return f.last;
      f.slot[2].tag = WT_INT;
      f.slot[2].i += f.last.i;
    }
    return f.slot[2];
    CORO_END
  });
  Task *t = spawn(outer);
  uint64_t it0 = loop->iterations();
  loop->runOnce();
  EXPECT_EQ(loop->iterations() - it0, 1u);
  ASSERT_TRUE(isDone(&t->fut));
  EXPECT_EQ(futureResult(&t->fut).i, 7000);
}

// A chain outer -> middle -> sleep(0): the suspension travels up, the task
// resumes the chain from the top and the values come back down.
TEST_F(TaskTest, NestedAwaitChainSuspendsAndResumes) {
  WCoro *outer = makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(wrt_obj(yielder("mid", 5)))
    if (f.last.tag == WT_ERR) return f.last;
    trace.push_back("outer got " + std::to_string(f.last.i));
    return wrt_int(f.last.i * 2);
    CORO_END
  });
  WValue r = run(wrt_obj(outer));
  ASSERT_EQ(r.tag, WT_INT);
  EXPECT_EQ(r.i, 10);
  EXPECT_EQ(trace, (Trace{"mid1", "mid2", "outer got 5"}));
}

TEST_F(TaskTest, AwaitingAFinishedCoroutineAgainIsRefused) {
  roots[1] = wrt_obj(yielder("x"));
  WCoro *outer = makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(roots[1])
    CORO_AWAIT(roots[1])
    return f.last;
    CORO_END
  });
  EXPECT_EQ(run(wrt_obj(outer)).tag, WT_ERR);
  EXPECT_EQ(errLine(), "RuntimeError: cannot reuse already awaited coroutine");
}

TEST_F(TaskTest, AwaitingANonAwaitableIsATypeError) {
  WCoro *outer = makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(wrt_int(3))
    return f.last;
    CORO_END
  });
  EXPECT_EQ(run(wrt_obj(outer)).tag, WT_ERR);
  EXPECT_EQ(errLine(), "TypeError: object int can't be used in 'await' expression");
}

TEST_F(TaskTest, ExceptionFinishesTheTask) {
  WCoro *c = makeCoro([](TestCoro &f, WValue v, int64_t mode) -> WValue {
    return raise(T.ValueError, "boom");
  });
  Task *t = spawn(c);
  loop->runOnce();
  ASSERT_TRUE(isDone(&t->fut));
  EXPECT_EQ(futureResult(&t->fut).tag, WT_ERR);
  EXPECT_EQ(errLine(), "ValueError: boom");
}

TEST_F(TaskTest, AwaitingAFailedTaskRaisesItsException) {
  roots[1] = wrt_obj(spawn(makeCoro([](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(sleepCoro(0, wrt_none()))
    return raise(T.KeyError, "k");
    CORO_END
  })));
  WCoro *outer = makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(roots[1])
    if (f.last.tag == WT_ERR) {
      trace.push_back(errLine());
      return wrt_int(-1);
    }
    return f.last;
    CORO_END
  });
  WValue r = run(wrt_obj(outer));
  EXPECT_EQ(r.i, -1);
  EXPECT_EQ(trace, (Trace{"KeyError: 'k'"}));
}

TEST_F(TaskTest, SleepWithDelayWaitsForTheTimer) {
  WCoro *c = makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    f.slot[1] = wrt_int(loop->now());
    CORO_AWAIT(sleepCoro(0.02, newStr("done")))
    trace.push_back(std::to_string((loop->now() - f.slot[1].i) >= 20000000));
    return f.last;
    CORO_END
  });
  WValue r = run(wrt_obj(c));
  EXPECT_EQ(str(r), "done");
  EXPECT_EQ(trace, (Trace{"1"}));
  EXPECT_EQ(loop->timerCount(), 0u);
}

TEST_F(TaskTest, BadYieldFailsTheTask) {
  WCoro *c = makeCoro([](TestCoro &f, WValue v, int64_t mode) -> WValue {
    if (f.c.state == 0) {
      if (mode == WRESUME_THROW) return wrt_err_restore(v);
      f.c.yielded = wrt_int(5);
      f.c.state = 1;
      return WValue{WT_SUSPEND, {0}};
    }
    f.c.yielded = wrt_unbound();
    return mode == WRESUME_THROW ? wrt_err_restore(v) : wrt_none();
  });
  EXPECT_EQ(run(wrt_obj(c)).tag, WT_ERR);
  EXPECT_EQ(errLine(), "RuntimeError: Task got bad yield: 5");
}

TEST_F(TaskTest, NamesCountFromOneAndCanBeSet) {
  Task *a = spawn(yielder("a"));
  Task *b = spawn(yielder("b"));
  std::string na = str(taskName(a)), nb = str(taskName(b));
  ASSERT_EQ(na.rfind("Task-", 0), 0u);
  EXPECT_EQ(std::stoll(nb.substr(5)), std::stoll(na.substr(5)) + 1);
  Task *c = newTask(loop, yielder("c"), newStr("worker"));
  EXPECT_EQ(str(taskName(c)), "worker");
  EXPECT_NE(futureRepr(&c->fut).find("<Task pending name='worker' coro=<coro() running at test.weft:1>"), std::string::npos)
      << futureRepr(&c->fut);
  while (loop->liveTaskCount) loop->runOnce();
}

TEST_F(TaskTest, CurrentTaskAndAllTasks) {
  roots[2] = wrt_none();
  Task *t = spawn(makeCoro([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    Task *cur = currentTask(loop);
    roots[2] = cur ? wrt_obj(cur) : wrt_none();
    return wrt_none();
  }));
  Task *other = spawn(yielder("o"));
  EXPECT_EQ(loop->liveTaskCount, 2);
  WValue all = allTasks(loop);
  EXPECT_EQ(length(all), 2);
  EXPECT_EQ(currentTask(loop), nullptr);
  loop->runOnce();
  EXPECT_EQ(roots[2].o, &t->fut.hdr);
  EXPECT_EQ(currentTask(loop), nullptr);
  EXPECT_EQ(loop->liveTaskCount, 1);
  loop->runOnce();
  EXPECT_TRUE(isDone(&other->fut));
  EXPECT_EQ(loop->liveTaskCount, 0);
  EXPECT_EQ(length(allTasks(loop)), 0);
}

// Rule 11: a failed task nobody awaited is logged at close.
TEST_F(TaskTest, Rule11_TaskExceptionNeverRetrievedIsLogged) {
  spawn(makeCoro([](TestCoro &f, WValue v, int64_t mode) -> WValue {
    return raise(T.RuntimeError, "nobody listens");
  }, "doomed"));
  loop->runOnce();
  ::testing::internal::CaptureStderr();
  reportUnretrieved(loop);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("Task exception was never retrieved"), std::string::npos) << err;
  EXPECT_NE(err.find("future: <Task finished name="), std::string::npos) << err;
  EXPECT_NE(err.find("coro=<doomed() done, defined at test.weft:1> exception=RuntimeError('nobody listens')>"), std::string::npos) << err;
  EXPECT_NE(err.find("RuntimeError: nobody listens"), std::string::npos) << err;
}

} // namespace
