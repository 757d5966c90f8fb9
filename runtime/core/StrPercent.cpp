// StrPercent.cpp: printf-style formatting, `"%d items" % n`, as CPython's
// PyUnicode_Format does it: flags -+ #0, width and precision (or *),
// %(name)s keys with a mapping, conversions d i u o x X e E f F g G c s r a %,
// and the same TypeError/ValueError messages. rt-core's binop calls
// strPercentFormat for str % anything.
#include "core/Text.h"

#include <cmath>
#include <cstdio>

namespace weft::rt {

namespace {

struct PctArgs {
  WValue *items = nullptr;
  int64_t n = 0;
  int64_t next = 0;
  WValue mapping = wrt_unbound();
  bool tuple = false;
};

bool nextArg(PctArgs &a, WValue &out) {
  if (a.next >= a.n) {
    raise(T.TypeError, "not enough arguments for format string");
    return false;
  }
  out = a.items[a.next++];
  return true;
}

/// Pads [body] (sign and prefix already in [lead]) to [width].
void emitPadded(std::string &out, std::string_view lead, std::string_view body, int64_t width,
                bool left, bool zero) {
  int64_t len = int64_t(countCodePoints(lead) + countCodePoints(body));
  int64_t padn = width > len ? width - len : 0;
  if (left) {
    out.append(lead);
    out.append(body);
    out.append(size_t(padn), ' ');
  } else if (zero) {
    out.append(lead);
    out.append(size_t(padn), '0');
    out.append(body);
  } else {
    out.append(size_t(padn), ' ');
    out.append(lead);
    out.append(body);
  }
}

bool formatIntPct(std::string &out, WValue v, char conv, char flagSign, bool alt, bool left,
                  bool zero, int64_t width, int64_t prec) {
  int64_t x;
  if (v.tag == WT_INT || v.tag == WT_BOOL) {
    x = v.i;
  } else if (v.tag == WT_FLOAT && (conv == 'd' || conv == 'i' || conv == 'u')) {
    if (std::isnan(v.f)) {
      raise(T.ValueError, "cannot convert float NaN to integer");
      return false;
    }
    if (std::isinf(v.f)) {
      raise(T.OverflowError, "cannot convert float infinity to integer");
      return false;
    }
    x = int64_t(v.f);
  } else {
    if (conv == 'd' || conv == 'i' || conv == 'u')
      raiseFormat(T.TypeError, "%%%c format: a real number is required, not %s", conv,
                  typeName(v));
    else
      raiseFormat(T.TypeError, "%%%c format: an integer is required, not %s", conv, typeName(v));
    return false;
  }
  bool neg = x < 0;
  uint64_t mag = neg ? uint64_t(0) - uint64_t(x) : uint64_t(x);
  int base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
  const char *dig = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  char buf[72];
  char *e = buf + sizeof buf, *p = e;
  do {
    *--p = dig[mag % unsigned(base)];
    mag /= unsigned(base);
  } while (mag);
  std::string body(p, size_t(e - p));
  if (prec > int64_t(body.size())) body.insert(0, size_t(prec - int64_t(body.size())), '0');
  std::string lead;
  if (neg) lead = "-";
  else if (flagSign) lead.push_back(flagSign);
  if (alt && base != 10) lead += conv == 'o' ? "0o" : conv == 'x' ? "0x" : "0X";
  emitPadded(out, lead, body, width, left, zero);
  return true;
}

bool formatFloatPct(std::string &out, WValue v, char conv, char flagSign, bool alt, bool left,
                    bool zero, int64_t width, int64_t prec) {
  double x;
  if (v.tag == WT_FLOAT) x = v.f;
  else if (v.tag == WT_INT || v.tag == WT_BOOL) x = double(v.i);
  else {
    raiseFormat(T.TypeError, "must be real number, not %s", typeName(v));
    return false;
  }
  if (prec < 0) prec = 6;
  std::string s = doubleToString(x, conv, int(prec), false, alt);
  std::string lead;
  std::string_view body(s);
  if (!body.empty() && body[0] == '-') {
    lead = "-";
    body.remove_prefix(1);
  } else if (flagSign) {
    lead.push_back(flagSign);
  }
  // inf and nan are never zero-padded.
  if (!std::isfinite(x)) zero = false;
  emitPadded(out, lead, body, width, left, zero);
  return true;
}

struct PctFlags {
  char sign;
  bool left, zero, alt;
  int64_t width, prec;
};

/// One conversion of a %-format: appends [arg] formatted by [conv] and the
/// flags. Returns false with an exception pending.
bool convertOne(std::string &out, char conv, WValue arg, const PctFlags &fl, size_t index) {
  const char flagSign = fl.sign;
  const bool left = fl.left, zero = fl.zero, alt = fl.alt;
  const int64_t width = fl.width, prec = fl.prec;
  std::string piece;
  switch (conv) {
  case 's': case 'r': case 'a': {
    if (conv == 's') {
      if (!toStdString(arg, piece)) return false;
    } else if (!toReprString(arg, piece)) {
      return false;
    }
    if (conv == 'a') {
      std::string asc;
      appendAsciiEscaped(asc, piece);
      piece.swap(asc);
    }
    if (prec >= 0 && countCodePoints(piece) > prec) {
      size_t q = 0;
      for (int64_t k = 0; k < prec; ++k) decodeUtf8(piece, q);
      piece.resize(q);
    }
    emitPadded(out, "", piece, width, left, false);
    break;
  }
  case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
    if (!formatIntPct(out, arg, conv, flagSign, alt, left, zero && !left, width, prec))
      return false;
    break;
  case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
    if (!formatFloatPct(out, arg, conv, flagSign, alt, left, zero && !left, width, prec))
      return false;
    break;
  case 'c': {
    std::string ch;
    if (arg.tag == WT_INT || arg.tag == WT_BOOL) {
      if (arg.i < 0 || arg.i > 0x10FFFF) {
        raise(T.OverflowError, "%c arg not in range(0x110000)");
        return false;
      }
      appendUtf8(ch, uint32_t(arg.i));
    } else if (isStr(arg) && asWStr(arg)->length == 1) {
      ch = strView(arg);
    } else {
      raiseFormat(T.TypeError, "%%c requires int or char, not %s", typeName(arg));
      return false;
    }
    emitPadded(out, "", ch, width, left, false);
    break;
  }
  default:
    if (uint8_t(conv) >= 0x20 && uint8_t(conv) < 0x7F)
      raiseFormat(T.ValueError, "unsupported format character '%c' (0x%x) at index %zu", conv,
                  unsigned(uint8_t(conv)), index);
    else
      raiseFormat(T.ValueError, "unsupported format character (0x%x) at index %zu",
                  unsigned(uint8_t(conv)), index);
    return false;
  }
  return true;
}

} // namespace

// One pass over the format, in the order PyUnicode_Format reads a
// conversion spec: %(key), flags, width, .precision, length modifier, type.
// Kept as one function (about 100 lines) so that order stays visible.
WValue strPercentFormat(WValue fmtv, WValue argsv) {
  std::string_view fmt = strView(fmtv);
  PctArgs a;
  if (isKind(argsv, Kind::Tuple)) {
    a.items = asTuple(argsv)->items;
    a.n = asTuple(argsv)->size;
    a.tuple = true;
  } else {
    a.items = &argsv;
    a.n = 1;
    if (isKind(argsv, Kind::Dict) || ((typeOf(argsv)->flags & TYPE_USER) && !isStr(argsv)))
      a.mapping = argsv;
  }
  std::string out;
  out.reserve(fmt.size() + 16);
  size_t i = 0, n = fmt.size();
  bool usedMapping = false;
  while (i < n) {
    size_t j = fmt.find('%', i);
    if (j == std::string_view::npos) {
      out.append(fmt.substr(i));
      break;
    }
    out.append(fmt.substr(i, j - i));
    i = j + 1;
    if (i >= n) return raise(T.ValueError, "incomplete format");
    WValue arg = wrt_unbound();
    bool haveArg = false;
    if (fmt[i] == '(') {
      if (a.mapping.tag == WT_UNBOUND) return raise(T.TypeError, "format requires a mapping");
      int depth = 1;
      size_t k = i + 1;
      while (k < n && depth) {
        if (fmt[k] == '(') ++depth;
        else if (fmt[k] == ')') --depth;
        ++k;
      }
      if (depth) return raise(T.ValueError, "incomplete format key");
      WValue key = makeStr(fmt.substr(i + 1, k - i - 2));
      arg = wrt_getitem(a.mapping, key);
      if (arg.tag == WT_ERR) return arg;
      haveArg = true;
      usedMapping = true;
      i = k;
    }
    char flagSign = 0;
    bool left = false, zero = false, alt = false;
    for (; i < n; ++i) {
      char c = fmt[i];
      if (c == '-') left = true;
      else if (c == '+') flagSign = '+';
      else if (c == ' ') { if (flagSign != '+') flagSign = ' '; }
      else if (c == '#') alt = true;
      else if (c == '0') zero = true;
      else break;
    }
    int64_t width = -1, prec = -1;
    auto readNum = [&](int64_t &dst) -> bool {
      if (i < n && fmt[i] == '*') {
        WValue w;
        if (!nextArg(a, w)) return false;
        if (w.tag != WT_INT && w.tag != WT_BOOL) {
          raise(T.TypeError, "* wants int");
          return false;
        }
        dst = w.i;
        ++i;
        return true;
      }
      if (i < n && fmt[i] >= '0' && fmt[i] <= '9') {
        dst = 0;
        while (i < n && fmt[i] >= '0' && fmt[i] <= '9') {
          int d = fmt[i++] - '0';
          if (dst < (int64_t(1) << 40)) dst = dst * 10 + d; // saturates: rejected below
        }
      }
      return true;
    };
    if (!readNum(width)) return wrt_errv();
    if (width > (int64_t(1) << 32) || width < -(int64_t(1) << 32)) return raise(T.MemoryError, "");
    if (width < -1) {
      left = true;
      width = -width;
    }
    if (i < n && fmt[i] == '.') {
      ++i;
      prec = 0;
      if (!readNum(prec)) return wrt_errv();
      if (prec > (int64_t(1) << 32)) return raise(T.MemoryError, "");
    }
    // Length modifiers are accepted and ignored, as in CPython.
    while (i < n && (fmt[i] == 'h' || fmt[i] == 'l' || fmt[i] == 'L')) ++i;
    if (i >= n) return raise(T.ValueError, "incomplete format");
    char conv = fmt[i++];
    if (conv == '%') {
      out.push_back('%');
      continue;
    }
    if (!haveArg && !nextArg(a, arg)) return wrt_errv();
    PctFlags fl{flagSign, left, zero, alt, width, prec};
    if (!convertOne(out, conv, arg, fl, i - 1)) return wrt_errv();
  }
  if (!usedMapping && a.next < a.n && (a.tuple || a.mapping.tag == WT_UNBOUND))
    return raise(T.TypeError, "not all arguments converted during string formatting");
  return makeStr(out);
}

} // namespace weft::rt
