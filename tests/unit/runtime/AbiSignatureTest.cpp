// AbiSignatureTest.cpp: checks every prototype in wrt_api.h against its
// signature letters in wrt_abi.def at compile time (V WValue, P any pointer,
// I int64_t, v void; a parameter list "v" means none), and at link time that
// the runtime defines each function (taking its address pulls it in).
#include "weft/rt/wrt_api.h"

#include <gtest/gtest.h>

#include <string_view>
#include <type_traits>

namespace {

template <class T, class = void> struct Letter {
  static constexpr char value = '?';
};
template <> struct Letter<WValue> {
  static constexpr char value = 'V';
};
template <> struct Letter<int64_t> {
  static constexpr char value = 'I';
};
template <> struct Letter<void> {
  static constexpr char value = 'v';
};
template <class T> struct Letter<T *> {
  static constexpr char value = 'P';
};

template <class F> struct Sig;
template <class R, class... A> struct Sig<R(A...)> {
  static constexpr char result = Letter<R>::value;
  static constexpr char params[sizeof...(A) + 1] = {Letter<A>::value..., '\0'};
};

constexpr bool sameParams(std::string_view actual, std::string_view declared) {
  return actual == declared || (declared == "v" && actual.empty());
}

#define WRT_FN(fn, resultLetter, paramLetters)                                              \
  static_assert(Sig<decltype(fn)>::result == resultLetter[0] && sizeof(resultLetter) == 2,  \
                #fn ": result type does not match wrt_abi.def");                           \
  static_assert(sameParams(Sig<decltype(fn)>::params, paramLetters),                       \
                #fn ": parameter types do not match wrt_abi.def");
#include "weft/rt/wrt_abi.def"
#undef WRT_FN

struct AbiEntry {
  const char *name;
  const void *address;
};

const AbiEntry entries[] = {
#define WRT_FN(fn, resultLetter, paramLetters) {#fn, reinterpret_cast<const void *>(&fn)},
#include "weft/rt/wrt_abi.def"
#undef WRT_FN
};

TEST(AbiSignatureTest, EveryFunctionIsDefined) {
  size_t n = 0;
  for (const AbiEntry &e : entries) {
    EXPECT_NE(e.address, nullptr) << e.name;
    n++;
  }
  EXPECT_GE(n, 68u); // the .def has 68 entries today; it only grows
}

TEST(AbiSignatureTest, ValueLayoutIsTwoWords) {
  EXPECT_EQ(sizeof(WValue), 16u);
  EXPECT_EQ(offsetof(WCell, value), 8u);
  EXPECT_EQ(WT_UNBOUND, 0);
}

} // namespace
