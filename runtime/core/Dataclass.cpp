// Dataclass.cpp: @dataclass and field() as native builtins, and the
// `dataclasses` module. The compiler records a class body's annotated
// fields in order with wrt_class_annotate; decorating the class merges the
// inherited fields first and synthesizes __init__ (with defaults and
// default_factory), __repr__ "Point(x=1, y=2)", __eq__, the ordering methods
// for order=True, and frozen assignment checks, as dataclasses.py does.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <cstring>
#include <string>
#include <vector>

namespace weft::rt {

namespace {

WTypeObj *fieldType;         // the objects field() returns
WTypeObj *dcInfoType;        // per-class synthesized-method state
WTypeObj *frozenErrorType;   // dataclasses.FrozenInstanceError
WValue missingFactory;       // default marking "call the factory"

struct FieldSpec {
  WObj hdr;
  WValue defaultValue;  // UNBOUND: none
  WValue factory;       // UNBOUND: none
  bool init, repr, compare;
};

struct DcField {
  WStr *name;
  WValue defaultValue;
  WValue factory;
  bool init, repr, compare;
};

struct DcInfo {
  WObj hdr;
  WTypeObj *cls;
  int64_t n;
  DcField *fields;
};

struct Options {
  bool init = true, repr = true, eq = true, order = false, frozen = false, unsafeHash = false;
};

DcInfo *infoOf(WNativeFunc *f) { return reinterpret_cast<DcInfo *>(f->bound.o); }

WValue fieldValue(WValue self, WStr *name) {
  WDict *attrs = reinterpret_cast<WInstance *>(self.o)->attrs;
  WValue v = attrs ? dictGetStr(attrs, name) : wrt_unbound();
  if (v.tag != WT_UNBOUND) return v;
  return getAttr(self, name);
}

WValue dcInit(WNativeFunc *f, WValue *args) {
  DcInfo *info = infoOf(f);
  WValue self = args[0];
  WInstance *inst = reinterpret_cast<WInstance *>(self.o);
  if (!inst->attrs) inst->attrs = asDict(newDict());
  int64_t k = 1;
  for (int64_t i = 0; i < info->n; i++) {
    DcField &fd = info->fields[i];
    WValue v;
    if (fd.init) {
      v = args[k++];
      if (v.tag == WT_OBJ && v.o == missingFactory.o) v = call(fd.factory, 0, nullptr);
    } else if (fd.factory.tag != WT_UNBOUND) {
      v = call(fd.factory, 0, nullptr);
    } else if (fd.defaultValue.tag != WT_UNBOUND) {
      v = fd.defaultValue;
    } else {
      continue;
    }
    if (v.tag == WT_ERR) return v;
    // Direct store: frozen classes are initialised through object.__setattr__.
    dictSetStr(inst->attrs, fd.name, v);
  }
  WValue post = typeLookup(self.o->type, internStr("__post_init__"));
  if (post.tag != WT_UNBOUND) {
    WValue r = callWithSelf(post, self, 0, nullptr);
    if (r.tag == WT_ERR) return r;
  }
  return wrt_none();
}

WValue dcRepr(WNativeFunc *f, WValue *args) {
  DcInfo *info = infoOf(f);
  WValue self = args[0];
  std::string out = self.o->type->qualname;
  out += '(';
  bool first = true;
  for (int64_t i = 0; i < info->n; i++) {
    DcField &fd = info->fields[i];
    if (!fd.repr) continue;
    if (!first) out += ", ";
    first = false;
    out.append(fd.name->data, size_t(fd.name->nbytes));
    out += '=';
    WValue v = fieldValue(self, fd.name);
    if (v.tag == WT_ERR || !appendRepr(out, v)) return wrt_errv();
  }
  out += ')';
  return newStr(out);
}

/// The compared fields of [self] as a tuple.
WValue fieldTuple(DcInfo *info, WValue self) {
  std::vector<WValue> items;
  for (int64_t i = 0; i < info->n; i++) {
    if (!info->fields[i].compare) continue;
    WValue v = fieldValue(self, info->fields[i].name);
    if (v.tag == WT_ERR) return v;
    items.push_back(v);
  }
  return newTupleFrom(int64_t(items.size()), items.data());
}

template <int Op> WValue dcCompare(WNativeFunc *f, WValue *args) {
  DcInfo *info = infoOf(f);
  if (typeOf(args[1]) != typeOf(args[0])) return NotImplemented;
  WValue a = fieldTuple(info, args[0]);
  if (a.tag == WT_ERR) return a;
  WValue b = fieldTuple(info, args[1]);
  if (b.tag == WT_ERR) return b;
  return compareValue(Op, a, b);
}

WValue dcHash(WNativeFunc *f, WValue *args) {
  WValue t = fieldTuple(infoOf(f), args[0]);
  if (t.tag == WT_ERR) return t;
  bool ok;
  int64_t h = hashValue(t, ok);
  return ok ? wrt_int(h) : wrt_errv();
}

WValue dcSetattrFrozen(WNativeFunc *, WValue *args) {
  if (!isStr(args[1])) return raise(T.TypeError, "attribute name must be string");
  return raiseFrozen(asStr(args[1]));
}

bool isMutableDefault(WValue v) {
  return isKind(v, Kind::List) || isKind(v, Kind::Dict) || isKind(v, Kind::Set);
}

/// Makes the WFuncInfo of the synthesized __init__(self, f1, f2=..., ...).
WValue makeInit(DcInfo *info) {
  std::string params = "self";
  std::vector<WValue> defs;
  for (int64_t i = 0; i < info->n; i++) {
    DcField &fd = info->fields[i];
    if (!fd.init) continue;
    params += ", ";
    params.append(fd.name->data, size_t(fd.name->nbytes));
  }
  std::string qual = std::string(info->cls->qualname) + ".__init__";
  WValue init = makeNativeQual("__init__", internStr(qual)->data, dcInit, params.c_str(),
                               wrt_obj(info));
  auto *nf = reinterpret_cast<WNativeFunc *>(init.o);
  int64_t slot = 1;
  for (int64_t i = 0; i < info->n; i++) {
    DcField &fd = info->fields[i];
    if (!fd.init) continue;
    if (fd.factory.tag != WT_UNBOUND) nf->defaults[slot] = missingFactory;
    else nf->defaults[slot] = fd.defaultValue;
    slot++;
  }
  return init;
}

void setIfAbsent(WTypeObj *cls, const char *name, WValue v, bool overwrite = false) {
  WStr *n = internStr(name);
  if (!overwrite && dictGetStr(cls->attrs, n).tag != WT_UNBOUND) return;
  dictSetStr(cls->attrs, n, v);
}

WValue method(const char *name, DcInfo *info, WNativeCode code, const char *params) {
  std::string qual = std::string(info->cls->qualname) + "." + name;
  return makeNativeQual(name, internStr(qual)->data, code, params, wrt_obj(info));
}

WValue decorate(WValue clsv, const Options &o) {
  if (!isKind(clsv, Kind::Type) || !(asType(clsv)->flags & TYPE_USER))
    return raise(T.TypeError, "dataclass() should be called on a class");
  WTypeObj *cls = asType(clsv);
  std::vector<DcField> fields;
  // Inherited fields first: the nearest dataclass base already merged its own.
  for (WTypeObj *b = cls->base; b; b = b->base) {
    if (!(b->flags & TYPE_DATACLASS)) continue;
    WValue binfo = dictGetStr(b->attrs, internStr("__weft_dataclass__"));
    if (binfo.tag == WT_OBJ) {
      DcInfo *bi = reinterpret_cast<DcInfo *>(binfo.o);
      fields.assign(bi->fields, bi->fields + bi->n);
    }
    break;
  }
  int64_t own = cls->fields ? asTuple(wrt_obj(cls->fields))->size : 0;
  for (int64_t i = 0; i < own; i++) {
    WStr *name = asStr(asTuple(wrt_obj(cls->fields))->items[i]);
    WValue def = asTuple(wrt_obj(cls->fieldDefaults))->items[i];
    DcField fd{name, def, wrt_unbound(), true, true, true};
    if (def.tag == WT_OBJ && def.o->type == fieldType) {
      auto *spec = reinterpret_cast<FieldSpec *>(def.o);
      fd.defaultValue = spec->defaultValue;
      fd.factory = spec->factory;
      fd.init = spec->init;
      fd.repr = spec->repr;
      fd.compare = spec->compare;
      // The class attribute becomes the plain default (or disappears).
      if (fd.defaultValue.tag != WT_UNBOUND) dictSetStr(cls->attrs, name, fd.defaultValue);
      else dictDel(cls->attrs, wrt_obj(name));
    }
    if (isMutableDefault(fd.defaultValue)) {
      classesChanged(); // the field spec above may have changed a class attribute
      std::string tn;
      appendRepr(tn, wrt_obj(typeOf(fd.defaultValue)));
      return raiseFormat(T.ValueError,
                         "mutable default %s for field %s is not allowed: use default_factory",
                         tn.c_str(), name->data);
    }
    bool replaced = false;
    for (auto &f : fields)
      if (f.name == name) {
        f = fd;
        replaced = true;
      }
    if (!replaced) fields.push_back(fd);
  }
  bool seenDefault = false;
  for (auto &f : fields) {
    if (!f.init) continue;
    bool hasDefault = f.defaultValue.tag != WT_UNBOUND || f.factory.tag != WT_UNBOUND;
    if (!hasDefault && seenDefault)
      return raiseFormat(T.TypeError, "non-default argument '%s' follows default argument",
                         f.name->data);
    seenDefault |= hasDefault;
  }
  auto *info = newObj<DcInfo>(dcInfoType);
  info->cls = cls;
  info->n = int64_t(fields.size());
  info->fields = static_cast<DcField *>(gcAlloc(sizeof(DcField) * (fields.size() + 1)));
  for (size_t i = 0; i < fields.size(); i++) info->fields[i] = fields[i];
  dictSetStr(cls->attrs, internStr("__weft_dataclass__"), wrt_obj(info));
  cls->flags |= TYPE_DATACLASS;

  if (o.init) setIfAbsent(cls, "__init__", makeInit(info));
  if (o.repr) setIfAbsent(cls, "__repr__", method("__repr__", info, dcRepr, "self, /"));
  if (o.eq) {
    bool hadEq = dictGetStr(cls->attrs, N.eq).tag != WT_UNBOUND;
    setIfAbsent(cls, "__eq__", method("__eq__", info, dcCompare<WOP_EQ>, "self, other, /"));
    cls->flags |= TYPE_HAS_EQ;
    bool ownHash = dictGetStr(cls->attrs, N.hash).tag != WT_UNBOUND && !hadEq;
    if (o.frozen || o.unsafeHash) {
      setIfAbsent(cls, "__hash__", method("__hash__", info, dcHash, "self, /"), !ownHash);
    } else if (!ownHash) {
      dictSetStr(cls->attrs, N.hash, wrt_none()); // eq without frozen: unhashable
    }
  }
  if (o.order) {
    cls->flags |= TYPE_ORDERED;
    setIfAbsent(cls, "__lt__", method("__lt__", info, dcCompare<WOP_LT>, "self, other, /"));
    setIfAbsent(cls, "__le__", method("__le__", info, dcCompare<WOP_LE>, "self, other, /"));
    setIfAbsent(cls, "__gt__", method("__gt__", info, dcCompare<WOP_GT>, "self, other, /"));
    setIfAbsent(cls, "__ge__", method("__ge__", info, dcCompare<WOP_GE>, "self, other, /"));
  }
  if (o.frozen) {
    cls->flags |= TYPE_FROZEN;
    setIfAbsent(cls, "__setattr__", method("__setattr__", info, dcSetattrFrozen, "self, name, value, /"));
  }
  classesChanged(); // attributes and flags changed above
  return clsv;
}

Options optionsFrom(WValue *a) {
  // Slots after cls: init, repr, eq, order, unsafe_hash, frozen.
  Options o;
  o.init = truthy(a[1]) > 0;
  o.repr = truthy(a[2]) > 0;
  o.eq = truthy(a[3]) > 0;
  o.order = truthy(a[4]) > 0;
  o.unsafeHash = truthy(a[5]) > 0;
  o.frozen = truthy(a[6]) > 0;
  return o;
}

WValue dataclassWithOptions(WNativeFunc *self, WValue *a) {
  WTuple *opts = asTuple(self->bound);
  WValue slots[7];
  slots[0] = a[0];
  for (int i = 0; i < 6; i++) slots[i + 1] = opts->items[i];
  return decorate(a[0], optionsFrom(slots));
}

WValue dataclassFn(WNativeFunc *, WValue *a) {
  if (a[4].tag == WT_BOOL && a[4].i && a[3].tag == WT_BOOL && !a[3].i)
    return raise(T.ValueError, "eq must be true if order is true");
  if (a[0].tag != WT_UNBOUND) return decorate(a[0], optionsFrom(a));
  // @dataclass(...) form: return a decorator remembering the options.
  WValue opts = newTupleFrom(6, a + 1);
  return makeNative("dataclass", dataclassWithOptions, "cls, /", opts);
}

WValue fieldFn(WNativeFunc *, WValue *a) {
  if (a[0].tag != WT_UNBOUND && a[1].tag != WT_UNBOUND)
    return raise(T.ValueError, "cannot specify both default and default_factory");
  auto *f = newObj<FieldSpec>(fieldType);
  f->defaultValue = a[0];
  f->factory = a[1];
  f->init = truthy(a[2]) > 0;
  f->repr = truthy(a[3]) > 0;
  f->compare = truthy(a[4]) > 0;
  return wrt_obj(f);
}

WValue asdictValue(WValue v);

WValue asdictFn(WNativeFunc *, WValue *a) {
  if (!(typeOf(a[0])->flags & TYPE_DATACLASS))
    return raise(T.TypeError, "asdict() should be called on dataclass instances");
  return asdictValue(a[0]);
}

WValue asdictValue(WValue v) {
  WTypeObj *t = typeOf(v);
  if (t->flags & TYPE_DATACLASS) {
    WValue info = typeLookup(t, internStr("__weft_dataclass__"));
    DcInfo *di = reinterpret_cast<DcInfo *>(info.o);
    WValue d = newDict();
    for (int64_t i = 0; i < di->n; i++) {
      WValue x = fieldValue(v, di->fields[i].name);
      if (x.tag == WT_ERR) return x;
      x = asdictValue(x);
      if (x.tag == WT_ERR) return x;
      dictSetStr(asDict(d), di->fields[i].name, x);
    }
    return d;
  }
  if (isKind(v, Kind::List) || isKind(v, Kind::Tuple)) {
    bool isL = isKind(v, Kind::List);
    int64_t n = isL ? asList(v)->size : asTuple(v)->size;
    WValue out = isL ? newList(n) : newTuple(n);
    for (int64_t i = 0; i < n; i++) {
      WValue x = asdictValue(isL ? asList(v)->items[i] : asTuple(v)->items[i]);
      if (x.tag == WT_ERR) return x;
      (isL ? asList(out)->items : asTuple(out)->items)[i] = x;
    }
    return out;
  }
  if (isKind(v, Kind::Dict)) {
    WValue d = newDict();
    int64_t pos = 0;
    WDictEntry *e;
    while (dictNext(asDict(v), pos, e)) {
      WValue x = asdictValue(e->value);
      if (x.tag == WT_ERR) return x;
      dictSet(asDict(d), e->key, x);
    }
    return d;
  }
  return v;
}

DcInfo *dataclassInfo(WValue v) {
  WTypeObj *t = typeOf(v);
  if (!(t->flags & TYPE_DATACLASS)) return nullptr;
  return reinterpret_cast<DcInfo *>(typeLookup(t, internStr("__weft_dataclass__")).o);
}

/// dataclasses.replace(obj, **changes): a new instance through __init__,
/// each init field taken from [changes] or else from obj.
WValue replaceFn(WNativeFunc *, WValue *a) {
  DcInfo *di = dataclassInfo(a[0]);
  if (!di) return raise(T.TypeError, "replace() should be called on dataclass instances");
  WDict *changes = asDict(a[1]);
  std::vector<WValue> values;
  std::vector<WValue> names;
  for (int64_t i = 0; i < di->n; i++) {
    DcField &f = di->fields[i];
    WValue given = dictDel(changes, wrt_obj(f.name));
    if (!f.init) {
      if (given.tag != WT_UNBOUND)
        return raiseFormat(T.ValueError, "field %s is declared with init=False, it cannot be specified with replace()",
                           f.name->data);
      continue;
    }
    if (given.tag == WT_UNBOUND) {
      given = fieldValue(a[0], f.name);
      if (given.tag == WT_ERR) return given;
    }
    names.push_back(wrt_obj(f.name));
    values.push_back(given);
  }
  // Names that are no field go on to __init__, which refuses them as CPython's does.
  int64_t pos = 0;
  WDictEntry *e;
  while (dictNext(changes, pos, e)) {
    names.push_back(e->key);
    values.push_back(e->value);
  }
  WValue kw = newTupleFrom(int64_t(names.size()), names.data());
  return callKw(wrt_obj(typeOf(a[0])), int64_t(values.size()), values.data(), kw.o);
}

WValue astupleValue(WValue v) {
  if (DcInfo *di = dataclassInfo(v)) {
    WValue out = newTuple(di->n);
    for (int64_t i = 0; i < di->n; i++) {
      WValue x = fieldValue(v, di->fields[i].name);
      if (x.tag == WT_ERR) return x;
      x = astupleValue(x);
      if (x.tag == WT_ERR) return x;
      asTuple(out)->items[i] = x;
    }
    return out;
  }
  if (isKind(v, Kind::List) || isKind(v, Kind::Tuple) || isKind(v, Kind::Dict)) return asdictValue(v);
  return v;
}

WValue astupleFn(WNativeFunc *, WValue *a) {
  if (!dataclassInfo(a[0])) return raise(T.TypeError, "astuple() should be called on dataclass instances");
  return astupleValue(a[0]);
}

WValue isDataclassFn(WNativeFunc *, WValue *a) {
  WTypeObj *t = isKind(a[0], Kind::Type) ? asType(a[0]) : typeOf(a[0]);
  return wrt_bool((t->flags & TYPE_DATACLASS) != 0);
}

WValue dataclassesModule() {
  WValue m = newModule("dataclasses");
  moduleSet(m, "dataclass", lookupBuiltin("__weft_dataclass"));
  moduleSet(m, "field", lookupBuiltin("__weft_field"));
  moduleSet(m, "asdict", makeNative("asdict", asdictFn, "obj, /"));
  moduleSet(m, "astuple", makeNative("astuple", astupleFn, "obj, /"));
  moduleSet(m, "replace", makeNative("replace", replaceFn, "obj, /, **changes"));
  moduleSet(m, "is_dataclass", makeNative("is_dataclass", isDataclassFn, "obj, /"));
  moduleSet(m, "FrozenInstanceError", wrt_obj(frozenErrorType));
  return m;
}

} // namespace

WValue raiseFrozen(WStr *name) {
  return raiseFormat(frozenErrorType, "cannot assign to field '%s'", name->data);
}

void initDataclasses() {
  fieldType = newType("Field", T.object, Kind::Other, "dataclasses");
  dcInfoType = newType("_DataclassInfo", T.object, Kind::Other, "dataclasses");
  frozenErrorType = newType("FrozenInstanceError", T.AttributeError, Kind::Exception, "dataclasses");
  frozenErrorType->flags |= TYPE_EXCEPTION;
  missingFactory = wrt_obj(newObj<WObj>(fieldType));
  // Not Python builtins: published under private names for the module.
  registerBuiltin("__weft_dataclass",
                  makeNative("dataclass", dataclassFn,
                             "cls=?, /, *, init=True, repr=True, eq=True, order=False, "
                             "unsafe_hash=False, frozen=False"));
  registerBuiltin("__weft_field",
                  makeNative("field", fieldFn,
                             "*, default=?, default_factory=?, init=True, repr=True, "
                             "compare=True, hash=None, kw_only=False"));
  registerModule("dataclasses", dataclassesModule);
}

} // namespace weft::rt
