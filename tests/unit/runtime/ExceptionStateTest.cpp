// ExceptionStateTest.cpp: the pending/handled exception state behind the
// error-return convention: raise of classes and instances, __context__ from
// the handled exception, raise-from, bare raise, matching against tuples,
// str()/repr() of exceptions, and the uncaught-exception report wrt_main
// prints (chained blocks, module-qualified names).
#include "ObjectTestUtil.h"

namespace weft::rt::test {
namespace {

class ExceptionTest : public RuntimeTest {};

TEST_F(ExceptionTest, RaiseClassOrInstance) {
  EXPECT_EQ(wrt_raise(wrt_obj(T.ValueError)).tag, WT_ERR);
  WValue e = wrt_err_fetch();
  EXPECT_EQ(R(e), "ValueError()");
  EXPECT_EQ(Str(e), "");
  WValue boom = Call(wrt_obj(T.ValueError), {S("boom")});
  EXPECT_EQ(R(boom), "ValueError('boom')");
  EXPECT_EQ(Str(boom), "boom");
  WValue two = Call(wrt_obj(T.KeyError), {S("a"), I(1)});
  EXPECT_EQ(Str(two), "('a', 1)");
  EXPECT_EQ(R(two), "KeyError('a', 1)");
  EXPECT_EQ(Str(Call(wrt_obj(T.KeyError), {S("k")})), "'k'");
  EXPECT_EQ(R(wrt_getattr(boom, Name("args"))), "('boom',)");
  EXPECT_EQ(wrt_raise(I(3)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: exceptions must derive from BaseException");
  EXPECT_EQ(wrt_reraise().tag, WT_ERR);
  EXPECT_EQ(takeError(), "RuntimeError: No active exception to reraise");
}

TEST_F(ExceptionTest, ContextAndCause) {
  // try: raise KeyError('a') except KeyError: raise ValueError('b')
  wrt_raise(Call(wrt_obj(T.KeyError), {S("a")}));
  WValue first = wrt_err_fetch();
  EXPECT_EQ(wrt_exc_matches(first, wrt_obj(T.LookupError)), 1);
  EXPECT_EQ(wrt_exc_matches(first, Tu({wrt_obj(T.ValueError), wrt_obj(T.KeyError)})), 1);
  EXPECT_EQ(wrt_exc_matches(first, wrt_obj(T.ValueError)), 0);
  WValue prev = wrt_exc_push_handled(first);
  wrt_raise(Call(wrt_obj(T.ValueError), {S("b")}));
  WValue second = wrt_err_fetch();
  EXPECT_EQ(wrt_getattr(second, Name("__context__")).o, first.o);
  EXPECT_EQ(R(wrt_getattr(second, Name("__cause__"))), "None");
  // bare raise re-raises the handled exception unchanged
  EXPECT_EQ(wrt_reraise().tag, WT_ERR);
  EXPECT_EQ(wrt_err_fetch().o, first.o);
  // raise ... from first
  wrt_raise_from(wrt_obj(T.RuntimeError), first);
  WValue third = wrt_err_fetch();
  EXPECT_EQ(wrt_getattr(third, Name("__cause__")).o, first.o);
  EXPECT_EQ(R(wrt_getattr(third, Name("__suppress_context__"))), "True");
  wrt_exc_set_handled(prev);
  EXPECT_EQ(wrt_exc_matches(first, I(1)), -1);
  EXPECT_EQ(takeError(), "TypeError: catching classes that do not inherit from BaseException is not allowed");
}

TEST_F(ExceptionTest, NamedHelpers) {
  wrt_raise_name_error(Name("foo"));
  EXPECT_EQ(takeError(), "NameError: name 'foo' is not defined");
  wrt_raise_unbound_local(Name("x"));
  EXPECT_EQ(takeError(),
            "UnboundLocalError: cannot access local variable 'x' where it is not associated with a value");
  wrt_raise_assert(wrt_unbound());
  EXPECT_EQ(takeError(), "AssertionError");
  wrt_raise_assert(S("math is broken: 2"));
  EXPECT_EQ(takeError(), "AssertionError: math is broken: 2");
  wrt_raise_zero_div(1);
  EXPECT_EQ(takeError(), "ZeroDivisionError: division by zero");
  wrt_builtin(Name("nosuchthing"));
  EXPECT_EQ(takeError(), "NameError: name 'nosuchthing' is not defined");
}

TEST_F(ExceptionTest, UserExceptionClasses) {
  WValue cls = wrt_class_new("PaymentError", wrt_obj(T.Exception), "PaymentError");
  WValue e = Call(cls, {S("amount 150 exceeds limit"), I(150)});
  EXPECT_EQ(R(wrt_getattr(e, Name("args"))), "('amount 150 exceeds limit', 150)");
  EXPECT_EQ(wrt_exc_matches(e, wrt_obj(T.Exception)), 1);
  wrt_setattr(e, Name("amount"), I(150));
  EXPECT_EQ(R(wrt_getattr(e, Name("amount"))), "150");
  EXPECT_EQ(R(e), "PaymentError('amount 150 exceeds limit', 150)");
  EXPECT_TRUE(isInstance(e, T.BaseException));
}

TEST_F(ExceptionTest, UncaughtReportIsCPythons) {
  WValue cls = wrt_class_new("PaymentError", wrt_obj(T.Exception), "PaymentError");
  WValue inner = Call(wrt_obj(T.KeyError), {S("k")});
  WValue outer = Call(cls, {S("failed")});
  asExc(outer)->context = inner;
  ::testing::internal::CaptureStderr();
  printException(outer);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err,
            "Traceback (most recent call last):\n"
            "KeyError: 'k'\n"
            "\nDuring handling of the above exception, another exception occurred:\n\n"
            "Traceback (most recent call last):\n"
            "PaymentError: failed\n");
  ::testing::internal::CaptureStderr();
  printException(newException(T.CancelledError, nullptr));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "Traceback (most recent call last):\nasyncio.exceptions.CancelledError\n");
}

} // namespace
} // namespace weft::rt::test

namespace weft::rt::test {
namespace {

TEST_F(ExceptionTest, ExceptionGroups) {
  WValue e1 = Call(wrt_obj(T.ValueError), {S("a")});
  WValue e2 = Call(wrt_obj(T.TypeError), {S("b")});
  WValue g = Call(wrt_obj(T.BaseExceptionGroup), {S("unhandled errors in a TaskGroup"), L({e1, e2})});
  EXPECT_EQ(typeOf(g), T.ExceptionGroup);
  EXPECT_EQ(Str(g), "unhandled errors in a TaskGroup (2 sub-exceptions)");
  EXPECT_EQ(R(wrt_getattr(g, Name("exceptions"))), "(ValueError('a'), TypeError('b'))");
  WValue c = newException(T.CancelledError, nullptr);
  WValue bg = Call(wrt_obj(T.BaseExceptionGroup), {S("x"), L({c})});
  EXPECT_EQ(typeOf(bg), T.BaseExceptionGroup);
  EXPECT_EQ(Str(bg), "x (1 sub-exception)");
  EXPECT_EQ(Call(wrt_obj(T.ExceptionGroup), {S("x"), L({c})}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: Cannot nest BaseExceptions in an ExceptionGroup");
}

} // namespace
} // namespace weft::rt::test

#include <cerrno>

namespace weft::rt::test {
namespace {

TEST_F(ExceptionTest, OSErrorPicksTheErrnoSubclass) {
  WValue e = Call(wrt_obj(T.OSError), {I(ENOENT), S("No such file or directory"), S("x.txt")});
  EXPECT_EQ(typeOf(e), T.FileNotFoundError);
  EXPECT_EQ(Str(e), "[Errno 2] No such file or directory: 'x.txt'");
  EXPECT_EQ(R(wrt_getattr(e, Name("errno"))), "2");
  EXPECT_EQ(typeOf(Call(wrt_obj(T.OSError), {S("plain")})), T.OSError);
  EXPECT_EQ(typeOf(newOSError(ECONNREFUSED)), T.ConnectionRefusedError);
  EXPECT_EQ(Str(newOSError(EACCES, "/root")), "[Errno 13] Permission denied: '/root'");
}

} // namespace
} // namespace weft::rt::test
