// GatherTest.cpp: asyncio.gather semantics (runtime/task/Gather.cpp),
// RELIABILITY.md rules 15-19: argument order, the first exception going to
// the awaiter while siblings keep running, return_exceptions, cancelled
// children, cancelling the gather, duplicates and the empty gather.
#include "CoroTestSupport.h"

#include "task/Gather.h"

using namespace weft::rt;
using namespace weft::rt::testing;

namespace {

class GatherTest : public AsyncioFixture {
protected:
  /// await sleep(0) `hops` times, trace "<name> done", return value (or raise).
  WValue child(std::string name, int hops, WValue ret, bool fail = false) {
    return coroValue([this, name, hops, fail](TestCoro &f, WValue v, int64_t mode) -> WValue {
      CORO_BEGIN
      for (f.slot[2] = wrt_int(0); f.slot[2].i < hops; f.slot[2].i++) {
        CORO_AWAIT(sleepCoro(0, wrt_none()))
        if (f.last.tag == WT_ERR) {
          trace.push_back(name + " cancelled");
          return f.last;
        }
      }
      trace.push_back(name + " done");
      if (fail) return raise(T.ValueError, name);
      return f.slot[1];
      CORO_END
    }, "child");
  }
  WValue childRet(std::string name, int hops, WValue ret, bool fail = false) {
    WValue c = child(name, hops, ret, fail);
    reinterpret_cast<TestCoro *>(c.o)->slot[1] = ret;
    return c;
  }
  std::string listRepr(WValue v) {
    WValue r = repr(v);
    return r.tag == WT_ERR ? "<err>" : std::string(strView(r));
  }
};

using Trace = std::vector<std::string>;

TEST_F(GatherTest, Rule19_ResultsInArgumentOrderAndDuplicatesRepeated) {
  WValue c1 = childRet("a", 3, wrt_int(1));
  WValue args[4] = {c1, childRet("b", 1, wrt_int(2)), childRet("c", 2, newStr("x")), c1};
  WValue g = gather(loop, 4, args, false);
  ASSERT_EQ(g.tag, WT_OBJ);
  WValue r = run(g);
  EXPECT_EQ(listRepr(r), "[1, 2, 'x', 1]");
  EXPECT_EQ(trace, (Trace{"b done", "c done", "a done"}));
}

TEST_F(GatherTest, Rule19_SameFutureTwiceCountsOnce) {
  Future *f = newFuture(loop);
  WValue args[3] = {wrt_obj(f), childRet("a", 1, wrt_int(1)), wrt_obj(f)};
  WValue g = gather(loop, 3, args, false);
  roots[1] = g;
  EXPECT_EQ(f->gatherMark, 0);
  EXPECT_EQ(reinterpret_cast<GatheringFuture *>(g.o)->nfuts, 2);
  futureSetResult(f, newStr("f"));
  EXPECT_EQ(listRepr(run(g)), "['f', 1, 'f']");
}

TEST_F(GatherTest, NonAwaitableArgumentIsATypeError) {
  Future *f = newFuture(loop);
  WValue args[2] = {wrt_obj(f), wrt_int(3)};
  EXPECT_EQ(gather(loop, 2, args, false).tag, WT_ERR);
  EXPECT_EQ(errLine(), "TypeError: An asyncio.Future, a coroutine or an awaitable is required");
  EXPECT_EQ(f->gatherMark, 0);
}

TEST_F(GatherTest, Rule19_EmptyGatherIsADoneFutureHoldingEmptyList) {
  WValue g = gather(loop, 0, nullptr, false);
  ASSERT_TRUE(isDone(asFuture(g)));
  EXPECT_EQ(listRepr(futureResult(asFuture(g))), "[]");
}

// Rule 15 / section 0: the first exception goes to the awaiter; the sibling
// is not cancelled and finishes later.
TEST_F(GatherTest, Rule15_FirstExceptionPropagatesSiblingsKeepRunning) {
  WValue args[2] = {childRet("fails", 1, wrt_none(), true), childRet("slow", 10, wrt_int(2))};
  WValue g = gather(loop, 2, args, false);
  roots[1] = g;
  EXPECT_EQ(run(g).tag, WT_ERR);
  EXPECT_EQ(errLine(), "ValueError: fails");
  EXPECT_EQ(trace, (Trace{"fails done"}));
  Future *slow = asFuture(reinterpret_cast<GatheringFuture *>(g.o)->children[1]);
  EXPECT_FALSE(isDone(slow));
  while (!isDone(slow)) loop->runOnce();
  EXPECT_EQ(slow->state, FutState::Finished);
  EXPECT_EQ(trace, (Trace{"fails done", "slow done"}));
}

// Rule 17: return_exceptions=True puts exceptions in place.
TEST_F(GatherTest, Rule17_ReturnExceptionsInPlace) {
  WValue args[3] = {childRet("a", 1, wrt_int(1)), childRet("b", 2, wrt_none(), true), childRet("c", 1, wrt_int(3))};
  WValue r = run(gather(loop, 3, args, true));
  EXPECT_EQ(listRepr(r), "[1, ValueError('b'), 3]");
}

// Rule 16: a cancelled child makes gather fail with CancelledError, but the
// gather itself is not cancelled and the siblings run on.
TEST_F(GatherTest, Rule16_CancelledChildFailsGatherWithoutCancellingIt) {
  Future *child = newFuture(loop);
  WValue args[2] = {wrt_obj(child), childRet("sib", 3, wrt_int(2))};
  WValue g = gather(loop, 2, args, false);
  roots[1] = g;
  loop->runOnce();
  futureCancel(child, wrt_unbound());
  loop->runOnce();
  Future *gf = asFuture(g);
  ASSERT_TRUE(isDone(gf));
  EXPECT_EQ(gf->state, FutState::Finished);
  WValue e = futureException(gf);
  EXPECT_TRUE(isInstance(e, T.CancelledError));
  while (loop->liveTaskCount) loop->runOnce();
  EXPECT_EQ(trace, (Trace{"sib done"}));
}

// Rule 17: with return_exceptions a cancelled child appears as a
// CancelledError instance.
TEST_F(GatherTest, Rule17_CancelledChildInPlaceWithReturnExceptions) {
  Future *child = newFuture(loop);
  WValue args[2] = {childRet("a", 1, wrt_int(1)), wrt_obj(child)};
  WValue g = gather(loop, 2, args, true);
  roots[1] = g;
  loop->runOnce();
  futureCancel(child, wrt_unbound());
  WValue r = run(g);
  EXPECT_EQ(listRepr(r), "[1, CancelledError('')]");
}

// Rule 18: cancelling the gather cancels every child and the gather ends
// cancelled for its awaiter, whatever return_exceptions says.
TEST_F(GatherTest, Rule18_CancellingGatherCancelsChildren) {
  for (bool re : {false, true}) {
    trace.clear();
    WValue args[2] = {childRet("a", 5, wrt_int(1)), childRet("b", 5, wrt_int(2))};
    WValue g = gather(loop, 2, args, re);
    roots[1] = g;
    loop->runOnce();
    EXPECT_TRUE(futureCancel(asFuture(g), wrt_unbound()));
    while (!isDone(asFuture(g))) loop->runOnce();
    EXPECT_EQ(trace, (Trace{"a cancelled", "b cancelled"}));
    EXPECT_EQ(futureResult(asFuture(g)).tag, WT_ERR);
    EXPECT_EQ(errLine(), "CancelledError");
  }
}

} // namespace
