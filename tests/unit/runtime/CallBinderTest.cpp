// CallBinderTest.cpp: the argument binder shared by compiled and native
// functions (defaults, keywords, *args, **kwargs, keyword-only) and its
// CPython TypeError messages; wrt_call_ex; bound methods; native functions
// declared with makeNative's parameter strings.
#include "ObjectTestUtil.h"

namespace weft::rt::test {
namespace {

/// A "compiled" function that returns its bound argument slots as a tuple.
WValue echoCode(WFunc *self, WValue *args) { return newTupleFrom(self->info->nparams, args); }

const char *const fNames[] = {"x", "y"};
const WFuncInfo fInfo = {"f", "f", fNames, 2, 2, 0, 0, 0, 0, "t.weft", 1, 0, nullptr, nullptr};
const char *const gNames[] = {"x", "y"};
const WFuncInfo gInfo = {"g", "g", gNames, 2, 2, 0, 0, 0, 0, "t.weft", 2, 0, nullptr, nullptr};
const char *const hNames[] = {"x", "k"};
const WFuncInfo hInfo = {"h", "h", hNames, 2, 1, 1, 0, 0, 0, "t.weft", 3, 0, nullptr, nullptr};
const char *const jNames[] = {"a", "b", "c"};
const WFuncInfo jInfo = {"j", "j", jNames, 3, 3, 0, 0, 0, 0, "t.weft", 4, 0, nullptr, nullptr};
// def v(a, b=2, *rest, k=5, **kw)
const char *const vNames[] = {"a", "b", "rest", "k", "kw"};
const WFuncInfo vInfo = {"v", "C.v", vNames, 5, 2, 1, 1, 1, 0, "t.weft", 5, 0, nullptr, nullptr};

class CallTest : public RuntimeTest {
protected:
  WValue f, g, h, j, v;
  void SetUp() override {
    f = wrt_func_new(echoCode, &fInfo, nullptr, nullptr, 0);
    WValue gd[2] = {wrt_unbound(), I(2)};
    g = wrt_func_new(echoCode, &gInfo, gd, nullptr, 0);
    h = wrt_func_new(echoCode, &hInfo, nullptr, nullptr, 0);
    j = wrt_func_new(echoCode, &jInfo, nullptr, nullptr, 0);
    WValue vd[5] = {wrt_unbound(), I(2), wrt_unbound(), I(5), wrt_unbound()};
    v = wrt_func_new(echoCode, &vInfo, vd, nullptr, 0);
  }
  /// Calls [fn] with positional [args] then keywords [kw] (name, value pairs).
  std::string callWith(WValue fn, std::initializer_list<WValue> args,
                       std::initializer_list<std::pair<const char *, WValue>> kw = {}) {
    std::vector<WValue> argv(args);
    WValue names = newTuple(int64_t(kw.size()));
    int i = 0;
    for (auto &p : kw) {
      asTuple(names)->items[i++] = wrt_obj(Name(p.first));
      argv.push_back(p.second);
    }
    WValue r = wrt_call_kw(fn, int64_t(argv.size()), argv.data(), kw.size() ? names.o : nullptr);
    return r.tag == WT_ERR ? takeError() : R(r);
  }
};

TEST_F(CallTest, BindsPositionalKeywordsAndDefaults) {
  EXPECT_EQ(callWith(f, {I(1), I(2)}), "(1, 2)");
  EXPECT_EQ(callWith(f, {I(1)}, {{"y", I(3)}}), "(1, 3)");
  EXPECT_EQ(callWith(f, {}, {{"y", I(3)}, {"x", I(4)}}), "(4, 3)");
  EXPECT_EQ(callWith(g, {I(1)}), "(1, 2)");
  EXPECT_EQ(callWith(h, {I(1)}, {{"k", I(9)}}), "(1, 9)");
  EXPECT_EQ(callWith(v, {I(1)}), "(1, 2, (), 5, {})");
  EXPECT_EQ(callWith(v, {I(1), I(2), I(3), I(4)}, {{"k", I(0)}, {"z", S("q")}}),
            "(1, 2, (3, 4), 0, {'z': 'q'})");
}

TEST_F(CallTest, BinderErrorsMatchCPython) {
  EXPECT_EQ(callWith(f, {I(1), I(2), I(3)}), "TypeError: f() takes 2 positional arguments but 3 were given");
  EXPECT_EQ(callWith(g, {I(1), I(2), I(3)}),
            "TypeError: g() takes from 1 to 2 positional arguments but 3 were given");
  EXPECT_EQ(callWith(g, {}), "TypeError: g() missing 1 required positional argument: 'x'");
  EXPECT_EQ(callWith(f, {}), "TypeError: f() missing 2 required positional arguments: 'x' and 'y'");
  EXPECT_EQ(callWith(j, {}),
            "TypeError: j() missing 3 required positional arguments: 'a', 'b', and 'c'");
  EXPECT_EQ(callWith(f, {I(1)}, {{"z", I(3)}}), "TypeError: f() got an unexpected keyword argument 'z'");
  EXPECT_EQ(callWith(f, {I(1)}, {{"x", I(2)}}), "TypeError: f() got multiple values for argument 'x'");
  EXPECT_EQ(callWith(h, {I(1)}), "TypeError: h() missing 1 required keyword-only argument: 'k'");
  EXPECT_EQ(callWith(h, {I(1), I(2)}), "TypeError: h() takes 1 positional argument but 2 were given");
  EXPECT_EQ(callWith(h, {I(1), I(2)}, {{"k", I(3)}}),
            "TypeError: h() takes 1 positional argument but 2 positional arguments (and 1 "
            "keyword-only argument) were given");
  EXPECT_EQ(callWith(I(3), {}), "TypeError: 'int' object is not callable");
}

TEST_F(CallTest, CallEx) {
  WValue r = wrt_call_ex(v, Tu({I(1), I(2), I(3)}), D({S("k"), S("extra")}, {I(7), None()}));
  EXPECT_EQ(R(r), "(1, 2, (3,), 7, {'extra': None})");
  EXPECT_EQ(R(wrt_call_ex(f, L({I(1), I(2)}), None())), "(1, 2)");
  EXPECT_EQ(wrt_call_ex(f, I(1), None()).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: Value after * must be an iterable, not int");
}

TEST_F(CallTest, NativeFunctionsUseTheSameBinder) {
  WValue n = makeNative("clamp", [](WNativeFunc *, WValue *a) {
    return newTupleFrom(4, a);
  }, "x, /, lo=0, hi=?, *, strict=False");
  EXPECT_EQ(callWith(n, {I(5)}), "(5, 0, <unbound>, False)");
  EXPECT_EQ(callWith(n, {I(5), I(1), I(9)}, {{"strict", B(true)}}), "(5, 1, 9, True)");
  EXPECT_EQ(callWith(n, {}, {{"x", I(1)}}),
            "TypeError: clamp() got some positional-only arguments passed as keyword arguments: 'x'");
  EXPECT_EQ(callWith(n, {I(1), I(2), I(3), I(4)}),
            "TypeError: clamp() takes from 1 to 3 positional arguments but 4 were given");
  EXPECT_EQ(R(n), "<built-in function clamp>");
}

TEST_F(CallTest, BoundMethodsAndMethodCalls) {
  WValue l = L({I(3)});
  WValue append = wrt_getattr(l, Name("append"));
  ASSERT_EQ(append.tag, WT_OBJ);
  EXPECT_EQ(R(Call(append, {I(4)})), "None");
  EXPECT_EQ(R(l), "[3, 4]");
  EXPECT_EQ(R(append).substr(0, 35), "<built-in method append of list obj");
  WValue s = wrt_call_method(L({}), Name("nosuch"), 0, nullptr);
  EXPECT_EQ(s.tag, WT_ERR);
  EXPECT_EQ(takeError(), "AttributeError: 'list' object has no attribute 'nosuch'");
}

} // namespace
} // namespace weft::rt::test
