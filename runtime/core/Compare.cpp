// Compare.cpp: rich comparison, equality, hashing, truth and membership
// (wrt_compare, wrt_truthy, wrt_contains, wrt_is). Numbers compare and hash
// across int/float/bool as Python's do (1 == 1.0 == True, equal hashes, using
// CPython's modular numeric hash); sequences compare lexicographically; sets
// by inclusion; user classes through __eq__/__lt__/... with reflection.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <cmath>
#include <cstring>

namespace weft::rt {

namespace {

const char *cmpSymbol(int op) {
  static const char *s[6] = {"==", "!=", "<", "<=", ">", ">="};
  return s[op];
}

inline bool cmpResult(int op, int c) { // c: <0, 0, >0
  switch (op) {
  case WOP_EQ: return c == 0;
  case WOP_NE: return c != 0;
  case WOP_LT: return c < 0;
  case WOP_LE: return c <= 0;
  case WOP_GT: return c > 0;
  default: return c >= 0;
  }
}

/// Compares an int with a float exactly (large ints lose precision as doubles).
int cmpIntFloat(int64_t i, double f) {
  if (std::isnan(f)) return 2; // unordered
  if (f >= 9223372036854775808.0) return -1;
  if (f < -9223372036854775808.0) return 1;
  double fl = std::floor(f);
  int64_t fi = int64_t(fl);
  if (i < fi) return -1;
  if (i > fi) return 1;
  return f > fl ? -1 : 0;
}

int cmpFloat(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return 2;
  return a < b ? -1 : a > b ? 1 : 0;
}

WValue notSupported(int op, WValue a, WValue b) {
  return raiseFormat(T.TypeError, "'%s' not supported between instances of '%s' and '%s'",
                     cmpSymbol(op), typeName(a), typeName(b));
}

const int swapped[6] = {WOP_EQ, WOP_NE, WOP_GT, WOP_GE, WOP_LT, WOP_LE};

WStr *cmpName(int op) {
  WStr *n[6] = {N.eq, N.ne, N.lt, N.le, N.gt, N.ge};
  return n[op];
}

inline bool isNotImpl(WValue v) { return v.tag == WT_OBJ && v.o == NotImplemented.o; }

/// User-class comparison: a.__op__(b), then b.__swapped__(a); != falls back
/// to the negation of __eq__. UNBOUND when nobody answers.
WValue userCompare(int op, WValue a, WValue b) {
  WTypeObj *ta = typeOf(a), *tb = typeOf(b);
  bool ua = ta->flags & TYPE_USER, ub = tb->flags & TYPE_USER;
  if (!ua && !ub) return wrt_unbound();
  if (ua) {
    WValue m = typeLookup(ta, cmpName(op));
    if (m.tag != WT_UNBOUND && m.tag != WT_NONE) {
      WValue r = callWithSelf(m, a, 1, &b);
      if (!isNotImpl(r)) return r;
    }
  }
  if (ub) {
    WValue m = typeLookup(tb, cmpName(swapped[op]));
    if (m.tag != WT_UNBOUND && m.tag != WT_NONE) {
      WValue r = callWithSelf(m, b, 1, &a);
      if (!isNotImpl(r)) return r;
    }
  }
  if (op == WOP_NE && ua) {
    WValue m = typeLookup(ta, N.eq);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, a, 1, &b);
      if (r.tag == WT_ERR) return r;
      if (!isNotImpl(r)) {
        int t = truthy(r);
        if (t < 0) return wrt_errv();
        return wrt_bool(!t);
      }
    }
  }
  return wrt_unbound();
}

int setCompare(int op, WSet *a, WSet *b) {
  // Subset tests: a <= b when every element of a is in b.
  auto subset = [](WSet *x, WSet *y) -> int {
    if (x->size > y->size) return 0;
    int64_t pos = 0;
    WDictEntry *e;
    while (dictNext(x, pos, e)) {
      int c = setContains(y, e->key);
      if (c <= 0) return c;
    }
    return 1;
  };
  switch (op) {
  case WOP_EQ: return a->size == b->size ? subset(a, b) : 0;
  case WOP_NE: { int r = a->size == b->size ? subset(a, b) : 0; return r < 0 ? r : !r; }
  case WOP_LE: return subset(a, b);
  case WOP_LT: return a->size < b->size ? subset(a, b) : 0;
  case WOP_GE: return subset(b, a);
  default: return b->size < a->size ? subset(b, a) : 0;
  }
}

int dictEquals(WDict *a, WDict *b) {
  if (a->size != b->size) return 0;
  int64_t pos = 0;
  WDictEntry *e;
  while (dictNext(a, pos, e)) {
    WValue v = dictGet(b, e->key);
    if (v.tag == WT_ERR) return -1;
    if (v.tag == WT_UNBOUND) return 0;
    int r = equals(e->value, v);
    if (r <= 0) return r;
  }
  return 1;
}

} // namespace

/// Lexicographic comparison of two item arrays (lists, tuples): 0/1/-1.
int64_t listCompare(const WValue *a, int64_t na, const WValue *b, int64_t nb, int op, bool &ok) {
  ok = true;
  int64_t n = na < nb ? na : nb;
  int64_t i = 0;
  for (; i < n; i++) {
    int r = equals(a[i], b[i]);
    if (r < 0) { ok = false; return -1; }
    if (!r) break;
  }
  if (i == n) {
    int c = na < nb ? -1 : na > nb ? 1 : 0;
    return cmpResult(op, c);
  }
  if (op == WOP_EQ) return 0;
  if (op == WOP_NE) return 1;
  int r = compareBool(a[i], b[i], op);
  if (r < 0) ok = false;
  return r;
}

/// The comparison as a WValue (a user __eq__ may return anything).
WValue compareValue(int op, WValue a, WValue b) {
  uint64_t ta = a.tag, tb = b.tag;
  bool ia = ta == WT_INT || ta == WT_BOOL, ib = tb == WT_INT || tb == WT_BOOL;
  if (ia && ib) return wrt_bool(cmpResult(op, a.i < b.i ? -1 : a.i > b.i ? 1 : 0));
  if ((ia || ta == WT_FLOAT) && (ib || tb == WT_FLOAT)) {
    int c = ia ? cmpIntFloat(a.i, b.f) : ib ? -cmpIntFloat(b.i, a.f) : cmpFloat(a.f, b.f);
    if (ia && !ib && c == 2) c = 2;
    if (ib && !ia && c == -2) c = 2;
    if (c == 2 || c == -2) return wrt_bool(op == WOP_NE); // NaN: unordered
    return wrt_bool(cmpResult(op, c));
  }
  WValue u = userCompare(op, a, b);
  if (u.tag != WT_UNBOUND) return u;
  if (ta == WT_OBJ && tb == WT_OBJ) {
    Kind ka = a.o->type->kind, kb = b.o->type->kind;
    // A keys()/items() view compares with a set as the set of its items.
    if ((isSetLikeView(a) && kb == Kind::Set) || (ka == Kind::Set && isSetLikeView(b))) {
      WValue sa = ka == Kind::Set ? a : setFromIterable(a);
      WValue sb = kb == Kind::Set ? b : setFromIterable(b);
      if (sa.tag == WT_ERR || sb.tag == WT_ERR) return wrt_errv();
      return compareValue(op, sa, sb);
    }
    if (ka == kb && !(a.o->type->flags & TYPE_USER) && !(b.o->type->flags & TYPE_USER)) {
      switch (ka) {
      case Kind::Str: {
        if (a.o == b.o) return wrt_bool(cmpResult(op, 0));
        if (op == WOP_EQ || op == WOP_NE)
          return wrt_bool(strEquals(asStr(a), asStr(b)) == (op == WOP_EQ));
        return wrt_bool(cmpResult(op, strCompare(asStr(a), asStr(b))));
      }
      case Kind::Bytes:
        return wrt_bool(cmpResult(op, bytesCompare(reinterpret_cast<WBytes *>(a.o),
                                                   reinterpret_cast<WBytes *>(b.o))));
      case Kind::List:
      case Kind::Tuple: {
        bool isL = ka == Kind::List;
        bool ok;
        int64_t r = isL ? listCompare(asList(a)->items, asList(a)->size, asList(b)->items,
                                      asList(b)->size, op, ok)
                        : listCompare(asTuple(a)->items, asTuple(a)->size, asTuple(b)->items,
                                      asTuple(b)->size, op, ok);
        if (!ok) return wrt_errv();
        return wrt_bool(r);
      }
      case Kind::Set: {
        int r = setCompare(op, asDict(a), asDict(b));
        if (r < 0) return wrt_errv();
        return wrt_bool(r);
      }
      case Kind::Dict:
        if (op == WOP_EQ || op == WOP_NE) {
          int r = dictEquals(asDict(a), asDict(b));
          if (r < 0) return wrt_errv();
          return wrt_bool(r == (op == WOP_EQ));
        }
        break;
      case Kind::Range:
        if (op == WOP_EQ || op == WOP_NE) {
          WRange *x = reinterpret_cast<WRange *>(a.o), *y = reinterpret_cast<WRange *>(b.o);
          int64_t lx = length(a), ly = length(b);
          bool eq = lx == ly && (lx == 0 || (x->start == y->start && (lx == 1 || x->step == y->step)));
          return wrt_bool(eq == (op == WOP_EQ));
        }
        break;
      case Kind::DictView:
        if ((op == WOP_EQ || op == WOP_NE) && a.o->type == b.o->type && a.o->type != T.dictValues) {
          WValue la = listFromIterable(a), lb = listFromIterable(b);
          if (la.tag == WT_ERR || lb.tag == WT_ERR) return wrt_errv();
          WValue sa = wrt_set_new(asList(la)->size, asList(la)->items);
          WValue sb = wrt_set_new(asList(lb)->size, asList(lb)->items);
          if (sa.tag == WT_ERR || sb.tag == WT_ERR) return wrt_errv();
          return compareValue(op, sa, sb);
        }
        break;
      default: break;
      }
    }
  }
  if (op == WOP_EQ) return wrt_bool(ta == tb && a.bits == b.bits);
  if (op == WOP_NE) return wrt_bool(!(ta == tb && a.bits == b.bits));
  return notSupported(op, a, b);
}

int compareBool(WValue a, WValue b, int op) {
  WValue r = compareValue(op, a, b);
  if (r.tag == WT_BOOL) return int(r.i);
  if (r.tag == WT_ERR) return -1;
  return truthy(r);
}

int equals(WValue a, WValue b) {
  // Containers compare identity first, as CPython's PyObject_RichCompareBool
  // does. A float is an immediate here, so the same NaN bits stand for the
  // same object: `nan in [nan]` and `[nan] == [nan]` with one nan are True
  // (two separately made NaNs would be distinct objects in CPython).
  if (a.tag == b.tag && a.bits == b.bits) return 1;
  if (a.tag == WT_OBJ && b.tag == WT_OBJ && a.o->type == T.str && b.o->type == T.str)
    return strEquals(asStr(a), asStr(b));
  return compareBool(a, b, WOP_EQ);
}

bool isNumber(WValue v) { return v.tag == WT_INT || v.tag == WT_BOOL || v.tag == WT_FLOAT; }
double toDouble(WValue v) { return v.tag == WT_FLOAT ? v.f : double(v.i); }

// ---------------------------------------------------------------- truth

int truthy(WValue v) {
  switch (v.tag) {
  case WT_NONE: return 0;
  case WT_BOOL:
  case WT_INT: return v.i != 0;
  case WT_FLOAT: return v.f != 0.0;
  case WT_OBJ: break;
  default: return 0;
  }
  WTypeObj *t = v.o->type;
  switch (t->kind) {
  case Kind::Str: return asStr(v)->nbytes != 0;
  case Kind::Bytes: return reinterpret_cast<WBytes *>(v.o)->size != 0;
  case Kind::List: return asList(v)->size != 0;
  case Kind::Tuple: return asTuple(v)->size != 0;
  case Kind::Dict:
  case Kind::Set: return asDict(v)->size != 0;
  case Kind::DictView: return reinterpret_cast<WDictView *>(v.o)->dict->size != 0;
  case Kind::Range: return length(v) != 0;
  default: break;
  }
  if (t->flags & TYPE_USER) {
    WValue m = typeLookup(t, N.bool_);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, v, 0, nullptr);
      if (r.tag == WT_ERR) return -1;
      if (r.tag != WT_BOOL) {
        raiseFormat(T.TypeError, "__bool__ should return bool, returned %s", typeName(r));
        return -1;
      }
      return int(r.i);
    }
    m = typeLookup(t, N.len);
    if (m.tag != WT_UNBOUND) {
      int64_t n = length(v);
      return n < 0 ? -1 : n != 0;
    }
  }
  return 1;
}

// ---------------------------------------------------------------- hashing

namespace {
constexpr uint64_t kModulus = (uint64_t(1) << 61) - 1;

int64_t hashInt(int64_t v) {
  // Small magnitudes are their own hash: skip the 64-bit modulo.
  if (v > -int64_t(kModulus) && v < int64_t(kModulus)) return v == -1 ? -2 : v;
  uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  int64_t h = int64_t(mag % kModulus);
  if (v < 0) h = -h;
  return h == -1 ? -2 : h;
}

int64_t hashPointer(const void *p) {
  uint64_t y = reinterpret_cast<uint64_t>(p);
  y = (y >> 4) | (y << 60);
  int64_t h = int64_t(y);
  return h == -1 ? -2 : h;
}

int64_t hashDouble(double v, const void *identity) {
  // CPython's _Py_HashDouble.
  if (std::isinf(v)) return v > 0 ? 314159 : -314159;
  if (std::isnan(v)) return hashPointer(identity);
  int e;
  double m = std::frexp(v, &e);
  int sign = 1;
  if (m < 0) {
    sign = -1;
    m = -m;
  }
  uint64_t x = 0;
  while (m) {
    x = ((x << 28) & kModulus) | x >> (61 - 28);
    m *= 268435456.0;
    e -= 28;
    uint64_t y = uint64_t(m);
    m -= double(y);
    x += y;
    if (x >= kModulus) x -= kModulus;
  }
  e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61);
  x = ((x << e) & kModulus) | x >> (61 - e);
  int64_t h = int64_t(x) * sign;
  return h == -1 ? -2 : h;
}

int64_t hashTuple(WTuple *t, bool &ok) {
  // CPython 3.11's tuplehash (xxHash-based).
  const uint64_t p1 = 11400714785074694791ULL, p2 = 14029467366897019727ULL,
                 p5 = 2870177450012600261ULL;
  uint64_t acc = p5;
  for (int64_t i = 0; i < t->size; i++) {
    uint64_t lane = uint64_t(hashValue(t->items[i], ok));
    if (!ok) return -1;
    acc += lane * p2;
    acc = (acc << 31) | (acc >> 33);
    acc *= p1;
  }
  acc += uint64_t(t->size) ^ (p5 ^ 3527539UL);
  if (acc == uint64_t(-1)) return 1546275796;
  return int64_t(acc);
}
} // namespace

WValue raiseUnhashable(WValue v) {
  return raiseFormat(T.TypeError, "unhashable type: '%s'", typeName(v));
}

int64_t hashValue(WValue v, bool &ok) {
  ok = true;
  switch (v.tag) {
  case WT_INT:
  case WT_BOOL: return hashInt(v.i);
  case WT_FLOAT: {
    double f = v.f;
    if (f == std::floor(f) && std::fabs(f) < 9.2e18) return hashInt(int64_t(f));
    return hashDouble(f, nullptr);
  }
  case WT_NONE: return 0x10ab3f;
  case WT_OBJ: break;
  default: return 0;
  }
  WTypeObj *t = v.o->type;
  switch (t->kind) {
  case Kind::Str: {
    WStr *s = asStr(v);
    return s->hash != -1 ? s->hash : strHash(s);
  }
  case Kind::Bytes: return bytesHash(reinterpret_cast<WBytes *>(v.o));
  case Kind::Tuple: {
    WTuple *tu = asTuple(v);
    if (tu->hash != 0) return tu->hash;
    int64_t h = hashTuple(tu, ok);
    if (ok) tu->hash = h; // tuples are immutable: cache (0 means "not yet")
    return h;
  }
  case Kind::List:
  case Kind::Dict:
  case Kind::Set:
  case Kind::DictView:
  case Kind::Slice:
    ok = false;
    raiseUnhashable(v);
    return -1;
  default: break;
  }
  if (t->flags & TYPE_USER) {
    WValue m = typeLookup(t, N.hash);
    if (m.tag == WT_NONE) {
      ok = false;
      raiseUnhashable(v);
      return -1;
    }
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, v, 0, nullptr);
      if (r.tag == WT_ERR) {
        ok = false;
        return -1;
      }
      if (!isIntLike(r)) {
        ok = false;
        raise(T.TypeError, "__hash__ method should return an integer");
        return -1;
      }
      return hashInt(r.i);
    }
  }
  return hashPointer(v.o);
}

// ---------------------------------------------------------------- membership

int contains(WValue c, WValue item) {
  if (c.tag != WT_OBJ) {
    raiseFormat(T.TypeError, "argument of type '%s' is not iterable", typeName(c));
    return -1;
  }
  WTypeObj *t = c.o->type;
  switch (t->kind) {
  case Kind::Type:
    if (WList *members = enumMembers(asType(c))) {
      // 3.11: `member in Color`; a non-member value is simply not in it.
      for (int64_t i = 0; i < members->size; i++)
        if (members->items[i].o == item.o && item.tag == WT_OBJ) return 1;
      return 0;
    }
    break;
  case Kind::Str:
    if (!isStr(item)) {
      raiseFormat(T.TypeError, "'in <string>' requires string as left operand, not %s",
                  typeName(item));
      return -1;
    }
    return strContains(c, item);
  case Kind::Bytes: return bytesContains(c, item);
  case Kind::List: {
    WList *l = asList(c);
    for (int64_t i = 0; i < l->size; i++) {
      int r = equals(l->items[i], item);
      if (r) return r;
    }
    return 0;
  }
  case Kind::Tuple: {
    WTuple *tu = asTuple(c);
    for (int64_t i = 0; i < tu->size; i++) {
      int r = equals(tu->items[i], item);
      if (r) return r;
    }
    return 0;
  }
  case Kind::Dict:
  case Kind::Set: return setContains(asDict(c), item);
  case Kind::Range: {
    if (!isIntLike(item) && !(item.tag == WT_FLOAT && item.f == std::floor(item.f))) break;
    int64_t x = item.tag == WT_FLOAT ? int64_t(item.f) : item.i;
    WRange *r = reinterpret_cast<WRange *>(c.o);
    if (r->step > 0 ? (x < r->start || x >= r->stop) : (x > r->start || x <= r->stop)) return 0;
    return (x - r->start) % r->step == 0;
  }
  case Kind::DictView:
    if (t == T.dictKeys) return setContains(reinterpret_cast<WDictView *>(c.o)->dict, item);
    break;
  default: break;
  }
  if (t->flags & TYPE_USER) {
    WValue m = typeLookup(t, N.contains);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, c, 1, &item);
      if (r.tag == WT_ERR) return -1;
      return truthy(r);
    }
    if (typeLookup(t, N.iter).tag == WT_UNBOUND) {
      raiseFormat(T.TypeError, "argument of type '%s' is not iterable", typeName(c));
      return -1;
    }
  }
  // Generic: iterate.
  WValue it = iter(c);
  if (it.tag == WT_ERR) return -1;
  for (;;) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return -1;
    if (x.tag == WT_UNBOUND) return 0;
    int r = equals(x, item);
    if (r) return r;
  }
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_compare(int64_t op, WValue a, WValue b) {
  if (a.tag == WT_INT && b.tag == WT_INT)
    return wrt_bool(cmpResult(int(op), a.i < b.i ? -1 : a.i > b.i ? 1 : 0));
  return compareValue(int(op), a, b);
}

int64_t wrt_truthy(WValue v) { return truthy(v); }

int64_t wrt_contains(WValue container, WValue item) { return contains(container, item); }

int64_t wrt_is(WValue a, WValue b) {
  if (a.tag != b.tag) return 0;
  if (a.tag == WT_NONE || a.tag == WT_UNBOUND) return 1;
  return a.bits == b.bits;
}

} // extern "C"
