// ExecutorTest.cpp: concurrent.futures in runtime/exec: the thread pool
// runs every task, map keeps argument order, exceptions come back through
// result(), shutdown(wait=True) waits for queued work; the process pool's
// serialiser round-trips values and the pool runs native functions in forked
// workers, exceptions included.
#include "ObjectTestUtil.h"

#include "exec/Executor.h"

#include <atomic>
#include <time.h>
#include <unistd.h>

using namespace weft::rt;
using namespace weft::rt::test;

namespace {

class ExecutorTest : public RuntimeTest {
protected:
  static void SetUpTestSuite() {
    initRuntime();
    initExecTypes();
  }
};

std::atomic<int> counter{0};

WValue squareImpl(WNativeFunc *, WValue *a) {
  counter++;
  return wrt_int(a[0].i * a[0].i);
}

WValue sleepyImpl(WNativeFunc *, WValue *a) {
  timespec ts{0, long(a[0].i) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
  // Allocate from the worker so the collector runs with threads around.
  WValue l = newList(0);
  for (int i = 0; i < 1000; i++) listAppend(asList(l), newStr("x"));
  counter++;
  return wrt_int(asList(l)->size);
}

WValue failImpl(WNativeFunc *, WValue *a) { return raise(T.ValueError, strView(a[0])); }

WValue dieImpl(WNativeFunc *, WValue *) { _exit(3); }

WValue echoImpl(WNativeFunc *, WValue *a) { return a[0]; }

TEST_F(ExecutorTest, NTasksComplete) {
  counter = 0;
  WValue ex = newThreadPoolExecutor(4);
  WValue fn = makeNative("square", squareImpl, "x, /");
  WList *futs = asList(newList(0));  // GC-visible: the futures must stay alive
  for (int i = 0; i < 200; i++) {
    WValue args = newTuple(1);
    asTuple(args)->items[0] = wrt_int(i);
    WValue f = executorSubmit(ex, fn, args.o, nullptr);
    ASSERT_EQ(f.tag, WT_OBJ);
    listAppend(futs, f);
  }
  for (int i = 0; i < 200; i++) {
    WValue r = cfResult(reinterpret_cast<CFuture *>(futs->items[i].o), -1);
    ASSERT_EQ(r.tag, WT_INT);
    EXPECT_EQ(r.i, int64_t(i) * i);
  }
  EXPECT_EQ(counter.load(), 200);
  executorShutdown(ex, true);
}

TEST_F(ExecutorTest, MapKeepsOrder) {
  WValue ex = newThreadPoolExecutor(3);
  WValue fn = makeNative("sleepy", sleepyImpl, "ms, /");
  WValue ms = newList(0);
  for (int v : {30, 1, 20, 2, 10}) listAppend(asList(ms), wrt_int(v));
  WValue args[] = {fn, ms};
  WValue it = callMethod(ex, "map", 2, args);
  ASSERT_EQ(it.tag, WT_OBJ) << takeError();
  WValue l = listFromIterable(it);
  ASSERT_EQ(l.tag, WT_OBJ);
  EXPECT_EQ(asList(l)->size, 5);
  for (int64_t i = 0; i < 5; i++) EXPECT_EQ(asList(l)->items[i].i, 1000);
  executorShutdown(ex, true);
}

TEST_F(ExecutorTest, ExceptionPropagates) {
  WValue ex = newThreadPoolExecutor(2);
  WValue fn = makeNative("fail", failImpl, "msg, /");
  WValue args = newTuple(1);
  asTuple(args)->items[0] = newStr("worker failure");
  WValue f = executorSubmit(ex, fn, args.o, nullptr);
  ASSERT_EQ(f.tag, WT_OBJ);
  WValue r = cfResult(reinterpret_cast<CFuture *>(f.o), -1);
  EXPECT_EQ(r.tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError: worker failure");
  executorShutdown(ex, true);
}

TEST_F(ExecutorTest, ShutdownWaitsForQueuedWork) {
  counter = 0;
  WValue ex = newThreadPoolExecutor(2);
  WValue fn = makeNative("sleepy", sleepyImpl, "ms, /");
  WList *futs = asList(newList(0));  // GC-visible: the futures must stay alive
  for (int i = 0; i < 6; i++) {
    WValue args = newTuple(1);
    asTuple(args)->items[0] = wrt_int(20);
    listAppend(futs, executorSubmit(ex, fn, args.o, nullptr));
  }
  executorShutdown(ex, true);
  EXPECT_EQ(counter.load(), 6);
  for (int64_t i = 0; i < futs->size; i++) EXPECT_TRUE(cfDone(reinterpret_cast<CFuture *>(futs->items[i].o)));
  WValue args = newTuple(1);
  asTuple(args)->items[0] = wrt_int(1);
  EXPECT_EQ(executorSubmit(ex, fn, args.o, nullptr).tag, WT_ERR);
  EXPECT_EQ(takeError(), "RuntimeError: cannot schedule new futures after shutdown");
}

TEST_F(ExecutorTest, ResultTimeout) {
  CFuture *f = newCFuture();
  EXPECT_EQ(cfResult(f, 0.01).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TimeoutError");
  cfSetResult(f, wrt_int(3));
  EXPECT_EQ(cfResult(f, 0.01).i, 3);
}

TEST_F(ExecutorTest, SerialiserRoundTrips) {
  WValue d = newDict();
  dictSet(asDict(d), newStr("k"), newBytes(std::string_view("a\0b", 3)));
  WValue items[] = {wrt_int(-7), wrt_float(2.5), wrt_bool(1), wrt_none(), newStr("héllo"), d};
  WValue t = newTupleFrom(6, items);
  WValue l = newListFrom(1, &t);
  std::string buf;
  ASSERT_TRUE(serialise(buf, l));
  size_t pos = 0;
  WValue back = deserialise(buf, pos);
  ASSERT_EQ(back.tag, WT_OBJ);
  EXPECT_EQ(pos, buf.size());
  EXPECT_EQ(equals(back, l), 1);
  std::string bad;
  EXPECT_FALSE(serialise(bad, makeNative("f", echoImpl, "x, /")));
  EXPECT_NE(takeError().find("cannot pickle"), std::string::npos);
}

TEST_F(ExecutorTest, ProcessPoolRunsAndPropagates) {
  WValue ppe = call(wrt_obj(ET.processPool), 0, nullptr);
  ASSERT_EQ(ppe.tag, WT_OBJ) << takeError();
  WValue sq = makeNative("square", squareImpl, "x, /");
  WValue fail = makeNative("fail", failImpl, "msg, /");
  WList *futs = asList(newList(0));  // GC-visible: the futures must stay alive
  for (int i = 0; i < 8; i++) {
    WValue args = newTuple(1);
    asTuple(args)->items[0] = wrt_int(i);
    listAppend(futs, executorSubmit(ppe, sq, args.o, nullptr));
  }
  WValue args = newTuple(1);
  asTuple(args)->items[0] = newStr("in the child");
  WValue ff = executorSubmit(ppe, fail, args.o, nullptr);
  for (int i = 0; i < 8; i++) {
    WValue r = cfResult(reinterpret_cast<CFuture *>(futs->items[i].o), 10);
    ASSERT_EQ(r.tag, WT_INT) << takeError();
    EXPECT_EQ(r.i, int64_t(i) * i);
  }
  EXPECT_EQ(cfResult(reinterpret_cast<CFuture *>(ff.o), 10).tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError: in the child");
  executorShutdown(ppe, true);
}

// A worker that dies fails its future and every pending one with
// BrokenProcessPool; later submits are refused; nothing hangs.
TEST_F(ExecutorTest, DeadWorkerBreaksThePool) {
  WValue one = wrt_int(1);
  WValue ppe = call(wrt_obj(ET.processPool), 1, &one);
  ASSERT_EQ(ppe.tag, WT_OBJ) << takeError();
  WValue die = makeNative("die", dieImpl, "");
  WValue sq = makeNative("square", squareImpl, "x, /");
  WValue f1 = executorSubmit(ppe, die, nullptr, nullptr);
  WValue args = newTupleFrom(1, &one);
  // The worker may die before this submit: then, as in CPython, the submit
  // itself is refused; otherwise the pending future fails. Either way with
  // BrokenProcessPool, and neither hangs.
  WValue f2 = executorSubmit(ppe, sq, args.o, nullptr);
  bool refusedAtSubmit = f2.tag == WT_ERR;
  std::string submitError = refusedAtSubmit ? takeError() : "";
  if (refusedAtSubmit)
    EXPECT_NE(submitError.find("BrokenProcessPool"), std::string::npos) << submitError;
  else
    ASSERT_EQ(f2.tag, WT_OBJ);
  EXPECT_EQ(cfResult(reinterpret_cast<CFuture *>(f1.o), 10).tag, WT_ERR);
  EXPECT_NE(takeError().find("BrokenProcessPool"), std::string::npos);
  if (!refusedAtSubmit) {
    EXPECT_EQ(cfResult(reinterpret_cast<CFuture *>(f2.o), 10).tag, WT_ERR);
    EXPECT_NE(takeError().find("BrokenProcessPool"), std::string::npos);
  }
  EXPECT_EQ(executorSubmit(ppe, sq, args.o, nullptr).tag, WT_ERR);
  EXPECT_NE(takeError().find("BrokenProcessPool"), std::string::npos);
  executorShutdown(ppe, true);
}

} // namespace
