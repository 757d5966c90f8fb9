// ObjectTestUtil.h: helpers shared by the rt-core unit tests: a fixture that
// initialises the runtime once, and shorthands to build values and to read
// back repr() text and the pending exception as CPython prints it.
#ifndef WEFT_TESTS_UNIT_RUNTIME_OBJECTTESTUTIL_H
#define WEFT_TESTS_UNIT_RUNTIME_OBJECTTESTUTIL_H

#include "core/Object.h"
#include "weft/rt/wrt_api.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace weft::rt::test {

class RuntimeTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { initRuntime(); }
  void TearDown() override {
    // A test must not leak a pending exception into the next one.
    EXPECT_FALSE(errOccurred()) << "pending: " << takeError();
    errClear();
    setHandled(wrt_unbound());
  }

public:
  /// "ValueError: boom" for the pending exception (cleared), or "" if none.
  static std::string takeError() {
    WValue e = errFetch();
    if (e.tag != WT_OBJ) return "";
    std::string out = typeOf(e)->name;
    WValue s = excStr(e);
    if (s.tag == WT_OBJ && asStr(s)->nbytes) {
      out += ": ";
      out += strView(s);
    }
    return out;
  }
};

inline WValue S(const char *s) { return newStr(s); }
inline WValue I(int64_t i) { return wrt_int(i); }
inline WValue F(double f) { return wrt_float(f); }
inline WValue B(bool b) { return wrt_bool(b); }
inline WValue None() { return wrt_none(); }

inline WValue L(std::initializer_list<WValue> xs) {
  return wrt_list_new(int64_t(xs.size()), const_cast<WValue *>(xs.begin()));
}
inline WValue Tu(std::initializer_list<WValue> xs) {
  return wrt_tuple_new(int64_t(xs.size()), const_cast<WValue *>(xs.begin()));
}
inline WValue St(std::initializer_list<WValue> xs) {
  return wrt_set_new(int64_t(xs.size()), const_cast<WValue *>(xs.begin()));
}
inline WValue D(std::initializer_list<WValue> keys, std::initializer_list<WValue> values) {
  return wrt_dict_new(int64_t(keys.size()), const_cast<WValue *>(keys.begin()),
                      const_cast<WValue *>(values.begin()));
}
inline WValue Call(WValue f, std::initializer_list<WValue> args) {
  return wrt_call(f, int64_t(args.size()), const_cast<WValue *>(args.begin()));
}
inline WObj *Name(const char *s) { return wrt_intern(s, int64_t(std::char_traits<char>::length(s))); }

/// repr(v) as std::string ("<ERR>" if it failed).
inline std::string R(WValue v) {
  if (v.tag == WT_ERR) return "<ERR>";
  WValue r = repr(v);
  if (r.tag == WT_ERR) return "<ERR>";
  return std::string(strView(r));
}

inline std::string Str(WValue v) {
  WValue r = str(v);
  if (r.tag == WT_ERR) return "<ERR>";
  return std::string(strView(r));
}

} // namespace weft::rt::test

#endif
