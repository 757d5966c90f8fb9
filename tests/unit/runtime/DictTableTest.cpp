// DictTableTest.cpp: the insertion-ordered dict/set table (Dict.cpp) and the
// dict/set methods: ordering across deletions and resizes, numeric key
// unification, KeyError reprs, views printing as CPython's.
#include "ObjectTestUtil.h"

namespace weft::rt::test {
namespace {

class DictTest : public RuntimeTest {
protected:
  WValue m(WValue obj, const char *name, std::initializer_list<WValue> args) {
    return wrt_call_method(obj, Name(name), int64_t(args.size()), const_cast<WValue *>(args.begin()));
  }
};

TEST_F(DictTest, KeepsInsertionOrderThroughDeletesAndResizes) {
  WValue d = newDict();
  for (int i = 0; i < 1000; i++) ASSERT_EQ(wrt_dict_set(d, I(i), I(i * i)).tag, WT_NONE);
  for (int i = 0; i < 1000; i += 2) ASSERT_EQ(wrt_delitem(d, I(i)).tag, WT_NONE);
  for (int i = 0; i < 10; i++) wrt_dict_set(d, I(i * 2), I(-1)); // re-added at the end
  EXPECT_EQ(asDict(d)->size, 510);
  WValue keys = listFromIterable(d);
  WList *l = asList(keys);
  ASSERT_EQ(l->size, 510);
  EXPECT_EQ(R(l->items[0]), "1");
  EXPECT_EQ(R(l->items[499]), "999");
  EXPECT_EQ(R(l->items[500]), "0");
  EXPECT_EQ(R(l->items[509]), "18");
  for (int i = 1; i < 1000; i += 2) ASSERT_EQ(wrt_getitem(d, I(i)).i, int64_t(i) * i);
}

TEST_F(DictTest, NumericKeysUnify) {
  WValue d = D({I(1)}, {S("int")});
  wrt_dict_set(d, F(1.0), S("float"));
  wrt_dict_set(d, B(true), S("bool"));
  EXPECT_EQ(R(d), "{1: 'bool'}");
  EXPECT_EQ(R(wrt_getitem(d, F(1.0))), "'bool'");
}

TEST_F(DictTest, StrKeysAndTupleKeys) {
  WValue d = newDict();
  wrt_dict_set(d, S("alpha"), I(1));
  wrt_dict_set(d, newStr("alpha"), I(2)); // equal text, different object
  wrt_dict_set(d, Tu({I(1), S("x")}), I(3));
  EXPECT_EQ(R(d), "{'alpha': 2, (1, 'x'): 3}");
  EXPECT_EQ(R(wrt_getitem(d, Tu({I(1), S("x")}))), "3");
}

TEST_F(DictTest, MissingKeyErrors) {
  WValue d = D({S("a")}, {I(1)});
  EXPECT_EQ(wrt_getitem(d, S("zz")).tag, WT_ERR);
  EXPECT_EQ(takeError(), "KeyError: 'zz'");
  EXPECT_EQ(wrt_delitem(d, I(3)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "KeyError: 3");
  EXPECT_EQ(wrt_getitem(d, L({})).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: unhashable type: 'list'");
  EXPECT_EQ(m(newDict(), "popitem", {}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "KeyError: 'popitem(): dictionary is empty'");
  EXPECT_EQ(m(d, "pop", {S("q")}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "KeyError: 'q'");
}

TEST_F(DictTest, Methods) {
  WValue d = D({S("a"), S("b")}, {I(1), I(2)});
  EXPECT_EQ(R(m(d, "get", {S("a")})), "1");
  EXPECT_EQ(R(m(d, "get", {S("z")})), "None");
  EXPECT_EQ(R(m(d, "get", {S("z"), I(0)})), "0");
  EXPECT_EQ(R(m(d, "setdefault", {S("c"), L({})})), "[]");
  EXPECT_EQ(R(m(d, "keys", {})), "dict_keys(['a', 'b', 'c'])");
  EXPECT_EQ(R(m(d, "values", {})), "dict_values([1, 2, []])");
  EXPECT_EQ(R(m(d, "items", {})), "dict_items([('a', 1), ('b', 2), ('c', [])])");
  EXPECT_EQ(R(m(d, "pop", {S("b")})), "2");
  EXPECT_EQ(R(m(d, "pop", {S("b"), S("gone")})), "'gone'");
  EXPECT_EQ(R(m(d, "popitem", {})), "('c', [])");
  m(d, "update", {D({S("x")}, {I(9)})});
  EXPECT_EQ(R(d), "{'a': 1, 'x': 9}");
  WValue c = m(d, "copy", {});
  m(d, "clear", {});
  EXPECT_EQ(R(d), "{}");
  EXPECT_EQ(R(c), "{'a': 1, 'x': 9}");
  EXPECT_EQ(length(m(c, "keys", {})), 2);
  EXPECT_EQ(wrt_contains(m(c, "keys", {}), S("x")), 1);
  WValue pairs = L({Tu({I(1), I(2)}), L({S("k"), S("v")})});
  EXPECT_EQ(R(Call(wrt_obj(T.dict), {pairs})), "{1: 2, 'k': 'v'}");
  EXPECT_EQ(Call(wrt_obj(T.dict), {L({I(1)})}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: cannot convert dictionary update sequence element #0 to a sequence");
}

TEST_F(DictTest, IterationDetectsResize) {
  WValue d = D({I(1)}, {I(1)});
  WValue it = wrt_iter(d);
  EXPECT_EQ(R(wrt_next(it)), "1");
  wrt_dict_set(d, I(2), I(2));
  EXPECT_EQ(wrt_next(it).tag, WT_ERR);
  EXPECT_EQ(takeError(), "RuntimeError: dictionary changed size during iteration");
}

TEST_F(DictTest, SetMethods) {
  WValue s = St({I(3), I(1)});
  m(s, "add", {I(2)});
  m(s, "discard", {I(7)});
  EXPECT_EQ(R(s), "{3, 1, 2}");
  EXPECT_EQ(m(s, "remove", {I(7)}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "KeyError: 7");
  EXPECT_EQ(R(m(s, "union", {L({I(5)}), Tu({I(6)})})), "{3, 1, 2, 5, 6}");
  EXPECT_EQ(R(m(s, "intersection", {L({I(1), I(2)})})), "{1, 2}");
  EXPECT_EQ(R(m(s, "difference", {L({I(1)})})), "{3, 2}");
  EXPECT_EQ(R(m(s, "symmetric_difference", {L({I(1), I(9)})})), "{3, 2, 9}");
  EXPECT_EQ(R(m(s, "issubset", {L({I(1), I(2), I(3), I(4)})})), "True");
  EXPECT_EQ(R(m(s, "issuperset", {L({I(1)})})), "True");
  m(s, "update", {L({I(4)})});
  EXPECT_EQ(R(s), "{3, 1, 2, 4}");
  EXPECT_EQ(R(m(s, "pop", {})), "3");
  WValue e = newSet();
  EXPECT_EQ(m(e, "pop", {}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "KeyError: 'pop from an empty set'");
  EXPECT_EQ(Call(wrt_obj(T.set), {L({L({})})}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: unhashable type: 'list'");
}

} // namespace
} // namespace weft::rt::test

#include <gc.h>

namespace weft::rt::test {
namespace {

// Everything the runtime stores must stay visible to the collector: build
// large structures, force collections, and check that nothing was reclaimed.
TEST_F(DictTest, SurvivesCollections) {
  WValue d = newDict();
  for (int i = 0; i < 20000; i++) {
    std::string k = "key" + std::to_string(i);
    wrt_dict_set(d, newStr(k), L({I(i), newStr(k)}));
    if (i % 5000 == 0) GC_gcollect();
  }
  for (int i = 0; i < 20000; i += 3) wrt_delitem(d, newStr("key" + std::to_string(i)));
  GC_gcollect();
  int64_t sum = 0;
  for (int i = 0; i < 20000; i++) {
    std::string k = "key" + std::to_string(i);
    WValue v = dictGet(asDict(d), newStr(k));
    if (i % 3 == 0) {
      ASSERT_EQ(v.tag, WT_UNBOUND);
      continue;
    }
    ASSERT_EQ(v.tag, WT_OBJ);
    sum += asList(v)->items[0].i;
    ASSERT_EQ(std::string(strView(asList(v)->items[1])), k);
  }
  EXPECT_GT(sum, 0);
  WValue s = newSet();
  for (int i = 0; i < 5000; i++) wrt_set_add(s, Tu({I(i), newStr(std::to_string(i))}));
  GC_gcollect();
  EXPECT_EQ(wrt_contains(s, Tu({I(4999), S("4999")})), 1);
}

} // namespace
} // namespace weft::rt::test
