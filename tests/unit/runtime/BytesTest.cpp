// BytesTest.cpp: the bytes type (repr, indexing to int, slicing, +, *, in,
// iteration, the bytes() constructor) and decode with CPython's
// UnicodeDecodeError messages and error handlers; the expressions of
// conformance case 022_bytes_encode.
#include "ObjectTestUtil.h"

namespace weft::rt::test {
namespace {

class BytesTest : public RuntimeTest {
protected:
  WValue Bt(std::string_view s) { return newBytes(s); }
  std::string m(WValue self, const char *name, std::initializer_list<WValue> args = {}) {
    WValue r = callMethod(self, name, int64_t(args.size()), const_cast<WValue *>(args.begin()));
    return r.tag == WT_ERR ? takeError() : R(r);
  }
  std::string res(WValue r) { return r.tag == WT_ERR ? takeError() : R(r); }
  std::string ctor(std::initializer_list<WValue> args) {
    return res(Call(lookupBuiltin("bytes"), args));
  }
};

TEST_F(BytesTest, ReprQuotesAndEscapes) {
  EXPECT_EQ(R(Bt("hello")), "b'hello'");
  EXPECT_EQ(R(Bt("it's")), "b\"it's\"");
  EXPECT_EQ(R(Bt(std::string_view("\x00\xff\n", 3))), "b'\\x00\\xff\\n'");
  EXPECT_EQ(R(Bt("a\\b\t")), "b'a\\\\b\\t'");
  EXPECT_EQ(Str(Bt("q")), "b'q'");
}

TEST_F(BytesTest, Conformance022) {
  WValue b = Bt("hello");
  EXPECT_EQ(res(bytesGetItem(b, I(0))), "104");
  EXPECT_EQ(res(bytesGetItem(b, wrt_slice_new(I(1), I(3), None()))), "b'el'");
  EXPECT_EQ(m(b, "upper"), "b'HELLO'");
  EXPECT_EQ(res(bytesConcat(b, Bt("!"))), "b'hello!'");
  WValue e = callMethod(S("h\xc3\xa9llo w\xc3\xb6rld"), "encode", 0, nullptr);
  EXPECT_EQ(R(e), "b'h\\xc3\\xa9llo w\\xc3\\xb6rld'");
  EXPECT_EQ(m(e, "decode"), "'h\xc3\xa9llo w\xc3\xb6rld'");
  EXPECT_EQ(m(Bt("a,b,c"), "split", {Bt(",")}), "[b'a', b'b', b'c']");
  EXPECT_EQ(m(Bt("  x "), "strip"), "b'x'");
  EXPECT_EQ(m(Bt("abc"), "startswith", {Bt("ab")}), "True");
  EXPECT_EQ(res(Call(lookupBuiltin("list"), {Bt("AZ")})), "[65, 90]");
  EXPECT_EQ(res(bytesRepeat(Bt("x"), 3)), "b'xxx'");
  EXPECT_EQ(m(Bt("abc"), "find", {Bt("c")}), "2");
  EXPECT_EQ(res(bytesGetItem(Bt("abc"), I(-1))), "99");
  EXPECT_EQ(res(bytesGetItem(Bt("abc"), wrt_slice_new(None(), None(), I(-1)))), "b'cba'");
  int64_t total = 0;
  WValue it = bytesIter(Bt("\x01\x02\x03"));
  for (WValue x; (x = wrt_next(it)).tag == WT_INT;) total += x.i;
  EXPECT_EQ(total, 6);
  EXPECT_EQ(bytesCompare(reinterpret_cast<WBytes *>(Bt("a").o),
                         reinterpret_cast<WBytes *>(Bt("b").o)) < 0, true);
}

TEST_F(BytesTest, MethodsAndConstructor) {
  EXPECT_EQ(m(Bt("abc"), "hex"), "'616263'");
  EXPECT_EQ(m(Bt("ab"), "hex", {S(":")}), "'61:62'");
  EXPECT_EQ(m(Bt("-"), "join", {L({Bt("a"), Bt("b")})}), "b'a-b'");
  EXPECT_EQ(m(Bt("aXbX"), "replace", {Bt("X"), Bt("Y")}), "b'aYbY'");
  EXPECT_EQ(m(Bt("AbC"), "lower"), "b'abc'");
  EXPECT_EQ(ctor({I(3)}), "b'\\x00\\x00\\x00'");
  EXPECT_EQ(ctor({L({I(1), I(2)})}), "b'\\x01\\x02'");
  EXPECT_EQ(ctor({S("h\xc3\xa9"), S("utf-8")}), "b'h\\xc3\\xa9'");
  EXPECT_EQ(ctor({}), "b''");
  EXPECT_EQ(ctor({L({I(256)})}), "ValueError: bytes must be in range(0, 256)");
  EXPECT_EQ(ctor({S("x")}), "TypeError: string argument without an encoding");
  EXPECT_EQ(res(bytesGetItem(Bt("abc"), I(5))), "IndexError: index out of range");
  EXPECT_EQ(res(bytesConcat(Bt("a"), S("b"))), "TypeError: can't concat str to bytes");
  EXPECT_EQ(bytesContains(Bt("abc"), I(98)), 1);
  EXPECT_EQ(bytesContains(Bt("abc"), Bt("bc")), 1);
  EXPECT_EQ(bytesContains(Bt("abc"), Bt("x")), 0);
}

TEST_F(BytesTest, DecodeErrorsAndHandlers) {
  EXPECT_EQ(m(Bt("\xff"), "decode"),
            "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid "
            "start byte");
  EXPECT_EQ(m(Bt("a\xc3"), "decode"),
            "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc3 in position 1: unexpected "
            "end of data");
  EXPECT_EQ(m(Bt("\xe2\x82x"), "decode"),
            "UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 0-1: invalid "
            "continuation byte");
  EXPECT_EQ(m(Bt("\xed\xa0\x80"), "decode"),
            "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xed in position 0: invalid "
            "continuation byte");
  EXPECT_EQ(m(Bt("h\xe9"), "decode", {S("ascii")}),
            "UnicodeDecodeError: 'ascii' codec can't decode byte 0xe9 in position 1: ordinal "
            "not in range(128)");
  EXPECT_EQ(m(Bt("a\xff" "b\xc3"), "decode", {S("utf-8"), S("replace")}),
            "'a\xef\xbf\xbd" "b\xef\xbf\xbd'");
  EXPECT_EQ(m(Bt("a\xff" "b"), "decode", {S("utf-8"), S("ignore")}), "'ab'");
  EXPECT_EQ(m(Bt("a\xff" "b"), "decode", {S("utf-8"), S("backslashreplace")}), "'a\\\\xffb'");
  EXPECT_EQ(m(Bt("h\xe9"), "decode", {S("latin-1")}), "'h\xc3\xa9'");
}

} // namespace
} // namespace weft::rt::test
