// Iter.cpp: the iteration protocol (wrt_iter/wrt_next, where UNBOUND means
// "exhausted" so no StopIteration object is made on the hot path), the
// iterators of the builtin containers, len(), and unpacking with CPython's
// ValueError messages (wrt_unpack, wrt_unpack_ex).
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

namespace weft::rt {

WValue newIterator(WIterNext nextFn, WValue source, WValue extra) {
  auto *it = newObj<WIterator>(T.iterator);
  it->next = nextFn;
  it->source = source;
  it->extra = extra;
  return wrt_obj(it);
}

namespace {

WValue listNext(WIterator *it) {
  WList *l = asList(it->source);
  if (it->index < l->size) return l->items[it->index++];
  it->index = INT64_MAX; // stays exhausted even if the list grows later
  return wrt_unbound();
}

WValue tupleNext(WIterator *it) {
  WTuple *t = asTuple(it->source);
  if (it->index < t->size) return t->items[it->index++];
  return wrt_unbound();
}

template <int K> WValue dictNextItem(WIterator *it) {
  WDict *d = asDict(it->source);
  if (d->size != it->extra.i) {
    it->extra.i = -1; // report once, then stay broken as CPython does
    if (d->hdr.type == T.set) return raise(T.RuntimeError, "Set changed size during iteration");
    return raise(T.RuntimeError, "dictionary changed size during iteration");
  }
  int64_t pos = it->index;
  WDictEntry *e;
  if (!dictNext(d, pos, e)) {
    it->index = pos;
    return wrt_unbound();
  }
  it->index = pos;
  if (K == 0) return e->key;
  if (K == 1) return e->value;
  WValue t = newTuple(2);
  asTuple(t)->items[0] = e->key;
  asTuple(t)->items[1] = e->value;
  return t;
}

WValue rangeNext(WIterator *it) {
  WRange *r = reinterpret_cast<WRange *>(it->source.o);
  int64_t v = it->extra.i;
  if (r->step > 0 ? v >= r->stop : v <= r->stop) return wrt_unbound();
  // The last step may overflow int64: mark exhaustion instead.
  if (__builtin_add_overflow(v, r->step, &it->extra.i)) it->extra.i = r->stop;
  return wrt_int(v);
}

WValue notIterable(WValue v) {
  return raiseFormat(T.TypeError, "'%s' object is not iterable", typeName(v));
}

} // namespace

WValue listIter(WValue list) { return newIterator(listNext, list); }
WValue tupleIter(WValue tuple) { return newIterator(tupleNext, tuple); }
WValue dictKeyIter(WDict *d, int kind) {
  WIterNext fns[3] = {dictNextItem<0>, dictNextItem<1>, dictNextItem<2>};
  return newIterator(fns[kind], wrt_obj(d), wrt_int(d->size));
}
WValue rangeIter(WValue range) {
  return newIterator(rangeNext, range, wrt_int(reinterpret_cast<WRange *>(range.o)->start));
}

WList *enumMembers(WTypeObj *t) {
  if (!(t->flags & TYPE_ENUM)) return nullptr;
  WValue l = dictGetStr(t->attrs, internStr("_member_list_"));
  return isKind(l, Kind::List) ? asList(l) : nullptr;
}

WValue iter(WValue v) {
  if (v.tag != WT_OBJ) return notIterable(v);
  WTypeObj *t = v.o->type;
  switch (t->kind) {
  case Kind::List: return listIter(v);
  case Kind::Tuple: return tupleIter(v);
  case Kind::Str: return strIter(v);
  case Kind::Bytes: return bytesIter(v);
  case Kind::Dict:
  case Kind::Set: return dictKeyIter(asDict(v), 0);
  case Kind::Range: return rangeIter(v);
  case Kind::DictView:
    return dictKeyIter(reinterpret_cast<WDictView *>(v.o)->dict,
                       t == T.dictKeys ? 0 : t == T.dictValues ? 1 : 2);
  case Kind::Iterator:
  case Kind::Generator: return v;
  case Kind::Type:
    if (WList *members = enumMembers(asType(v))) return listIter(newListFrom(members->size, members->items));
    break;
  default: break;
  }
  WValue m = typeLookup(t, N.iter);
  if (m.tag != WT_UNBOUND && m.tag != WT_NONE) {
    WValue r = callWithSelf(m, v, 0, nullptr);
    if (r.tag == WT_ERR) return r;
    WTypeObj *rt = typeOf(r);
    if (rt->kind != Kind::Iterator && rt->kind != Kind::Generator &&
        typeLookup(rt, N.next).tag == WT_UNBOUND)
      return raiseFormat(T.TypeError, "iter() returned non-iterator of type '%s'", rt->name);
    return r;
  }
  if (typeLookup(t, N.getitem).tag != WT_UNBOUND && (t->flags & TYPE_USER)) {
    // The old sequence protocol: __getitem__(0), (1), ... until IndexError.
    return newIterator(
        [](WIterator *it) -> WValue {
          WValue i = wrt_int(it->index++);
          WValue r = callMethodStr(it->source, N.getitem, 1, &i);
          if (r.tag == WT_ERR && (errMatchesClear(T.IndexError) || errMatchesClear(T.StopIteration)))
            return wrt_unbound();
          return r;
        },
        v);
  }
  return notIterable(v);
}

WValue next(WValue it) {
  if (it.tag == WT_OBJ) {
    WTypeObj *t = it.o->type;
    if (t->kind == Kind::Iterator) {
      auto *i = reinterpret_cast<WIterator *>(it.o);
      return i->next(i);
    }
    if (t->kind == Kind::Generator) {
      auto *g = reinterpret_cast<WCoro *>(it.o);
      if (g->state == -1) return wrt_unbound();
      WValue r = resumeFrame(g, wrt_none(), WRESUME_SEND);
      if (r.tag == WT_SUSPEND) return g->yielded;
      if (r.tag == WT_ERR) return r;
      return wrt_unbound();
    }
    WValue m = typeLookup(t, N.next);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, it, 0, nullptr);
      if (r.tag == WT_ERR && errMatchesClear(T.StopIteration)) return wrt_unbound();
      return r;
    }
  }
  return raiseFormat(T.TypeError, "'%s' object is not an iterator", typeName(it));
}

int64_t length(WValue v) {
  if (v.tag == WT_OBJ) {
    WTypeObj *t = v.o->type;
    switch (t->kind) {
    case Kind::Str: return asStr(v)->length;
    case Kind::Bytes: return reinterpret_cast<WBytes *>(v.o)->size;
    case Kind::List: return asList(v)->size;
    case Kind::Tuple: return asTuple(v)->size;
    case Kind::Dict:
    case Kind::Set: return asDict(v)->size;
    case Kind::DictView: return reinterpret_cast<WDictView *>(v.o)->dict->size;
    case Kind::Type:
      if (WList *members = enumMembers(asType(v))) return members->size;
      break;
    case Kind::Range: {
      WRange *r = reinterpret_cast<WRange *>(v.o);
      if (r->step > 0 && r->start < r->stop)
        return int64_t((uint64_t(r->stop) - uint64_t(r->start) - 1) / uint64_t(r->step) + 1);
      if (r->step < 0 && r->start > r->stop)
        return int64_t((uint64_t(r->start) - uint64_t(r->stop) - 1) / (0 - uint64_t(r->step)) + 1);
      return 0;
    }
    default: break;
    }
    WValue m = typeLookup(t, N.len);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, v, 0, nullptr);
      if (r.tag == WT_ERR) return -1;
      if (!isIntLike(r)) {
        raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(r));
        return -1;
      }
      if (r.i < 0) {
        raise(T.ValueError, "__len__() should return >= 0");
        return -1;
      }
      return r.i;
    }
  }
  raiseFormat(T.TypeError, "object of type '%s' has no len()", typeName(v));
  return -1;
}

bool isSetLikeView(WValue v) { return isKind(v, Kind::DictView) && v.o->type != T.dictValues; }

WValue setFromIterable(WValue v) {
  WValue l = listFromIterable(v);
  if (l.tag == WT_ERR) return l;
  return wrt_set_new(asList(l)->size, asList(l)->items);
}

WValue listFromIterable(WValue iterable) {
  if (isKind(iterable, Kind::List)) return newListFrom(asList(iterable)->size, asList(iterable)->items);
  if (isKind(iterable, Kind::Tuple))
    return newListFrom(asTuple(iterable)->size, asTuple(iterable)->items);
  WValue it = iter(iterable);
  if (it.tag == WT_ERR) return it;
  WValue l = newList(0);
  for (;;) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) return l;
    listAppend(asList(l), x);
  }
}

} // namespace weft::rt

using namespace weft::rt;

namespace {

WValue cannotUnpack(WValue v) {
  return raiseFormat(T.TypeError, "cannot unpack non-iterable %s object", typeName(v));
}

} // namespace

extern "C" {

WValue wrt_iter(WValue v) { return iter(v); }

WValue wrt_next(WValue it) {
  if (it.tag == WT_OBJ && it.o->type->kind == Kind::Iterator) {
    auto *i = reinterpret_cast<WIterator *>(it.o);
    return i->next(i);
  }
  return next(it);
}

int64_t wrt_unpack(WValue seq, int64_t n, WValue *out) {
  const WValue *items = nullptr;
  int64_t size = -1;
  if (isKind(seq, Kind::Tuple)) {
    items = asTuple(seq)->items;
    size = asTuple(seq)->size;
  } else if (isKind(seq, Kind::List)) {
    items = asList(seq)->items;
    size = asList(seq)->size;
  }
  if (size >= 0) {
    if (size == n) {
      for (int64_t i = 0; i < n; i++) out[i] = items[i];
      return 0;
    }
    if (size < n)
      raiseFormat(T.ValueError, "not enough values to unpack (expected %lld, got %lld)",
                  (long long)n, (long long)size);
    else
      raiseFormat(T.ValueError, "too many values to unpack (expected %lld)", (long long)n);
    return -1;
  }
  if (seq.tag != WT_OBJ) {
    cannotUnpack(seq);
    return -1;
  }
  WValue it = iter(seq);
  if (it.tag == WT_ERR) {
    if (errMatchesClear(T.TypeError)) cannotUnpack(seq);
    return -1;
  }
  for (int64_t i = 0; i < n; i++) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return -1;
    if (x.tag == WT_UNBOUND) {
      raiseFormat(T.ValueError, "not enough values to unpack (expected %lld, got %lld)",
                  (long long)n, (long long)i);
      return -1;
    }
    out[i] = x;
  }
  WValue extra = next(it);
  if (extra.tag == WT_ERR) return -1;
  if (extra.tag != WT_UNBOUND) {
    raiseFormat(T.ValueError, "too many values to unpack (expected %lld)", (long long)n);
    return -1;
  }
  return 0;
}

int64_t wrt_unpack_ex(WValue seq, int64_t before, int64_t after, WValue *out) {
  if (seq.tag != WT_OBJ) {
    cannotUnpack(seq);
    return -1;
  }
  WValue all;
  if (isKind(seq, Kind::List) || isKind(seq, Kind::Tuple) || iter(seq).tag != WT_ERR) {
    all = listFromIterable(seq);
    if (all.tag == WT_ERR) return -1;
  } else {
    if (errMatchesClear(T.TypeError)) cannotUnpack(seq);
    return -1;
  }
  WList *l = asList(all);
  if (l->size < before + after) {
    raiseFormat(T.ValueError, "not enough values to unpack (expected at least %lld, got %lld)",
                (long long)(before + after), (long long)l->size);
    return -1;
  }
  for (int64_t i = 0; i < before; i++) out[i] = l->items[i];
  int64_t mid = l->size - before - after;
  out[before] = newListFrom(mid, l->items + before);
  for (int64_t i = 0; i < after; i++) out[before + 1 + i] = l->items[before + mid + i];
  return 0;
}

void wrt_iter_close(WValue it) {
  if (isKind(it, Kind::Generator)) {
    WValue saved = errFetch(); // closing must not clobber an exception in flight
    WValue r = generatorClose(reinterpret_cast<WCoro *>(it.o));
    if (r.tag == WT_ERR) errClear();
    if (saved.tag == WT_OBJ) wrt_err_restore(saved);
  } else if (isKind(it, Kind::AsyncGenerator) && asyncgenFinalizerHook) {
    asyncgenFinalizerHook(it.o);
  }
}

} // extern "C"
