// Enum.cpp: the native `enum` module: Enum, IntEnum and StrEnum, auto and
// unique, with CPython 3.11's behaviour for what programs use. Without
// metaclasses, the class-level behaviour is the runtime's: the Enum base's
// __init_subclass__ (run by wrt_class_done once the body has run) turns the
// class attributes into members and flags the class TYPE_ENUM, which makes
// iteration, len, `in`, Class[name] and the "<enum 'Color'>" repr work on
// it (core/Iter.cpp, Compare.cpp, Subscript.cpp, Repr.cpp); Class(value)
// looks a member up by value. Members are instances of the class with
// name/value (and _name_/_value_) set. IntEnum members compare, hash and
// do arithmetic as their int values but are not ints (isinstance(x, int)
// is False, unlike CPython); Flag is not provided.
#include "core/CoreInternal.h"
#include "core/Text.h"
#include "task/Errors.h"

namespace weft::rt {

namespace {

WTypeObj *enumBase, *intEnumBase, *strEnumBase, *autoType;

bool derivesFrom(WTypeObj *t, WTypeObj *base) {
  for (; t; t = t->base)
    if (t == base) return true;
  return false;
}

WValue nameOf(WValue m) { return dictGetStr(reinterpret_cast<WInstance *>(m.o)->attrs, internStr("_name_")); }
WValue valueOf(WValue m) { return dictGetStr(reinterpret_cast<WInstance *>(m.o)->attrs, internStr("_value_")); }

bool isMemberCandidate(WStr *name, WValue v) {
  if (name->nbytes > 0 && name->data[0] == '_') return false;
  if (v.tag != WT_OBJ) return true;
  switch (v.o->type->kind) {
  case Kind::Func: case Kind::NativeFunc: case Kind::StaticMethod: case Kind::ClassMethod:
  case Kind::Property: case Kind::Type:
    return false;
  default: return true;
  }
}

/// Color(value): the member with that value.
WValue lookupByValue(WNativeFunc *f, WValue *a) {
  WTypeObj *cls = asType(f->bound);
  WValue map = dictGetStr(cls->attrs, internStr("_value2member_map_"));
  if (isKind(a[0], Kind::Instance) && typeOf(a[0]) == cls) return a[0];
  WValue m = isKind(map, Kind::Dict) ? dictGet(asDict(map), a[0]) : wrt_unbound();
  if (m.tag == WT_ERR) return m;
  if (m.tag != WT_UNBOUND) return m;
  return raiseFormat(T.ValueError, "%s is not a valid %s", reprString(a[0]).c_str(), cls->qualname);
}

/// Enum.__init_subclass__: the class's plain attributes become members.
WValue enumInitSubclass(WNativeFunc *, WValue *a) {
  WTypeObj *cls = asType(a[0]);
  bool isInt = derivesFrom(cls, intEnumBase), isStr = derivesFrom(cls, strEnumBase);
  std::vector<std::pair<WStr *, WValue>> plain;
  WDictEntry *e;
  for (int64_t pos = 0; dictNext(cls->attrs, pos, e);) {
    auto *name = reinterpret_cast<WStr *>(e->key.o);
    if (isStrVal(e->key) && isMemberCandidate(name, e->value)) plain.push_back({name, e->value});
  }
  WValue memberMap = newDict(), valueMap = newDict(), list = newList(0);
  int64_t lastInt = 0;
  for (auto &[name, raw] : plain) {
    WValue value = raw;
    if (isKind(value, Kind::Instance) && typeOf(value) == autoType) {
      if (isStr) value = callMethod(makeStr(std::string_view(name->data, size_t(name->nbytes))), "lower", 0, nullptr);
      else value = wrt_int(lastInt + 1);
      if (value.tag == WT_ERR) return value;
    }
    if (isInt && !isIntLike(value))
      return raiseFormat(T.TypeError, "invalid literal for int() with base 10: %s", reprString(value).c_str());
    if (isStr && !isStrVal(value)) return raiseFormat(T.TypeError, "%s is not a string", reprString(value).c_str());
    if (isIntLike(value)) lastInt = value.i;
    WValue existing = dictGet(asDict(valueMap), value);
    if (existing.tag == WT_ERR) return existing;
    WValue member = existing;
    if (member.tag == WT_UNBOUND) {  // not an alias of an earlier member
      auto *o = newObj<WInstance>(cls);
      o->attrs = asDict(newDict());
      member = wrt_obj(o);
      WValue nm = wrt_obj(&name->hdr);
      dictSetStr(o->attrs, internStr("_name_"), nm);
      dictSetStr(o->attrs, internStr("_value_"), value);
      dictSetStr(o->attrs, internStr("name"), nm);
      dictSetStr(o->attrs, internStr("value"), value);
      // A class's own __init__ gets the value, a tuple spread over its
      // parameters (the Planet example of the enum docs).
      WValue init = typeLookup(cls, N.init);
      if (isKind(init, Kind::Func)) {
        bool spread = isKind(value, Kind::Tuple);
        int64_t n = spread ? asTuple(value)->size : 1;
        WValue r = callWithSelf(init, member, n, spread ? asTuple(value)->items : &value);
        if (r.tag == WT_ERR) return r;
      }
      if (dictSet(asDict(valueMap), value, member).tag == WT_ERR) return wrt_errv();
      listAppend(asList(list), member);
    }
    dictSet(asDict(memberMap), wrt_obj(&name->hdr), member);
    dictSetStr(cls->attrs, name, member);
  }
  dictSetStr(cls->attrs, internStr("_member_map_"), memberMap);
  dictSetStr(cls->attrs, internStr("__members__"), memberMap);
  dictSetStr(cls->attrs, internStr("_value2member_map_"), valueMap);
  dictSetStr(cls->attrs, internStr("_member_list_"), list);
  WValue names = newList(0);
  for (int64_t i = 0; i < asList(list)->size; i++) listAppend(asList(names), nameOf(asList(list)->items[i]));
  dictSetStr(cls->attrs, internStr("_member_names_"), names);
  cls->ctor = makeNativeQual(cls->name, cls->qualname, lookupByValue, "value, /", wrt_obj(cls));
  cls->flags |= TYPE_ENUM;
  classesChanged();
  return wrt_none();
}

bool intFlavoured(WValue self) { return derivesFrom(typeOf(self), intEnumBase); }
bool strFlavoured(WValue self) { return derivesFrom(typeOf(self), strEnumBase); }

WValue memberRepr(WValue self, WValue *) {
  std::string out = "<" + std::string(typeOf(self)->name) + "." + std::string(strView(nameOf(self))) + ": " +
                    reprString(valueOf(self)) + ">";
  return makeStr(out);
}

/// 3.11: str() of an IntEnum or StrEnum member is its value's; of an Enum's, Class.NAME.
WValue memberStr(WValue self, WValue *) {
  if (intFlavoured(self) || strFlavoured(self)) return wrt_str(valueOf(self));
  return makeStr(std::string(typeOf(self)->name) + "." + std::string(strView(nameOf(self))));
}

WValue memberFormat(WValue self, WValue *a) {
  // Enum.__format__: a __str__ the class defines itself is what format()
  // and f-strings show, int and str enums included.
  WValue own = typeLookup(typeOf(self), N.str);
  if (own.tag == WT_OBJ && own.o != dictGetStr(enumBase->attrs, N.str).o) {
    WValue text = wrt_str(self);
    if (text.tag == WT_ERR) return text;
    return wrt_format(text, a[0]);
  }
  if (intFlavoured(self) || strFlavoured(self)) return wrt_format(valueOf(self), a[0]);
  return wrt_format(memberStr(self, nullptr), a[0]);
}

WValue memberHash(WValue self, WValue *) {
  bool ok = true;
  int64_t h = hashValue(intFlavoured(self) || strFlavoured(self) ? valueOf(self) : nameOf(self), ok);
  return ok ? wrt_int(h) : wrt_errv();
}

/// The operand as its value when it is a member of an int or str enum.
WValue plainOf(WValue v) {
  if (isKind(v, Kind::Instance) && (typeOf(v)->flags & TYPE_USER) &&
      (derivesFrom(typeOf(v), intEnumBase) || derivesFrom(typeOf(v), strEnumBase)))
    return valueOf(v);
  return v;
}

template <int Op> WValue memberCompare(WValue self, WValue *a) {
  if (!intFlavoured(self) && !strFlavoured(self)) {
    if (Op == WOP_EQ) return wrt_bool(self.o == a[0].o && a[0].tag == WT_OBJ);
    if (Op == WOP_NE) return wrt_bool(!(self.o == a[0].o && a[0].tag == WT_OBJ));
    return NotImplemented;
  }
  return wrt_compare(Op, valueOf(self), plainOf(a[0]));
}

template <int Op> WValue memberArith(WValue self, WValue *a) { return wrt_binop(Op, valueOf(self), plainOf(a[0])); }
template <int Op> WValue memberRArith(WValue self, WValue *a) { return wrt_binop(Op, plainOf(a[0]), valueOf(self)); }
WValue memberInt(WValue self, WValue *) { return valueOf(self); }

/// enum.unique: refuses aliases, as CPython's decorator does.
WValue uniqueImpl(WNativeFunc *, WValue *a) {
  if (!isKind(a[0], Kind::Type) || !enumMembers(asType(a[0]))) return a[0];
  WTypeObj *cls = asType(a[0]);
  WValue map = dictGetStr(cls->attrs, internStr("_member_map_"));
  std::string dups;
  WDictEntry *e;
  for (int64_t pos = 0; isKind(map, Kind::Dict) && dictNext(asDict(map), pos, e);) {
    WValue canonical = nameOf(e->value);
    if (canonical.o != e->key.o)
      dups += (dups.empty() ? "" : ", ") + std::string(strView(e->key)) + " -> " + std::string(strView(canonical));
  }
  if (!dups.empty()) return raiseFormat(T.ValueError, "duplicate values found in <enum '%s'>: %s", cls->name, dups.c_str());
  return a[0];
}

WValue autoNew(WNativeFunc *, WValue *) { return newNativeInstance(autoType); }

WValue initEnum() {
  enumBase = newNativeClass("Enum", "enum");
  addMethod(enumBase, "__init_subclass__", enumInitSubclass, "cls, /");
  WEFT_TEXT_METHOD(enumBase, "__repr__", memberRepr, "self, /");
  WEFT_TEXT_METHOD(enumBase, "__str__", memberStr, "self, /");
  WEFT_TEXT_METHOD(enumBase, "__format__", memberFormat, "self, spec, /");
  WEFT_TEXT_METHOD(enumBase, "__hash__", memberHash, "self, /");
  WEFT_TEXT_METHOD(enumBase, "__eq__", memberCompare<WOP_EQ>, "self, other, /");
  WEFT_TEXT_METHOD(enumBase, "__ne__", memberCompare<WOP_NE>, "self, other, /");
  enumBase->flags |= TYPE_HAS_EQ;
  intEnumBase = newType("IntEnum", enumBase, Kind::Instance, "enum");
  intEnumBase->flags = enumBase->flags;
  WEFT_TEXT_METHOD(intEnumBase, "__lt__", memberCompare<WOP_LT>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__le__", memberCompare<WOP_LE>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__gt__", memberCompare<WOP_GT>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__ge__", memberCompare<WOP_GE>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__add__", memberArith<WOP_ADD>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__sub__", memberArith<WOP_SUB>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__mul__", memberArith<WOP_MUL>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__radd__", memberRArith<WOP_ADD>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__rsub__", memberRArith<WOP_SUB>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__rmul__", memberRArith<WOP_MUL>, "self, other, /");
  WEFT_TEXT_METHOD(intEnumBase, "__int__", memberInt, "self, /");
  WEFT_TEXT_METHOD(intEnumBase, "__index__", memberInt, "self, /");
  strEnumBase = newType("StrEnum", enumBase, Kind::Instance, "enum");
  strEnumBase->flags = enumBase->flags;
  WEFT_TEXT_METHOD(strEnumBase, "__lt__", memberCompare<WOP_LT>, "self, other, /");
  autoType = newNativeClass("auto", "enum");
  autoType->ctor = makeNative("auto", autoNew, "");
  WValue m = newModule("enum");
  moduleSet(m, "Enum", wrt_obj(enumBase));
  moduleSet(m, "IntEnum", wrt_obj(intEnumBase));
  moduleSet(m, "StrEnum", wrt_obj(strEnumBase));
  moduleSet(m, "auto", wrt_obj(autoType));
  moduleSet(m, "unique", makeNative("unique", uniqueImpl, "enumeration, /"));
  return m;
}

} // namespace

void initEnumModule() { registerModule("enum", initEnum); }

} // namespace weft::rt
