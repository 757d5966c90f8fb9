// Format.cpp: format(x, spec) for every value (wrt_format), the f-string
// concatenation (wrt_str_join_n, of strs and of the scalars the compiler
// leaves unformatted) and the engine of str.format, a port of
// CPython's Objects/stringlib/unicode_format.h (MarkupIterator, field names
// with .attr and [key], !r/!s/!a conversions, nested {} inside a spec). The
// per-type spec formatting lives in FormatSpec.cpp.
#include "core/Text.h"

#include <cstring>

namespace weft::rt {

namespace {

bool isStrValue(WValue v) { return isStr(v); }

/// ascii(): repr with every non-ASCII code point escaped.
bool toAsciiString(WValue v, std::string &out) {
  std::string r;
  if (!toReprString(v, r)) return false;
  appendAsciiEscaped(out, r);
  return true;
}

} // namespace

bool toStdString(WValue v, std::string &out) {
  if (isStrValue(v)) {
    out.append(strView(v));
    return true;
  }
  WValue s = str(v);
  if (s.tag == WT_ERR) return false;
  out.append(strView(s));
  return true;
}

bool toReprString(WValue v, std::string &out) {
  WValue s = repr(v);
  if (s.tag == WT_ERR) return false;
  out.append(strView(s));
  return true;
}

/// format(value, spec) appended to [out]: the builtin types directly, user
/// classes through their __format__, anything else through str() when the
/// spec is empty (object.__format__).
bool formatValueInto(WValue v, std::string_view spec, std::string &out) {
  FormatSpec f;
  switch (v.tag) {
  case WT_INT:
    if (spec.empty()) {
      appendDecimal(out, v.i);
      return true;
    }
    return parseFormatSpec(spec, '>', "int", f) && formatIntSpec(v.i, f, "int", out);
  case WT_BOOL:
    if (spec.empty()) {
      out += v.i ? "True" : "False";
      return true;
    }
    return parseFormatSpec(spec, '>', "bool", f) && formatIntSpec(v.i, f, "bool", out);
  case WT_FLOAT:
    if (spec.empty()) {
      out += floatRepr(v.f);
      return true;
    }
    return parseFormatSpec(spec, '>', "float", f) && formatFloatSpec(v.f, f, "float", out);
  default:
    break;
  }
  WTypeObj *t = typeOf(v);
  if (t == T.str) {
    if (spec.empty()) {
      out.append(strView(v));
      return true;
    }
    return parseFormatSpec(spec, '<', "str", f) && formatStrSpec(strView(v), f, "str", out);
  }
  if (t->flags & TYPE_USER) {
    WValue fn = typeLookup(t, internStr("__format__"));
    if (fn.tag != WT_UNBOUND) {
      WValue args[2] = {v, makeStr(spec)};
      WValue r = call(fn, 2, args);
      if (r.tag == WT_ERR) return false;
      if (!isStrValue(r)) {
        raiseFormat(T.TypeError, "__format__ must return a str, not %s", typeName(r));
        return false;
      }
      out.append(strView(r));
      return true;
    }
  }
  if (!spec.empty()) {
    raiseFormat(T.TypeError, "unsupported format string passed to %s.__format__", t->name);
    return false;
  }
  return toStdString(v, out);
}

// ------------------------------------------------------------ str.format

namespace {

struct FormatState {
  int64_t nargs;
  WValue *args;
  WDict *kwargs;
  int autoNumber = 0; ///< 0 unknown, 1 automatic, 2 manual
  int64_t nextIndex = 0;
};

bool parseIndex(std::string_view s, int64_t &out) {
  if (s.empty() || s.size() > 18) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

/// Resolves a field name ("", "0", "name", "0.attr", "name[key]") to a value.
bool getField(FormatState &st, std::string_view name, WValue &out) {
  size_t end = 0;
  while (end < name.size() && name[end] != '.' && name[end] != '[') ++end;
  std::string_view first = name.substr(0, end);
  int64_t index = 0;
  if (first.empty() || parseIndex(first, index)) {
    if (first.empty()) {
      if (st.autoNumber == 2) {
        raise(T.ValueError,
              "cannot switch from manual field specification to automatic field numbering");
        return false;
      }
      st.autoNumber = 1;
      index = st.nextIndex++;
    } else {
      if (st.autoNumber == 1) {
        raise(T.ValueError,
              "cannot switch from automatic field numbering to manual field specification");
        return false;
      }
      st.autoNumber = 2;
    }
    if (index >= st.nargs) {
      raiseFormat(T.IndexError, "Replacement index %lld out of range for positional args tuple",
                  (long long)index);
      return false;
    }
    out = st.args[index];
  } else {
    WValue key = makeStr(first);
    WValue v = st.kwargs ? dictGet(st.kwargs, key) : wrt_unbound();
    if (v.tag == WT_ERR) return false;
    if (v.tag == WT_UNBOUND) {
      WValue exc = call(wrt_obj(T.KeyError), 1, &key);
      if (exc.tag != WT_ERR) raiseValue(exc);
      return false;
    }
    out = v;
  }
  // The rest: .attr and [key] accessors.
  size_t i = end;
  while (i < name.size()) {
    if (name[i] == '.') {
      size_t j = i + 1;
      while (j < name.size() && name[j] != '.' && name[j] != '[') ++j;
      if (j == i + 1) {
        raise(T.ValueError, "Empty attribute in format string");
        return false;
      }
      WValue r = getAttr(out, internStr(name.substr(i + 1, j - i - 1)));
      if (r.tag == WT_ERR) return false;
      out = r;
      i = j;
    } else if (name[i] == '[') {
      size_t j = name.find(']', i);
      if (j == std::string_view::npos) {
        raise(T.ValueError, "Missing ']' in format string");
        return false;
      }
      std::string_view k = name.substr(i + 1, j - i - 1);
      if (k.empty()) {
        raise(T.ValueError, "Empty attribute in format string");
        return false;
      }
      int64_t ki;
      WValue key = parseIndex(k, ki) ? wrt_int(ki) : makeStr(k);
      WValue r = wrt_getitem(out, key);
      if (r.tag == WT_ERR) return false;
      out = r;
      i = j + 1;
      if (i < name.size() && name[i] != '.' && name[i] != '[') {
        raise(T.ValueError, "Only '.' or '[' may follow ']' in format field specifier");
        return false;
      }
    } else {
      raise(T.ValueError, "Only '.' or '[' may follow ']' in format field specifier");
      return false;
    }
  }
  return true;
}

bool buildFormat(FormatState &st, std::string_view fmt, int depth, std::string &out);

/// One replacement field's inside: name[!conv][:spec].
bool renderField(FormatState &st, std::string_view field, int depth, std::string &out) {
  // The field name ends at ':' or '!' outside brackets.
  size_t i = 0;
  while (i < field.size()) {
    char c = field[i];
    if (c == '[') {
      while (i < field.size() && field[i] != ']') ++i;
      if (i < field.size()) ++i;
      continue;
    }
    if (c == ':' || c == '!') break;
    if (c == '{') {
      raise(T.ValueError, "unexpected '{' in field name");
      return false;
    }
    ++i;
  }
  std::string_view name = field.substr(0, i);
  char conversion = 0;
  std::string_view spec;
  if (i < field.size() && field[i] == '!') {
    if (i + 1 >= field.size()) {
      raise(T.ValueError, "end of string while looking for conversion specifier");
      return false;
    }
    conversion = field[i + 1];
    i += 2;
    if (i < field.size() && field[i] != ':') {
      raise(T.ValueError, "expected ':' after conversion specifier");
      return false;
    }
  }
  if (i < field.size() && field[i] == ':') spec = field.substr(i + 1);
  WValue v;
  if (!getField(st, name, v)) return false;
  if (conversion) {
    std::string conv;
    switch (conversion) {
    case 'r': if (!toReprString(v, conv)) return false; break;
    case 's': if (!toStdString(v, conv)) return false; break;
    case 'a': if (!toAsciiString(v, conv)) return false; break;
    default:
      raiseFormat(T.ValueError, "Unknown conversion specifier %c", conversion);
      return false;
    }
    v = makeStr(conv);
  }
  // A spec may hold nested fields ("{:{w}.{p}f}"), expanded first.
  std::string expanded;
  if (spec.find('{') != std::string_view::npos) {
    if (depth <= 0) {
      raise(T.ValueError, "Max string recursion exceeded");
      return false;
    }
    if (!buildFormat(st, spec, depth - 1, expanded)) return false;
    spec = expanded;
  }
  return formatValueInto(v, spec, out);
}

bool buildFormat(FormatState &st, std::string_view fmt, int depth, std::string &out) {
  size_t i = 0, n = fmt.size();
  while (i < n) {
    char c = fmt[i];
    if (c == '}') {
      if (i + 1 < n && fmt[i + 1] == '}') {
        out.push_back('}');
        i += 2;
        continue;
      }
      raise(T.ValueError, "Single '}' encountered in format string");
      return false;
    }
    if (c != '{') {
      size_t j = i;
      while (j < n && fmt[j] != '{' && fmt[j] != '}') ++j;
      out.append(fmt.substr(i, j - i));
      i = j;
      continue;
    }
    if (i + 1 < n && fmt[i + 1] == '{') {
      out.push_back('{');
      i += 2;
      continue;
    }
    // Find the matching '}', counting nested braces.
    size_t j = i + 1;
    int level = 1;
    while (j < n) {
      if (fmt[j] == '{') ++level;
      else if (fmt[j] == '}' && --level == 0) break;
      ++j;
    }
    if (j >= n) {
      raise(T.ValueError, level > 1 || i + 1 < n ? "expected '}' before end of string"
                                                 : "Single '{' encountered in format string");
      return false;
    }
    if (!renderField(st, fmt.substr(i + 1, j - i - 1), depth, out)) return false;
    i = j + 1;
  }
  return true;
}

} // namespace

WValue strFormatMethod(std::string_view fmt, int64_t nargs, WValue *args, WDict *kwargs) {
  FormatState st{nargs, args, kwargs};
  std::string out;
  out.reserve(fmt.size() + 16);
  if (!buildFormat(st, fmt, 2, out)) return wrt_errv();
  return makeStr(out);
}

} // namespace weft::rt

extern "C" WValue wrt_format(WValue value, WValue spec) {
  using namespace weft::rt;
  std::string_view sp = strView(spec);
  if (sp.empty() && value.tag == WT_OBJ && typeOf(value) == T.str) return value;
  std::string out;
  if (!formatValueInto(value, sp, out)) return wrt_errv();
  return makeStr(out);
}

namespace weft::rt {
namespace {

/// wrt_str_join_n when some parts are ints, floats or bools: each is
/// formatted as format(v, "") would, which cannot run user code.
WValue joinWithScalars(int64_t n, WValue *parts) {
  std::string out;
  for (int64_t i = 0; i < n; ++i) {
    WValue v = parts[i];
    switch (v.tag) {
    case WT_INT: appendDecimal(out, v.i); break;
    case WT_FLOAT: out += floatRepr(v.f); break;
    case WT_BOOL: out += v.i ? "True" : "False"; break;
    default: out.append(strView(v)); break;
    }
  }
  return makeStr(out);
}

} // namespace
} // namespace weft::rt

extern "C" WValue wrt_str_join_n(int64_t n, WValue *parts) {
  using namespace weft::rt;
  for (int64_t i = 0; i < n; ++i)
    if (parts[i].tag != WT_OBJ) return joinWithScalars(n, parts);
  size_t total = 0;
  int64_t length = 0;
  for (int64_t i = 0; i < n; ++i) {
    auto *s = reinterpret_cast<WStr *>(parts[i].o);
    total += size_t(s->nbytes);
    length += s->length;
  }
  auto *r = static_cast<WStr *>(gcAllocAtomic(sizeof(WStr) + total + 1));
  r->hdr.type = reinterpret_cast<WType *>(T.str);
  r->nbytes = int64_t(total);
  r->length = length;
  r->hash = -1;
  r->interned = false;
  r->ascii = length == int64_t(total);
  char *p = r->data;
  for (int64_t i = 0; i < n; ++i) {
    auto *s = reinterpret_cast<WStr *>(parts[i].o);
    std::memcpy(p, s->data, size_t(s->nbytes));
    p += s->nbytes;
  }
  *p = 0;
  return wrt_obj(r);
}
