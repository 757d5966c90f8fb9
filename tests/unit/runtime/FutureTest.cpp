// FutureTest.cpp: the Future state machine (runtime/task/Future.cpp) against
// CPython's test_futures: error messages, done callbacks through call_soon in
// registration order, cancel messages, set_exception rules and the
// "exception was never retrieved" log.
#include "CoroTestSupport.h"

using namespace weft::rt;
using namespace weft::rt::testing;

namespace {

class FutureTest : public AsyncioFixture {};

struct Rec {
  std::vector<std::string> *trace;
  const char *label;
};

int recordCb(void *a, void *fut) {
  Rec *r = static_cast<Rec *>(a);
  r->trace->push_back(std::string(r->label) + (isDone(static_cast<Future *>(fut)) ? ":done" : ":pending"));
  return 0;
}

// Rule 14: callbacks run through call_soon, in registration order, never
// inside set_result.
TEST_F(FutureTest, Rule14_CallbacksRunLaterInRegistrationOrder) {
  Future *f = newFuture(loop);
  Rec a{&trace, "a"}, b{&trace, "b"}, c{&trace, "c"};
  addDoneCallback(f, &recordCb, &a);
  addDoneCallback(f, &recordCb, &b);
  addDoneCallback(f, &recordCb, &c);
  ASSERT_EQ(futureSetResult(f, wrt_int(5)).tag, WT_NONE);
  EXPECT_TRUE(trace.empty());
  loop->runOnce();
  EXPECT_EQ(trace, (std::vector<std::string>{"a:done", "b:done", "c:done"}));
  WValue r = futureResult(f);
  EXPECT_EQ(r.tag, WT_INT);
  EXPECT_EQ(r.i, 5);
}

TEST_F(FutureTest, CallbackAddedToDoneFutureIsScheduled) {
  Future *f = newFuture(loop);
  futureSetResult(f, wrt_none());
  Rec a{&trace, "late"};
  addDoneCallback(f, &recordCb, &a);
  EXPECT_TRUE(trace.empty());
  loop->runOnce();
  EXPECT_EQ(trace, (std::vector<std::string>{"late:done"}));
}

TEST_F(FutureTest, RemoveDoneCallbackRemovesEveryCopy) {
  Future *f = newFuture(loop);
  Rec a{&trace, "a"}, b{&trace, "b"};
  addDoneCallback(f, &recordCb, &a);
  addDoneCallback(f, &recordCb, &b);
  addDoneCallback(f, &recordCb, &a);
  EXPECT_EQ(removeDoneCallback(f, &recordCb, &a), 2);
  futureSetResult(f, wrt_none());
  loop->runOnce();
  EXPECT_EQ(trace, (std::vector<std::string>{"b:done"}));
}

// Rule 12: InvalidStateError on pending result()/exception() and on set_* of
// a done future; cancel() of a done future returns False.
TEST_F(FutureTest, Rule12_InvalidStateMessages) {
  Future *f = newFuture(loop);
  EXPECT_EQ(futureResult(f).tag, WT_ERR);
  EXPECT_EQ(errLine(), "InvalidStateError: Result is not set.");
  EXPECT_EQ(futureException(f).tag, WT_ERR);
  EXPECT_EQ(errLine(), "InvalidStateError: Exception is not set.");
  futureSetResult(f, wrt_int(1));
  EXPECT_EQ(futureSetResult(f, wrt_int(2)).tag, WT_ERR);
  EXPECT_EQ(errLine(), "InvalidStateError: invalid state");
  EXPECT_EQ(futureSetException(f, wrt_obj(T.ValueError)).tag, WT_ERR);
  EXPECT_EQ(errLine(), "InvalidStateError: invalid state");
  EXPECT_FALSE(futureCancel(f, wrt_unbound()));
  EXPECT_EQ(futureException(f).tag, WT_NONE);
}

// Rules 6, 7, 12: a cancelled future is done and cancelled; result() raises
// CancelledError carrying the message.
TEST_F(FutureTest, Rule7_CancelMessageReachesCancelledError) {
  Future *f = newFuture(loop);
  EXPECT_TRUE(futureCancel(f, newStr("bye")));
  EXPECT_TRUE(isDone(f));
  EXPECT_EQ(f->state, FutState::Cancelled);
  EXPECT_FALSE(futureCancel(f, wrt_unbound()));
  EXPECT_EQ(futureResult(f).tag, WT_ERR);
  EXPECT_EQ(errLine(), "CancelledError: bye");
  EXPECT_EQ(futureException(f).tag, WT_ERR);
  EXPECT_EQ(errLine(), "CancelledError: bye");
}

// Rule 13: set_exception(Class) instantiates it; StopIteration is refused.
TEST_F(FutureTest, Rule13_SetExceptionClassAndStopIteration) {
  Future *f = newFuture(loop);
  ASSERT_EQ(futureSetException(f, wrt_obj(T.ValueError)).tag, WT_NONE);
  WValue e = futureException(f);
  ASSERT_EQ(e.tag, WT_OBJ);
  EXPECT_TRUE(isInstance(e, T.ValueError));
  Future *g = newFuture(loop);
  WValue stop = wrt_obj(makeException(T.StopIteration, wrt_unbound()));
  EXPECT_EQ(futureSetException(g, stop).tag, WT_ERR);
  EXPECT_EQ(errLine(), "TypeError: StopIteration interacts badly with generators and cannot be raised into a Future");
  EXPECT_FALSE(isDone(g));
}

// Rule 11: an exception nobody retrieved is logged when the loop closes; a
// retrieved one, a cancelled future or an unread result are not.
TEST_F(FutureTest, Rule11_UnretrievedExceptionIsLogged) {
  Future *lost = newFuture(loop);
  futureSetException(lost, wrt_obj(makeExceptionStr(T.ValueError, "lost")));
  Future *seen = newFuture(loop);
  futureSetException(seen, wrt_obj(makeExceptionStr(T.ValueError, "seen")));
  futureException(seen);
  Future *cancelled = newFuture(loop);
  futureCancel(cancelled, wrt_unbound());
  Future *unread = newFuture(loop);
  futureSetResult(unread, wrt_int(1));
  ::testing::internal::CaptureStderr();
  reportUnretrieved(loop);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("Future exception was never retrieved"), std::string::npos) << err;
  EXPECT_NE(err.find("ValueError: lost"), std::string::npos) << err;
  EXPECT_EQ(err.find("seen"), std::string::npos) << err;
}

TEST_F(FutureTest, ReprAsCPython) {
  Future *f = newFuture(loop);
  EXPECT_EQ(futureRepr(f), "<Future pending>");
  futureSetResult(f, wrt_int(3));
  EXPECT_EQ(futureRepr(f), "<Future finished result=3>");
  Future *g = newFuture(loop);
  futureCancel(g, wrt_unbound());
  EXPECT_EQ(futureRepr(g), "<Future cancelled>");
  Future *h = newFuture(loop);
  futureSetException(h, wrt_obj(makeExceptionStr(T.ValueError, "x")));
  markRetrieved(h);
  EXPECT_EQ(futureRepr(h), "<Future finished exception=ValueError('x')>");
}

} // namespace
