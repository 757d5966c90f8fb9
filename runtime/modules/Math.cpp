// Math.cpp: the native `math` module. Functions accept int or float as
// CPython's do and report errors the same way: a NaN from a non-NaN input is
// "math domain error" (ValueError), an infinity from a finite input is
// "math range error" (OverflowError) for the functions that can overflow
// (math_1 in Modules/mathmodule.c). fsum is Shewchuk's exact summation as in
// CPython; floor/ceil/trunc return int.
#include "core/Text.h"

#include <cmath>
#include <vector>

namespace weft::rt {

namespace {

bool toDoubleArg(WValue v, double &out) {
  if (v.tag == WT_FLOAT) out = v.f;
  else if (isIntLike(v)) out = double(v.i);
  else if (v.tag == WT_OBJ && typeLookup(typeOf(v), internStr("__float__")).tag != WT_UNBOUND) {
    WValue r = callMethod(v, "__float__", 0, nullptr);
    if (r.tag != WT_FLOAT) return false;
    out = r.f;
  } else {
    raiseFormat(T.TypeError, "must be real number, not %s", typeName(v));
    return false;
  }
  return true;
}

bool toIntArg(WValue v, int64_t &out) {
  if (isIntLike(v)) {
    out = v.i;
    return true;
  }
  raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
  return false;
}

WValue domainError() { return raise(T.ValueError, "math domain error"); }
WValue rangeError() { return raise(T.OverflowError, "math range error"); }

/// math_1: applies [fn] and maps NaN/inf results to CPython's errors.
WValue math1(WValue x, double (*fn)(double), bool canOverflow) {
  double d;
  if (!toDoubleArg(x, d)) return wrt_errv();
  double r = fn(d);
  if (std::isnan(r) && !std::isnan(d)) return domainError();
  if (std::isinf(r) && std::isfinite(d)) return canOverflow ? rangeError() : domainError();
  return wrt_float(r);
}

#define MATH1(name, fn, over) \
  WValue m_##name(WNativeFunc *, WValue *a) { return math1(a[0], fn, over); }
double fSqrt(double x) { return std::sqrt(x); }
double fExp(double x) { return std::exp(x); }
double fExpm1(double x) { return std::expm1(x); }
double fLog1p(double x) { return std::log1p(x); }
double fSin(double x) { return std::sin(x); }
double fCos(double x) { return std::cos(x); }
double fTan(double x) { return std::tan(x); }
double fAsin(double x) { return std::asin(x); }
double fAcos(double x) { return std::acos(x); }
double fAtan(double x) { return std::atan(x); }
double fSinh(double x) { return std::sinh(x); }
double fCosh(double x) { return std::cosh(x); }
double fTanh(double x) { return std::tanh(x); }
double fFabs(double x) { return std::fabs(x); }
double fLog2(double x) { return x <= 0 ? NAN : std::log2(x); }
double fLog10(double x) { return x <= 0 ? NAN : std::log10(x); }
MATH1(sqrt, fSqrt, false)
MATH1(exp, fExp, true)
MATH1(expm1, fExpm1, true)
MATH1(log1p, fLog1p, false)
MATH1(sin, fSin, false)
MATH1(cos, fCos, false)
MATH1(tan, fTan, false)
MATH1(asin, fAsin, false)
MATH1(acos, fAcos, false)
MATH1(atan, fAtan, false)
MATH1(sinh, fSinh, true)
MATH1(cosh, fCosh, true)
MATH1(tanh, fTanh, false)
MATH1(fabs, fFabs, false)
MATH1(log2, fLog2, false)
MATH1(log10, fLog10, false)
double fAsinh(double x) { return std::asinh(x); }
double fAcosh(double x) { return std::acosh(x); }
double fAtanh(double x) { return std::fabs(x) >= 1 ? NAN : std::atanh(x); }
double fErf(double x) { return std::erf(x); }
double fErfc(double x) { return std::erfc(x); }
double fCbrt(double x) { return std::cbrt(x); }
double fExp2(double x) { return std::exp2(x); }
MATH1(asinh, fAsinh, false)
MATH1(acosh, fAcosh, false)
MATH1(atanh, fAtanh, false)
MATH1(erf, fErf, false)
MATH1(erfc, fErfc, false)
MATH1(cbrt, fCbrt, false)
MATH1(exp2, fExp2, true)

WValue m_nextafter(WNativeFunc *, WValue *a) {
  double x, y;
  if (!toDoubleArg(a[0], x) || !toDoubleArg(a[1], y)) return wrt_errv();
  return wrt_float(std::nextafter(x, y));
}

/// math.ulp: the gap from |x| to the next float away from zero.
WValue m_ulp(WNativeFunc *, WValue *a) {
  double x;
  if (!toDoubleArg(a[0], x)) return wrt_errv();
  if (std::isnan(x)) return wrt_float(x);
  x = std::fabs(x);
  if (std::isinf(x)) return wrt_float(x);
  double next = std::nextafter(x, INFINITY);
  if (std::isinf(next)) return wrt_float(x - std::nextafter(x, -INFINITY));
  return wrt_float(next - x);
}

WValue m_remainder(WNativeFunc *, WValue *a) {
  double x, y;
  if (!toDoubleArg(a[0], x) || !toDoubleArg(a[1], y)) return wrt_errv();
  if (std::isnan(x) || std::isnan(y)) return wrt_float(NAN);
  if (std::isinf(x) || y == 0) return domainError();
  return wrt_float(std::remainder(x, y));
}

WValue m_log(WNativeFunc *, WValue *a) {
  double x;
  if (!toDoubleArg(a[0], x)) return wrt_errv();
  if (x <= 0) return domainError();
  double r = std::log(x);
  if (a[1].tag != WT_UNBOUND) {
    double b;
    if (!toDoubleArg(a[1], b)) return wrt_errv();
    if (b <= 0) return domainError();
    double lb = std::log(b);
    if (lb == 0) return raise(T.ZeroDivisionError, "float division by zero");
    r /= lb;
  }
  return wrt_float(r);
}

/// floor/ceil/trunc: ints pass through, floats become ints.
WValue toIntResult(WValue x, double (*fn)(double), const char *dunder) {
  if (isIntLike(x)) return wrt_int(x.i);
  if (x.tag == WT_OBJ && typeLookup(typeOf(x), internStr(dunder)).tag != WT_UNBOUND)
    return callMethod(x, dunder, 0, nullptr);
  double d;
  if (!toDoubleArg(x, d)) return wrt_errv();
  double r = fn(d);
  if (std::isnan(r)) return raise(T.ValueError, "cannot convert float NaN to integer");
  if (std::isinf(r)) return raise(T.OverflowError, "cannot convert float infinity to integer");
  if (r >= 9223372036854775808.0 || r < -9223372036854775808.0)
    return raise(T.OverflowError, "int too large to convert to a 64-bit integer");
  return wrt_int(int64_t(r));
}
double fFloor(double x) { return std::floor(x); }
double fCeil(double x) { return std::ceil(x); }
double fTrunc(double x) { return std::trunc(x); }
WValue m_floor(WNativeFunc *, WValue *a) { return toIntResult(a[0], fFloor, "__floor__"); }
WValue m_ceil(WNativeFunc *, WValue *a) { return toIntResult(a[0], fCeil, "__ceil__"); }
WValue m_trunc(WNativeFunc *, WValue *a) { return toIntResult(a[0], fTrunc, "__trunc__"); }

WValue m_pow(WNativeFunc *, WValue *a) {
  double x, y;
  if (!toDoubleArg(a[0], x) || !toDoubleArg(a[1], y)) return wrt_errv();
  double r = std::pow(x, y);
  if (std::isfinite(x) && std::isfinite(y)) {
    if (std::isnan(r)) return domainError();
    if (std::isinf(r)) return x == 0.0 ? domainError() : rangeError();
  }
  return wrt_float(r);
}

WValue m_atan2(WNativeFunc *, WValue *a) {
  double y, x;
  if (!toDoubleArg(a[0], y) || !toDoubleArg(a[1], x)) return wrt_errv();
  return wrt_float(std::atan2(y, x));
}

WValue m_fmod(WNativeFunc *, WValue *a) {
  double x, y;
  if (!toDoubleArg(a[0], x) || !toDoubleArg(a[1], y)) return wrt_errv();
  if (std::isinf(x) || (y == 0.0 && !std::isnan(x))) return domainError();
  return wrt_float(std::fmod(x, y));
}

WValue m_copysign(WNativeFunc *, WValue *a) {
  double x, y;
  if (!toDoubleArg(a[0], x) || !toDoubleArg(a[1], y)) return wrt_errv();
  return wrt_float(std::copysign(x, y));
}

WValue m_hypot(WNativeFunc *, WValue *a) {
  WTuple *t = asTuple(a[0]);
  double acc = 0;
  bool anyInf = false, anyNan = false;
  std::vector<double> xs;
  for (int64_t i = 0; i < t->size; ++i) {
    double d;
    if (!toDoubleArg(t->items[i], d)) return wrt_errv();
    if (std::isinf(d)) anyInf = true;
    if (std::isnan(d)) anyNan = true;
    xs.push_back(d);
  }
  if (anyInf) return wrt_float(INFINITY);
  if (anyNan) return wrt_float(NAN);
  if (xs.size() == 2) return wrt_float(std::hypot(xs[0], xs[1]));
  for (double d : xs) acc = std::hypot(acc, d);
  return wrt_float(acc);
}

WValue m_radians(WNativeFunc *, WValue *a) {
  double x;
  if (!toDoubleArg(a[0], x)) return wrt_errv();
  return wrt_float(x * (M_PI / 180.0));
}

WValue m_degrees(WNativeFunc *, WValue *a) {
  double x;
  if (!toDoubleArg(a[0], x)) return wrt_errv();
  return wrt_float(x * (180.0 / M_PI));
}

WValue m_isnan(WNativeFunc *, WValue *a) {
  double x;
  if (!toDoubleArg(a[0], x)) return wrt_errv();
  return wrt_bool(std::isnan(x));
}
WValue m_isinf(WNativeFunc *, WValue *a) {
  double x;
  if (!toDoubleArg(a[0], x)) return wrt_errv();
  return wrt_bool(std::isinf(x));
}
WValue m_isfinite(WNativeFunc *, WValue *a) {
  double x;
  if (!toDoubleArg(a[0], x)) return wrt_errv();
  return wrt_bool(std::isfinite(x));
}

WValue m_isclose(WNativeFunc *, WValue *a) {
  double x, y, rel = 1e-9, abst = 0.0;
  if (!toDoubleArg(a[0], x) || !toDoubleArg(a[1], y)) return wrt_errv();
  if (a[2].tag != WT_UNBOUND && !toDoubleArg(a[2], rel)) return wrt_errv();
  if (a[3].tag != WT_UNBOUND && !toDoubleArg(a[3], abst)) return wrt_errv();
  if (rel < 0.0 || abst < 0.0) return raise(T.ValueError, "tolerances must be non-negative");
  if (x == y) return wrt_bool(1);
  if (std::isinf(x) || std::isinf(y)) return wrt_bool(0);
  double diff = std::fabs(y - x);
  return wrt_bool((diff <= std::fabs(rel * y)) || (diff <= std::fabs(rel * x)) || diff <= abst);
}

int64_t gcd64(int64_t a, int64_t b) {
  uint64_t x = a < 0 ? uint64_t(0) - uint64_t(a) : uint64_t(a);
  uint64_t y = b < 0 ? uint64_t(0) - uint64_t(b) : uint64_t(b);
  while (y) {
    uint64_t t = x % y;
    x = y;
    y = t;
  }
  return int64_t(x);
}

WValue m_gcd(WNativeFunc *, WValue *a) {
  WTuple *t = asTuple(a[0]);
  int64_t g = 0;
  for (int64_t i = 0; i < t->size; ++i) {
    int64_t v;
    if (!toIntArg(t->items[i], v)) return wrt_errv();
    g = gcd64(g, v);
  }
  return wrt_int(g);
}

WValue m_lcm(WNativeFunc *, WValue *a) {
  WTuple *t = asTuple(a[0]);
  int64_t l = 1;
  for (int64_t i = 0; i < t->size; ++i) {
    int64_t v;
    if (!toIntArg(t->items[i], v)) return wrt_errv();
    if (v == 0) return wrt_int(0);
    int64_t g = gcd64(l, v), r;
    if (__builtin_mul_overflow(l / g, v < 0 ? -v : v, &r))
      return raise(T.OverflowError, "integer overflow");
    l = r;
  }
  return wrt_int(l);
}

WValue m_factorial(WNativeFunc *, WValue *a) {
  int64_t n;
  if (!toIntArg(a[0], n)) return wrt_errv();
  if (n < 0) return raise(T.ValueError, "factorial() not defined for negative values");
  int64_t r = 1;
  for (int64_t i = 2; i <= n; ++i)
    if (__builtin_mul_overflow(r, i, &r)) return raise(T.OverflowError, "integer overflow");
  return wrt_int(r);
}

WValue m_comb(WNativeFunc *, WValue *a) {
  int64_t n, k;
  if (!toIntArg(a[0], n) || !toIntArg(a[1], k)) return wrt_errv();
  if (n < 0) return raise(T.ValueError, "n must be a non-negative integer");
  if (k < 0) return raise(T.ValueError, "k must be a non-negative integer");
  if (k > n) return wrt_int(0);
  if (k > n - k) k = n - k;
  __int128 r = 1;
  for (int64_t i = 1; i <= k; ++i) {
    r = r * (n - k + i) / i; // exact: r is C(n-k+i, i) after each step
    if (r > INT64_MAX) return raise(T.OverflowError, "integer overflow");
  }
  return wrt_int(int64_t(r));
}

WValue m_perm(WNativeFunc *, WValue *a) {
  int64_t n, k;
  if (!toIntArg(a[0], n)) return wrt_errv();
  if (a[1].tag == WT_UNBOUND || a[1].tag == WT_NONE) k = n;
  else if (!toIntArg(a[1], k)) return wrt_errv();
  if (n < 0) return raise(T.ValueError, "n must be a non-negative integer");
  if (k < 0) return raise(T.ValueError, "k must be a non-negative integer");
  if (k > n) return wrt_int(0);
  int64_t r = 1;
  for (int64_t i = 0; i < k; ++i)
    if (__builtin_mul_overflow(r, n - i, &r)) return raise(T.OverflowError, "integer overflow");
  return wrt_int(r);
}

WValue m_isqrt(WNativeFunc *, WValue *a) {
  int64_t n;
  if (!toIntArg(a[0], n)) return wrt_errv();
  if (n < 0) return raise(T.ValueError, "isqrt() argument must be nonnegative");
  uint64_t r = uint64_t(std::sqrt(double(n)));
  while (r * r > uint64_t(n)) --r;
  while ((r + 1) * (r + 1) <= uint64_t(n)) ++r;
  return wrt_int(int64_t(r));
}

WValue m_prod(WNativeFunc *, WValue *a) {
  WValue acc = a[1].tag == WT_UNBOUND ? wrt_int(1) : a[1];
  WValue it = iter(a[0]);
  if (it.tag == WT_ERR) return it;
  for (;;) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) return acc;
    acc = binop(WOP_MUL, acc, x);
    if (acc.tag == WT_ERR) return acc;
  }
}

/// Shewchuk / CPython math_fsum: exact partial sums, correctly rounded.
WValue m_fsum(WNativeFunc *, WValue *a) {
  WValue it = iter(a[0]);
  if (it.tag == WT_ERR) return it;
  std::vector<double> p;
  double specialSum = 0.0, infSum = 0.0;
  for (;;) {
    WValue v = next(it);
    if (v.tag == WT_ERR) return v;
    if (v.tag == WT_UNBOUND) break;
    double x;
    if (!toDoubleArg(v, x)) return wrt_errv();
    double xsave = x;
    size_t i = 0;
    for (double y : p) {
      if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
      double hi = x + y;
      double lo = y - (hi - x);
      if (lo != 0.0) p[i++] = lo;
      x = hi;
    }
    p.resize(i);
    if (x != 0.0) {
      if (!std::isfinite(x)) {
        if (std::isfinite(xsave)) return raise(T.OverflowError, "intermediate overflow in fsum");
        if (std::isinf(xsave)) infSum += xsave;
        specialSum += xsave;
        p.clear();
      } else {
        p.push_back(x);
      }
    }
  }
  if (specialSum != 0.0) {
    if (std::isnan(infSum)) return raise(T.ValueError, "-inf + inf in fsum");
    return wrt_float(specialSum);
  }
  double hi = 0.0;
  size_t n = p.size();
  if (n > 0) {
    hi = p[--n];
    double lo = 0.0;
    while (n > 0) {
      double x = hi;
      double y = p[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) break;
    }
    // Half-even rounding across the remaining partials.
    if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
      double y = lo * 2.0;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) hi = x;
    }
  }
  return wrt_float(hi);
}

WValue m_modf(WNativeFunc *, WValue *a) {
  double x, ip;
  if (!toDoubleArg(a[0], x)) return wrt_errv();
  double f = std::modf(x, &ip);
  return newTupleOf({wrt_float(f), wrt_float(ip)});
}

WValue m_frexp(WNativeFunc *, WValue *a) {
  double x;
  int e;
  if (!toDoubleArg(a[0], x)) return wrt_errv();
  double m = std::frexp(x, &e);
  return newTupleOf({wrt_float(m), wrt_int(e)});
}

WValue m_ldexp(WNativeFunc *, WValue *a) {
  double x;
  int64_t e;
  if (!toDoubleArg(a[0], x) || !toIntArg(a[1], e)) return wrt_errv();
  double r = std::ldexp(x, int(e < -100000 ? -100000 : e > 100000 ? 100000 : e));
  if (std::isinf(r) && std::isfinite(x)) return rangeError();
  return wrt_float(r);
}

WValue m_dist(WNativeFunc *, WValue *a) {
  WValue p = listFromIterable(a[0]), q = listFromIterable(a[1]);
  if (p.tag == WT_ERR || q.tag == WT_ERR) return wrt_errv();
  if (asList(p)->size != asList(q)->size)
    return raise(T.ValueError, "both points must have the same number of dimensions");
  double acc = 0;
  for (int64_t i = 0; i < asList(p)->size; ++i) {
    double x, y;
    if (!toDoubleArg(asList(p)->items[i], x) || !toDoubleArg(asList(q)->items[i], y))
      return wrt_errv();
    acc = std::hypot(acc, x - y);
  }
  return wrt_float(acc);
}

WValue initMath() {
  WValue m = newModule("math");
  auto fn = [&](const char *name, WNativeCode code, const char *params) {
    moduleSet(m, name, makeNative(name, code, params));
  };
  fn("sqrt", m_sqrt, "x, /");
  fn("exp", m_exp, "x, /");
  fn("expm1", m_expm1, "x, /");
  fn("log1p", m_log1p, "x, /");
  fn("sin", m_sin, "x, /");
  fn("cos", m_cos, "x, /");
  fn("tan", m_tan, "x, /");
  fn("asin", m_asin, "x, /");
  fn("acos", m_acos, "x, /");
  fn("atan", m_atan, "x, /");
  fn("sinh", m_sinh, "x, /");
  fn("cosh", m_cosh, "x, /");
  fn("tanh", m_tanh, "x, /");
  fn("asinh", m_asinh, "x, /");
  fn("acosh", m_acosh, "x, /");
  fn("atanh", m_atanh, "x, /");
  fn("erf", m_erf, "x, /");
  fn("erfc", m_erfc, "x, /");
  fn("cbrt", m_cbrt, "x, /");
  fn("exp2", m_exp2, "x, /");
  fn("nextafter", m_nextafter, "x, y, /");
  fn("ulp", m_ulp, "x, /");
  fn("remainder", m_remainder, "x, y, /");
  fn("fabs", m_fabs, "x, /");
  fn("log2", m_log2, "x, /");
  fn("log10", m_log10, "x, /");
  fn("log", m_log, "x, base=?, /");
  fn("floor", m_floor, "x, /");
  fn("ceil", m_ceil, "x, /");
  fn("trunc", m_trunc, "x, /");
  fn("pow", m_pow, "x, y, /");
  fn("atan2", m_atan2, "y, x, /");
  fn("fmod", m_fmod, "x, y, /");
  fn("copysign", m_copysign, "x, y, /");
  fn("hypot", m_hypot, "*coordinates");
  fn("radians", m_radians, "x, /");
  fn("degrees", m_degrees, "x, /");
  fn("isnan", m_isnan, "x, /");
  fn("isinf", m_isinf, "x, /");
  fn("isfinite", m_isfinite, "x, /");
  fn("isclose", m_isclose, "a, b, *, rel_tol=?, abs_tol=?");
  fn("gcd", m_gcd, "*integers");
  fn("lcm", m_lcm, "*integers");
  fn("factorial", m_factorial, "n, /");
  fn("comb", m_comb, "n, k, /");
  fn("perm", m_perm, "n, k=None, /");
  fn("isqrt", m_isqrt, "n, /");
  fn("prod", m_prod, "iterable, /, *, start=?");
  fn("fsum", m_fsum, "seq, /");
  fn("modf", m_modf, "x, /");
  fn("frexp", m_frexp, "x, /");
  fn("ldexp", m_ldexp, "x, i, /");
  fn("dist", m_dist, "p, q, /");
  moduleSet(m, "pi", wrt_float(M_PI));
  moduleSet(m, "e", wrt_float(M_E));
  moduleSet(m, "tau", wrt_float(2 * M_PI));
  moduleSet(m, "inf", wrt_float(INFINITY));
  moduleSet(m, "nan", wrt_float(NAN));
  return m;
}

} // namespace

void initMathModule() { registerModule("math", initMath); }

} // namespace weft::rt
