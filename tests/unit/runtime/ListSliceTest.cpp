// ListSliceTest.cpp: list/tuple indexing and slicing (negative indices,
// steps, slice assignment and deletion), list methods including the stable
// sort, range objects, and unpacking with CPython's messages.
#include "ObjectTestUtil.h"

namespace weft::rt::test {
namespace {

class ListTest : public RuntimeTest {
protected:
  WValue m(WValue obj, const char *name, std::initializer_list<WValue> args) {
    return wrt_call_method(obj, Name(name), int64_t(args.size()), const_cast<WValue *>(args.begin()));
  }
  WValue sl(WValue a, WValue b, WValue c) { return wrt_slice_new(a, b, c); }
  WValue range(int64_t n) { return Call(wrt_obj(T.range), {I(n)}); }
  WValue nums(int64_t n) { return listFromIterable(range(n)); }
};

TEST_F(ListTest, Indexing) {
  WValue l = L({I(1), I(2), I(3)});
  EXPECT_EQ(R(wrt_getitem(l, I(-1))), "3");
  EXPECT_EQ(R(wrt_getitem(l, B(true))), "2");
  EXPECT_EQ(wrt_getitem(l, I(3)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "IndexError: list index out of range");
  EXPECT_EQ(wrt_getitem(Tu({I(1)}), I(-2)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "IndexError: tuple index out of range");
  EXPECT_EQ(wrt_getitem(l, S("a")).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: list indices must be integers or slices, not str");
  EXPECT_EQ(wrt_getitem(I(1), I(0)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: 'int' object is not subscriptable");
  EXPECT_EQ(wrt_setitem(l, I(5), I(0)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "IndexError: list assignment index out of range");
  EXPECT_EQ(wrt_setitem(Tu({I(1)}), I(0), I(0)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: 'tuple' object does not support item assignment");
  EXPECT_EQ(wrt_delitem(Tu({I(1)}), I(0)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: 'tuple' object doesn't support item deletion");
}

TEST_F(ListTest, Slices) {
  WValue l = nums(10);
  EXPECT_EQ(R(wrt_getitem(l, sl(I(2), I(5), None()))), "[2, 3, 4]");
  EXPECT_EQ(R(wrt_getitem(l, sl(None(), None(), I(-1)))), "[9, 8, 7, 6, 5, 4, 3, 2, 1, 0]");
  EXPECT_EQ(R(wrt_getitem(l, sl(I(-3), None(), None()))), "[7, 8, 9]");
  EXPECT_EQ(R(wrt_getitem(l, sl(I(1), I(100), I(3)))), "[1, 4, 7]");
  EXPECT_EQ(R(wrt_getitem(l, sl(I(8), I(2), I(-2)))), "[8, 6, 4]");
  EXPECT_EQ(R(wrt_getitem(l, sl(I(5), I(2), None()))), "[]");
  EXPECT_EQ(R(wrt_getitem(wrt_list_to_tuple(l), sl(None(), I(2), None()))), "(0, 1)");
  EXPECT_EQ(wrt_getitem(l, sl(None(), None(), I(0))).tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError: slice step cannot be zero");
}

TEST_F(ListTest, SliceAssignmentAndDeletion) {
  WValue l = nums(6);
  ASSERT_EQ(wrt_setitem(l, sl(I(1), I(3), None()), L({S("a"), S("b"), S("c")})).tag, WT_NONE);
  EXPECT_EQ(R(l), "[0, 'a', 'b', 'c', 3, 4, 5]");
  wrt_setitem(l, sl(None(), None(), I(2)), L({I(9), I(9), I(9), I(9)}));
  EXPECT_EQ(R(l), "[9, 'a', 9, 'c', 9, 4, 9]");
  EXPECT_EQ(wrt_setitem(l, sl(None(), None(), I(2)), L({I(1)})).tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError: attempt to assign sequence of size 1 to extended slice of size 4");
  wrt_delitem(l, sl(None(), None(), I(2)));
  EXPECT_EQ(R(l), "['a', 'c', 4]");
  wrt_setitem(l, sl(I(0), I(0), None()), l); // l[0:0] = l copies first
  EXPECT_EQ(R(l), "['a', 'c', 4, 'a', 'c', 4]");
  wrt_delitem(l, sl(I(1), I(-1), None()));
  EXPECT_EQ(R(l), "['a', 4]");
  wrt_delitem(l, I(-1));
  EXPECT_EQ(R(l), "['a']");
  WValue r = nums(8);
  wrt_delitem(r, sl(None(), None(), I(-3)));
  EXPECT_EQ(R(r), "[0, 2, 3, 5, 6]");
}

TEST_F(ListTest, Methods) {
  WValue l = L({I(3), I(1)});
  m(l, "append", {I(2)});
  m(l, "extend", {Tu({I(5), I(4)})});
  m(l, "insert", {I(-1), I(9)});
  EXPECT_EQ(R(l), "[3, 1, 2, 5, 9, 4]");
  EXPECT_EQ(R(m(l, "pop", {})), "4");
  EXPECT_EQ(R(m(l, "pop", {I(0)})), "3");
  EXPECT_EQ(R(m(l, "index", {I(9)})), "3");
  EXPECT_EQ(R(m(l, "count", {I(1)})), "1");
  m(l, "remove", {I(1)});
  m(l, "reverse", {});
  EXPECT_EQ(R(l), "[9, 5, 2]");
  EXPECT_EQ(m(l, "remove", {I(7)}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError: list.remove(x): x not in list");
  EXPECT_EQ(m(l, "index", {S("q")}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError: 'q' is not in list");
  EXPECT_EQ(m(L({}), "pop", {}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "IndexError: pop from empty list");
  EXPECT_EQ(m(l, "pop", {I(10)}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "IndexError: pop index out of range");
  WValue c = m(l, "copy", {});
  m(l, "clear", {});
  EXPECT_EQ(R(l), "[]");
  EXPECT_EQ(R(c), "[9, 5, 2]");
  EXPECT_EQ(R(m(Tu({I(1), I(2), I(1)}), "count", {I(1)})), "2");
  EXPECT_EQ(m(Tu({I(1)}), "index", {I(2)}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError: tuple.index(x): x not in tuple");
}

TEST_F(ListTest, SortIsStableWithKeyAndReverse) {
  WValue l = L({Tu({I(2), S("a")}), Tu({I(1), S("b")}), Tu({I(2), S("c")}), Tu({I(1), S("d")})});
  WValue kwn = Tu({S("key"), S("reverse")});
  // key=len is not useful here; sort by the first element via itemgetter-like native.
  WValue first = makeNative("first", [](WNativeFunc *, WValue *a) { return asTuple(a[0])->items[0]; }, "x");
  WValue args[2] = {first, B(true)};
  ASSERT_EQ(wrt_call_method_kw(l, Name("sort"), 2, args, kwn.o).tag, WT_NONE);
  EXPECT_EQ(R(l), "[(2, 'a'), (2, 'c'), (1, 'b'), (1, 'd')]");
  WValue big = L({});
  for (int i = 0; i < 200; i++) wrt_list_append(big, I((i * 37) % 101));
  m(big, "sort", {});
  bool sorted = true;
  for (int i = 1; i < 200; i++) sorted &= asList(big)->items[i - 1].i <= asList(big)->items[i].i;
  EXPECT_TRUE(sorted);
  WValue mixed = L({I(3), S("a")});
  EXPECT_EQ(m(mixed, "sort", {}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: '<' not supported between instances of 'str' and 'int'");
}

TEST_F(ListTest, Ranges) {
  EXPECT_EQ(R(Call(wrt_obj(T.range), {I(0), I(10), I(2)})), "range(0, 10, 2)");
  EXPECT_EQ(R(listFromIterable(Call(wrt_obj(T.range), {I(5), I(0), I(-2)}))), "[5, 3, 1]");
  EXPECT_EQ(length(range(7)), 7);
  EXPECT_EQ(R(wrt_getitem(range(10), I(-1))), "9");
  EXPECT_EQ(R(wrt_getitem(range(10), sl(I(2), I(8), I(2)))), "range(2, 8, 2)");
  EXPECT_EQ(wrt_getitem(range(3), I(5)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "IndexError: range object index out of range");
  EXPECT_EQ(Call(wrt_obj(T.range), {I(1), I(2), I(0)}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError: range() arg 3 must not be zero");
  EXPECT_EQ(Call(wrt_obj(T.range), {F(1.5)}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: 'float' object cannot be interpreted as an integer");
}

TEST_F(ListTest, Unpacking) {
  WValue out[4];
  EXPECT_EQ(wrt_unpack(Tu({I(1), I(2)}), 2, out), 0);
  EXPECT_EQ(R(out[1]), "2");
  EXPECT_EQ(wrt_unpack(L({I(1)}), 2, out), -1);
  EXPECT_EQ(takeError(), "ValueError: not enough values to unpack (expected 2, got 1)");
  EXPECT_EQ(wrt_unpack(range(3), 2, out), -1);
  EXPECT_EQ(takeError(), "ValueError: too many values to unpack (expected 2)");
  EXPECT_EQ(wrt_unpack(I(1), 2, out), -1);
  EXPECT_EQ(takeError(), "TypeError: cannot unpack non-iterable int object");
  EXPECT_EQ(wrt_unpack(S("ab"), 2, out), 0);
  EXPECT_EQ(R(out[0]), "'a'");
  EXPECT_EQ(wrt_unpack_ex(range(5), 1, 1, out), 0);
  EXPECT_EQ(R(out[0]) + R(out[1]) + R(out[2]), "0[1, 2, 3]4");
  EXPECT_EQ(wrt_unpack_ex(L({}), 1, 0, out), -1);
  EXPECT_EQ(takeError(), "ValueError: not enough values to unpack (expected at least 1, got 0)");
}

} // namespace
} // namespace weft::rt::test
