// BuiltinCtors.cpp: what calling a builtin type does: int(), float(),
// str(), bool(), list(), tuple(), set(), dict() and type(x). Each is stored
// as the type's `ctor` (rt-core's call dispatch uses it), unless rt-core has
// already installed one. String parsing follows CPython's rules exactly
// (whitespace, signs, underscores between digits, base prefixes, 'inf'/'nan')
// and fails with its messages ("invalid literal for int() with base 10: 'x'").
#include "core/Text.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace weft::rt {

namespace {

/// Strips Python whitespace (Unicode too) from both ends.
std::string_view stripWs(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e) {
    size_t j = b;
    if (!isSpaceCp(decodeUtf8(s, j))) break;
    b = j;
  }
  while (e > b) {
    size_t k = e - 1;
    while (k > b && (uint8_t(s[k]) & 0xC0) == 0x80) --k;
    size_t j = k;
    if (!isSpaceCp(decodeUtf8(s, j))) break;
    e = k;
  }
  return s.substr(b, e - b);
}

WValue invalidInt(std::string_view orig, int base) {
  std::string r;
  appendStrRepr(r, orig.substr(0, 200));
  return raiseFormat(T.ValueError, "invalid literal for int() with base %d: %s", base, r.c_str());
}

int digitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

} // namespace

/// int(str, base) as CPython's PyLong_FromString (64-bit result).
WValue parseInt(std::string_view orig, int base) {
  std::string_view s = stripWs(orig);
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  int b = base;
  bool prefixed = false;
  if (i + 1 < s.size() && s[i] == '0') {
    char p = char(s[i + 1] | 0x20);
    int pb = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (pb && (base == 0 || base == pb)) {
      b = pb;
      i += 2;
      prefixed = true;
    }
  }
  if (b == 0) {
    b = 10;
    // Base 0: a decimal literal may not have leading zeros ("010").
    size_t k = i;
    bool allZero = true, any = false;
    for (; k < s.size(); ++k) {
      if (s[k] == '_') continue;
      if (s[k] != '0') allZero = false;
      any = true;
    }
    if (any && !allZero && s[i] == '0') return invalidInt(orig, 0);
  }
  if (prefixed && i < s.size() && s[i] == '_') ++i; // "0x_ff" is allowed
  if (i >= s.size()) return invalidInt(orig, base);
  uint64_t acc = 0;
  bool overflow = false, lastUnderscore = true;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      if (lastUnderscore) return invalidInt(orig, base);
      lastUnderscore = true;
      continue;
    }
    int d = digitValue(c);
    if (d >= b) return invalidInt(orig, base);
    lastUnderscore = false;
    if (acc > (UINT64_MAX - unsigned(d)) / unsigned(b)) overflow = true;
    else acc = acc * unsigned(b) + unsigned(d);
  }
  if (lastUnderscore) return invalidInt(orig, base);
  if (overflow || acc > (neg ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX)))
    return raise(T.OverflowError, "int too large to convert to a 64-bit integer");
  return wrt_int(neg ? int64_t(uint64_t(0) - acc) : int64_t(acc));
}

/// float(str) as CPython's PyFloat_FromString: Python's grammar checked
/// first (no hex floats, no "1e"), then strtod for the correctly rounded value.
WValue parseFloat(std::string_view orig) {
  std::string_view s = stripWs(orig);
  std::string clean;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) clean.push_back(s[i++]);
  std::string rest;
  for (size_t k = i; k < s.size(); ++k) rest.push_back(char(s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]));
  bool neg = !clean.empty() && clean[0] == '-';
  if (rest == "inf" || rest == "infinity") return wrt_float(neg ? -INFINITY : INFINITY);
  if (rest == "nan") return wrt_float(neg ? -NAN : NAN);
  auto fail = [&] {
    std::string r;
    appendStrRepr(r, orig);
    return raiseFormat(T.ValueError, "could not convert string to float: %s", r.c_str());
  };
  // digits with single underscores between them; returns count of digits.
  auto digits = [&](size_t &k) {
    size_t n = 0;
    bool lastUs = false;
    while (k < s.size() && ((s[k] >= '0' && s[k] <= '9') || s[k] == '_')) {
      if (s[k] == '_') {
        if (n == 0 || lastUs) return size_t(0) - 1;
        lastUs = true;
      } else {
        clean.push_back(s[k]);
        ++n;
        lastUs = false;
      }
      ++k;
    }
    if (lastUs) return size_t(0) - 1;
    return n;
  };
  size_t k = i;
  size_t intDigits = digits(k);
  if (intDigits == size_t(0) - 1) return fail();
  size_t fracDigits = 0;
  if (k < s.size() && s[k] == '.') {
    clean.push_back('.');
    ++k;
    fracDigits = digits(k);
    if (fracDigits == size_t(0) - 1) return fail();
  }
  if (intDigits + fracDigits == 0) return fail();
  if (k < s.size() && (s[k] == 'e' || s[k] == 'E')) {
    clean.push_back('e');
    ++k;
    if (k < s.size() && (s[k] == '+' || s[k] == '-')) clean.push_back(s[k++]);
    size_t e = digits(k);
    if (e == 0 || e == size_t(0) - 1) return fail();
  }
  if (k != s.size()) return fail();
  return wrt_float(std::strtod(clean.c_str(), nullptr));
}

namespace {

WValue intCtor(WNativeFunc *, WValue *a) {
  WValue x = a[0];
  if (x.tag == WT_UNBOUND) {
    if (a[1].tag != WT_UNBOUND) return raise(T.TypeError, "int() missing string argument");
    return wrt_int(0);
  }
  if (a[1].tag != WT_UNBOUND) {
    if (!isIntLike(a[1]))
      return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer",
                         typeName(a[1]));
    int64_t base = a[1].i;
    if (base != 0 && (base < 2 || base > 36))
      return raise(T.ValueError, "int() base must be >= 2 and <= 36, or 0");
    if (isStr(x)) return parseInt(strView(x), int(base));
    if (isKind(x, Kind::Bytes)) {
      auto *b = reinterpret_cast<WBytes *>(x.o);
      return parseInt(std::string_view(b->data, size_t(b->size)), int(base));
    }
    return raise(T.TypeError, "int() can't convert non-string with explicit base");
  }
  switch (x.tag) {
  case WT_INT: return x;
  case WT_BOOL: return wrt_int(x.i);
  case WT_FLOAT:
    if (std::isnan(x.f)) return raise(T.ValueError, "cannot convert float NaN to integer");
    if (std::isinf(x.f)) return raise(T.OverflowError, "cannot convert float infinity to integer");
    if (x.f >= 9223372036854775808.0 || x.f < -9223372036854775808.0)
      return raise(T.OverflowError, "int too large to convert to a 64-bit integer");
    return wrt_int(int64_t(x.f));
  default: break;
  }
  if (isStr(x)) return parseInt(strView(x), 10);
  if (isKind(x, Kind::Bytes)) {
    auto *b = reinterpret_cast<WBytes *>(x.o);
    return parseInt(std::string_view(b->data, size_t(b->size)), 10);
  }
  if (x.tag == WT_OBJ) {
    WTypeObj *t = typeOf(x);
    for (const char *m : {"__int__", "__index__", "__trunc__"})
      if (typeLookup(t, internStr(m)).tag != WT_UNBOUND) return callMethod(x, m, 0, nullptr);
  }
  return raiseFormat(T.TypeError,
                     "int() argument must be a string, a bytes-like object or a real number, "
                     "not '%s'",
                     typeName(x));
}

WValue floatCtor(WNativeFunc *, WValue *a) {
  WValue x = a[0];
  switch (x.tag) {
  case WT_UNBOUND: return wrt_float(0.0);
  case WT_FLOAT: return x;
  case WT_INT: case WT_BOOL: return wrt_float(double(x.i));
  default: break;
  }
  if (isStr(x)) return parseFloat(strView(x));
  if (isKind(x, Kind::Bytes)) {
    auto *b = reinterpret_cast<WBytes *>(x.o);
    return parseFloat(std::string_view(b->data, size_t(b->size)));
  }
  if (x.tag == WT_OBJ) {
    WTypeObj *t = typeOf(x);
    for (const char *m : {"__float__", "__index__"})
      if (typeLookup(t, internStr(m)).tag != WT_UNBOUND) return callMethod(x, m, 0, nullptr);
  }
  return raiseFormat(T.TypeError, "float() argument must be a string or a real number, not '%s'",
                     typeName(x));
}

WValue strCtor(WNativeFunc *, WValue *a) {
  WValue x = a[0];
  if (x.tag == WT_UNBOUND) return makeStr("", 0);
  if (a[1].tag != WT_UNBOUND || a[2].tag != WT_UNBOUND) {
    if (!isKind(x, Kind::Bytes))
      return raiseFormat(T.TypeError, "decoding to str: need a bytes-like object, %s found",
                         typeName(x));
    return bytesDecode(x, a[1], a[2]);
  }
  if (isStr(x)) return x;
  std::string out;
  if (!appendPrinted(out, x)) return wrt_errv();
  return makeStr(out);
}

WValue boolCtor(WNativeFunc *, WValue *a) {
  if (a[0].tag == WT_UNBOUND) return wrt_bool(0);
  int t = truthy(a[0]);
  return t < 0 ? wrt_errv() : wrt_bool(t);
}

WValue listCtor(WNativeFunc *, WValue *a) {
  if (a[0].tag == WT_UNBOUND) return newList(0);
  return listFromIterable(a[0]);
}

WValue tupleCtor(WNativeFunc *, WValue *a) {
  if (a[0].tag == WT_UNBOUND) return newTuple(0);
  if (isKind(a[0], Kind::Tuple)) return a[0];
  WValue l = listFromIterable(a[0]);
  if (l.tag == WT_ERR) return l;
  return newTupleFrom(asList(l)->size, asList(l)->items);
}

WValue setCtor(WNativeFunc *, WValue *a) {
  WValue s = newSet();
  if (a[0].tag == WT_UNBOUND) return s;
  WValue it = iter(a[0]);
  if (it.tag == WT_ERR) return it;
  for (;;) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) return s;
    if (setAdd(reinterpret_cast<WSet *>(s.o), x).tag == WT_ERR) return wrt_errv();
  }
}

/// dict.update's merge: a dict, a mapping with keys(), or pairs.
WValue dictMerge(WDict *d, WValue src) {
  if (isKind(src, Kind::Dict)) {
    WDict *sd = asDict(src);
    WDictEntry *e;
    for (int64_t pos = 0; dictNext(sd, pos, e);)
      if (dictSet(d, e->key, e->value).tag == WT_ERR) return wrt_errv();
    return wrt_none();
  }
  if (src.tag == WT_OBJ && typeLookup(typeOf(src), internStr("keys")).tag != WT_UNBOUND) {
    WValue keys = callMethod(src, "keys", 0, nullptr);
    if (keys.tag == WT_ERR) return keys;
    WValue kl = listFromIterable(keys);
    if (kl.tag == WT_ERR) return kl;
    for (int64_t i = 0; i < asList(kl)->size; ++i) {
      WValue k = asList(kl)->items[i];
      WValue v = wrt_getitem(src, k);
      if (v.tag == WT_ERR || dictSet(d, k, v).tag == WT_ERR) return wrt_errv();
    }
    return wrt_none();
  }
  WValue it = iter(src);
  if (it.tag == WT_ERR) return it;
  for (int64_t idx = 0;; ++idx) {
    WValue item = next(it);
    if (item.tag == WT_ERR) return item;
    if (item.tag == WT_UNBOUND) return wrt_none();
    WValue pair = listFromIterable(item);
    if (pair.tag == WT_ERR) {
      if (!errMatchesClear(T.TypeError)) return pair;
      return raiseFormat(T.TypeError,
                         "cannot convert dictionary update sequence element #%lld to a sequence",
                         (long long)idx);
    }
    if (asList(pair)->size != 2)
      return raiseFormat(T.ValueError,
                         "dictionary update sequence element #%lld has length %lld; 2 is required",
                         (long long)idx, (long long)asList(pair)->size);
    if (dictSet(d, asList(pair)->items[0], asList(pair)->items[1]).tag == WT_ERR)
      return wrt_errv();
  }
}

WValue dictCtor(WNativeFunc *, WValue *a) {
  WValue d = newDict();
  if (a[0].tag != WT_UNBOUND && dictMerge(asDict(d), a[0]).tag == WT_ERR) return wrt_errv();
  if (a[1].tag == WT_OBJ && dictMerge(asDict(d), a[1]).tag == WT_ERR) return wrt_errv();
  return d;
}

WValue typeCtor(WNativeFunc *, WValue *a) {
  WTuple *args = asTuple(a[0]);
  if (args->size == 1) return wrt_obj(typeOf(args->items[0]));
  return raise(T.TypeError, "type() takes 1 argument in Weft (dynamic class creation is not supported)");
}

void installCtor(WTypeObj *t, const char *name, WNativeCode code, const char *params) {
  if (t->ctor.tag == WT_UNBOUND) t->ctor = makeNative(name, code, params);
}

} // namespace

void initBuiltinCtors() {
  installCtor(T.intType, "int", intCtor, "x=?, /, base=?");
  installCtor(T.floatType, "float", floatCtor, "x=?, /");
  installCtor(T.str, "str", strCtor, "object=?, encoding=?, errors=?");
  installCtor(T.boolType, "bool", boolCtor, "x=?, /");
  installCtor(T.list, "list", listCtor, "iterable=?, /");
  installCtor(T.tuple, "tuple", tupleCtor, "iterable=?, /");
  installCtor(T.set, "set", setCtor, "iterable=?, /");
  installCtor(T.dict, "dict", dictCtor, "mapping=?, /, **kwargs");
  installCtor(T.type, "type", typeCtor, "*args");
}

} // namespace weft::rt
