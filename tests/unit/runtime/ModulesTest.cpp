// ModulesTest.cpp: the small native modules (sys, os, os.path, time,
// typing, datetime) against what CPython 3.11 prints for the same calls.
#include "ObjectTestUtil.h"
#include "core/Text.h"

namespace weft::rt::test {
namespace {

class ModulesTest : public RuntimeTest {
protected:
  std::string c(const char *mod, const char *name, std::initializer_list<WValue> args = {}) {
    WValue f = getAttrStr(wrt_import(mod), name);
    if (f.tag == WT_ERR) return takeError();
    WValue r = Call(f, args);
    return r.tag == WT_ERR ? takeError() : R(r);
  }
  std::string attr(const char *mod, const char *name) {
    WValue v = getAttrStr(wrt_import(mod), name);
    return v.tag == WT_ERR ? takeError() : R(v);
  }
};

TEST_F(ModulesTest, Sys) {
  EXPECT_EQ(c("sys", "exit", {I(3)}), "SystemExit: 3");
  EXPECT_EQ(c("sys", "exit"), "SystemExit");
  EXPECT_EQ(attr("sys", "maxsize"), "9223372036854775807");
  EXPECT_EQ(attr("sys", "platform"), "'linux'");
  EXPECT_EQ(attr("sys", "version_info"), "(3, 11, 7, 'final', 0)");
  EXPECT_EQ(getAttrStr(wrt_import("sys"), "stdout").o, stdStream(1).o);
}

TEST_F(ModulesTest, OsAndPath) {
  EXPECT_EQ(c("os.path", "splitext", {S("a/b.tar.gz")}), "('a/b.tar', '.gz')");
  EXPECT_EQ(c("os.path", "splitext", {S(".bashrc")}), "('.bashrc', '')");
  EXPECT_EQ(c("os.path", "basename", {S("/x/y.txt")}), "'y.txt'");
  EXPECT_EQ(c("os.path", "dirname", {S("/x/y.txt")}), "'/x'");
  EXPECT_EQ(c("os.path", "dirname", {S("y")}), "''");
  EXPECT_EQ(c("os.path", "join", {S("/a"), S("b"), S("/c"), S("d")}), "'/c/d'");
  EXPECT_EQ(c("os.path", "exists", {S("/")}), "True");
  EXPECT_EQ(c("os.path", "isdir", {S("/no/such")}), "False");
  EXPECT_EQ(c("os", "getenv", {S("NO_SUCH_XYZ"), S("d")}), "'d'");
  EXPECT_EQ(R(wrt_getitem(getAttrStr(wrt_import("os"), "environ"), S("NO_SUCH_XYZ"))), "<ERR>");
  EXPECT_EQ(takeError(), "KeyError: 'NO_SUCH_XYZ'");
  EXPECT_EQ(R(getAttrStr(wrt_import("os"), "path")), R(wrt_import("os.path")));
}

TEST_F(ModulesTest, Time) {
  WValue gm = Call(getAttrStr(wrt_import("time"), "gmtime"), {I(0)});
  EXPECT_EQ(R(gm), "time.struct_time(tm_year=1970, tm_mon=1, tm_mday=1, tm_hour=0, tm_min=0, "
                   "tm_sec=0, tm_wday=3, tm_yday=1, tm_isdst=0)");
  EXPECT_EQ(R(wrt_getitem(gm, I(0))), "1970");
  EXPECT_EQ(c("time", "strftime", {S("%Y-%m-%d %H:%M:%S"),
                                    Call(getAttrStr(wrt_import("time"), "gmtime"), {I(31536000)})}),
            "'1971-01-01 00:00:00'");
  EXPECT_EQ(c("time", "sleep", {F(0.001)}), "None");
  EXPECT_EQ(c("time", "sleep", {I(-1)}), "ValueError: sleep length must be non-negative");
  WValue t0 = Call(getAttrStr(wrt_import("time"), "monotonic"), {});
  WValue t1 = Call(getAttrStr(wrt_import("time"), "monotonic"), {});
  EXPECT_LE(t0.f, t1.f);
}

TEST_F(ModulesTest, TypingAndDatetime) {
  WValue opt = getAttrStr(wrt_import("typing"), "Optional");
  EXPECT_EQ(R(opt), "typing.Optional");
  EXPECT_EQ(R(wrt_getitem(opt, wrt_obj(T.intType))), "typing.Optional[int]");
  WValue dict = getAttrStr(wrt_import("typing"), "Dict");
  EXPECT_EQ(R(wrt_getitem(dict, Tu({wrt_obj(T.str), wrt_obj(T.floatType)}))),
            "typing.Dict[str, float]");
  EXPECT_EQ(c("typing", "cast", {wrt_obj(T.intType), I(3)}), "3");
  WValue dt = Call(getAttrStr(wrt_import("datetime"), "datetime"), {I(2020), I(1), I(2), I(3), I(4), I(5), I(6)});
  EXPECT_EQ(R(dt), "datetime.datetime(2020, 1, 2, 3, 4, 5, 6)");
  EXPECT_EQ(Str(dt), "2020-01-02 03:04:05.000006");
  EXPECT_EQ(R(callMethod(dt, "isoformat", 0, nullptr)), "'2020-01-02T03:04:05.000006'");
  EXPECT_EQ(R(getAttrStr(dt, "year")), "2020");
  WValue now = callMethod(getAttrStr(wrt_import("datetime"), "datetime"), "now", 0, nullptr);
  EXPECT_EQ(std::string(typeOf(now)->name), "datetime");
  EXPECT_EQ(R(Call(getAttrStr(wrt_import("datetime"), "datetime"), {I(2020), I(13), I(1)})), "<ERR>");
  EXPECT_EQ(takeError(), "ValueError: month must be in 1..12");
}

} // namespace
} // namespace weft::rt::test
