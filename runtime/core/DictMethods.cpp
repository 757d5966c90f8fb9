// DictMethods.cpp: dict's methods and constructor, its live views
// (dict_keys/dict_values/dict_items, which print as CPython's do), and
// wrt_dict_update for {**a} displays. The table itself is Dict.cpp.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

namespace weft::rt {

namespace {

WValue newView(WTypeObj *t, WValue dict) {
  auto *v = newObj<WDictView>(t);
  v->dict = asDict(dict);
  return wrt_obj(v);
}

WValue dictGetM(WNativeFunc *, WValue *a) {
  WValue v = dictGet(asDict(a[0]), a[1]);
  if (v.tag == WT_UNBOUND) return a[2];
  return v;
}

WValue dictKeysM(WNativeFunc *, WValue *a) { return newView(T.dictKeys, a[0]); }
WValue dictValuesM(WNativeFunc *, WValue *a) { return newView(T.dictValues, a[0]); }
WValue dictItemsM(WNativeFunc *, WValue *a) { return newView(T.dictItems, a[0]); }

WValue dictSetdefaultM(WNativeFunc *, WValue *a) {
  WValue v = dictGet(asDict(a[0]), a[1]);
  if (v.tag == WT_ERR) return v;
  if (v.tag != WT_UNBOUND) return v;
  if (dictSet(asDict(a[0]), a[1], a[2]).tag == WT_ERR) return wrt_errv();
  return a[2];
}

WValue dictPopM(WNativeFunc *, WValue *a) {
  WValue v = dictDel(asDict(a[0]), a[1]);
  if (v.tag == WT_ERR) return v;
  if (v.tag == WT_UNBOUND) {
    if (a[2].tag != WT_UNBOUND) return a[2];
    return raiseKeyError(a[1]);
  }
  return v;
}

WValue dictPopitemM(WNativeFunc *, WValue *a) {
  WDict *d = asDict(a[0]);
  if (d->size == 0) return raiseKeyError(newStr("popitem(): dictionary is empty"));
  for (int64_t i = d->used - 1; i >= 0; i--) {
    WDictEntry &e = d->entries[i];
    if (e.key.tag == WT_UNBOUND) continue;
    WValue t = newTuple(2);
    asTuple(t)->items[0] = e.key;
    asTuple(t)->items[1] = e.value;
    dictDel(d, e.key);
    return t;
  }
  return wrt_none();
}

WValue dictUpdateM(WNativeFunc *, WValue *a) {
  if (a[1].tag != WT_UNBOUND && wrt_dict_update(a[0], a[1]).tag == WT_ERR) return wrt_errv();
  if (a[2].tag == WT_OBJ && wrt_dict_update(a[0], a[2]).tag == WT_ERR) return wrt_errv();
  return wrt_none();
}

WValue dictCopyM(WNativeFunc *, WValue *a) {
  WValue d = newDict();
  wrt_dict_update(d, a[0]);
  return d;
}

WValue dictClearM(WNativeFunc *, WValue *a) {
  WDict *d = asDict(a[0]);
  WDict *fresh = asDict(newDict());
  d->size = fresh->size;
  d->used = fresh->used;
  d->capacity = fresh->capacity;
  d->entries = fresh->entries;
  d->index = fresh->index;
  d->indexMask = fresh->indexMask;
  return wrt_none();
}

WValue dictFromkeysM(WNativeFunc *, WValue *a) {
  WValue keys = listFromIterable(a[1]);
  if (keys.tag == WT_ERR) return keys;
  WValue d = newDict();
  WValue v = a[2].tag == WT_UNBOUND ? wrt_none() : a[2];
  for (int64_t i = 0; i < asList(keys)->size; i++)
    if (dictSet(asDict(d), asList(keys)->items[i], v).tag == WT_ERR) return wrt_errv();
  return d;
}

WValue dictCtor(WNativeFunc *, WValue *a) {
  WValue d = newDict();
  if (a[0].tag != WT_UNBOUND && wrt_dict_update(d, a[0]).tag == WT_ERR) return wrt_errv();
  if (a[1].tag == WT_OBJ && wrt_dict_update(d, a[1]).tag == WT_ERR) return wrt_errv();
  return d;
}

} // namespace

void initDictMethods() {
  WTypeObj *d = T.dict;
  addMethod(d, "get", dictGetM, "self, key, default=None, /");
  addMethod(d, "keys", dictKeysM, "self, /");
  addMethod(d, "values", dictValuesM, "self, /");
  addMethod(d, "items", dictItemsM, "self, /");
  addMethod(d, "setdefault", dictSetdefaultM, "self, key, default=None, /");
  addMethod(d, "pop", dictPopM, "self, key, default=?, /");
  addMethod(d, "popitem", dictPopitemM, "self, /");
  addMethod(d, "update", dictUpdateM, "self, other=?, /, **kwargs");
  addMethod(d, "copy", dictCopyM, "self, /");
  addMethod(d, "clear", dictClearM, "self, /");
  // A classmethod in CPython; as a plain method it still works on instances,
  // and getattr on the type returns it unbound (dict.fromkeys(keys) needs the
  // class bound: see typeSetAttr below).
  typeSetAttr(d, "fromkeys", [] {
    auto *w = newObj<WFuncWrapper>(T.classmethod);
    w->func = makeNativeQual("fromkeys", "dict.fromkeys", dictFromkeysM, "cls, iterable, value=?, /");
    return wrt_obj(w);
  }());
  d->ctor = makeNative("dict", dictCtor, "mapping=?, /, **kwargs");
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_dict_update(WValue dict, WValue other) {
  WDict *d = asDict(dict);
  if (isKind(other, Kind::Dict)) {
    WDict *o = asDict(other);
    int64_t pos = 0;
    WDictEntry *e;
    while (dictNext(o, pos, e))
      if (dictSet(d, e->key, e->value).tag == WT_ERR) return wrt_errv();
    return wrt_none();
  }
  if (other.tag == WT_OBJ && (other.o->type->flags & TYPE_USER)) {
    // A mapping: keys() and [].
    WValue keysFn = typeLookup(other.o->type, internStr("keys"));
    if (keysFn.tag != WT_UNBOUND) {
      WValue keys = callWithSelf(keysFn, other, 0, nullptr);
      if (keys.tag == WT_ERR) return keys;
      WValue l = listFromIterable(keys);
      if (l.tag == WT_ERR) return l;
      for (int64_t i = 0; i < asList(l)->size; i++) {
        WValue k = asList(l)->items[i];
        WValue v = wrt_getitem(other, k);
        if (v.tag == WT_ERR) return v;
        if (dictSet(d, k, v).tag == WT_ERR) return wrt_errv();
      }
      return wrt_none();
    }
  }
  WValue it = iter(other);
  if (it.tag == WT_ERR) return it;
  for (int64_t n = 0;; n++) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) return wrt_none();
    WValue pair = listFromIterable(x);
    if (pair.tag == WT_ERR) {
      errClear();
      return raiseFormat(T.TypeError,
                         "cannot convert dictionary update sequence element #%lld to a sequence",
                         (long long)n);
    }
    if (asList(pair)->size != 2)
      return raiseFormat(T.ValueError,
                         "dictionary update sequence element #%lld has length %lld; 2 is required",
                         (long long)n, (long long)asList(pair)->size);
    if (dictSet(d, asList(pair)->items[0], asList(pair)->items[1]).tag == WT_ERR) return wrt_errv();
  }
}

} // extern "C"
