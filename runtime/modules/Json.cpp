// Json.cpp: the native `json` module: dumps/dump and loads/load with
// CPython 3.11's output and errors. The encoder follows json.encoder's
// pure-Python encoder byte for byte (separators, indent, ensure_ascii
// escapes, float repr with NaN/Infinity, key coercion, sort_keys, default=,
// circular-reference checks); the decoder follows json.scanner and
// json.decoder, raising JSONDecodeError (a ValueError) with CPython's
// "msg: line L column C (char P)" messages, positions counted in code
// points. Integers are 64-bit, as everywhere in Weft: a larger literal
// raises OverflowError.
#include "core/Text.h"
#include "task/Errors.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace weft::rt {

namespace {

WTypeObj *decodeErrorType;

// ---------------------------------------------------------------- encoder

struct Encoder {
  bool ensureAscii = true, allowNan = true, sortKeys = false, skipKeys = false, checkCircular = true;
  std::string indent;  ///< the indent unit; hasIndent says whether there is one
  bool hasIndent = false;
  std::string itemSep = ", ", keySep = ": ";
  WValue defaultFn = wrt_unbound();
  std::vector<WObj *> active;  ///< containers being encoded (circular check)
  std::string out;
};

void appendU(std::string &out, uint32_t u) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", u);
  out += buf;
}

void encodeString(Encoder &e, std::string_view s) {
  e.out += '"';
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    uint32_t c = decodeUtf8(s, i);
    switch (c) {
    case '"': e.out += "\\\""; continue;
    case '\\': e.out += "\\\\"; continue;
    case '\n': e.out += "\\n"; continue;
    case '\r': e.out += "\\r"; continue;
    case '\t': e.out += "\\t"; continue;
    case '\b': e.out += "\\b"; continue;
    case '\f': e.out += "\\f"; continue;
    default: break;
    }
    if (c < 0x20) {
      appendU(e.out, c);
    } else if (c < 0x80 || !e.ensureAscii) {
      e.out.append(s.substr(start, i - start));
    } else if (c < 0x10000) {
      appendU(e.out, c);
    } else {
      uint32_t v = c - 0x10000;
      appendU(e.out, 0xD800 | (v >> 10));
      appendU(e.out, 0xDC00 | (v & 0x3FF));
    }
  }
  e.out += '"';
}

bool encodeFloat(Encoder &e, double d) {
  if (std::isnan(d) || std::isinf(d)) {
    if (!e.allowNan) {
      raise(T.ValueError, "Out of range float values are not JSON compliant");
      return false;
    }
    e.out += std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    return true;
  }
  e.out += floatRepr(d);
  return true;
}

void newline(Encoder &e, int level) {
  e.out += '\n';
  for (int i = 0; i < level; i++) e.out += e.indent;
}

bool encodeValue(Encoder &e, WValue v, int level);

/// Guards a container against being encoded inside itself.
struct Visit {
  Encoder &e;
  bool ok = true;
  Visit(Encoder &enc, WObj *o) : e(enc) {
    if (!e.checkCircular) return;
    if (std::find(e.active.begin(), e.active.end(), o) != e.active.end()) {
      raise(T.ValueError, "Circular reference detected");
      ok = false;
      return;
    }
    e.active.push_back(o);
  }
  ~Visit() {
    if (ok && e.checkCircular) e.active.pop_back();
  }
};

bool encodeArray(Encoder &e, WValue *items, int64_t n, WObj *o, int level) {
  if (n == 0) {
    e.out += "[]";
    return true;
  }
  Visit visit(e, o);
  if (!visit.ok) return false;
  e.out += '[';
  for (int64_t i = 0; i < n; i++) {
    if (i) e.out += e.itemSep;
    if (e.hasIndent) newline(e, level + 1);
    if (!encodeValue(e, items[i], level + 1)) return false;
  }
  if (e.hasIndent) newline(e, level);
  e.out += ']';
  return true;
}

/// A key as JSON wants it: str as is; int, float, bool and None spelled out.
/// False (with nothing pending) for a key skipkeys drops; ERR otherwise.
int keyText(Encoder &e, WValue k, std::string &text) {
  if (isStr(k)) {
    text = std::string(strView(k));
    return 1;
  }
  if (k.tag == WT_BOOL) text = k.i ? "true" : "false";
  else if (k.tag == WT_NONE) text = "null";
  else if (k.tag == WT_INT) text = std::to_string(k.i);
  else if (k.tag == WT_FLOAT) {
    Encoder tmp;
    tmp.allowNan = e.allowNan;
    if (!encodeFloat(tmp, k.f)) return -1;
    text = tmp.out;
  } else if (e.skipKeys) {
    return 0;
  } else {
    raiseFormat(T.TypeError, "keys must be str, int, float, bool or None, not %s", typeName(k));
    return -1;
  }
  return 1;
}

bool encodeObject(Encoder &e, WDict *d, int level) {
  if (d->size == 0) {
    e.out += "{}";
    return true;
  }
  Visit visit(e, &d->hdr);
  if (!visit.ok) return false;
  std::vector<WDictEntry *> entries;
  WDictEntry *ent;
  for (int64_t pos = 0; dictNext(d, pos, ent);) entries.push_back(ent);
  if (e.sortKeys) {
    bool failed = false;
    std::stable_sort(entries.begin(), entries.end(), [&](WDictEntry *a, WDictEntry *b) {
      if (failed) return false;
      WValue lt = wrt_compare(WOP_LT, a->key, b->key);
      if (lt.tag == WT_ERR) {
        failed = true;
        return false;
      }
      return lt.i != 0;
    });
    if (failed) return false;
  }
  e.out += '{';
  bool first = true;
  for (WDictEntry *entry : entries) {
    std::string key;
    int r = keyText(e, entry->key, key);
    if (r < 0) return false;
    if (r == 0) continue;
    if (!first) e.out += e.itemSep;
    first = false;
    if (e.hasIndent) newline(e, level + 1);
    encodeString(e, key);
    e.out += e.keySep;
    if (!encodeValue(e, entry->value, level + 1)) return false;
  }
  if (e.hasIndent) newline(e, level);
  e.out += '}';
  return true;
}

bool encodeValue(Encoder &e, WValue v, int level) {
  switch (v.tag) {
  case WT_NONE: e.out += "null"; return true;
  case WT_BOOL: e.out += v.i ? "true" : "false"; return true;
  case WT_INT: e.out += std::to_string(v.i); return true;
  case WT_FLOAT: return encodeFloat(e, v.f);
  case WT_OBJ: break;
  default: raise(T.TypeError, "Object is not JSON serializable"); return false;
  }
  switch (v.o->type->kind) {
  case Kind::Str: encodeString(e, strView(v)); return true;
  case Kind::List: return encodeArray(e, asList(v)->items, asList(v)->size, v.o, level);
  case Kind::Tuple: return encodeArray(e, asTuple(v)->items, asTuple(v)->size, v.o, level);
  case Kind::Dict: return encodeObject(e, asDict(v), level);
  default: break;
  }
  if (e.defaultFn.tag == WT_UNBOUND || e.defaultFn.tag == WT_NONE) {
    raiseFormat(T.TypeError, "Object of type %s is not JSON serializable", typeName(v));
    return false;
  }
  Visit visit(e, v.o);
  if (!visit.ok) return false;
  WValue r = call(e.defaultFn, 1, &v);
  if (r.tag == WT_ERR) return false;
  return encodeValue(e, r, level);
}

bool isUnset(WValue v) { return v.tag == WT_UNBOUND || v.tag == WT_NONE; }

/// dumps(obj, *, skipkeys, ensure_ascii, check_circular, allow_nan, cls,
/// indent, separators, default, sort_keys): a[0..9].
WValue dumpsImpl(WNativeFunc *, WValue *a) {
  Encoder e;
  auto flag = [](WValue v, bool dflt) { return v.tag == WT_UNBOUND ? dflt : truthy(v) == 1; };
  e.skipKeys = flag(a[1], false);
  e.ensureAscii = flag(a[2], true);
  e.checkCircular = flag(a[3], true);
  e.allowNan = flag(a[4], true);
  if (!isUnset(a[6])) {
    e.hasIndent = true;
    if (isIntLike(a[6])) e.indent = std::string(size_t(std::max<int64_t>(a[6].i, 0)), ' ');
    else if (isStr(a[6])) e.indent = std::string(strView(a[6]));
    else return raiseTypeError("indent must be an int or a str, not %s", typeName(a[6]));
    e.itemSep = ",";
  }
  if (!isUnset(a[7])) {
    WValue seps = a[7];
    if (!isKind(seps, Kind::Tuple) && !isKind(seps, Kind::List))
      return raise(T.TypeError, "separators must be an (item_separator, key_separator) tuple");
    int64_t n = isKind(seps, Kind::Tuple) ? asTuple(seps)->size : asList(seps)->size;
    WValue *items = isKind(seps, Kind::Tuple) ? asTuple(seps)->items : asList(seps)->items;
    if (n != 2 || !isStr(items[0]) || !isStr(items[1]))
      return raise(T.TypeError, "separators must be an (item_separator, key_separator) tuple");
    e.itemSep = std::string(strView(items[0]));
    e.keySep = std::string(strView(items[1]));
  }
  e.defaultFn = a[8];
  e.sortKeys = flag(a[9], false);
  if (!encodeValue(e, a[0], 0)) return wrt_errv();
  return makeStr(e.out);
}

// ---------------------------------------------------------------- decoder

struct Decoder {
  std::string_view s;
  size_t pos = 0;
  WValue doc;
};

/// Raises JSONDecodeError for [msg] at byte offset [at].
WValue decodeError(Decoder &d, const char *msg, size_t at) {
  // Positions are in code points, as CPython counts them in a str.
  int64_t chr = 0, line = 1, col = 1;
  for (size_t i = 0; i < at && i < d.s.size(); i++) {
    auto c = static_cast<unsigned char>(d.s[i]);
    if ((c & 0xC0) == 0x80) continue;
    chr++;
    if (c == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, ": line %lld column %lld (char %lld)", static_cast<long long>(line),
                static_cast<long long>(col), static_cast<long long>(chr));
  WValue exc = newExceptionMsg(decodeErrorType, std::string(msg) + buf);
  if (exc.tag == WT_ERR) return exc;
  setAttr(exc, internStr("msg"), makeStr(msg));
  setAttr(exc, internStr("doc"), d.doc);
  setAttr(exc, internStr("pos"), wrt_int(chr));
  setAttr(exc, internStr("lineno"), wrt_int(line));
  setAttr(exc, internStr("colno"), wrt_int(col));
  return restoreError(exc.o);
}

void skipWs(Decoder &d) {
  while (d.pos < d.s.size() && (d.s[d.pos] == ' ' || d.s[d.pos] == '\t' || d.s[d.pos] == '\n' || d.s[d.pos] == '\r'))
    d.pos++;
}

int hex4(std::string_view s, size_t at) {
  if (at + 4 > s.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + 4; i++) {
    int h = hexDigitValue(s[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/// A string whose opening quote is at d.pos - 1.
WValue scanString(Decoder &d) {
  size_t begin = d.pos - 1;
  std::string out;
  for (;;) {
    if (d.pos >= d.s.size()) return decodeError(d, "Unterminated string starting at", begin);
    auto c = static_cast<unsigned char>(d.s[d.pos]);
    if (c == '"') {
      d.pos++;
      return makeStr(out);
    }
    if (c < 0x20) return decodeError(d, "Invalid control character at", d.pos);
    if (c != '\\') {
      out += char(c);
      d.pos++;
      continue;
    }
    if (d.pos + 1 >= d.s.size()) return decodeError(d, "Unterminated string starting at", begin);
    char esc = d.s[d.pos + 1];
    const char *simple = nullptr;
    switch (esc) {
    case '"': simple = "\""; break;
    case '\\': simple = "\\"; break;
    case '/': simple = "/"; break;
    case 'b': simple = "\b"; break;
    case 'f': simple = "\f"; break;
    case 'n': simple = "\n"; break;
    case 'r': simple = "\r"; break;
    case 't': simple = "\t"; break;
    default: break;
    }
    if (simple) {
      out += simple;
      d.pos += 2;
      continue;
    }
    if (esc != 'u') return decodeError(d, "Invalid \\escape", d.pos);
    int u = hex4(d.s, d.pos + 2);
    if (u < 0) return decodeError(d, "Invalid \\uXXXX escape", d.pos + 1);
    d.pos += 6;
    uint32_t cp = uint32_t(u);
    if (cp >= 0xD800 && cp <= 0xDBFF && d.pos + 1 < d.s.size() && d.s[d.pos] == '\\' && d.s[d.pos + 1] == 'u') {
      int lo = hex4(d.s, d.pos + 2);
      if (lo < 0) return decodeError(d, "Invalid \\uXXXX escape", d.pos + 1);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (uint32_t(lo) - 0xDC00);
        d.pos += 6;
      }
    }
    appendUtf8(out, cp);
  }
}

WValue scanValue(Decoder &d, int depth);

WValue scanNumber(Decoder &d) {
  size_t start = d.pos;
  size_t i = d.pos;
  if (i < d.s.size() && d.s[i] == '-') i++;
  if (i >= d.s.size() || !(d.s[i] >= '0' && d.s[i] <= '9')) return decodeError(d, "Expecting value", start);
  if (d.s[i] == '0') i++;
  else
    while (i < d.s.size() && d.s[i] >= '0' && d.s[i] <= '9') i++;
  bool isFloat = false;
  if (i + 1 < d.s.size() && d.s[i] == '.' && d.s[i + 1] >= '0' && d.s[i + 1] <= '9') {
    isFloat = true;
    i++;
    while (i < d.s.size() && d.s[i] >= '0' && d.s[i] <= '9') i++;
  }
  if (i < d.s.size() && (d.s[i] == 'e' || d.s[i] == 'E')) {
    size_t j = i + 1;
    if (j < d.s.size() && (d.s[j] == '+' || d.s[j] == '-')) j++;
    if (j < d.s.size() && d.s[j] >= '0' && d.s[j] <= '9') {
      while (j < d.s.size() && d.s[j] >= '0' && d.s[j] <= '9') j++;
      i = j;
      isFloat = true;
    }
  }
  std::string text(d.s.substr(start, i - start));
  d.pos = i;
  if (isFloat) return wrt_float(std::strtod(text.c_str(), nullptr));
  errno = 0;
  long long v = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE) return raise(T.OverflowError, "int too large to convert to a 64-bit Weft int");
  return wrt_int(v);
}

bool startsAt(Decoder &d, const char *word) {
  size_t n = std::strlen(word);
  return d.s.compare(d.pos, n, word) == 0;
}

WValue scanObject(Decoder &d, int depth) {
  WValue obj = newDict();
  skipWs(d);
  if (d.pos < d.s.size() && d.s[d.pos] == '}') {
    d.pos++;
    return obj;
  }
  for (;;) {
    if (d.pos >= d.s.size() || d.s[d.pos] != '"')
      return decodeError(d, "Expecting property name enclosed in double quotes", d.pos);
    d.pos++;
    WValue key = scanString(d);
    if (key.tag == WT_ERR) return key;
    skipWs(d);
    if (d.pos >= d.s.size() || d.s[d.pos] != ':') return decodeError(d, "Expecting ':' delimiter", d.pos);
    d.pos++;
    skipWs(d);
    WValue value = scanValue(d, depth + 1);
    if (value.tag == WT_ERR) return value;
    if (dictSet(asDict(obj), key, value).tag == WT_ERR) return wrt_errv();
    skipWs(d);
    if (d.pos < d.s.size() && d.s[d.pos] == '}') {
      d.pos++;
      return obj;
    }
    if (d.pos >= d.s.size() || d.s[d.pos] != ',') return decodeError(d, "Expecting ',' delimiter", d.pos);
    d.pos++;
    skipWs(d);
  }
}

WValue scanArray(Decoder &d, int depth) {
  WValue list = newList(0);
  skipWs(d);
  if (d.pos < d.s.size() && d.s[d.pos] == ']') {
    d.pos++;
    return list;
  }
  for (;;) {
    WValue value = scanValue(d, depth + 1);
    if (value.tag == WT_ERR) return value;
    listAppend(asList(list), value);
    skipWs(d);
    if (d.pos < d.s.size() && d.s[d.pos] == ']') {
      d.pos++;
      return list;
    }
    if (d.pos >= d.s.size() || d.s[d.pos] != ',') return decodeError(d, "Expecting ',' delimiter", d.pos);
    d.pos++;
    skipWs(d);
  }
}

WValue scanValue(Decoder &d, int depth) {
  // CPython's C scanner recurses too; past this depth it raises RecursionError.
  if (depth > 900) return raise(T.RecursionError, "maximum recursion depth exceeded while decoding a JSON document");
  if (d.pos >= d.s.size()) return decodeError(d, "Expecting value", d.pos);
  char c = d.s[d.pos];
  switch (c) {
  case '"': d.pos++; return scanString(d);
  case '{': d.pos++; return scanObject(d, depth);
  case '[': d.pos++; return scanArray(d, depth);
  default: break;
  }
  struct Word { const char *text; WValue value; };
  const Word words[] = {{"null", wrt_none()}, {"true", wrt_bool(1)}, {"false", wrt_bool(0)},
                        {"NaN", wrt_float(NAN)}, {"Infinity", wrt_float(INFINITY)}, {"-Infinity", wrt_float(-INFINITY)}};
  for (const Word &w : words)
    if (startsAt(d, w.text)) {
      d.pos += std::strlen(w.text);
      return w.value;
    }
  if (c == '-' || (c >= '0' && c <= '9')) return scanNumber(d);
  return decodeError(d, "Expecting value", d.pos);
}

WValue loadsImpl(WNativeFunc *, WValue *a) {
  WValue doc = a[0];
  std::string_view text;
  if (isStr(doc)) {
    text = strView(doc);
  } else if (isKind(doc, Kind::Bytes)) {
    auto *b = reinterpret_cast<WBytes *>(doc.o);
    doc = makeStr(std::string_view(b->data, size_t(b->size)));
    text = strView(doc);
  } else {
    return raiseFormat(T.TypeError, "the JSON object must be str, bytes or bytearray, not %s", typeName(doc));
  }
  Decoder d{text, 0, doc};
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB &&
      static_cast<unsigned char>(text[2]) == 0xBF)
    return decodeError(d, "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
  skipWs(d);
  WValue v = scanValue(d, 0);
  if (v.tag == WT_ERR) return v;
  skipWs(d);
  if (d.pos != text.size()) return decodeError(d, "Extra data", d.pos);
  return v;
}

// ---------------------------------------------------------------- dump / load

WValue dumpImpl(WNativeFunc *f, WValue *a) {
  // a[0] obj, a[1] fp, a[2..] as dumps's keywords.
  WValue args[10] = {a[0], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]};
  WValue s = dumpsImpl(f, args);
  if (s.tag == WT_ERR) return s;
  WValue r = callMethod(a[1], "write", 1, &s);
  return r.tag == WT_ERR ? r : wrt_none();
}

WValue loadImpl(WNativeFunc *f, WValue *a) {
  WValue text = callMethod(a[0], "read", 0, nullptr);
  if (text.tag == WT_ERR) return text;
  return loadsImpl(f, &text);
}

WValue initJson() {
  decodeErrorType = newType("JSONDecodeError", T.ValueError, Kind::Exception, "json.decoder");
  decodeErrorType->flags |= TYPE_EXCEPTION;
  WValue m = newModule("json");
#define WEFT_JSON_KEYWORDS \
  "skipkeys=?, ensure_ascii=?, check_circular=?, allow_nan=?, cls=?, indent=?, separators=?, default=?, sort_keys=?"
  moduleSet(m, "dumps", makeNative("dumps", dumpsImpl, "obj, *, " WEFT_JSON_KEYWORDS));
  moduleSet(m, "dump", makeNative("dump", dumpImpl, "obj, fp, *, " WEFT_JSON_KEYWORDS));
#undef WEFT_JSON_KEYWORDS
  moduleSet(m, "loads", makeNative("loads", loadsImpl, "s"));
  moduleSet(m, "load", makeNative("load", loadImpl, "fp"));
  moduleSet(m, "JSONDecodeError", wrt_obj(decodeErrorType));
  return m;
}

} // namespace

void initJsonModule() { registerModule("json", initJson); }

} // namespace weft::rt
