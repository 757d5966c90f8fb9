// Call.cpp: calling anything: compiled functions, native functions, bound
// methods, classes and callable instances. The binder maps positional and
// keyword arguments onto a WFuncInfo's slots (defaults, *args, **kwargs,
// keyword-only) with CPython's TypeError messages; compiled and native
// functions share it. Also: makeNative/addMethod, the native-definition API
// rt-text and rt-loop use, and wrt_func_new.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <cstring>
#include <string>
#include <vector>

namespace weft::rt {

ArgBuf::ArgBuf(int64_t n) {
  p = n <= 8 ? small : static_cast<WValue *>(gcAlloc(sizeof(WValue) * n));
}

namespace {

std::string quotedList(const std::vector<const char *> &names) {
  // CPython: 'a', 'a' and 'b', 'a', 'b', and 'c'.
  std::string out;
  for (size_t i = 0; i < names.size(); i++) {
    if (i) out += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    out += '\'';
    out += names[i];
    out += '\'';
  }
  return out;
}

WValue tooManyPositional(const WFuncInfo *info, const WValue *defaults, uint64_t optional,
                         int64_t given, int64_t kwonlyGiven) {
  int64_t maxPos = info->nposargs;
  int64_t minPos = maxPos;
  while (minPos > 0 && ((defaults && defaults[minPos - 1].tag != WT_UNBOUND) ||
                        (optional & (uint64_t(1) << (minPos - 1)))))
    minPos--;
  std::string msg = std::string(info->qualname) + "() takes ";
  if (minPos < maxPos)
    msg += "from " + std::to_string(minPos) + " to " + std::to_string(maxPos);
  else
    msg += std::to_string(maxPos);
  msg += maxPos == 1 && minPos == maxPos ? " positional argument" : " positional arguments";
  msg += " but " + std::to_string(given);
  if (kwonlyGiven) {
    msg += given == 1 ? " positional argument" : " positional arguments";
    msg += " (and " + std::to_string(kwonlyGiven) +
           (kwonlyGiven == 1 ? " keyword-only argument)" : " keyword-only arguments)");
    msg += " were given";
  } else {
    msg += given == 1 ? " was given" : " were given";
  }
  return raise(T.TypeError, msg);
}

} // namespace

/// Binds [argc] arguments ([kwnames] names the last len(kwnames) of them)
/// onto [info]'s slots in [out]. Returns false with TypeError pending.
bool bindArgs(const WFuncInfo *info, const WValue *defaults, uint64_t optional, int64_t nposonly,
              int64_t argc, const WValue *argv, WObj *kwnames, WValue *out) {
  int64_t nkw = kwnames ? reinterpret_cast<WTuple *>(kwnames)->size : 0;
  int64_t npos = argc - nkw;
  int64_t nposargs = info->nposargs;
  int64_t nparams = info->nparams;
  int64_t varargsSlot = info->has_varargs ? nposargs : -1;
  int64_t kwonlyStart = nposargs + (info->has_varargs ? 1 : 0);
  int64_t varkwSlot = info->has_varkw ? nparams - 1 : -1;
  for (int64_t i = 0; i < nparams; i++) out[i] = wrt_unbound();

  int64_t ncopy = npos < nposargs ? npos : nposargs;
  for (int64_t i = 0; i < ncopy; i++) out[i] = argv[i];
  if (npos > nposargs) {
    if (varargsSlot < 0) {
      int64_t kwonlyGiven = 0;
      for (int64_t k = 0; k < nkw; k++) {
        WStr *name = asStr(reinterpret_cast<WTuple *>(kwnames)->items[k]);
        for (int64_t j = kwonlyStart; j < kwonlyStart + info->nkwonly; j++)
          if (std::strcmp(info->param_names[j], name->data) == 0) kwonlyGiven++;
      }
      tooManyPositional(info, defaults, optional, npos, kwonlyGiven);
      return false;
    }
    out[varargsSlot] = newTupleFrom(npos - nposargs, argv + nposargs);
  } else if (varargsSlot >= 0) {
    out[varargsSlot] = newTuple(0);
  }
  WDict *kwdict = nullptr;
  if (varkwSlot >= 0) {
    kwdict = asDict(newDict());
    out[varkwSlot] = wrt_obj(kwdict);
  }
  // Keywords: match names (interned pointers first, then text).
  for (int64_t k = 0; k < nkw; k++) {
    WStr *name = asStr(reinterpret_cast<WTuple *>(kwnames)->items[k]);
    int64_t slot = -1;
    for (int64_t j = 0; j < nparams; j++) {
      if (j == varargsSlot || j == varkwSlot) continue;
      const char *pn = info->param_names[j];
      if (pn == name->data || std::strcmp(pn, name->data) == 0) {
        slot = j;
        break;
      }
    }
    if (slot >= 0 && slot < nposonly) slot = -2;
    if (slot < 0) {
      if (kwdict && slot == -1) {
        dictSetStr(kwdict, name, argv[npos + k]);
        continue;
      }
      if (slot == -2 && kwdict) {
        dictSetStr(kwdict, name, argv[npos + k]);
        continue;
      }
      if (slot == -2) {
        raiseFormat(T.TypeError,
                    "%s() got some positional-only arguments passed as keyword arguments: '%s'",
                    info->qualname, name->data);
        return false;
      }
      raiseFormat(T.TypeError, "%s() got an unexpected keyword argument '%s'", info->qualname,
                  name->data);
      return false;
    }
    if (out[slot].tag != WT_UNBOUND) {
      raiseFormat(T.TypeError, "%s() got multiple values for argument '%s'", info->qualname,
                  name->data);
      return false;
    }
    out[slot] = argv[npos + k];
  }
  // Defaults and missing arguments.
  std::vector<const char *> missing;
  for (int64_t i = 0; i < nposargs; i++) {
    if (out[i].tag != WT_UNBOUND) continue;
    if (defaults && defaults[i].tag != WT_UNBOUND) out[i] = defaults[i];
    else if (!(optional & (uint64_t(1) << i))) missing.push_back(info->param_names[i]);
  }
  if (!missing.empty()) {
    raiseFormat(T.TypeError, "%s() missing %zu required positional argument%s: %s",
                info->qualname, missing.size(), missing.size() == 1 ? "" : "s",
                quotedList(missing).c_str());
    return false;
  }
  for (int64_t i = kwonlyStart; i < kwonlyStart + info->nkwonly; i++) {
    if (out[i].tag != WT_UNBOUND) continue;
    if (defaults && defaults[i].tag != WT_UNBOUND) out[i] = defaults[i];
    else if (!(optional & (uint64_t(1) << i))) missing.push_back(info->param_names[i]);
  }
  if (!missing.empty()) {
    raiseFormat(T.TypeError, "%s() missing %zu required keyword-only argument%s: %s",
                info->qualname, missing.size(), missing.size() == 1 ? "" : "s",
                quotedList(missing).c_str());
    return false;
  }
  return true;
}

namespace {

WValue callCompiled(WFunc *f, int64_t argc, WValue *argv, WObj *kwnames) {
  const WFuncInfo *info = f->info;
  if (!kwnames && simpleCall(info, argc)) return f->code(f, argv);
  ArgBuf buf(info->nparams);
  if (!bindArgs(info, f->defaults, 0, 0, argc, argv, kwnames, buf.p)) return wrt_errv();
  return f->code(f, buf.p);
}

WValue callNative(WNativeFunc *f, int64_t argc, WValue *argv, WObj *kwnames) {
  const WFuncInfo *info = f->info;
  if (!kwnames && simpleCall(info, argc)) return f->code(f, argv);
  ArgBuf buf(info->nparams);
  if (!bindArgs(info, f->defaults, f->optional, f->nposonly, argc, argv, kwnames, buf.p))
    return wrt_errv();
  return f->code(f, buf.p);
}

bool isNone(WValue v) { return v.tag == WT_NONE; }

/// CPython 3.11's refusal to instantiate a class with abstract methods
/// (abc.ABC keeps their names, sorted, in __abstractmethods__).
WValue raiseAbstract(WTypeObj *t) {
  WValue names = typeLookup(t, internStr("__abstractmethods__"));
  std::string list;
  int64_t n = isKind(names, Kind::Tuple) ? asTuple(names)->size : 0;
  for (int64_t i = 0; i < n; ++i) {
    if (i) list += ", ";
    WValue s = asTuple(names)->items[i];
    if (isStr(s)) list += asStr(s)->data;
  }
  return raiseFormat(T.TypeError, "Can't instantiate abstract class %s with abstract method%s %s", t->name,
                     n == 1 ? "" : "s", list.c_str());
}

WValue callType(WTypeObj *t, int64_t argc, WValue *argv, WObj *kwnames) {
  int64_t nkw = kwnames ? asTuple(wrt_obj(kwnames))->size : 0;
  if (t == T.type && argc == 1 && nkw == 0) return wrt_obj(typeOf(argv[0]));
  if (t->ctor.tag != WT_UNBOUND) return callKw(t->ctor, argc, argv, kwnames);
  if (t->flags & TYPE_ABSTRACT) return raiseAbstract(t);
  WValue inst;
  if (t->kind == Kind::Exception) {
    inst = newException(t, newTupleFrom(argc - nkw, argv).o);
  } else if (t->kind == Kind::Instance && t != T.type) {
    auto *o = newObj<WInstance>(t);
    o->attrs = asDict(newDict());
    inst = wrt_obj(o);
  } else {
    return raiseFormat(T.TypeError, "cannot create '%s' instances", t->name);
  }
  WValue init = typeLookup(t, N.init);
  if (init.tag == WT_UNBOUND || isObjectInit(init)) {
    if (argc > 0) return raiseFormat(T.TypeError, "%s() takes no arguments", t->name);
    return inst;
  }
  if (t->kind == Kind::Exception && isKind(init, Kind::NativeFunc)) {
    if (nkw) return raiseFormat(T.TypeError, "%s() takes no keyword arguments", t->name);
    return inst; // BaseException.__init__: args already set
  }
  WValue r = callWithSelf(init, inst, argc, argv, kwnames);
  if (r.tag == WT_ERR) return r;
  if (!isNone(r))
    return raiseFormat(T.TypeError, "__init__() should return None, not '%s'", typeName(r));
  return inst;
}

} // namespace

WValue callKw(WValue callee, int64_t argc, WValue *argv, WObj *kwnames) {
  if (kwnames && asTuple(wrt_obj(kwnames))->size == 0) kwnames = nullptr;
  if (callee.tag != WT_OBJ)
    return raiseFormat(T.TypeError, "'%s' object is not callable", typeName(callee));
  WTypeObj *t = callee.o->type;
  switch (t->kind) {
  case Kind::Func: return callCompiled(reinterpret_cast<WFunc *>(callee.o), argc, argv, kwnames);
  case Kind::NativeFunc:
    return callNative(reinterpret_cast<WNativeFunc *>(callee.o), argc, argv, kwnames);
  case Kind::BoundMethod: {
    auto *bm = reinterpret_cast<WBoundMethod *>(callee.o);
    return callWithSelf(bm->func, bm->self, argc, argv, kwnames);
  }
  case Kind::Type: return callType(asType(callee), argc, argv, kwnames);
  case Kind::StaticMethod:
  case Kind::ClassMethod:
    // Python 3.10+: staticmethod objects are callable.
    return callKw(reinterpret_cast<WFuncWrapper *>(callee.o)->func, argc, argv, kwnames);
  default: break;
  }
  if (t->flags & TYPE_USER) {
    WValue m = typeLookup(t, N.call);
    if (m.tag != WT_UNBOUND) return callWithSelf(m, callee, argc, argv, kwnames);
  }
  return raiseFormat(T.TypeError, "'%s' object is not callable", t->name);
}

WValue call(WValue callee, int64_t argc, WValue *argv) {
  return callKw(callee, argc, argv, nullptr);
}

WValue callWithSelf(WValue fn, WValue self, int64_t argc, WValue *argv, WObj *kwnames) {
  if (isKind(fn, Kind::Func) && !kwnames) {
    WFunc *f = reinterpret_cast<WFunc *>(fn.o);
    if (simpleCall(f->info, argc + 1)) {
      ArgBuf buf(argc + 1);
      buf.p[0] = self;
      for (int64_t i = 0; i < argc; i++) buf.p[i + 1] = argv[i];
      return f->code(f, buf.p);
    }
  }
  ArgBuf buf(argc + 1);
  buf.p[0] = self;
  for (int64_t i = 0; i < argc; i++) buf.p[i + 1] = argv[i];
  return callKw(fn, argc + 1, buf.p, kwnames);
}

WValue callMethodStr(WValue obj, WStr *name, int64_t argc, WValue *argv, WObj *kwnames) {
  if (obj.tag == WT_OBJ) {
    WTypeObj *t = obj.o->type;
    Kind k = t->kind;
    bool plainInstance = (k == Kind::Instance || k == Kind::Exception) && t != T.object;
    if (plainInstance) {
      // Instance attributes shadow methods (a stored callback).
      WDict *attrs = reinterpret_cast<WInstance *>(obj.o)->attrs;
      if (attrs) {
        WValue v = dictGetStr(attrs, name);
        if (v.tag != WT_UNBOUND) return callKw(v, argc, argv, kwnames);
      }
    }
    if (k == Kind::Super) {
      // super().method(...): no proxy attribute, no bound method object.
      auto *sup = reinterpret_cast<WSuper *>(obj.o);
      WValue m = sup->startAfter->base ? typeLookup(sup->startAfter->base, name) : wrt_unbound();
      if (isKind(m, Kind::NativeFunc) ||
          (isKind(m, Kind::Func) &&
           !(reinterpret_cast<WFunc *>(m.o)->info->flags & (WFUNC_STATICMETHOD | WFUNC_CLASSMETHOD))))
        return callWithSelf(m, sup->self, argc, argv, kwnames);
    }
    if (plainInstance || !(k == Kind::Type || k == Kind::Module || k == Kind::Super)) {
      WValue m = typeLookup(t, name);
      if (m.tag == WT_OBJ) {
        Kind mk = m.o->type->kind;
        if (mk == Kind::Func) {
          int32_t fl = reinterpret_cast<WFunc *>(m.o)->info->flags;
          if (fl & WFUNC_STATICMETHOD) return callKw(m, argc, argv, kwnames);
          if (fl & WFUNC_CLASSMETHOD) return callWithSelf(m, wrt_obj(t), argc, argv, kwnames);
          return callWithSelf(m, obj, argc, argv, kwnames);
        }
        if (mk == Kind::NativeFunc) return callWithSelf(m, obj, argc, argv, kwnames);
      }
    }
  }
  WValue f = getAttr(obj, name);
  if (f.tag == WT_ERR) return f;
  return callKw(f, argc, argv, kwnames);
}

WValue callMethod(WValue obj, std::string_view name, int64_t argc, WValue *argv) {
  return callMethodStr(obj, internStr(name), argc, argv, nullptr);
}

// ---------------------------------------------------------------- natives

namespace {

WValue parseDefault(std::string_view d, bool &optional) {
  optional = false;
  if (d == "?") {
    optional = true;
    return wrt_unbound();
  }
  if (d == "None") return wrt_none();
  if (d == "True") return wrt_bool(1);
  if (d == "False") return wrt_bool(0);
  if (!d.empty() && (d[0] == '\'' || d[0] == '"')) return internValue(d.substr(1, d.size() - 2));
  std::string s(d);
  if (s.find_first_of(".eE") != std::string::npos && s.find("0x") == std::string::npos)
    return wrt_float(std::stod(s));
  return wrt_int(std::stoll(s, nullptr, 0));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

} // namespace

WValue makeNativeQual(const char *name, const char *qualname, WNativeCode code,
                      const char *params, WValue state) {
  auto *info = static_cast<WFuncInfo *>(gcAlloc(sizeof(WFuncInfo)));
  info->name = internStr(name)->data;
  info->qualname = internStr(qualname)->data;
  info->file = "<native>";
  // Parse the parameter list into slot order.
  std::vector<std::string_view> pos, kwonly;
  std::vector<std::string_view> posDef, kwDef;
  std::string_view varargs, varkw;
  int64_t nposonly = 0;
  bool inKwonly = false;
  std::string_view spec = params ? params : "";
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view tok = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (tok.empty()) continue;
    if (tok == "/") { nposonly = int64_t(pos.size()); continue; }
    if (tok == "*") { inKwonly = true; continue; }
    if (tok.substr(0, 2) == "**") { varkw = tok.substr(2); continue; }
    if (tok[0] == '*') { varargs = tok.substr(1); inKwonly = true; continue; }
    size_t eq = tok.find('=');
    std::string_view nm = trim(tok.substr(0, eq));
    std::string_view def = eq == std::string_view::npos ? std::string_view() : trim(tok.substr(eq + 1));
    (inKwonly ? kwonly : pos).push_back(nm);
    (inKwonly ? kwDef : posDef).push_back(def);
  }
  int64_t n = int64_t(pos.size() + kwonly.size()) + (varargs.empty() ? 0 : 1) + (varkw.empty() ? 0 : 1);
  auto **names = static_cast<const char **>(gcAlloc(sizeof(char *) * (n ? n : 1)));
  auto *defaults = static_cast<WValue *>(gcAlloc(sizeof(WValue) * (n ? n : 1)));
  uint64_t optional = 0;
  int64_t slot = 0;
  auto add = [&](std::string_view nm, std::string_view def) {
    names[slot] = internStr(nm)->data;
    defaults[slot] = wrt_unbound();
    if (!def.empty()) {
      bool opt;
      defaults[slot] = parseDefault(def, opt);
      if (opt) optional |= uint64_t(1) << slot;
    }
    slot++;
  };
  for (size_t i = 0; i < pos.size(); i++) add(pos[i], posDef[i]);
  if (!varargs.empty()) add(varargs, {});
  for (size_t i = 0; i < kwonly.size(); i++) add(kwonly[i], kwDef[i]);
  if (!varkw.empty()) add(varkw, {});
  info->param_names = names;
  info->nparams = int32_t(n);
  info->nposargs = int32_t(pos.size());
  info->nkwonly = int32_t(kwonly.size());
  info->has_varargs = !varargs.empty();
  info->has_varkw = !varkw.empty();
  auto *f = newObj<WNativeFunc>(T.builtinFunction);
  f->code = code;
  f->info = info;
  f->defaults = defaults;
  f->bound = state;
  f->optional = optional;
  f->nposonly = nposonly;
  return wrt_obj(f);
}

WValue makeNative(const char *name, WNativeCode code, const char *params, WValue state) {
  return makeNativeQual(name, name, code, params, state);
}

void addMethod(WTypeObj *type, const char *name, WNativeCode code, const char *params) {
  std::string qual = std::string(type->name) + "." + name;
  typeSetAttr(type, name, makeNativeQual(name, internStr(qual)->data, code, params, wrt_unbound()));
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_call(WValue callee, int64_t argc, WValue *argv) {
  if (callee.tag == WT_OBJ && callee.o->type->kind == Kind::Func) {
    WFunc *f = reinterpret_cast<WFunc *>(callee.o);
    if (simpleCall(f->info, argc)) return f->code(f, argv);
  }
  return callKw(callee, argc, argv, nullptr);
}

WValue wrt_call_kw(WValue callee, int64_t argc, WValue *argv, WObj *kwnames) {
  return callKw(callee, argc, argv, kwnames);
}

WValue wrt_call_ex(WValue callee, WValue args, WValue kwargs) {
  WValue posv = args;
  if (!isKind(posv, Kind::Tuple) && !isKind(posv, Kind::List)) {
    if (posv.tag != WT_OBJ || iter(posv).tag == WT_ERR) {
      if (errOccurred()) errClear();
      return raiseFormat(T.TypeError, "Value after * must be an iterable, not %s", typeName(args));
    }
    posv = listFromIterable(posv);
    if (posv.tag == WT_ERR) return posv;
  }
  int64_t npos = isKind(posv, Kind::Tuple) ? asTuple(posv)->size : asList(posv)->size;
  const WValue *pitems = isKind(posv, Kind::Tuple) ? asTuple(posv)->items : asList(posv)->items;
  int64_t nkw = 0;
  if (kwargs.tag != WT_NONE && kwargs.tag != WT_UNBOUND) {
    if (!isKind(kwargs, Kind::Dict))
      return raiseFormat(T.TypeError, "argument after ** must be a mapping, not %s",
                         typeName(kwargs));
    nkw = asDict(kwargs)->size;
  }
  ArgBuf buf(npos + nkw);
  for (int64_t i = 0; i < npos; i++) buf.p[i] = pitems[i];
  WObj *kwnames = nullptr;
  if (nkw) {
    WValue names = newTuple(nkw);
    int64_t pos = 0, k = 0;
    WDictEntry *e;
    while (dictNext(asDict(kwargs), pos, e)) {
      if (!isStr(e->key)) return raise(T.TypeError, "keywords must be strings");
      asTuple(names)->items[k] = e->key;
      buf.p[npos + k] = e->value;
      k++;
    }
    kwnames = names.o;
  }
  return callKw(callee, npos + nkw, buf.p, kwnames);
}

WValue wrt_call_method(WValue obj, WObj *name, int64_t argc, WValue *argv) {
  return callMethodStr(obj, reinterpret_cast<WStr *>(name), argc, argv, nullptr);
}

WValue wrt_call_method_kw(WValue obj, WObj *name, int64_t argc, WValue *argv, WObj *kwnames) {
  return callMethodStr(obj, reinterpret_cast<WStr *>(name), argc, argv, kwnames);
}

WValue wrt_func_new(WFuncCode code, const WFuncInfo *info, WValue *defaults, WCell **cells,
                    int64_t ncells) {
  auto *f = newObj<WFunc>(T.function);
  f->code = code;
  f->info = info;
  if (defaults) {
    f->defaults = static_cast<WValue *>(gcAlloc(sizeof(WValue) * (info->nparams ? info->nparams : 1)));
    std::memcpy(f->defaults, defaults, sizeof(WValue) * info->nparams);
  }
  if (ncells > 0) {
    f->cells = static_cast<WCell **>(gcAlloc(sizeof(WCell *) * ncells));
    std::memcpy(f->cells, cells, sizeof(WCell *) * ncells);
  }
  f->ncells = ncells;
  f->owner = wrt_unbound();
  return wrt_obj(f);
}

} // extern "C"
