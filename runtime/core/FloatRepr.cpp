// FloatRepr.cpp: float to text exactly as CPython does it: repr(float) (the
// shortest digits that round-trip) and PyOS_double_to_string's e/f/g modes
// used by format specs and %-formatting. Digits come from std::to_chars
// (shortest) or glibc's snprintf (correctly rounded, half-even on the exact
// binary value, like David Gay's dtoa that CPython uses); the layout of those
// digits follows format_float_short in CPython's Python/pystrtod.c.
#include "core/Text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace weft::rt {

namespace {

/// Significant digits without trailing zeros (at least one digit) and the
/// decimal point position: value = 0.DIGITS * 10^decpt.
struct Digits {
  std::string digits;
  int decpt = 0;
};

/// Splits "d.ddde+XX" (to_chars / printf %e output of a non-negative finite
/// value) into digits and decpt.
Digits splitScientific(const char *p, const char *end) {
  Digits d;
  const char *e = p;
  while (e < end && *e != 'e') ++e;
  for (const char *q = p; q < e; ++q)
    if (*q != '.') d.digits.push_back(*q);
  int exp = 0;
  if (e < end) std::from_chars(e + 1 + (e[1] == '+'), end, exp);
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  if (d.digits == "0") exp = 0; // zero: dtoa gives "0" with decpt 1
  d.decpt = exp + 1;
  return d;
}

Digits shortestDigits(double a) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific);
  return splitScientific(buf, r.ptr);
}

Digits roundedDigits(double a, int ndigits) {
  std::string buf(ndigits + 32, '\0');
  int n = std::snprintf(buf.data(), buf.size(), "%.*e", ndigits - 1, a);
  return splitScientific(buf.data(), buf.data() + n);
}

/// format_float_short's layout for the 'g' and 'r' modes.
void layoutDigits(std::string &out, const Digits &d, char code, int precision, bool addDot0,
                  bool alt, char expChar) {
  int decpt = d.decpt;
  int len = int(d.digits.size());
  int vend = len;
  bool useExp = false;
  if (code == 'g') {
    if (decpt <= -4 || decpt > (addDot0 ? precision - 1 : precision)) useExp = true;
    if (alt) vend = precision;
  } else { // 'r': exponent form from 1e16 on
    if (decpt <= -4 || decpt > 16) useExp = true;
  }
  int exp = 0;
  if (useExp) {
    exp = decpt - 1;
    decpt = 1;
  }
  int vstart = decpt <= 0 ? decpt - 1 : 0;
  if (!useExp && addDot0)
    vend = vend > decpt ? vend : decpt + 1;
  else
    vend = vend > decpt ? vend : decpt;

  size_t start = out.size();
  if (decpt <= 0) {
    out.append(size_t(decpt - vstart), '0');
    out.push_back('.');
    out.append(size_t(-decpt), '0');
  } else {
    out.append(size_t(-vstart), '0');
  }
  if (0 < decpt && decpt <= len) {
    out.append(d.digits, 0, size_t(decpt));
    out.push_back('.');
    out.append(d.digits, size_t(decpt), std::string::npos);
  } else {
    out.append(d.digits);
  }
  if (len < decpt) {
    out.append(size_t(decpt - len), '0');
    out.push_back('.');
    out.append(size_t(vend - decpt), '0');
  } else {
    out.append(size_t(vend - len), '0');
  }
  if (out.size() > start && out.back() == '.' && !alt) out.pop_back();
  if (useExp) {
    char eb[16];
    int n = std::snprintf(eb, sizeof eb, "%c%+.02d", expChar, exp);
    out.append(eb, size_t(n));
  }
}

/// True when the mantissa of a formatted number is all zeros ("0.000",
/// "0e+00"), for the 'z' option.
bool mantissaIsZero(std::string_view s) {
  for (char c : s) {
    if (c == 'e' || c == 'E' || c == '%') break;
    if (c != '0' && c != '.') return false;
  }
  return true;
}

const double kPow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/// '%.{p}f' of a non-negative [a] with a * 10^p < 2^52, without printf's
/// multi-precision path. a * 10^p is split exactly into hi + lo (fma), so
/// rounding half-even on the exact binary value is decided correctly: the
/// only doubtful case is hi landing on a .5 tie, where lo breaks it.
void appendFixedFast(std::string &out, double a, int p) {
  double P = kPow10[p];
  double hi = a * P;
  double lo = std::fma(a, P, -hi);
  double r = std::nearbyint(hi);
  double fl = std::floor(hi);
  if (hi - fl == 0.5 && lo != 0.0) r = lo > 0 ? fl + 1.0 : fl;
  uint64_t n = uint64_t(r);
  char buf[48];
  char *end = buf + sizeof buf, *q = end;
  int digits = 0;
  do {
    *--q = char('0' + n % 10);
    n /= 10;
    ++digits;
  } while (n);
  // At least one digit before the point: pad with zeros to p + 1 digits.
  while (digits < p + 1) {
    *--q = '0';
    ++digits;
  }
  size_t intLen = size_t(digits - p);
  out.append(q, intLen);
  if (p > 0) {
    out.push_back('.');
    out.append(q + intLen, size_t(p));
  }
}

} // namespace

std::string doubleToString(double v, char type, int precision, bool addDot0, bool alt,
                           bool noNeg0) {
  std::string out;
  bool upper = type == 'E' || type == 'F' || type == 'G';
  char code = char(upper ? type + ('a' - 'A') : type);
  if (std::isnan(v)) return upper ? "NAN" : "nan"; // CPython never signs a nan
  bool neg = std::signbit(v);
  if (neg) out.push_back('-');
  double a = std::fabs(v);
  if (std::isinf(a)) {
    out += upper ? "INF" : "inf";
    return out;
  }
  if (code == 'f' && precision <= 22 && a < 4503599627370496.0 / kPow10[precision] &&
      !(alt && precision == 0)) {
    appendFixedFast(out, a, precision);
  } else if (code == 'f' || code == 'e') {
    // glibc's printf is correctly rounded; its layout for these two modes is
    // CPython's, '#' included ("1.e+00", "3.").
    char fmtbuf[8] = {'%', '.', '*', 'f', 0};
    if (alt) std::memcpy(fmtbuf, "%#.*f", 6);
    fmtbuf[std::strlen(fmtbuf) - 1] = code;
    int n = std::snprintf(nullptr, 0, fmtbuf, precision, a);
    size_t at = out.size();
    out.resize(at + size_t(n) + 1);
    std::snprintf(out.data() + at, size_t(n) + 1, fmtbuf, precision, a);
    out.resize(at + size_t(n));
  } else if (code == 'g') {
    if (precision == 0) precision = 1;
    layoutDigits(out, roundedDigits(a, precision), 'g', precision, addDot0, alt, 'e');
  } else { // 'r'
    layoutDigits(out, shortestDigits(a), 'r', 0, addDot0, alt, 'e');
  }
  if (upper)
    for (char &c : out)
      if (c == 'e') c = 'E';
  if (neg && noNeg0 && mantissaIsZero(std::string_view(out).substr(1))) out.erase(0, 1);
  return out;
}

std::string floatRepr(double v) { return doubleToString(v, 'r', 0, true, false); }

} // namespace weft::rt
