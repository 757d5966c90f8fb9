// StreamReaderTest.cpp: asyncio.StreamReader's buffer logic without sockets
// (feed_data / feed_eof, then readline, readuntil, readexactly and read), and
// the IncompleteReadError it raises at EOF (issue 7).
#include "CoroTestSupport.h"

using namespace weft::rt;
using namespace weft::rt::testing;

namespace {

class StreamReaderTest : public AsyncioFixture {
protected:
  void SetUp() override {
    AsyncioFixture::SetUp();
    initAsyncio();
    roots[9] = wrt_import("_asyncio");
    ASSERT_EQ(roots[9].tag, WT_OBJ);
    roots[10] = call(getAttrStr(roots[9], "StreamReader"), 0, nullptr);
    ASSERT_EQ(roots[10].tag, WT_OBJ);
  }
  WValue reader() { return roots[10]; }
  WValue m(const char *name, std::vector<WValue> args) {
    return callMethod(reader(), name, int64_t(args.size()), args.data());
  }
  std::string rep(WValue v) {
    if (v.tag == WT_ERR) return errLine();
    return std::string(strView(repr(v)));
  }
};

TEST_F(StreamReaderTest, ReadsWhatWasFedThenReportsEof) {
  ASSERT_EQ(m("feed_data", {newBytes("ab\ncd|efghij")}).tag, WT_NONE);
  ASSERT_EQ(m("feed_eof", {}).tag, WT_NONE);
  std::vector<std::string> got;
  WValue coro = coroValue([&](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(m("readline", {}))
    got.push_back(rep(f.last));
    CORO_AWAIT(m("readuntil", {newBytes("|")}))
    got.push_back(rep(f.last));
    CORO_AWAIT(m("readexactly", {wrt_int(2)}))
    got.push_back(rep(f.last));
    CORO_AWAIT(m("read", {wrt_int(1)}))
    got.push_back(rep(f.last));
    CORO_AWAIT(m("readexactly", {wrt_int(5)}))
    got.push_back(rep(f.last));
    CORO_AWAIT(m("read", {}))
    got.push_back(rep(f.last));
    return wrt_none();
    CORO_END
  });
  ASSERT_EQ(run(coro).tag, WT_NONE);
  std::vector<std::string> want = {"b'ab\\n'", "b'cd|'", "b'ef'", "b'g'",
                                   "IncompleteReadError: 3 bytes read on a total of 5 expected bytes",
                                   "b''"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(m("at_eof", {}).tag, WT_BOOL);
  EXPECT_EQ(m("at_eof", {}).i, 1);
}

TEST_F(StreamReaderTest, PendingReadWakesOnFeed) {
  std::vector<std::string> got;
  WValue coro = coroValue([&](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(m("readline", {}))
    got.push_back(rep(f.last));
    return wrt_none();
    CORO_END
  });
  WValue feeder = coroValue([&](TestCoro &f, WValue v, int64_t mode) -> WValue {
    CORO_BEGIN
    CORO_AWAIT(sleepCoro(0, wrt_none()))
    EXPECT_TRUE(got.empty());
    m("feed_data", {newBytes("partial")});
    CORO_AWAIT(sleepCoro(0, wrt_none()))
    EXPECT_TRUE(got.empty());
    m("feed_data", {newBytes(" line\nnext")});
    return wrt_none();
    CORO_END
  });
  roots[11] = coro;
  roots[12] = feeder;
  roots[13] = wrt_obj(spawn(reinterpret_cast<WCoro *>(feeder.o)));
  ASSERT_EQ(run(roots[11]).tag, WT_NONE);
  EXPECT_EQ(got, std::vector<std::string>{"b'partial line\\n'"});
}

} // namespace
