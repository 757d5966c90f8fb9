// Class.cpp: user classes and attribute access (wrt_class_new,
// wrt_getattr/setattr/delattr, wrt_super, wrt_class_annotate). Lookup follows
// Python: data descriptors (property) on the class, then the instance dict,
// then the class chain, where functions bind to the instance, staticmethods
// unwrap and classmethods bind to the class. Also the methods of `object`
// and the property/staticmethod/classmethod/super builtins.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <cstring>
#include <vector>

namespace weft::rt {

namespace {

WValue objectInitValue; // object.__init__, to give "X() takes no arguments"

WValue newBound(WValue func, WValue self) {
  auto *bm = newObj<WBoundMethod>(T.method);
  bm->func = func;
  bm->self = self;
  return wrt_obj(bm);
}

WValue noAttr(WValue obj, WStr *name) {
  if (isKind(obj, Kind::Type))
    return raiseFormat(T.AttributeError, "type object '%s' has no attribute '%s'",
                       asType(obj)->name, name->data);
  if (isKind(obj, Kind::Module))
    return raiseFormat(T.AttributeError, "module '%s' has no attribute '%s'",
                       reinterpret_cast<WModule *>(obj.o)->name->data, name->data);
  return raiseFormat(T.AttributeError, "'%s' object has no attribute '%s'", typeName(obj),
                     name->data);
}

WValue strOf(const char *s) { return s ? internValue(s) : wrt_none(); }

/// Attributes every exception has (stored in the WException fields).
WValue excSpecialAttr(WException *e, WStr *name, bool &found) {
  found = true;
  if (name == N.args) return wrt_obj(e->args);
  if (name == N.cause) return e->cause.tag == WT_UNBOUND ? wrt_none() : e->cause;
  if (name == N.context) return e->context.tag == WT_UNBOUND ? wrt_none() : e->context;
  if (name == N.suppressContext) return wrt_bool(e->suppressContext);
  if (name == N.traceback) return wrt_none();
  WTuple *args = reinterpret_cast<WTuple *>(e->args);
  std::string_view n(name->data, size_t(name->nbytes));
  if (n == "value" && isSubtype(e->hdr.type, T.StopIteration))
    return args->size ? args->items[0] : wrt_none();
  if (n == "code" && isSubtype(e->hdr.type, T.SystemExit))
    return args->size == 0 ? wrt_none() : args->size == 1 ? args->items[0] : wrt_obj(e->args);
  found = false;
  return wrt_unbound();
}

/// A class attribute whose class defines __get__ (a non-data descriptor:
/// the instance dict was looked at first): attr.__get__(self, cls), with
/// self None when the attribute is read from the class itself.
WValue descriptorGet(WValue attr, WValue self, WTypeObj *cls) {
  if (!(attr.o->type->flags & TYPE_HAS_GET)) return attr;
  WValue get = typeLookup(attr.o->type, internStr("__get__"));
  if (get.tag == WT_UNBOUND) return attr;
  WValue args[2] = {self, wrt_obj(cls)};
  return callWithSelf(get, attr, 2, args);
}

WValue typeAttr(WTypeObj *t, WStr *name) {
  WValue v = typeLookup(t, name);
  if (v.tag != WT_UNBOUND) {
    if (v.tag == WT_OBJ) {
      Kind k = v.o->type->kind;
      if (k == Kind::StaticMethod) return reinterpret_cast<WFuncWrapper *>(v.o)->func;
      if (k == Kind::ClassMethod)
        return newBound(reinterpret_cast<WFuncWrapper *>(v.o)->func, wrt_obj(t));
      if (k == Kind::Func && (reinterpret_cast<WFunc *>(v.o)->info->flags & WFUNC_CLASSMETHOD))
        return newBound(v, wrt_obj(t));
      if (k == Kind::Instance && (t->flags & TYPE_USER)) return descriptorGet(v, wrt_none(), t);
    }
    return v;
  }
  if (name == N.name) return strOf(t->name);
  if (name == N.qualname) return strOf(t->qualname);
  if (name == N.module) return strOf(t->module);
  if (name == N.doc) return wrt_none();
  if (name == N.dict) return wrt_obj(t->attrs);
  if (name == N.class_) return wrt_obj(T.type);
  std::string_view n(name->data, size_t(name->nbytes));
  if (n == "__base__") return t->base ? wrt_obj(t->base) : wrt_none();
  if (n == "__mro__") {
    WValue l = newList(0);
    for (WTypeObj *b = t; b; b = b->base) listAppend(asList(l), wrt_obj(b));
    return wrt_list_to_tuple(l);
  }
  if (n == "__bases__") {
    WValue tu = newTuple(t->base ? 1 : 0);
    if (t->base) asTuple(tu)->items[0] = wrt_obj(t->base);
    return tu;
  }
  return noAttr(wrt_obj(t), name);
}

WValue funcAttr(WValue f, WStr *name) {
  const WFuncInfo *info = isKind(f, Kind::Func) ? reinterpret_cast<WFunc *>(f.o)->info
                                                : reinterpret_cast<WNativeFunc *>(f.o)->info;
  // What was assigned wins (functools.wraps sets __name__, __qualname__,
  // __doc__, __module__ and __wrapped__ on the wrapper).
  if (isKind(f, Kind::Func)) {
    if (WObj *d = reinterpret_cast<WFunc *>(f.o)->dict) {
      WValue v = dictGetStr(reinterpret_cast<WDict *>(d), name);
      if (v.tag != WT_UNBOUND) return v;
    }
  }
  if (name == N.name) return strOf(info->name);
  if (name == N.qualname) return strOf(info->qualname);
  if (name == N.module) return strOf(isKind(f, Kind::Func) ? "__main__" : "builtins");
  if (name == N.doc) return wrt_none();
  if (name == N.class_) return wrt_obj(f.o->type);
  if (isKind(f, Kind::Func)) {
    WFunc *fn = reinterpret_cast<WFunc *>(f.o);
    if (name == N.dict) {
      if (!fn->dict) fn->dict = reinterpret_cast<WObj *>(asDict(newDict()));
      return wrt_obj(fn->dict);
    }
    if (fn->dict) {
      WValue v = dictGetStr(reinterpret_cast<WDict *>(fn->dict), name);
      if (v.tag != WT_UNBOUND) return v;
    }
  }
  return noAttr(f, name);
}

} // namespace

WValue typeLookup(WTypeObj *t, WStr *name) {
  for (; t; t = t->base) {
    WValue v = dictGetStr(t->attrs, name);
    if (v.tag != WT_UNBOUND) return v;
  }
  return wrt_unbound();
}

WValue typeLookupStr(WTypeObj *t, WStr *name) { return typeLookup(t, name); }

WValue bindAttr(WValue attr, WValue self, WTypeObj *cls) {
  if (attr.tag != WT_OBJ) return attr;
  switch (attr.o->type->kind) {
  case Kind::Func: {
    int32_t fl = reinterpret_cast<WFunc *>(attr.o)->info->flags;
    if (fl & WFUNC_STATICMETHOD) return attr;
    if (fl & WFUNC_CLASSMETHOD) return newBound(attr, wrt_obj(cls));
    return newBound(attr, self);
  }
  case Kind::NativeFunc: return newBound(attr, self);
  case Kind::StaticMethod: return reinterpret_cast<WFuncWrapper *>(attr.o)->func;
  case Kind::ClassMethod:
    return newBound(reinterpret_cast<WFuncWrapper *>(attr.o)->func, wrt_obj(cls));
  case Kind::Property: {
    WValue fget = reinterpret_cast<WProperty *>(attr.o)->fget;
    if (fget.tag == WT_NONE || fget.tag == WT_UNBOUND)
      return raise(T.AttributeError, "unreadable attribute");
    return call(fget, 1, &self);
  }
  case Kind::Instance: return descriptorGet(attr, self, cls);
  default: return attr;
  }
}

WValue getAttr(WValue obj, WStr *name) {
  WTypeObj *t = typeOf(obj);
  if (obj.tag == WT_OBJ) {
    switch (t->kind) {
    case Kind::Instance:
    case Kind::Exception: {
      // Properties (data descriptors) win over the instance dict; classes
      // without any skip the class walk when the instance has the field.
      WValue ca = wrt_unbound();
      bool looked = false;
      if (t->flags & TYPE_HAS_PROPERTY) {
        ca = typeLookup(t, name);
        looked = true;
        if (isKind(ca, Kind::Property)) return bindAttr(ca, obj, t);
      }
      WDict *attrs = reinterpret_cast<WInstance *>(obj.o)->attrs;
      if (attrs) {
        WValue v = dictGetStr(attrs, name);
        if (v.tag != WT_UNBOUND) return v;
      }
      if (!looked) ca = typeLookup(t, name);
      if (t->kind == Kind::Exception) {
        bool found;
        WValue v = excSpecialAttr(asExc(obj), name, found);
        if (found) return v;
      }
      if (ca.tag != WT_UNBOUND) return bindAttr(ca, obj, t);
      if (name == N.class_) return wrt_obj(t);
      if (name == N.dict) {
        if (!attrs) reinterpret_cast<WInstance *>(obj.o)->attrs = attrs = asDict(newDict());
        return wrt_obj(attrs);
      }
      if (t->flags & TYPE_USER) {
        // __getattr__ is Python's fallback for attributes found nowhere else.
        WValue fallback = typeLookup(t, internStr("__getattr__"));
        if (fallback.tag != WT_UNBOUND) {
          WValue n = wrt_obj(name);
          return callWithSelf(fallback, obj, 1, &n);
        }
      }
      return noAttr(obj, name);
    }
    case Kind::Type: return typeAttr(asType(obj), name);
    case Kind::Module: {
      auto *mod = reinterpret_cast<WModule *>(obj.o);
      if (mod->slotIndex) {
        WValue slot = dictGetStr(mod->slotIndex, name);
        if (slot.tag == WT_INT) {
          WValue v = mod->globals[slot.i];
          if (v.tag != WT_UNBOUND) return v;
          return noAttr(obj, name);
        }
      }
      WValue v = dictGetStr(mod->attrs, name);
      if (v.tag != WT_UNBOUND) return v;
      return noAttr(obj, name);
    }
    case Kind::Super: {
      auto *s = reinterpret_cast<WSuper *>(obj.o);
      WValue v = s->startAfter->base ? typeLookup(s->startAfter->base, name) : wrt_unbound();
      if (v.tag != WT_UNBOUND) return bindAttr(v, s->self, typeOf(s->self));
      return noAttr(obj, name);
    }
    case Kind::Func:
    case Kind::NativeFunc: return funcAttr(obj, name);
    case Kind::BoundMethod: {
      auto *bm = reinterpret_cast<WBoundMethod *>(obj.o);
      if (name == N.self) return bm->self;
      if (name == N.func) return bm->func;
      return getAttr(bm->func, name);
    }
    case Kind::Property: {
      std::string_view n(name->data, size_t(name->nbytes));
      if (n == "fget") return reinterpret_cast<WProperty *>(obj.o)->fget;
      if (n == "fset") return reinterpret_cast<WProperty *>(obj.o)->fset;
      break;
    }
    case Kind::StaticMethod:
    case Kind::ClassMethod:
      if (name == N.func) return reinterpret_cast<WFuncWrapper *>(obj.o)->func;
      break;
    case Kind::Generator:
    case Kind::Coroutine:
    case Kind::AsyncGenerator: {
      auto *c = reinterpret_cast<WCoro *>(obj.o);
      if (name == N.name) return strOf(c->info ? c->info->name : "?");
      if (name == N.qualname) return strOf(c->info ? c->info->qualname : "?");
      break;
    }
    default: break;
    }
  }
  WValue ca = typeLookup(t, name);
  if (ca.tag != WT_UNBOUND) return bindAttr(ca, obj, t);
  if (name == N.class_) return wrt_obj(t);
  return noAttr(obj, name);
}

WValue getAttrStr(WValue obj, std::string_view name) { return getAttr(obj, internStr(name)); }

WValue setAttr(WValue obj, WStr *name, WValue value) {
  if (obj.tag == WT_OBJ) {
    WTypeObj *t = obj.o->type;
    switch (t->kind) {
    case Kind::Instance:
    case Kind::Exception: {
      if (t == T.object) break;
      WValue ca = typeLookup(t, name);
      if (isKind(ca, Kind::Property)) {
        WValue fset = reinterpret_cast<WProperty *>(ca.o)->fset;
        if (fset.tag == WT_NONE || fset.tag == WT_UNBOUND)
          return raiseFormat(T.AttributeError, "property '%s' of '%s' object has no setter",
                             name->data, t->name);
        WValue args[2] = {obj, value};
        WValue r = call(fset, 2, args);
        return r.tag == WT_ERR ? r : wrt_none();
      }
      if (t->flags & TYPE_FROZEN) return raiseFrozen(name);
      if (t->flags & TYPE_CUSTOM_SETATTR) {
        WValue m = typeLookup(t, internStr("__setattr__"));
        if (m.tag == WT_OBJ && !isKind(m, Kind::NativeFunc)) {
          WValue args[2] = {wrt_obj(name), value};
          WValue r = callWithSelf(m, obj, 2, args);
          return r.tag == WT_ERR ? r : wrt_none();
        }
      }
      if (t->kind == Kind::Exception) {
        WException *e = asExc(obj);
        if (name == N.args) {
          WValue tu = isKind(value, Kind::Tuple) ? value : listFromIterable(value);
          if (tu.tag == WT_ERR) return tu;
          if (isKind(tu, Kind::List)) tu = wrt_list_to_tuple(tu);
          e->args = tu.o;
          return wrt_none();
        }
        if (name == N.cause) {
          e->cause = value;
          e->suppressContext = true;
          return wrt_none();
        }
        if (name == N.context) { e->context = value; return wrt_none(); }
        if (name == N.suppressContext) { e->suppressContext = truthy(value) > 0; return wrt_none(); }
        if (name == N.traceback) return wrt_none();
      }
      WInstance *inst = reinterpret_cast<WInstance *>(obj.o);
      if (!inst->attrs) inst->attrs = asDict(newDict());
      dictSetStr(inst->attrs, name, value);
      return wrt_none();
    }
    case Kind::Type: {
      if (!(t == T.type && (asType(obj)->flags & TYPE_USER)))
        return raiseFormat(T.TypeError, "cannot set '%s' attribute of immutable type '%s'",
                           name->data, asType(obj)->name);
      WTypeObj *cls = asType(obj);
      if (name == N.eq) {
        cls->flags |= TYPE_HAS_EQ;
        // Python: a class that defines __eq__ without __hash__ is unhashable.
        if (dictGetStr(cls->attrs, N.hash).tag == WT_UNBOUND) dictSetStr(cls->attrs, N.hash, wrt_none());
      }
      if (std::strcmp(name->data, "__abstractmethods__") == 0) {
        bool any = isKind(value, Kind::Tuple) ? asTuple(value)->size > 0 : truthy(value) > 0;
        cls->flags = any ? cls->flags | TYPE_ABSTRACT : cls->flags & ~uint32_t(TYPE_ABSTRACT);
      }
      if (name == N.module && isStr(value)) {
        cls->module = asStr(value)->data;
        return wrt_none();
      }
      if (isKind(value, Kind::Property)) cls->flags |= TYPE_HAS_PROPERTY;
      if (std::strcmp(name->data, "__setattr__") == 0) cls->flags |= TYPE_CUSTOM_SETATTR;
      if (std::strcmp(name->data, "__get__") == 0) cls->flags |= TYPE_HAS_GET;
      if (isKind(value, Kind::Func)) {
        WFunc *f = reinterpret_cast<WFunc *>(value.o);
        if (f->owner.tag == WT_UNBOUND) f->owner = obj;
      }
      dictSetStr(cls->attrs, name, value);
      classesChanged(); // after the change: a fill racing with it is dropped
      return wrt_none();
    }
    case Kind::Module: {
      auto *mod = reinterpret_cast<WModule *>(obj.o);
      if (mod->slotIndex) {
        WValue slot = dictGetStr(mod->slotIndex, name);
        if (slot.tag == WT_INT) {
          mod->globals[slot.i] = value;
          return wrt_none();
        }
      }
      dictSetStr(mod->attrs, name, value);
      return wrt_none();
    }
    case Kind::Func: {
      WFunc *f = reinterpret_cast<WFunc *>(obj.o);
      if (!f->dict) f->dict = reinterpret_cast<WObj *>(asDict(newDict()));
      dictSetStr(reinterpret_cast<WDict *>(f->dict), name, value);
      return wrt_none();
    }
    default: break;
    }
  }
  return noAttr(obj, name);
}

// ---------------------------------------------------------------- builtins: property & co

WValue newReadOnlyProperty(const char *name, WNativeCode getter) {
  auto *p = newObj<WProperty>(T.property);
  p->fget = makeNative(name, getter, "self, /");
  p->fset = wrt_unbound();
  return wrt_obj(p);
}

namespace {

WValue propertyNew(WNativeFunc *, WValue *a) {
  auto *p = newObj<WProperty>(T.property);
  p->fget = a[0];
  p->fset = a[1];
  return wrt_obj(p);
}

WValue propertySetter(WNativeFunc *, WValue *a) {
  auto *old = reinterpret_cast<WProperty *>(a[0].o);
  auto *p = newObj<WProperty>(T.property);
  p->fget = old->fget;
  p->fset = a[1];
  return wrt_obj(p);
}

WValue propertyGetter(WNativeFunc *, WValue *a) {
  auto *old = reinterpret_cast<WProperty *>(a[0].o);
  auto *p = newObj<WProperty>(T.property);
  p->fget = a[1];
  p->fset = old->fset;
  return wrt_obj(p);
}

WValue wrapperNew(WNativeFunc *self, WValue *a) {
  auto *w = newObj<WFuncWrapper>(asType(self->bound));
  w->func = a[0];
  return wrt_obj(w);
}

WValue superNew(WNativeFunc *, WValue *a) {
  if (a[0].tag == WT_UNBOUND)
    return raise(T.RuntimeError, "super(): no arguments");
  return wrt_super(a[0], a[1].tag == WT_UNBOUND ? wrt_none() : a[1]);
}

WValue objectInit(WNativeFunc *, WValue *) { return wrt_none(); }

WValue objectRepr(WNativeFunc *, WValue *a) {
  // The default repr, whatever the class overrides.
  WTypeObj *t = typeOf(a[0]);
  char buf[64];
  snprintf(buf, sizeof buf, " object at 0x%llx>",
           (unsigned long long)reinterpret_cast<uintptr_t>(a[0].tag == WT_OBJ ? a[0].o : nullptr));
  std::string out = "<";
  if (t->module && std::strcmp(t->module, "builtins") != 0) {
    out += t->module;
    out += '.';
  }
  out += t->qualname;
  out += buf;
  return newStr(out);
}

WValue objectStr(WNativeFunc *, WValue *a) { return repr(a[0]); }

WValue objectNewCtor(WNativeFunc *, WValue *) {
  auto *o = newObj<WInstance>(T.object);
  return wrt_obj(o);
}

WValue objectSetattr(WNativeFunc *, WValue *a) {
  if (!isStr(a[1])) return raise(T.TypeError, "attribute name must be string");
  WTypeObj *t = typeOf(a[0]);
  // object.__setattr__ bypasses frozen dataclasses, as in CPython.
  if ((t->kind == Kind::Instance || t->kind == Kind::Exception) && t != T.object) {
    WInstance *inst = reinterpret_cast<WInstance *>(a[0].o);
    if (!inst->attrs) inst->attrs = asDict(newDict());
    dictSetStr(inst->attrs, internStr(strView(a[1])), a[2]);
    return wrt_none();
  }
  return setAttr(a[0], internStr(strView(a[1])), a[2]);
}

} // namespace

void initObjectMethods() {
  addMethod(T.object, "__init__", objectInit, "self, /, *args, **kwargs");
  objectInitValue = typeLookup(T.object, N.init);
  addMethod(T.object, "__repr__", objectRepr, "self, /");
  addMethod(T.object, "__str__", objectStr, "self, /");
  addMethod(T.object, "__setattr__", objectSetattr, "self, name, value, /");
  T.object->ctor = makeNative("object", objectNewCtor, "");
  T.property->ctor = makeNative("property", propertyNew, "fget=None, fset=None, fdel=None, doc=None");
  addMethod(T.property, "setter", propertySetter, "self, fset, /");
  addMethod(T.property, "getter", propertyGetter, "self, fget, /");
  T.staticmethod->ctor = makeNative("staticmethod", wrapperNew, "func, /", wrt_obj(T.staticmethod));
  T.classmethod->ctor = makeNative("classmethod", wrapperNew, "func, /", wrt_obj(T.classmethod));
  T.superType->ctor = makeNative("super", superNew, "type=?, obj=?, /");
}

bool isObjectInit(WValue init) { return init.tag == WT_OBJ && init.o == objectInitValue.o; }

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_getattr(WValue obj, WObj *name) {
  // Fast path: an instance field.
  if (obj.tag == WT_OBJ && obj.o->type->kind == Kind::Instance) {
    WDict *attrs = reinterpret_cast<WInstance *>(obj.o)->attrs;
    if (attrs && !(obj.o->type->flags & TYPE_HAS_PROPERTY)) {
      WValue v = dictGetStr(attrs, reinterpret_cast<WStr *>(name));
      if (v.tag != WT_UNBOUND) return v;
    }
  }
  return getAttr(obj, reinterpret_cast<WStr *>(name));
}

WValue wrt_setattr(WValue obj, WObj *name, WValue value) {
  if (obj.tag == WT_OBJ && obj.o->type->kind == Kind::Instance &&
      !(obj.o->type->flags & (TYPE_HAS_PROPERTY | TYPE_FROZEN | TYPE_CUSTOM_SETATTR)) &&
      obj.o->type != T.object) {
    WInstance *inst = reinterpret_cast<WInstance *>(obj.o);
    if (inst->attrs) {
      dictSetStr(inst->attrs, reinterpret_cast<WStr *>(name), value);
      return wrt_none();
    }
  }
  return setAttr(obj, reinterpret_cast<WStr *>(name), value);
}

WValue wrt_delattr(WValue obj, WObj *name) {
  WStr *n = reinterpret_cast<WStr *>(name);
  if (obj.tag == WT_OBJ) {
    Kind k = obj.o->type->kind;
    WDict *attrs = nullptr;
    if (k == Kind::Instance || k == Kind::Exception) attrs = reinterpret_cast<WInstance *>(obj.o)->attrs;
    else if (k == Kind::Module) attrs = reinterpret_cast<WModule *>(obj.o)->attrs;
    else if (k == Kind::Type && (asType(obj)->flags & TYPE_USER)) attrs = asType(obj)->attrs;
    if (attrs && (obj.o->type->flags & TYPE_FROZEN)) return raiseFrozen(n);
    if (attrs && dictDel(attrs, wrt_obj(n)).tag != WT_UNBOUND) {
      if (k == Kind::Type) classesChanged();
      return wrt_none();
    }
  }
  return noAttr(obj, n);
}

WValue wrt_class_new(const char *name, WValue base, const char *qualname) {
  WTypeObj *b = T.object;
  // Generic[T] and Protocol as a base only say something to type checkers:
  // the class derives from object, as it does at run time in CPython.
  if (base.tag != WT_UNBOUND && base.tag != WT_NONE && !isTypingForm(base)) {
    if (!isKind(base, Kind::Type)) return raise(T.TypeError, "bases must be types");
    b = asType(base);
    if (!(b->flags & TYPE_USER) && b != T.object && !(b->flags & TYPE_EXCEPTION))
      return raiseFormat(T.TypeError, "subclassing '%s' is not supported", b->name);
  }
  WTypeObj *t = newType(name, b, b->kind == Kind::Exception ? Kind::Exception : Kind::Instance,
                        "__main__");
  t->qualname = qualname ? qualname : name;
  t->flags = TYPE_USER | (b->flags & (TYPE_EXCEPTION | TYPE_HAS_EQ | TYPE_HAS_PROPERTY |
                                      TYPE_CUSTOM_SETATTR | TYPE_FROZEN | TYPE_HAS_GET));
  return wrt_obj(t);
}

WValue wrt_class_done(WValue cls) {
  WTypeObj *t = asType(cls);
  // PEP 487: each attribute whose class defines __set_name__ learns its
  // owner and name (over a snapshot: the hook may add attributes).
  std::vector<std::pair<WValue, WValue>> named;
  WDict *attrs = t->attrs;
  for (int64_t i = 0; i < attrs->used; ++i) {
    WDictEntry &e = attrs->entries[i];
    if (e.value.tag != WT_OBJ || e.value.o->type->kind != Kind::Instance || !(e.value.o->type->flags & TYPE_USER))
      continue;
    named.push_back({e.key, e.value});
  }
  for (auto &[key, value] : named) {
    WValue hook = typeLookup(value.o->type, internStr("__set_name__"));
    if (hook.tag == WT_UNBOUND) continue;
    WValue args[2] = {cls, key};
    if (callWithSelf(hook, value, 2, args).tag == WT_ERR) return wrt_errv();
  }
  // The base's __init_subclass__, an implicit classmethod; object's does nothing.
  if (!t->base || t->base == T.object || !(t->base->flags & TYPE_USER)) return wrt_none();
  WValue m = typeLookup(t->base, internStr("__init_subclass__"));
  if (m.tag != WT_OBJ) return wrt_none();
  if (isKind(m, Kind::ClassMethod) || isKind(m, Kind::StaticMethod)) m = reinterpret_cast<WFuncWrapper *>(m.o)->func;
  WValue r = call(m, 1, &cls);
  return r.tag == WT_ERR ? r : wrt_none();
}

WValue wrt_class_annotate(WValue cls, WObj *name, WValue defaultValue) {
  WTypeObj *t = asType(cls);
  int64_t n = t->fields ? asTuple(wrt_obj(t->fields))->size : 0;
  WValue names = newTuple(n + 1), defs = newTuple(n + 1);
  for (int64_t i = 0; i < n; i++) {
    asTuple(names)->items[i] = asTuple(wrt_obj(t->fields))->items[i];
    asTuple(defs)->items[i] = asTuple(wrt_obj(t->fieldDefaults))->items[i];
  }
  // Re-annotating a field keeps its position and takes the new default.
  for (int64_t i = 0; i < n; i++) {
    if (asTuple(names)->items[i].o == name) {
      asTuple(wrt_obj(t->fieldDefaults))->items[i] = defaultValue;
      return wrt_none();
    }
  }
  asTuple(names)->items[n] = wrt_obj(name);
  asTuple(defs)->items[n] = defaultValue;
  t->fields = names.o;
  t->fieldDefaults = defs.o;
  return wrt_none();
}

WValue wrt_super(WValue cls, WValue self) {
  if (!isKind(cls, Kind::Type)) return raise(T.TypeError, "super() argument 1 must be a type");
  auto *s = newObj<WSuper>(T.superType);
  s->startAfter = asType(cls);
  s->self = self;
  return wrt_obj(s);
}

} // extern "C"
