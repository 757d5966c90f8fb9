// BuiltinIter.cpp: the builtins that make or drive iterators: range (the
// type's constructor), enumerate, zip, map, filter, reversed, iter and next.
// Each lazy one is a WIterator whose `next` pulls from the iterators it
// holds (in `source`/`extra`, so the collector sees them), exactly as
// CPython's are lazy: zip stops at the shortest input, map calls in order.
#include "core/Text.h"

namespace weft::rt {

namespace {

WValue stopIteration() {
  WValue e = newException(T.StopIteration, nullptr);
  if (e.tag == WT_ERR) return e;
  return raiseValue(e);
}

bool toIndex(WValue v, int64_t &out) {
  if (isIntLike(v)) {
    out = v.i;
    return true;
  }
  raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
  return false;
}

/// range(stop) / range(start, stop[, step])
WValue rangeCtor(WNativeFunc *, WValue *a) {
  int64_t start = 0, stop, step = 1;
  if (a[1].tag == WT_UNBOUND) {
    if (!toIndex(a[0], stop)) return wrt_errv();
  } else {
    if (!toIndex(a[0], start) || !toIndex(a[1], stop)) return wrt_errv();
    if (a[2].tag != WT_UNBOUND && !toIndex(a[2], step)) return wrt_errv();
  }
  if (step == 0) return raise(T.ValueError, "range() arg 3 must not be zero");
  return newRange(start, stop, step);
}

// enumerate: source = inner iterator, index = the count.
WValue enumerateNext(WIterator *it) {
  WValue x = next(it->source);
  if (x.tag == WT_ERR || x.tag == WT_UNBOUND) return x;
  return newTupleOf({wrt_int(it->index++), x});
}

WValue enumerateImpl(WNativeFunc *, WValue *a) {
  int64_t start = 0;
  if (a[1].tag != WT_UNBOUND && !toIndex(a[1], start)) return wrt_errv();
  WValue inner = iter(a[0]);
  if (inner.tag == WT_ERR) return inner;
  WValue it = newIterator(enumerateNext, inner);
  reinterpret_cast<WIterator *>(it.o)->index = start;
  return it;
}

// zip: source = tuple of iterators; extra = strict flag.
WValue zipNext(WIterator *it) {
  WTuple *its = asTuple(it->source);
  if (its->size == 0) return wrt_unbound();
  WValue out = newTuple(its->size);
  for (int64_t i = 0; i < its->size; ++i) {
    WValue x = next(its->items[i]);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) {
      if (it->extra.tag == WT_BOOL && it->extra.i) {
        if (i > 0)
          return raiseFormat(T.ValueError, "zip() argument %lld is shorter than argument%s%lld",
                             (long long)i + 1, i == 1 ? " " : "s 1-", (long long)i);
        for (int64_t j = 1; j < its->size; ++j) {
          WValue y = next(its->items[j]);
          if (y.tag == WT_ERR) return y;
          if (y.tag != WT_UNBOUND)
            return raiseFormat(T.ValueError, "zip() argument %lld is longer than argument%s%lld",
                               (long long)j + 1, j == 1 ? " " : "s 1-", (long long)j);
        }
      }
      return wrt_unbound();
    }
    asTuple(out)->items[i] = x;
  }
  return out;
}

WValue zipImpl(WNativeFunc *, WValue *a) {
  WTuple *args = asTuple(a[0]);
  WValue its = newTuple(args->size);
  for (int64_t i = 0; i < args->size; ++i) {
    WValue x = iter(args->items[i]);
    if (x.tag == WT_ERR) return x;
    asTuple(its)->items[i] = x;
  }
  int strict = a[1].tag == WT_UNBOUND ? 0 : truthy(a[1]);
  if (strict < 0) return wrt_errv();
  return newIterator(zipNext, its, wrt_bool(strict));
}

// map: source = tuple of iterators, extra = the function.
WValue mapNext(WIterator *it) {
  WTuple *its = asTuple(it->source);
  WValue small[4];
  WValue *args = its->size <= 4 ? small
                                : static_cast<WValue *>(gcAlloc(sizeof(WValue) * size_t(its->size)));
  for (int64_t i = 0; i < its->size; ++i) {
    WValue x = next(its->items[i]);
    if (x.tag == WT_ERR || x.tag == WT_UNBOUND) return x;
    args[i] = x;
  }
  return call(it->extra, its->size, args);
}

WValue mapImpl(WNativeFunc *, WValue *a) {
  WTuple *args = asTuple(a[1]);
  if (args->size == 0) return raise(T.TypeError, "map() must have at least two arguments.");
  WValue its = newTuple(args->size);
  for (int64_t i = 0; i < args->size; ++i) {
    WValue x = iter(args->items[i]);
    if (x.tag == WT_ERR) return x;
    asTuple(its)->items[i] = x;
  }
  return newIterator(mapNext, its, a[0]);
}

// filter: source = iterator, extra = predicate (None: truthiness).
WValue filterNext(WIterator *it) {
  for (;;) {
    WValue x = next(it->source);
    if (x.tag == WT_ERR || x.tag == WT_UNBOUND) return x;
    WValue keep = x;
    if (it->extra.tag != WT_NONE) {
      keep = call(it->extra, 1, &x);
      if (keep.tag == WT_ERR) return keep;
    }
    int t = truthy(keep);
    if (t < 0) return wrt_errv();
    if (t) return x;
  }
}

WValue filterImpl(WNativeFunc *, WValue *a) {
  WValue inner = iter(a[1]);
  if (inner.tag == WT_ERR) return inner;
  return newIterator(filterNext, inner, a[0]);
}

// reversed over a sequence: source = the sequence, index = next position.
WValue reversedSeqNext(WIterator *it) {
  int64_t i = it->index;
  if (i < 0) return wrt_unbound();
  it->index = i - 1;
  WValue s = it->source;
  if (isKind(s, Kind::List)) {
    if (i >= asList(s)->size) { // the list shrank meanwhile
      it->index = -1;
      return wrt_unbound();
    }
    return asList(s)->items[i];
  }
  return wrt_getitem(s, wrt_int(i));
}

WValue reversedImpl(WNativeFunc *, WValue *a) {
  WValue s = a[0];
  int64_t n = -1;
  if (isKind(s, Kind::List)) n = asList(s)->size;
  else if (isKind(s, Kind::Tuple)) n = asTuple(s)->size;
  else if (isStr(s)) n = asWStr(s)->length;
  else if (isKind(s, Kind::Bytes)) n = reinterpret_cast<WBytes *>(s.o)->size;
  else if (isKind(s, Kind::Range)) {
    auto *r = reinterpret_cast<WRange *>(s.o);
    int64_t len = length(s);
    if (len < 0) return wrt_errv();
    int64_t last = r->start + (len - 1) * r->step;
    WValue nr = newRange(last, last - r->step * len, -r->step);
    if (len == 0) nr = newRange(0, 0, 1);
    return iter(nr);
  } else if (isKind(s, Kind::Dict) || isKind(s, Kind::DictView)) {
    // A dict and its keys/values/items views reverse in insertion order.
    WValue keys = listFromIterable(s);
    if (keys.tag == WT_ERR) return keys;
    s = keys;
    n = asList(s)->size;
  } else if (s.tag == WT_OBJ) {
    WTypeObj *t = typeOf(s);
    if (typeLookup(t, internStr("__reversed__")).tag != WT_UNBOUND)
      return callMethod(s, "__reversed__", 0, nullptr);
    if (typeLookup(t, internStr("__len__")).tag != WT_UNBOUND &&
        typeLookup(t, internStr("__getitem__")).tag != WT_UNBOUND) {
      n = length(s);
      if (n < 0) return wrt_errv();
    }
  }
  if (n < 0) return raiseFormat(T.TypeError, "'%s' object is not reversible", typeName(s));
  WValue it = newIterator(reversedSeqNext, s);
  reinterpret_cast<WIterator *>(it.o)->index = n - 1;
  return it;
}

// iter(callable, sentinel): source = callable, extra = sentinel.
WValue callIterNext(WIterator *it) {
  if (it->index) return wrt_unbound();
  WValue x = call(it->source, 0, nullptr);
  if (x.tag == WT_ERR) return x;
  int eq = equals(x, it->extra);
  if (eq < 0) return wrt_errv();
  if (eq) {
    it->index = 1;
    return wrt_unbound();
  }
  return x;
}

WValue iterImpl(WNativeFunc *, WValue *a) {
  if (a[1].tag == WT_UNBOUND) return iter(a[0]);
  return newIterator(callIterNext, a[0], a[1]);
}

WValue nextImpl(WNativeFunc *, WValue *a) {
  // A generator's StopIteration carries its return value (e.value).
  WValue x = isKind(a[0], Kind::Generator) ? nextOrRaise(a[0]) : next(a[0]);
  if (x.tag == WT_UNBOUND) return a[1].tag != WT_UNBOUND ? a[1] : stopIteration();
  if (x.tag == WT_ERR && a[1].tag != WT_UNBOUND && errMatchesClear(T.StopIteration)) return a[1];
  return x;
}

} // namespace

void initBuiltinIter() {
  auto reg = [](const char *name, WNativeCode code, const char *params) {
    registerBuiltin(name, makeNative(name, code, params));
  };
  if (T.range->ctor.tag == WT_UNBOUND)
    T.range->ctor = makeNative("range", rangeCtor, "start, stop=?, step=?, /");
  reg("enumerate", enumerateImpl, "iterable, start=?");
  reg("zip", zipImpl, "*iterables, strict=?");
  reg("map", mapImpl, "func, *iterables");
  reg("filter", filterImpl, "function, iterable, /");
  reg("reversed", reversedImpl, "sequence, /");
  reg("iter", iterImpl, "obj, sentinel=?, /");
  reg("next", nextImpl, "iterator, default=?, /");
}

} // namespace weft::rt
