// Operators.cpp: wrt_binop / wrt_inplace / wrt_unop, Python's arithmetic on
// the builtin types and the dunder protocol for user classes. Ints are
// 64-bit and raise OverflowError instead of wrapping (LANGUAGE.md); floor
// division and modulo follow Python's sign rules; error messages are
// CPython 3.11's, word for word, because conformance compares them.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <cmath>

namespace weft::rt {

namespace {

const char *opSymbol(int op, bool inplace) {
  static const char *sym[13] = {"+", "-", "*", "/", "//", "%", "** or pow()",
                                "<<", ">>", "&", "|", "^", "@"};
  static const char *isym[13] = {"+=", "-=", "*=", "/=", "//=", "%=", "**=",
                                 "<<=", ">>=", "&=", "|=", "^=", "@="};
  return inplace ? isym[op] : sym[op];
}

WValue unsupported(int op, WValue a, WValue b, bool inplace) {
  return raiseFormat(T.TypeError, "unsupported operand type(s) for %s: '%s' and '%s'",
                     opSymbol(op, inplace), typeName(a), typeName(b));
}

WValue overflow() { return wrt_raise_overflow(); }

WValue intPow(int64_t a, int64_t b) {
  if (b < 0) {
    if (a == 0) return raise(T.ZeroDivisionError, "0.0 cannot be raised to a negative power");
    return wrt_float(std::pow(double(a), double(b)));
  }
  int64_t result = 1, base = a;
  while (b) {
    if (b & 1)
      if (__builtin_mul_overflow(result, base, &result)) return overflow();
    b >>= 1;
    if (b && __builtin_mul_overflow(base, base, &base)) return overflow();
  }
  return wrt_int(result);
}

WValue floatPow(double a, double b) {
  if (a == 0.0 && b < 0.0 && std::isfinite(b))
    return raise(T.ZeroDivisionError, "0.0 cannot be raised to a negative power");
  if (a < 0.0 && std::isfinite(a) && std::isfinite(b) && b != std::floor(b))
    return raise(T.ValueError, "math domain error"); // CPython returns a complex here
  double r = std::pow(a, b);
  if (std::isinf(r) && std::isfinite(a) && std::isfinite(b)) {
    WValue args = newTuple(2);
    asTuple(args)->items[0] = wrt_int(34);
    asTuple(args)->items[1] = newStr("Numerical result out of range");
    return raiseValue(newException(T.OverflowError, args.o));
  }
  return wrt_float(r);
}

} // namespace

WValue intBinop(int op, int64_t a, int64_t b) {
  int64_t r;
  switch (op) {
  case WOP_ADD: if (__builtin_add_overflow(a, b, &r)) return overflow(); return wrt_int(r);
  case WOP_SUB: if (__builtin_sub_overflow(a, b, &r)) return overflow(); return wrt_int(r);
  case WOP_MUL: if (__builtin_mul_overflow(a, b, &r)) return overflow(); return wrt_int(r);
  case WOP_TRUEDIV:
    if (b == 0) return wrt_raise_zero_div(1);
    return wrt_float(double(a) / double(b));
  case WOP_FLOORDIV: {
    if (b == 0) return wrt_raise_zero_div(0);
    if (a == INT64_MIN && b == -1) return overflow();
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return wrt_int(q);
  }
  case WOP_MOD: {
    if (b == 0) return wrt_raise_zero_div(5);
    if (b == -1) return wrt_int(0);
    int64_t m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    return wrt_int(m);
  }
  case WOP_POW: return intPow(a, b);
  case WOP_LSHIFT:
    if (b < 0) return raise(T.ValueError, "negative shift count");
    if (a == 0) return wrt_int(0);
    if (b >= 63) return overflow();
    r = int64_t(uint64_t(a) << b);
    if ((r >> b) != a) return overflow();
    return wrt_int(r);
  case WOP_RSHIFT:
    if (b < 0) return raise(T.ValueError, "negative shift count");
    if (b >= 64) return wrt_int(a < 0 ? -1 : 0);
    return wrt_int(a >> b);
  case WOP_AND: return wrt_int(a & b);
  case WOP_OR: return wrt_int(a | b);
  case WOP_XOR: return wrt_int(a ^ b);
  default: return unsupported(op, wrt_int(a), wrt_int(b), false);
  }
}

WValue floatBinop(int op, double a, double b, WValue va, WValue vb) {
  switch (op) {
  case WOP_ADD: return wrt_float(a + b);
  case WOP_SUB: return wrt_float(a - b);
  case WOP_MUL: return wrt_float(a * b);
  case WOP_TRUEDIV:
    if (b == 0.0) return wrt_raise_zero_div(2);
    return wrt_float(a / b);
  case WOP_FLOORDIV:
  case WOP_MOD: {
    // CPython's float_divmod: the remainder takes the divisor's sign.
    if (b == 0.0) return wrt_raise_zero_div(op == WOP_MOD ? 3 : 4);
    double mod = std::fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0.0) {
      if ((b < 0) != (mod < 0)) {
        mod += b;
        div -= 1.0;
      }
    } else {
      mod = std::copysign(0.0, b);
    }
    if (op == WOP_MOD) return wrt_float(mod);
    double floordiv;
    if (div != 0.0) {
      floordiv = std::floor(div);
      if (div - floordiv > 0.5) floordiv += 1.0;
    } else {
      floordiv = std::copysign(0.0, a / b);
    }
    return wrt_float(floordiv);
  }
  case WOP_POW: return floatPow(a, b);
  default: return unsupported(op, va, vb, false);
  }
}

namespace {

WValue concatError(WValue a, WValue b) {
  return raiseFormat(T.TypeError, "can only concatenate %s (not \"%s\") to %s", typeName(a),
                     typeName(b), typeName(a));
}

WValue repeatError(WValue n) {
  return raiseFormat(T.TypeError, "can't multiply sequence by non-int of type '%s'", typeName(n));
}

WValue listConcat(WList *a, WList *b) {
  WValue r = newList(a->size + b->size);
  WList *l = asList(r);
  for (int64_t i = 0; i < a->size; i++) l->items[i] = a->items[i];
  for (int64_t i = 0; i < b->size; i++) l->items[a->size + i] = b->items[i];
  return r;
}

WValue seqRepeat(WValue seq, int64_t n) {
  bool isList = isKind(seq, Kind::List);
  int64_t size = isList ? asList(seq)->size : asTuple(seq)->size;
  const WValue *items = isList ? asList(seq)->items : asTuple(seq)->items;
  if (n < 0) n = 0;
  int64_t total;
  if (__builtin_mul_overflow(size, n, &total) || total > (int64_t(1) << 40))
    return raise(T.MemoryError, "");
  WValue r = isList ? newList(total) : newTuple(total);
  WValue *out = isList ? asList(r)->items : asTuple(r)->items;
  for (int64_t k = 0; k < n; k++)
    for (int64_t i = 0; i < size; i++) out[k * size + i] = items[i];
  return r;
}

/// Set algebra shared by | & - ^ (binary and in place).
WValue setOp(int op, WSet *a, WSet *b, WSet *into) {
  WSet *r = into ? into : asDict(newSet());
  int64_t pos = 0;
  WDictEntry *e;
  switch (op) {
  case WOP_OR:
    if (!into)
      while (dictNext(a, pos, e)) setAdd(r, e->key);
    pos = 0;
    while (dictNext(b, pos, e))
      if (setAdd(r, e->key).tag == WT_ERR) return wrt_errv();
    break;
  case WOP_AND:
  case WOP_SUB: {
    WSet *keep = into ? asDict(newSet()) : r;
    while (dictNext(a, pos, e)) {
      int c = setContains(b, e->key);
      if (c < 0) return wrt_errv();
      if ((c == 1) == (op == WOP_AND)) setAdd(keep, e->key);
    }
    if (into) *into = *keep; // replace the table in place
    break;
  }
  case WOP_XOR: {
    WSet *res = asDict(newSet());
    while (dictNext(a, pos, e))
      if (!setContains(b, e->key)) setAdd(res, e->key);
    pos = 0;
    while (dictNext(b, pos, e))
      if (!setContains(a, e->key)) setAdd(res, e->key);
    if (into) {
      res->hdr = into->hdr;
      *into = *res;
    } else {
      r = res;
    }
    break;
  }
  }
  return wrt_obj(r);
}

/// The dunder protocol: a.__op__(b), then b.__rop__(a).
WValue userBinop(int op, WValue a, WValue b, bool inplace, bool &handled) {
  handled = false;
  WTypeObj *ta = typeOf(a), *tb = typeOf(b);
  if (!(ta->flags & TYPE_USER) && !(tb->flags & TYPE_USER)) return wrt_unbound();
  if (inplace && (ta->flags & TYPE_USER)) {
    WValue m = typeLookup(ta, N.ibinop[op]);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, a, 1, &b);
      if (r.tag == WT_ERR || !(r.tag == WT_OBJ && r.o == NotImplemented.o)) {
        handled = true;
        return r;
      }
    }
  }
  if (ta->flags & TYPE_USER) {
    WValue m = typeLookup(ta, N.binop[op]);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, a, 1, &b);
      if (r.tag == WT_ERR || !(r.tag == WT_OBJ && r.o == NotImplemented.o)) {
        handled = true;
        return r;
      }
    }
  }
  if ((tb->flags & TYPE_USER) && tb != ta) {
    WValue m = typeLookup(tb, N.rbinop[op]);
    if (m.tag != WT_UNBOUND) {
      WValue r = callWithSelf(m, b, 1, &a);
      if (r.tag == WT_ERR || !(r.tag == WT_OBJ && r.o == NotImplemented.o)) {
        handled = true;
        return r;
      }
    }
  }
  return wrt_unbound();
}

} // namespace

/// Binary operators on builtin objects (strings, sequences, sets); UNBOUND
/// when the pair is not handled.
WValue objectBinop(int op, WValue a, WValue b, bool inplace) {
  Kind ka = a.tag == WT_OBJ ? a.o->type->kind : Kind::Other;
  Kind kb = b.tag == WT_OBJ ? b.o->type->kind : Kind::Other;
  switch (op) {
  case WOP_ADD:
    if (ka == Kind::Str) return kb == Kind::Str ? strConcat(a, b) : concatError(a, b);
    if (ka == Kind::List) {
      if (kb != Kind::List) return concatError(a, b);
      if (inplace) {
        WValue r = wrt_list_extend(a, b);
        return r.tag == WT_ERR ? r : a;
      }
      return listConcat(asList(a), asList(b));
    }
    if (ka == Kind::Tuple) {
      if (kb != Kind::Tuple) return concatError(a, b);
      WTuple *x = asTuple(a), *y = asTuple(b);
      WValue r = newTuple(x->size + y->size);
      for (int64_t i = 0; i < x->size; i++) asTuple(r)->items[i] = x->items[i];
      for (int64_t i = 0; i < y->size; i++) asTuple(r)->items[x->size + i] = y->items[i];
      return r;
    }
    if (ka == Kind::Bytes && kb == Kind::Bytes) return bytesConcat(a, b);
    if (ka == Kind::Bytes)
      return raiseFormat(T.TypeError, "can't concat %s to bytes", typeName(b));
    break;
  case WOP_MUL: {
    WValue seq = a, n = b;
    Kind ks = ka;
    if (ks != Kind::Str && ks != Kind::List && ks != Kind::Tuple && ks != Kind::Bytes) {
      seq = b;
      n = a;
      ks = kb;
      if (ks != Kind::Str && ks != Kind::List && ks != Kind::Tuple && ks != Kind::Bytes) break;
    }
    if (!isIntLike(n)) {
      if (n.tag == WT_OBJ && (n.o->type->flags & TYPE_USER)) break;
      return repeatError(n);
    }
    if (ks == Kind::Str) return strRepeat(seq, n.i);
    if (ks == Kind::Bytes) return bytesRepeat(seq, n.i);
    if (inplace && ks == Kind::List && seq.o == a.o) {
      WValue r = seqRepeat(seq, n.i);
      if (r.tag == WT_ERR) return r;
      *asList(a) = *asList(r);
      return a;
    }
    return seqRepeat(seq, n.i);
  }
  case WOP_MOD:
    if (ka == Kind::Str) return strPercentFormat(a, b);
    break;
  case WOP_OR:
  case WOP_AND:
  case WOP_SUB:
  case WOP_XOR:
    if (ka == Kind::Set && kb == Kind::Set)
      return setOp(op, asDict(a), asDict(b), inplace ? asDict(a) : nullptr);
    // keys() and items() views are set-like: with a set, another view or
    // any iterable they give a new set (CPython's dictviews_and and co.).
    // The left operand is copied into a new set, which holds the result.
    if (isSetLikeView(a) || (isSetLikeView(b) && (ka == Kind::Set || ka == Kind::List || ka == Kind::Tuple))) {
      WValue sa = setFromIterable(a);
      if (sa.tag == WT_ERR) return sa;
      WValue sb = kb == Kind::Set ? b : setFromIterable(b);
      if (sb.tag == WT_ERR) return sb;
      return setOp(op, asDict(sa), asDict(sb), asDict(sa));
    }
    if (op == WOP_OR && ka == Kind::Dict && kb == Kind::Dict) {
      WValue r = a;
      if (!inplace) {
        r = newDict();
        if (wrt_dict_update(r, a).tag == WT_ERR) return wrt_errv();
      }
      if (wrt_dict_update(r, b).tag == WT_ERR) return wrt_errv();
      return r;
    }
    break;
  default: break;
  }
  return wrt_unbound();
}

WValue binopImpl(int op, WValue a, WValue b, bool inplace) {
  uint64_t ta = a.tag, tb = b.tag;
  if ((ta == WT_INT || ta == WT_BOOL) && (tb == WT_INT || tb == WT_BOOL)) {
    // bool & bool stays a bool, as in Python.
    if (ta == WT_BOOL && tb == WT_BOOL && (op == WOP_AND || op == WOP_OR || op == WOP_XOR)) {
      WValue r = intBinop(op, a.i, b.i);
      return wrt_bool(r.i != 0);
    }
    return intBinop(op, a.i, b.i);
  }
  bool fa = ta == WT_FLOAT, fb = tb == WT_FLOAT;
  if ((fa || ta == WT_INT || ta == WT_BOOL) && (fb || tb == WT_INT || tb == WT_BOOL)) {
    if (op >= WOP_LSHIFT) return unsupported(op, a, b, inplace);
    return floatBinop(op, fa ? a.f : double(a.i), fb ? b.f : double(b.i), a, b);
  }
  bool handled;
  WValue r = userBinop(op, a, b, inplace, handled);
  if (handled) return r;
  r = objectBinop(op, a, b, inplace);
  if (r.tag != WT_UNBOUND) return r;
  if (op == WOP_ADD && a.tag == WT_OBJ && a.o->type->kind == Kind::Str) return concatError(a, b);
  return unsupported(op, a, b, inplace);
}

WValue binop(int op, WValue a, WValue b) { return binopImpl(op, a, b, false); }

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_binop(int64_t op, WValue a, WValue b) {
  if (a.tag == WT_INT && b.tag == WT_INT) return intBinop(int(op), a.i, b.i);
  if (a.tag == WT_FLOAT && b.tag == WT_FLOAT) return floatBinop(int(op), a.f, b.f, a, b);
  return binopImpl(int(op), a, b, false);
}

WValue wrt_inplace(int64_t op, WValue a, WValue b) {
  if (a.tag == WT_INT && b.tag == WT_INT) return intBinop(int(op), a.i, b.i);
  return binopImpl(int(op), a, b, true);
}

WValue wrt_unop(int64_t op, WValue a) {
  switch (a.tag) {
  case WT_INT:
  case WT_BOOL:
    if (op == WOP_NEG) {
      if (a.i == INT64_MIN) return wrt_raise_overflow();
      return wrt_int(-a.i);
    }
    if (op == WOP_POS) return wrt_int(a.i);
    return wrt_int(~a.i);
  case WT_FLOAT:
    if (op == WOP_NEG) return wrt_float(-a.f);
    if (op == WOP_POS) return a;
    break;
  case WT_OBJ:
    if (a.o->type->flags & TYPE_USER) {
      WStr *name = op == WOP_NEG ? N.neg : op == WOP_POS ? N.pos : N.invert;
      WValue m = typeLookup(a.o->type, name);
      if (m.tag != WT_UNBOUND) return callWithSelf(m, a, 0, nullptr);
    }
    break;
  }
  static const char *sym[3] = {"-", "+", "~"};
  return raiseFormat(T.TypeError, "bad operand type for unary %s: '%s'", sym[op], typeName(a));
}

} // extern "C"
