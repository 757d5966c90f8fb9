// Random.cpp: the native `random` module, bit-for-bit CPython's: MT19937
// seeded by init_by_array over the 32-bit words of abs(seed)
// (Modules/_randommodule.c), random() = genrand_res53, getrandbits, and the
// Python-level algorithms of Lib/random.py 3.11 on top (_randbelow by
// getrandbits(n.bit_length()) with rejection, randrange, shuffle, choice,
// sample, choices, uniform, gauss), so `random.seed(n)` replays CPython's
// sequences. Unseeded, it is seeded from /dev/urandom like CPython.
#include "core/Text.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <sys/random.h>
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

MT gen;

void seedFromUrandom() {
  uint32_t key[624];
  ssize_t got = getrandom(key, sizeof key, 0);
  if (got != ssize_t(sizeof key)) {
    // No entropy source: time and pid, as CPython's fallback does.
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint32_t k[4] = {uint32_t(ts.tv_sec), uint32_t(ts.tv_nsec), uint32_t(getpid()), 0};
    gen.initByArray(k, 4);
    return;
  }
  gen.initByArray(key, 624);
}

uint32_t MT::next32() {
  static const uint32_t mag01[2] = {0x0u, 0x9908b0dfu};
  if (index >= 624) {
    if (index == 625) seedFromUrandom();
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
  uint32_t a = gen.next32() >> 5, b = gen.next32() >> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

/// getrandbits(k) for 0 <= k <= 64: 32-bit words from least significant up.
uint64_t getrandbits(int k) {
  if (k <= 32) return k == 0 ? 0 : gen.next32() >> (32 - k);
  uint64_t lo = gen.next32();
  uint64_t hi = gen.next32() >> (64 - k);
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

void seedInt(int64_t n) {
  uint64_t a = n < 0 ? uint64_t(0) - uint64_t(n) : uint64_t(n);
  uint32_t key[2] = {uint32_t(a), uint32_t(a >> 32)};
  gen.initByArray(key, a >> 32 ? 2 : 1);
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
  gen.hasGaussNext = false;
  if (s.tag == WT_UNBOUND || s.tag == WT_NONE) {
    seedFromUrandom();
  } else if (isIntLike(s)) {
    seedInt(s.i);
  } else if (s.tag == WT_FLOAT) {
    bool ok = true;
    int64_t h = hashValue(s, ok);
    if (!ok) return wrt_errv();
    seedInt(h);
  } else if (isStr(s) || isKind(s, Kind::Bytes)) {
    // Version 2 seeding needs SHA-512 and big ints; use the string's bytes as
    // the key (deterministic, but not CPython's sequence).
    std::string_view b = isStr(s) ? strView(s) : std::string_view(reinterpret_cast<WBytes *>(s.o)->data, size_t(reinterpret_cast<WBytes *>(s.o)->size));
    std::vector<uint32_t> key((b.size() + 3) / 4 + 1, 0);
    for (size_t i = 0; i < b.size(); ++i) key[i / 4] |= uint32_t(uint8_t(b[i])) << (8 * (i % 4));
    gen.initByArray(key.data(), key.size());
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
  if (gen.hasGaussNext) {
    z = gen.gaussNext;
    gen.hasGaussNext = false;
  } else {
    double x2pi = random53() * 2.0 * M_PI;
    double g2rad = std::sqrt(-2.0 * std::log(1.0 - random53()));
    z = std::cos(x2pi) * g2rad;
    gen.gaussNext = std::sin(x2pi) * g2rad;
    gen.hasGaussNext = true;
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

WValue initRandom() {
  WValue m = newModule("random");
  auto fn = [&](const char *name, WNativeCode code, const char *params) {
    moduleSet(m, name, makeNative(name, code, params));
  };
  fn("seed", r_seed, "a=?, version=2");
  fn("random", r_random, "");
  fn("getrandbits", r_getrandbits, "k, /");
  fn("randrange", r_randrange, "start, stop=?, step=?");
  fn("randint", r_randint, "a, b");
  fn("choice", r_choice, "seq");
  fn("shuffle", r_shuffle, "x");
  fn("sample", r_sample, "population, k");
  fn("choices", r_choices, "population, weights=None, *, cum_weights=None, k=?");
  fn("uniform", r_uniform, "a, b");
  fn("gauss", r_gauss, "mu=?, sigma=?");
  fn("normalvariate", r_normalvariate, "mu=?, sigma=?");
  fn("expovariate", r_expovariate, "lambd");
  return m;
}

} // namespace

void initRandomModule() { registerModule("random", initRandom); }

/// For tests: seed and draw without going through module objects.
void randomSeedForTest(int64_t n) { seedInt(n); }
double randomForTest() { return random53(); }
int64_t randbelowForTest(int64_t n) { return int64_t(randbelow(uint64_t(n))); }

} // namespace weft::rt
