// FormatSpec.cpp: the format-spec mini-language of format(), f-strings and
// str.format, for int, bool, float and str. A line-by-line port of CPython's
// Python/formatter_unicode.c: the same parse (parse_internal_render_format_spec),
// the same field widths (calc_number_widths), the same zero padding that grows
// through the digit grouping (_PyUnicode_InsertThousandsGrouping), and the same
// error messages. wrt_format (Format.cpp) picks the function by type.
#include "core/Text.h"

#include <climits>
#include <cstdio>

namespace weft::rt {

namespace {

bool isAlignChar(uint32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

/// Reads a decimal integer at [pos]; returns the number of digits read or -1
/// (ValueError raised) on overflow.
int getInteger(std::string_view s, size_t &pos, int64_t &out) {
  int n = 0;
  out = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    int d = s[pos] - '0';
    if (out > (INT64_MAX - d) / 10) {
      raise(T.ValueError, "Too many decimal digits in format string");
      return -1;
    }
    out = out * 10 + d;
    ++pos;
    ++n;
  }
  return n;
}

void unknownPresentationType(uint32_t type, const char *typeName) {
  if (type > 32 && type < 128)
    raiseFormat(T.ValueError, "Unknown format code '%c' for object of type '%.200s'", char(type),
                typeName);
  else
    raiseFormat(T.ValueError, "Unknown format code '\\x%x' for object of type '%.200s'",
                unsigned(type), typeName);
}

void appendFill(std::string &out, uint32_t fill, int64_t n) {
  if (n <= 0) return;
  if (fill < 0x80) {
    out.append(size_t(n), char(fill));
    return;
  }
  std::string one;
  appendUtf8(one, fill);
  for (int64_t i = 0; i < n; ++i) out += one;
}

/// _PyUnicode_InsertThousandsGrouping: [digits] grouped by [group] (0: no
/// grouping) with [sep], zero-padded on the left to at least [minWidth]
/// characters. The padding zeros are grouped too, which is why '08,' gives
/// "0,001,234" (nine characters: a group never starts with a separator).
std::string groupDigits(std::string_view digits, int group, char sep, int64_t minWidth) {
  if (group == 0 && minWidth <= int64_t(digits.size())) return std::string(digits);
  std::string rev; // built right to left
  int64_t remaining = int64_t(digits.size());
  int64_t minw = minWidth > 0 ? minWidth : 0;
  size_t pos = digits.size();
  auto emit = [&](int64_t l, bool useSep) {
    int64_t nZeros = l - remaining > 0 ? l - remaining : 0;
    int64_t nChars = remaining < l ? remaining : l;
    if (nChars < 0) nChars = 0;
    if (useSep) rev.push_back(sep);
    for (int64_t i = 0; i < nChars; ++i) rev.push_back(digits[--pos]);
    rev.append(size_t(nZeros), '0');
    remaining -= nChars;
    return l;
  };
  bool useSep = false;
  bool broke = false;
  if (group > 0) {
    for (;;) {
      int64_t cap = remaining > minw ? remaining : minw;
      if (cap < 1) cap = 1;
      int64_t l = group < cap ? group : cap;
      emit(l, useSep);
      useSep = true;
      minw -= l;
      if (remaining <= 0 && minw <= 0) {
        broke = true;
        break;
      }
      minw -= 1; // the separator's width
    }
  }
  if (!broke) {
    int64_t l = remaining > minw ? remaining : minw;
    if (l < 1) l = 1;
    emit(l, useSep);
  }
  return std::string(rev.rbegin(), rev.rend());
}

/// calc_number_widths + fill_number: lays out
/// <lpad><sign><prefix><spad><grouped digits><rest><rpad>, where [rest] is the
/// decimal point, fraction, exponent or '%' (or the character of 'c').
void fillNumber(std::string &out, const FormatSpec &f, char align, bool negative,
                std::string_view prefix, std::string_view digits, std::string_view rest,
                int64_t restWidth) {
  char sign = 0;
  if (f.sign == '+')
    sign = negative ? '-' : '+';
  else if (f.sign == ' ')
    sign = negative ? '-' : ' ';
  else if (negative)
    sign = '-';
  int64_t nonDigit = (sign ? 1 : 0) + int64_t(prefix.size()) + restWidth;
  int64_t minWidth = (f.fill == '0' && align == '=') ? f.width - nonDigit : 0;
  int group = 0;
  char sep = 0;
  if (f.grouping == ',') {
    group = 3;
    sep = ',';
  } else if (f.grouping == '_') {
    group = (f.type == 'b' || f.type == 'o' || f.type == 'x' || f.type == 'X') ? 4 : 3;
    sep = '_';
  }
  std::string grouped;
  if (!digits.empty()) grouped = groupDigits(digits, group, sep, minWidth);
  int64_t padding = f.width - (nonDigit + int64_t(grouped.size()));
  int64_t lpad = 0, spad = 0, rpad = 0;
  if (padding > 0) {
    switch (align) {
    case '<': rpad = padding; break;
    case '^':
      lpad = padding / 2;
      rpad = padding - lpad;
      break;
    case '=': spad = padding; break;
    default: lpad = padding; break;
    }
  }
  out.reserve(out.size() + size_t(f.width > 0 ? f.width : 0) + grouped.size() + rest.size() + 8);
  appendFill(out, f.fill, lpad);
  if (sign) out.push_back(sign);
  out.append(prefix);
  appendFill(out, f.fill, spad);
  out += grouped;
  out.append(rest);
  appendFill(out, f.fill, rpad);
}

} // namespace

// Longer than the usual 80 lines on purpose: it follows CPython's
// parse_internal_render_format_spec step by step, so the two can be compared.
bool parseFormatSpec(std::string_view s, char defaultAlign, const char *typeName,
                     FormatSpec &f) {
  f = FormatSpec();
  f.align = defaultAlign;
  size_t pos = 0;
  bool fillSpecified = false, alignSpecified = false;
  // The fill is a whole code point, so look one code point ahead.
  size_t afterFirst = 0;
  uint32_t first = 0;
  if (!s.empty()) first = decodeUtf8(s, afterFirst);
  if (!s.empty() && afterFirst < s.size() && isAlignChar(uint8_t(s[afterFirst]))) {
    f.align = s[afterFirst];
    f.fill = first;
    fillSpecified = alignSpecified = true;
    pos = afterFirst + 1;
  } else if (!s.empty() && isAlignChar(uint8_t(s[0]))) {
    f.align = s[0];
    alignSpecified = true;
    pos = 1;
  }
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' ')) f.sign = s[pos++];
  if (pos < s.size() && s[pos] == 'z') {
    f.noNeg0 = true;
    ++pos;
  }
  if (pos < s.size() && s[pos] == '#') {
    f.alternate = true;
    ++pos;
  }
  if (!fillSpecified && pos < s.size() && s[pos] == '0') {
    f.fill = '0';
    if (!alignSpecified && defaultAlign == '>') f.align = '=';
    ++pos;
  }
  int consumed = getInteger(s, pos, f.width);
  if (consumed < 0) return false;
  if (consumed == 0) f.width = -1;
  if (pos < s.size() && s[pos] == ',') {
    f.grouping = ',';
    ++pos;
  }
  if (pos < s.size() && s[pos] == '_') {
    if (f.grouping) {
      raise(T.ValueError, "Cannot specify both ',' and '_'.");
      return false;
    }
    f.grouping = '_';
    ++pos;
  }
  if (pos < s.size() && s[pos] == ',' && f.grouping == '_') {
    raise(T.ValueError, "Cannot specify both ',' and '_'.");
    return false;
  }
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    consumed = getInteger(s, pos, f.precision);
    if (consumed < 0) return false;
    if (consumed == 0) {
      raise(T.ValueError, "Format specifier missing precision");
      return false;
    }
  }
  // A width or precision this large cannot be allocated; CPython fails the
  // same way, and a std::bad_alloc must not cross the ABI.
  if (f.width > (int64_t(1) << 32) || f.precision > (int64_t(1) << 32)) {
    raise(T.MemoryError, "");
    return false;
  }
  if (pos < s.size()) {
    size_t q = pos;
    uint32_t t = decodeUtf8(s, q);
    if (q < s.size()) {
      raiseFormat(T.ValueError, "Invalid format specifier '%.*s' for object of type '%.200s'",
                  int(s.size()), s.data(), typeName);
      return false;
    }
    f.type = t;
  }
  if (f.grouping) {
    // str's default presentation type is 's', which takes no grouping.
    uint32_t type = f.type ? f.type : (defaultAlign == '<' ? 's' : 0);
    switch (type) {
    case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
      break;
    case 'b': case 'o': case 'x': case 'X':
      if (f.grouping == '_') break;
      [[fallthrough]];
    default:
      if (type > 32 && type < 128)
        raiseFormat(T.ValueError, "Cannot specify '%c' with '%c'.", f.grouping, char(type));
      else
        raiseFormat(T.ValueError, "Cannot specify '%c' with '\\x%x'.", f.grouping,
                    unsigned(type));
      return false;
    }
  }
  return true;
}

bool formatIntSpec(int64_t v, const FormatSpec &f, const char *typeName, std::string &out) {
  switch (f.type) {
  case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n': case 0: break;
  case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
    return formatFloatSpec(double(v), f, typeName, out);
  default:
    unknownPresentationType(f.type, typeName);
    return false;
  }
  if (f.precision != -1) {
    raise(T.ValueError, "Precision not allowed in integer format specifier");
    return false;
  }
  if (f.noNeg0) {
    raise(T.ValueError, "Negative zero coercion (z) not allowed in integer format specifier");
    return false;
  }
  if (f.type == 'c') {
    if (f.sign) {
      raise(T.ValueError, "Sign not allowed with integer format specifier 'c'");
      return false;
    }
    if (f.alternate) {
      raise(T.ValueError, "Alternate form (#) not allowed with integer format specifier 'c'");
      return false;
    }
    if (v < 0 || v > 0x10ffff) {
      raise(T.OverflowError, "%c arg not in range(0x110000)");
      return false;
    }
    std::string ch;
    appendUtf8(ch, uint32_t(v));
    fillNumber(out, f, f.align, false, "", "", ch, 1);
    return true;
  }
  int base = 10;
  const char *prefix = "";
  switch (f.type) {
  case 'b': base = 2; prefix = "0b"; break;
  case 'o': base = 8; prefix = "0o"; break;
  case 'x': base = 16; prefix = "0x"; break;
  case 'X': base = 16; prefix = "0X"; break;
  default: break;
  }
  bool negative = v < 0;
  uint64_t mag = negative ? uint64_t(0) - uint64_t(v) : uint64_t(v);
  char buf[72];
  char *end = buf + sizeof buf, *p = end;
  const char *digitChars = f.type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    *--p = digitChars[mag % unsigned(base)];
    mag /= unsigned(base);
  } while (mag);
  fillNumber(out, f, f.align, negative, f.alternate ? std::string_view(prefix) : "",
             std::string_view(p, size_t(end - p)), "", 0);
  return true;
}

bool formatFloatSpec(double v, const FormatSpec &f, const char *typeName, std::string &out) {
  char type = 0;
  switch (f.type) {
  case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%': case 'n': case 0:
    type = char(f.type);
    break;
  default:
    unknownPresentationType(f.type, typeName);
    return false;
  }
  if (f.precision > INT_MAX) {
    raise(T.ValueError, "precision too big");
    return false;
  }
  int precision = int(f.precision);
  bool addDot0 = false;
  int defaultPrecision = 6;
  if (type == 0) {
    // No type: repr() when no precision is given, else 'g' that keeps at
    // least one digit after the point.
    addDot0 = true;
    type = 'r';
    defaultPrecision = 0;
  }
  if (type == 'n') type = 'g';
  bool addPct = false;
  if (type == '%') {
    type = 'f';
    v *= 100;
    addPct = true;
  }
  if (precision < 0)
    precision = defaultPrecision;
  else if (type == 'r')
    type = 'g';
  std::string num = doubleToString(v, type, precision, addDot0, f.alternate, f.noNeg0);
  if (addPct) num.push_back('%');
  bool negative = !num.empty() && num[0] == '-';
  std::string_view body(num);
  if (negative) body.remove_prefix(1);
  size_t nd = 0;
  while (nd < body.size() && body[nd] >= '0' && body[nd] <= '9') ++nd;
  fillNumber(out, f, f.align, negative, "", body.substr(0, nd), body.substr(nd),
             int64_t(body.size() - nd));
  return true;
}

bool formatStrSpec(std::string_view s, const FormatSpec &f, const char *typeName,
                   std::string &out) {
  if (f.type != 0 && f.type != 's') {
    unknownPresentationType(f.type, typeName);
    return false;
  }
  if (f.sign) {
    raise(T.ValueError, f.sign == ' ' ? "Space not allowed in string format specifier"
                                      : "Sign not allowed in string format specifier");
    return false;
  }
  if (f.noNeg0) {
    raise(T.ValueError, "Negative zero coercion (z) not allowed in string format specifier");
    return false;
  }
  if (f.alternate) {
    raise(T.ValueError, "Alternate form (#) not allowed in string format specifier");
    return false;
  }
  if (f.align == '=') {
    raise(T.ValueError, "'=' alignment not allowed in string format specifier");
    return false;
  }
  int64_t len = countCodePoints(s);
  if (f.precision >= 0 && len > f.precision) {
    size_t i = 0;
    for (int64_t k = 0; k < f.precision; ++k) decodeUtf8(s, i);
    s = s.substr(0, i);
    len = f.precision;
  }
  int64_t total = f.width > len ? f.width : len;
  int64_t lpad = 0;
  if (f.align == '>')
    lpad = total - len;
  else if (f.align == '^')
    lpad = (total - len) / 2;
  int64_t rpad = total - len - lpad;
  appendFill(out, f.fill, lpad);
  out.append(s);
  appendFill(out, f.fill, rpad);
  return true;
}

} // namespace weft::rt
