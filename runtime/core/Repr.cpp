// Repr.cpp: repr() and str() of every non-text value: None, bools, ints,
// floats (through rt-text's floatRepr), containers (with CPython's "[...]"
// for self-reference), functions, classes, modules, exceptions and user
// instances (__repr__/__str__, else "<__main__.Shape object at 0x...>").
// str and bytes themselves are rt-text's (strRepr, bytesRepr).
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <charconv>
#include <cstdio>
#include <vector>

namespace weft::rt {

namespace {

/// Containers being printed on this thread, for "[...]" / "{...}". Only
/// compared by address, never dereferenced, so a plain vector is safe.
thread_local std::vector<const void *> *reprStack;

struct ReprGuard {
  bool recursive = false;
  const void *p;
  explicit ReprGuard(const void *obj) : p(obj) {
    if (!reprStack) reprStack = new std::vector<const void *>();
    for (const void *q : *reprStack)
      if (q == obj) recursive = true;
    if (!recursive) reprStack->push_back(obj);
  }
  ~ReprGuard() {
    if (!recursive) reprStack->pop_back();
  }
};

void appendInt(std::string &out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void appendAddr(std::string &out, const void *p) {
  char buf[32];
  snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)reinterpret_cast<uintptr_t>(p));
  out += buf;
}

bool appendItems(std::string &out, const WValue *items, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    if (i) out += ", ";
    if (!appendRepr(out, items[i])) return false;
  }
  return true;
}

bool appendDict(std::string &out, WDict *d) {
  out += '{';
  int64_t pos = 0;
  WDictEntry *e;
  bool first = true;
  while (dictNext(d, pos, e)) {
    if (!first) out += ", ";
    first = false;
    if (!appendRepr(out, e->key)) return false;
    out += ": ";
    if (!appendRepr(out, e->value)) return false;
  }
  out += '}';
  return true;
}

bool appendSetItems(std::string &out, WDict *d) {
  int64_t pos = 0;
  WDictEntry *e;
  bool first = true;
  while (dictNext(d, pos, e)) {
    if (!first) out += ", ";
    first = false;
    if (!appendRepr(out, e->key)) return false;
  }
  return true;
}

bool appendView(std::string &out, WValue v) {
  WDictView *view = reinterpret_cast<WDictView *>(v.o);
  out += v.o->type->name;
  out += "([";
  int64_t pos = 0;
  WDictEntry *e;
  bool first = true;
  while (dictNext(view->dict, pos, e)) {
    if (!first) out += ", ";
    first = false;
    if (v.o->type == T.dictKeys) {
      if (!appendRepr(out, e->key)) return false;
    } else if (v.o->type == T.dictValues) {
      if (!appendRepr(out, e->value)) return false;
    } else {
      out += '(';
      if (!appendRepr(out, e->key)) return false;
      out += ", ";
      if (!appendRepr(out, e->value)) return false;
      out += ')';
    }
  }
  out += "])";
  return true;
}

const char *funcQualname(WValue f) {
  if (isKind(f, Kind::Func)) {
    // A __qualname__ assigned to the function (functools.wraps) names it.
    auto *fn = reinterpret_cast<WFunc *>(f.o);
    if (fn->dict) {
      WValue q = dictGetStr(reinterpret_cast<WDict *>(fn->dict), internStr("__qualname__"));
      if (isStr(q)) return asStr(q)->data;
    }
    return fn->info->qualname;
  }
  if (isKind(f, Kind::NativeFunc)) return reinterpret_cast<WNativeFunc *>(f.o)->info->qualname;
  return "?";
}

void appendTypeName(std::string &out, WTypeObj *t) {
  if (t->module && std::string_view(t->module) != "builtins") {
    out += t->module;
    out += '.';
  }
  out += t->qualname;
}

/// A user __repr__/__str__ result, checked to be a str.
bool appendDunder(std::string &out, WValue m, WValue self, const char *which) {
  WValue r = callWithSelf(m, self, 0, nullptr);
  if (r.tag == WT_ERR) return false;
  if (!isStr(r)) {
    raiseFormat(T.TypeError, "%s returned non-string (type %s)", which, typeName(r));
    return false;
  }
  out += strView(r);
  return true;
}

bool appendObjectRepr(std::string &out, WValue v) {
  WTypeObj *t = v.o->type;
  switch (t->kind) {
  case Kind::Str: {
    WValue r = strRepr(v);
    if (r.tag == WT_ERR) return false;
    out += strView(r);
    return true;
  }
  case Kind::Bytes: {
    WValue r = bytesRepr(v);
    if (r.tag == WT_ERR) return false;
    out += strView(r);
    return true;
  }
  case Kind::List: {
    ReprGuard g(v.o);
    if (g.recursive) { out += "[...]"; return true; }
    out += '[';
    if (!appendItems(out, asList(v)->items, asList(v)->size)) return false;
    out += ']';
    return true;
  }
  case Kind::Tuple: {
    WTuple *tu = asTuple(v);
    ReprGuard g(v.o);
    if (g.recursive) { out += "(...)"; return true; }
    out += '(';
    if (!appendItems(out, tu->items, tu->size)) return false;
    out += tu->size == 1 ? ",)" : ")";
    return true;
  }
  case Kind::Dict: {
    ReprGuard g(v.o);
    if (g.recursive) { out += "{...}"; return true; }
    return appendDict(out, asDict(v));
  }
  case Kind::Set: {
    if (asDict(v)->size == 0) { out += "set()"; return true; }
    ReprGuard g(v.o);
    if (g.recursive) { out += "set(...)"; return true; }
    out += '{';
    if (!appendSetItems(out, asDict(v))) return false;
    out += '}';
    return true;
  }
  case Kind::DictView: {
    ReprGuard g(v.o);
    if (g.recursive) { out += "..."; return true; }
    return appendView(out, v);
  }
  case Kind::Range: {
    WRange *r = reinterpret_cast<WRange *>(v.o);
    out += "range(";
    appendInt(out, r->start);
    out += ", ";
    appendInt(out, r->stop);
    if (r->step != 1) {
      out += ", ";
      appendInt(out, r->step);
    }
    out += ')';
    return true;
  }
  case Kind::Slice: {
    WSlice *s = reinterpret_cast<WSlice *>(v.o);
    out += "slice(";
    if (!appendRepr(out, s->start)) return false;
    out += ", ";
    if (!appendRepr(out, s->stop)) return false;
    out += ", ";
    if (!appendRepr(out, s->step)) return false;
    out += ')';
    return true;
  }
  case Kind::Type:
    if (asType(v)->flags & TYPE_ENUM) {
      out += "<enum '";
      out += asType(v)->name;
      out += "'>";
      return true;
    }
    out += "<class '";
    appendTypeName(out, asType(v));
    out += "'>";
    return true;
  case Kind::Func:
    out += "<function ";
    out += funcQualname(v);
    out += " at ";
    appendAddr(out, v.o);
    out += '>';
    return true;
  case Kind::NativeFunc: {
    auto *nf = reinterpret_cast<WNativeFunc *>(v.o);
    out += "<built-in function ";
    out += nf->info->name;
    out += '>';
    return true;
  }
  case Kind::BoundMethod: {
    auto *bm = reinterpret_cast<WBoundMethod *>(v.o);
    if (isKind(bm->func, Kind::NativeFunc) && !(typeOf(bm->self)->flags & TYPE_USER)) {
      out += "<built-in method ";
      out += reinterpret_cast<WNativeFunc *>(bm->func.o)->info->name;
      out += " of ";
      out += typeName(bm->self);
      out += " object at ";
      appendAddr(out, bm->self.tag == WT_OBJ ? bm->self.o : nullptr);
      out += '>';
      return true;
    }
    out += "<bound method ";
    out += funcQualname(bm->func);
    out += " of ";
    if (!appendRepr(out, bm->self)) return false;
    out += '>';
    return true;
  }
  case Kind::Module: {
    auto *m = reinterpret_cast<WModule *>(v.o);
    out += "<module '";
    out += std::string_view(m->name->data, size_t(m->name->nbytes));
    out += "'>";
    return true;
  }
  case Kind::Generator:
  case Kind::Coroutine:
  case Kind::AsyncGenerator: {
    auto *c = reinterpret_cast<WCoro *>(v.o);
    out += '<';
    out += t->name;
    out += " object ";
    out += c->info ? c->info->qualname : "?";
    out += " at ";
    appendAddr(out, v.o);
    out += '>';
    return true;
  }
  case Kind::Cell:
    out += "<cell at ";
    appendAddr(out, v.o);
    out += '>';
    return true;
  default: break;
  }
  if (t == T.notImplementedType) { out += "NotImplemented"; return true; }
  if (t == T.ellipsisType) { out += "Ellipsis"; return true; }
  // User classes: __repr__ anywhere in the chain (exceptions too).
  WValue m = typeLookup(t, N.repr);
  if (m.tag != WT_UNBOUND) return appendDunder(out, m, v, "__repr__");
  out += '<';
  appendTypeName(out, t);
  out += " object at ";
  appendAddr(out, v.o);
  out += '>';
  return true;
}

} // namespace

bool appendRepr(std::string &out, WValue v) {
  switch (v.tag) {
  case WT_NONE: out += "None"; return true;
  case WT_BOOL: out += v.i ? "True" : "False"; return true;
  case WT_INT: appendInt(out, v.i); return true;
  case WT_FLOAT: out += floatRepr(v.f); return true;
  case WT_OBJ: return appendObjectRepr(out, v);
  case WT_UNBOUND: out += "<unbound>"; return true;
  default: out += "<error>"; return true;
  }
}

bool appendStr(std::string &out, WValue v) {
  if (v.tag != WT_OBJ) return appendRepr(out, v);
  WTypeObj *t = v.o->type;
  if (t->kind == Kind::Str) {
    out += strView(v);
    return true;
  }
  if (t->flags & TYPE_USER) {
    WValue m = typeLookup(t, N.str);
    // BaseException's native __str__ is the args-based one: use excStr.
    if (m.tag != WT_UNBOUND && !(t->kind == Kind::Exception && isKind(m, Kind::NativeFunc)))
      return appendDunder(out, m, v, "__str__");
  }
  if (t->kind == Kind::Exception) {
    WValue s = excStr(v);
    if (s.tag == WT_ERR) return false;
    out += strView(s);
    return true;
  }
  return appendRepr(out, v);
}

WValue repr(WValue v) {
  if (isStr(v)) return strRepr(v);
  std::string out;
  if (!appendRepr(out, v)) return wrt_errv();
  return newStr(out);
}

WValue str(WValue v) {
  if (isStr(v)) return v;
  std::string out;
  if (!appendStr(out, v)) return wrt_errv();
  return newStr(out);
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_str(WValue v) { return str(v); }
WValue wrt_repr(WValue v) { return repr(v); }

} // extern "C"
