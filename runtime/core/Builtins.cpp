// Builtins.cpp: the builtin functions that compute (len, abs, min/max, sum,
// sorted, round, any/all, hash, ord/chr, divmod, pow, hex/oct/bin, id,
// isinstance, callable, getattr & co., format, repr, ascii). Each is a native
// registered with rt-core's registerBuiltin; argument binding and its
// TypeErrors come from rt-core's binder. Iterator-making builtins (range,
// enumerate, zip, map, filter, reversed, iter, next) are in BuiltinIter.cpp,
// the type constructors (int, float, str...) in BuiltinCtors.cpp.
#include "core/Text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace weft::rt {

bool isCallable(WValue x) {
  if (x.tag != WT_OBJ) return false;
  switch (x.o->type->kind) {
  case Kind::Func: case Kind::NativeFunc: case Kind::BoundMethod: case Kind::Type:
  case Kind::StaticMethod: case Kind::ClassMethod:
    return true;
  default:
    break;
  }
  return typeLookup(typeOf(x), internStr("__call__")).tag != WT_UNBOUND;
}

namespace {

WValue lenImpl(WNativeFunc *, WValue *a) {
  int64_t n = wrt_len(a[0]);
  return n < 0 ? wrt_errv() : wrt_int(n);
}

WValue reprImpl(WNativeFunc *, WValue *a) { return repr(a[0]); }

WValue asciiImpl(WNativeFunc *, WValue *a) {
  WValue r = repr(a[0]);
  if (r.tag == WT_ERR) return r;
  std::string out;
  appendAsciiEscaped(out, strView(r));
  return makeStr(out);
}

WValue formatImpl(WNativeFunc *, WValue *a) {
  WValue spec = a[1].tag == WT_UNBOUND ? makeStr("", 0) : a[1];
  if (!isStr(spec))
    return raiseFormat(T.TypeError, "format() argument 2 must be str, not %s", typeName(spec));
  return wrt_format(a[0], spec);
}

WValue absImpl(WNativeFunc *, WValue *a) {
  WValue x = a[0];
  switch (x.tag) {
  case WT_INT:
    if (x.i == INT64_MIN) return raise(T.OverflowError, "integer overflow");
    return wrt_int(x.i < 0 ? -x.i : x.i);
  case WT_BOOL: return wrt_int(x.i);
  case WT_FLOAT: return wrt_float(std::fabs(x.f));
  default: break;
  }
  if (x.tag == WT_OBJ && (typeOf(x)->flags & TYPE_USER) &&
      typeLookup(typeOf(x), internStr("__abs__")).tag != WT_UNBOUND)
    return callMethod(x, "__abs__", 0, nullptr);
  return raiseFormat(T.TypeError, "bad operand type for abs(): '%s'", typeName(x));
}

/// min/max: [op] is WOP_LT for min, WOP_GT for max (the first extreme wins).
WValue minMax(WValue *a, int op, const char *name) {
  WTuple *args = asTuple(a[0]);
  WValue key = a[1], dflt = a[2];
  bool hasKey = key.tag != WT_NONE && key.tag != WT_UNBOUND;
  WValue *items;
  int64_t n;
  WValue holder;
  if (args->size == 0)
    return raiseFormat(T.TypeError, "%s expected at least 1 argument, got 0", name);
  if (args->size == 1) {
    holder = listFromIterable(args->items[0]);
    if (holder.tag == WT_ERR) return holder;
    items = asList(holder)->items;
    n = asList(holder)->size;
  } else {
    if (dflt.tag != WT_UNBOUND)
      return raiseFormat(T.TypeError,
                         "Cannot specify a default for %s with multiple positional arguments",
                         name);
    items = args->items;
    n = args->size;
  }
  if (n == 0) {
    if (dflt.tag != WT_UNBOUND) return dflt;
    return raiseFormat(T.ValueError, "%s arg is an empty sequence", name);
  }
  WValue best = items[0];
  WValue bestKey = hasKey ? call(key, 1, &best) : best;
  if (bestKey.tag == WT_ERR) return bestKey;
  for (int64_t i = 1; i < n; ++i) {
    WValue k = hasKey ? call(key, 1, &items[i]) : items[i];
    if (k.tag == WT_ERR) return k;
    int better;
    if (k.tag == WT_INT && bestKey.tag == WT_INT)
      better = op == WOP_GT ? k.i > bestKey.i : k.i < bestKey.i;
    else
      better = compareBool(k, bestKey, op);
    if (better < 0) return wrt_errv();
    if (better) {
      best = items[i];
      bestKey = k;
    }
  }
  return best;
}

WValue minImpl(WNativeFunc *, WValue *a) { return minMax(a, WOP_LT, "min()"); }
WValue maxImpl(WNativeFunc *, WValue *a) { return minMax(a, WOP_GT, "max()"); }

WValue sumImpl(WNativeFunc *, WValue *a) {
  WValue acc = a[1].tag == WT_UNBOUND ? wrt_int(0) : a[1];
  if (isStr(acc))
    return raise(T.TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
  if (isKind(acc, Kind::Bytes))
    return raise(T.TypeError, "sum() can't sum bytes [use b''.join(seq) instead]");
  WValue it = iter(a[0]);
  if (it.tag == WT_ERR) return it;
  for (;;) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) return acc;
    if (acc.tag == WT_INT && (x.tag == WT_INT || x.tag == WT_BOOL)) {
      int64_t r;
      if (__builtin_add_overflow(acc.i, x.i, &r)) return raise(T.OverflowError, "integer overflow");
      acc.i = r;
      continue;
    }
    if (acc.tag == WT_FLOAT && x.tag == WT_FLOAT) {
      acc.f += x.f;
      continue;
    }
    acc = binop(WOP_ADD, acc, x);
    if (acc.tag == WT_ERR) return acc;
  }
}

WValue sortedImpl(WNativeFunc *, WValue *a) {
  WValue l = listFromIterable(a[0]);
  if (l.tag == WT_ERR) return l;
  int rev = truthy(a[2]);
  if (rev < 0) return wrt_errv();
  WValue key = a[1].tag == WT_UNBOUND ? wrt_none() : a[1];
  if (!sortValues(asList(l)->items, asList(l)->size, key, rev)) return wrt_errv();
  return l;
}

WValue anyAll(WValue iterable, bool wantAny) {
  WValue it = iter(iterable);
  if (it.tag == WT_ERR) return it;
  for (;;) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) return wrt_bool(!wantAny);
    int t = truthy(x);
    if (t < 0) return wrt_errv();
    if (t == int(wantAny)) return wrt_bool(wantAny);
  }
}
WValue anyImpl(WNativeFunc *, WValue *a) { return anyAll(a[0], true); }
WValue allImpl(WNativeFunc *, WValue *a) { return anyAll(a[0], false); }

WValue hashImpl(WNativeFunc *, WValue *a) {
  bool ok = true;
  int64_t h = hashValue(a[0], ok);
  return ok ? wrt_int(h) : wrt_errv();
}

WValue ordImpl(WNativeFunc *, WValue *a) {
  WValue c = a[0];
  if (isStr(c)) {
    WStr *s = asWStr(c);
    if (s->length != 1)
      return raiseFormat(T.TypeError, "ord() expected a character, but string of length %lld found",
                         (long long)s->length);
    size_t i = 0;
    return wrt_int(decodeUtf8(strView(c), i));
  }
  if (isKind(c, Kind::Bytes)) {
    auto *b = reinterpret_cast<WBytes *>(c.o);
    if (b->size != 1)
      return raiseFormat(T.TypeError, "ord() expected a character, but string of length %lld found",
                         (long long)b->size);
    return wrt_int(uint8_t(b->data[0]));
  }
  return raiseFormat(T.TypeError, "ord() expected string of length 1, but %s found", typeName(c));
}

WValue chrImpl(WNativeFunc *, WValue *a) {
  if (!isIntLike(a[0]))
    return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer",
                       typeName(a[0]));
  int64_t i = a[0].i;
  if (i < 0 || i > 0x10FFFF) return raise(T.ValueError, "chr() arg not in range(0x110000)");
  std::string s;
  appendUtf8(s, uint32_t(i));
  return makeStr(s, 1);
}

WValue divmodImpl(WNativeFunc *, WValue *a) {
  WValue x = a[0], y = a[1];
  bool xf = x.tag == WT_FLOAT, yf = y.tag == WT_FLOAT;
  if ((xf || yf) && (xf || isIntLike(x)) && (yf || isIntLike(y))) {
    double dy = yf ? y.f : double(y.i);
    if (dy == 0.0) return raise(T.ZeroDivisionError, "float divmod()");
  }
  WValue q = binop(WOP_FLOORDIV, x, y);
  if (q.tag == WT_ERR) return q;
  WValue r = binop(WOP_MOD, x, y);
  if (r.tag == WT_ERR) return r;
  return newTupleOf({q, r});
}

/// Modular inverse by extended Euclid; false when none exists.
bool modInverse(__int128 a, __int128 m, __int128 &out) {
  __int128 g = m, x = 0, x1 = 1, a1 = ((a % m) + m) % m;
  while (a1) {
    __int128 q = g / a1;
    __int128 t = g - q * a1;
    g = a1;
    a1 = t;
    t = x - q * x1;
    x = x1;
    x1 = t;
  }
  if (g != 1) return false;
  out = ((x % m) + m) % m;
  return true;
}

WValue powImpl(WNativeFunc *, WValue *a) {
  if (a[2].tag == WT_NONE || a[2].tag == WT_UNBOUND) return binop(WOP_POW, a[0], a[1]);
  if (!isIntLike(a[0]) || !isIntLike(a[1]) || !isIntLike(a[2]))
    return raise(T.TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
  __int128 base = a[0].i, e = a[1].i, m = a[2].i;
  if (m == 0) return raise(T.ValueError, "pow() 3rd argument cannot be 0");
  bool negMod = m < 0;
  if (negMod) m = -m;
  if (e < 0) {
    __int128 inv;
    if (!modInverse(base, m, inv))
      return raise(T.ValueError, "base is not invertible for the given modulus");
    base = inv;
    e = -e;
  }
  __int128 r = 1 % m;
  base = ((base % m) + m) % m;
  while (e > 0) {
    if (e & 1) r = r * base % m;
    base = base * base % m;
    e >>= 1;
  }
  if (negMod && r != 0) r -= m; // the result takes the modulus's sign
  return wrt_int(int64_t(r));
}

WValue baseStr(WValue v, int base, const char *prefix) {
  if (!isIntLike(v))
    return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer",
                       typeName(v));
  bool neg = v.i < 0;
  uint64_t m = neg ? uint64_t(0) - uint64_t(v.i) : uint64_t(v.i);
  char buf[80];
  char *e = buf + sizeof buf, *p = e;
  do {
    *--p = "0123456789abcdef"[m % unsigned(base)];
    m /= unsigned(base);
  } while (m);
  std::string out = neg ? "-" : "";
  out += prefix;
  out.append(p, size_t(e - p));
  return makeStr(out, int64_t(out.size()));
}
WValue hexImpl(WNativeFunc *, WValue *a) { return baseStr(a[0], 16, "0x"); }
WValue octImpl(WNativeFunc *, WValue *a) { return baseStr(a[0], 8, "0o"); }
WValue binImpl(WNativeFunc *, WValue *a) { return baseStr(a[0], 2, "0b"); }

WValue idImpl(WNativeFunc *, WValue *a) {
  if (a[0].tag == WT_OBJ) return wrt_int(int64_t(reinterpret_cast<uintptr_t>(a[0].o)));
  // Immediates have no address; tag and payload identify them stably.
  return wrt_int(int64_t((a[0].bits * 31u) ^ a[0].tag) & INT64_MAX);
}

/// isinstance/issubclass class-info: a type or a (nested) tuple of types.
int classInfoMatch(WValue obj, WValue info, bool sub, const char *name) {
  if (isKind(info, Kind::Type)) {
    if (sub) return isSubtype(asType(obj), asType(info));
    return isInstance(obj, asType(info));
  }
  if (isKind(info, Kind::Tuple)) {
    WTuple *t = asTuple(info);
    for (int64_t i = 0; i < t->size; ++i) {
      int r = classInfoMatch(obj, t->items[i], sub, name);
      if (r != 0) return r;
    }
    return 0;
  }
  raiseFormat(T.TypeError, "%s() arg 2 must be a type, a tuple of types, or a union", name);
  return -1;
}

WValue isinstanceImpl(WNativeFunc *, WValue *a) {
  int r = classInfoMatch(a[0], a[1], false, "isinstance");
  return r < 0 ? wrt_errv() : wrt_bool(r);
}

WValue issubclassImpl(WNativeFunc *, WValue *a) {
  if (!isKind(a[0], Kind::Type)) return raise(T.TypeError, "issubclass() arg 1 must be a class");
  int r = classInfoMatch(a[0], a[1], true, "issubclass");
  return r < 0 ? wrt_errv() : wrt_bool(r);
}

WValue callableImpl(WNativeFunc *, WValue *a) { return wrt_bool(isCallable(a[0])); }

bool attrName(WValue v, const char *fn, WStr *&out) {
  if (!isStr(v)) {
    raiseFormat(T.TypeError, "attribute name must be string, not '%s'", typeName(v));
    return false;
  }
  out = internStr(strView(v));
  (void)fn;
  return true;
}

WValue getattrImpl(WNativeFunc *, WValue *a) {
  WStr *name;
  if (!attrName(a[1], "getattr", name)) return wrt_errv();
  WValue r = getAttr(a[0], name);
  if (r.tag == WT_ERR && a[2].tag != WT_UNBOUND && errMatchesClear(T.AttributeError)) return a[2];
  return r;
}

WValue setattrImpl(WNativeFunc *, WValue *a) {
  WStr *name;
  if (!attrName(a[1], "setattr", name)) return wrt_errv();
  WValue r = setAttr(a[0], name, a[2]);
  return r.tag == WT_ERR ? r : wrt_none();
}

WValue hasattrImpl(WNativeFunc *, WValue *a) {
  WStr *name;
  if (!attrName(a[1], "hasattr", name)) return wrt_errv();
  WValue r = getAttr(a[0], name);
  if (r.tag != WT_ERR) return wrt_bool(1);
  if (errMatchesClear(T.AttributeError)) return wrt_bool(0);
  return r;
}

WValue delattrImpl(WNativeFunc *, WValue *a) {
  WStr *name;
  if (!attrName(a[1], "delattr", name)) return wrt_errv();
  WValue r = wrt_delattr(a[0], reinterpret_cast<WObj *>(name));
  return r.tag == WT_ERR ? r : wrt_none();
}

} // namespace

/// round(x[, n]) on floats as CPython's double_round: the decimal string
/// correctly rounded (half-even on the exact binary value) read back.
WValue roundFloat(double x, WValue nd) {
  if (nd.tag == WT_NONE || nd.tag == WT_UNBOUND) {
    if (std::isnan(x)) return raise(T.ValueError, "cannot convert float NaN to integer");
    if (std::isinf(x)) return raise(T.OverflowError, "cannot convert float infinity to integer");
    double r = std::nearbyint(x); // the default rounding mode is half-even
    if (r >= 9223372036854775808.0 || r < -9223372036854775808.0)
      return raise(T.OverflowError, "int too large to convert");
    return wrt_int(int64_t(r));
  }
  if (!isIntLike(nd))
    return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer",
                       typeName(nd));
  int64_t n = nd.i;
  if (!std::isfinite(x) || x == 0.0) return wrt_float(x);
  if (n > 323) return wrt_float(x);
  if (n < -308) return wrt_float(0.0 * x);
  std::string buf;
  auto print = [&](const char *fmt, int prec) {
    int len = std::snprintf(nullptr, 0, fmt, prec, x);
    buf.resize(size_t(len) + 1);
    std::snprintf(buf.data(), buf.size(), fmt, prec, x);
  };
  if (n >= 0) {
    print("%.*f", int(n));
  } else {
    // Round to 10^-n: keep (decimal exponent + 1 + n) significant digits.
    char eb[64];
    std::snprintf(eb, sizeof eb, "%.17e", x);
    int exp10 = std::atoi(std::strchr(eb, 'e') + 1);
    int sig = exp10 + 1 + int(n);
    if (sig <= 0) {
      // |x| < 10^-n: rounds to 0 or to ±10^-n (half-even: exactly half -> 0).
      double unit = std::pow(10.0, double(-n));
      double r = (sig == 0 && std::fabs(x) > unit / 2) ? unit : 0.0;
      return wrt_float(std::copysign(r, x));
    }
    print("%.*e", sig - 1);
  }
  double r = std::strtod(buf.c_str(), nullptr);
  return wrt_float(r);
}

namespace {

WValue roundImpl(WNativeFunc *, WValue *a) {
  WValue x = a[0], nd = a[1];
  if (x.tag == WT_FLOAT) return roundFloat(x.f, nd);
  if (isIntLike(x)) {
    if (nd.tag == WT_NONE || nd.tag == WT_UNBOUND || (isIntLike(nd) && nd.i >= 0))
      return wrt_int(x.i);
    if (!isIntLike(nd))
      return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer",
                         typeName(nd));
    if (nd.i < -18) return wrt_int(0);
    int64_t p = 1;
    for (int64_t k = 0; k < -nd.i; ++k) p *= 10;
    // Half-even on the exact integer.
    int64_t q = x.i / p, r = x.i % p;
    if (r < 0) {
      r += p;
      q -= 1;
    }
    if (2 * r > p || (2 * r == p && (q & 1))) q += 1;
    return wrt_int(q * p);
  }
  if (x.tag == WT_OBJ && typeLookup(typeOf(x), internStr("__round__")).tag != WT_UNBOUND)
    return callMethod(x, "__round__", nd.tag == WT_UNBOUND ? 0 : 1, &nd);
  return raiseFormat(T.TypeError, "type %s doesn't define __round__ method", typeName(x));
}

} // namespace

void initBuiltinIter();
void initBuiltinCtors();
void initFileIO();

void initBuiltins() {
  auto reg = [](const char *name, WNativeCode code, const char *params) {
    registerBuiltin(name, makeNative(name, code, params));
  };
  reg("len", lenImpl, "obj, /");
  reg("repr", reprImpl, "obj, /");
  reg("ascii", asciiImpl, "obj, /");
  reg("format", formatImpl, "value, format_spec=?, /");
  reg("abs", absImpl, "x, /");
  reg("min", minImpl, "*args, key=None, default=?");
  reg("max", maxImpl, "*args, key=None, default=?");
  reg("sum", sumImpl, "iterable, /, start=?");
  reg("sorted", sortedImpl, "iterable, /, *, key=None, reverse=False");
  reg("any", anyImpl, "iterable, /");
  reg("all", allImpl, "iterable, /");
  reg("hash", hashImpl, "obj, /");
  reg("ord", ordImpl, "c, /");
  reg("chr", chrImpl, "i, /");
  reg("divmod", divmodImpl, "x, y, /");
  reg("pow", powImpl, "base, exp, mod=None");
  reg("hex", hexImpl, "number, /");
  reg("oct", octImpl, "number, /");
  reg("bin", binImpl, "number, /");
  reg("id", idImpl, "obj, /");
  reg("isinstance", isinstanceImpl, "obj, class_or_tuple, /");
  reg("issubclass", issubclassImpl, "cls, class_or_tuple, /");
  reg("callable", callableImpl, "obj, /");
  reg("getattr", getattrImpl, "obj, name, default=?, /");
  reg("setattr", setattrImpl, "obj, name, value, /");
  reg("hasattr", hasattrImpl, "obj, name, /");
  reg("delattr", delattrImpl, "obj, name, /");
  reg("round", roundImpl, "number, ndigits=None");
  initBuiltinIter();
  initBuiltinCtors();
  initFileIO();
}

} // namespace weft::rt

extern "C" int64_t wrt_len(WValue v) {
  using namespace weft::rt;
  if (isStr(v)) return asWStr(v)->length; // code points, not bytes
  return length(v);
}
