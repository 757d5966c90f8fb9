// ObjectOperatorTest.cpp: wrt_binop/wrt_unop/wrt_compare/wrt_truthy/
// wrt_contains and hashing on builtin values, checked against what CPython
// 3.11 prints for the same expressions (results and error messages).
#include "ObjectTestUtil.h"

#include <cmath>

namespace weft::rt::test {
namespace {

class OperatorTest : public RuntimeTest {
protected:
  std::string bin(int op, WValue a, WValue b) {
    WValue r = wrt_binop(op, a, b);
    return r.tag == WT_ERR ? takeError() : R(r);
  }
  std::string cmp(int op, WValue a, WValue b) {
    WValue r = wrt_compare(op, a, b);
    return r.tag == WT_ERR ? takeError() : R(r);
  }
};

TEST_F(OperatorTest, IntArithmeticFollowsPythonSigns) {
  EXPECT_EQ(bin(WOP_FLOORDIV, I(-7), I(2)), "-4");
  EXPECT_EQ(bin(WOP_MOD, I(-7), I(2)), "1");
  EXPECT_EQ(bin(WOP_MOD, I(7), I(-2)), "-1");
  EXPECT_EQ(bin(WOP_TRUEDIV, I(7), I(2)), "3.5");
  EXPECT_EQ(bin(WOP_POW, I(2), I(10)), "1024");
  EXPECT_EQ(bin(WOP_POW, I(2), I(-1)), "0.5");
  EXPECT_EQ(bin(WOP_LSHIFT, I(1), I(10)), "1024");
  EXPECT_EQ(bin(WOP_RSHIFT, I(-9), I(1)), "-5");
  EXPECT_EQ(bin(WOP_ADD, B(true), I(1)), "2");
  EXPECT_EQ(bin(WOP_AND, B(true), B(false)), "False");
  EXPECT_EQ(bin(WOP_XOR, B(true), B(false)), "True");
}

TEST_F(OperatorTest, IntErrorsUseCPythonMessages) {
  EXPECT_EQ(bin(WOP_FLOORDIV, I(1), I(0)), "ZeroDivisionError: integer division or modulo by zero");
  EXPECT_EQ(bin(WOP_MOD, I(1), I(0)), "ZeroDivisionError: integer modulo by zero");
  EXPECT_EQ(bin(WOP_TRUEDIV, I(1), I(0)), "ZeroDivisionError: division by zero");
  EXPECT_EQ(bin(WOP_POW, I(0), I(-1)), "ZeroDivisionError: 0.0 cannot be raised to a negative power");
  EXPECT_EQ(bin(WOP_LSHIFT, I(1), I(-1)), "ValueError: negative shift count");
  EXPECT_EQ(bin(WOP_ADD, I(INT64_MAX), I(1)), "OverflowError: int too large to fit in 64 bits");
  EXPECT_EQ(bin(WOP_MUL, I(INT64_MAX), I(2)), "OverflowError: int too large to fit in 64 bits");
  EXPECT_EQ(bin(WOP_POW, I(10), I(19)), "OverflowError: int too large to fit in 64 bits");
  EXPECT_EQ(bin(WOP_LSHIFT, I(1), I(64)), "OverflowError: int too large to fit in 64 bits");
  EXPECT_EQ(bin(WOP_ADD, I(1), S("a")), "TypeError: unsupported operand type(s) for +: 'int' and 'str'");
  EXPECT_EQ(bin(WOP_ADD, None(), I(1)), "TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'");
  EXPECT_EQ(bin(WOP_MATMUL, I(1), I(2)), "TypeError: unsupported operand type(s) for @: 'int' and 'int'");
  EXPECT_EQ(bin(WOP_POW, S("a"), I(2)), "TypeError: unsupported operand type(s) for ** or pow(): 'str' and 'int'");
}

TEST_F(OperatorTest, FloatArithmetic) {
  EXPECT_EQ(bin(WOP_FLOORDIV, F(-7.5), I(2)), "-4.0");
  EXPECT_EQ(bin(WOP_MOD, F(-7.5), I(2)), "0.5");
  EXPECT_EQ(bin(WOP_ADD, I(1), F(0.5)), "1.5");
  EXPECT_EQ(bin(WOP_TRUEDIV, F(1.0), I(0)), "ZeroDivisionError: float division by zero");
  EXPECT_EQ(bin(WOP_FLOORDIV, F(1.0), I(0)), "ZeroDivisionError: float floor division by zero");
  EXPECT_EQ(bin(WOP_MOD, F(1.0), F(0.0)), "ZeroDivisionError: float modulo");
  EXPECT_EQ(bin(WOP_POW, F(0.0), I(-1)), "ZeroDivisionError: 0.0 cannot be raised to a negative power");
  EXPECT_EQ(bin(WOP_LSHIFT, F(1.0), I(1)), "TypeError: unsupported operand type(s) for <<: 'float' and 'int'");
}

TEST_F(OperatorTest, UnaryOperators) {
  EXPECT_EQ(R(wrt_unop(WOP_NEG, I(1))), "-1");
  EXPECT_EQ(R(wrt_unop(WOP_INVERT, B(true))), "-2");
  EXPECT_EQ(R(wrt_unop(WOP_NEG, B(true))), "-1");
  EXPECT_EQ(R(wrt_unop(WOP_NEG, F(0.0))), "-0.0");
  EXPECT_EQ(wrt_unop(WOP_POS, S("a")).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: bad operand type for unary +: 'str'");
  EXPECT_EQ(wrt_unop(WOP_NEG, I(INT64_MIN)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "OverflowError: int too large to fit in 64 bits");
}

TEST_F(OperatorTest, SequenceOperators) {
  EXPECT_EQ(bin(WOP_ADD, L({I(1)}), L({I(2)})), "[1, 2]");
  EXPECT_EQ(bin(WOP_MUL, L({I(1), I(2)}), I(2)), "[1, 2, 1, 2]");
  EXPECT_EQ(bin(WOP_MUL, I(2), Tu({I(1)})), "(1, 1)");
  EXPECT_EQ(bin(WOP_MUL, L({I(1)}), I(-3)), "[]");
  EXPECT_EQ(bin(WOP_ADD, Tu({I(1)}), Tu({})), "(1,)");
  EXPECT_EQ(bin(WOP_ADD, L({I(1)}), Tu({I(1)})), "TypeError: can only concatenate list (not \"tuple\") to list");
  EXPECT_EQ(bin(WOP_ADD, Tu({I(1)}), L({I(1)})), "TypeError: can only concatenate tuple (not \"list\") to tuple");
  EXPECT_EQ(bin(WOP_MUL, L({I(1)}), S("a")), "TypeError: can't multiply sequence by non-int of type 'str'");
  EXPECT_EQ(bin(WOP_ADD, S("a"), S("b")), "'ab'");
  EXPECT_EQ(bin(WOP_MUL, S("ab"), I(2)), "'abab'");
  EXPECT_EQ(bin(WOP_ADD, S("a"), I(1)), "TypeError: can only concatenate str (not \"int\") to str");
}

TEST_F(OperatorTest, InplaceListExtendsInPlace) {
  WValue l = L({I(1)});
  WValue r = wrt_inplace(WOP_ADD, l, L({I(2)}));
  EXPECT_EQ(r.o, l.o);
  EXPECT_EQ(R(l), "[1, 2]");
  WValue r2 = wrt_inplace(WOP_MUL, l, I(2));
  EXPECT_EQ(r2.o, l.o);
  EXPECT_EQ(R(l), "[1, 2, 1, 2]");
  EXPECT_EQ(wrt_inplace(WOP_ADD, I(1), S("a")).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: unsupported operand type(s) for +=: 'int' and 'str'");
}

TEST_F(OperatorTest, SetAlgebraAndComparison) {
  WValue a = St({I(1), I(2), I(3)});
  WValue b = St({I(3), I(4)});
  EXPECT_EQ(bin(WOP_OR, a, b), "{1, 2, 3, 4}");
  EXPECT_EQ(bin(WOP_AND, a, b), "{3}");
  EXPECT_EQ(bin(WOP_SUB, a, b), "{1, 2}");
  EXPECT_EQ(bin(WOP_XOR, a, b), "{1, 2, 4}");
  EXPECT_EQ(R(newSet()), "set()");
  WValue sub = St({I(1)});
  EXPECT_EQ(cmp(WOP_LT, sub, a), "True");
  EXPECT_EQ(cmp(WOP_LE, a, a), "True");
  EXPECT_EQ(cmp(WOP_LT, a, a), "False");
  EXPECT_EQ(cmp(WOP_GT, a, sub), "True");
  // {1, True, 1.0} has one element.
  EXPECT_EQ(R(St({I(1), B(true), F(1.0)})), "{1}");
}

TEST_F(OperatorTest, ComparisonsAcrossTypes) {
  EXPECT_EQ(cmp(WOP_EQ, I(1), F(1.0)), "True");
  EXPECT_EQ(cmp(WOP_EQ, B(true), I(1)), "True");
  EXPECT_EQ(cmp(WOP_LT, I(1), F(1.5)), "True");
  EXPECT_EQ(cmp(WOP_EQ, I(1), S("1")), "False");
  EXPECT_EQ(cmp(WOP_NE, None(), I(0)), "True");
  EXPECT_EQ(cmp(WOP_LT, I(1), S("a")), "TypeError: '<' not supported between instances of 'int' and 'str'");
  EXPECT_EQ(cmp(WOP_LT, None(), None()), "TypeError: '<' not supported between instances of 'NoneType' and 'NoneType'");
  EXPECT_EQ(cmp(WOP_LT, L({I(1), I(2)}), L({I(1), I(3)})), "True");
  EXPECT_EQ(cmp(WOP_LT, L({I(1)}), L({I(1), I(0)})), "True");
  EXPECT_EQ(cmp(WOP_GE, Tu({I(2)}), Tu({I(1), I(9)})), "True");
  EXPECT_EQ(cmp(WOP_LT, L({I(1)}), L({S("a")})), "TypeError: '<' not supported between instances of 'int' and 'str'");
  EXPECT_EQ(cmp(WOP_EQ, L({I(1), F(2.0)}), L({B(true), I(2)})), "True");
  EXPECT_EQ(cmp(WOP_LT, S("abc"), S("abd")), "True");
  double nan = std::nan("");
  EXPECT_EQ(cmp(WOP_EQ, F(nan), F(nan)), "False");
  EXPECT_EQ(cmp(WOP_NE, F(nan), F(nan)), "True");
  WValue d1 = D({S("a")}, {I(1)});
  WValue d2 = D({S("a")}, {F(1.0)});
  EXPECT_EQ(cmp(WOP_EQ, d1, d2), "True");
}

TEST_F(OperatorTest, HashMatchesCPython) {
  bool ok;
  EXPECT_EQ(hashValue(I(-1), ok), -2);
  EXPECT_EQ(hashValue(F(1.5), ok), 1152921504606846977);
  EXPECT_EQ(hashValue(Tu({I(1), I(2)}), ok), -3550055125485641917);
  EXPECT_EQ(hashValue(I(INT64_MIN), ok), -4);
  EXPECT_EQ(hashValue(F(2.0), ok), hashValue(I(2), ok));
  EXPECT_EQ(hashValue(B(true), ok), 1);
  hashValue(L({}), ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(takeError(), "TypeError: unhashable type: 'list'");
}

TEST_F(OperatorTest, TruthAndMembership) {
  EXPECT_EQ(wrt_truthy(I(0)), 0);
  EXPECT_EQ(wrt_truthy(F(0.1)), 1);
  EXPECT_EQ(wrt_truthy(S("")), 0);
  EXPECT_EQ(wrt_truthy(L({})), 0);
  EXPECT_EQ(wrt_truthy(Tu({None()})), 1);
  EXPECT_EQ(wrt_truthy(None()), 0);
  EXPECT_EQ(wrt_contains(L({I(1), I(2)}), F(2.0)), 1);
  EXPECT_EQ(wrt_contains(Tu({I(1)}), I(3)), 0);
  EXPECT_EQ(wrt_contains(S("hello"), S("ell")), 1);
  WValue r = Call(wrt_obj(T.range), {I(0), I(10), I(3)});
  EXPECT_EQ(wrt_contains(r, I(9)), 1);
  EXPECT_EQ(wrt_contains(r, I(8)), 0);
  EXPECT_EQ(wrt_contains(I(1), I(1)), -1);
  EXPECT_EQ(takeError(), "TypeError: argument of type 'int' is not iterable");
  EXPECT_EQ(wrt_contains(S("a"), I(1)), -1);
  EXPECT_EQ(takeError(), "TypeError: 'in <string>' requires string as left operand, not int");
  EXPECT_EQ(wrt_is(None(), None()), 1);
  EXPECT_EQ(wrt_is(I(1), B(true)), 0);
}

TEST_F(OperatorTest, ReprOfBuiltins) {
  EXPECT_EQ(R(None()), "None");
  EXPECT_EQ(R(B(true)), "True");
  EXPECT_EQ(R(I(-42)), "-42");
  EXPECT_EQ(R(F(0.1)), "0.1");
  EXPECT_EQ(R(F(1e16)), "1e+16");
  EXPECT_EQ(R(L({I(1), S("a"), None()})), "[1, 'a', None]");
  EXPECT_EQ(R(Tu({I(1)})), "(1,)");
  EXPECT_EQ(R(Tu({})), "()");
  WValue d = D({S("a"), I(2)}, {I(1), L({})});
  EXPECT_EQ(R(d), "{'a': 1, 2: []}");
  EXPECT_EQ(R(wrt_obj(T.intType)), "<class 'int'>");
  EXPECT_EQ(R(wrt_slice_new(I(1), None(), None())), "slice(1, None, None)");
  WValue l = L({I(1)});
  wrt_list_append(l, l);
  EXPECT_EQ(R(l), "[1, [...]]");
  EXPECT_EQ(Str(S("x")), "x");
  EXPECT_EQ(Str(L({S("x")})), "['x']");
}

} // namespace
} // namespace weft::rt::test
