// Struct.cpp: the native `struct` module: pack, unpack, unpack_from,
// iter_unpack, calcsize and struct.error, with CPython's format language:
// a byte-order prefix (@ native with alignment, = < > ! standard sizes
// without), repeat counts, and the codes x c b B ? h H i I l L q Q n N e f
// d s p. It is how asyncio code frames binary messages
// (`n, = struct.unpack("!I", await reader.readexactly(4))`).
#include "core/Text.h"
#include "task/Errors.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace weft::rt {

namespace {

WTypeObj *structError;

struct Item {
  char code;
  int64_t count;  ///< repeat count; for s and p, the byte length
  int64_t size;   ///< bytes per element
  int64_t offset; ///< where the first element starts
};

struct Layout {
  bool little = true;
  bool native = true;  ///< '@': native sizes and alignment
  std::vector<Item> items;
  int64_t size = 0;
  int64_t values = 0;  ///< how many Python values pack takes
};

int64_t codeSize(char c, bool native) {
  switch (c) {
  case 'x': case 'c': case 'b': case 'B': case '?': case 's': case 'p': return 1;
  case 'h': case 'H': case 'e': return 2;
  case 'i': case 'I': case 'f': return 4;
  case 'l': case 'L': return native ? 8 : 4;
  case 'q': case 'Q': case 'd': return 8;
  case 'n': case 'N': case 'P': return native ? 8 : -1;
  default: return -1;
  }
}

bool parseFormat(WValue fmtValue, Layout &out) {
  std::string_view fmt;
  std::string tmp;
  if (isStr(fmtValue)) {
    fmt = strView(fmtValue);
  } else if (isKind(fmtValue, Kind::Bytes)) {
    auto *b = reinterpret_cast<WBytes *>(fmtValue.o);
    tmp.assign(b->data, size_t(b->size));
    fmt = tmp;
  } else {
    raiseTypeError("Struct() argument 1 must be a str or bytes object, not %s", typeName(fmtValue));
    return false;
  }
  size_t i = 0;
  if (i < fmt.size() && std::strchr("@=<>!", fmt[i])) {
    char order = fmt[i++];
    out.native = order == '@';
    out.little = order == '@' || order == '=' || order == '<';
  }
  int64_t pos = 0;
  while (i < fmt.size()) {
    char c = fmt[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      i++;
      continue;
    }
    int64_t count = 1;
    if (c >= '0' && c <= '9') {
      count = 0;
      while (i < fmt.size() && fmt[i] >= '0' && fmt[i] <= '9') count = count * 10 + (fmt[i++] - '0');
      if (i >= fmt.size()) {
        restoreError(newExceptionMsg(structError, "repeat count given without format specifier").o);
        return false;
      }
      c = fmt[i];
    }
    i++;
    int64_t size = codeSize(c, out.native);
    if (size < 0) {
      restoreError(newExceptionMsg(structError, "bad char in struct format").o);
      return false;
    }
    if (out.native && c != 's' && c != 'p' && c != 'x' && size > 1) pos = (pos + size - 1) / size * size;
    Item it{c, count, size, pos};
    if (c == 's' || c == 'p') {
      it.size = count;  // one value of `count` bytes
      pos += count;
      out.values += 1;
    } else {
      pos += size * count;
      if (c != 'x') out.values += count;
    }
    out.items.push_back(it);
  }
  out.size = pos;
  return true;
}

WValue structErr(const std::string &msg) { return restoreError(newExceptionMsg(structError, msg).o); }

void putInt(char *p, uint64_t v, int64_t size, bool little) {
  for (int64_t k = 0; k < size; k++) {
    int64_t idx = little ? k : size - 1 - k;
    p[idx] = char((v >> (8 * k)) & 0xFF);
  }
}

uint64_t getInt(const char *p, int64_t size, bool little) {
  uint64_t v = 0;
  for (int64_t k = 0; k < size; k++) {
    int64_t idx = little ? k : size - 1 - k;
    v |= uint64_t(static_cast<unsigned char>(p[idx])) << (8 * k);
  }
  return v;
}

bool isSigned(char c) { return c == 'b' || c == 'h' || c == 'i' || c == 'l' || c == 'q' || c == 'n'; }

uint16_t toHalf(double d) {
  // IEEE 754 binary16, rounding to nearest even, as CPython's PyFloat_Pack2.
  float f = float(d);
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000;
  int32_t exp = int32_t((x >> 23) & 0xFF) - 127 + 15;
  uint32_t mant = x & 0x7FFFFF;
  if (std::isnan(d)) return uint16_t(sign | 0x7E00);
  if (exp >= 31) return uint16_t(sign | 0x7C00);
  if (exp <= 0) {
    if (exp < -10) return uint16_t(sign);
    mant |= 0x800000;
    uint32_t shift = uint32_t(14 - exp);
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) half++;
    return uint16_t(sign | half);
  }
  uint32_t half = (uint32_t(exp) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1FFF;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) half++;
  return uint16_t(sign | half);
}

double fromHalf(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  double v;
  if (exp == 0) v = std::ldexp(mant, -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(mant + 1024, exp - 25);
  return sign ? -v : v;
}

bool packOne(const Layout &L, const Item &it, WValue v, char *p) {
  char c = it.code;
  if (c == 'c') {
    if (!isKind(v, Kind::Bytes) || reinterpret_cast<WBytes *>(v.o)->size != 1) {
      structErr("char format requires a bytes object of length 1");
      return false;
    }
    *p = reinterpret_cast<WBytes *>(v.o)->data[0];
    return true;
  }
  if (c == '?') {
    int t = truthy(v);
    if (t < 0) return false;
    *p = char(t);
    return true;
  }
  if (c == 'e' || c == 'f' || c == 'd') {
    double d;
    if (v.tag == WT_FLOAT) d = v.f;
    else if (isIntLike(v)) d = double(v.i);
    else {
      structErr("required argument is not a float");
      return false;
    }
    if (c == 'd') {
      uint64_t bits;
      std::memcpy(&bits, &d, 8);
      putInt(p, bits, 8, L.little);
    } else if (c == 'f') {
      float f = float(d);
      if (std::isinf(f) && !std::isinf(d)) {
        raise(T.OverflowError, "float too large to pack with f format");
        return false;
      }
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      putInt(p, bits, 4, L.little);
    } else {
      putInt(p, toHalf(d), 2, L.little);
    }
    return true;
  }
  if (!isIntLike(v)) {
    structErr("required argument is not an integer");
    return false;
  }
  int64_t x = v.i;
  int64_t bits = it.size * 8;
  bool sign = isSigned(c);
  int64_t lo = !sign ? 0 : bits == 64 ? INT64_MIN : -(int64_t(1) << (bits - 1));
  uint64_t hi = !sign ? (bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1)
                      : uint64_t(bits == 64 ? INT64_MAX : (int64_t(1) << (bits - 1)) - 1);
  bool inRange = sign ? x >= lo && (x < 0 || uint64_t(x) <= hi) : x >= 0 && uint64_t(x) <= hi;
  if (!inRange) {
    // CPython's messages differ by code and by native/standard mode.
    std::string range = std::to_string(lo) + " <= number <= " + std::to_string(hi);
    if (c == 'b') structErr("byte format requires " + range);
    else if (c == 'B') structErr("ubyte format requires " + range);
    else if (L.native && c == 'h') structErr("short format requires " + range);
    else if (L.native && c == 'H') structErr("ushort format requires " + range);
    else if (!sign && x < 0) structErr(!L.native && bits == 64 ? "int too large to convert" : "argument out of range");
    else structErr(std::string("'") + c + "' format requires " + range);
    return false;
  }
  putInt(p, uint64_t(x), it.size, L.little);
  return true;
}

WValue unpackOne(const Layout &L, const Item &it, const char *p) {
  char c = it.code;
  switch (c) {
  case 'c': return newBytes(std::string_view(p, 1));
  case '?': return wrt_bool(*p != 0);
  case 'd': {
    uint64_t bits = getInt(p, 8, L.little);
    double d;
    std::memcpy(&d, &bits, 8);
    return wrt_float(d);
  }
  case 'f': {
    auto bits = uint32_t(getInt(p, 4, L.little));
    float f;
    std::memcpy(&f, &bits, 4);
    return wrt_float(double(f));
  }
  case 'e': return wrt_float(fromHalf(uint16_t(getInt(p, 2, L.little))));
  default: break;
  }
  uint64_t u = getInt(p, it.size, L.little);
  if (isSigned(c) && it.size < 8 && (u >> (it.size * 8 - 1)) & 1) u |= ~uint64_t(0) << (it.size * 8);
  if (!isSigned(c) && it.size == 8 && u > uint64_t(INT64_MAX))
    return raise(T.OverflowError, "unsigned 64-bit value does not fit a 64-bit Weft int");
  return wrt_int(int64_t(u));
}

WValue packImpl(WNativeFunc *, WValue *a) {
  Layout L;
  if (!parseFormat(a[0], L)) return wrt_errv();
  WTuple *args = asTuple(a[1]);
  if (args->size != L.values)
    return structErr("pack expected " + std::to_string(L.values) + " items for packing (got " +
                     std::to_string(args->size) + ")");
  std::string out(size_t(L.size), '\0');
  int64_t k = 0;
  for (const Item &it : L.items) {
    char *p = out.data() + it.offset;
    if (it.code == 'x') continue;
    if (it.code == 's' || it.code == 'p') {
      WValue v = args->items[k++];
      if (!isKind(v, Kind::Bytes)) return structErr("argument for 's' must be a bytes object");
      auto *b = reinterpret_cast<WBytes *>(v.o);
      int64_t room = it.code == 'p' ? std::max<int64_t>(it.count - 1, 0) : it.count;
      int64_t n = std::min(b->size, room);
      std::memcpy(p + (it.code == 'p' ? 1 : 0), b->data, size_t(n));
      if (it.code == 'p' && it.count > 0) *p = char(std::min<int64_t>(n, 255));
      continue;
    }
    for (int64_t r = 0; r < it.count; r++)
      if (!packOne(L, it, args->items[k++], p + r * it.size)) return wrt_errv();
  }
  return newBytes(out);
}

bool bufferOf(WValue v, std::string_view &out) {
  if (!isKind(v, Kind::Bytes)) {
    raiseTypeError("a bytes-like object is required, not '%s'", typeName(v));
    return false;
  }
  auto *b = reinterpret_cast<WBytes *>(v.o);
  out = std::string_view(b->data, size_t(b->size));
  return true;
}

WValue unpackAt(const Layout &L, std::string_view buf, int64_t offset) {
  WValue t = newTuple(L.values);
  int64_t k = 0;
  for (const Item &it : L.items) {
    const char *p = buf.data() + offset + it.offset;
    if (it.code == 'x') continue;
    if (it.code == 's') {
      asTuple(t)->items[k++] = newBytes(std::string_view(p, size_t(it.count)));
      continue;
    }
    if (it.code == 'p') {
      int64_t n = it.count ? std::min<int64_t>(static_cast<unsigned char>(*p), it.count - 1) : 0;
      asTuple(t)->items[k++] = newBytes(std::string_view(p + 1, size_t(n)));
      continue;
    }
    for (int64_t r = 0; r < it.count; r++) {
      WValue v = unpackOne(L, it, p + r * it.size);
      if (v.tag == WT_ERR) return v;
      asTuple(t)->items[k++] = v;
    }
  }
  return t;
}

WValue unpackImpl(WNativeFunc *, WValue *a) {
  Layout L;
  std::string_view buf;
  if (!parseFormat(a[0], L) || !bufferOf(a[1], buf)) return wrt_errv();
  if (int64_t(buf.size()) != L.size)
    return structErr("unpack requires a buffer of " + std::to_string(L.size) + " bytes");
  return unpackAt(L, buf, 0);
}

WValue unpackFromImpl(WNativeFunc *, WValue *a) {
  Layout L;
  std::string_view buf;
  if (!parseFormat(a[0], L) || !bufferOf(a[1], buf)) return wrt_errv();
  int64_t offset = isIntLike(a[2]) ? a[2].i : 0;
  if (offset < 0) offset += int64_t(buf.size());
  if (offset < 0 || offset + L.size > int64_t(buf.size()))
    return structErr("unpack_from requires a buffer of at least " + std::to_string(L.size + std::max<int64_t>(offset, 0)) +
                     " bytes for unpacking " + std::to_string(L.size) + " bytes at offset " + std::to_string(offset) +
                     " (actual buffer size is " + std::to_string(buf.size()) + ")");
  return unpackAt(L, buf, offset);
}

WValue iterUnpackImpl(WNativeFunc *, WValue *a) {
  Layout L;
  std::string_view buf;
  if (!parseFormat(a[0], L) || !bufferOf(a[1], buf)) return wrt_errv();
  if (L.size == 0) return structErr("cannot iteratively unpack with a struct of length 0");
  if (int64_t(buf.size()) % L.size != 0)
    return structErr("iterative unpacking requires a buffer of a multiple of " + std::to_string(L.size) + " bytes");
  WValue out = newList(0);
  for (int64_t off = 0; off < int64_t(buf.size()); off += L.size) {
    WValue t = unpackAt(L, buf, off);
    if (t.tag == WT_ERR) return t;
    listAppend(asList(out), t);
  }
  return iter(out);
}

WValue calcsizeImpl(WNativeFunc *, WValue *a) {
  Layout L;
  if (!parseFormat(a[0], L)) return wrt_errv();
  return wrt_int(L.size);
}

WValue initStruct() {
  structError = newType("error", T.Exception, Kind::Exception, "struct");
  structError->flags |= TYPE_EXCEPTION;
  WValue m = newModule("struct");
  moduleSet(m, "pack", makeNative("pack", packImpl, "format, /, *v"));
  moduleSet(m, "unpack", makeNative("unpack", unpackImpl, "format, buffer, /"));
  moduleSet(m, "unpack_from", makeNative("unpack_from", unpackFromImpl, "format, /, buffer, offset=0"));
  moduleSet(m, "iter_unpack", makeNative("iter_unpack", iterUnpackImpl, "format, buffer, /"));
  moduleSet(m, "calcsize", makeNative("calcsize", calcsizeImpl, "format, /"));
  moduleSet(m, "error", wrt_obj(structError));
  return m;
}

} // namespace

void initStructModule() { registerModule("struct", initStruct); }

} // namespace weft::rt
