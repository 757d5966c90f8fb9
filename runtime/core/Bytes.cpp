// Bytes.cpp: the bytes type: repr, hash, comparison, +, *, indexing (an int)
// and slicing, `in`, iteration over ints, the bytes(...) constructor, decode
// with CPython's UTF-8/ASCII error reporting (UnicodeDecodeError messages and
// the 'replace'/'ignore'/'backslashreplace' handlers), and the common
// methods (split, strip, find, join, replace, upper, hex...).
#include "core/Text.h"

#include <cstdio>
#include <cstring>

namespace weft::rt {

namespace {

WBytes *asB(WValue v) { return reinterpret_cast<WBytes *>(v.o); }
std::string_view bv(WValue v) { return std::string_view(asB(v)->data, size_t(asB(v)->size)); }
bool isBytes(WValue v) { return isKind(v, Kind::Bytes); }

WValue bytesIterNext(WIterator *it) {
  WBytes *b = asB(it->source);
  if (it->index >= b->size) return wrt_unbound();
  return wrt_int(uint8_t(b->data[it->index++]));
}

/// One step of CPython's UTF-8 decoder at [i]: the length of a valid code
/// point, or 0 with [errEnd] (exclusive) and [reason] set.
size_t utf8Step(std::string_view s, size_t i, size_t &errEnd, const char *&reason) {
  uint8_t c = uint8_t(s[i]);
  if (c < 0x80) return 1;
  size_t n = s.size();
  int need;
  uint8_t lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) need = 1;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    errEnd = i + 1;
    reason = "invalid start byte";
    return 0;
  }
  for (int k = 1; k <= need; ++k) {
    if (i + size_t(k) >= n) {
      errEnd = n;
      reason = "unexpected end of data";
      return 0;
    }
    uint8_t cc = uint8_t(s[i + size_t(k)]);
    uint8_t l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (cc < l || cc > h) {
      errEnd = i + size_t(k);
      reason = "invalid continuation byte";
      return 0;
    }
  }
  return size_t(need + 1);
}

WValue decodeError(const char *codec, std::string_view s, size_t start, size_t end,
                   const char *reason) {
  if (end - start == 1)
    return raiseFormat(T.UnicodeDecodeError,
                       "'%s' codec can't decode byte 0x%02x in position %zu: %s", codec,
                       unsigned(uint8_t(s[start])), start, reason);
  return raiseFormat(T.UnicodeDecodeError,
                     "'%s' codec can't decode bytes in position %zu-%zu: %s", codec, start,
                     end - 1, reason);
}

} // namespace

WValue bytesDecode(WValue self, WValue encoding, WValue errors) {
  std::string_view enc = isStr(encoding) ? strView(encoding) : "utf-8";
  std::string_view err = isStr(errors) ? strView(errors) : "strict";
  std::string lname;
  for (char c : enc) lname.push_back(c == '_' ? '-' : char(c >= 'A' && c <= 'Z' ? c + 32 : c));
  int codec = (lname == "utf-8" || lname == "utf8") ? 0
              : (lname == "ascii" || lname == "us-ascii") ? 1
              : (lname == "latin-1" || lname == "latin1" || lname == "iso-8859-1") ? 2 : -1;
  if (codec < 0) return raiseFormat(T.LookupError, "unknown encoding: %s", lname.c_str());
  std::string_view s = bv(self);
  if (codec == 0 && validUtf8(s)) return makeStr(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    uint8_t c = uint8_t(s[i]);
    size_t errEnd = i + 1;
    const char *reason = "ordinal not in range(128)";
    size_t len = 0;
    if (codec == 2) {
      appendUtf8(out, c);
      ++i;
      continue;
    }
    if (codec == 1) len = c < 0x80 ? 1 : 0;
    else len = utf8Step(s, i, errEnd, reason);
    if (len) {
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    if (err == "strict") return decodeError(codec == 1 ? "ascii" : "utf-8", s, i, errEnd, reason);
    if (err == "replace") out += "\xEF\xBF\xBD";
    else if (err == "backslashreplace") {
      for (size_t k = i; k < errEnd; ++k) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\x%02x", unsigned(uint8_t(s[k])));
        out += esc;
      }
    } else if (err != "ignore") {
      std::string e(err);
      return raiseFormat(T.LookupError, "unknown error handler name '%s'", e.c_str());
    }
    i = errEnd;
  }
  return makeStr(out);
}

WValue bytesRepr(WValue b) {
  std::string out;
  appendBytesRepr(out, bv(b));
  return makeStr(out, int64_t(out.size()));
}

int64_t bytesHash(WBytes *b) {
  if (b->hash != -1) return b->hash;
  uint64_t h = 1469598103934665603ull;
  for (int64_t i = 0; i < b->size; ++i) {
    h ^= uint8_t(b->data[i]);
    h *= 1099511628211ull;
  }
  int64_t r = int64_t(h >> 1); // non-negative, so never -1
  b->hash = r;
  return r;
}

int bytesCompare(WBytes *a, WBytes *b) {
  int64_t n = a->size < b->size ? a->size : b->size;
  int c = std::memcmp(a->data, b->data, size_t(n));
  if (c) return c;
  return a->size < b->size ? -1 : a->size > b->size ? 1 : 0;
}

WValue bytesConcat(WValue a, WValue b) {
  if (!isBytes(b))
    return raiseFormat(T.TypeError, "can't concat %s to bytes", typeName(b));
  std::string out(bv(a));
  out.append(bv(b));
  return newBytes(out);
}

WValue bytesRepeat(WValue b, int64_t n) {
  if (n <= 0) return newBytes("");
  std::string_view s = bv(b);
  if (!s.empty() && uint64_t(n) > (uint64_t(1) << 36) / s.size()) return raise(T.MemoryError, "");
  std::string out;
  out.reserve(s.size() * size_t(n));
  for (int64_t i = 0; i < n; ++i) out.append(s);
  return newBytes(out);
}

WValue bytesGetItem(WValue b, WValue index) {
  WBytes *x = asB(b);
  if (isIntLike(index)) {
    int64_t i = index.i;
    if (!normIndex(i, x->size)) return raise(T.IndexError, "index out of range");
    return wrt_int(uint8_t(x->data[i]));
  }
  if (isKind(index, Kind::Slice)) {
    int64_t start, stop, step;
    int64_t count = sliceIndices(reinterpret_cast<WSlice *>(index.o), x->size, start, stop, step);
    if (count < 0) return wrt_errv();
    if (step == 1) return newBytes(std::string_view(x->data + start, size_t(count)));
    std::string out(size_t(count), '\0');
    for (int64_t k = 0, i = start; k < count; ++k, i += step) out[size_t(k)] = x->data[i];
    return newBytes(out);
  }
  return raiseFormat(T.TypeError, "byte indices must be integers or slices, not %s",
                     typeName(index));
}

int bytesContains(WValue b, WValue sub) {
  if (isIntLike(sub)) {
    if (sub.i < 0 || sub.i > 255) {
      raise(T.ValueError, "byte must be in range(0, 256)");
      return -1;
    }
    return bv(b).find(char(sub.i)) != std::string_view::npos;
  }
  if (!isBytes(sub)) {
    raiseFormat(T.TypeError, "a bytes-like object is required, not '%s'", typeName(sub));
    return -1;
  }
  return bv(b).find(bv(sub)) != std::string_view::npos;
}

WValue bytesIter(WValue b) { return newIterator(bytesIterNext, b); }

namespace {

bool needBytes(WValue v) {
  if (isBytes(v)) return true;
  raiseFormat(T.TypeError, "a bytes-like object is required, not '%s'", typeName(v));
  return false;
}

WValue b_decode(WValue self, WValue *a) { return bytesDecode(self, a[0], a[1]); }

bool isWs(uint8_t c) { return c == ' ' || (c >= 9 && c <= 13); }

WValue b_split(WValue self, WValue *a) {
  int64_t maxsplit = isIntLike(a[1]) ? (a[1].i < 0 ? INT64_MAX : a[1].i) : INT64_MAX;
  std::string_view s = bv(self);
  WValue result = newList(0);
  WList *l = asList(result);
  if (a[0].tag == WT_NONE) {
    size_t i = 0, n = s.size();
    while (i < n) {
      while (i < n && isWs(uint8_t(s[i]))) ++i;
      if (i >= n) break;
      if (maxsplit-- <= 0) {
        listAppend(l, newBytes(s.substr(i)));
        break;
      }
      size_t j = i;
      while (j < n && !isWs(uint8_t(s[j]))) ++j;
      listAppend(l, newBytes(s.substr(i, j - i)));
      i = j;
    }
    return result;
  }
  if (!needBytes(a[0])) return wrt_errv();
  std::string_view sep = bv(a[0]);
  if (sep.empty()) return raise(T.ValueError, "empty separator");
  size_t i = 0, pos;
  while (maxsplit > 0 && (pos = s.find(sep, i)) != std::string_view::npos) {
    listAppend(l, newBytes(s.substr(i, pos - i)));
    i = pos + sep.size();
    --maxsplit;
  }
  listAppend(l, newBytes(s.substr(i)));
  return result;
}

WValue stripB(WValue self, WValue chars, int mode) {
  std::string_view s = bv(self);
  std::string_view set = " \t\n\r\x0b\x0c";
  if (chars.tag != WT_NONE && chars.tag != WT_UNBOUND) {
    if (!needBytes(chars)) return wrt_errv();
    set = bv(chars);
  }
  size_t b = 0, e = s.size();
  if (mode & 1)
    while (b < e && set.find(s[b]) != std::string_view::npos) ++b;
  if (mode & 2)
    while (e > b && set.find(s[e - 1]) != std::string_view::npos) --e;
  return newBytes(s.substr(b, e - b));
}
WValue b_strip(WValue self, WValue *a) { return stripB(self, a[0], 3); }
WValue b_lstrip(WValue self, WValue *a) { return stripB(self, a[0], 1); }
WValue b_rstrip(WValue self, WValue *a) { return stripB(self, a[0], 2); }

WValue affixB(WValue self, WValue *a, bool end) {
  std::string_view s = bv(self);
  int64_t st, en;
  if (!adjustRange(a[1], a[2], int64_t(s.size()), st, en)) return wrt_errv();
  if (st > int64_t(s.size()) || en < st) return wrt_bool(0);
  std::string_view hay = s.substr(size_t(st), size_t(en - st));
  auto test = [&](WValue p) -> int {
    if (!isBytes(p)) return -1;
    std::string_view x = bv(p);
    if (x.size() > hay.size()) return 0;
    return end ? hay.substr(hay.size() - x.size()) == x : hay.substr(0, x.size()) == x;
  };
  if (isKind(a[0], Kind::Tuple)) {
    WTuple *t = asTuple(a[0]);
    for (int64_t i = 0; i < t->size; ++i) {
      int r = test(t->items[i]);
      if (r < 0) return needBytes(t->items[i]) ? wrt_errv() : wrt_errv();
      if (r) return wrt_bool(1);
    }
    return wrt_bool(0);
  }
  int r = test(a[0]);
  if (r < 0)
    return raiseFormat(T.TypeError, "%s first arg must be bytes or a tuple of bytes, not %s",
                       end ? "endswith" : "startswith", typeName(a[0]));
  return wrt_bool(r);
}
WValue b_startswith(WValue self, WValue *a) { return affixB(self, a, false); }
WValue b_endswith(WValue self, WValue *a) { return affixB(self, a, true); }

int64_t findB(WValue self, WValue *a, bool reverse) {
  std::string_view s = bv(self);
  std::string needle;
  if (isIntLike(a[0])) needle.push_back(char(a[0].i));
  else if (isBytes(a[0])) needle = bv(a[0]);
  else {
    needBytes(a[0]);
    return -2;
  }
  int64_t st, en;
  if (!adjustRange(a[1], a[2], int64_t(s.size()), st, en)) return -2;
  if (en < st) return -1;
  std::string_view hay = s.substr(size_t(st), size_t(en - st));
  size_t pos = reverse ? hay.rfind(needle) : hay.find(needle);
  return pos == std::string_view::npos ? -1 : st + int64_t(pos);
}
WValue b_find(WValue self, WValue *a) {
  int64_t r = findB(self, a, false);
  return r == -2 ? wrt_errv() : wrt_int(r);
}
WValue b_rfind(WValue self, WValue *a) {
  int64_t r = findB(self, a, true);
  return r == -2 ? wrt_errv() : wrt_int(r);
}
WValue b_index(WValue self, WValue *a) {
  int64_t r = findB(self, a, false);
  if (r == -1) return raise(T.ValueError, "subsection not found");
  return r == -2 ? wrt_errv() : wrt_int(r);
}

WValue b_count(WValue self, WValue *a) {
  std::string_view s = bv(self);
  std::string needle;
  if (isIntLike(a[0])) needle.push_back(char(a[0].i));
  else if (!needBytes(a[0])) return wrt_errv();
  else needle = bv(a[0]);
  if (needle.empty()) return wrt_int(int64_t(s.size()) + 1);
  int64_t n = 0;
  for (size_t p = 0; (p = s.find(needle, p)) != std::string_view::npos; p += needle.size()) ++n;
  return wrt_int(n);
}

WValue b_join(WValue self, WValue *a) {
  WValue items = listFromIterable(a[0]);
  if (items.tag == WT_ERR) return items;
  WList *l = asList(items);
  std::string out;
  for (int64_t i = 0; i < l->size; ++i) {
    if (!isBytes(l->items[i]))
      return raiseFormat(T.TypeError, "sequence item %lld: expected a bytes-like object, %s found",
                         (long long)i, typeName(l->items[i]));
    if (i) out.append(bv(self));
    out.append(bv(l->items[i]));
  }
  return newBytes(out);
}

WValue b_replace(WValue self, WValue *a) {
  if (!needBytes(a[0]) || !needBytes(a[1])) return wrt_errv();
  int64_t count = isIntLike(a[2]) && a[2].i >= 0 ? a[2].i : INT64_MAX;
  std::string_view s = bv(self), from = bv(a[0]), to = bv(a[1]);
  std::string out;
  if (from.empty()) {
    for (size_t i = 0; i <= s.size(); ++i) {
      if (count > 0) {
        out.append(to);
        --count;
      }
      if (i < s.size()) out.push_back(s[i]);
    }
    return newBytes(out);
  }
  size_t i = 0, pos;
  while (count > 0 && (pos = s.find(from, i)) != std::string_view::npos) {
    out.append(s.substr(i, pos - i));
    out.append(to);
    i = pos + from.size();
    --count;
  }
  out.append(s.substr(i));
  return newBytes(out);
}

WValue b_upper(WValue self, WValue *) {
  std::string out(bv(self));
  for (char &c : out)
    if (c >= 'a' && c <= 'z') c = char(c - 32);
  return newBytes(out);
}
WValue b_lower(WValue self, WValue *) {
  std::string out(bv(self));
  for (char &c : out)
    if (c >= 'A' && c <= 'Z') c = char(c + 32);
  return newBytes(out);
}

} // namespace

int hexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string hexEncode(std::string_view data, bool upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (unsigned char c : data) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

namespace {

/// bytes.fromhex(string): pairs of hex digits, whitespace allowed between
/// pairs, CPython's ValueError naming the position of a bad character.
WValue bytesFromhexM(WNativeFunc *, WValue *a) {
  if (!isStr(a[1])) return raiseTypeError("fromhex() argument must be str, not %s", typeName(a[1]));
  std::string_view s = strView(a[1]);
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f') {
      i++;
      continue;
    }
    int hi = hexDigitValue(s[i]);
    int lo = i + 1 < s.size() ? hexDigitValue(s[i + 1]) : -1;
    if (hi < 0 || lo < 0) {
      size_t at = hi < 0 ? i : i + 1;
      return raiseFormat(T.ValueError, "non-hexadecimal number found in fromhex() arg at position %zu", at);
    }
    out += char(hi * 16 + lo);
    i += 2;
  }
  return newBytes(out);
}

WValue b_hex(WValue self, WValue *a) {
  std::string_view s = bv(self);
  std::string sep = isStr(a[0]) ? std::string(strView(a[0])) : "";
  if (sep.empty()) return makeStr(hexEncode(s));
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += sep;
    out += hexEncode(s.substr(i, 1));
  }
  return makeStr(out);
}

template <int (*P)(int)> WValue allBytes(WValue self) {
  std::string_view s = bv(self);
  if (s.empty()) return wrt_bool(0);
  for (char c : s)
    if (!P(uint8_t(c))) return wrt_bool(0);
  return wrt_bool(1);
}
int isDigitB(int c) { return c >= '0' && c <= '9'; }
int isAlphaB(int c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
int isSpaceB(int c) { return isWs(uint8_t(c)); }
WValue b_isdigit(WValue self, WValue *) { return allBytes<isDigitB>(self); }
WValue b_isalpha(WValue self, WValue *) { return allBytes<isAlphaB>(self); }
WValue b_isspace(WValue self, WValue *) { return allBytes<isSpaceB>(self); }

/// bytes(), bytes(n), bytes(iterable of ints), bytes(str, encoding[, errors]).
WValue bytesCtor(WNativeFunc *, WValue *a) {
  WValue src = a[0];
  if (src.tag == WT_UNBOUND) return newBytes("");
  if (isStr(src)) {
    if (a[1].tag == WT_UNBOUND) return raise(T.TypeError, "string argument without an encoding");
    return strEncode(src, a[1], a[2]);
  }
  if (a[1].tag != WT_UNBOUND)
    return raise(T.TypeError, a[2].tag != WT_UNBOUND ? "errors without a string argument"
                                                     : "encoding without a string argument");
  if (isIntLike(src)) {
    if (src.i < 0) return raise(T.ValueError, "negative count");
    if (src.i > (int64_t(1) << 36)) return raise(T.MemoryError, "");
    return newBytes(std::string(size_t(src.i), '\0'));
  }
  if (isBytes(src)) return src;
  WValue items = listFromIterable(src);
  if (items.tag == WT_ERR) {
    if (errMatchesClear(T.TypeError))
      return raiseFormat(T.TypeError, "cannot convert '%s' object to bytes", typeName(src));
    return items;
  }
  WList *l = asList(items);
  std::string out;
  out.reserve(size_t(l->size));
  for (int64_t i = 0; i < l->size; ++i) {
    WValue x = l->items[i];
    if (!isIntLike(x))
      return raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer",
                         typeName(x));
    if (x.i < 0 || x.i > 255) return raise(T.ValueError, "bytes must be in range(0, 256)");
    out.push_back(char(x.i));
  }
  return newBytes(out);
}

} // namespace

void initBytesMethods() {
  WTypeObj *t = T.bytes;
  WEFT_TEXT_METHOD(t, "decode", b_decode, "self, encoding='utf-8', errors='strict'");
  WEFT_TEXT_METHOD(t, "split", b_split, "self, sep=None, maxsplit=-1");
  WEFT_TEXT_METHOD(t, "strip", b_strip, "self, bytes=None, /");
  WEFT_TEXT_METHOD(t, "lstrip", b_lstrip, "self, bytes=None, /");
  WEFT_TEXT_METHOD(t, "rstrip", b_rstrip, "self, bytes=None, /");
  WEFT_TEXT_METHOD(t, "startswith", b_startswith, "self, prefix, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "endswith", b_endswith, "self, suffix, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "find", b_find, "self, sub, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "rfind", b_rfind, "self, sub, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "index", b_index, "self, sub, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "count", b_count, "self, sub, /");
  WEFT_TEXT_METHOD(t, "join", b_join, "self, iterable, /");
  WEFT_TEXT_METHOD(t, "replace", b_replace, "self, old, new, count=-1, /");
  WEFT_TEXT_METHOD(t, "upper", b_upper, "self, /");
  WEFT_TEXT_METHOD(t, "lower", b_lower, "self, /");
  WEFT_TEXT_METHOD(t, "hex", b_hex, "self, sep=?");
  WEFT_TEXT_METHOD(t, "isdigit", b_isdigit, "self, /");
  WEFT_TEXT_METHOD(t, "isalpha", b_isalpha, "self, /");
  WEFT_TEXT_METHOD(t, "isspace", b_isspace, "self, /");
  t->ctor = makeNative("bytes", bytesCtor, "source=?, encoding=?, errors=?");
  // bytes.fromhex is a classmethod, as dict.fromkeys is (DictMethods.cpp).
  typeSetAttr(t, "fromhex", [] {
    auto *w = newObj<WFuncWrapper>(T.classmethod);
    w->func = makeNativeQual("fromhex", "bytes.fromhex", bytesFromhexM, "cls, string, /");
    return wrt_obj(w);
  }());
}

} // namespace weft::rt
