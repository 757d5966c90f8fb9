// NamedTuple.cpp: typing.NamedTuple as a base class, and the classes
// collections.namedtuple makes. Weft classes cannot derive from tuple, so a
// named tuple is a frozen instance whose fields are the class's annotated
// fields (wrt_class_annotate records them, with their defaults, while the
// class body runs) and whose base provides what a tuple does: indexing and
// slicing, iteration, len, tuple equality and ordering (also against plain
// tuples), hashing, CPython's repr, _asdict, _replace and _fields. The
// methods read the fields from the instance's class when they run, so the
// base needs no hook after the class body. isinstance(p, tuple) is False,
// unlike CPython.
#include "core/CoreInternal.h"
#include "core/Text.h"
#include "task/Errors.h"

#include <cctype>
#include <cstring>
#include <vector>

namespace weft::rt {

namespace {

WTypeObj *namedTupleBase;

WTuple *fieldsOf(WTypeObj *t) {
  for (; t && t != namedTupleBase; t = t->base)
    if (t->fields) return reinterpret_cast<WTuple *>(t->fields);
  static WTuple *none = asTuple(newTuple(0));
  return none;
}

WTuple *defaultsOf(WTypeObj *t) {
  for (; t && t != namedTupleBase; t = t->base)
    if (t->fields) return reinterpret_cast<WTuple *>(t->fieldDefaults);
  return nullptr;
}

/// The instance's values in field order, as a tuple.
WValue asTupleValue(WValue self) {
  WTuple *f = fieldsOf(typeOf(self));
  WValue t = newTuple(f->size);
  for (int64_t i = 0; i < f->size; i++)
    asTuple(t)->items[i] = dictGetStr(reinterpret_cast<WInstance *>(self.o)->attrs, asStr(f->items[i]));
  return t;
}

/// __init__(self, *args, **kwargs), as the __new__ CPython generates.
WValue ntInit(WValue self, WValue *a) {
  WTypeObj *t = typeOf(self);
  WTuple *fields = fieldsOf(t);
  WTuple *defaults = defaultsOf(t);
  WTuple *args = asTuple(a[0]);
  int64_t n = fields->size;
  if (args->size > n) {
    int64_t required = n;
    while (required > 0 && defaults && defaults->items[required - 1].tag != WT_UNBOUND) required--;
    if (required < n)
      return raiseFormat(T.TypeError, "%s.__new__() takes from %lld to %lld positional arguments but %lld were given",
                         t->name, static_cast<long long>(required + 1), static_cast<long long>(n + 1),
                         static_cast<long long>(args->size + 1));
    return raiseFormat(T.TypeError, "%s.__new__() takes %lld positional arguments but %lld were given", t->name,
                       static_cast<long long>(n + 1), static_cast<long long>(args->size + 1));
  }
  std::vector<WValue> values(size_t(n), wrt_unbound());
  for (int64_t i = 0; i < args->size; i++) values[size_t(i)] = args->items[i];
  if (a[1].tag == WT_OBJ) {
    WDictEntry *e;
    for (int64_t pos = 0; dictNext(asDict(a[1]), pos, e);) {
      int64_t k = -1;
      for (int64_t i = 0; i < n && k < 0; i++)
        if (fields->items[i].o == e->key.o) k = i;
      if (k < 0)
        return raiseFormat(T.TypeError, "%s.__new__() got an unexpected keyword argument '%s'", t->name,
                           asStr(e->key)->data);
      if (values[size_t(k)].tag != WT_UNBOUND)
        return raiseFormat(T.TypeError, "%s.__new__() got multiple values for argument '%s'", t->name,
                           asStr(e->key)->data);
      values[size_t(k)] = e->value;
    }
  }
  std::string missing;
  int64_t nmissing = 0;
  for (int64_t i = 0; i < n; i++) {
    if (values[size_t(i)].tag != WT_UNBOUND) continue;
    if (defaults && defaults->items[i].tag != WT_UNBOUND) {
      values[size_t(i)] = defaults->items[i];
      continue;
    }
    missing += std::string(missing.empty() ? "" : ", ") + "'" + asStr(fields->items[i])->data + "'";
    nmissing++;
  }
  if (nmissing) {
    // CPython: "missing 1 required positional argument: 'y'", or "'x' and 'y'".
    size_t last = missing.rfind(", ");
    if (nmissing > 1 && last != std::string::npos) missing.replace(last, 2, nmissing == 2 ? " and " : ", and ");
    return raiseFormat(T.TypeError, "%s.__new__() missing %lld required positional argument%s: %s", t->name,
                       static_cast<long long>(nmissing), nmissing == 1 ? "" : "s", missing.c_str());
  }
  WDict *attrs = reinterpret_cast<WInstance *>(self.o)->attrs;
  for (int64_t i = 0; i < n; i++) dictSetStr(attrs, asStr(fields->items[i]), values[size_t(i)]);
  return wrt_none();
}

WValue ntRepr(WValue self, WValue *) {
  WTuple *f = fieldsOf(typeOf(self));
  WValue values = asTupleValue(self);
  std::string out = std::string(typeOf(self)->name) + "(";
  for (int64_t i = 0; i < f->size; i++) {
    if (i) out += ", ";
    out += asStr(f->items[i])->data;
    out += '=';
    out += reprString(asTuple(values)->items[i]);
  }
  return makeStr(out + ")");
}

WValue ntGetitem(WValue self, WValue *a) { return wrt_getitem(asTupleValue(self), a[0]); }
WValue ntLen(WValue self, WValue *) { return wrt_int(fieldsOf(typeOf(self))->size); }
WValue ntIter(WValue self, WValue *) { return iter(asTupleValue(self)); }
WValue ntHash(WValue self, WValue *) {
  bool ok = true;
  int64_t h = hashValue(asTupleValue(self), ok);
  return ok ? wrt_int(h) : wrt_errv();
}

/// Compares as tuples: a named tuple against another or against a tuple.
template <int Op> WValue ntCompare(WValue self, WValue *a) {
  WValue other = a[0];
  if (isKind(other, Kind::Instance) && typeOf(other)->flags & TYPE_USER) {
    WTypeObj *t = typeOf(other);
    while (t && t != namedTupleBase) t = t->base;
    if (!t) return Op == WOP_EQ ? wrt_bool(0) : Op == WOP_NE ? wrt_bool(1) : NotImplemented;
    other = asTupleValue(other);
  } else if (!isKind(other, Kind::Tuple)) {
    return Op == WOP_EQ ? wrt_bool(0) : Op == WOP_NE ? wrt_bool(1) : NotImplemented;
  }
  return wrt_compare(Op, asTupleValue(self), other);
}

WValue ntAsdict(WValue self, WValue *) {
  WTuple *f = fieldsOf(typeOf(self));
  WValue values = asTupleValue(self);
  WValue d = newDict();
  for (int64_t i = 0; i < f->size; i++) dictSet(asDict(d), f->items[i], asTuple(values)->items[i]);
  return d;
}

WValue ntReplace(WValue self, WValue *a) {
  WTypeObj *t = typeOf(self);
  WTuple *f = fieldsOf(t);
  WValue values = asTupleValue(self);
  WDict *changes = a[0].tag == WT_OBJ ? asDict(a[0]) : nullptr;
  WValue copy = newNativeInstance(t);
  WDict *attrs = reinterpret_cast<WInstance *>(copy.o)->attrs;
  int64_t used = 0;
  for (int64_t i = 0; i < f->size; i++) {
    WValue v = changes ? dictGet(changes, f->items[i]) : wrt_unbound();
    if (v.tag != WT_UNBOUND) used++;
    dictSetStr(attrs, asStr(f->items[i]), v.tag != WT_UNBOUND ? v : asTuple(values)->items[i]);
  }
  if (changes && used < changes->size) {
    std::string names;
    WDictEntry *e;
    for (int64_t pos = 0; dictNext(changes, pos, e);) {
      bool known = false;
      for (int64_t i = 0; i < f->size; i++) known |= f->items[i].o == e->key.o;
      if (!known) names += std::string(names.empty() ? "" : ", ") + reprString(e->key);
    }
    return raiseFormat(T.ValueError, "Got unexpected field names: [%s]", names.c_str());
  }
  return copy;
}

WValue ntFields(WValue self, WValue *) { return wrt_obj(&fieldsOf(typeOf(self))->hdr); }

/// typing._make_namedtuple(typename, field_names, defaults): the class
/// collections.namedtuple returns.
WValue makeNamedTuple(WNativeFunc *, WValue *a) {
  if (!isStr(a[0])) return raise(T.TypeError, "namedtuple() typename must be a str");
  std::vector<std::string> names;
  if (isStr(a[1])) {
    std::string spec(strView(a[1]));
    for (char &c : spec)
      if (c == ',') c = ' ';
    size_t i = 0;
    while (i < spec.size()) {
      size_t j = spec.find(' ', i);
      if (j == std::string::npos) j = spec.size();
      if (j > i) names.push_back(spec.substr(i, j - i));
      i = j + 1;
    }
  } else {
    WValue l = listFromIterable(a[1]);
    if (l.tag == WT_ERR) return l;
    for (int64_t i = 0; i < asList(l)->size; i++) {
      WValue s = asList(l)->items[i];
      if (!isStr(s)) return raise(T.TypeError, "Type names and field names must be strings");
      names.emplace_back(strView(s));
    }
  }
  for (size_t i = 0; i < names.size(); i++) {
    const std::string &n = names[i];
    bool ident = !n.empty() && !std::isdigit(static_cast<unsigned char>(n[0]));
    for (char c : n) ident &= std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80);
    if (!ident)
      return raiseFormat(T.ValueError, "Type names and field names must be valid identifiers: '%s'", n.c_str());
    if (n[0] == '_') return raiseFormat(T.ValueError, "Field names cannot start with an underscore: '%s'", n.c_str());
    for (size_t j = 0; j < i; j++)
      if (names[j] == n) return raiseFormat(T.ValueError, "Encountered duplicate field name: '%s'", n.c_str());
  }
  int64_t n = int64_t(names.size());
  WValue fields = newTuple(n), defaults = newTuple(n);
  for (int64_t i = 0; i < n; i++) {
    asTuple(fields)->items[i] = wrt_obj(&internStr(names[size_t(i)])->hdr);
    asTuple(defaults)->items[i] = wrt_unbound();
  }
  if (a[2].tag != WT_NONE && a[2].tag != WT_UNBOUND) {
    WValue l = listFromIterable(a[2]);
    if (l.tag == WT_ERR) return l;
    int64_t nd = asList(l)->size;
    if (nd > n) return raise(T.TypeError, "Got more default values than field names");
    for (int64_t i = 0; i < nd; i++) asTuple(defaults)->items[n - nd + i] = asList(l)->items[i];
  }
  WTypeObj *t = newType(internStr(strView(a[0]))->data, namedTupleBase, Kind::Instance, "__main__");
  t->flags = namedTupleBase->flags;
  t->fields = fields.o;
  t->fieldDefaults = defaults.o;
  classesChanged();
  return wrt_obj(t);
}

} // namespace

WValue namedTupleClass() {
  if (namedTupleBase) return wrt_obj(namedTupleBase);
  namedTupleBase = newNativeClass("NamedTuple", "typing");
  namedTupleBase->flags |= TYPE_FROZEN | TYPE_HAS_EQ | TYPE_ORDERED;
  WEFT_TEXT_METHOD(namedTupleBase, "__init__", ntInit, "self, /, *args, **kwargs");
  WEFT_TEXT_METHOD(namedTupleBase, "__repr__", ntRepr, "self, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__getitem__", ntGetitem, "self, key, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__len__", ntLen, "self, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__iter__", ntIter, "self, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__hash__", ntHash, "self, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__eq__", ntCompare<WOP_EQ>, "self, other, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__ne__", ntCompare<WOP_NE>, "self, other, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__lt__", ntCompare<WOP_LT>, "self, other, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__le__", ntCompare<WOP_LE>, "self, other, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__gt__", ntCompare<WOP_GT>, "self, other, /");
  WEFT_TEXT_METHOD(namedTupleBase, "__ge__", ntCompare<WOP_GE>, "self, other, /");
  WEFT_TEXT_METHOD(namedTupleBase, "_asdict", ntAsdict, "self, /");
  WEFT_TEXT_METHOD(namedTupleBase, "_replace", ntReplace, "self, /, **kwargs");
  // p._fields: a property, as the fields are the subclass's.
  dictSetStr(namedTupleBase->attrs, internStr("_fields"),
             newReadOnlyProperty("_fields", [](WNativeFunc *, WValue *a) { return ntFields(a[0], nullptr); }));
  namedTupleBase->flags |= TYPE_HAS_PROPERTY;
  return wrt_obj(namedTupleBase);
}

WValue makeNamedTupleFunction() { return makeNative("_make_namedtuple", makeNamedTuple, "typename, field_names, defaults=None"); }

} // namespace weft::rt
