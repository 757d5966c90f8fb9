// SetMethods.cpp: set's methods and constructor. A set is a WDict whose
// values are unused (insertion ordered, LANGUAGE.md). The operators | & - ^
// and the subset comparisons live in Operators.cpp and Compare.cpp; the
// named methods here accept any iterable, as CPython's do.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

namespace weft::rt {

namespace {

/// Any iterable as a set (sets themselves are returned as is).
WValue asSetValue(WValue v) {
  if (isKind(v, Kind::Set)) return v;
  WValue l = listFromIterable(v);
  if (l.tag == WT_ERR) return l;
  return wrt_set_new(asList(l)->size, asList(l)->items);
}

WValue copySet(WValue s) {
  WValue r = newSet();
  int64_t pos = 0;
  WDictEntry *e;
  while (dictNext(asDict(s), pos, e)) setAdd(asDict(r), e->key);
  return r;
}

WValue setAddM(WNativeFunc *, WValue *a) { return setAdd(asDict(a[0]), a[1]); }

WValue setDiscardM(WNativeFunc *, WValue *a) {
  WValue r = dictDel(asDict(a[0]), a[1]);
  return r.tag == WT_ERR ? r : wrt_none();
}

WValue setRemoveM(WNativeFunc *, WValue *a) {
  WValue r = dictDel(asDict(a[0]), a[1]);
  if (r.tag == WT_ERR) return r;
  if (r.tag == WT_UNBOUND) return raiseKeyError(a[1]);
  return wrt_none();
}

WValue setPopM(WNativeFunc *, WValue *a) {
  WDict *s = asDict(a[0]);
  int64_t pos = 0;
  WDictEntry *e;
  if (!dictNext(s, pos, e)) return raiseKeyError(newStr("pop from an empty set"));
  WValue k = e->key;
  dictDel(s, k);
  return k;
}

/// union / intersection / difference / symmetric_difference with *others.
template <int Op> WValue setAlgebraM(WNativeFunc *, WValue *a) {
  WValue result = copySet(a[0]);
  WTuple *others = asTuple(a[1]);
  for (int64_t i = 0; i < others->size; i++) {
    WValue o = asSetValue(others->items[i]);
    if (o.tag == WT_ERR) return o;
    result = binop(Op, result, o);
    if (result.tag == WT_ERR) return result;
  }
  return result;
}

template <int Op> WValue setUpdateM(WNativeFunc *, WValue *a) {
  WTuple *others = asTuple(a[1]);
  for (int64_t i = 0; i < others->size; i++) {
    WValue o = asSetValue(others->items[i]);
    if (o.tag == WT_ERR) return o;
    if (wrt_inplace(Op, a[0], o).tag == WT_ERR) return wrt_errv();
  }
  return wrt_none();
}

WValue setIssubsetM(WNativeFunc *, WValue *a) {
  WValue o = asSetValue(a[1]);
  if (o.tag == WT_ERR) return o;
  return compareValue(WOP_LE, a[0], o);
}

WValue setIssupersetM(WNativeFunc *, WValue *a) {
  WValue o = asSetValue(a[1]);
  if (o.tag == WT_ERR) return o;
  return compareValue(WOP_GE, a[0], o);
}

WValue setIsdisjointM(WNativeFunc *, WValue *a) {
  WValue o = asSetValue(a[1]);
  if (o.tag == WT_ERR) return o;
  WValue inter = binop(WOP_AND, a[0], o);
  if (inter.tag == WT_ERR) return inter;
  return wrt_bool(asDict(inter)->size == 0);
}

WValue setCopyM(WNativeFunc *, WValue *a) { return copySet(a[0]); }

WValue setClearM(WNativeFunc *, WValue *a) {
  WDict *s = asDict(a[0]);
  WDict *fresh = asDict(newSet());
  s->size = fresh->size;
  s->used = fresh->used;
  s->capacity = fresh->capacity;
  s->entries = fresh->entries;
  s->index = fresh->index;
  s->indexMask = fresh->indexMask;
  return wrt_none();
}

WValue setCtor(WNativeFunc *, WValue *a) {
  if (a[0].tag == WT_UNBOUND) return newSet();
  WValue l = listFromIterable(a[0]);
  if (l.tag == WT_ERR) return l;
  return wrt_set_new(asList(l)->size, asList(l)->items);
}

} // namespace

void initSetMethods() {
  WTypeObj *s = T.set;
  addMethod(s, "add", setAddM, "self, elem, /");
  addMethod(s, "discard", setDiscardM, "self, elem, /");
  addMethod(s, "remove", setRemoveM, "self, elem, /");
  addMethod(s, "pop", setPopM, "self, /");
  addMethod(s, "union", setAlgebraM<WOP_OR>, "self, *others");
  addMethod(s, "intersection", setAlgebraM<WOP_AND>, "self, *others");
  addMethod(s, "difference", setAlgebraM<WOP_SUB>, "self, *others");
  addMethod(s, "symmetric_difference", setAlgebraM<WOP_XOR>, "self, *others");
  addMethod(s, "update", setUpdateM<WOP_OR>, "self, *others");
  addMethod(s, "intersection_update", setUpdateM<WOP_AND>, "self, *others");
  addMethod(s, "difference_update", setUpdateM<WOP_SUB>, "self, *others");
  addMethod(s, "symmetric_difference_update", setUpdateM<WOP_XOR>, "self, *others");
  addMethod(s, "issubset", setIssubsetM, "self, other, /");
  addMethod(s, "issuperset", setIssupersetM, "self, other, /");
  addMethod(s, "isdisjoint", setIsdisjointM, "self, other, /");
  addMethod(s, "copy", setCopyM, "self, /");
  addMethod(s, "clear", setClearM, "self, /");
  s->ctor = makeNative("set", setCtor, "iterable=?, /");
}

} // namespace weft::rt
