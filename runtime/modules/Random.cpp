// Random.cpp: the native `random` module, bit-for-bit CPython's: MT19937
// seeded by init_by_array over the 32-bit words of abs(seed)
// (Modules/_randommodule.c), random() = genrand_res53, getrandbits, and the
// Python-level algorithms of Lib/random.py 3.11 on top (_randbelow by
// getrandbits(n.bit_length()) with rejection, randrange, shuffle, choice,
// sample, choices, uniform, gauss), so `random.seed(n)` replays CPython's
// sequences; str/bytes seeds go through SHA-512 as CPython's version 2
// does. Unseeded, it is seeded from the kernel's entropy like CPython.
// random.Random(seed) instances carry their own generator state.
#include "core/Text.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <sys/random.h>
#include <new>
#include <unistd.h>
#include <vector>

namespace weft::rt {

namespace {

/// MT19937 state (plain integers: nothing for the collector to see).
struct MT {
  uint32_t state[624];
  int index = 625; // > 624: not seeded yet
  double gaussNext = 0;
  bool hasGaussNext = false;

  void initGenrand(uint32_t s) {
    state[0] = s;
    for (int i = 1; i < 624; i++)
      state[i] = 1812433253u * (state[i - 1] ^ (state[i - 1] >> 30)) + uint32_t(i);
    index = 624;
  }

  void initByArray(const uint32_t *key, size_t keyLength) {
    initGenrand(19650218u);
    size_t i = 1, j = 0;
    size_t k = 624 > keyLength ? 624 : keyLength;
    for (; k; k--) {
      state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) * 1664525u)) + key[j] +
                 uint32_t(j);
      i++;
      j++;
      if (i >= 624) {
        state[0] = state[623];
        i = 1;
      }
      if (j >= keyLength) j = 0;
    }
    for (k = 623; k; k--) {
      state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) * 1566083941u)) - uint32_t(i);
      i++;
      if (i >= 624) {
        state[0] = state[623];
        i = 1;
      }
    }
    state[0] = 0x80000000u;
  }

  uint32_t next32();
};

/// The module's hidden generator, and the one the current call uses: module
/// functions run on `gen`, methods of a random.Random instance on its own
/// state (each entry point sets `cur` and restores it, so nested calls from
/// user code, e.g. a __getitem__ during shuffle, stay correct).
MT gen;
MT *cur = &gen;

void seedFromUrandom(MT &g) {
  uint32_t key[624];
  ssize_t got = getrandom(key, sizeof key, 0);
  if (got != ssize_t(sizeof key)) {
    // No entropy source: time and pid, as CPython's fallback does.
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint32_t k[4] = {uint32_t(ts.tv_sec), uint32_t(ts.tv_nsec), uint32_t(getpid()), 0};
    g.initByArray(k, 4);
    return;
  }
  g.initByArray(key, 624);
}

uint32_t MT::next32() {
  static const uint32_t mag01[2] = {0x0u, 0x9908b0dfu};
  if (index >= 624) {
    if (index == 625) seedFromUrandom(*this);
    int kk;
    uint32_t y;
    for (kk = 0; kk < 624 - 397; kk++) {
      y = (state[kk] & 0x80000000u) | (state[kk + 1] & 0x7fffffffu);
      state[kk] = state[kk + 397] ^ (y >> 1) ^ mag01[y & 1];
    }
    for (; kk < 623; kk++) {
      y = (state[kk] & 0x80000000u) | (state[kk + 1] & 0x7fffffffu);
      state[kk] = state[kk + (397 - 624)] ^ (y >> 1) ^ mag01[y & 1];
    }
    y = (state[623] & 0x80000000u) | (state[0] & 0x7fffffffu);
    state[623] = state[396] ^ (y >> 1) ^ mag01[y & 1];
    index = 0;
  }
  uint32_t y = state[index++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= (y >> 18);
  return y;
}

double random53() {
  uint32_t a = cur->next32() >> 5, b = cur->next32() >> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

/// getrandbits(k) for 0 <= k <= 64: 32-bit words from least significant up.
uint64_t getrandbits(int k) {
  if (k <= 32) return k == 0 ? 0 : cur->next32() >> (32 - k);
  uint64_t lo = cur->next32();
  uint64_t hi = cur->next32() >> (64 - k);
  return lo | (hi << 32);
}

int bitLength(uint64_t n) { return n ? 64 - __builtin_clzll(n) : 0; }

/// Random._randbelow_with_getrandbits: uniform in [0, n) for n > 0.
uint64_t randbelow(uint64_t n) {
  int k = bitLength(n);
  uint64_t r = getrandbits(k);
  while (r >= n) r = getrandbits(k);
  return r;
}

/// SHA-512 (FIPS 180-4), only for seeding from str/bytes as CPython does.
void sha512(const uint8_t *msg, size_t len, uint8_t out[64]) {
  static const uint64_t K[80] = {
      0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
      0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
      0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
      0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
      0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
      0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
      0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
      0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
      0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
      0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
      0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
      0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
      0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
      0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
      0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
      0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
      0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
      0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
      0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
      0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817};
  uint64_t h[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                   0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                   0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
  std::vector<uint8_t> m(msg, msg + len);
  m.push_back(0x80);
  while (m.size() % 128 != 112) m.push_back(0);
  for (int i = 0; i < 8; ++i) m.push_back(0); // high 64 bits of the bit length
  uint64_t bits = uint64_t(len) * 8;
  for (int i = 7; i >= 0; --i) m.push_back(uint8_t(bits >> (8 * i)));
  auto rotr = [](uint64_t x, int n) { return (x >> n) | (x << (64 - n)); };
  for (size_t blk = 0; blk < m.size(); blk += 128) {
    uint64_t w[80];
    for (int t = 0; t < 16; ++t) {
      w[t] = 0;
      for (int k = 0; k < 8; ++k) w[t] = (w[t] << 8) | m[blk + size_t(t * 8 + k)];
    }
    for (int t = 16; t < 80; ++t) {
      uint64_t s0 = rotr(w[t - 15], 1) ^ rotr(w[t - 15], 8) ^ (w[t - 15] >> 7);
      uint64_t s1 = rotr(w[t - 2], 19) ^ rotr(w[t - 2], 61) ^ (w[t - 2] >> 6);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 80; ++t) {
      uint64_t t1 = hh + (rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
      uint64_t t2 = (rotr(a, 28) ^ rotr(a, 34) ^ rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  for (int i = 0; i < 8; ++i)
    for (int k = 0; k < 8; ++k) out[i * 8 + k] = uint8_t(h[i] >> (56 - 8 * k));
}

/// random.seed(str or bytes), version 2: the integer whose big-endian bytes
/// are data + sha512(data), split into 32-bit words from the least
/// significant end (leading zero words dropped), as init_by_array wants.
void seedBytes(std::string_view data) {
  std::vector<uint8_t> b(data.begin(), data.end());
  uint8_t digest[64];
  sha512(b.data(), b.size(), digest);
  b.insert(b.end(), digest, digest + 64);
  std::vector<uint32_t> key;
  for (size_t end = b.size(); end > 0;) {
    size_t start = end >= 4 ? end - 4 : 0;
    uint32_t w = 0;
    for (size_t i = start; i < end; ++i) w = (w << 8) | b[i];
    key.push_back(w);
    end = start;
  }
  while (key.size() > 1 && key.back() == 0) key.pop_back();
  cur->initByArray(key.data(), key.size());
}

void seedInt(int64_t n) {
  uint64_t a = n < 0 ? uint64_t(0) - uint64_t(n) : uint64_t(n);
  uint32_t key[2] = {uint32_t(a), uint32_t(a >> 32)};
  cur->initByArray(key, a >> 32 ? 2 : 1);
}

bool intArg(WValue v, int64_t &out) {
  if (isIntLike(v)) {
    out = v.i;
    return true;
  }
  if (v.tag == WT_FLOAT && v.f == std::floor(v.f) && std::isfinite(v.f)) {
    out = int64_t(v.f); // 3.11 still accepts integral floats (deprecated)
    return true;
  }
  raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
  return false;
}

WValue r_seed(WNativeFunc *, WValue *a) {
  WValue s = a[0];
  cur->hasGaussNext = false;
  if (s.tag == WT_UNBOUND || s.tag == WT_NONE) {
    seedFromUrandom(*cur);
  } else if (isIntLike(s)) {
    seedInt(s.i);
  } else if (s.tag == WT_FLOAT) {
    bool ok = true;
    int64_t h = hashValue(s, ok);
    if (!ok) return wrt_errv();
    seedInt(h);
  } else if (isStr(s)) {
    seedBytes(strView(s));
  } else if (isKind(s, Kind::Bytes)) {
    auto *b = reinterpret_cast<WBytes *>(s.o);
    seedBytes(std::string_view(b->data, size_t(b->size)));
  } else {
    return raise(T.TypeError,
                 "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.");
  }
  return wrt_none();
}

WValue r_random(WNativeFunc *, WValue *) { return wrt_float(random53()); }

WValue r_getrandbits(WNativeFunc *, WValue *a) {
  int64_t k;
  if (!intArg(a[0], k)) return wrt_errv();
  if (k < 0) return raise(T.ValueError, "number of bits must be non-negative");
  if (k > 63) return raise(T.OverflowError, "getrandbits() result does not fit in a 64-bit int");
  return wrt_int(int64_t(getrandbits(int(k))));
}

WValue randrange(WValue start, WValue stop, WValue step) {
  int64_t istart, istop, istep = 1;
  if (!intArg(start, istart)) return wrt_errv();
  if (stop.tag == WT_UNBOUND || stop.tag == WT_NONE) {
    if (step.tag != WT_UNBOUND) return raise(T.TypeError, "Missing a non-None stop argument");
    if (istart > 0) return wrt_int(int64_t(randbelow(uint64_t(istart))));
    return raise(T.ValueError, "empty range for randrange()");
  }
  if (!intArg(stop, istop)) return wrt_errv();
  if (step.tag != WT_UNBOUND && !intArg(step, istep)) return wrt_errv();
  int64_t width = istop - istart;
  if (istep == 1) {
    if (width > 0) return wrt_int(istart + int64_t(randbelow(uint64_t(width))));
    return raiseFormat(T.ValueError, "empty range for randrange() (%lld, %lld, %lld)",
                       (long long)istart, (long long)istop, (long long)width);
  }
  int64_t n;
  if (istep > 0) n = (width + istep - 1) / istep - ((width + istep - 1) % istep < 0 ? 1 : 0);
  else if (istep < 0) n = (width + istep + 1) / istep - ((width + istep + 1) % istep > 0 ? 1 : 0);
  else return raise(T.ValueError, "zero step for randrange()");
  if (n <= 0) return raise(T.ValueError, "empty range for randrange()");
  return wrt_int(istart + istep * int64_t(randbelow(uint64_t(n))));
}

WValue r_randrange(WNativeFunc *, WValue *a) { return randrange(a[0], a[1], a[2]); }

WValue r_randint(WNativeFunc *, WValue *a) {
  int64_t b;
  if (!intArg(a[1], b)) return wrt_errv();
  return randrange(a[0], wrt_int(b + 1), wrt_unbound());
}

WValue r_choice(WNativeFunc *, WValue *a) {
  int64_t n = length(a[0]);
  if (n < 0) return wrt_errv();
  if (n == 0) return raise(T.IndexError, "Cannot choose from an empty sequence");
  return wrt_getitem(a[0], wrt_int(int64_t(randbelow(uint64_t(n)))));
}

WValue r_shuffle(WNativeFunc *, WValue *a) {
  if (isKind(a[0], Kind::List)) {
    WList *l = asList(a[0]);
    for (int64_t i = l->size - 1; i > 0; --i) {
      int64_t j = int64_t(randbelow(uint64_t(i + 1)));
      WValue t = l->items[i];
      l->items[i] = l->items[j];
      l->items[j] = t;
    }
    return wrt_none();
  }
  int64_t n = length(a[0]);
  if (n < 0) return wrt_errv();
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = int64_t(randbelow(uint64_t(i + 1)));
    WValue xi = wrt_getitem(a[0], wrt_int(i)), xj = wrt_getitem(a[0], wrt_int(j));
    if (xi.tag == WT_ERR || xj.tag == WT_ERR) return wrt_errv();
    if (wrt_setitem(a[0], wrt_int(i), xj).tag == WT_ERR) return wrt_errv();
    if (wrt_setitem(a[0], wrt_int(j), xi).tag == WT_ERR) return wrt_errv();
  }
  return wrt_none();
}

WValue r_sample(WNativeFunc *, WValue *a) {
  WValue pool = listFromIterable(a[0]);
  if (pool.tag == WT_ERR) return pool;
  int64_t k;
  if (!intArg(a[1], k)) return wrt_errv();
  int64_t n = asList(pool)->size;
  if (k < 0 || k > n) return raise(T.ValueError, "Sample larger than population or is negative");
  WValue result = newList(k);
  WValue *res = asList(result)->items, *p = asList(pool)->items;
  int64_t setsize = 21;
  if (k > 5) setsize += int64_t(std::pow(4.0, std::ceil(std::log(double(k * 3)) / std::log(4.0))));
  if (n <= setsize) {
    for (int64_t i = 0; i < k; ++i) {
      int64_t j = int64_t(randbelow(uint64_t(n - i)));
      res[i] = p[j];
      p[j] = p[n - i - 1];
    }
  } else {
    WValue selected = newSet();
    for (int64_t i = 0; i < k; ++i) {
      int64_t j = int64_t(randbelow(uint64_t(n)));
      while (setContains(reinterpret_cast<WSet *>(selected.o), wrt_int(j)) == 1)
        j = int64_t(randbelow(uint64_t(n)));
      setAdd(reinterpret_cast<WSet *>(selected.o), wrt_int(j));
      res[i] = p[j];
    }
  }
  return result;
}

bool floatArg(WValue v, double &out) {
  if (v.tag == WT_FLOAT) out = v.f;
  else if (isIntLike(v)) out = double(v.i);
  else {
    raiseFormat(T.TypeError, "must be real number, not %s", typeName(v));
    return false;
  }
  return true;
}

WValue r_uniform(WNativeFunc *, WValue *a) {
  double lo, hi;
  if (!floatArg(a[0], lo) || !floatArg(a[1], hi)) return wrt_errv();
  return wrt_float(lo + (hi - lo) * random53());
}

WValue r_gauss(WNativeFunc *, WValue *a) {
  double mu = 0.0, sigma = 1.0;
  if (a[0].tag != WT_UNBOUND && !floatArg(a[0], mu)) return wrt_errv();
  if (a[1].tag != WT_UNBOUND && !floatArg(a[1], sigma)) return wrt_errv();
  double z;
  if (cur->hasGaussNext) {
    z = cur->gaussNext;
    cur->hasGaussNext = false;
  } else {
    double x2pi = random53() * 2.0 * M_PI;
    double g2rad = std::sqrt(-2.0 * std::log(1.0 - random53()));
    z = std::cos(x2pi) * g2rad;
    cur->gaussNext = std::sin(x2pi) * g2rad;
    cur->hasGaussNext = true;
  }
  return wrt_float(mu + z * sigma);
}

WValue r_normalvariate(WNativeFunc *, WValue *a) {
  double mu = 0.0, sigma = 1.0;
  if (a[0].tag != WT_UNBOUND && !floatArg(a[0], mu)) return wrt_errv();
  if (a[1].tag != WT_UNBOUND && !floatArg(a[1], sigma)) return wrt_errv();
  // Kinderman and Monahan, as Lib/random.py.
  const double NV_MAGICCONST = 4 * std::exp(-0.5) / std::sqrt(2.0);
  double z;
  for (;;) {
    double u1 = random53();
    double u2 = 1.0 - random53();
    z = NV_MAGICCONST * (u1 - 0.5) / u2;
    double zz = z * z / 4.0;
    if (zz <= -std::log(u2)) break;
  }
  return wrt_float(mu + z * sigma);
}

WValue r_expovariate(WNativeFunc *, WValue *a) {
  double lambd;
  if (!floatArg(a[0], lambd)) return wrt_errv();
  if (lambd == 0.0) return raise(T.ZeroDivisionError, "float division by zero");
  return wrt_float(-std::log(1.0 - random53()) / lambd);
}

WValue r_choices(WNativeFunc *, WValue *a) {
  WValue pop = listFromIterable(a[0]);
  if (pop.tag == WT_ERR) return pop;
  int64_t k = 1;
  if (a[3].tag != WT_UNBOUND && !intArg(a[3], k)) return wrt_errv();
  int64_t n = asList(pop)->size;
  WValue result = newList(0);
  WValue cum = a[2];
  if (cum.tag == WT_UNBOUND || cum.tag == WT_NONE) {
    if (a[1].tag == WT_UNBOUND || a[1].tag == WT_NONE) {
      if (n == 0) return raise(T.IndexError, "Cannot choose from an empty population");
      double dn = double(n);
      for (int64_t i = 0; i < k; ++i)
        listAppend(asList(result), asList(pop)->items[int64_t(std::floor(random53() * dn))]);
      return result;
    }
    WValue w = listFromIterable(a[1]);
    if (w.tag == WT_ERR) return w;
    cum = newList(0);
    WValue acc = wrt_unbound();
    for (int64_t i = 0; i < asList(w)->size; ++i) {
      acc = acc.tag == WT_UNBOUND ? asList(w)->items[i] : binop(WOP_ADD, acc, asList(w)->items[i]);
      if (acc.tag == WT_ERR) return acc;
      listAppend(asList(cum), acc);
    }
  } else if (a[1].tag != WT_UNBOUND && a[1].tag != WT_NONE) {
    return raise(T.TypeError, "Cannot specify both weights and cumulative weights");
  } else {
    cum = listFromIterable(cum);
    if (cum.tag == WT_ERR) return cum;
  }
  WList *cw = asList(cum);
  if (cw->size != n) return raise(T.ValueError, "The number of weights does not match the population");
  if (n == 0) return raise(T.IndexError, "Cannot choose from an empty population");
  std::vector<double> c(size_t(cw->size));
  for (int64_t i = 0; i < cw->size; ++i)
    if (!floatArg(cw->items[i], c[size_t(i)])) return wrt_errv();
  double total = c.back();
  if (total <= 0.0) return raise(T.ValueError, "Total of weights must be greater than zero");
  if (!std::isfinite(total)) return raise(T.ValueError, "Total of weights must be finite");
  for (int64_t i = 0; i < k; ++i) {
    double x = random53() * total;
    // bisect_right(cum_weights, x, 0, n - 1)
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
      int64_t mid = (lo + hi) / 2;
      if (x < c[size_t(mid)]) hi = mid;
      else lo = mid + 1;
    }
    listAppend(asList(result), asList(pop)->items[lo]);
  }
  return result;
}

template <WNativeCode F> WValue onGlobal(WNativeFunc *self, WValue *a) {
  MT *saved = cur;
  cur = &gen;
  WValue r = F(self, a);
  cur = saved;
  return r;
}

WTypeObj *randomType;

/// The MT state of a random.Random instance lives in a bytes object (no
/// pointers inside, so atomic memory) stored in its attributes.
MT *stateOf(WValue self) {
  WValue b = self.tag == WT_OBJ && isKind(self, Kind::Instance) ? instGet(self, "_mt")
                                                                  : wrt_unbound();
  if (!isKind(b, Kind::Bytes)) {
    raise(T.TypeError, "descriptor requires a 'random.Random' object");
    return nullptr;
  }
  return reinterpret_cast<MT *>(reinterpret_cast<WBytes *>(b.o)->data);
}

template <WNativeCode F> WValue onInstance(WNativeFunc *self, WValue *a) {
  MT *m = stateOf(a[0]);
  if (!m) return wrt_errv();
  MT *saved = cur;
  cur = m;
  WValue r = F(self, a + 1);
  cur = saved;
  return r;
}

WValue rnd_init(WNativeFunc *self, WValue *a) {
  WValue st = newBytes(std::string(sizeof(MT) + 8, '\0'));
  new (reinterpret_cast<WBytes *>(st.o)->data) MT();
  instSet(a[0], "_mt", st);
  return onInstance<r_seed>(self, a);
}

struct RandomFn {
  const char *name;
  WNativeCode global, method;
  const char *params, *methodParams;
};

#define RANDOM_FN(name, fn, params) \
  {name, onGlobal<fn>, onInstance<fn>, params, "self, " params}

const RandomFn kRandomFns[] = {
    RANDOM_FN("seed", r_seed, "a=?, version=2"),
    {"random", onGlobal<r_random>, onInstance<r_random>, "", "self"},
    RANDOM_FN("getrandbits", r_getrandbits, "k, /"),
    RANDOM_FN("randrange", r_randrange, "start, stop=?, step=?"),
    RANDOM_FN("randint", r_randint, "a, b"),
    RANDOM_FN("choice", r_choice, "seq"),
    RANDOM_FN("shuffle", r_shuffle, "x"),
    RANDOM_FN("sample", r_sample, "population, k"),
    RANDOM_FN("choices", r_choices, "population, weights=None, *, cum_weights=None, k=?"),
    RANDOM_FN("uniform", r_uniform, "a, b"),
    RANDOM_FN("gauss", r_gauss, "mu=?, sigma=?"),
    RANDOM_FN("normalvariate", r_normalvariate, "mu=?, sigma=?"),
    RANDOM_FN("expovariate", r_expovariate, "lambd"),
};

WValue initRandom() {
  WValue m = newModule("random");
  randomType = newNativeClass("Random", "random");
  addMethod(randomType, "__init__", rnd_init, "self, x=?");
  for (const RandomFn &f : kRandomFns) {
    moduleSet(m, f.name, makeNative(f.name, f.global, f.params));
    addMethod(randomType, f.name, f.method, f.methodParams);
  }
  moduleSet(m, "Random", wrt_obj(randomType));
  return m;
}

} // namespace

void initRandomModule() { registerModule("random", initRandom); }

/// For tests: seed and draw without going through module objects.
void randomSeedForTest(int64_t n) {
  cur = &gen;
  seedInt(n);
}
double randomForTest() { return random53(); }
int64_t randbelowForTest(int64_t n) { return int64_t(randbelow(uint64_t(n))); }

} // namespace weft::rt
