// BuiltinsTest.cpp: the builtin functions and type constructors against
// CPython 3.11 (results and exact error messages, printed by python3 for the
// same calls), including the builtin parts of conformance cases 002 and 031,
// print() through the one stdout buffer, and open() on a temporary file.
#include "ObjectTestUtil.h"

#include "core/BuiltinTable.h"
#include "core/Text.h"
#include "weft/rt/wrt_builtin_names.h"

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace weft::rt::test {
namespace {

class BuiltinsTest : public RuntimeTest {
protected:
  static std::string show(WValue r) { return r.tag == WT_ERR ? takeError() : R(r); }
  std::string b(const char *name, std::initializer_list<WValue> args = {}) {
    return show(Call(lookupBuiltin(name), args));
  }
  std::string bk(const char *name, std::initializer_list<WValue> args,
                 std::initializer_list<const char *> kw) {
    WValue names = newTuple(int64_t(kw.size()));
    int i = 0;
    for (const char *k : kw) asTuple(names)->items[i++] = S(k);
    return show(wrt_call_kw(lookupBuiltin(name), int64_t(args.size()),
                            const_cast<WValue *>(args.begin()), names.o));
  }
  /// list(builtin(*args)) for the lazy iterator builtins.
  std::string lb(const char *name, std::initializer_list<WValue> args) {
    WValue it = Call(lookupBuiltin(name), args);
    if (it.tag == WT_ERR) return takeError();
    return show(Call(lookupBuiltin("list"), {it}));
  }
};

// The compiler trusts wrt_may_be_builtin to know every builtin's name
// (wrt_builtin_names.h); a builtin it does not know could be what a direct
// call falls back to, and return a kind the compiler assumed it could not.
TEST_F(BuiltinsTest, EveryBuiltinNameIsKnownToTheCompiler) {
  std::vector<std::string> names = builtinNames();
  EXPECT_GT(names.size(), 60u);
  for (const std::string &name : names)
    EXPECT_TRUE(wrt_may_be_builtin(name.c_str())) << name;
  EXPECT_FALSE(wrt_may_be_builtin("fib"));
}

TEST_F(BuiltinsTest, RoundIsHalfEvenOnTheExactValue) {
  EXPECT_EQ(b("round", {F(2.5)}), "2");
  EXPECT_EQ(b("round", {F(3.5)}), "4");
  EXPECT_EQ(b("round", {F(-2.5)}), "-2");
  EXPECT_EQ(b("round", {F(2.675), I(2)}), "2.67");
  EXPECT_EQ(b("round", {F(1.23456), I(3)}), "1.235");
  EXPECT_EQ(b("round", {I(1234), I(-2)}), "1200");
  EXPECT_EQ(b("round", {I(1250), I(-2)}), "1200");
  EXPECT_EQ(b("round", {F(12345.678), I(-2)}), "12300.0");
  EXPECT_EQ(b("round", {F(0.5), I(0)}), "0.0");
  EXPECT_EQ(b("round", {F(-0.5)}), "0");
  EXPECT_EQ(b("round", {F(1e300), I(-300)}), "1e+300");
  EXPECT_EQ(b("round", {F(5.5), I(-1)}), "10.0");
  EXPECT_EQ(b("round", {F(15.0), I(-1)}), "20.0");
  EXPECT_EQ(b("round", {F(25.0), I(-1)}), "20.0");
  EXPECT_EQ(b("round", {F(INFINITY)}), "OverflowError: cannot convert float infinity to integer");
}

TEST_F(BuiltinsTest, NumberConstructorsParseLikeCPython) {
  EXPECT_EQ(b("int", {F(3.9)}), "3");
  EXPECT_EQ(b("int", {F(-3.9)}), "-3");
  EXPECT_EQ(b("float", {I(7)}), "7.0");
  EXPECT_EQ(b("float", {S("2.50")}), "2.5");
  EXPECT_EQ(b("int", {S("  42 ")}), "42");
  EXPECT_EQ(b("int", {S("-17")}), "-17");
  EXPECT_EQ(b("int", {S("0x1f"), I(16)}), "31");
  EXPECT_EQ(b("int", {S("0x1f"), I(0)}), "31");
  EXPECT_EQ(b("int", {S("1_000")}), "1000");
  EXPECT_EQ(b("int", {S("z"), I(36)}), "35");
  EXPECT_EQ(b("float", {S(" 1e3 ")}), "1000.0");
  EXPECT_EQ(b("float", {S("-inf")}), "-inf");
  EXPECT_EQ(b("float", {S("1_0.5")}), "10.5");
  EXPECT_EQ(b("float", {S(".5")}), "0.5");
  EXPECT_EQ(b("float", {S("5.")}), "5.0");
  EXPECT_EQ(b("float", {S("nan")}), "nan");
  EXPECT_EQ(b("int", {B(true)}), "1");
  EXPECT_EQ(b("int", {S("abc")}), "ValueError: invalid literal for int() with base 10: 'abc'");
  EXPECT_EQ(b("float", {S("x1")}), "ValueError: could not convert string to float: 'x1'");
  EXPECT_EQ(b("int", {S("1__0")}), "ValueError: invalid literal for int() with base 10: '1__0'");
  EXPECT_EQ(b("int", {S("")}), "ValueError: invalid literal for int() with base 10: ''");
  EXPECT_EQ(b("int", {S("12"), I(1)}), "ValueError: int() base must be >= 2 and <= 36, or 0");
  EXPECT_EQ(b("float", {S("1e")}), "ValueError: could not convert string to float: '1e'");
  EXPECT_EQ(b("float", {S("0x10")}), "ValueError: could not convert string to float: '0x10'");
  EXPECT_EQ(b("int", {S("010"), I(0)}), "ValueError: invalid literal for int() with base 0: '010'");
  EXPECT_EQ(b("int", {F(1.5), I(10)}), "TypeError: int() can't convert non-string with explicit base");
  EXPECT_EQ(b("int", {L({I(1)})}),
            "TypeError: int() argument must be a string, a bytes-like object or a real number, "
            "not 'list'");
  EXPECT_EQ(b("float", {L({I(1)})}),
            "TypeError: float() argument must be a string or a real number, not 'list'");
  EXPECT_EQ(b("int", {S("9223372036854775808")}),
            "OverflowError: int too large to convert to a 64-bit integer");
}

TEST_F(BuiltinsTest, Conformance031Messages) {
  EXPECT_EQ(b("chr", {I(-1)}), "ValueError: chr() arg not in range(0x110000)");
  EXPECT_EQ(b("int", {S("12")}), "12");
  EXPECT_EQ(b("ord", {S("ab")}), "TypeError: ord() expected a character, but string of length 2 found");
  EXPECT_EQ(b("min", {L({})}), "ValueError: min() arg is an empty sequence");
  EXPECT_EQ(bk("max", {L({}), I(7)}, {"default"}), "7");
  EXPECT_EQ(bk("max", {I(1), I(2), I(3)}, {"default"}),
            "TypeError: Cannot specify a default for max() with multiple positional arguments");
}

TEST_F(BuiltinsTest, Arithmetic) {
  EXPECT_EQ(b("divmod", {F(7.5), F(0.0)}), "ZeroDivisionError: float divmod()");
  EXPECT_EQ(b("divmod", {I(-7), I(2)}), "(-4, 1)");
  EXPECT_EQ(b("divmod", {F(7.5), I(2)}), "(3.0, 1.5)");
  EXPECT_EQ(b("pow", {I(3), I(4), I(5)}), "1");
  EXPECT_EQ(b("pow", {I(3), I(-1), I(7)}), "5");
  EXPECT_EQ(b("pow", {I(2), I(3), I(0)}), "ValueError: pow() 3rd argument cannot be 0");
  EXPECT_EQ(b("pow", {I(2), I(10)}), "1024");
  EXPECT_EQ(b("hex", {I(255)}), "'0xff'");
  EXPECT_EQ(b("oct", {I(-8)}), "'-0o10'");
  EXPECT_EQ(b("bin", {I(5)}), "'0b101'");
  EXPECT_EQ(b("hex", {F(1.0)}), "TypeError: 'float' object cannot be interpreted as an integer");
  EXPECT_EQ(b("abs", {I(-5)}), "5");
  EXPECT_EQ(b("abs", {F(-2.5)}), "2.5");
  EXPECT_EQ(b("abs", {S("x")}), "TypeError: bad operand type for abs(): 'str'");
  EXPECT_EQ(b("sum", {L({I(1), I(2), I(3)}), I(10)}), "16");
  WValue tenths = L({F(0.1), F(0.1), F(0.1), F(0.1), F(0.1), F(0.1), F(0.1), F(0.1), F(0.1), F(0.1)});
  EXPECT_EQ(b("sum", {tenths}), "0.9999999999999999");
  EXPECT_EQ(b("sum", {L({S("a")})}), "TypeError: unsupported operand type(s) for +: 'int' and 'str'");
  EXPECT_EQ(b("ord", {S("\xe2\x82\xac")}), "8364");
  EXPECT_EQ(b("chr", {I(8364)}), "'\xe2\x82\xac'");
}

TEST_F(BuiltinsTest, MinMaxSortedAnyAll) {
  EXPECT_EQ(b("max", {I(3), I(1), I(2)}), "3");
  EXPECT_EQ(b("min", {S("bca")}), "'a'");
  EXPECT_EQ(bk("max", {L({S("aa"), S("b")}), lookupBuiltin("len")}, {"key"}), "'aa'");
  EXPECT_EQ(bk("sorted", {L({I(3), I(1), I(2)}), B(true)}, {"reverse"}), "[3, 2, 1]");
  EXPECT_EQ(bk("sorted", {L({S("b"), S("A"), S("c")}), getAttrStr(wrt_obj(T.str), "lower")},
               {"key"}),
            "['A', 'b', 'c']");
  EXPECT_EQ(b("any", {L({I(0), I(0)})}), "False");
  EXPECT_EQ(b("all", {L({})}), "True");
  EXPECT_EQ(b("max", {L({F(1.5), I(2), F(0.5)})}), "2");
}

TEST_F(BuiltinsTest, IteratorBuiltins) {
  EXPECT_EQ(lb("zip", {L({I(1), I(2), I(3)}), S("ab")}), "[(1, 'a'), (2, 'b')]");
  EXPECT_EQ(lb("enumerate", {S("ab"), I(1)}), "[(1, 'a'), (2, 'b')]");
  EXPECT_EQ(lb("map", {lookupBuiltin("str"), L({I(1), I(2)})}), "['1', '2']");
  EXPECT_EQ(lb("filter", {None(), L({I(0), I(1), I(2), I(0)})}), "[1, 2]");
  EXPECT_EQ(lb("reversed", {Call(lookupBuiltin("range"), {I(5)})}), "[4, 3, 2, 1, 0]");
  EXPECT_EQ(lb("reversed", {L({I(1), I(2), I(3)})}), "[3, 2, 1]");
  EXPECT_EQ(lb("reversed", {S("h\xc3\xa9")}), "['\xc3\xa9', 'h']");
  EXPECT_EQ(lb("range", {I(10), I(0), I(-3)}), "[10, 7, 4, 1]");
  EXPECT_EQ(b("range", {I(1), I(2), I(0)}), "ValueError: range() arg 3 must not be zero");
  EXPECT_EQ(b("next", {Call(lookupBuiltin("iter"), {L({})})}), "StopIteration");
  EXPECT_EQ(b("next", {Call(lookupBuiltin("iter"), {L({})}), I(5)}), "5");
}

TEST_F(BuiltinsTest, TypesAndContainers) {
  EXPECT_EQ(b("isinstance", {B(true), wrt_obj(T.intType)}), "True");
  EXPECT_EQ(b("isinstance", {I(1), Tu({wrt_obj(T.str), wrt_obj(T.floatType)})}), "False");
  EXPECT_EQ(b("isinstance", {I(1), I(1)}),
            "TypeError: isinstance() arg 2 must be a type, a tuple of types, or a union");
  EXPECT_EQ(bk("dict", {L({Tu({S("a"), I(1)})}), I(2)}, {"b"}), "{'a': 1, 'b': 2}");
  EXPECT_EQ(b("dict", {L({Tu({I(1), I(2), I(3)})})}),
            "ValueError: dictionary update sequence element #0 has length 3; 2 is required");
  EXPECT_EQ(b("dict", {L({I(1)})}),
            "TypeError: cannot convert dictionary update sequence element #0 to a sequence");
  EXPECT_EQ(b("tuple", {L({I(1), I(2)})}), "(1, 2)");
  EXPECT_EQ(b("set", {L({I(1), I(1), I(2)})}), "{1, 2}");
  EXPECT_EQ(b("list", {S("ab")}), "['a', 'b']");
  EXPECT_EQ(b("str", {F(12.0)}), "'12.0'");
  EXPECT_EQ(b("str", {newBytes("x"), S("utf-8")}), "'x'");
  EXPECT_EQ(b("bool", {L({})}), "False");
  EXPECT_EQ(b("repr", {S("x")}), "\"'x'\"");
  EXPECT_EQ(b("format", {F(3.14159), S(".2f")}), "'3.14'");
  EXPECT_EQ(b("ascii", {S("\xc3\xa9")}), "\"'\\\\xe9'\"");
  EXPECT_EQ(b("callable", {lookupBuiltin("len")}), "True");
  EXPECT_EQ(b("callable", {I(1)}), "False");
  EXPECT_EQ(b("len", {S("h\xc3\xa9llo")}), "5");
  EXPECT_EQ(b("hasattr", {S("x"), S("upper")}), "True");
  EXPECT_EQ(b("hasattr", {S("x"), S("nope")}), "False");
  EXPECT_EQ(b("getattr", {S("x"), S("nope"), I(3)}), "3");
}

TEST_F(BuiltinsTest, PrintGoesThroughOneBuffer) {
  flushStdout();
  testing::internal::CaptureStdout();
  Call(lookupBuiltin("print"), {I(1), S("a"), F(2.5), None(), B(true), L({S("x")})});
  WValue names = Tu({S("sep"), S("end")});
  WValue args[4] = {I(1), I(2), S("-"), S("!\n")};
  wrt_call_kw(lookupBuiltin("print"), 4, args, names.o);
  WValue w = getAttrStr(stdStream(1), "write");
  Call(w, {S("raw\n")});
  flushStdout();
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "1 a 2.5 None True ['x']\n1-2!\nraw\n");
  EXPECT_EQ(b("print", {}), "None");
  flushStdout();
}

TEST_F(BuiltinsTest, OpenWriteReadIterate) {
  char path[] = "/tmp/weft_rttext_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  WValue f = Call(lookupBuiltin("open"), {S(path), S("w")});
  ASSERT_EQ(f.tag, uint64_t(WT_OBJ));
  WValue text = S("one\ntw\xc3\xa9\r\nthree");
  EXPECT_EQ(show(callMethod(f, "write", 1, &text)), "14");
  EXPECT_EQ(show(callMethod(f, "close", 0, nullptr)), "None");
  f = Call(lookupBuiltin("open"), {S(path)});
  EXPECT_EQ(show(callMethod(f, "readline", 0, nullptr)), "'one\\n'");
  EXPECT_EQ(show(callMethod(f, "readlines", 0, nullptr)), "['tw\xc3\xa9\\n', 'three']");
  EXPECT_EQ(show(callMethod(f, "readline", 0, nullptr)), "''");
  callMethod(f, "close", 0, nullptr);
  EXPECT_EQ(show(callMethod(f, "read", 0, nullptr)), "ValueError: I/O operation on closed file.");
  f = Call(lookupBuiltin("open"), {S(path), S("rb")});
  EXPECT_EQ(show(callMethod(f, "read", 0, nullptr)), "b'one\\ntw\\xc3\\xa9\\r\\nthree'");
  f = Call(lookupBuiltin("open"), {S(path)});
  EXPECT_EQ(show(Call(lookupBuiltin("list"), {f})), "['one\\n', 'tw\xc3\xa9\\n', 'three']");
  f = Call(lookupBuiltin("open"), {S(path)});
  WValue four = I(4);
  EXPECT_EQ(show(callMethod(f, "read", 1, &four)), "'one\\n'");
  EXPECT_EQ(show(callMethod(f, "read", 0, nullptr)), "'tw\xc3\xa9\\nthree'");
  unlink(path);
  EXPECT_EQ(b("open", {S("/nonexistent/x.txt")}),
            "FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/x.txt'");
}

} // namespace
} // namespace weft::rt::test
