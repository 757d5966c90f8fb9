// ObjectGeneratorTest.cpp: the generator protocol over a hand-written
// resume function (the state machine compiled code would emit for
//     def count(n):
//         try:
//             i = 0
//             while i < n:
//                 got = yield i
//                 if got is not None: i = got
//                 i += 1
//             return "done"
//         finally:
//             log.append("closed")
// ), driven through wrt_iter/wrt_next, send/throw/close and yield from.
#include "ObjectTestUtil.h"

namespace weft::rt::test {
namespace {

struct CountFrame {
  WCoro hdr;
  WValue n, i, log;
};

WValue countResume(WCoro *c, WValue value, int64_t mode) {
  auto *f = reinterpret_cast<CountFrame *>(c);
  switch (c->state) {
  case 0:
    f->i = I(0);
    break;
  case 1:
    if (mode == WRESUME_THROW) {
      wrt_list_append(f->log, S("closed"));
      c->state = -1;
      return wrt_err_restore(value);
    }
    if (value.tag != WT_NONE) f->i = value;
    f->i = I(f->i.i + 1);
    break;
  }
  if (f->i.i < f->n.i) {
    c->yielded = f->i;
    c->state = 1;
    return WValue{WT_SUSPEND, {0}};
  }
  wrt_list_append(f->log, S("closed"));
  c->state = -1;
  return S("done");
}

const char *const countNames[] = {"n"};
const WFuncInfo countInfo = {"count", "count", countNames, 1, 1, 0, 0, 0, WFUNC_GENERATOR, "t", 1, 0, nullptr, nullptr};
WValue theLog;

WValue countCode(WFunc *self, WValue *args) {
  WValue g = wrt_coro_new(self, sizeof(CountFrame), countResume);
  auto *f = reinterpret_cast<CountFrame *>(g.o);
  f->n = args[0];
  f->log = theLog;
  return g;
}

/// def outer(): r = yield from count(2); yield r
struct OuterFrame {
  WCoro hdr;
  WValue sub;
};
WValue countFn;
WValue outerResume(WCoro *c, WValue value, int64_t mode) {
  auto *f = reinterpret_cast<OuterFrame *>(c);
  if (c->state == 0) {
    f->sub = Call(countFn, {I(2)});
    value = None();
    mode = WRESUME_SEND;
    c->state = 1;
  }
  if (c->state == 1) {
    WValue r = wrt_yield_from_step(c, f->sub, value, mode);
    if (r.tag == WT_SUSPEND || r.tag == WT_ERR) return r;
    c->yielded = r;
    c->state = 2;
    return WValue{WT_SUSPEND, {0}};
  }
  c->state = -1;
  return None();
}
const WFuncInfo outerInfo = {"outer", "outer", nullptr, 0, 0, 0, 0, 0, WFUNC_GENERATOR, "t", 1, 0, nullptr, nullptr};
WValue outerCode(WFunc *self, WValue *) {
  return wrt_coro_new(self, sizeof(OuterFrame), outerResume);
}

class GeneratorTest : public RuntimeTest {
protected:
  void SetUp() override {
    theLog = L({});
    countFn = wrt_func_new(countCode, &countInfo, nullptr, nullptr, 0);
  }
  WValue m(WValue obj, const char *name, std::initializer_list<WValue> args) {
    return wrt_call_method(obj, Name(name), int64_t(args.size()), const_cast<WValue *>(args.begin()));
  }
};

TEST_F(GeneratorTest, IteratesUntilExhausted) {
  WValue g = Call(countFn, {I(3)});
  EXPECT_EQ(R(g).substr(0, 24), "<generator object count ");
  EXPECT_EQ(wrt_iter(g).o, g.o);
  EXPECT_EQ(R(listFromIterable(g)), "[0, 1, 2]");
  EXPECT_EQ(wrt_next(g).tag, WT_UNBOUND);
  EXPECT_EQ(R(theLog), "['closed']");
}

TEST_F(GeneratorTest, SendThrowClose) {
  WValue g = Call(countFn, {I(10)});
  EXPECT_EQ(m(g, "send", {I(5)}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: can't send non-None value to a just-started generator");
  EXPECT_EQ(R(m(g, "send", {None()})), "0");
  EXPECT_EQ(R(m(g, "send", {I(7)})), "8");
  EXPECT_EQ(R(m(g, "__next__", {})), "9");
  EXPECT_EQ(m(g, "__next__", {}).tag, WT_ERR);
  WValue stop = wrt_err_fetch();
  EXPECT_EQ(R(stop), "StopIteration('done')");
  EXPECT_EQ(R(wrt_getattr(stop, Name("value"))), "'done'");

  WValue h = Call(countFn, {I(10)});
  wrt_next(h);
  EXPECT_EQ(m(h, "throw", {wrt_obj(T.ValueError)}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError");
  EXPECT_EQ(wrt_next(h).tag, WT_UNBOUND); // finished after the throw

  WValue k = Call(countFn, {I(10)});
  wrt_next(k);
  theLog = L({});
  EXPECT_EQ(R(m(k, "close", {})), "None");
  wrt_iter_close(Call(countFn, {I(1)})); // never started: nothing runs
  EXPECT_FALSE(errOccurred());
}

TEST_F(GeneratorTest, IterCloseRunsFinally) {
  WValue g = Call(countFn, {I(10)});
  wrt_next(g);
  wrt_iter_close(g); // what `for x in g: break` does
  EXPECT_EQ(R(theLog), "['closed']");
  EXPECT_EQ(wrt_next(g).tag, WT_UNBOUND);
}

TEST_F(GeneratorTest, YieldFromDelegates) {
  WValue outer = wrt_func_new(outerCode, &outerInfo, nullptr, nullptr, 0);
  WValue g = Call(outer, {});
  EXPECT_EQ(R(listFromIterable(g)), "[0, 1, 'done']");
}

} // namespace
} // namespace weft::rt::test

namespace weft::rt::test {
namespace {

/// async def agen(): yield 1; v = await <future>; yield v
WValue agenResume(WCoro *c, WValue value, int64_t mode) {
  if (mode == WRESUME_THROW) {
    c->state = -1;
    return wrt_err_restore(value);
  }
  switch (c->state) {
  case 0:
    c->yielded = I(1);
    c->state = 1;
    return WValue{WT_SUSPEND, {0}};
  case 1: // the await suspends: what the task sees is in yielded
    c->awaiting = S("future").o;
    c->yielded = S("future");
    c->state = 2;
    return WValue{WT_SUSPEND, {0}};
  case 2:
    c->awaiting = nullptr;
    c->yielded = value;
    c->state = 3;
    return WValue{WT_SUSPEND, {0}};
  default:
    c->state = -1;
    return None();
  }
}

const WFuncInfo agenInfo = {"agen", "agen", nullptr, 0, 0, 0, 0, 0, WFUNC_ASYNC_GENERATOR, "t", 1, 0, nullptr, nullptr};

WValue newAgen() {
  WValue fn = wrt_func_new([](WFunc *self, WValue *) { return wrt_coro_new(self, sizeof(WCoro), agenResume); },
                           &agenInfo, nullptr, nullptr, 0);
  return Call(fn, {});
}

WValue step(WValue aw, WValue sent = wrt_none(), int64_t mode = WRESUME_SEND) {
  WCoro *c = reinterpret_cast<WCoro *>(aw.o);
  return c->resume(c, sent, mode);
}

TEST_F(GeneratorTest, AsyncGeneratorAnextAwaitables) {
  WValue g = newAgen();
  EXPECT_EQ(typeOf(g), T.asyncGenerator);
  EXPECT_EQ(wrt_call_method(g, Name("__aiter__"), 0, nullptr).o, g.o);
  WValue a1 = wrt_call_method(g, Name("__anext__"), 0, nullptr);
  EXPECT_EQ(typeOf(a1), T.coroutine);
  EXPECT_EQ(R(step(a1)), "1");
  WValue a2 = wrt_call_method(g, Name("__anext__"), 0, nullptr);
  WValue r = step(a2);
  EXPECT_EQ(r.tag, WT_SUSPEND); // the generator's await is passed up
  EXPECT_EQ(R(reinterpret_cast<WCoro *>(a2.o)->yielded), "'future'");
  EXPECT_EQ(R(step(a2, S("woken"))), "'woken'");
  EXPECT_EQ(reinterpret_cast<WCoro *>(a2.o)->yielded.tag, WT_UNBOUND);
  EXPECT_EQ(reinterpret_cast<WCoro *>(g.o)->yielded.tag, WT_UNBOUND);
  WValue a3 = wrt_call_method(g, Name("__anext__"), 0, nullptr);
  EXPECT_EQ(step(a3).tag, WT_ERR);
  EXPECT_EQ(takeError(), "StopAsyncIteration");
  EXPECT_EQ(step(wrt_call_method(g, Name("__anext__"), 0, nullptr)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "StopAsyncIteration");
}

TEST_F(GeneratorTest, AsyncGeneratorAcloseAndAthrow) {
  WValue g = newAgen();
  EXPECT_EQ(R(step(wrt_call_method(g, Name("__anext__"), 0, nullptr))), "1");
  EXPECT_EQ(R(step(wrt_call_method(g, Name("aclose"), 0, nullptr))), "None");
  EXPECT_EQ(step(wrt_call_method(g, Name("__anext__"), 0, nullptr)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "StopAsyncIteration");
  WValue h = newAgen();
  step(wrt_call_method(h, Name("__anext__"), 0, nullptr));
  WValue exc = wrt_obj(T.KeyError);
  EXPECT_EQ(step(wrt_call_method(h, Name("athrow"), 1, &exc)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "KeyError");
}

} // namespace
} // namespace weft::rt::test
