// Type.cpp: interning, printing and the relations between types (join,
// assignability, widening, isinstance narrowing) that the type checker uses.
// Every relation errs on the side of acceptance: the checker must never
// refuse a valid program, so unknown and object satisfy everything and a
// union value is accepted when any of its members would be.
#include "sema/Type.h"

#include <algorithm>

namespace weft {

namespace {

/// The builtin exception hierarchy the checker knows (child, parent).
const char *const exceptionTree[][2] = {
    {"BaseException", nullptr},
    {"SystemExit", "BaseException"}, {"KeyboardInterrupt", "BaseException"},
    {"GeneratorExit", "BaseException"}, {"CancelledError", "BaseException"},
    {"BaseExceptionGroup", "BaseException"},
    {"Exception", "BaseException"}, {"ExceptionGroup", "Exception"},
    {"ArithmeticError", "Exception"}, {"ZeroDivisionError", "ArithmeticError"},
    {"OverflowError", "ArithmeticError"}, {"FloatingPointError", "ArithmeticError"},
    {"AssertionError", "Exception"}, {"AttributeError", "Exception"},
    {"BufferError", "Exception"}, {"EOFError", "Exception"},
    {"ImportError", "Exception"}, {"ModuleNotFoundError", "ImportError"},
    {"LookupError", "Exception"}, {"IndexError", "LookupError"}, {"KeyError", "LookupError"},
    {"MemoryError", "Exception"}, {"NameError", "Exception"}, {"UnboundLocalError", "NameError"},
    {"OSError", "Exception"}, {"ConnectionError", "OSError"},
    {"BrokenPipeError", "ConnectionError"}, {"ConnectionResetError", "ConnectionError"},
    {"ConnectionRefusedError", "ConnectionError"}, {"ConnectionAbortedError", "ConnectionError"},
    {"FileNotFoundError", "OSError"}, {"FileExistsError", "OSError"},
    {"PermissionError", "OSError"}, {"TimeoutError", "OSError"},
    {"IsADirectoryError", "OSError"}, {"NotADirectoryError", "OSError"},
    {"InterruptedError", "OSError"}, {"BlockingIOError", "OSError"},
    {"RuntimeError", "Exception"}, {"NotImplementedError", "RuntimeError"},
    {"RecursionError", "RuntimeError"}, {"StopIteration", "Exception"},
    {"StopAsyncIteration", "Exception"}, {"SyntaxError", "Exception"},
    {"SystemError", "Exception"}, {"TypeError", "Exception"},
    {"ValueError", "Exception"}, {"UnicodeError", "ValueError"},
    {"UnicodeDecodeError", "UnicodeError"}, {"UnicodeEncodeError", "UnicodeError"},
    {"Warning", "Exception"}, {"UserWarning", "Warning"},
    {"DeprecationWarning", "Warning"}, {"RuntimeWarning", "Warning"},
    // asyncio's own errors (asyncio.TimeoutError is the builtin TimeoutError).
    {"InvalidStateError", "Exception"}, {"QueueEmpty", "Exception"},
    {"QueueFull", "Exception"}, {"IncompleteReadError", "EOFError"},
    {"LimitOverrunError", "Exception"}, {"BrokenBarrierError", "RuntimeError"},
};

bool isNumeric(const Type *t) {
  return t->is(TypeKind::Bool) || t->is(TypeKind::Int) || t->is(TypeKind::Float);
}

int numericRank(const Type *t) {
  return t->is(TypeKind::Bool) ? 0 : t->is(TypeKind::Int) ? 1 : 2;
}

bool hasNone(const Type *t) {
  if (t->is(TypeKind::None))
    return true;
  if (t->is(TypeKind::Union))
    for (const Type *m : t->args)
      if (m->is(TypeKind::None))
        return true;
  return false;
}

bool isAwaitableKind(const Type *t) {
  return t->is(TypeKind::Coroutine) || t->is(TypeKind::Task) || t->is(TypeKind::Future);
}

} // namespace

TypeContext::TypeContext() {
  auto prim = [&](TypeKind k) {
    Type t;
    t.kind = k;
    return intern(std::move(t));
  };
  unknownT = prim(TypeKind::Unknown);
  objectT = prim(TypeKind::Object);
  noneT = prim(TypeKind::None);
  boolTy = prim(TypeKind::Bool);
  intTy = prim(TypeKind::Int);
  floatTy = prim(TypeKind::Float);
  strT = prim(TypeKind::Str);
  bytesT = prim(TypeKind::Bytes);
  for (const auto &entry : exceptionTree) {
    ClassInfo *c = newClass(entry[0]);
    c->builtin = true;
    if (entry[1])
      c->base = builtinClasses.at(entry[1]);
    builtinClasses[entry[0]] = c;
  }
}

ClassInfo *TypeContext::builtinClass(const std::string &name) {
  auto it = builtinClasses.find(name);
  return it == builtinClasses.end() ? nullptr : it->second;
}

ClassInfo *TypeContext::newClass(const std::string &name) {
  classes.push_back(std::make_unique<ClassInfo>());
  classes.back()->name = name;
  return classes.back().get();
}

FuncInfo *TypeContext::newFunc() {
  funcs.push_back(std::make_unique<FuncInfo>());
  return funcs.back().get();
}

std::string TypeContext::key(const Type &t) const {
  std::string k = std::to_string(static_cast<int>(t.kind)) + "(";
  for (const Type *a : t.args)
    k += std::to_string(reinterpret_cast<uintptr_t>(a)) + ",";
  k += ")" + std::to_string(reinterpret_cast<uintptr_t>(t.ret)) + "/" +
       std::to_string(reinterpret_cast<uintptr_t>(t.cls)) + "/" +
       std::to_string(reinterpret_cast<uintptr_t>(t.func)) + "/" + t.name +
       (t.variadic ? "/v" : "") + (t.bound ? "/b" : "");
  return k;
}

const Type *TypeContext::intern(Type t) {
  for (const Type *a : t.args)
    t.depth = std::max(t.depth, (a ? a->depth : 0) + 1);
  if (t.ret)
    t.depth = std::max(t.depth, t.ret->depth + 1);
  if (t.depth > maxDepth && unknownT)
    return unknownT;
  std::string k = key(t);
  auto it = types.find(k);
  if (it != types.end())
    return it->second.get();
  auto owned = std::make_unique<Type>(std::move(t));
  const Type *raw = owned.get();
  types.emplace(std::move(k), std::move(owned));
  return raw;
}

const Type *TypeContext::make(TypeKind k, std::vector<const Type *> args) {
  Type t;
  t.kind = k;
  t.args = std::move(args);
  return intern(std::move(t));
}

const Type *TypeContext::tuple(std::vector<const Type *> elts, bool variadic) {
  Type t;
  t.kind = TypeKind::Tuple;
  t.args = std::move(elts);
  t.variadic = variadic;
  return intern(std::move(t));
}

const Type *TypeContext::instance(ClassInfo *c) {
  Type t;
  t.kind = TypeKind::Instance;
  t.cls = c;
  return intern(std::move(t));
}

const Type *TypeContext::classObj(ClassInfo *c) {
  Type t;
  t.kind = TypeKind::ClassObj;
  t.cls = c;
  return intern(std::move(t));
}

const Type *TypeContext::superOf(ClassInfo *c) {
  Type t;
  t.kind = TypeKind::Super;
  t.cls = c;
  return intern(std::move(t));
}

const Type *TypeContext::function(FuncInfo *f, bool bound) {
  Type t;
  t.kind = TypeKind::Function;
  t.func = f;
  t.bound = bound;
  return intern(std::move(t));
}

const Type *TypeContext::signature(std::vector<const Type *> params, const Type *ret) {
  Type t;
  t.kind = TypeKind::Function;
  t.args = std::move(params);
  t.ret = ret;
  return intern(std::move(t));
}

const Type *TypeContext::module(const std::string &name) {
  Type t;
  t.kind = TypeKind::Module;
  t.name = name;
  return intern(std::move(t));
}

const Type *TypeContext::builtinFunc(const std::string &name) {
  Type t;
  t.kind = TypeKind::BuiltinFunc;
  t.name = name;
  return intern(std::move(t));
}

const Type *TypeContext::named(const std::string &name, std::vector<const Type *> args) {
  Type t;
  t.kind = TypeKind::Named;
  t.name = name;
  t.args = std::move(args);
  return intern(std::move(t));
}

const Type *TypeContext::unionOf(const std::vector<const Type *> &members) {
  std::vector<const Type *> flat;
  for (const Type *m : members) {
    if (!m || m->is(TypeKind::Unknown))
      return unknownT;
    if (m->is(TypeKind::Object))
      return objectT;
    if (m->is(TypeKind::Union)) {
      for (const Type *x : m->args)
        if (std::find(flat.begin(), flat.end(), x) == flat.end())
          flat.push_back(x);
    } else if (std::find(flat.begin(), flat.end(), m) == flat.end()) {
      flat.push_back(m);
    }
  }
  if (flat.empty())
    return unknownT;
  if (flat.size() == 1)
    return flat[0];
  // None goes last, as people write `T | None`.
  std::stable_partition(flat.begin(), flat.end(), [](const Type *t) { return !t->is(TypeKind::None); });
  return make(TypeKind::Union, std::move(flat));
}

ClassInfo *TypeContext::commonBase(ClassInfo *a, ClassInfo *b) {
  for (ClassInfo *c = a; c; c = c->base)
    if (b->isSubclassOf(c))
      return c;
  return nullptr;
}

const Type *TypeContext::join(const Type *a, const Type *b) {
  if (a == b)
    return a;
  if (a->is(TypeKind::Unknown) || b->is(TypeKind::Unknown))
    return unknownT;
  if (a->isLenient() || b->isLenient())
    return objectT;
  if (a->is(TypeKind::Union) || b->is(TypeKind::Union))
    return unionOf({a, b});
  if (a->is(TypeKind::None))
    return optional(b);
  if (b->is(TypeKind::None))
    return optional(a);
  if (isNumeric(a) && isNumeric(b))
    return numericRank(a) >= numericRank(b) ? a : b;
  if (a->kind != b->kind)
    return objectT;
  switch (a->kind) {
  case TypeKind::Instance: {
    ClassInfo *c = commonBase(a->cls, b->cls);
    return c ? instance(c) : objectT;
  }
  case TypeKind::List:
  case TypeKind::Set:
  case TypeKind::Coroutine:
  case TypeKind::Task:
  case TypeKind::Future: {
    const Type *e = a->elem()->is(TypeKind::Unknown) ? b->elem()
                    : b->elem()->is(TypeKind::Unknown) ? a->elem() : join(a->elem(), b->elem());
    return make(a->kind, {e});
  }
  case TypeKind::Dict:
    return dict(join(a->args[0], b->args[0]), join(a->args[1], b->args[1]));
  case TypeKind::Tuple:
    if (!a->variadic && !b->variadic && a->args.size() == b->args.size()) {
      std::vector<const Type *> elts;
      for (size_t i = 0; i < a->args.size(); ++i)
        elts.push_back(join(a->args[i], b->args[i]));
      return tuple(elts);
    }
    return tuple({objectT}, true);
  case TypeKind::Function:
    return signature({}, unknownT);
  case TypeKind::Named:
    return a->name == b->name ? named(a->name) : objectT;
  default:
    return objectT;
  }
}

bool TypeContext::assignable(const Type *t, const Type *v) {
  if (t == v || t->isLenient() || v->isLenient())
    return true;
  if (v->is(TypeKind::Union)) {
    for (const Type *m : v->args)
      if (assignable(t, m))
        return true;
    return false;
  }
  if (t->is(TypeKind::Union)) {
    for (const Type *m : t->args)
      if (assignable(m, v))
        return true;
    return false;
  }
  if (t->is(TypeKind::Float) && (v->is(TypeKind::Int) || v->is(TypeKind::Bool)))
    return true;
  if (t->is(TypeKind::Int) && v->is(TypeKind::Bool))
    return true;
  auto elemOk = [&](const Type *te, const Type *ve) { return assignable(te, ve); };
  switch (t->kind) {
  case TypeKind::List:
    if (v->is(TypeKind::GatherList)) {
      for (const Type *e : v->args)
        if (!elemOk(t->elem(), e))
          return false;
      return true;
    }
    return v->is(TypeKind::List) && elemOk(t->elem(), v->elem());
  case TypeKind::GatherList:
    return v->is(TypeKind::List) || v->is(TypeKind::GatherList);
  case TypeKind::Set:
    return v->is(TypeKind::Set) && elemOk(t->elem(), v->elem());
  case TypeKind::Dict:
    return v->is(TypeKind::Dict) && elemOk(t->args[0], v->args[0]) && elemOk(t->args[1], v->args[1]);
  case TypeKind::Tuple:
    if (!v->is(TypeKind::Tuple))
      return false;
    if (v->variadic)
      return true;
    if (t->variadic) {
      for (const Type *e : v->args)
        if (!elemOk(t->elem(), e))
          return false;
      return true;
    }
    if (t->args.size() != v->args.size())
      return false;
    for (size_t i = 0; i < t->args.size(); ++i)
      if (!elemOk(t->args[i], v->args[i]))
        return false;
    return true;
  case TypeKind::Instance:
    if (!v->is(TypeKind::Instance))
      return false;
    if (v->cls->isSubclassOf(t->cls))
      return true;
    for (const ClassInfo *c = v->cls; c; c = c->base)
      if (c->openBase)
        return true;
    return false;
  case TypeKind::Function:
  case TypeKind::BuiltinFunc:
    return v->is(TypeKind::Function) || v->is(TypeKind::ClassObj) || v->is(TypeKind::BuiltinFunc);
  case TypeKind::Coroutine:
  case TypeKind::Task:
  case TypeKind::Future:
    return isAwaitableKind(v) && elemOk(t->elem(), v->elem());
  case TypeKind::Named:
    return v->is(TypeKind::Named) || isAwaitableKind(v);
  case TypeKind::ClassObj:
  case TypeKind::Module:
  case TypeKind::Super:
    return true;
  default:
    return false;
  }
}

const Type *TypeContext::widen(const Type *declared, const Type *v) {
  if (declared->is(TypeKind::None) && v->is(TypeKind::Unknown))
    return v; // `x = None` then `x = something()`: x is whatever that is
  if (declared->is(TypeKind::Unknown) || v->is(TypeKind::Unknown))
    return declared;
  if (declared == v)
    return declared;
  // Refine holes: `x = []` then `x = [1]` makes x a list[int].
  if (declared->kind == v->kind &&
      (declared->is(TypeKind::List) || declared->is(TypeKind::Set) || declared->is(TypeKind::Dict))) {
    std::vector<const Type *> args;
    for (size_t i = 0; i < declared->args.size(); ++i) {
      const Type *d = declared->args[i], *n = v->args[i];
      const Type *w = d->is(TypeKind::Unknown) ? n : n->is(TypeKind::Unknown) ? d : widen(d, n);
      if (!w)
        return nullptr;
      args.push_back(w);
    }
    return make(declared->kind, args);
  }
  if (declared->is(TypeKind::Function) && v->is(TypeKind::Function))
    return join(declared, v); // another function: its signature is no longer known
  if (assignable(declared, v))
    return declared;
  if (isNumeric(declared) && isNumeric(v))
    return numericRank(declared) >= numericRank(v) ? declared : v;
  if (declared->is(TypeKind::None) || v->is(TypeKind::None))
    return optional(declared->is(TypeKind::None) ? v : declared);
  if (declared->is(TypeKind::Union) && hasNone(declared) && !v->is(TypeKind::Union)) {
    const Type *inner = widen(removeNone(declared), v);
    return inner ? optional(inner) : nullptr;
  }
  if (declared->is(TypeKind::Instance) && v->is(TypeKind::Instance)) {
    ClassInfo *c = commonBase(declared->cls, v->cls);
    return c ? instance(c) : nullptr;
  }
  if (declared->is(TypeKind::Tuple) && v->is(TypeKind::Tuple) && !declared->variadic && !v->variadic &&
      declared->args.size() == v->args.size()) {
    std::vector<const Type *> elts;
    for (size_t i = 0; i < v->args.size(); ++i) {
      const Type *w = widen(declared->args[i], v->args[i]);
      if (!w)
        return nullptr;
      elts.push_back(w);
    }
    return tuple(elts);
  }
  if (declared->kind == v->kind &&
      (declared->is(TypeKind::Function) || declared->is(TypeKind::Named) || declared->is(TypeKind::BuiltinFunc) || isAwaitableKind(declared) ||
       declared->is(TypeKind::GatherList) || declared->is(TypeKind::Tuple) || declared->is(TypeKind::ClassObj)))
    return join(declared, v);
  return nullptr;
}

const Type *TypeContext::removeNone(const Type *t) {
  if (!t->is(TypeKind::Union))
    return t->is(TypeKind::None) ? unknownT : t;
  std::vector<const Type *> rest;
  for (const Type *m : t->args)
    if (!m->is(TypeKind::None))
      rest.push_back(m);
  return unionOf(rest);
}

bool TypeContext::isInstanceOf(const Type *t, const Type *target) {
  if (target->is(TypeKind::Union)) {
    for (const Type *m : target->args)
      if (isInstanceOf(t, m))
        return true;
    return false;
  }
  if (t->kind == target->kind) {
    if (t->is(TypeKind::Instance))
      return t->cls->isSubclassOf(target->cls);
    return true; // list[int] is an instance of list
  }
  return t->is(TypeKind::Bool) && target->is(TypeKind::Int);
}

const Type *TypeContext::narrowTo(const Type *t, const Type *target) {
  // An unknown value may be a subclass of a builtin with more attributes
  // (a named tuple, a struct_time): only declared `object`s are narrowed.
  if (target->is(TypeKind::Unknown) || t->is(TypeKind::Unknown))
    return t;
  if (t->isLenient())
    return target;
  std::vector<const Type *> members = t->is(TypeKind::Union) ? t->args : std::vector<const Type *>{t};
  std::vector<const Type *> targets =
      target->is(TypeKind::Union) ? target->args : std::vector<const Type *>{target};
  std::vector<const Type *> out;
  for (const Type *m : members) {
    if (m->is(TypeKind::Unknown))
      return t;
    if (m->isLenient()) {
      out.push_back(target);
      continue;
    }
    if (isInstanceOf(m, target)) {
      out.push_back(m);
      continue;
    }
    // A member that is a base of the target narrows to the target itself.
    for (const Type *tg : targets)
      if (tg->is(TypeKind::Instance) && m->is(TypeKind::Instance) && tg->cls->isSubclassOf(m->cls))
        out.push_back(tg);
  }
  if (out.empty())
    return target; // unreachable as far as we can tell: stay quiet
  return unionOf(out);
}

const Type *TypeContext::removeInstancesOf(const Type *t, const Type *target) {
  if (target->is(TypeKind::Unknown) || t->isLenient())
    return t;
  std::vector<const Type *> members = t->is(TypeKind::Union) ? t->args : std::vector<const Type *>{t};
  std::vector<const Type *> out;
  for (const Type *m : members) {
    if (isInstanceOf(m, target))
      continue;
    // `not isinstance(r, Exception)` leaves a BaseException member in theory
    // (CancelledError), but programs treat it as handled: drop bases of the
    // target too, which only makes the checker quieter.
    bool base = false;
    for (const Type *tg : target->is(TypeKind::Union) ? target->args : std::vector<const Type *>{target})
      if (m->is(TypeKind::Instance) && tg->is(TypeKind::Instance) && tg->cls->isSubclassOf(m->cls))
        base = true;
    if (!base)
      out.push_back(m);
  }
  if (out.empty())
    return unknownT;
  return unionOf(out);
}

std::string TypeContext::str(const Type *t) const {
  auto list = [&](const std::vector<const Type *> &v, const char *sep) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? sep : "") + str(v[i]);
    return s;
  };
  switch (t->kind) {
  case TypeKind::Unknown: return "unknown";
  case TypeKind::Object: return "object";
  case TypeKind::None: return "None";
  case TypeKind::Bool: return "bool";
  case TypeKind::Int: return "int";
  case TypeKind::Float: return "float";
  case TypeKind::Str: return "str";
  case TypeKind::Bytes: return "bytes";
  case TypeKind::List: return "list[" + str(t->elem()) + "]";
  case TypeKind::Set: return "set[" + str(t->elem()) + "]";
  case TypeKind::Dict: return "dict[" + list(t->args, ", ") + "]";
  case TypeKind::Tuple:
    if (t->variadic)
      return "tuple[" + str(t->elem()) + ", ...]";
    return "tuple[" + list(t->args, ", ") + "]";
  case TypeKind::GatherList: return "list[" + list(t->args, ", ") + "]";
  case TypeKind::Instance: return t->cls->name;
  case TypeKind::ClassObj: return "type[" + t->cls->name + "]";
  case TypeKind::Super: return "super";
  case TypeKind::Function:
    if (t->ret)
      return "Callable[[" + list(t->args, ", ") + "], " + str(t->ret) + "]";
    return "function";
  case TypeKind::Coroutine: return "Coroutine[" + str(t->elem()) + "]";
  case TypeKind::Task: return "Task[" + str(t->elem()) + "]";
  case TypeKind::Future: return "Future[" + str(t->elem()) + "]";
  case TypeKind::Union: return list(t->args, " | ");
  case TypeKind::Module: return "module '" + t->name + "'";
  case TypeKind::BuiltinFunc: return "builtin function '" + t->name + "'";
  case TypeKind::Named:
    return t->args.empty() ? t->name : t->name + "[" + list(t->args, ", ") + "]";
  }
  return "unknown";
}

} // namespace weft
