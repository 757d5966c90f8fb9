// NumberMethods.cpp: the few methods scripts call on int and float values
// (bit_length, bit_count, is_integer, as_integer_ratio, conjugate, hex) and
// str.translate/str.maketrans/str.format_map, which sit next to the other
// text-shaped helpers. Each is installed only if rt-core has not defined the
// name already, so either side may own it later without a clash.
#include "core/Text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace weft::rt {

namespace {

WValue i_bit_length(WValue self, WValue *) {
  uint64_t m = self.i < 0 ? uint64_t(0) - uint64_t(self.i) : uint64_t(self.i);
  return wrt_int(m ? 64 - __builtin_clzll(m) : 0);
}

WValue i_bit_count(WValue self, WValue *) {
  uint64_t m = self.i < 0 ? uint64_t(0) - uint64_t(self.i) : uint64_t(self.i);
  return wrt_int(__builtin_popcountll(m));
}

WValue i_conjugate(WValue self, WValue *) { return self.tag == WT_BOOL ? wrt_int(self.i) : self; }

WValue i_ratio(WValue self, WValue *) { return newTupleOf({wrt_int(self.i), wrt_int(1)}); }

/// int.to_bytes(length=1, byteorder='big', *, signed=False).
WValue i_to_bytes(WValue self, WValue *a) {
  if (a[0].tag != WT_INT && a[0].tag != WT_BOOL)
    return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(a[0]));
  int64_t length = a[0].i;
  if (length < 0) return raise(T.ValueError, "length argument must be non-negative");
  if (!isStr(a[1])) return raise(T.TypeError, "to_bytes() argument 'byteorder' must be str");
  std::string_view order(asWStr(a[1])->data, size_t(asWStr(a[1])->nbytes));
  if (order != "big" && order != "little") return raise(T.ValueError, "byteorder must be either 'little' or 'big'");
  bool isSigned = truthy(a[2]) > 0;
  int64_t v = self.i;
  if (v < 0 && !isSigned) return raise(T.OverflowError, "can't convert negative int to unsigned");
  // Bytes needed: the two's complement width for signed, the magnitude's otherwise.
  int64_t bits = v < 0 ? 64 - __builtin_clzll(~uint64_t(v)) + 1
                       : (v ? 64 - __builtin_clzll(uint64_t(v)) : 0) + (isSigned ? 1 : 0);
  if (bits > length * 8) return raise(T.OverflowError, "int too big to convert");
  std::string out(size_t(length), v < 0 ? '\xff' : '\0');
  for (int64_t i = 0; i < length && i < 8; ++i) out[size_t(i)] = char(uint64_t(v) >> (8 * i));
  if (order == "big") std::reverse(out.begin(), out.end());
  return newBytes(out);
}

/// int.from_bytes(bytes, byteorder='big', *, signed=False), a classmethod.
WValue i_from_bytes(WNativeFunc *, WValue *a) {
  if (!isKind(a[1], Kind::Bytes))
    return raiseFormat(T.TypeError, "cannot convert '%s' object to bytes", typeName(a[1]));
  auto *b = reinterpret_cast<WBytes *>(a[1].o);
  if (!isStr(a[2])) return raise(T.TypeError, "from_bytes() argument 'byteorder' must be str");
  std::string_view order(asWStr(a[2])->data, size_t(asWStr(a[2])->nbytes));
  if (order != "big" && order != "little") return raise(T.ValueError, "byteorder must be either 'little' or 'big'");
  bool isSigned = truthy(a[3]) > 0;
  std::string le(b->data, size_t(b->size));
  if (order == "big") std::reverse(le.begin(), le.end());
  // Drop the bytes that only extend the sign (0x00, or 0xff when signed
  // and negative); more than eight that remain do not fit Weft's int.
  bool negative = isSigned && !le.empty() && (uint8_t(le.back()) & 0x80);
  while (le.size() > 8 && uint8_t(le.back()) == (negative ? 0xff : 0x00)) le.pop_back();
  uint64_t u = 0;
  for (size_t i = 0; i < le.size(); ++i) u |= uint64_t(uint8_t(le[i])) << (8 * i);
  bool fits = le.size() < 8 || (le.size() == 8 && (isSigned || !(u >> 63)));
  if (le.size() > 8 || !fits) return raise(T.OverflowError, "Python int too large to convert to C long");
  if (negative && le.size() < 8) u |= ~uint64_t(0) << (8 * le.size());
  if (negative && le.size() == 8 && !(u >> 63)) return raise(T.OverflowError, "Python int too large to convert to C long");
  return wrt_int(int64_t(u));
}

WValue f_is_integer(WValue self, WValue *) {
  return wrt_bool(std::isfinite(self.f) && self.f == std::floor(self.f));
}

WValue f_as_integer_ratio(WValue self, WValue *) {
  double x = self.f;
  if (std::isinf(x)) return raise(T.OverflowError, "cannot convert Infinity to integer ratio");
  if (std::isnan(x)) return raise(T.ValueError, "cannot convert NaN to integer ratio");
  int e;
  double m = std::frexp(x, &e); // x = m * 2^e, 0.5 <= |m| < 1
  // Scale the mantissa to an integer, then reduce powers of two.
  for (int i = 0; i < 300 && m != std::floor(m); ++i) {
    m *= 2.0;
    --e;
  }
  if (std::fabs(m) >= 9223372036854775808.0)
    return raise(T.OverflowError, "int too large to convert to a 64-bit integer");
  int64_t num = int64_t(m), den = 1;
  if (e > 0) {
    if (e > 62 || std::fabs(double(num)) * std::ldexp(1.0, e) >= 9223372036854775808.0)
      return raise(T.OverflowError, "int too large to convert to a 64-bit integer");
    num <<= e;
  } else {
    if (-e > 62) return raise(T.OverflowError, "int too large to convert to a 64-bit integer");
    den = int64_t(1) << -e;
  }
  while (den > 1 && (num & 1) == 0) {
    num /= 2;
    den /= 2;
  }
  return newTupleOf({wrt_int(num), wrt_int(den)});
}

WValue f_hex(WValue self, WValue *) {
  double x = self.f;
  if (std::isnan(x)) return makeStr("nan");
  if (std::isinf(x)) return makeStr(x < 0 ? "-inf" : "inf");
  if (x == 0.0) return makeStr(std::signbit(x) ? "-0x0.0p+0" : "0x0.0p+0");
  // CPython: 13 hex digits of mantissa, normalised to a leading 1.
  int e;
  double m = std::frexp(std::fabs(x), &e);
  m *= 2.0;
  --e;
  if (e < -1022) { // subnormal: CPython keeps exponent -1022 with a leading 0
    m = std::ldexp(m, e + 1022);
    e = -1022;
  }
  std::string out = x < 0 ? "-0x" : "0x";
  int lead = int(m);
  out.push_back(char('0' + lead));
  out.push_back('.');
  m -= lead;
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 13; ++i) {
    m *= 16.0;
    int d = int(m);
    out.push_back(hex[d]);
    m -= d;
  }
  char eb[16];
  std::snprintf(eb, sizeof eb, "p%+d", e);
  out += eb;
  return makeStr(out);
}

WValue s_format_map(WValue self, WValue *a) {
  if (!isKind(a[0], Kind::Dict))
    return raise(T.TypeError, "format_map() argument must be a dict in Weft");
  return strFormatMethod(strView(self), 0, nullptr, asDict(a[0]));
}

/// str.translate(table): table maps code points to str, int or None.
WValue s_translate(WValue self, WValue *a) {
  std::string_view s = strView(self);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    uint32_t c = decodeUtf8(s, i);
    WValue r = wrt_getitem(a[0], wrt_int(c));
    if (r.tag == WT_ERR) {
      if (errMatchesClear(T.LookupError)) {
        out.append(s.substr(start, i - start));
        continue;
      }
      return r;
    }
    if (r.tag == WT_NONE) continue;
    if (isIntLike(r)) {
      if (r.i < 0 || r.i > 0x10FFFF)
        return raise(T.ValueError, "character mapping must be in range(0x110000)");
      appendUtf8(out, uint32_t(r.i));
    } else if (isStr(r)) {
      out.append(strView(r));
    } else {
      return raise(T.TypeError, "character mapping must return integer, None or str");
    }
  }
  return makeStr(out);
}

/// str.maketrans(x[, y[, z]]) (a static method).
WValue s_maketrans(WNativeFunc *, WValue *a) {
  WValue d = newDict();
  if (a[1].tag == WT_UNBOUND) {
    if (!isKind(a[0], Kind::Dict))
      return raise(T.TypeError,
                   "if you give only one argument to maketrans it must be a dict");
    WDictEntry *e;
    for (int64_t pos = 0; dictNext(asDict(a[0]), pos, e);) {
      WValue k = e->key;
      if (isStr(k)) {
        if (asWStr(k)->length != 1)
          return raise(T.ValueError, "string keys in translate table must be of length 1");
        size_t i = 0;
        k = wrt_int(decodeUtf8(strView(k), i));
      } else if (!isIntLike(k)) {
        return raise(T.TypeError, "keys in translate table must be strings or integers");
      }
      if (dictSet(asDict(d), k, e->value).tag == WT_ERR) return wrt_errv();
    }
    return d;
  }
  if (!isStr(a[0]) || !isStr(a[1])) return raise(T.TypeError, "maketrans() argument must be str");
  if (asWStr(a[0])->length != asWStr(a[1])->length)
    return raise(T.ValueError, "the first two maketrans arguments must have equal length");
  std::string_view x = strView(a[0]), y = strView(a[1]);
  size_t i = 0, j = 0;
  while (i < x.size()) {
    uint32_t cx = decodeUtf8(x, i), cy = decodeUtf8(y, j);
    if (dictSet(asDict(d), wrt_int(cx), wrt_int(cy)).tag == WT_ERR) return wrt_errv();
  }
  if (a[2].tag != WT_UNBOUND) {
    if (!isStr(a[2])) return raise(T.TypeError, "maketrans() argument 3 must be str");
    std::string_view z = strView(a[2]);
    size_t k = 0;
    while (k < z.size())
      if (dictSet(asDict(d), wrt_int(decodeUtf8(z, k)), wrt_none()).tag == WT_ERR)
        return wrt_errv();
  }
  return d;
}

bool has(WTypeObj *t, const char *name) {
  return t->attrs && dictGetStr(t->attrs, internStr(name)).tag != WT_UNBOUND;
}

} // namespace

void initNumberMethods() {
  auto def = [](WTypeObj *t, const char *name, WNativeCode code, const char *params) {
    if (!has(t, name)) addMethod(t, name, code, params);
  };
  def(T.intType, "bit_length", textTrampoline<i_bit_length>, "self, /");
  def(T.intType, "bit_count", textTrampoline<i_bit_count>, "self, /");
  def(T.intType, "to_bytes", textTrampoline<i_to_bytes>, "self, /, length=1, byteorder='big', *, signed=False");
  if (!has(T.intType, "from_bytes")) {
    auto *w = newObj<WFuncWrapper>(T.classmethod);
    w->func = makeNative("from_bytes", i_from_bytes, "cls, bytes, byteorder='big', *, signed=False");
    typeSetAttr(T.intType, "from_bytes", wrt_obj(w));
  }
  def(T.intType, "conjugate", textTrampoline<i_conjugate>, "self, /");
  def(T.intType, "as_integer_ratio", textTrampoline<i_ratio>, "self, /");
  def(T.floatType, "is_integer", textTrampoline<f_is_integer>, "self, /");
  def(T.floatType, "as_integer_ratio", textTrampoline<f_as_integer_ratio>, "self, /");
  def(T.floatType, "hex", textTrampoline<f_hex>, "self, /");
  def(T.floatType, "conjugate", textTrampoline<i_conjugate>, "self, /");
  def(T.str, "format_map", textTrampoline<s_format_map>, "self, mapping, /");
  def(T.str, "translate", textTrampoline<s_translate>, "self, table, /");
  if (!has(T.str, "maketrans")) {
    auto *w = newObj<WFuncWrapper>(T.staticmethod);
    w->func = makeNative("maketrans", s_maketrans, "x, y=?, z=?, /");
    typeSetAttr(T.str, "maketrans", wrt_obj(w));
  }
}

} // namespace weft::rt
