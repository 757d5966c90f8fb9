// Hashlib.cpp: the native `hashlib` module's md5, sha1 and sha256 (and
// hashlib.new with those names): objects with update, digest, hexdigest,
// copy, name, digest_size and block_size, as CPython's. The three digests
// are written out here from their specifications (RFC 1321, FIPS 180-4)
// rather than taken from a library: nothing in Debian's base set that the
// project already depends on provides them.
#include "core/Text.h"
#include "task/Errors.h"

#include <cstring>

namespace weft::rt {

namespace {

enum class Algo : uint8_t { Md5, Sha1, Sha256 };

struct HashObj {
  WObj hdr;
  Algo algo;
  uint32_t h[8];
  uint64_t length;      ///< bytes hashed so far
  unsigned char buf[64];
  uint32_t used;        ///< bytes waiting in buf
};

WTypeObj *hashType;

inline uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void md5Block(uint32_t *h, const unsigned char *p) {
  static const uint32_t K[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
      0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
      0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
      0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
      0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
      0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
      0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
  static const int S[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9,  14, 20, 5, 9,
                            14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                            4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  uint32_t m[16];
  for (int i = 0; i < 16; i++)
    m[i] = uint32_t(p[4 * i]) | uint32_t(p[4 * i + 1]) << 8 | uint32_t(p[4 * i + 2]) << 16 | uint32_t(p[4 * i + 3]) << 24;
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
  for (int i = 0; i < 64; i++) {
    uint32_t f;
    int g;
    if (i < 16) f = (b & c) | (~b & d), g = i;
    else if (i < 32) f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
    else if (i < 48) f = b ^ c ^ d, g = (3 * i + 5) % 16;
    else f = c ^ (b | ~d), g = (7 * i) % 16;
    uint32_t tmp = d;
    d = c;
    c = b;
    b = b + rotl(a + f + K[i] + m[g], S[i]);
    a = tmp;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d;
}

void sha1Block(uint32_t *h, const unsigned char *p) {
  uint32_t w[80];
  for (int i = 0; i < 16; i++)
    w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 | uint32_t(p[4 * i + 3]);
  for (int i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20) f = (b & c) | (~b & d), k = 0x5A827999;
    else if (i < 40) f = b ^ c ^ d, k = 0x6ED9EBA1;
    else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
    else f = b ^ c ^ d, k = 0xCA62C1D6;
    uint32_t t = rotl(a, 5) + f + e + k + w[i];
    e = d, d = c, c = rotl(b, 30), b = a, a = t;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

void sha256Block(uint32_t *h, const unsigned char *p) {
  static const uint32_t K[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 | uint32_t(p[4 * i + 3]);
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    uint32_t ch = (e & f) ^ (~e & g);
    uint32_t t1 = hh + S1 + ch + K[i] + w[i];
    uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    uint32_t t2 = S0 + maj;
    hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void block(HashObj *o, const unsigned char *p) {
  switch (o->algo) {
  case Algo::Md5: md5Block(o->h, p); break;
  case Algo::Sha1: sha1Block(o->h, p); break;
  case Algo::Sha256: sha256Block(o->h, p); break;
  }
}

void feed(HashObj *o, const char *data, size_t n) {
  auto *p = reinterpret_cast<const unsigned char *>(data);
  o->length += n;
  while (n > 0) {
    size_t take = std::min<size_t>(n, 64 - o->used);
    std::memcpy(o->buf + o->used, p, take);
    o->used += uint32_t(take);
    p += take;
    n -= take;
    if (o->used == 64) {
      block(o, o->buf);
      o->used = 0;
    }
  }
}

/// The digest of what was fed so far (the object itself is not changed).
std::string finish(const HashObj *src) {
  HashObj o = *src;
  uint64_t bits = o.length * 8;
  unsigned char pad[72] = {0x80};
  size_t padLen = (o.used < 56 ? 56 : 120) - o.used;
  unsigned char lenBytes[8];
  for (int i = 0; i < 8; i++)
    lenBytes[i] = o.algo == Algo::Md5 ? uint8_t(bits >> (8 * i)) : uint8_t(bits >> (56 - 8 * i));
  feed(&o, reinterpret_cast<const char *>(pad), padLen);
  feed(&o, reinterpret_cast<const char *>(lenBytes), 8);
  int words = o.algo == Algo::Md5 ? 4 : o.algo == Algo::Sha1 ? 5 : 8;
  std::string out;
  for (int i = 0; i < words; i++)
    for (int k = 0; k < 4; k++)
      out += char(o.algo == Algo::Md5 ? uint8_t(o.h[i] >> (8 * k)) : uint8_t(o.h[i] >> (24 - 8 * k)));
  return out;
}

HashObj *self(WValue v) { return reinterpret_cast<HashObj *>(v.o); }

const char *algoName(Algo a) { return a == Algo::Md5 ? "md5" : a == Algo::Sha1 ? "sha1" : "sha256"; }

bool feedValue(HashObj *o, WValue v) {
  if (v.tag == WT_UNBOUND) return true;
  if (isStr(v)) {
    raise(T.TypeError, "Strings must be encoded before hashing");
    return false;
  }
  if (!isKind(v, Kind::Bytes)) {
    raiseTypeError("object supporting the buffer API required");
    return false;
  }
  auto *b = reinterpret_cast<WBytes *>(v.o);
  feed(o, b->data, size_t(b->size));
  return true;
}

WValue newHash(Algo algo, WValue data) {
  auto *o = newObj<HashObj>(hashType);
  o->algo = algo;
  static const uint32_t md5Init[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  static const uint32_t sha1Init[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  static const uint32_t sha256Init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const uint32_t *init = algo == Algo::Md5 ? md5Init : algo == Algo::Sha1 ? sha1Init : sha256Init;
  std::memcpy(o->h, init, sizeof(uint32_t) * (algo == Algo::Md5 ? 4 : algo == Algo::Sha1 ? 5 : 8));
  if (!feedValue(o, data)) return wrt_errv();
  return wrt_obj(&o->hdr);
}

WValue md5Impl(WNativeFunc *, WValue *a) { return newHash(Algo::Md5, a[0]); }
WValue sha1Impl(WNativeFunc *, WValue *a) { return newHash(Algo::Sha1, a[0]); }
WValue sha256Impl(WNativeFunc *, WValue *a) { return newHash(Algo::Sha256, a[0]); }

WValue newImpl(WNativeFunc *, WValue *a) {
  if (!isStr(a[0])) return raiseTypeError("new() argument 'name' must be str, not %s", typeName(a[0]));
  std::string name(strView(a[0]));
  for (char &c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (name == "md5") return newHash(Algo::Md5, a[1]);
  if (name == "sha1") return newHash(Algo::Sha1, a[1]);
  if (name == "sha256") return newHash(Algo::Sha256, a[1]);
  return raiseFormat(T.ValueError, "unsupported hash type %s", std::string(strView(a[0])).c_str());
}

WValue hUpdate(WNativeFunc *, WValue *a) { return feedValue(self(a[0]), a[1]) ? wrt_none() : wrt_errv(); }
WValue hDigest(WNativeFunc *, WValue *a) { return newBytes(finish(self(a[0]))); }
WValue hHexdigest(WNativeFunc *, WValue *a) { return makeStr(hexEncode(finish(self(a[0])))); }
WValue hCopy(WNativeFunc *, WValue *a) {
  auto *o = newObj<HashObj>(hashType);
  std::memcpy(reinterpret_cast<char *>(o) + sizeof(WObj), reinterpret_cast<char *>(self(a[0])) + sizeof(WObj),
              sizeof(HashObj) - sizeof(WObj));
  return wrt_obj(&o->hdr);
}
WValue hName(WNativeFunc *, WValue *a) { return makeStr(algoName(self(a[0])->algo)); }
WValue hDigestSize(WNativeFunc *, WValue *a) {
  Algo al = self(a[0])->algo;
  return wrt_int(al == Algo::Md5 ? 16 : al == Algo::Sha1 ? 20 : 32);
}
WValue hBlockSize(WNativeFunc *, WValue *) { return wrt_int(64); }
WValue hRepr(WNativeFunc *, WValue *a) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "<%s _hashlib.HASH object @ %p>", algoName(self(a[0])->algo), static_cast<void *>(a[0].o));
  return makeStr(buf);
}

WValue initHashlib() {
  hashType = newType("HASH", T.object, Kind::Other, "_hashlib");
  hashType->instanceSize = sizeof(HashObj);
  addMethod(hashType, "update", hUpdate, "self, obj, /");
  addMethod(hashType, "digest", hDigest, "self, /");
  addMethod(hashType, "hexdigest", hHexdigest, "self, /");
  addMethod(hashType, "copy", hCopy, "self, /");
  addMethod(hashType, "__repr__", hRepr, "self, /");
  typeSetAttr(hashType, "name", newReadOnlyProperty("name", hName));
  typeSetAttr(hashType, "digest_size", newReadOnlyProperty("digest_size", hDigestSize));
  typeSetAttr(hashType, "block_size", newReadOnlyProperty("block_size", hBlockSize));
  WValue m = newModule("hashlib");
  moduleSet(m, "md5", makeNative("md5", md5Impl, "string=?, *, usedforsecurity=True"));
  moduleSet(m, "sha1", makeNative("sha1", sha1Impl, "string=?, *, usedforsecurity=True"));
  moduleSet(m, "sha256", makeNative("sha256", sha256Impl, "string=?, *, usedforsecurity=True"));
  moduleSet(m, "new", makeNative("new", newImpl, "name, data=?, **kwargs"));
  WValue avail = newSet();
  for (const char *n : {"md5", "sha1", "sha256"}) setAdd(reinterpret_cast<WSet *>(avail.o), makeStr(n));
  moduleSet(m, "algorithms_available", avail);
  moduleSet(m, "algorithms_guaranteed", avail);
  return m;
}

} // namespace

void initHashlibModule() { registerModule("hashlib", initHashlib); }

} // namespace weft::rt
