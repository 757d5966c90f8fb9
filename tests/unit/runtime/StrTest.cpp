// StrTest.cpp: the str type (repr, indexing, slicing, iteration, +, *, in)
// and its methods, checked against what CPython 3.11 prints for the same
// expressions, including conformance case 003_string_methods and the error
// messages of bad arguments.
#include "ObjectTestUtil.h"

#include <cmath>

namespace weft::rt::test {
namespace {

class StrTest : public RuntimeTest {
protected:
  /// repr of s.name(*args), or "ExcType: message".
  std::string m(WValue self, const char *name, std::initializer_list<WValue> args = {}) {
    WValue r = callMethod(self, name, int64_t(args.size()), const_cast<WValue *>(args.begin()));
    return r.tag == WT_ERR ? takeError() : R(r);
  }
  /// The same with keyword arguments: [kw] names the last entries of [args].
  std::string mkw(WValue self, const char *name, std::initializer_list<WValue> args,
                  std::initializer_list<const char *> kw) {
    WValue names = newTuple(int64_t(kw.size()));
    int i = 0;
    for (const char *k : kw) asTuple(names)->items[i++] = S(k);
    WValue r = callMethodStr(self, internStr(name), int64_t(args.size()),
                             const_cast<WValue *>(args.begin()), names.o);
    return r.tag == WT_ERR ? takeError() : R(r);
  }
  std::string item(WValue s, WValue idx) {
    WValue r = wrt_getitem(s, idx);
    return r.tag == WT_ERR ? takeError() : R(r);
  }
  WValue sl(WValue a, WValue b, WValue c) { return wrt_slice_new(a, b, c); }
};

TEST_F(StrTest, ReprChoosesQuotesAndEscapesLikeCPython) {
  EXPECT_EQ(R(S("abc")), "'abc'");
  EXPECT_EQ(R(S("it's")), "\"it's\"");
  EXPECT_EQ(R(S("say \"hi\"")), "'say \"hi\"'");
  EXPECT_EQ(R(S("both ' and \"")), "'both \\' and \"'");
  EXPECT_EQ(R(S("a\tb\nc\rd\\e")), "'a\\tb\\nc\\rd\\\\e'");
  EXPECT_EQ(R(S("\x01\x7f")), "'\\x01\\x7f'");
  EXPECT_EQ(R(S("h\xc3\xa9llo \xe2\x82\xac")), "'h\xc3\xa9llo \xe2\x82\xac'");
  EXPECT_EQ(R(S("\xc2\xa0\xc2\xad")), "'\\xa0\\xad'");
  EXPECT_EQ(R(S("\xe2\x80\x8b")), "'\\u200b'");
  EXPECT_EQ(R(S("\xf0\x9f\x98\x80")), "'\xf0\x9f\x98\x80'");
  EXPECT_EQ(R(S("")), "''");
}

TEST_F(StrTest, IndexingAndSlicingCountCodePoints) {
  WValue s = S("h\xc3\xa9llo");
  EXPECT_EQ(strLength(s), 5);
  EXPECT_EQ(item(s, I(1)), "'\xc3\xa9'");
  EXPECT_EQ(item(s, I(-1)), "'o'");
  EXPECT_EQ(item(s, I(5)), "IndexError: string index out of range");
  EXPECT_EQ(item(s, sl(I(1), I(3), None())), "'\xc3\xa9l'");
  EXPECT_EQ(item(s, sl(None(), None(), I(-1))), "'oll\xc3\xa9h'");
  EXPECT_EQ(item(S("abcdef"), sl(I(1), None(), I(2))), "'bdf'");
  EXPECT_EQ(item(S("abcdef"), sl(I(-2), I(-100), I(-1))), "'edcba'");
  EXPECT_EQ(item(S("abc"), sl(I(5), I(10), None())), "''");
  EXPECT_EQ(item(S("abc"), F(1.0)), "TypeError: string indices must be integers, not 'float'");
  EXPECT_EQ(item(S("abc"), sl(None(), None(), I(0))), "ValueError: slice step cannot be zero");
}

TEST_F(StrTest, OperatorsConcatRepeatContainsIterate) {
  EXPECT_EQ(R(strConcat(S("ab"), S("cd"))), "'abcd'");
  EXPECT_EQ(R(strRepeat(S("ab"), 3)), "'ababab'");
  EXPECT_EQ(R(strRepeat(S("x"), 0)), "''");
  EXPECT_EQ(R(strRepeat(S("\xc3\xa9"), -1)), "''");
  EXPECT_EQ(strLength(strRepeat(S("\xc3\xa9"), 4)), 4);
  EXPECT_EQ(strContains(S("abc"), S("bc")), 1);
  EXPECT_EQ(strContains(S("abc"), S("")), 1);
  EXPECT_EQ(strContains(S("abc"), S("x")), 0);
  EXPECT_EQ(strContains(S("abc"), I(1)), -1);
  EXPECT_EQ(takeError(), "TypeError: 'in <string>' requires string as left operand, not int");
  WValue it = strIter(S("a\xc3\xa9z"));
  std::string got;
  for (WValue x; (x = wrt_next(it)).tag == WT_OBJ;) got += R(x);
  EXPECT_EQ(got, "'a''\xc3\xa9''z'");
  EXPECT_EQ(strCompare(asStr(S("abc")), asStr(S("abd"))) < 0, true);
  EXPECT_EQ(strCompare(asStr(S("ab")), asStr(S("abc"))) < 0, true);
  EXPECT_EQ(strCompare(asStr(S("\xc3\xa9")), asStr(S("z"))) > 0, true);
  EXPECT_EQ(strHash(asStr(S("key"))), strHash(asStr(S("key"))));
  EXPECT_TRUE(strEquals(asStr(S("key")), asStr(S("key"))));
}

// The lines of conformance case 003_string_methods.
TEST_F(StrTest, Conformance003StringMethods) {
  WValue s = S("  Hello, Weft World  ");
  WValue t = callMethod(s, "strip", 0, nullptr);
  EXPECT_EQ(R(t), "'Hello, Weft World'");
  EXPECT_EQ(m(s, "lstrip"), "'Hello, Weft World  '");
  EXPECT_EQ(m(s, "rstrip"), "'  Hello, Weft World'");
  EXPECT_EQ(m(t, "upper"), "'HELLO, WEFT WORLD'");
  EXPECT_EQ(m(t, "lower"), "'hello, weft world'");
  EXPECT_EQ(m(t, "title"), "'Hello, Weft World'");
  EXPECT_EQ(m(t, "swapcase"), "'hELLO, wEFT wORLD'");
  EXPECT_EQ(m(S("hello"), "capitalize"), "'Hello'");
  EXPECT_EQ(m(t, "split", {S(", ")}), "['Hello', 'Weft World']");
  EXPECT_EQ(m(t, "split"), "['Hello,', 'Weft', 'World']");
  EXPECT_EQ(m(S("a,b,,c"), "split", {S(",")}), "['a', 'b', '', 'c']");
  EXPECT_EQ(m(S("a b  c"), "split", {S(" ")}), "['a', 'b', '', 'c']");
  EXPECT_EQ(m(S("k=v=w"), "split", {S("="), I(1)}), "['k', 'v=w']");
  EXPECT_EQ(m(S("x-y-z"), "rsplit", {S("-"), I(1)}), "['x-y', 'z']");
  EXPECT_EQ(m(S(""), "split", {S(",")}), "['']");
  EXPECT_EQ(m(S(""), "split"), "[]");
  EXPECT_EQ(m(S("-"), "join", {L({S("a"), S("b"), S("c")})}), "'a-b-c'");
  EXPECT_EQ(m(t, "replace", {S("l"), S("L")}), "'HeLLo, Weft WorLd'");
  EXPECT_EQ(m(t, "replace", {S("l"), S(""), I(1)}), "'Helo, Weft World'");
  EXPECT_EQ(m(t, "find", {S("Weft")}), "7");
  EXPECT_EQ(m(t, "find", {S("nope")}), "-1");
  EXPECT_EQ(m(t, "index", {S("W")}), "7");
  EXPECT_EQ(m(t, "rfind", {S("o")}), "13");
  EXPECT_EQ(m(t, "count", {S("o")}), "2");
  EXPECT_EQ(m(t, "startswith", {S("Hello")}), "True");
  EXPECT_EQ(m(t, "endswith", {S("World")}), "True");
  EXPECT_EQ(m(t, "startswith", {Tu({S("x"), S("He")})}), "True");
  EXPECT_EQ(m(S("abc123"), "isalnum"), "True");
  EXPECT_EQ(m(S("123"), "isdigit"), "True");
  EXPECT_EQ(m(S("abc"), "isalpha"), "True");
  EXPECT_EQ(m(S("   "), "isspace"), "True");
  EXPECT_EQ(m(S("Abc"), "islower"), "False");
  EXPECT_EQ(m(S("ABC"), "isupper"), "True");
  EXPECT_EQ(m(S("ab"), "center", {I(8), S("*")}), "'***ab***'");
  EXPECT_EQ(m(S("ab"), "ljust", {I(5), S(".")}), "'ab...'");
  EXPECT_EQ(m(S("ab"), "rjust", {I(5)}), "'   ab'");
  EXPECT_EQ(m(S("42"), "zfill", {I(6)}), "'000042'");
  EXPECT_EQ(m(S("-42"), "zfill", {I(6)}), "'-00042'");
  EXPECT_EQ(m(S("a\tb\nc"), "splitlines"), "['a\\tb', 'c']");
  EXPECT_EQ(m(S("{}-{}"), "format", {I(1), S("two")}), "'1-two'");
  EXPECT_EQ(m(S("{1}{0}"), "format", {S("a"), S("b")}), "'ba'");
  EXPECT_EQ(mkw(S("{name}!"), "format", {S("hi")}, {"name"}), "'hi!'");
  EXPECT_EQ(m(S("{:>5}|"), "format", {S("r")}), "'    r|'");
  EXPECT_EQ(m(S("hello world"), "partition", {S(" ")}), "('hello', ' ', 'world')");
  EXPECT_EQ(m(S("CSV;data;"), "strip", {S(";")}), "'CSV;data'");
  EXPECT_EQ(m(S("xxhixx"), "strip", {S("x")}), "'hi'");
  EXPECT_EQ(m(S("h\xc3\xa9llo"), "upper"), "'H\xc3\x89LLO'");
  EXPECT_EQ(m(S("\xc3\x80" "B"), "lower"), "'\xc3\xa0" "b'");
  EXPECT_EQ(m(S("--a--"), "removeprefix", {S("--")}), "'a--'");
  EXPECT_EQ(m(S("file.weft"), "removesuffix", {S(".weft")}), "'file'");
}

TEST_F(StrTest, SplittingEdgeCases) {
  EXPECT_EQ(m(S("  a  b  "), "split", {None(), I(1)}), "['a', 'b  ']");
  EXPECT_EQ(m(S("  a  b  "), "rsplit", {None(), I(1)}), "['  a', 'b']");
  EXPECT_EQ(m(S("a b c"), "rsplit"), "['a', 'b', 'c']");
  EXPECT_EQ(mkw(S("a b c"), "split", {I(1)}, {"maxsplit"}), "['a', 'b c']");
  EXPECT_EQ(m(S("a\xc2\xa0" "b"), "split"), "['a', 'b']");
  EXPECT_EQ(m(S("abc"), "split", {S("")}), "ValueError: empty separator");
  EXPECT_EQ(m(S("abc"), "split", {I(1)}), "TypeError: must be str or None, not int");
  EXPECT_EQ(m(S("a\r\nb\rc\n"), "splitlines"), "['a', 'b', 'c']");
  EXPECT_EQ(m(S("a\r\nb\rc\n"), "splitlines", {B(true)}), "['a\\r\\n', 'b\\r', 'c\\n']");
  EXPECT_EQ(m(S("a,b"), "rpartition", {S(";")}), "('', '', 'a,b')");
  EXPECT_EQ(m(S("a,b"), "partition", {S(";")}), "('a,b', '', '')");
}

TEST_F(StrTest, SearchingWithRangesAndErrors) {
  EXPECT_EQ(m(S("abcabc"), "find", {S("c"), I(3)}), "5");
  EXPECT_EQ(m(S("abcabc"), "find", {S("c"), I(-2), I(-1)}), "-1");
  EXPECT_EQ(m(S("abc"), "find", {S(""), I(3)}), "3");
  EXPECT_EQ(m(S("abc"), "find", {S(""), I(4)}), "-1");
  EXPECT_EQ(m(S("h\xc3\xa9h\xc3\xa9"), "rfind", {S("\xc3\xa9")}), "3");
  EXPECT_EQ(m(S("h\xc3\xa9h\xc3\xa9"), "index", {S("h"), I(1)}), "2");
  EXPECT_EQ(m(S("abc"), "index", {S("z")}), "ValueError: substring not found");
  EXPECT_EQ(m(S("abc"), "rindex", {S("z")}), "ValueError: substring not found");
  EXPECT_EQ(m(S("abc"), "count", {S("")}), "4");
  EXPECT_EQ(m(S("aaaa"), "count", {S("aa")}), "2");
  EXPECT_EQ(m(S("abc"), "startswith", {S("b"), I(1)}), "True");
  EXPECT_EQ(m(S("abc"), "endswith", {S(""), I(5)}), "False");
  EXPECT_EQ(m(S("abc"), "startswith", {I(1)}),
            "TypeError: startswith first arg must be str or a tuple of str, not int");
  EXPECT_EQ(m(S("-"), "join", {L({S("a"), I(2)})}),
            "TypeError: sequence item 1: expected str instance, int found");
  EXPECT_EQ(m(S(","), "join", {S("abc")}), "'a,b,c'");
  EXPECT_EQ(m(S(","), "join", {Tu({})}), "''");
}

TEST_F(StrTest, CaseAndPredicates) {
  EXPECT_EQ(m(S("they're bill's"), "title"), "\"They'Re Bill'S\"");
  EXPECT_EQ(m(S("hELLO wORLD"), "capitalize"), "'Hello world'");
  EXPECT_EQ(m(S("stra\xc3\x9f" "e"), "upper"), "'STRASSE'");
  EXPECT_EQ(m(S("Stra\xc3\x9f" "e"), "casefold"), "'strasse'");
  EXPECT_EQ(m(S("\xce\xb1\xce\xb2"), "upper"), "'\xce\x91\xce\x92'");
  EXPECT_EQ(m(S(""), "isdigit"), "False");
  EXPECT_EQ(m(S("\xc2\xb2"), "isdigit"), "True");
  EXPECT_EQ(m(S("\xc2\xb2"), "isdecimal"), "False");
  EXPECT_EQ(m(S("_x1"), "isidentifier"), "True");
  EXPECT_EQ(m(S("1x"), "isidentifier"), "False");
  EXPECT_EQ(m(S("Hello World"), "istitle"), "True");
  EXPECT_EQ(m(S("abc1"), "islower"), "True");
  EXPECT_EQ(m(S("123"), "islower"), "False");
  EXPECT_EQ(m(S("\xc3\xa9"), "isascii"), "False");
  EXPECT_EQ(m(S("ab"), "center", {I(5)}), "'  ab '");
  EXPECT_EQ(m(S("abc"), "center", {I(6)}), "' abc  '");
  EXPECT_EQ(m(S("ab"), "center", {I(5), S("xy")}),
            "TypeError: The fill character must be exactly one character long");
  EXPECT_EQ(m(S("a\tbc\td"), "expandtabs", {I(4)}), "'a   bc  d'");
  EXPECT_EQ(m(S("+7"), "zfill", {I(4)}), "'+007'");
}

TEST_F(StrTest, EncodeWithCodecsAndErrorHandlers) {
  EXPECT_EQ(m(S("h\xc3\xa9llo"), "encode"), "b'h\\xc3\\xa9llo'");
  EXPECT_EQ(m(S("h\xc3\xa9llo"), "encode", {S("ascii")}),
            "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 1: "
            "ordinal not in range(128)");
  EXPECT_EQ(m(S("h\xc3\xa9\xc3\xa9o"), "encode", {S("ascii")}),
            "UnicodeEncodeError: 'ascii' codec can't encode characters in position 1-2: "
            "ordinal not in range(128)");
  EXPECT_EQ(m(S("h\xc3\xa9llo"), "encode", {S("ascii"), S("replace")}), "b'h?llo'");
  EXPECT_EQ(m(S("h\xc3\xa9llo"), "encode", {S("ascii"), S("ignore")}), "b'hllo'");
  EXPECT_EQ(m(S("h\xc3\xa9"), "encode", {S("ascii"), S("xmlcharrefreplace")}), "b'h&#233;'");
  EXPECT_EQ(m(S("h\xc3\xa9"), "encode", {S("latin-1")}), "b'h\\xe9'");
  EXPECT_EQ(m(S("x"), "encode", {S("klingon")}), "LookupError: unknown encoding: klingon");
}

TEST_F(StrTest, FormatMethodFields) {
  EXPECT_EQ(m(S("{0!r:>6}|{1:.2f}"), "format", {S("ab"), F(3.14159)}), "\"  'ab'|3.14\"");
  EXPECT_EQ(m(S("{0[1]} {0[0]}"), "format", {L({I(1), I(2)})}), "'2 1'");
  EXPECT_EQ(m(S("{:{w}.{p}f}"), "format", {F(3.14159)}), "KeyError: 'w'");
  EXPECT_EQ(mkw(S("{:{w}.{p}f}"), "format", {F(3.14159), I(8), I(2)}, {"w", "p"}),
            "'    3.14'");
  EXPECT_EQ(m(S("{{}} {}"), "format", {I(1)}), "'{} 1'");
  EXPECT_EQ(m(S("{} {1}"), "format", {I(1), I(2)}),
            "ValueError: cannot switch from automatic field numbering to manual field "
            "specification");
  EXPECT_EQ(m(S("{2}"), "format", {I(1)}),
            "IndexError: Replacement index 2 out of range for positional args tuple");
  EXPECT_EQ(m(S("}"), "format"), "ValueError: Single '}' encountered in format string");
  EXPECT_EQ(m(S("{"), "format"), "ValueError: Single '{' encountered in format string");
  EXPECT_EQ(m(S("{!x}"), "format", {I(1)}), "ValueError: Unknown conversion specifier x");
}

TEST_F(StrTest, TranslateMaketransFormatMap) {
  WValue maketrans = getAttrStr(wrt_obj(T.str), "maketrans");
  WValue t = Call(maketrans, {S("abc"), S("xyz"), S("d")});
  EXPECT_EQ(R(t), "{97: 120, 98: 121, 99: 122, 100: None}");
  EXPECT_EQ(m(S("abcdd-a"), "translate", {t}), "'xyz-x'");
  EXPECT_EQ(m(S("hello"), "translate", {D({I(108), I(111)}, {S("L"), None()})}), "'heLL'");
  EXPECT_EQ(R(Call(maketrans, {D({S("a")}, {S("b")})})), "{97: 'b'}");
  EXPECT_EQ(m(S("{x}-{y}"), "format_map", {D({S("x"), S("y")}, {I(1), I(2)})}), "'1-2'");
}

TEST_F(StrTest, IntAndFloatMethods) {
  EXPECT_EQ(m(I(10), "bit_length"), "4");
  EXPECT_EQ(m(I(-5), "bit_length"), "3");
  EXPECT_EQ(m(I(7), "bit_count"), "3");
  EXPECT_EQ(m(F(2.0), "is_integer"), "True");
  EXPECT_EQ(m(F(2.5), "is_integer"), "False");
  EXPECT_EQ(m(F(0.75), "as_integer_ratio"), "(3, 4)");
  EXPECT_EQ(m(F(-2.5), "as_integer_ratio"), "(-5, 2)");
  EXPECT_EQ(m(F(3.0), "hex"), "'0x1.8000000000000p+1'");
  EXPECT_EQ(m(F(0.1), "hex"), "'0x1.999999999999ap-4'");
  EXPECT_EQ(m(F(INFINITY), "as_integer_ratio"),
            "OverflowError: cannot convert Infinity to integer ratio");
}

TEST_F(StrTest, PercentFormatting) {
  auto pct = [&](WValue f, WValue a) {
    WValue r = strPercentFormat(f, a);
    return r.tag == WT_ERR ? takeError() : std::string(strView(r));
  };
  EXPECT_EQ(pct(S("%d items"), I(3)), "3 items");
  EXPECT_EQ(pct(S("%s=%r"), Tu({S("a"), S("b")})), "a='b'");
  EXPECT_EQ(pct(S("%5.2f|%-6d|%06.1f|%+d|%x|%#o|%X"),
                Tu({F(3.14159), I(42), F(-2.5), I(5), I(255), I(8), I(255)})),
            " 3.14|42    |-002.5|+5|ff|0o10|FF");
  EXPECT_EQ(pct(S("%e|%g|%G|%.3s|%c|%%"), Tu({F(1234.5), F(1e-7), F(1e20), S("abcdef"), I(65)})),
            "1.234500e+03|1e-07|1E+20|abc|A|%");
  EXPECT_EQ(pct(S("%(a)s-%(b)d"), D({S("a"), S("b")}, {S("x"), I(2)})), "x-2");
  EXPECT_EQ(pct(S("%*d|%.*f"), Tu({I(4), I(7), I(1), F(2.25)})), "   7|2.2");
  EXPECT_EQ(pct(S("%d %d"), Tu({I(1)})), "TypeError: not enough arguments for format string");
  EXPECT_EQ(pct(S("%d"), Tu({I(1), I(2)})),
            "TypeError: not all arguments converted during string formatting");
  EXPECT_EQ(pct(S("%d"), S("x")), "TypeError: %d format: a real number is required, not str");
  EXPECT_EQ(pct(S("%z"), I(1)), "ValueError: unsupported format character 'z' (0x7a) at index 1");
  EXPECT_EQ(pct(S("%d"), F(3.9)), "3");
  EXPECT_EQ(pct(S("%s"), L({I(1), S("a")})), "[1, 'a']");
  EXPECT_EQ(pct(S("%5s|%-5s|"), Tu({S("ab"), S("cd")})), "   ab|cd   |");
}

} // namespace
} // namespace weft::rt::test
