// Subscript.cpp: x[i], x[i] = v, del x[i] for the builtin containers and
// user classes (__getitem__/__setitem__/__delitem__), with negative indices,
// slices with steps, list slice assignment, and CPython's IndexError /
// KeyError / TypeError messages. Also the range, slice and bool types'
// constructors, which share the index conversion helpers here.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <cstring>

namespace weft::rt {

bool indexOf(WValue v, int64_t &out, const char *what) {
  if (isIntLike(v)) {
    out = v.i;
    return true;
  }
  if (v.tag == WT_OBJ && (v.o->type->flags & TYPE_USER)) {
    WValue m = typeLookup(v.o->type, N.index);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, v, 0, nullptr);
      if (r.tag == WT_ERR) return false;
      if (isIntLike(r)) {
        out = r.i;
        return true;
      }
      raiseFormat(T.TypeError, "__index__ returned non-int (type %s)", typeName(r));
      return false;
    }
  }
  if (what) raise(T.TypeError, what);
  else raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
  return false;
}

int64_t sliceIndices(WSlice *s, int64_t length, int64_t &start, int64_t &stop, int64_t &step) {
  const char *bad = "slice indices must be integers or None or have an __index__ method";
  step = 1;
  if (s->step.tag != WT_NONE && !indexOf(s->step, step, bad)) return -1;
  if (step == 0) {
    raise(T.ValueError, "slice step cannot be zero");
    return -1;
  }
  if (s->start.tag == WT_NONE) start = step < 0 ? INT64_MAX : 0;
  else if (!indexOf(s->start, start, bad)) return -1;
  if (s->stop.tag == WT_NONE) stop = step < 0 ? INT64_MIN : INT64_MAX;
  else if (!indexOf(s->stop, stop, bad)) return -1;
  // PySlice_AdjustIndices.
  if (start < 0) {
    start += length;
    if (start < 0) start = step < 0 ? -1 : 0;
  } else if (start >= length) {
    start = step < 0 ? length - 1 : length;
  }
  if (stop < 0) {
    stop += length;
    if (stop < 0) stop = step < 0 ? -1 : 0;
  } else if (stop >= length) {
    stop = step < 0 ? length - 1 : length;
  }
  if (step < 0) return stop < start ? (start - stop - 1) / (-step) + 1 : 0;
  return start < stop ? (stop - start - 1) / step + 1 : 0;
}

namespace {

WValue sliceItems(WValue seq, const WValue *items, int64_t size, WSlice *s, bool asTupleResult) {
  int64_t start, stop, step;
  int64_t n = sliceIndices(s, size, start, stop, step);
  if (n < 0) return wrt_errv();
  WValue r = asTupleResult ? newTuple(n) : newList(n);
  WValue *out = asTupleResult ? asTuple(r)->items : asList(r)->items;
  (void)seq;
  for (int64_t i = 0, j = start; i < n; i++, j += step) out[i] = items[j];
  return r;
}

WValue indexError(const char *what) {
  return raiseFormat(T.IndexError, "%s index out of range", what);
}

WValue badIndexType(const char *type, WValue key) {
  return raiseFormat(T.TypeError, "%s indices must be integers or slices, not %s", type,
                     typeName(key));
}

WValue rangeItem(WRange *r, WValue key) {
  int64_t len = length(wrt_obj(r));
  if (isKind(key, Kind::Slice)) {
    int64_t start, stop, step;
    int64_t n = sliceIndices(reinterpret_cast<WSlice *>(key.o), len, start, stop, step);
    if (n < 0) return wrt_errv();
    int64_t nstart = r->start + start * r->step;
    int64_t nstep = r->step * step;
    return newRange(nstart, nstart + n * nstep, nstep);
  }
  int64_t i;
  if (!indexOf(key, i, nullptr)) {
    errClear();
    return raiseFormat(T.TypeError, "range indices must be integers or slices, not %s",
                       typeName(key));
  }
  if (i < 0) i += len;
  if (i < 0 || i >= len) return raise(T.IndexError, "range object index out of range");
  return wrt_int(r->start + i * r->step);
}

WValue userItem(WValue obj, WStr *name, int64_t argc, WValue *argv, const char *fail) {
  WTypeObj *t = typeOf(obj);
  // User classes, and native object types that define the method
  // (contextvars.Context).
  if ((t->flags & TYPE_USER) || t->kind == Kind::Other) {
    WValue m = typeLookup(t, name);
    if (m.tag != WT_UNBOUND) return callWithSelf(m, obj, argc, argv);
  }
  return raiseFormat(T.TypeError, fail, t->name);
}

/// list[a:b:c] = iterable
WValue listAssignSlice(WList *l, WSlice *s, WValue value) {
  int64_t start, stop, step;
  int64_t n = sliceIndices(s, l->size, start, stop, step);
  if (n < 0) return wrt_errv();
  WValue src = listFromIterable(value); // a copy, so l[:] = l works
  if (src.tag == WT_ERR) {
    if (errMatchesClear(T.TypeError)) return raise(T.TypeError, "can only assign an iterable");
    return src;
  }
  WList *sl = asList(src);
  if (step == 1) {
    if (stop < start) stop = start;
    int64_t newSize = l->size - (stop - start) + sl->size;
    listReserve(l, newSize);
    std::memmove(l->items + start + sl->size, l->items + stop, sizeof(WValue) * (l->size - stop));
    if (sl->size) std::memcpy(l->items + start, sl->items, sizeof(WValue) * sl->size);
    for (int64_t i = newSize; i < l->size; i++) l->items[i] = wrt_unbound();
    l->size = newSize;
    return wrt_none();
  }
  if (sl->size != n)
    return raiseFormat(T.ValueError, "attempt to assign sequence of size %lld to extended slice of size %lld",
                       (long long)sl->size, (long long)n);
  for (int64_t i = 0, j = start; i < n; i++, j += step) l->items[j] = sl->items[i];
  return wrt_none();
}

WValue listDeleteSlice(WList *l, WSlice *s) {
  int64_t start, stop, step;
  int64_t n = sliceIndices(s, l->size, start, stop, step);
  if (n < 0) return wrt_errv();
  if (n == 0) return wrt_none();
  if (step < 0) { // normalise to an ascending walk
    start = start + (n - 1) * step;
    step = -step;
  }
  int64_t w = start;
  for (int64_t r = start, k = 0; r < l->size; r++) {
    if (k < n && r == start + k * step) {
      k++;
      continue;
    }
    l->items[w++] = l->items[r];
  }
  for (int64_t i = w; i < l->size; i++) l->items[i] = wrt_unbound();
  l->size = w;
  return wrt_none();
}

WValue rangeCtor(WNativeFunc *, WValue *a) {
  int64_t start = 0, stop, step = 1;
  if (a[1].tag == WT_UNBOUND) {
    if (!indexOf(a[0], stop, nullptr)) return wrt_errv();
  } else {
    if (!indexOf(a[0], start, nullptr) || !indexOf(a[1], stop, nullptr)) return wrt_errv();
    if (a[2].tag != WT_UNBOUND && !indexOf(a[2], step, nullptr)) return wrt_errv();
    if (step == 0) return raise(T.ValueError, "range() arg 3 must not be zero");
  }
  return newRange(start, stop, step);
}

WValue sliceCtor(WNativeFunc *, WValue *a) {
  if (a[1].tag == WT_UNBOUND) return wrt_slice_new(wrt_none(), a[0], wrt_none());
  return wrt_slice_new(a[0], a[1], a[2].tag == WT_UNBOUND ? wrt_none() : a[2]);
}

WValue boolCtor(WNativeFunc *, WValue *a) {
  if (a[0].tag == WT_UNBOUND) return wrt_bool(0);
  int t = truthy(a[0]);
  if (t < 0) return wrt_errv();
  return wrt_bool(t);
}

WValue rangeAttr(WNativeFunc *self, WValue *a) {
  WRange *r = reinterpret_cast<WRange *>(a[0].o);
  return wrt_int(self->bound.i == 0 ? r->start : self->bound.i == 1 ? r->stop : r->step);
}

WValue rangeIndexM(WNativeFunc *, WValue *a) {
  int c = contains(a[0], a[1]);
  if (c < 0) return wrt_errv();
  if (!c) {
    std::string msg;
    appendRepr(msg, a[1]);
    return raise(T.ValueError, msg + " is not in range");
  }
  WRange *r = reinterpret_cast<WRange *>(a[0].o);
  return wrt_int((a[1].i - r->start) / r->step);
}

WValue rangeCountM(WNativeFunc *, WValue *a) {
  int c = contains(a[0], a[1]);
  return c < 0 ? wrt_errv() : wrt_int(c);
}

} // namespace

WValue newRange(int64_t start, int64_t stop, int64_t step) {
  auto *r = newObj<WRange>(T.range);
  r->start = start;
  r->stop = stop;
  r->step = step;
  return wrt_obj(r);
}

void initSubscriptTypes() {
  T.range->ctor = makeNative("range", rangeCtor, "start, stop=?, step=?, /");
  T.slice->ctor = makeNative("slice", sliceCtor, "start, stop=?, step=?, /");
  T.boolType->ctor = makeNative("bool", boolCtor, "x=?, /");
  addMethod(T.range, "index", rangeIndexM, "self, value, /");
  addMethod(T.range, "count", rangeCountM, "self, value, /");
  // range.start/stop/step are read through properties over natives.
  const char *names[3] = {"start", "stop", "step"};
  for (int i = 0; i < 3; i++) {
    auto *p = newObj<WProperty>(T.property);
    p->fget = makeNative(names[i], rangeAttr, "self, /", wrt_int(i));
    p->fset = wrt_none();
    typeSetAttr(T.range, names[i], wrt_obj(p));
  }
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_slice_new(WValue lo, WValue hi, WValue step) {
  auto *s = newObj<WSlice>(T.slice);
  s->start = lo.tag == WT_UNBOUND ? wrt_none() : lo;
  s->stop = hi.tag == WT_UNBOUND ? wrt_none() : hi;
  s->step = step.tag == WT_UNBOUND ? wrt_none() : step;
  return wrt_obj(s);
}

WValue wrt_getitem(WValue obj, WValue key) {
  if (obj.tag != WT_OBJ)
    return raiseFormat(T.TypeError, "'%s' object is not subscriptable", typeName(obj));
  switch (obj.o->type->kind) {
  case Kind::List: {
    WList *l = asList(obj);
    if (isIntLike(key)) {
      int64_t i = key.i;
      if (i < 0) i += l->size;
      if (uint64_t(i) >= uint64_t(l->size)) return indexError("list");
      return l->items[i];
    }
    if (isKind(key, Kind::Slice))
      return sliceItems(obj, l->items, l->size, reinterpret_cast<WSlice *>(key.o), false);
    int64_t i;
    if (key.tag == WT_OBJ && (key.o->type->flags & TYPE_USER) && indexOf(key, i, nullptr))
      return wrt_getitem(obj, wrt_int(i));
    return badIndexType("list", key);
  }
  case Kind::Tuple: {
    WTuple *t = asTuple(obj);
    if (isIntLike(key)) {
      int64_t i = key.i;
      if (i < 0) i += t->size;
      if (uint64_t(i) >= uint64_t(t->size)) return indexError("tuple");
      return t->items[i];
    }
    if (isKind(key, Kind::Slice))
      return sliceItems(obj, t->items, t->size, reinterpret_cast<WSlice *>(key.o), true);
    return badIndexType("tuple", key);
  }
  case Kind::Dict: {
    WValue v = dictGet(asDict(obj), key);
    if (v.tag == WT_UNBOUND) return raiseKeyError(key);
    return v;
  }
  case Kind::Str: return strGetItem(obj, key);
  case Kind::Bytes: return bytesGetItem(obj, key);
  case Kind::Range: return rangeItem(reinterpret_cast<WRange *>(obj.o), key);
  case Kind::Type:
    if (enumMembers(asType(obj))) {  // Color["RED"]
      WValue map = dictGetStr(asType(obj)->attrs, internStr("_member_map_"));
      WValue m = isKind(map, Kind::Dict) ? dictGet(asDict(map), key) : wrt_unbound();
      return m.tag == WT_UNBOUND ? raiseKeyError(key) : m;
    }
    // Generic aliases in runtime annotations (list[int]): the class itself.
    if (!(obj.o->type->flags & TYPE_USER)) return obj;
    break;
  default: break;
  }
  return userItem(obj, N.getitem, 1, &key, "'%s' object is not subscriptable");
}

WValue wrt_setitem(WValue obj, WValue key, WValue value) {
  if (obj.tag == WT_OBJ) {
    switch (obj.o->type->kind) {
    case Kind::List: {
      WList *l = asList(obj);
      if (isIntLike(key)) {
        int64_t i = key.i;
        if (i < 0) i += l->size;
        if (uint64_t(i) >= uint64_t(l->size))
          return raise(T.IndexError, "list assignment index out of range");
        l->items[i] = value;
        return wrt_none();
      }
      if (isKind(key, Kind::Slice)) return listAssignSlice(l, reinterpret_cast<WSlice *>(key.o), value);
      return badIndexType("list", key);
    }
    case Kind::Dict: return dictSet(asDict(obj), key, value);
    default: break;
    }
  }
  WValue args[2] = {key, value};
  return userItem(obj, N.setitem, 2, args, "'%s' object does not support item assignment");
}

WValue wrt_delitem(WValue obj, WValue key) {
  if (obj.tag == WT_OBJ) {
    switch (obj.o->type->kind) {
    case Kind::List: {
      WList *l = asList(obj);
      if (isIntLike(key)) {
        int64_t i = key.i;
        if (i < 0) i += l->size;
        if (uint64_t(i) >= uint64_t(l->size))
          return raise(T.IndexError, "list assignment index out of range");
        std::memmove(l->items + i, l->items + i + 1, sizeof(WValue) * (l->size - i - 1));
        l->items[--l->size] = wrt_unbound();
        return wrt_none();
      }
      if (isKind(key, Kind::Slice)) return listDeleteSlice(l, reinterpret_cast<WSlice *>(key.o));
      return badIndexType("list", key);
    }
    case Kind::Dict: {
      WValue r = dictDel(asDict(obj), key);
      if (r.tag == WT_ERR) return r;
      if (r.tag == WT_UNBOUND) return raiseKeyError(key);
      return wrt_none();
    }
    default: break;
    }
  }
  return userItem(obj, N.delitem, 1, &key, "'%s' object doesn't support item deletion");
}

} // extern "C"
