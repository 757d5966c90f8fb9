// AsyncioTest.cpp: the native asyncio module through its Weft-level API
// (import, attribute lookup and calls, as compiled code uses it): run(),
// loop methods and callbacks, wait_for, wait, shield, as_completed and the
// module-level functions, with the RELIABILITY.md rules they pin down.
#include "CoroTestSupport.h"

using namespace weft::rt;
using namespace weft::rt::testing;

namespace {

std::vector<std::string> *gTrace = nullptr;

class AsyncioTest : public AsyncioFixture {
protected:
  void SetUp() override {
    AsyncioFixture::SetUp();
    initAsyncio();
    roots[9] = wrt_import("_asyncio");
    ASSERT_EQ(roots[9].tag, WT_OBJ);
    gTrace = &trace;
  }
  WValue mod() { return roots[9]; }
  WValue attr(WValue o, const char *name) { return getAttrStr(o, name); }
  WValue callA(const char *name, std::vector<WValue> args) {
    return call(attr(mod(), name), int64_t(args.size()), args.data());
  }
  WValue callM(WValue o, const char *name, std::vector<WValue> args) {
    return callMethod(o, name, int64_t(args.size()), args.data());
  }
  /// A native Weft function that appends its str(arg) (or its tag) to the trace.
  WValue tracer(const char *tag) {
    return makeNative(tag, [](WNativeFunc *self, WValue *a) -> WValue {
      std::string s = std::string(strView(self->bound));
      if (a[0].tag != WT_UNBOUND) {
        WValue t = weft::rt::str(a[0]);
        s += " " + std::string(strView(t));
      }
      gTrace->push_back(s);
      return wrt_none();
    }, "x=?", newStr(tag));
  }
  /// try: await sleep(delay); finally: trace "<name> cleanup"; return name
  WValue sleeper(std::string name, double delay) {
    return coroValue([this, name, delay](TestCoro &f, WValue v, int64_t mode) -> WValue {
      CORO_BEGIN
      trace.push_back(name + " started");
      CORO_AWAIT(sleepCoro(delay, wrt_none()))
      if (f.last.tag == WT_ERR) {
        trace.push_back(name + " cleanup");
        return f.last;
      }
      trace.push_back(name + " done");
      return newStr(name);
      CORO_END
    }, "sleeper");
  }
};

using Trace = std::vector<std::string>;

TEST_F(AsyncioTest, GetRunningLoopOutsideALoopRaises) {
  EXPECT_EQ(callA("get_running_loop", {}).tag, WT_ERR);
  EXPECT_EQ(errLine(), "RuntimeError: no running event loop");
}

// Rule 24: asyncio.TimeoutError is the builtin; CancelledError is a BaseException.
TEST_F(AsyncioTest, Rule24_ExceptionTypes) {
  EXPECT_EQ(attr(mod(), "TimeoutError").o, &T.TimeoutError->hdr);
  EXPECT_TRUE(isSubtype(T.CancelledError, T.BaseException));
  EXPECT_FALSE(isSubtype(T.CancelledError, T.Exception));
}

// Rule 39: run() returns main's result after cancelling leftover tasks and
// letting their cleanup run.
TEST_F(AsyncioTest, Rule39_RunCancelsLeftoverTasks) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    f.slot[1] = callA("create_task", {sleeper("bg", 10)});
    if (f.slot[1].tag == WT_ERR) return f.slot[1];
    CORO_AWAIT(callA("sleep", {wrt_int(0)}))
    trace.push_back("main returns");
    return wrt_int(42);
    CORO_END
  }, "main");
  WValue r = callA("run", {main});
  ASSERT_EQ(r.tag, WT_INT) << errLine();
  EXPECT_EQ(r.i, 42);
  EXPECT_EQ(trace, (Trace{"bg started", "main returns", "bg cleanup"}));
  EXPECT_EQ(EventLoop::running(), nullptr);
}

TEST_F(AsyncioTest, RunPropagatesMainsException) {
  WValue main = coroValue([](TestCoro &f, WValue v, int64_t mode) -> WValue {
    return raise(T.ValueError, "boom");
  }, "main");
  EXPECT_EQ(callA("run", {main}).tag, WT_ERR);
  EXPECT_EQ(errLine(), "ValueError: boom");
}

// Rule 39: run() inside a running loop raises RuntimeError.
TEST_F(AsyncioTest, Rule39_RunFromRunningLoopRefused) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    f.slot[1] = coroValue([](TestCoro &, WValue, int64_t) -> WValue { return wrt_none(); });
    WValue r = callA("run", {f.slot[1]});
    if (r.tag == WT_ERR) trace.push_back(errLine());
    return wrt_none();
  }, "main");
  callA("run", {main});
  EXPECT_EQ(trace, (Trace{"RuntimeError: asyncio.run() cannot be called from a running event loop"}));
}

// PITFALLS.md ordering through the Weft API, and rule 37: an exception in a
// callback is logged and the loop goes on.
TEST_F(AsyncioTest, Rule37_CallbackOrderAndExceptionLogged) {
  WValue lo = loopObj();
  WValue bad = makeNative("bad_callback", [](WNativeFunc *, WValue *) -> WValue {
    gTrace->push_back("bad runs");
    return raise(T.ValueError, "callback failed");
  }, "");
  callM(lo, "call_soon", {tracer("good"), newStr("1")});
  callM(lo, "call_soon", {bad});
  callM(lo, "call_later", {wrt_int(0), tracer("timer")});
  callM(lo, "call_soon", {tracer("good"), newStr("2")});
  WValue h = callM(lo, "call_soon", {tracer("cancelled")});
  callM(h, "cancel", {});
  callM(lo, "call_later", {wrt_float(0.01), attr(lo, "stop")});
  ::testing::internal::CaptureStderr();
  WValue r = callM(lo, "run_forever", {});
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(r.tag, WT_NONE);
  EXPECT_EQ(trace, (Trace{"good 1", "bad runs", "good 2", "timer"}));
  EXPECT_NE(err.find("Exception in callback bad_callback()"), std::string::npos) << err;
  EXPECT_NE(err.find("ValueError: callback failed"), std::string::npos) << err;
  EXPECT_EQ(callM(lo, "is_running", {}).i, 0);
}

// 165_debug_mode: loop attributes can be set; set_debug/get_debug round-trip.
TEST_F(AsyncioTest, LoopAttributesAndDebugFlag) {
  WValue lo = loopObj();
  EXPECT_EQ(attr(lo, "slow_callback_duration").f, 0.1);
  ASSERT_EQ(setAttr(lo, internStr("slow_callback_duration"), wrt_float(0.05)).tag, WT_NONE);
  EXPECT_EQ(attr(lo, "slow_callback_duration").f, 0.05);
  callM(lo, "set_debug", {wrt_bool(true)});
  EXPECT_EQ(callM(lo, "get_debug", {}).i, 1);
  EXPECT_EQ(str(repr(lo)), "<_UnixSelectorEventLoop running=False closed=False debug=True>");
}

// Rule 10: stop() inside run_until_complete raises RuntimeError and leaves
// the task pending.
TEST_F(AsyncioTest, Rule10_StopInsideRunUntilComplete) {
  WValue lo = loopObj();
  roots[1] = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    callM(loopObj(), "stop", {});
    CORO_AWAIT(sleepCoro(0.05, wrt_none()))
    return wrt_none();
    CORO_END
  });
  roots[2] = callM(lo, "create_task", {roots[1]});
  EXPECT_EQ(callM(lo, "run_until_complete", {roots[2]}).tag, WT_ERR);
  EXPECT_EQ(errLine(), "RuntimeError: Event loop stopped before Future completed.");
  EXPECT_EQ(callM(roots[2], "done", {}).i, 0);
  EXPECT_EQ(callM(lo, "run_until_complete", {roots[2]}).tag, WT_NONE);
}

// Rule 21: on timeout wait_for cancels the inner task and waits for it to
// finish before raising TimeoutError.
TEST_F(AsyncioTest, Rule21_WaitForTimeoutCancelsAndWaits) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(callA("wait_for", {sleeper("inner", 10), wrt_float(0.01)}))
    if (f.last.tag == WT_ERR) trace.push_back("main: " + errLine());
    return wrt_none();
    CORO_END
  }, "main");
  callA("run", {main});
  EXPECT_EQ(trace, (Trace{"inner started", "inner cleanup", "main: TimeoutError"}));
}

TEST_F(AsyncioTest, WaitForReturnsTheResultInTime) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(callA("wait_for", {sleeper("inner", 0.001), wrt_int(5)}))
    return f.last;
    CORO_END
  }, "main");
  EXPECT_EQ(str(callA("run", {main})), "inner");
  EXPECT_EQ(loop->timerCount(), 0u);
}

// Rule 22: timeout <= 0 on a coroutine: it never starts.
TEST_F(AsyncioTest, Rule22_WaitForZeroTimeoutNeverStartsTheCoroutine) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(callA("wait_for", {sleeper("inner", 0), wrt_int(0)}))
    if (f.last.tag == WT_ERR) trace.push_back("main: " + errLine());
    return wrt_none();
    CORO_END
  }, "main");
  callA("run", {main});
  EXPECT_EQ(trace, (Trace{"main: TimeoutError"}));
}

// Rule 25: wait() never cancels; FIRST_COMPLETED returns (done, pending).
TEST_F(AsyncioTest, Rule25_WaitFirstCompleted) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    f.slot[1] = callA("create_task", {sleeper("fast", 0.001)});
    f.slot[2] = callA("create_task", {sleeper("slow", 0.05)});
    f.slot[3] = newListFrom(2, &f.slot[1]);
    f.slot[4] = attr(mod(), "FIRST_COMPLETED");
    f.slot[5] = newStr("return_when");
    CORO_AWAIT(callKw(attr(mod(), "wait"), 2, &f.slot[3], newTupleFrom(1, &f.slot[5]).o))
    if (f.last.tag == WT_ERR) return f.last;
    trace.push_back("done=" + std::to_string(length(asTuple(f.last)->items[0])) +
                    " pending=" + std::to_string(length(asTuple(f.last)->items[1])));
    trace.push_back(std::string("slow cancelled=") + (asFuture(f.slot[2])->state == FutState::Cancelled ? "yes" : "no"));
    CORO_AWAIT(f.slot[2])
    return wrt_none();
    CORO_END
  }, "main");
  WValue r = callA("run", {main});
  ASSERT_NE(r.tag, WT_ERR) << errLine();
  EXPECT_EQ(trace, (Trace{"fast started", "slow started", "fast done", "done=1 pending=1", "slow cancelled=no", "slow done"}));
}

TEST_F(AsyncioTest, Rule25_WaitOnEmptySetRaises) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(callA("wait", {newList(0)}))
    if (f.last.tag == WT_ERR) trace.push_back(errLine());
    return wrt_none();
    CORO_END
  }, "main");
  callA("run", {main});
  EXPECT_EQ(trace, (Trace{"ValueError: Set of Tasks/Futures is empty."}));
}

// Rule 20: cancelling the shield's outer future leaves the inner running.
TEST_F(AsyncioTest, Rule20_ShieldProtectsTheInnerTask) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    f.slot[1] = callA("create_task", {sleeper("inner", 0.01)});
    f.slot[2] = callA("shield", {f.slot[1]});
    callM(f.slot[2], "cancel", {});
    CORO_AWAIT(f.slot[2])
    if (f.last.tag == WT_ERR) trace.push_back("outer: " + errLine());
    CORO_AWAIT(f.slot[1])
    trace.push_back("inner result " + str(f.last));
    return wrt_none();
    CORO_END
  }, "main");
  callA("run", {main});
  EXPECT_EQ(trace, (Trace{"outer: CancelledError", "inner started", "inner done", "inner result inner"}));
}

TEST_F(AsyncioTest, AsCompletedYieldsInCompletionOrder) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    f.slot[3] = sleeper("c", 0.03);
    f.slot[4] = sleeper("a", 0.001);
    f.slot[5] = sleeper("b", 0.015);
    f.slot[1] = callA("as_completed", {newListFrom(3, &f.slot[3])});
    f.slot[2] = wrt_int(0);
    for (; f.slot[2].i < 3; f.slot[2].i++) {
      CORO_AWAIT(asList(f.slot[1])->items[f.slot[2].i])
      if (f.last.tag == WT_ERR) return f.last;
      trace.push_back("got " + str(f.last));
    }
    return wrt_none();
    CORO_END
  }, "main");
  ASSERT_NE(callA("run", {main}).tag, WT_ERR) << errLine();
  std::vector<std::string> got;
  for (auto &s : trace)
    if (s.rfind("got ", 0) == 0) got.push_back(s);
  EXPECT_EQ(got, (Trace{"got a", "got b", "got c"}));
}

TEST_F(AsyncioTest, GatherAndTaskMethodsThroughTheModule) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    f.slot[1] = callA("create_task", {sleeper("x", 0)});
    trace.push_back(str(callM(f.slot[1], "get_name", {})).substr(0, 5));
    CORO_AWAIT(callA("gather", {f.slot[1], sleeper("y", 0)}))
    if (f.last.tag == WT_ERR) return f.last;
    trace.push_back(str(repr(f.last)));
    trace.push_back(str(callM(f.slot[1], "done", {})));
    trace.push_back(str(callA("iscoroutine", {sleeper("z", 0)})));
    trace.push_back(str(callM(callA("current_task", {}), "get_name", {})).substr(0, 5));
    return wrt_none();
    CORO_END
  }, "main");
  ASSERT_NE(callA("run", {main}).tag, WT_ERR) << errLine();
  EXPECT_EQ(trace, (Trace{"Task-", "x started", "y started", "x done", "y done", "['x', 'y']", "True", "True", "Task-"}));
}

// A Weft done callback receives the future; cancel(msg) reaches the awaiter.
TEST_F(AsyncioTest, FutureObjectApi) {
  WValue main = coroValue([this](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    f.slot[1] = callA("Future", {});
    callM(f.slot[1], "add_done_callback", {tracer("cb")});
    callM(callA("get_running_loop", {}), "call_soon", {attr(f.slot[1], "set_result"), wrt_int(7)});
    CORO_AWAIT(f.slot[1])
    trace.push_back("awaited " + str(f.last));
    f.slot[2] = callM(callA("get_running_loop", {}), "create_future", {});
    callM(f.slot[2], "cancel", {newStr("why")});
    CORO_AWAIT(f.slot[2])
    if (f.last.tag == WT_ERR) trace.push_back(errLine());
    return wrt_none();
    CORO_END
  }, "main");
  ASSERT_NE(callA("run", {main}).tag, WT_ERR) << errLine();
  ASSERT_EQ(trace.size(), 3u);
  EXPECT_EQ(trace[0].rfind("cb <Future finished result=7>", 0), 0u) << trace[0];
  EXPECT_EQ(trace[1], "awaited 7");
  EXPECT_EQ(trace[2], "CancelledError: why");
}

} // namespace
