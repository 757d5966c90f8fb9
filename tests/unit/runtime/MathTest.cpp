// MathTest.cpp: the `math` module against CPython 3.11: results (ints from
// floor/ceil/trunc, exact fsum, comb/perm/isqrt/gcd) and the error each
// domain or range failure raises. Conformance case 036_math_module is
// replayed line by line.
#include "ObjectTestUtil.h"

#include <cmath>

namespace weft::rt::test {
namespace {

class MathTest : public RuntimeTest {
protected:
  std::string c(const char *name, std::initializer_list<WValue> args = {}) {
    WValue f = getAttrStr(wrt_import("math"), name);
    if (f.tag == WT_ERR) return takeError();
    WValue r = Call(f, args);
    return r.tag == WT_ERR ? takeError() : R(r);
  }
  std::string attr(const char *name) { return R(getAttrStr(wrt_import("math"), name)); }
};

TEST_F(MathTest, Conformance036) {
  EXPECT_EQ(c("sqrt", {F(16.0)}), "4.0");
  EXPECT_EQ(c("floor", {F(-2.5)}), "-3");
  EXPECT_EQ(c("ceil", {F(-2.5)}), "-2");
  EXPECT_EQ(c("floor", {F(2.5)}), "2");
  EXPECT_EQ(c("trunc", {F(-2.7)}), "-2");
  EXPECT_EQ(c("gcd", {I(12), I(18)}), "6");
  EXPECT_EQ(c("isclose", {F(0.1 + 0.2), F(0.3)}), "True");
  EXPECT_EQ(c("fabs", {F(-3.0)}), "3.0");
  EXPECT_EQ(c("pow", {F(2.0), F(10.0)}), "1024.0");
  EXPECT_EQ(c("log", {F(M_E)}), "1.0");
  EXPECT_EQ(c("log10", {F(1000.0)}), "3.0");
  EXPECT_EQ(c("log2", {F(8.0)}), "3.0");
  EXPECT_EQ(c("hypot", {F(3.0), F(4.0)}), "5.0");
  EXPECT_EQ(c("isinf", {F(INFINITY)}), "True");
  EXPECT_EQ(c("isnan", {F(NAN)}), "True");
  EXPECT_EQ(c("factorial", {I(10)}), "3628800");
  EXPECT_EQ(c("exp", {F(0.0)}), "1.0");
  EXPECT_EQ(c("floor", {F(3.5)}), "3");
  EXPECT_EQ(c("ceil", {F(3.5)}), "4");
  EXPECT_EQ(c("comb", {I(5), I(2)}), "10");
  EXPECT_EQ(c("degrees", {F(M_PI)}), "180.0");
  EXPECT_EQ(c("isqrt", {I(17)}), "4");
  EXPECT_EQ(c("copysign", {F(3.0), F(-0.0)}), "-3.0");
  EXPECT_EQ(c("fsum", {L({F(0.1), F(0.1), F(0.1), F(0.1), F(0.1), F(0.1), F(0.1), F(0.1),
                          F(0.1), F(0.1)})}),
            "1.0");
  EXPECT_EQ(attr("pi"), "3.141592653589793");
  EXPECT_EQ(attr("e"), "2.718281828459045");
  EXPECT_EQ(attr("inf"), "inf");
}

TEST_F(MathTest, MoreResults) {
  EXPECT_EQ(c("log", {I(8), I(2)}), "3.0");
  EXPECT_EQ(c("log", {I(100), I(10)}), "2.0");
  EXPECT_EQ(c("fsum", {L({F(1e100), F(1.0), F(-1e100), F(1e-100)})}), "1.0");
  EXPECT_EQ(c("comb", {I(52), I(5)}), "2598960");
  EXPECT_EQ(c("perm", {I(5), I(2)}), "20");
  EXPECT_EQ(c("perm", {I(5)}), "120");
  EXPECT_EQ(c("isqrt", {I(1000000000000000000)}), "1000000000");
  EXPECT_EQ(c("gcd", {I(0), I(0)}), "0");
  EXPECT_EQ(c("gcd", {I(-12), I(18), I(30)}), "6");
  EXPECT_EQ(c("lcm", {I(4), I(6)}), "12");
  EXPECT_EQ(c("prod", {L({I(1), I(2), I(3), I(4)})}), "24");
  EXPECT_EQ(c("hypot", {I(3), I(4), I(12)}), "13.0");
  EXPECT_EQ(c("fmod", {I(-7), I(3)}), "-1.0");
  EXPECT_EQ(c("frexp", {F(8.0)}), "(0.5, 4)");
  EXPECT_EQ(c("modf", {F(-2.5)}), "(-0.5, -2.0)");
  EXPECT_EQ(c("degrees", {I(1)}), "57.29577951308232");
  EXPECT_EQ(c("dist", {Tu({I(0), I(0)}), Tu({I(3), I(4)})}), "5.0");
  EXPECT_EQ(c("floor", {I(7)}), "7");
}

TEST_F(MathTest, ErrorsMatchCPython) {
  EXPECT_EQ(c("sqrt", {F(-1.0)}), "ValueError: math domain error");
  EXPECT_EQ(c("log", {I(0)}), "ValueError: math domain error");
  EXPECT_EQ(c("log", {I(-1)}), "ValueError: math domain error");
  EXPECT_EQ(c("exp", {I(1000)}), "OverflowError: math range error");
  EXPECT_EQ(c("acos", {I(2)}), "ValueError: math domain error");
  EXPECT_EQ(c("pow", {F(0.0), F(-1.0)}), "ValueError: math domain error");
  EXPECT_EQ(c("pow", {F(10.0), F(400.0)}), "OverflowError: math range error");
  EXPECT_EQ(c("factorial", {I(-1)}), "ValueError: factorial() not defined for negative values");
  EXPECT_EQ(c("factorial", {F(2.0)}), "TypeError: 'float' object cannot be interpreted as an integer");
  EXPECT_EQ(c("floor", {F(INFINITY)}), "OverflowError: cannot convert float infinity to integer");
  EXPECT_EQ(c("sqrt", {S("x")}), "TypeError: must be real number, not str");
}

} // namespace
} // namespace weft::rt::test
