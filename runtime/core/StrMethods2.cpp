// StrMethods2.cpp: the str methods that map characters one by one (case
// conversion, the is* predicates), pad (center, ljust, rjust, zfill,
// expandtabs) or encode to bytes. ASCII strings take byte loops; others
// decode code points through StrUnicode.cpp. Behaviour and messages follow
// CPython's Objects/unicodeobject.c.
#include "core/Text.h"

#include <cstdio>

namespace weft::rt {

namespace {

std::string_view sv(WValue v) {
  WStr *s = asWStr(v);
  return std::string_view(s->data, size_t(s->nbytes));
}

bool isCased(uint32_t c) { return isUpperCp(c) || isLowerCp(c) || toUpperCp(c) != toLowerCp(c); }

template <class F> WValue mapChars(WValue self, F f) {
  std::string_view s = sv(self);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) f(out, decodeUtf8(s, i));
  return makeStr(out);
}

WValue m_upper(WValue self, WValue *) {
  if (asWStr(self)->ascii) {
    std::string out(sv(self));
    for (char &c : out)
      if (c >= 'a' && c <= 'z') c = char(c - 32);
    return makeStr(out, int64_t(out.size()));
  }
  return mapChars(self, [](std::string &o, uint32_t c) { appendUpper(o, c); });
}

WValue m_lower(WValue self, WValue *) {
  if (asWStr(self)->ascii) {
    std::string out(sv(self));
    for (char &c : out)
      if (c >= 'A' && c <= 'Z') c = char(c + 32);
    return makeStr(out, int64_t(out.size()));
  }
  return mapChars(self, [](std::string &o, uint32_t c) { appendLower(o, c); });
}

WValue m_casefold(WValue self, WValue *) {
  return mapChars(self, [](std::string &o, uint32_t c) {
    if (c == 0xDF) o += "ss";
    else appendLower(o, c);
  });
}

WValue m_swapcase(WValue self, WValue *) {
  return mapChars(self, [](std::string &o, uint32_t c) {
    if (isUpperCp(c)) appendLower(o, c);
    else if (isLowerCp(c)) appendUpper(o, c);
    else appendUtf8(o, c);
  });
}

WValue m_title(WValue self, WValue *) {
  bool prevCased = false;
  return mapChars(self, [&](std::string &o, uint32_t c) {
    if (prevCased) appendLower(o, c);
    else appendTitle(o, c);
    prevCased = isCased(c);
  });
}

WValue m_capitalize(WValue self, WValue *) {
  bool first = true;
  return mapChars(self, [&](std::string &o, uint32_t c) {
    if (first) appendTitle(o, c);
    else appendLower(o, c);
    first = false;
  });
}

/// All code points satisfy [pred] and the string is not empty.
template <class P> WValue allChars(WValue self, P pred) {
  std::string_view s = sv(self);
  if (s.empty()) return wrt_bool(0);
  size_t i = 0;
  while (i < s.size())
    if (!pred(decodeUtf8(s, i))) return wrt_bool(0);
  return wrt_bool(1);
}

WValue m_isdigit(WValue self, WValue *) { return allChars(self, isDigitCp); }
WValue m_isdecimal(WValue self, WValue *) { return allChars(self, isDecimalCp); }
WValue m_isnumeric(WValue self, WValue *) { return allChars(self, isNumericCp); }
WValue m_isalpha(WValue self, WValue *) { return allChars(self, isAlphaCp); }
WValue m_isalnum(WValue self, WValue *) {
  return allChars(self, [](uint32_t c) { return isAlphaCp(c) || isNumericCp(c); });
}
WValue m_isspace(WValue self, WValue *) { return allChars(self, isSpaceCp); }
WValue m_isascii(WValue self, WValue *) { return wrt_bool(asWStr(self)->ascii); }

WValue m_isprintable(WValue self, WValue *) {
  std::string_view s = sv(self);
  size_t i = 0;
  while (i < s.size())
    if (!isPrintableCp(decodeUtf8(s, i))) return wrt_bool(0);
  return wrt_bool(1);
}

/// isupper/islower: at least one cased character, none of the other case.
WValue caseTest(WValue self, bool upper) {
  std::string_view s = sv(self);
  bool cased = false;
  size_t i = 0;
  while (i < s.size()) {
    uint32_t c = decodeUtf8(s, i);
    if (upper ? isLowerCp(c) : isUpperCp(c)) return wrt_bool(0);
    if (upper ? isUpperCp(c) : isLowerCp(c)) cased = true;
  }
  return wrt_bool(cased);
}
WValue m_isupper(WValue self, WValue *) { return caseTest(self, true); }
WValue m_islower(WValue self, WValue *) { return caseTest(self, false); }

WValue m_istitle(WValue self, WValue *) {
  std::string_view s = sv(self);
  bool cased = false, prevCased = false;
  size_t i = 0;
  while (i < s.size()) {
    uint32_t c = decodeUtf8(s, i);
    if (isUpperCp(c)) {
      if (prevCased) return wrt_bool(0);
      prevCased = cased = true;
    } else if (isLowerCp(c)) {
      if (!prevCased) return wrt_bool(0);
      prevCased = cased = true;
    } else {
      prevCased = false;
    }
  }
  return wrt_bool(cased);
}

WValue m_isidentifier(WValue self, WValue *) {
  std::string_view s = sv(self);
  if (s.empty()) return wrt_bool(0);
  size_t i = 0;
  uint32_t c = decodeUtf8(s, i);
  if (!(c == '_' || isAlphaCp(c))) return wrt_bool(0);
  while (i < s.size()) {
    c = decodeUtf8(s, i);
    if (!(c == '_' || isAlphaCp(c) || isDecimalCp(c) || (c >= 0x300 && c <= 0x36F)))
      return wrt_bool(0);
  }
  return wrt_bool(1);
}

bool getWidth(WValue v, int64_t &out) {
  if (v.tag == WT_INT || v.tag == WT_BOOL) {
    out = v.i;
    return true;
  }
  raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
  return false;
}

bool getFill(WValue v, std::string &fill) {
  if (v.tag == WT_UNBOUND) {
    fill = " ";
    return true;
  }
  if (!isStrVal(v)) {
    raiseFormat(T.TypeError, "The fill character must be a unicode character, not %s",
                typeName(v));
    return false;
  }
  if (asWStr(v)->length != 1) {
    raise(T.TypeError, "The fill character must be exactly one character long");
    return false;
  }
  fill = sv(v);
  return true;
}

WValue pad(WValue self, int64_t left, int64_t right, const std::string &fill) {
  if (left <= 0 && right <= 0) return self;
  if (left > (int64_t(1) << 32) || right > (int64_t(1) << 32)) return raise(T.MemoryError, "");
  if (left < 0) left = 0;
  if (right < 0) right = 0;
  std::string out;
  out.reserve(size_t(left + right) * fill.size() + size_t(asWStr(self)->nbytes));
  for (int64_t i = 0; i < left; ++i) out += fill;
  out.append(sv(self));
  for (int64_t i = 0; i < right; ++i) out += fill;
  return makeStr(out, asWStr(self)->length + left + right);
}

WValue m_center(WValue self, WValue *a) {
  int64_t width;
  std::string fill;
  if (!getWidth(a[0], width) || !getFill(a[1], fill)) return wrt_errv();
  int64_t len = asWStr(self)->length;
  if (width <= len) return self;
  int64_t marg = width - len;
  // CPython's pad(): the odd column goes left when both are odd.
  int64_t left = marg / 2 + (marg & width & 1);
  return pad(self, left, marg - left, fill);
}

WValue m_ljust(WValue self, WValue *a) {
  int64_t width;
  std::string fill;
  if (!getWidth(a[0], width) || !getFill(a[1], fill)) return wrt_errv();
  return pad(self, 0, width - asWStr(self)->length, fill);
}

WValue m_rjust(WValue self, WValue *a) {
  int64_t width;
  std::string fill;
  if (!getWidth(a[0], width) || !getFill(a[1], fill)) return wrt_errv();
  return pad(self, width - asWStr(self)->length, 0, fill);
}

WValue m_zfill(WValue self, WValue *a) {
  int64_t width;
  if (!getWidth(a[0], width)) return wrt_errv();
  int64_t len = asWStr(self)->length;
  if (width <= len) return self;
  if (width > (int64_t(1) << 32)) return raise(T.MemoryError, "");
  std::string_view s = sv(self);
  std::string out;
  size_t signLen = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  out.append(s.substr(0, signLen));
  out.append(size_t(width - len), '0');
  out.append(s.substr(signLen));
  return makeStr(out, width);
}

WValue m_expandtabs(WValue self, WValue *a) {
  int64_t tab;
  if (!getWidth(a[0], tab)) return wrt_errv();
  std::string_view s = sv(self);
  std::string out;
  int64_t col = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t st = i;
    uint32_t c = decodeUtf8(s, i);
    if (c == '\t') {
      if (tab > 0) {
        int64_t n = tab - col % tab;
        out.append(size_t(n), ' ');
        col += n;
      }
    } else {
      out.append(s.substr(st, i - st));
      col = (c == '\n' || c == '\r') ? 0 : col + 1;
    }
  }
  return makeStr(out);
}

/// Normalised codec names: 0 utf-8, 1 ascii, 2 latin-1, -1 unknown.
int codecOf(std::string_view name) {
  std::string n;
  for (char c : name) n.push_back(c == '_' || c == ' ' ? '-' : char(c >= 'A' && c <= 'Z' ? c + 32 : c));
  if (n == "utf-8" || n == "utf8" || n == "u8" || n == "utf") return 0;
  if (n == "ascii" || n == "us-ascii" || n == "646") return 1;
  if (n == "latin-1" || n == "latin1" || n == "iso-8859-1" || n == "iso8859-1" || n == "l1" ||
      n == "8859" || n == "cp819" || n == "latin")
    return 2;
  return -1;
}

} // namespace

/// str.encode: utf-8 is the storage itself; ascii and latin-1 apply [errors].
WValue strEncode(WValue self, WValue encoding, WValue errors) {
  std::string_view enc = encoding.tag == WT_UNBOUND || encoding.tag == WT_NONE ? "utf-8"
                                                                                : sv(encoding);
  std::string_view err = errors.tag == WT_UNBOUND || errors.tag == WT_NONE ? "strict"
                                                                            : sv(errors);
  int codec = codecOf(enc);
  std::string_view s = sv(self);
  if (codec < 0) {
    std::string e(enc);
    return raiseFormat(T.LookupError, "unknown encoding: %s", e.c_str());
  }
  if (codec == 0) return newBytes(s);
  uint32_t limit = codec == 1 ? 0x80 : 0x100;
  const char *cname = codec == 1 ? "ascii" : "latin-1";
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  int64_t pos = 0;
  while (i < s.size()) {
    uint32_t c = decodeUtf8(s, i);
    if (c < limit) {
      out.push_back(char(c));
    } else if (err == "strict") {
      // CPython reports the run of unencodable characters.
      int64_t endPos = pos + 1;
      size_t j = i;
      while (j < s.size()) {
        size_t k = j;
        if (decodeUtf8(s, k) < limit) break;
        j = k;
        ++endPos;
      }
      std::string ch;
      appendUtf8(ch, c);
      char esc[16];
      if (c < 0x100) std::snprintf(esc, sizeof esc, "\\x%02x", c);
      else if (c < 0x10000) std::snprintf(esc, sizeof esc, "\\u%04x", c);
      else std::snprintf(esc, sizeof esc, "\\U%08x", c);
      if (endPos - pos == 1)
        return raiseFormat(T.UnicodeEncodeError,
                           "'%s' codec can't encode character '%s' in position %lld: ordinal "
                           "not in range(%u)",
                           cname, esc, (long long)pos, limit);
      return raiseFormat(T.UnicodeEncodeError,
                         "'%s' codec can't encode characters in position %lld-%lld: ordinal "
                         "not in range(%u)",
                         cname, (long long)pos, (long long)endPos - 1, limit);
    } else if (err == "ignore") {
    } else if (err == "replace") {
      out.push_back('?');
    } else if (err == "backslashreplace") {
      char esc[16];
      if (c < 0x100) std::snprintf(esc, sizeof esc, "\\x%02x", c);
      else if (c < 0x10000) std::snprintf(esc, sizeof esc, "\\u%04x", c);
      else std::snprintf(esc, sizeof esc, "\\U%08x", c);
      out += esc;
    } else if (err == "xmlcharrefreplace") {
      out += "&#" + std::to_string(c) + ";";
    } else {
      std::string e(err);
      return raiseFormat(T.LookupError, "unknown error handler name '%s'", e.c_str());
    }
    ++pos;
  }
  return newBytes(out);
}

namespace {
WValue m_encode(WValue self, WValue *a) { return strEncode(self, a[0], a[1]); }
} // namespace

void initStrMethods2() {
  WTypeObj *t = T.str;
  WEFT_TEXT_METHOD(t, "upper", m_upper, "self, /");
  WEFT_TEXT_METHOD(t, "lower", m_lower, "self, /");
  WEFT_TEXT_METHOD(t, "casefold", m_casefold, "self, /");
  WEFT_TEXT_METHOD(t, "swapcase", m_swapcase, "self, /");
  WEFT_TEXT_METHOD(t, "title", m_title, "self, /");
  WEFT_TEXT_METHOD(t, "capitalize", m_capitalize, "self, /");
  WEFT_TEXT_METHOD(t, "isdigit", m_isdigit, "self, /");
  WEFT_TEXT_METHOD(t, "isdecimal", m_isdecimal, "self, /");
  WEFT_TEXT_METHOD(t, "isnumeric", m_isnumeric, "self, /");
  WEFT_TEXT_METHOD(t, "isalpha", m_isalpha, "self, /");
  WEFT_TEXT_METHOD(t, "isalnum", m_isalnum, "self, /");
  WEFT_TEXT_METHOD(t, "isspace", m_isspace, "self, /");
  WEFT_TEXT_METHOD(t, "isascii", m_isascii, "self, /");
  WEFT_TEXT_METHOD(t, "isprintable", m_isprintable, "self, /");
  WEFT_TEXT_METHOD(t, "isupper", m_isupper, "self, /");
  WEFT_TEXT_METHOD(t, "islower", m_islower, "self, /");
  WEFT_TEXT_METHOD(t, "istitle", m_istitle, "self, /");
  WEFT_TEXT_METHOD(t, "isidentifier", m_isidentifier, "self, /");
  WEFT_TEXT_METHOD(t, "center", m_center, "self, width, fillchar=?, /");
  WEFT_TEXT_METHOD(t, "ljust", m_ljust, "self, width, fillchar=?, /");
  WEFT_TEXT_METHOD(t, "rjust", m_rjust, "self, width, fillchar=?, /");
  WEFT_TEXT_METHOD(t, "zfill", m_zfill, "self, width, /");
  WEFT_TEXT_METHOD(t, "expandtabs", m_expandtabs, "self, tabsize=8");
  WEFT_TEXT_METHOD(t, "encode", m_encode, "self, encoding='utf-8', errors='strict'");
}

} // namespace weft::rt
