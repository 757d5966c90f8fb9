// StrUnicode.cpp: UTF-8 coding and the Unicode character classes behind str
// methods (isalpha, upper, repr's "printable" test...). ASCII is answered from
// Python's own tables inline; other code points ask glibc's C.UTF-8 locale
// (towupper_l, iswalpha_l), which carries the Unicode database, plus the few
// rules where CPython's answer differs from glibc's (whitespace, ß, format
// characters). Also builds str objects and CPython's repr of str.
#include "core/Text.h"

#include <clocale>
#include <cstring>
#include <locale.h>
#include <wctype.h>

namespace weft::rt {

namespace {

locale_t utf8Locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!l) l = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
    return l;
  }();
  return loc;
}

} // namespace

uint32_t decodeUtf8(std::string_view s, size_t &i) {
  uint8_t c = uint8_t(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  uint32_t cp = n == 3 ? (c & 0x07) : n == 2 ? (c & 0x0F) : (c & 0x1F);
  ++i;
  for (int k = 0; k < n && i < s.size(); ++k) cp = (cp << 6) | (uint8_t(s[i++]) & 0x3F);
  return cp;
}

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

int64_t countCodePoints(std::string_view s) {
  // Every byte that is not a continuation byte starts a code point.
  int64_t n = 0;
  for (char c : s) n += (uint8_t(c) & 0xC0) != 0x80;
  return n;
}

bool validUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    uint8_t c = uint8_t(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return false;
    if (i + size_t(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      uint8_t cc = uint8_t(s[i + size_t(k)]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += size_t(len);
  }
  return true;
}

size_t codePointOffset(WStr *s, int64_t index) {
  if (s->ascii) return size_t(index);
  std::string_view v(s->data, size_t(s->nbytes));
  size_t i = 0;
  // Skip whole code points by their lead byte.
  for (int64_t k = 0; k < index && i < v.size(); ++k) {
    uint8_t c = uint8_t(v[i]);
    i += c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  }
  return i;
}

bool isSpaceCp(uint32_t c) {
  if (c < 0x80) return (c >= 9 && c <= 13) || (c >= 0x1C && c <= 0x20);
  switch (c) {
  case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
  case 0x3000:
    return true;
  default:
    return c >= 0x2000 && c <= 0x200A;
  }
}

bool isAlphaCp(uint32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  locale_t l = utf8Locale();
  return l && iswalpha_l(wint_t(c), l) && !isDigitCp(c);
}

bool isDecimalCp(uint32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  // Decimal digit blocks are runs of ten starting at these code points.
  static const uint32_t zeros[] = {0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66,
                                   0xBE6, 0xC66, 0xCE6, 0xD66, 0xE50, 0xED0, 0xF20, 0x1040,
                                   0x17E0, 0x1810, 0xFF10};
  for (uint32_t z : zeros)
    if (c >= z && c < z + 10) return true;
  return false;
}

bool isDigitCp(uint32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return isDecimalCp(c) || c == 0xB2 || c == 0xB3 || c == 0xB9 || (c >= 0x2070 && c <= 0x2079 && c != 0x2071 && c != 0x2072 && c != 0x2073) ||
         (c >= 0x2080 && c <= 0x2089) || (c >= 0x2460 && c <= 0x2468);
}

bool isNumericCp(uint32_t c) {
  return isDigitCp(c) || c == 0xBC || c == 0xBD || c == 0xBE || (c >= 0x2150 && c <= 0x2189) ||
         (c >= 0x4E00 && (c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB ||
                          c == 0x4E94 || c == 0x516D || c == 0x4E03 || c == 0x516B ||
                          c == 0x4E5D || c == 0x5341));
}

bool isUpperCp(uint32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  locale_t l = utf8Locale();
  return l && iswupper_l(wint_t(c), l);
}

bool isLowerCp(uint32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z';
  if (c == 0xAA || c == 0xBA) return true; // ª º are Lo but Other_Lowercase
  locale_t l = utf8Locale();
  return l && iswlower_l(wint_t(c), l);
}

bool isPrintableCp(uint32_t c) {
  if (c < 0x80) return c >= 0x20 && c < 0x7F;
  if (c < 0xA0) return false;
  if (isSpaceCp(c)) return false; // Zs/Zl/Zp other than ' ' are not printable
  // Format characters (Cf) that glibc calls printable.
  if (c == 0xAD || (c >= 0x600 && c <= 0x605) || c == 0x61C || c == 0x6DD || c == 0x70F ||
      c == 0x180E || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
      (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x206F) || c == 0xFEFF ||
      (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000)
    return false;
  locale_t l = utf8Locale();
  return l ? iswprint_l(wint_t(c), l) != 0 : true;
}

uint32_t toUpperCp(uint32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  locale_t l = utf8Locale();
  return l ? uint32_t(towupper_l(wint_t(c), l)) : c;
}

uint32_t toLowerCp(uint32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  locale_t l = utf8Locale();
  return l ? uint32_t(towlower_l(wint_t(c), l)) : c;
}

void appendUpper(std::string &out, uint32_t c) {
  if (c == 0xDF) { // ß has no single upper-case letter: Python gives "SS"
    out += "SS";
    return;
  }
  appendUtf8(out, toUpperCp(c));
}

void appendLower(std::string &out, uint32_t c) {
  if (c == 0x130) { // İ lowers to "i̇" in Python
    out += "i\xcc\x87";
    return;
  }
  appendUtf8(out, toLowerCp(c));
}

void appendTitle(std::string &out, uint32_t c) {
  // Title case equals upper case except for the digraphs (Ǆ ǅ ǆ ...).
  switch (c) {
  case 0x1C4: case 0x1C5: case 0x1C6: appendUtf8(out, 0x1C5); return;
  case 0x1C7: case 0x1C8: case 0x1C9: appendUtf8(out, 0x1C8); return;
  case 0x1CA: case 0x1CB: case 0x1CC: appendUtf8(out, 0x1CB); return;
  case 0x1F1: case 0x1F2: case 0x1F3: appendUtf8(out, 0x1F2); return;
  case 0xDF: out += "Ss"; return;
  default: appendUtf8(out, toUpperCp(c));
  }
}

WValue makeStr(std::string_view utf8, int64_t length) {
  if (length < 0) length = countCodePoints(utf8);
  auto *s = static_cast<WStr *>(gcAllocAtomic(sizeof(WStr) + utf8.size() + 1));
  s->hdr.type = reinterpret_cast<WType *>(T.str);
  s->nbytes = int64_t(utf8.size());
  s->length = length;
  s->hash = -1;
  s->ascii = length == int64_t(utf8.size());
  s->interned = false;
  if (!utf8.empty()) std::memcpy(s->data, utf8.data(), utf8.size());
  s->data[utf8.size()] = 0;
  return wrt_obj(s);
}

void appendStrRepr(std::string &out, std::string_view s) {
  // CPython's unicode_repr: single quotes unless the text has ' and no ".
  bool hasSingle = s.find('\'') != std::string_view::npos;
  bool hasDouble = s.find('"') != std::string_view::npos;
  char quote = (hasSingle && !hasDouble) ? '"' : '\'';
  static const char hex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out.push_back(quote);
  size_t i = 0;
  while (i < s.size()) {
    uint8_t b = uint8_t(s[i]);
    if (b >= 0x20 && b < 0x7F) {
      if (b == uint8_t(quote) || b == '\\') out.push_back('\\');
      out.push_back(char(b));
      ++i;
      continue;
    }
    size_t start = i;
    uint32_t c = decodeUtf8(s, i);
    if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c < 0x80 || (c < 0x100 && !isPrintableCp(c))) {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else if (isPrintableCp(c)) {
      out.append(s.substr(start, i - start));
    } else if (c < 0x10000) {
      out += "\\u";
      for (int sh = 12; sh >= 0; sh -= 4) out.push_back(hex[(c >> sh) & 15]);
    } else {
      out += "\\U";
      for (int sh = 28; sh >= 0; sh -= 4) out.push_back(hex[(c >> sh) & 15]);
    }
  }
  out.push_back(quote);
}

void appendAsciiEscaped(std::string &out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < s.size()) {
    uint32_t c = decodeUtf8(s, i);
    if (c < 0x80) {
      out.push_back(char(c));
      continue;
    }
    int digits = c < 0x100 ? 2 : c < 0x10000 ? 4 : 8;
    out += digits == 2 ? "\\x" : digits == 4 ? "\\u" : "\\U";
    for (int sh = (digits - 1) * 4; sh >= 0; sh -= 4) out.push_back(hex[(c >> sh) & 15]);
  }
}

void appendBytesRepr(std::string &out, std::string_view b) {
  // bytes_repr: the same quote rule; every non-ASCII-printable byte is \xhh.
  bool hasSingle = b.find('\'') != std::string_view::npos;
  bool hasDouble = b.find('"') != std::string_view::npos;
  char quote = (hasSingle && !hasDouble) ? '"' : '\'';
  static const char hex[] = "0123456789abcdef";
  out.reserve(out.size() + b.size() + 3);
  out.push_back('b');
  out.push_back(quote);
  for (char ch : b) {
    uint8_t c = uint8_t(ch);
    if (c == uint8_t(quote) || c == '\\') {
      out.push_back('\\');
      out.push_back(char(c));
    } else if (c == '\t') out += "\\t";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20 || c >= 0x7F) {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(char(c));
    }
  }
  out.push_back(quote);
}

} // namespace weft::rt
