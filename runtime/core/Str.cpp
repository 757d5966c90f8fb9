// Str.cpp: the str type's core behaviour that rt-core's generic dispatch
// calls: repr, hash, equality and ordering, +, *, indexing and slicing by
// code point, `in`, iteration and len. Storage is UTF-8 (Object.h's WStr);
// a string that is pure ASCII indexes in O(1), others walk lead bytes.
// Methods (str.split and friends) are in StrMethods*.cpp.
#include "core/Text.h"

#include <cstring>

namespace weft::rt {

namespace {

/// One-character strings for ASCII, made once: iteration and indexing of
/// ASCII text then allocate nothing. The array lives in the data segment,
/// which the collector scans.
WValue asciiChars[128];

WValue charStr(std::string_view bytes) {
  if (bytes.size() == 1 && uint8_t(bytes[0]) < 0x80) {
    WValue &c = asciiChars[uint8_t(bytes[0])];
    if (c.tag != WT_OBJ) c = makeStr(bytes, 1);
    return c;
  }
  return makeStr(bytes, 1);
}

/// Length in bytes of the code point whose lead byte is [c].
inline size_t cpLen(uint8_t c) { return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2; }

WValue strIterNext(WIterator *it) {
  WStr *s = asStr(it->source);
  int64_t at = it->index; // byte offset
  if (at >= s->nbytes) return wrt_unbound();
  size_t n = cpLen(uint8_t(s->data[at]));
  it->index = at + int64_t(n);
  return charStr(std::string_view(s->data + at, n));
}

} // namespace

bool normIndex(int64_t &i, int64_t length) {
  if (i < 0) i += length;
  return i >= 0 && i < length;
}

WValue strRepr(WValue s) {
  std::string out;
  appendStrRepr(out, strView(s));
  return makeStr(out);
}

int64_t strHash(WStr *s) {
  if (s->hash != -1) return s->hash;
  // FNV-1a over the UTF-8 bytes; equal strings have equal bytes.
  uint64_t h = 1469598103934665603ull;
  for (int64_t i = 0; i < s->nbytes; ++i) {
    h ^= uint8_t(s->data[i]);
    h *= 1099511628211ull;
  }
  int64_t r = int64_t(h >> 1); // non-negative, so never -1
  s->hash = r;
  return r;
}

bool strEquals(WStr *a, WStr *b) {
  if (a == b) return true;
  if (a->nbytes != b->nbytes) return false;
  if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) return false;
  return std::memcmp(a->data, b->data, size_t(a->nbytes)) == 0;
}

int strCompare(WStr *a, WStr *b) {
  // UTF-8 byte order is code point order.
  int64_t n = a->nbytes < b->nbytes ? a->nbytes : b->nbytes;
  int c = std::memcmp(a->data, b->data, size_t(n));
  if (c) return c;
  return a->nbytes < b->nbytes ? -1 : a->nbytes > b->nbytes ? 1 : 0;
}

int64_t strLength(WValue s) { return asStr(s)->length; }

WValue strConcat(WValue a, WValue b) {
  if (!isStr(b)) {
    return raiseFormat(T.TypeError, "can only concatenate str (not \"%s\") to str", typeName(b));
  }
  WStr *x = asStr(a), *y = asStr(b);
  if (y->nbytes == 0) return a;
  if (x->nbytes == 0) return b;
  WValue parts[2] = {a, b};
  return wrt_str_join_n(2, parts);
}

WValue strRepeat(WValue s, int64_t n) {
  WStr *x = asStr(s);
  if (n <= 0 || x->nbytes == 0) return makeStr("", 0);
  if (n == 1) return s;
  if (x->nbytes > INT64_MAX / n) return raise(T.OverflowError, "repeated string is too long");
  size_t total = size_t(x->nbytes * n);
  if (total > (size_t(1) << 36)) return raise(T.MemoryError, "");
  auto *r = static_cast<WStr *>(gcAllocAtomic(sizeof(WStr) + total + 1));
  if (!r) return raise(T.MemoryError, "");
  r->hdr.type = reinterpret_cast<WType *>(T.str);
  r->nbytes = int64_t(total);
  r->length = x->length * n;
  r->hash = -1;
  r->interned = false;
  r->ascii = x->ascii;
  if (x->nbytes == 1) {
    std::memset(r->data, x->data[0], total);
  } else {
    // Doubling copies: log(n) memcpy calls.
    std::memcpy(r->data, x->data, size_t(x->nbytes));
    size_t done = size_t(x->nbytes);
    while (done < total) {
      size_t chunk = done < total - done ? done : total - done;
      std::memcpy(r->data + done, r->data, chunk);
      done += chunk;
    }
  }
  r->data[total] = 0;
  return wrt_obj(r);
}

WValue strGetItem(WValue s, WValue index) {
  WStr *x = asStr(s);
  if (index.tag == WT_INT || index.tag == WT_BOOL) {
    int64_t i = index.i;
    if (!normIndex(i, x->length)) return raise(T.IndexError, "string index out of range");
    if (x->ascii) return charStr(std::string_view(x->data + i, 1));
    size_t off = codePointOffset(x, i);
    return charStr(std::string_view(x->data + off, cpLen(uint8_t(x->data[off]))));
  }
  if (index.tag == WT_OBJ && typeOf(index) == T.slice) {
    int64_t start, stop, step;
    int64_t count = sliceIndices(reinterpret_cast<WSlice *>(index.o), x->length, start, stop, step);
    if (count < 0) return wrt_errv();
    if (count <= 0) return makeStr("", 0);
    if (step == 1) {
      if (count == x->length) return s;
      size_t b0 = codePointOffset(x, start);
      size_t b1 = size_t(stop);
      if (!x->ascii) {
        // Walk from b0 over [count] code points.
        b1 = b0;
        for (int64_t k = 0; k < count; ++k) b1 += cpLen(uint8_t(x->data[b1]));
      }
      return makeStr(std::string_view(x->data + b0, b1 - b0), count);
    }
    std::string out;
    if (x->ascii) {
      out.resize(size_t(count));
      for (int64_t k = 0, i = start; k < count; ++k, i += step) out[size_t(k)] = x->data[i];
      return makeStr(out, count);
    }
    // Non-ASCII with a step: index the code points once.
    std::string_view v(x->data, size_t(x->nbytes));
    int64_t *offs = static_cast<int64_t *>(gcAllocAtomic(sizeof(int64_t) * size_t(x->length + 1)));
    size_t b = 0;
    for (int64_t k = 0; k < x->length; ++k) {
      offs[k] = int64_t(b);
      b += cpLen(uint8_t(v[b]));
    }
    offs[x->length] = int64_t(b);
    for (int64_t k = 0, i = start; k < count; ++k, i += step)
      out.append(v.substr(size_t(offs[i]), size_t(offs[i + 1] - offs[i])));
    return makeStr(out, count);
  }
  return raiseFormat(T.TypeError, "string indices must be integers, not '%s'", typeName(index));
}

int strContains(WValue s, WValue sub) {
  if (!isStr(sub)) {
    raiseFormat(T.TypeError, "'in <string>' requires string as left operand, not %s",
                typeName(sub));
    return -1;
  }
  return strView(s).find(strView(sub)) != std::string_view::npos;
}

WValue strIter(WValue s) {
  auto *it = static_cast<WIterator *>(gcAlloc(sizeof(WIterator)));
  it->hdr.type = reinterpret_cast<WType *>(T.iterator);
  it->next = strIterNext;
  it->source = s;
  it->index = 0;
  return wrt_obj(it);
}

} // namespace weft::rt
