// ClassModelTest.cpp: user classes built the way compiled code builds them
// (wrt_class_new + wrt_setattr of compiled methods): instance creation and
// __init__, attribute lookup through the class chain, super(), isinstance,
// default and custom reprs, rich comparison dunders, properties,
// staticmethod/classmethod, and @dataclass (fields, defaults, inheritance,
// order/frozen).
#include "ObjectTestUtil.h"

#include <array>

namespace weft::rt::test {
namespace {

WValue shapeCls, squareCls;

WValue shapeInit(WFunc *, WValue *a) { return wrt_setattr(a[0], Name("side"), a[1]); }
WValue shapeArea(WFunc *, WValue *a) {
  WValue s = wrt_getattr(a[0], Name("side"));
  if (s.tag == WT_ERR) return s;
  return wrt_binop(WOP_MUL, s, s);
}
WValue squareArea(WFunc *, WValue *a) {
  WValue sup = wrt_super(squareCls, a[0]);
  WValue r = wrt_call_method(sup, Name("area"), 0, nullptr);
  if (r.tag == WT_ERR) return r;
  return wrt_binop(WOP_ADD, r, I(1));
}
WValue squareRepr(WFunc *, WValue *a) {
  std::string s = "Square(" + R(wrt_getattr(a[0], Name("side"))) + ")";
  return newStr(s);
}
WValue sideEq(WFunc *, WValue *a) {
  if (!isInstance(a[1], asType(shapeCls))) return NotImplemented;
  return wrt_compare(WOP_EQ, wrt_getattr(a[0], Name("side")), wrt_getattr(a[1], Name("side")));
}
WValue sideLt(WFunc *, WValue *a) {
  return wrt_compare(WOP_LT, wrt_getattr(a[0], Name("side")), wrt_getattr(a[1], Name("side")));
}
WValue twice(WFunc *, WValue *a) { return wrt_binop(WOP_MUL, a[0], I(2)); }
WValue clsName(WFunc *, WValue *a) { return wrt_getattr(a[0], Name("__name__")); }
WValue returnsInt(WFunc *, WValue *) { return I(1); }

const char *const selfNames[] = {"self"};
const char *const selfSide[] = {"self", "side"};
const char *const selfOther[] = {"self", "other"};
const char *const xName[] = {"x"};
const char *const clsNames[] = {"cls"};
const WFuncInfo initInfo = {"__init__", "Shape.__init__", selfSide, 2, 2, 0, 0, 0, 0, "t", 1, 0, nullptr, nullptr};
const WFuncInfo areaInfo = {"area", "Shape.area", selfNames, 1, 1, 0, 0, 0, 0, "t", 1, 0, nullptr, nullptr};
const WFuncInfo sqAreaInfo = {"area", "Square.area", selfNames, 1, 1, 0, 0, 0, 0, "t", 1, 0, nullptr, nullptr};
const WFuncInfo reprInfo = {"__repr__", "Square.__repr__", selfNames, 1, 1, 0, 0, 0, 0, "t", 1, 0, nullptr, nullptr};
const WFuncInfo eqInfo = {"__eq__", "Shape.__eq__", selfOther, 2, 2, 0, 0, 0, 0, "t", 1, 0, nullptr, nullptr};
const WFuncInfo ltInfo = {"__lt__", "Shape.__lt__", selfOther, 2, 2, 0, 0, 0, 0, "t", 1, 0, nullptr, nullptr};
const WFuncInfo twiceInfo = {"twice", "Shape.twice", xName, 1, 1, 0, 0, 0, WFUNC_STATICMETHOD, "t", 1, 0, nullptr, nullptr};
const WFuncInfo nameInfo = {"name", "Shape.name", clsNames, 1, 1, 0, 0, 0, WFUNC_CLASSMETHOD, "t", 1, 0, nullptr, nullptr};
const WFuncInfo badInitInfo = {"__init__", "Bad.__init__", selfNames, 1, 1, 0, 0, 0, 0, "t", 1, 0, nullptr, nullptr};

WValue fn(WFuncCode c, const WFuncInfo *i) { return wrt_func_new(c, i, nullptr, nullptr, 0); }

class ClassTest : public RuntimeTest {
protected:
  static void SetUpTestSuite() {
    RuntimeTest::SetUpTestSuite();
    shapeCls = wrt_class_new("Shape", wrt_unbound(), "Shape");
    wrt_setattr(shapeCls, Name("__init__"), fn(shapeInit, &initInfo));
    wrt_setattr(shapeCls, Name("area"), fn(shapeArea, &areaInfo));
    wrt_setattr(shapeCls, Name("kind"), S("shape"));
    wrt_setattr(shapeCls, Name("twice"), fn(twice, &twiceInfo));
    wrt_setattr(shapeCls, Name("name"), fn(clsName, &nameInfo));
    squareCls = wrt_class_new("Square", shapeCls, "Square");
    wrt_setattr(squareCls, Name("area"), fn(squareArea, &sqAreaInfo));
    wrt_setattr(squareCls, Name("__repr__"), fn(squareRepr, &reprInfo));
  }
  static void TearDownTestSuite() { shapeCls = squareCls = wrt_unbound(); }
};

TEST_F(ClassTest, InstancesAndAttributeLookup) {
  WValue s = Call(shapeCls, {I(3)});
  ASSERT_EQ(s.tag, WT_OBJ);
  EXPECT_EQ(R(wrt_getattr(s, Name("side"))), "3");
  EXPECT_EQ(R(wrt_call_method(s, Name("area"), 0, nullptr)), "9");
  EXPECT_EQ(R(Call(wrt_getattr(s, Name("area")), {})), "9");
  EXPECT_EQ(R(wrt_getattr(s, Name("kind"))), "'shape'");
  EXPECT_EQ(wrt_getattr(s, Name("color")).tag, WT_ERR);
  EXPECT_EQ(takeError(), "AttributeError: 'Shape' object has no attribute 'color'");
  EXPECT_EQ(wrt_getattr(shapeCls, Name("color")).tag, WT_ERR);
  EXPECT_EQ(takeError(), "AttributeError: type object 'Shape' has no attribute 'color'");
  std::string r = R(s);
  EXPECT_EQ(r.substr(0, 28), "<__main__.Shape object at 0x") << r;
  EXPECT_EQ(R(wrt_getattr(wrt_getattr(s, Name("__class__")), Name("__name__"))), "'Shape'");
  EXPECT_EQ(R(wrt_obj(typeOf(s))), "<class '__main__.Shape'>");
  EXPECT_EQ(Call(shapeCls, {}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: Shape.__init__() missing 1 required positional argument: 'side'");
  EXPECT_EQ(R(wrt_call_method(s, Name("twice"), 1, std::array<WValue,1>{I(4)}.data())), "8");
  EXPECT_EQ(R(wrt_call_method(shapeCls, Name("twice"), 1, std::array<WValue,1>{I(5)}.data())), "10");
  EXPECT_EQ(R(wrt_call_method(s, Name("name"), 0, nullptr)), "'Shape'");
  EXPECT_EQ(R(Call(wrt_getattr(squareCls, Name("name")), {})), "'Square'");
}

TEST_F(ClassTest, InheritanceAndSuper) {
  WValue q = Call(squareCls, {I(2)});
  EXPECT_EQ(R(wrt_call_method(q, Name("area"), 0, nullptr)), "5");
  EXPECT_EQ(R(q), "Square(2)");
  EXPECT_EQ(Str(q), "Square(2)");
  EXPECT_TRUE(isInstance(q, asType(shapeCls)));
  EXPECT_FALSE(isInstance(Call(shapeCls, {I(1)}), asType(squareCls)));
  WValue noInit = wrt_class_new("Plain", wrt_unbound(), "Plain");
  EXPECT_EQ(Call(noInit, {I(1)}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: Plain() takes no arguments");
  WValue bad = wrt_class_new("Bad", wrt_unbound(), "Bad");
  wrt_setattr(bad, Name("__init__"), fn(returnsInt, &badInitInfo));
  EXPECT_EQ(Call(bad, {}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: __init__() should return None, not 'int'");
}

TEST_F(ClassTest, RichComparisonDunders) {
  WValue cls = wrt_class_new("Card", shapeCls, "Card");
  wrt_setattr(cls, Name("__eq__"), fn(sideEq, &eqInfo));
  wrt_setattr(cls, Name("__lt__"), fn(sideLt, &ltInfo));
  WValue a = Call(cls, {I(1)}), b = Call(cls, {I(2)}), a2 = Call(cls, {I(1)});
  EXPECT_EQ(R(wrt_compare(WOP_EQ, a, a2)), "True");
  EXPECT_EQ(R(wrt_compare(WOP_NE, a, a2)), "False"); // __ne__ from __eq__
  EXPECT_EQ(R(wrt_compare(WOP_LT, a, b)), "True");
  EXPECT_EQ(R(wrt_compare(WOP_GT, b, a)), "True"); // reflected __lt__
  EXPECT_EQ(R(wrt_compare(WOP_EQ, a, I(1))), "False");
  EXPECT_EQ(wrt_compare(WOP_LE, a, b).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: '<=' not supported between instances of 'Card' and 'Card'");
  // __eq__ without __hash__ makes instances unhashable.
  bool ok;
  hashValue(a, ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(takeError(), "TypeError: unhashable type: 'Card'");
  WValue sorted = L({b, a});
  ASSERT_EQ(wrt_call_method(sorted, Name("sort"), 0, nullptr).tag, WT_NONE);
  EXPECT_EQ(asList(sorted)->items[0].o, a.o);
}

TEST_F(ClassTest, Properties) {
  WValue cls = wrt_class_new("P", wrt_unbound(), "P");
  WValue prop = Call(wrt_obj(T.property), {fn(shapeArea, &areaInfo)});
  wrt_setattr(cls, Name("area"), prop);
  WValue p = Call(cls, {});
  wrt_setattr(p, Name("side"), I(4));
  EXPECT_EQ(R(wrt_getattr(p, Name("area"))), "16");
  EXPECT_EQ(wrt_setattr(p, Name("area"), I(1)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "AttributeError: property 'area' of 'P' object has no setter");
}

TEST_F(ClassTest, Dataclasses) {
  WValue point = wrt_class_new("Point", wrt_unbound(), "Point");
  wrt_class_annotate(point, Name("x"), wrt_unbound());
  wrt_class_annotate(point, Name("y"), I(0));
  wrt_setattr(point, Name("y"), I(0));
  WValue dc = lookupBuiltin("__weft_dataclass");
  ASSERT_EQ(Call(dc, {point}).o, point.o);
  WValue p = Call(point, {I(1), I(2)}), q = Call(point, {I(1)});
  EXPECT_EQ(R(p), "Point(x=1, y=2)");
  EXPECT_EQ(R(q), "Point(x=1, y=0)");
  EXPECT_EQ(R(wrt_compare(WOP_EQ, p, Call(point, {I(1), I(2)}))), "True");
  EXPECT_EQ(R(wrt_compare(WOP_NE, p, q)), "True");
  WValue kwn = Tu({S("y")});
  WValue args[2] = {I(5), I(6)};
  EXPECT_EQ(R(wrt_call_kw(point, 2, args, kwn.o)), "Point(x=5, y=6)");
  EXPECT_EQ(Call(point, {}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "TypeError: Point.__init__() missing 1 required positional argument: 'x'");
  // Inheritance: base fields first.
  WValue labeled = wrt_class_new("Labeled", point, "Labeled");
  wrt_class_annotate(labeled, Name("label"), S("?"));
  Call(dc, {labeled});
  EXPECT_EQ(R(Call(labeled, {I(3), I(4), S("c")})), "Labeled(x=3, y=4, label='c')");
  EXPECT_EQ(R(Call(labeled, {I(0)})), "Labeled(x=0, y=0, label='?')");
  // order=True, frozen=True through the call form.
  WValue ver = wrt_class_new("Ver", wrt_unbound(), "Ver");
  wrt_class_annotate(ver, Name("major"), wrt_unbound());
  WValue opts[2] = {B(true), B(true)};
  WValue deco = wrt_call_kw(dc, 2, opts, Tu({S("order"), S("frozen")}).o);
  ASSERT_EQ(deco.tag, WT_OBJ);
  Call(deco, {ver});
  WValue v1 = Call(ver, {I(1)}), v2 = Call(ver, {I(2)});
  EXPECT_EQ(R(wrt_compare(WOP_LT, v1, v2)), "True");
  EXPECT_EQ(wrt_setattr(v1, Name("major"), I(3)).tag, WT_ERR);
  EXPECT_EQ(takeError(), "FrozenInstanceError: cannot assign to field 'major'");
  bool ok;
  EXPECT_EQ(hashValue(v1, ok), hashValue(Call(ver, {I(1)}), ok));
  EXPECT_TRUE(ok);
}

TEST_F(ClassTest, FieldDefaultFactory) {
  WValue bag = wrt_class_new("Bag", wrt_unbound(), "Bag");
  WValue kw = Tu({S("default_factory")});
  WValue listType = wrt_obj(T.list);
  WValue f = wrt_call_kw(lookupBuiltin("__weft_field"), 1, &listType, kw.o);
  wrt_class_annotate(bag, Name("items"), f);
  wrt_setattr(bag, Name("items"), f);
  Call(lookupBuiltin("__weft_dataclass"), {bag});
  WValue b1 = Call(bag, {}), b2 = Call(bag, {});
  wrt_call_method(wrt_getattr(b1, Name("items")), Name("append"), 1, std::array<WValue,1>{I(1)}.data());
  EXPECT_EQ(R(b1), "Bag(items=[1])");
  EXPECT_EQ(R(b2), "Bag(items=[])");
  WValue bad = wrt_class_new("Bad", wrt_unbound(), "Bad");
  wrt_class_annotate(bad, Name("xs"), L({}));
  EXPECT_EQ(Call(lookupBuiltin("__weft_dataclass"), {bad}).tag, WT_ERR);
  EXPECT_EQ(takeError(), "ValueError: mutable default <class 'list'> for field xs is not allowed: use default_factory");
}

} // namespace
} // namespace weft::rt::test

namespace weft::rt::test {
namespace {

WValue echoName(WFunc *, WValue *a) { return a[1]; }
WValue logSet(WFunc *, WValue *a) {
  // def __setattr__(self, name, value): object.__setattr__(self, name, [value])
  WValue boxed = L({a[2]});
  WValue args[2] = {a[1], boxed};
  WValue all[3] = {a[0], args[0], args[1]};
  return wrt_call(typeLookup(T.object, internStr("__setattr__")), 3, all);
}
const char *const getattrNames[] = {"self", "name"};
const WFuncInfo getattrInfo = {"__getattr__", "Proxy.__getattr__", getattrNames, 2, 2, 0, 0, 0, 0, "t", 1, 0, nullptr, nullptr};
const char *const setattrNames[] = {"self", "name", "value"};
const WFuncInfo setattrInfo = {"__setattr__", "Proxy.__setattr__", setattrNames, 3, 3, 0, 0, 0, 0, "t", 1, 0, nullptr, nullptr};

TEST_F(ClassTest, GetattrFallbackAndCustomSetattr) {
  WValue proxy = wrt_class_new("Proxy", wrt_unbound(), "Proxy");
  wrt_setattr(proxy, Name("__getattr__"), fn(echoName, &getattrInfo));
  wrt_setattr(proxy, Name("__setattr__"), fn(logSet, &setattrInfo));
  WValue p = Call(proxy, {});
  EXPECT_EQ(R(wrt_getattr(p, Name("anything"))), "'anything'");
  ASSERT_EQ(wrt_setattr(p, Name("v"), I(1)).tag, WT_NONE);
  EXPECT_EQ(R(wrt_getattr(p, Name("v"))), "[1]");
}

} // namespace
} // namespace weft::rt::test

namespace weft::rt::test {
namespace {

TEST_F(ClassTest, ModulesOverGlobalsAreLive) {
  WValue *globals = wrt_alloc_roots(2);
  globals[0] = I(1);
  const char *names[2] = {"counter", "later"};
  WValue m = moduleOverGlobals("config", 2, names, globals);
  EXPECT_EQ(R(wrt_getattr(m, Name("counter"))), "1");
  globals[0] = I(2); // the module's own code updates its global
  EXPECT_EQ(R(wrt_getattr(m, Name("counter"))), "2");
  wrt_setattr(m, Name("counter"), I(5)); // main does config.counter = 5
  EXPECT_EQ(R(globals[0]), "5");
  EXPECT_EQ(wrt_getattr(m, Name("later")).tag, WT_ERR);
  EXPECT_EQ(takeError(), "AttributeError: module 'config' has no attribute 'later'");
  EXPECT_EQ(R(wrt_getattr(m, Name("__name__"))), "'config'");
}

} // namespace
} // namespace weft::rt::test
