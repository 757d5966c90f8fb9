// Base64.cpp: the native `base64` module's RFC 4648 codecs: b64encode and
// b64decode (altchars, validate), their standard_ and urlsafe_ forms, and
// b16 encode and decode; and `binascii` with hexlify/unhexlify. Decoding errors raise binascii.Error (a
// ValueError) with CPython's messages. Inputs are bytes, or ASCII str where
// CPython accepts it (the decoders).
#include "core/Text.h"
#include "task/Errors.h"

#include <cstring>

namespace weft::rt {

namespace {

WTypeObj *binasciiError;

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

WValue err(const std::string &msg) { return restoreError(newExceptionMsg(binasciiError, msg).o); }

/// The bytes of a bytes argument, or of an ASCII str when [strOk].
bool bytesArg(WValue v, bool strOk, std::string &out) {
  if (isKind(v, Kind::Bytes)) {
    auto *b = reinterpret_cast<WBytes *>(v.o);
    out.assign(b->data, size_t(b->size));
    return true;
  }
  if (strOk && isStr(v)) {
    if (!asStr(v)->ascii) {
      raise(T.ValueError, "string argument should contain only ASCII characters");
      return false;
    }
    out = std::string(strView(v));
    return true;
  }
  raiseTypeError(strOk ? "argument should be a bytes-like object or ASCII string, not '%s'"
                       : "a bytes-like object is required, not '%s'",
                 typeName(v));
  return false;
}

/// altchars: two bytes replacing '+' and '/'; "" for none.
bool altArg(WValue v, std::string &alt) {
  alt.clear();
  if (v.tag == WT_NONE || v.tag == WT_UNBOUND) return true;
  if (!bytesArg(v, true, alt)) return false;
  if (alt.size() != 2) {
    raise(T.ValueError, "invalid altchars");  // CPython asserts; a ValueError is kinder
    return false;
  }
  return true;
}

std::string encode64(const std::string &in, const std::string &alt) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  auto ch = [&](uint32_t x) {
    char c = kB64[x & 63];
    if (!alt.empty() && c == '+') c = alt[0];
    if (!alt.empty() && c == '/') c = alt[1];
    out += c;
  };
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8 | uint8_t(in[i + 2]);
    ch(n >> 18), ch(n >> 12), ch(n >> 6), ch(n);
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    ch(n >> 18), ch(n >> 12);
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16 | uint32_t(uint8_t(in[i + 1])) << 8;
    ch(n >> 18), ch(n >> 12), ch(n >> 6);
    out += '=';
  }
  return out;
}

int b64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/// binascii.a2b_base64 as CPython 3.11 runs it: characters outside the
/// alphabet are skipped unless [strict]; a complete pad sequence ends the
/// input; a group left unfinished is an error.
WValue decode64(std::string in, const std::string &alt, bool strict) {
  if (!alt.empty()) {
    for (char &c : in) {
      if (c == alt[0]) c = '+';
      else if (c == alt[1]) c = '/';
    }
  }
  if (strict && !in.empty() && in[0] == '=') return err("Leading padding not allowed");
  std::string out;
  int quad = 0, pads = 0;
  uint32_t left = 0;
  bool padStarted = false;
  for (size_t i = 0; i < in.size(); i++) {
    char c = in[i];
    if (c == '=') {
      padStarted = true;
      if (quad >= 2 && quad + ++pads >= 4) {
        if (strict && i + 1 < in.size()) return err("Excess data after padding");
        quad = 0;  // a complete group: the rest of the input is not parsed
        break;
      }
      continue;
    }
    int v = b64Value(c);
    if (v < 0) {
      if (strict) return err("Only base64 data is allowed");
      continue;
    }
    if (strict && padStarted) return err("Discontinuous padding not allowed");
    pads = 0;
    switch (quad) {
    case 0: quad = 1; left = uint32_t(v); break;
    case 1: quad = 2; out += char((left << 2) | (uint32_t(v) >> 4)); left = uint32_t(v) & 0xF; break;
    case 2: quad = 3; out += char((left << 4) | (uint32_t(v) >> 2)); left = uint32_t(v) & 0x3; break;
    default: quad = 0; out += char((left << 6) | uint32_t(v)); left = 0; break;
    }
  }
  if (quad == 1)
    return err("Invalid base64-encoded string: number of data characters (" + std::to_string(out.size() / 3 * 4 + 1) +
               ") cannot be 1 more than a multiple of 4");
  if (quad != 0) return err("Incorrect padding");
  return newBytes(out);
}

WValue b64encodeImpl(WNativeFunc *, WValue *a) {
  std::string in, alt;
  if (!bytesArg(a[0], false, in) || !altArg(a[1], alt)) return wrt_errv();
  return newBytes(encode64(in, alt));
}

WValue b64decodeImpl(WNativeFunc *, WValue *a) {
  std::string in, alt;
  if (!bytesArg(a[0], true, in) || !altArg(a[1], alt)) return wrt_errv();
  int strict = a[2].tag == WT_UNBOUND ? 0 : truthy(a[2]);
  if (strict < 0) return wrt_errv();
  return decode64(in, alt, strict == 1);
}

WValue urlsafeEncodeImpl(WNativeFunc *, WValue *a) {
  std::string in;
  if (!bytesArg(a[0], false, in)) return wrt_errv();
  return newBytes(encode64(in, "-_"));
}

WValue urlsafeDecodeImpl(WNativeFunc *, WValue *a) {
  std::string in;
  if (!bytesArg(a[0], true, in)) return wrt_errv();
  return decode64(in, "-_", false);
}

WValue b16encodeImpl(WNativeFunc *, WValue *a) {
  std::string in;
  if (!bytesArg(a[0], false, in)) return wrt_errv();
  return newBytes(hexEncode(in, true));
}

WValue hexlifyImpl(WNativeFunc *, WValue *a) {
  std::string in;
  if (!bytesArg(a[0], false, in)) return wrt_errv();
  return newBytes(hexEncode(in));
}

WValue unhexlifyImpl(WNativeFunc *, WValue *a) {
  std::string in;
  if (!bytesArg(a[0], true, in)) return wrt_errv();
  if (in.size() % 2) return err("Odd-length string");
  std::string out;
  for (size_t i = 0; i < in.size(); i += 2) {
    int hi = hexDigitValue(in[i]), lo = hexDigitValue(in[i + 1]);
    if (hi < 0 || lo < 0) return err("Non-hexadecimal digit found");
    out += char(hi * 16 + lo);
  }
  return newBytes(out);
}

WValue b16decodeImpl(WNativeFunc *, WValue *a) {
  std::string in;
  if (!bytesArg(a[0], true, in)) return wrt_errv();
  int casefold = a[1].tag == WT_UNBOUND ? 0 : truthy(a[1]);
  if (casefold < 0) return wrt_errv();
  // Lower-case digits count only with casefold, as in RFC 4648's base16.
  auto val = [&](char c) { return c >= 'a' && c <= 'f' && !casefold ? -1 : hexDigitValue(c); };
  for (char c : in)
    if (val(c) < 0) return err("Non-base16 digit found");
  if (in.size() % 2) return err("Odd-length string");
  std::string out;
  for (size_t i = 0; i < in.size(); i += 2) out += char(val(in[i]) * 16 + val(in[i + 1]));
  return newBytes(out);
}

void makeErrorType() {
  if (binasciiError) return;
  binasciiError = newType("Error", T.ValueError, Kind::Exception, "binascii");
  binasciiError->flags |= TYPE_EXCEPTION;
}

/// binascii: its Error (shared with base64) and hexlify/unhexlify.
WValue initBinascii() {
  makeErrorType();
  WValue m = newModule("binascii");
  moduleSet(m, "Error", wrt_obj(binasciiError));
  moduleSet(m, "hexlify", makeNative("hexlify", hexlifyImpl, "data, /"));
  moduleSet(m, "b2a_hex", makeNative("b2a_hex", hexlifyImpl, "data, /"));
  moduleSet(m, "unhexlify", makeNative("unhexlify", unhexlifyImpl, "hexstr, /"));
  moduleSet(m, "a2b_hex", makeNative("a2b_hex", unhexlifyImpl, "hexstr, /"));
  return m;
}

WValue initBase64() {
  makeErrorType();
  WValue m = newModule("base64");
  moduleSet(m, "b64encode", makeNative("b64encode", b64encodeImpl, "s, altchars=None"));
  moduleSet(m, "b64decode", makeNative("b64decode", b64decodeImpl, "s, altchars=None, validate=False"));
  moduleSet(m, "standard_b64encode", makeNative("standard_b64encode", b64encodeImpl, "s, altchars=None"));
  moduleSet(m, "standard_b64decode", makeNative("standard_b64decode", b64decodeImpl, "s, altchars=None, validate=False"));
  moduleSet(m, "urlsafe_b64encode", makeNative("urlsafe_b64encode", urlsafeEncodeImpl, "s"));
  moduleSet(m, "urlsafe_b64decode", makeNative("urlsafe_b64decode", urlsafeDecodeImpl, "s"));
  moduleSet(m, "b16encode", makeNative("b16encode", b16encodeImpl, "s"));
  moduleSet(m, "b16decode", makeNative("b16decode", b16decodeImpl, "s, casefold=False"));
  moduleSet(m, "Error", wrt_obj(binasciiError));
  return m;
}

} // namespace

void initBase64Module() {
  registerModule("base64", initBase64);
  registerModule("binascii", initBinascii);
}

} // namespace weft::rt
