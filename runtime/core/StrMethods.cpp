// StrMethods.cpp: the searching, splitting and joining methods of str
// (find/index/count, split/rsplit/splitlines, join, strip, replace,
// partition, startswith/endswith, removeprefix/suffix, format). Indices that
// cross the API are code points; internally everything works on UTF-8 bytes,
// converting at the edges (free for ASCII strings). Behaviour and error
// messages follow CPython's Objects/unicodeobject.c. Case, predicates,
// padding and encode are in StrMethods2.cpp.
#include "core/Text.h"

#include <cstring>

namespace weft::rt {

namespace {

std::string_view sv(WValue v) {
  WStr *s = asWStr(v);
  return std::string_view(s->data, size_t(s->nbytes));
}

WValue emptyStr() { return makeStr("", 0); }

/// A substring of [self]: an ASCII parent's pieces need no code-point count.
inline WValue piece(WValue self, std::string_view bytes) {
  return makeStr(bytes, asWStr(self)->ascii ? int64_t(bytes.size()) : -1);
}

/// Byte range of the code-point range [start, end) given as optional
/// arguments.
bool byteRange(WValue self, WValue start, WValue end, size_t &b0, size_t &b1, int64_t &c0,
               int64_t &c1) {
  WStr *s = asWStr(self);
  if (!adjustRange(start, end, s->length, c0, c1)) return false;
  if (c1 < c0) {
    b0 = b1 = 0;
    return true;
  }
  b0 = codePointOffset(s, c0);
  b1 = codePointOffset(s, c1);
  return true;
}

bool needStr(WValue v, const char *what) {
  if (isStrVal(v)) return true;
  raiseFormat(T.TypeError, "%s must be str, not %s", what, typeName(v));
  return false;
}

/// find/rfind/index/rindex: -1 (or -2 on error) when not found.
int64_t findImpl(WValue self, WValue *a, bool reverse) {
  if (!isStrVal(a[0])) {
    raiseFormat(T.TypeError, "must be str, not %s", typeName(a[0]));
    return -2;
  }
  size_t b0, b1;
  int64_t c0, c1;
  if (!byteRange(self, a[1], a[2], b0, b1, c0, c1)) return -2;
  std::string_view sub = sv(a[0]);
  if (c1 < c0) return -1;
  std::string_view hay = sv(self).substr(b0, b1 - b0);
  if (sub.size() > hay.size()) return -1;
  size_t pos = reverse ? hay.rfind(sub) : hay.find(sub);
  if (pos == std::string_view::npos) return -1;
  return c0 + (asWStr(self)->ascii ? int64_t(pos) : countCodePoints(hay.substr(0, pos)));
}

WValue m_find(WValue self, WValue *a) {
  int64_t r = findImpl(self, a, false);
  return r == -2 ? wrt_errv() : wrt_int(r);
}
WValue m_rfind(WValue self, WValue *a) {
  int64_t r = findImpl(self, a, true);
  return r == -2 ? wrt_errv() : wrt_int(r);
}
WValue m_index(WValue self, WValue *a) {
  int64_t r = findImpl(self, a, false);
  if (r == -1) return raise(T.ValueError, "substring not found");
  return r == -2 ? wrt_errv() : wrt_int(r);
}
WValue m_rindex(WValue self, WValue *a) {
  int64_t r = findImpl(self, a, true);
  if (r == -1) return raise(T.ValueError, "substring not found");
  return r == -2 ? wrt_errv() : wrt_int(r);
}

WValue m_count(WValue self, WValue *a) {
  if (!isStrVal(a[0])) return raiseFormat(T.TypeError, "must be str, not %s", typeName(a[0]));
  size_t b0, b1;
  int64_t c0, c1;
  if (!byteRange(self, a[1], a[2], b0, b1, c0, c1)) return wrt_errv();
  if (c1 < c0) return wrt_int(0);
  std::string_view sub = sv(a[0]);
  std::string_view hay = sv(self).substr(b0, b1 - b0);
  if (sub.empty()) return wrt_int(c1 - c0 + 1);
  int64_t n = 0;
  size_t pos = 0;
  while ((pos = hay.find(sub, pos)) != std::string_view::npos) {
    ++n;
    pos += sub.size();
  }
  return wrt_int(n);
}

/// Whitespace test at byte [i]; sets [len] to the code point's byte length.
inline bool spaceAt(std::string_view s, size_t i, size_t &len) {
  uint8_t c = uint8_t(s[i]);
  if (c < 0x80) {
    len = 1;
    return (c >= 9 && c <= 13) || (c >= 0x1C && c <= 0x20);
  }
  size_t j = i;
  uint32_t cp = decodeUtf8(s, j);
  len = j - i;
  return isSpaceCp(cp);
}

bool getMaxsplit(WValue v, int64_t &out) {
  if (v.tag == WT_INT || v.tag == WT_BOOL) {
    out = v.i < 0 ? INT64_MAX : v.i;
    return true;
  }
  raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
  return false;
}

WValue m_split(WValue self, WValue *a) {
  int64_t maxsplit;
  if (!getMaxsplit(a[1], maxsplit)) return wrt_errv();
  std::string_view s = sv(self);
  WValue result = newList(0);
  WList *l = reinterpret_cast<WList *>(result.o);
  if (a[0].tag == WT_NONE) {
    size_t i = 0, n = s.size(), len;
    while (i < n) {
      while (i < n && spaceAt(s, i, len)) i += len;
      if (i >= n) break;
      if (maxsplit-- <= 0) {
        // The rest as it is: CPython keeps its trailing whitespace.
        listAppend(l, piece(self, s.substr(i)));
        break;
      }
      size_t j = i;
      while (j < n && !spaceAt(s, j, len)) j += len;
      listAppend(l, piece(self, s.substr(i, j - i)));
      i = j;
    }
    return result;
  }
  if (!isStrVal(a[0])) return raiseFormat(T.TypeError, "must be str or None, not %s", typeName(a[0]));
  std::string_view sep = sv(a[0]);
  if (sep.empty()) return raise(T.ValueError, "empty separator");
  size_t i = 0, pos;
  while (maxsplit > 0 && (pos = s.find(sep, i)) != std::string_view::npos) {
    listAppend(l, piece(self, s.substr(i, pos - i)));
    i = pos + sep.size();
    --maxsplit;
  }
  listAppend(l, i == 0 ? self : piece(self, s.substr(i)));
  return result;
}

void reverseList(WList *l) {
  for (int64_t i = 0, j = l->size - 1; i < j; ++i, --j) {
    WValue t = l->items[i];
    l->items[i] = l->items[j];
    l->items[j] = t;
  }
}

WValue m_rsplit(WValue self, WValue *a) {
  int64_t maxsplit;
  if (!getMaxsplit(a[1], maxsplit)) return wrt_errv();
  std::string_view s = sv(self);
  WValue result = newList(0);
  WList *l = reinterpret_cast<WList *>(result.o);
  if (a[0].tag == WT_NONE) {
    // Scan from the end; step back over whole code points.
    auto prevStart = [&](size_t e) {
      size_t k = e - 1;
      while (k > 0 && (uint8_t(s[k]) & 0xC0) == 0x80) --k;
      return k;
    };
    size_t e = s.size(), len;
    while (e > 0) {
      while (e > 0) {
        size_t k = prevStart(e);
        if (!spaceAt(s, k, len)) break;
        e = k;
      }
      if (e == 0) break;
      if (maxsplit-- <= 0) {
        listAppend(l, piece(self, s.substr(0, e)));
        break;
      }
      size_t b = e;
      while (b > 0) {
        size_t k = prevStart(b);
        if (spaceAt(s, k, len)) break;
        b = k;
      }
      listAppend(l, piece(self, s.substr(b, e - b)));
      e = b;
    }
    reverseList(l);
    return result;
  }
  if (!isStrVal(a[0])) return raiseFormat(T.TypeError, "must be str or None, not %s", typeName(a[0]));
  std::string_view sep = sv(a[0]);
  if (sep.empty()) return raise(T.ValueError, "empty separator");
  size_t e = s.size();
  while (maxsplit > 0 && e >= sep.size()) {
    size_t pos = s.substr(0, e).rfind(sep);
    if (pos == std::string_view::npos) break;
    listAppend(l, piece(self, s.substr(pos + sep.size(), e - pos - sep.size())));
    e = pos;
    --maxsplit;
  }
  listAppend(l, e == s.size() ? self : piece(self, s.substr(0, e)));
  reverseList(l);
  return result;
}

WValue m_splitlines(WValue self, WValue *a) {
  int keep = truthy(a[0]);
  if (keep < 0) return wrt_errv();
  std::string_view s = sv(self);
  WValue result = newList(0);
  WList *l = reinterpret_cast<WList *>(result.o);
  size_t i = 0, n = s.size();
  while (i < n) {
    size_t j = i, eol = 0;
    while (j < n) {
      uint8_t c = uint8_t(s[j]);
      if (c == '\n' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E)) {
        eol = 1;
        break;
      }
      if (c == '\r') {
        eol = (j + 1 < n && s[j + 1] == '\n') ? 2 : 1;
        break;
      }
      if (c == 0xC2 && j + 1 < n && uint8_t(s[j + 1]) == 0x85) {
        eol = 2;
        break;
      }
      if (c == 0xE2 && j + 2 < n && uint8_t(s[j + 1]) == 0x80 &&
          (uint8_t(s[j + 2]) == 0xA8 || uint8_t(s[j + 2]) == 0xA9)) {
        eol = 3;
        break;
      }
      ++j;
    }
    listAppend(l, piece(self, s.substr(i, j - i + (keep ? eol : 0))));
    i = j + eol;
  }
  return result;
}

WValue m_join(WValue self, WValue *a) {
  std::string_view sep = sv(self);
  WValue seq = a[0];
  WValue *items = nullptr;
  int64_t n = 0;
  WValue listv = seq;
  WTypeObj *t = typeOf(seq);
  if (t == T.list) {
    items = reinterpret_cast<WList *>(seq.o)->items;
    n = reinterpret_cast<WList *>(seq.o)->size;
  } else if (t == T.tuple) {
    items = reinterpret_cast<WTuple *>(seq.o)->items;
    n = reinterpret_cast<WTuple *>(seq.o)->size;
  } else {
    // Materialise any other iterable (generators, dict keys, str...).
    WValue it = wrt_iter(seq);
    if (it.tag == WT_ERR) {
      return raise(T.TypeError, "can only join an iterable");
    }
    listv = newList(0);
    for (;;) {
      WValue x = wrt_next(it);
      if (x.tag == WT_ERR) return x;
      if (x.tag == WT_UNBOUND) break;
      listAppend(reinterpret_cast<WList *>(listv.o), x);
    }
    items = reinterpret_cast<WList *>(listv.o)->items;
    n = reinterpret_cast<WList *>(listv.o)->size;
  }
  if (n == 0) return emptyStr();
  size_t total = sep.size() * size_t(n - 1);
  int64_t length = asWStr(self)->length * (n - 1);
  for (int64_t i = 0; i < n; ++i) {
    if (!isStrVal(items[i]))
      return raiseFormat(T.TypeError, "sequence item %lld: expected str instance, %s found",
                         (long long)i, typeName(items[i]));
    total += size_t(asWStr(items[i])->nbytes);
    length += asWStr(items[i])->length;
  }
  if (n == 1) return items[0];
  std::string out;
  out.reserve(total);
  for (int64_t i = 0; i < n; ++i) {
    if (i) out.append(sep);
    WStr *x = asWStr(items[i]);
    out.append(x->data, size_t(x->nbytes));
  }
  return makeStr(out, length);
}

/// strip/lstrip/rstrip: [mode] 1 left, 2 right, 3 both.
WValue stripImpl(WValue self, WValue chars, int mode) {
  std::string_view s = sv(self);
  size_t b = 0, e = s.size(), len;
  if (chars.tag == WT_NONE) {
    if (mode & 1)
      while (b < e && spaceAt(s, b, len)) b += len;
    if (mode & 2)
      while (e > b) {
        size_t k = e - 1;
        while (k > b && (uint8_t(s[k]) & 0xC0) == 0x80) --k;
        if (!spaceAt(s, k, len)) break;
        e = k;
      }
  } else {
    if (!isStrVal(chars))
      return raiseFormat(T.TypeError, "%s arg must be None or str",
                         mode == 3 ? "strip" : mode == 1 ? "lstrip" : "rstrip");
    std::string_view cs = sv(chars);
    auto inSet = [&](size_t at, size_t &l) {
      size_t j = at;
      decodeUtf8(s, j);
      l = j - at;
      std::string_view one = s.substr(at, l);
      // A code point is in the set when its bytes occur as a whole code point.
      size_t p = 0;
      while ((p = cs.find(one, p)) != std::string_view::npos) {
        if (p == 0 || (uint8_t(cs[p]) & 0xC0) != 0x80) return true;
        ++p;
      }
      return false;
    };
    if (mode & 1)
      while (b < e && inSet(b, len)) b += len;
    if (mode & 2)
      while (e > b) {
        size_t k = e - 1;
        while (k > b && (uint8_t(s[k]) & 0xC0) == 0x80) --k;
        if (!inSet(k, len)) break;
        e = k;
      }
  }
  if (b == 0 && e == s.size()) return self;
  return piece(self, s.substr(b, e - b));
}

WValue m_strip(WValue self, WValue *a) { return stripImpl(self, a[0], 3); }
WValue m_lstrip(WValue self, WValue *a) { return stripImpl(self, a[0], 1); }
WValue m_rstrip(WValue self, WValue *a) { return stripImpl(self, a[0], 2); }

WValue m_replace(WValue self, WValue *a) {
  if (!needStr(a[0], "replace() argument 1") || !needStr(a[1], "replace() argument 2"))
    return wrt_errv();
  int64_t count;
  if (!getMaxsplit(a[2], count)) return wrt_errv();
  std::string_view s = sv(self), from = sv(a[0]), to = sv(a[1]);
  std::string out;
  if (from.empty()) {
    // Insert [to] before every code point and at the end, up to count times.
    size_t i = 0;
    while (i <= s.size()) {
      if (count > 0) {
        out.append(to);
        --count;
      }
      if (i == s.size()) break;
      size_t j = i;
      decodeUtf8(s, j);
      out.append(s.substr(i, j - i));
      i = j;
    }
    return makeStr(out);
  }
  size_t i = 0, pos;
  bool any = false;
  while (count > 0 && (pos = s.find(from, i)) != std::string_view::npos) {
    if (!any) out.reserve(s.size());
    any = true;
    out.append(s.substr(i, pos - i));
    out.append(to);
    i = pos + from.size();
    --count;
  }
  if (!any) return self;
  out.append(s.substr(i));
  return makeStr(out);
}

WValue partitionImpl(WValue self, WValue sepv, bool reverse) {
  if (!isStrVal(sepv)) return raiseFormat(T.TypeError, "must be str, not %s", typeName(sepv));
  std::string_view s = sv(self), sep = sv(sepv);
  if (sep.empty()) return raise(T.ValueError, "empty separator");
  size_t pos = reverse ? s.rfind(sep) : s.find(sep);
  if (pos == std::string_view::npos)
    return reverse ? newTupleOf({emptyStr(), emptyStr(), self})
                   : newTupleOf({self, emptyStr(), emptyStr()});
  return newTupleOf({piece(self, s.substr(0, pos)), sepv, piece(self, s.substr(pos + sep.size()))});
}

WValue m_partition(WValue self, WValue *a) { return partitionImpl(self, a[0], false); }
WValue m_rpartition(WValue self, WValue *a) { return partitionImpl(self, a[0], true); }

/// startswith/endswith with a str or a tuple of str.
WValue affixImpl(WValue self, WValue *a, bool end, const char *name) {
  size_t b0, b1;
  int64_t c0, c1;
  if (!byteRange(self, a[1], a[2], b0, b1, c0, c1)) return wrt_errv();
  std::string_view s = sv(self);
  auto test = [&](WValue p) -> int {
    if (!isStrVal(p)) return -1;
    if (c0 > asWStr(self)->length) return 0;
    if (c1 < c0) return 0;
    std::string_view hay = s.substr(b0, b1 - b0), x = sv(p);
    if (x.size() > hay.size()) return 0;
    return end ? hay.substr(hay.size() - x.size()) == x : hay.substr(0, x.size()) == x;
  };
  if (a[0].tag == WT_OBJ && typeOf(a[0]) == T.tuple) {
    auto *t = reinterpret_cast<WTuple *>(a[0].o);
    for (int64_t i = 0; i < t->size; ++i) {
      int r = test(t->items[i]);
      if (r < 0)
        return raiseFormat(T.TypeError,
                           "tuple for %s must only contain str, not %s", name,
                           typeName(t->items[i]));
      if (r) return wrt_bool(1);
    }
    return wrt_bool(0);
  }
  int r = test(a[0]);
  if (r < 0)
    return raiseFormat(T.TypeError, "%s first arg must be str or a tuple of str, not %s", name,
                       typeName(a[0]));
  return wrt_bool(r);
}

WValue m_startswith(WValue self, WValue *a) { return affixImpl(self, a, false, "startswith"); }
WValue m_endswith(WValue self, WValue *a) { return affixImpl(self, a, true, "endswith"); }

WValue m_removeprefix(WValue self, WValue *a) {
  if (!isStrVal(a[0]))
    return raiseFormat(T.TypeError, "removeprefix() argument must be str, not %s",
                       typeName(a[0]));
  std::string_view s = sv(self), p = sv(a[0]);
  if (!p.empty() && s.substr(0, p.size()) == p) return makeStr(s.substr(p.size()));
  return self;
}

WValue m_removesuffix(WValue self, WValue *a) {
  if (!isStrVal(a[0]))
    return raiseFormat(T.TypeError, "removesuffix() argument must be str, not %s",
                       typeName(a[0]));
  std::string_view s = sv(self), p = sv(a[0]);
  if (!p.empty() && s.size() >= p.size() && s.substr(s.size() - p.size()) == p)
    return makeStr(s.substr(0, s.size() - p.size()));
  return self;
}

WValue m_format(WValue self, WValue *a) {
  auto *args = reinterpret_cast<WTuple *>(a[0].o);
  WDict *kw = a[1].tag == WT_OBJ ? reinterpret_cast<WDict *>(a[1].o) : nullptr;
  return strFormatMethod(sv(self), args->size, args->items, kw);
}

} // namespace

WValue newTupleOf(std::initializer_list<WValue> items) {
  WValue t = newTuple(int64_t(items.size()));
  WValue *dst = reinterpret_cast<WTuple *>(t.o)->items;
  for (WValue v : items) *dst++ = v;
  return t;
}

bool adjustRange(WValue start, WValue end, int64_t length, int64_t &s, int64_t &e) {
  auto get = [](WValue v, int64_t dflt, int64_t &out) {
    if (v.tag == WT_NONE || v.tag == WT_UNBOUND) {
      out = dflt;
      return true;
    }
    if (v.tag == WT_INT || v.tag == WT_BOOL) {
      out = v.i;
      return true;
    }
    raise(T.TypeError, "slice indices must be integers or None or have an __index__ method");
    return false;
  };
  if (!get(start, 0, s) || !get(end, length, e)) return false;
  if (e > length) e = length;
  else if (e < 0) {
    e += length;
    if (e < 0) e = 0;
  }
  if (s < 0) {
    s += length;
    if (s < 0) s = 0;
  }
  return true;
}

void initStrMethods1() {
  WTypeObj *t = T.str;
  WEFT_TEXT_METHOD(t, "find", m_find, "self, sub, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "rfind", m_rfind, "self, sub, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "index", m_index, "self, sub, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "rindex", m_rindex, "self, sub, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "count", m_count, "self, sub, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "split", m_split, "self, sep=None, maxsplit=-1");
  WEFT_TEXT_METHOD(t, "rsplit", m_rsplit, "self, sep=None, maxsplit=-1");
  WEFT_TEXT_METHOD(t, "splitlines", m_splitlines, "self, keepends=False");
  WEFT_TEXT_METHOD(t, "join", m_join, "self, iterable, /");
  WEFT_TEXT_METHOD(t, "strip", m_strip, "self, chars=None, /");
  WEFT_TEXT_METHOD(t, "lstrip", m_lstrip, "self, chars=None, /");
  WEFT_TEXT_METHOD(t, "rstrip", m_rstrip, "self, chars=None, /");
  WEFT_TEXT_METHOD(t, "replace", m_replace, "self, old, new, count=-1, /");
  WEFT_TEXT_METHOD(t, "partition", m_partition, "self, sep, /");
  WEFT_TEXT_METHOD(t, "rpartition", m_rpartition, "self, sep, /");
  WEFT_TEXT_METHOD(t, "startswith", m_startswith, "self, prefix, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "endswith", m_endswith, "self, suffix, start=None, end=None, /");
  WEFT_TEXT_METHOD(t, "removeprefix", m_removeprefix, "self, prefix, /");
  WEFT_TEXT_METHOD(t, "removesuffix", m_removesuffix, "self, suffix, /");
  WEFT_TEXT_METHOD(t, "format", m_format, "self, *args, **kwargs");
}

} // namespace weft::rt
