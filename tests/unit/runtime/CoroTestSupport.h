// CoroTestSupport.h: hand-written coroutine frames for the task and asyncio
// unit tests. A TestCoro is a WCoro whose resume function runs a C++ lambda
// written as a switch on the frame's state (what the compiler generates),
// with CORO_* macros for the await protocol. GC values the body keeps across
// suspensions live in the frame's slots, never in the lambda's captures.
#ifndef WEFT_TESTS_COROTESTSUPPORT_H
#define WEFT_TESTS_COROTESTSUPPORT_H

#include "core/Object.h"
#include "modules/AsyncioInternal.h"
#include "task/Await.h"
#include "task/Errors.h"
#include "task/Future.h"
#include "task/NativeCoro.h"
#include "task/Task.h"
#include "weft/rt/wrt_api.h"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace weft::rt::testing {

struct TestCoro {
  WCoro c;
  int64_t id;
  WValue slot[6];  ///< slot[0]: the awaitable of the current await
  WValue last;     ///< outcome of the last await: a value, or ERR (exception pending)
};

using Body = std::function<WValue(TestCoro &f, WValue v, int64_t mode)>;

/// A deque: bodies create coroutines while they run, and a push_back must
/// not move the std::function being executed.
inline std::deque<Body> &bodies() {
  static std::deque<Body> b;
  return b;
}

inline WValue resumeTestCoro(WCoro *c, WValue v, int64_t mode) {
  TestCoro &f = *reinterpret_cast<TestCoro *>(c);
  WValue r = bodies()[f.id](f, v, mode);
  if (r.tag != WT_SUSPEND) f.c.state = -1;
  return r;
}

inline WCoro *makeCoro(Body body, const char *name = "coro") {
  WFuncInfo *info = new WFuncInfo{name, name, nullptr, 0, 0, 0, 0, 0, WFUNC_COROUTINE, "test.weft", 1, 0, nullptr, nullptr};
  TestCoro *f = reinterpret_cast<TestCoro *>(newNativeCoro(sizeof(TestCoro), &resumeTestCoro, info));
  f->id = int64_t(bodies().size());
  bodies().push_back(std::move(body));
  return &f->c;
}

inline WValue coroValue(Body body, const char *name = "coro") { return wrt_obj(makeCoro(std::move(body), name)); }

/// Opens the body: a THROW before the first step raises at the start.
#define CORO_BEGIN                                                                                 \
  switch (f.c.state) {                                                                             \
  case 0:                                                                                          \
    if (mode == WRESUME_THROW) return wrt_err_restore(v);

/// `f.last = await (expr)`; the body continues after it with f.last set.
#define CORO_AWAIT(expr)                                                                           \
  f.slot[0] = wrt_await_prepare(expr);                                                             \
  if (f.slot[0].tag == WT_ERR) {                                                                   \
    f.last = f.slot[0];                                                                            \
  } else {                                                                                         \
    f.c.state = __LINE__;                                                                          \
    v = wrt_none();                                                                                \
    mode = WRESUME_SEND;                                                                           \
    [[fallthrough]];                                                                               \
  case __LINE__:                                                                                   \
    f.last = wrt_await_step(&f.c, f.slot[0], v, mode);                                             \
    if (f.last.tag == WT_SUSPEND) return f.last;                                                   \
  }

#define CORO_END                                                                                   \
  }                                                                                                \
  return wrt_none();

/// Test fixture base: the runtime, the asyncio types and a loop object kept
/// in a GC root block (gtest allocates fixtures with malloc, which the
/// collector does not scan).
class AsyncioFixture : public ::testing::Test {
protected:
  void SetUp() override {
    initRuntime();
    initAsyncioTypes();
    roots = wrt_alloc_roots(16);
    roots[0] = newLoopObj();
    ASSERT_EQ(roots[0].tag, WT_OBJ);
    loop = loopOf(roots[0]);
    trace.clear();
  }
  void TearDown() override {
    if (!loop->isClosed()) loop->close();
    roots[0] = wrt_none();
  }
  WValue loopObj() { return roots[0]; }
  /// run_until_complete(aw): the result, or ERR.
  WValue run(WValue aw) { return runUntilComplete(loopObj(), aw); }
  Task *spawn(WCoro *c) { return newTask(loop, c, wrt_unbound()); }
  /// The pending exception's "Type: message" line (clears it).
  std::string errLine() {
    WObj *e = fetchError();
    return exceptionLine(e);
  }
  std::string str(WValue v) {
    WValue s = weft::rt::str(v);
    return s.tag == WT_ERR ? "<err>" : std::string(strView(s));
  }

  WValue *roots = nullptr;
  EventLoop *loop = nullptr;
  std::vector<std::string> trace;
};

} // namespace weft::rt::testing

#endif
