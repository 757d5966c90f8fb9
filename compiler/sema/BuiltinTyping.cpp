// BuiltinTyping.cpp: what the checker knows about the builtins, the methods
// of builtin types, and the stdlib modules of LANGUAGE.md (asyncio above all,
// following "Typing the asyncio API"). A name or method missing from these
// tables is typed unknown, never reported: the tables only add precision.
#include "sema/LintSupport.h"
#include "sema/TypeCheckerImpl.h"

#include <set>

namespace weft {

namespace {

const std::set<std::string> builtinFunctions = {
    "print", "len", "range", "str", "int", "float", "bool", "repr", "abs", "min", "max", "sum",
    "sorted", "reversed", "enumerate", "zip", "isinstance", "issubclass", "type", "super", "list",
    "dict", "set", "frozenset", "tuple", "round", "any", "all", "hash", "ord", "chr", "divmod", "pow",
    "input", "open", "iter", "next", "id", "callable", "getattr", "setattr", "hasattr", "delattr",
    "map", "filter", "format", "bytes", "bytearray", "object", "vars", "dir", "hex", "oct", "bin",
    "exit", "quit", "globals", "locals", "slice", "staticmethod", "classmethod", "property",
    "aiter", "anext", "memoryview", "complex", "ascii", "breakpoint", "compile", "eval", "exec",
};

const std::set<std::string> asyncioFunctions = {
    "run", "sleep", "create_task", "ensure_future", "gather", "wait", "wait_for", "shield",
    "as_completed", "to_thread", "get_running_loop", "get_event_loop", "new_event_loop",
    "set_event_loop", "iscoroutine", "iscoroutinefunction", "current_task", "all_tasks",
    "run_coroutine_threadsafe", "timeout", "timeout_at", "open_connection", "start_server",
    "open_unix_connection", "start_unix_server", "Queue", "PriorityQueue", "LifoQueue", "Event", "Lock", "Semaphore", "BoundedSemaphore",
    "Condition", "Barrier", "TaskGroup", "Runner", "Future", "Task", "wrap_future", "isfuture",
};

const std::set<std::string> asyncioErrors = {
    "CancelledError", "InvalidStateError", "QueueEmpty", "QueueFull", "IncompleteReadError",
    "LimitOverrunError", "BrokenBarrierError",
};

const std::set<std::string> strToStr = {
    "upper", "lower", "strip", "lstrip", "rstrip", "title", "capitalize", "swapcase", "casefold",
    "center", "ljust", "rjust", "zfill", "replace", "format", "format_map", "removeprefix",
    "removesuffix", "expandtabs", "join", "translate",
};

bool startsWith(const std::string &s, const char *p) { return s.rfind(p, 0) == 0; }

} // namespace

const Type *Checker::keywordType(CallExpr *c, const std::string &name) {
  for (Keyword &k : c->keywords)
    if (k.name == name) {
      ++silent;
      const Type *t = typeOf(k.value);
      --silent;
      return t;
    }
  return nullptr;
}

const Type *Checker::builtinName(const std::string &name) {
  if (builtinFunctions.count(name))
    return tc.builtinFunc(name);
  if (ClassInfo *c = tc.builtinClass(name))
    return tc.classObj(c);
  if (name == "EnvironmentError" || name == "IOError")
    return tc.classObj(tc.builtinClass("OSError"));
  if (name == "__name__" || name == "__file__" || name == "__doc__")
    return tc.str();
  if (name == "__debug__")
    return tc.boolT();
  return nullptr;
}

const Type *Checker::moduleAttribute(const std::string &module, const std::string &attr) {
  if (module == "asyncio") {
    if (asyncioFunctions.count(attr))
      return tc.builtinFunc("asyncio." + attr);
    if (asyncioErrors.count(attr))
      return tc.classObj(tc.builtinClass(attr));
    if (attr == "TimeoutError")
      return tc.classObj(tc.builtinClass("TimeoutError"));
    if (attr == "FIRST_COMPLETED" || attr == "FIRST_EXCEPTION" || attr == "ALL_COMPLETED")
      return tc.str();
    return tc.unknown();
  }
  if (module == "math") {
    if (attr == "pi" || attr == "e" || attr == "tau" || attr == "inf" || attr == "nan")
      return tc.floatT();
    return tc.builtinFunc("math." + attr);
  }
  static const std::set<std::string> stdlibFunctions = {
      "time.time", "time.monotonic", "time.perf_counter", "time.process_time", "time.time_ns",
      "time.monotonic_ns", "time.perf_counter_ns", "time.sleep", "time.strftime", "time.ctime",
      "random.random", "random.uniform", "random.gauss", "random.randint", "random.randrange",
      "random.getrandbits", "random.choice", "random.shuffle", "random.seed", "random.sample",
      "random.choices", "os.getpid", "dataclasses.dataclass", "dataclasses.field"};
  if (stdlibFunctions.count(module + "." + attr))
    return tc.builtinFunc(module + "." + attr);
  if (module == "sys") {
    if (attr == "argv")
      return tc.list(tc.str());
    if (attr == "exit")
      return tc.builtinFunc("sys.exit");
    return tc.unknown();
  }
  if (module == "concurrent" && attr == "futures")
    return tc.module("concurrent.futures");
  if (module == "concurrent.futures" && (attr == "ThreadPoolExecutor" || attr == "ProcessPoolExecutor"))
    return tc.builtinFunc(module + "." + attr);
  return tc.unknown();
}

const Type *Checker::gatherType(CallExpr *c, const std::vector<const Type *> &args) {
  bool returnExceptions = false;
  for (Keyword &k : c->keywords)
    if (k.name == "return_exceptions")
      if (auto *b = dyn_cast<BoolExpr>(k.value))
        returnExceptions = b->value;
  const Type *baseExc = tc.instance(tc.builtinClass("BaseException"));
  auto result = [&](const Type *t) { return returnExceptions ? tc.unionOf({t, baseExc}) : t; };
  bool star = false;
  for (Expr *a : c->args)
    star |= isa<StarredExpr>(a);
  if (star) {
    if (c->args.size() == 1)
      return tc.future(tc.list(result(awaitResult(iterElement(args[0])))));
    return tc.future(tc.list(tc.unknown()));
  }
  std::vector<const Type *> elts;
  for (const Type *a : args)
    elts.push_back(result(awaitResult(a)));
  if (elts.empty())
    return tc.future(tc.list(tc.unknown()));
  bool same = true;
  for (const Type *t : elts)
    same &= t == elts[0];
  return tc.future(same ? tc.list(elts[0]) : tc.gatherList(elts));
}

// A table of builtins and stdlib functions written as code: long by nature.
const Type *Checker::callBuiltin(const std::string &name, CallExpr *c, const std::vector<const Type *> &args) {
  auto arg = [&](size_t i) { return i < args.size() ? args[i] : tc.unknown(); };
  auto numeric = [&](const Type *t) {
    if (t->is(TypeKind::Bool))
      return tc.intT();
    return t->is(TypeKind::Int) || t->is(TypeKind::Float) ? t : tc.unknown();
  };
  // ---- builtins
  if (name == "print" || name == "setattr" || name == "delattr" || name == "exit" || name == "quit")
    return tc.none();
  if (name == "len" && args.size() == 1) {
    const Type *t = arg(0);
    if (t->is(TypeKind::Int) || t->is(TypeKind::Float) || t->is(TypeKind::Bool) || t->is(TypeKind::None) ||
        t->is(TypeKind::Coroutine) || t->is(TypeKind::Function))
      error(c->args[0]->range, "object of type " + show(t) + " has no len()");
  }
  if (name == "len" || name == "ord" || name == "hash" || name == "id")
    return tc.intT();
  if (name == "str" || name == "repr" || name == "format" || name == "chr" || name == "hex" || name == "oct" ||
      name == "bin" || name == "input" || name == "ascii")
    return tc.str();
  if (name == "int")
    return tc.intT();
  if (name == "float")
    return tc.floatT();
  if (name == "bool" || name == "isinstance" || name == "issubclass" || name == "callable" ||
      name == "hasattr" || name == "any" || name == "all")
    return tc.boolT();
  if (name == "bytes")
    return tc.bytes();
  if (name == "abs")
    return numeric(arg(0));
  if (name == "round") {
    if (args.size() == 1 && c->keywords.empty())
      return arg(0)->isLenient() ? tc.unknown() : tc.intT();
    return arg(0)->is(TypeKind::Float) ? tc.floatT() : tc.unknown();
  }
  if (name == "min" || name == "max") {
    bool star = false;
    for (Expr *a : c->args)
      star |= isa<StarredExpr>(a);
    const Type *r = nullptr;
    if (args.size() == 1 || star) {
      r = iterElement(arg(0));
    } else {
      for (const Type *t : args)
        r = r ? tc.join(r, t) : t;
    }
    if (!r)
      return tc.unknown();
    if (const Type *d = keywordType(c, "default"))
      r = tc.join(r, d);
    return r;
  }
  if (name == "sum") {
    const Type *e = iterElement(arg(0));
    if (args.size() > 1)
      e = tc.join(e, arg(1));
    return numeric(e);
  }
  if (name == "sorted" || name == "reversed" || name == "list")
    return tc.list(args.empty() ? tc.unknown() : iterElement(arg(0)));
  if (name == "set" || name == "frozenset")
    return tc.set(args.empty() ? tc.unknown() : iterElement(arg(0)));
  if (name == "tuple")
    return tc.tuple({args.empty() ? tc.unknown() : iterElement(arg(0))}, true);
  if (name == "dict") {
    if (args.empty()) {
      if (c->keywords.empty())
        return tc.dict(tc.unknown(), tc.unknown());
      const Type *v = nullptr;
      for (Keyword &k : c->keywords) {
        const Type *t = k.name.empty() ? tc.unknown() : keywordType(c, k.name);
        v = v ? tc.join(v, t) : t;
      }
      return tc.dict(tc.str(), v);
    }
    if (arg(0)->is(TypeKind::Dict))
      return arg(0);
    const Type *e = iterElement(arg(0));
    if (e->is(TypeKind::Tuple) && !e->variadic && e->args.size() == 2)
      return tc.dict(e->args[0], e->args[1]);
    return tc.dict(tc.unknown(), tc.unknown());
  }
  for (Expr *a : c->args)
    if (isa<StarredExpr>(a) && (name == "enumerate" || name == "zip" || name == "map" || name == "filter"))
      return tc.list(tc.unknown());
  if (name == "enumerate")
    return tc.list(tc.tuple({tc.intT(), iterElement(arg(0))}));
  if (name == "zip") {
    std::vector<const Type *> elts;
    for (const Type *t : args)
      elts.push_back(iterElement(t));
    return tc.list(tc.tuple(elts));
  }
  if (name == "range")
    return tc.named("range", {tc.intT()});
  if (name == "divmod") {
    const Type *t = numeric(tc.join(arg(0), arg(1)));
    return tc.tuple({t, t});
  }
  if (name == "pow") {
    if (args.size() == 3)
      return tc.intT();
    bool ok = true;
    const Type *r = binOpResult(BinaryOp::Pow, arg(0), arg(1), ok);
    return ok ? r : tc.unknown();
  }
  if (name == "super")
    return frame->cls && args.empty() ? tc.superOf(frame->cls) : tc.unknown();
  if (name == "open")
    return tc.named("File");
  if (name == "map" || name == "filter")
    return tc.list(name == "filter" ? iterElement(arg(1)) : tc.unknown());
  if (name == "object")
    return tc.object();
  // ---- asyncio
  if (startsWith(name, "asyncio.")) {
    std::string f = name.substr(8);
    checkAsyncioArgument(f, c, args);
    if (f == "run")
      return awaitResult(arg(0));
    if (f == "sleep") {
      const Type *r = args.size() > 1 ? arg(1) : keywordType(c, "result");
      return tc.coroutine(r ? r : tc.none());
    }
    if (f == "create_task" || f == "ensure_future" || f == "Task")
      return tc.task(awaitResult(arg(0)));
    if (f == "gather")
      return gatherType(c, args);
    if (f == "wait_for")
      return tc.coroutine(awaitResult(arg(0)));
    if (f == "shield")
      return tc.future(awaitResult(arg(0)));
    if (f == "wait") {
      const Type *e = iterElement(arg(0));
      if (e->is(TypeKind::Coroutine))
        e = tc.task(e->elem());
      if (!e->is(TypeKind::Task) && !e->is(TypeKind::Future))
        e = tc.unknown();
      return tc.coroutine(tc.tuple({tc.set(e), tc.set(e)}));
    }
    if (f == "as_completed")
      return tc.list(tc.coroutine(awaitResult(iterElement(arg(0)))));
    if (f == "to_thread")
      return tc.coroutine(callForwarded(arg(0), c, args, 1, true));
    if (f == "get_running_loop" || f == "get_event_loop" || f == "new_event_loop")
      return tc.named("Loop");
    if (f == "set_event_loop")
      return tc.none();
    if (f == "iscoroutine" || f == "iscoroutinefunction" || f == "isfuture")
      return tc.boolT();
    if (f == "current_task")
      return tc.task(tc.unknown());
    if (f == "all_tasks")
      return tc.set(tc.task(tc.unknown()));
    if (f == "timeout" || f == "timeout_at")
      return tc.named("Timeout");
    if (f == "open_connection" || f == "open_unix_connection")
      return tc.coroutine(tc.tuple({tc.named("StreamReader"), tc.named("StreamWriter")}));
    if (f == "start_server" || f == "start_unix_server")
      return tc.coroutine(tc.named("Server"));
    if (f == "Queue" || f == "PriorityQueue" || f == "LifoQueue")
      return tc.named("Queue", {tc.unknown()});
    if (f == "BoundedSemaphore")
      return tc.named("Semaphore");
    if (f == "Event" || f == "Lock" || f == "Semaphore" || f == "Condition" || f == "Barrier" ||
        f == "TaskGroup" || f == "Runner")
      return tc.named(f);
    if (f == "Future")
      return tc.future(tc.unknown());
    return tc.unknown();
  }
  // ---- other stdlib modules
  if (startsWith(name, "math.")) {
    static const std::set<std::string> ints = {"floor", "ceil", "trunc", "gcd", "factorial", "comb",
                                               "perm", "isqrt", "lcm", "prod"};
    static const std::set<std::string> bools = {"isclose", "isinf", "isnan", "isfinite"};
    std::string f = name.substr(5);
    if (f == "prod")
      return tc.unknown();
    return ints.count(f) ? tc.intT() : bools.count(f) ? tc.boolT() : tc.floatT();
  }
  if (startsWith(name, "time.")) {
    std::string f = name.substr(5);
    if (f == "time" || f == "monotonic" || f == "perf_counter" || f == "process_time")
      return tc.floatT();
    if (f == "time_ns" || f == "monotonic_ns" || f == "perf_counter_ns")
      return tc.intT();
    if (f == "sleep")
      return tc.none();
    if (f == "strftime" || f == "ctime")
      return tc.str();
    return tc.unknown();
  }
  if (startsWith(name, "random.")) {
    std::string f = name.substr(7);
    if (f == "random" || f == "uniform" || f == "gauss")
      return tc.floatT();
    if (f == "randint" || f == "randrange" || f == "getrandbits")
      return tc.intT();
    if (f == "choice")
      return iterElement(arg(0));
    if (f == "shuffle" || f == "seed")
      return tc.none();
    if (f == "sample" || f == "choices")
      return tc.list(iterElement(arg(0)));
    return tc.unknown();
  }
  if (name == "os.getpid")
    return tc.intT();
  if (name == "concurrent.futures.ThreadPoolExecutor")
    return tc.named("ThreadPoolExecutor");
  if (name == "concurrent.futures.ProcessPoolExecutor")
    return tc.named("ProcessPoolExecutor");
  return tc.unknown();
}

void Checker::updateHolder(Expr *holder, const Type *oldT, const Type *newT) {
  if (auto *n = dyn_cast<NameExpr>(holder)) {
    auto f = frame->flow.find(n->id);
    if (f != frame->flow.end() && f->second == oldT)
      f->second = newT;
    if (VarInfo *vi = lookupVar(n->id))
      if (vi->type == oldT)
        vi->type = newT;
    return;
  }
  if (auto *a = dyn_cast<AttributeExpr>(holder)) {
    if (!isa<NameExpr>(a->value))
      return;
    const Type *base = typeOfName(cast<NameExpr>(a->value));
    if (!base->is(TypeKind::Instance))
      return;
    for (ClassInfo *c = base->cls; c; c = c->base) {
      auto it = c->fields.find(a->attr);
      if (it != c->fields.end()) {
        if (it->second == oldT)
          it->second = newT;
        return;
      }
    }
  }
}

void Checker::checkAsyncioArgument(const std::string &f, CallExpr *c, const std::vector<const Type *> &args) {
  // asyncio.run and create_task take a coroutine object; gather, wait_for,
  // shield and ensure_future take any awaitable. Passing the coroutine
  // *function* (a missing pair of parentheses) is the usual slip.
  bool wantsCoroutine = f == "run" || f == "create_task";
  bool wantsAwaitable = f == "gather" || f == "wait_for" || f == "shield" || f == "ensure_future";
  if ((!wantsCoroutine && !wantsAwaitable) || c->args.empty() || args.empty())
    return;
  size_t count = f == "gather" ? c->args.size() : 1;
  for (size_t i = 0; i < count && i < args.size(); ++i) {
    if (isa<StarredExpr>(c->args[i]))
      continue;
    const Type *t = args[i];
    bool bad = !isAwaitable(t) || t->is(TypeKind::BuiltinFunc) ||
               (wantsCoroutine && (t->is(TypeKind::Task) || t->is(TypeKind::Future)));
    if (!bad)
      continue;
    error(c->args[i]->range, "'asyncio." + f + "' expects " + (wantsCoroutine ? "a coroutine" : "an awaitable") +
                                 ", got a value of type " + show(t) + " (a coroutine was expected)");
    if (auto *n = dyn_cast<NameExpr>(c->args[i]); n && t->is(TypeKind::Function) && t->func && t->func->isAsync)
      if (!silent)
        diags.report(DiagID::TypeNote, c->args[i]->range, {"call it to make the coroutine: '" + n->id + "()'"});
  }
}

bool *Checker::refinedFlag(Expr *holder) {
  if (auto *n = dyn_cast<NameExpr>(holder)) {
    VarInfo *vi = lookupVar(n->id);
    return vi ? &vi->refined : nullptr;
  }
  if (auto *a = dyn_cast<AttributeExpr>(holder)) {
    if (!isa<NameExpr>(a->value))
      return nullptr;
    const Type *base = typeOfName(cast<NameExpr>(a->value));
    if (!base->is(TypeKind::Instance))
      return nullptr;
    for (ClassInfo *c = base->cls; c; c = c->base)
      if (c->fields.count(a->attr))
        return &refinedFields[{c, a->attr}];
  }
  return nullptr;
}

void Checker::storeElement(Expr *containerExpr, const Type *container, int slot, const Type *v, Expr *valueExpr,
                           const std::string &what) {
  if (!(container->is(TypeKind::List) || container->is(TypeKind::Set) || container->is(TypeKind::Dict)))
    return;
  if (static_cast<size_t>(slot) >= container->args.size() || v->isLenient())
    return;
  const Type *cur = container->args[static_cast<size_t>(slot)];
  const Type *next;
  bool *refined = refinedFlag(containerExpr);
  if (cur->is(TypeKind::Unknown)) {
    next = v; // an empty [] or {} takes its element type from its first use
    if (refined)
      *refined = true;
  } else {
    next = tc.widen(cur, v);
    if (!next && refined && *refined)
      next = tc.object(); // built up from empty: heterogeneous is allowed
    if (!next) {
      SourceRange r = valueExpr ? valueExpr->range : containerExpr->range;
      if (what == "key")
        error(r, "cannot use " + show(v) + " as a key of " + show(container));
      else if (what == "value")
        error(r, "cannot store " + show(v) + " as a value of " + show(container));
      else if (what == "item")
        error(r, "cannot store " + show(v) + " in " + show(container));
      else
        error(r, "argument to '" + what + "' has incompatible type " + show(v) + "; expected " + show(cur));
      return;
    }
  }
  if (next == cur)
    return;
  std::vector<const Type *> args = container->args;
  args[static_cast<size_t>(slot)] = next;
  const Type *updated = container->is(TypeKind::List) ? tc.list(args[0])
                        : container->is(TypeKind::Set) ? tc.set(args[0])
                                                       : tc.dict(args[0], args[1]);
  updateHolder(containerExpr, container, updated);
}

// Methods of str, bytes, list, dict and set: one table, long by nature.
const Type *Checker::builtinMethod(const Type *recv, const std::string &name, CallExpr *c,
                                   const std::vector<const Type *> &args, Expr *recvExpr) {
  auto arg = [&](size_t i) { return i < args.size() ? args[i] : tc.unknown(); };
  auto argExpr = [&](size_t i) { return i < c->args.size() ? c->args[i] : nullptr; };
  switch (recv->kind) {
  case TypeKind::Str:
    if (strToStr.count(name))
      return tc.str();
    if (name == "split" || name == "rsplit" || name == "splitlines")
      return tc.list(tc.str());
    if (name == "find" || name == "rfind" || name == "index" || name == "rindex" || name == "count")
      return tc.intT();
    if (name == "startswith" || name == "endswith" || startsWith(name, "is"))
      return tc.boolT();
    if (name == "encode")
      return tc.bytes();
    if (name == "partition" || name == "rpartition")
      return tc.tuple({tc.str(), tc.str(), tc.str()});
    return tc.unknown();
  case TypeKind::Bytes:
    if (name == "decode" || name == "hex")
      return tc.str();
    if (name == "split" || name == "rsplit" || name == "splitlines")
      return tc.list(tc.bytes());
    if (name == "find" || name == "rfind" || name == "index" || name == "rindex" || name == "count")
      return tc.intT();
    if (name == "startswith" || name == "endswith" || startsWith(name, "is"))
      return tc.boolT();
    if (name == "partition" || name == "rpartition")
      return tc.tuple({tc.bytes(), tc.bytes(), tc.bytes()});
    return strToStr.count(name) || name == "replace" ? tc.bytes() : tc.unknown();
  case TypeKind::List:
    if (name == "append" && args.size() == 1)
      storeElement(recvExpr, recv, 0, arg(0), argExpr(0), "append");
    else if (name == "insert" && args.size() == 2)
      storeElement(recvExpr, recv, 0, arg(1), argExpr(1), "insert");
    else if (name == "extend" && args.size() == 1 && !isa<StarredExpr>(argExpr(0)))
      storeElement(recvExpr, recv, 0, iterElement(arg(0)), argExpr(0), "extend");
    if (name == "append" || name == "insert" || name == "extend" || name == "sort" || name == "reverse" ||
        name == "clear" || name == "remove")
      return tc.none();
    if (name == "pop")
      return recv->elem();
    if (name == "index" || name == "count")
      return tc.intT();
    if (name == "copy")
      return recv;
    return tc.unknown();
  case TypeKind::Dict: {
    const Type *k = recv->args[0], *v = recv->args[1];
    if (name == "get") {
      if (args.size() >= 2)
        return tc.join(v, arg(1));
      return v->isLenient() ? v : tc.optional(v);
    }
    if (name == "keys")
      return tc.set(k); // a keys view supports the set operators
    if (name == "values")
      return tc.list(v);
    if (name == "items")
      return tc.list(tc.tuple({k, v}));
    if (name == "setdefault") {
      if (args.size() == 2) {
        storeElement(recvExpr, recv, 0, arg(0), argExpr(0), "key");
        storeElement(recvExpr, recv, 1, arg(1), argExpr(1), "value");
        return v->is(TypeKind::Unknown) ? arg(1) : v;
      }
      return tc.unknown();
    }
    if (name == "pop")
      return args.size() >= 2 ? tc.join(v, arg(1)) : v;
    if (name == "popitem")
      return tc.tuple({k, v});
    if (name == "update" || name == "clear")
      return tc.none();
    if (name == "copy")
      return recv;
    return tc.unknown();
  }
  case TypeKind::Set:
    if (name == "add" && args.size() == 1)
      storeElement(recvExpr, recv, 0, arg(0), argExpr(0), "add");
    if (name == "add" || name == "discard" || name == "remove" || name == "update" || name == "clear")
      return tc.none();
    if (name == "union" || name == "intersection" || name == "difference" || name == "symmetric_difference" ||
        name == "copy")
      return recv;
    if (name == "issubset" || name == "issuperset" || name == "isdisjoint")
      return tc.boolT();
    if (name == "pop")
      return recv->elem();
    return tc.unknown();
  case TypeKind::Tuple:
    return name == "index" || name == "count" ? tc.intT() : tc.unknown();
  case TypeKind::Int:
  case TypeKind::Bool:
    return name == "bit_length" || name == "bit_count" ? tc.intT() : tc.unknown();
  case TypeKind::Float:
    return name == "is_integer" ? tc.boolT() : tc.unknown();
  default:
    return tc.unknown();
  }
}

// Methods of Task, Future and the opaque asyncio types: one table.
const Type *Checker::namedMethod(const Type *recv, const std::string &name, CallExpr *c,
                                 const std::vector<const Type *> &args) {
  auto arg = [&](size_t i) { return i < args.size() ? args[i] : tc.unknown(); };
  auto checkItem = [&](const Type *want, size_t i, const char *method) {
    if (i < args.size() && i < c->args.size() && !want->isLenient() && !tc.assignable(want, args[i]))
      error(c->args[i]->range, std::string("argument to '") + method + "' has incompatible type " + show(args[i]) +
                                   "; expected " + show(want));
  };
  if (recv->is(TypeKind::Task) || recv->is(TypeKind::Future)) {
    const Type *t = recv->elem();
    if (name == "result")
      return t;
    if (name == "cancel" || name == "cancelled" || name == "done")
      return tc.boolT();
    if (name == "get_name")
      return tc.str();
    if (name == "cancelling" || name == "uncancel" || name == "remove_done_callback")
      return tc.intT();
    if (name == "set_result") {
      checkItem(t, 0, "set_result");
      return tc.none();
    }
    if (name == "set_name" || name == "add_done_callback" || name == "set_exception")
      return tc.none();
    if (name == "get_loop")
      return tc.named("Loop");
    return tc.unknown();
  }
  if (!recv->is(TypeKind::Named))
    return tc.unknown();
  const std::string &type = recv->name;
  if (type == "Queue") {
    const Type *t = recv->args.empty() ? tc.unknown() : recv->args[0];
    if (name == "get")
      return tc.coroutine(t);
    if (name == "get_nowait")
      return t;
    if (name == "put" || name == "put_nowait") {
      checkItem(t, 0, name.c_str());
      return name == "put" ? tc.coroutine(tc.none()) : tc.none();
    }
    if (name == "qsize")
      return tc.intT();
    if (name == "empty" || name == "full")
      return tc.boolT();
    if (name == "join")
      return tc.coroutine(tc.none());
    if (name == "task_done")
      return tc.none();
    return tc.unknown();
  }
  if (type == "Event" || type == "Lock" || type == "Semaphore" || type == "Condition" || type == "Barrier") {
    if (name == "wait")
      return tc.coroutine(type == "Barrier" ? tc.intT() : tc.boolT());
    if (name == "acquire")
      return tc.coroutine(tc.boolT());
    if (name == "is_set" || name == "locked")
      return tc.boolT();
    if (name == "set" || name == "clear" || name == "release" || name == "notify" || name == "notify_all")
      return tc.none();
    if (name == "wait_for")
      return tc.coroutine(tc.unknown());
    return tc.unknown();
  }
  if (type == "ProcessPoolExecutor" && (name == "submit" || name == "map")) {
    checkProcessPoolCall(c, args, 0);
    return tc.unknown();
  }
  if (type == "TaskGroup" && name == "create_task")
    return tc.task(awaitResult(arg(0)));
  if (type == "Runner" && name == "run")
    return awaitResult(arg(0));
  if (type == "Loop") {
    if (name == "create_task")
      return tc.task(awaitResult(arg(0)));
    if (name == "run_until_complete")
      return awaitResult(arg(0));
    if (name == "time")
      return tc.floatT();
    if (name == "create_future")
      return tc.future(tc.unknown());
    if (name == "call_soon" || name == "call_soon_threadsafe") {
      callForwarded(arg(0), c, args, 1, false);
      return tc.named("Handle");
    }
    if (name == "call_later" || name == "call_at") {
      callForwarded(arg(1), c, args, 2, false);
      return tc.named("Handle");
    }
    if (name == "run_in_executor") {
      if (arg(0)->is(TypeKind::Named) && arg(0)->name == "ProcessPoolExecutor")
        checkProcessPoolCall(c, args, 1);
      return tc.future(callForwarded(arg(1), c, args, 2, false));
    }
    if (name == "is_running" || name == "is_closed" || name == "get_debug")
      return tc.boolT();
    if (name == "close" || name == "stop" || name == "set_debug" || name == "run_forever")
      return tc.none();
    return tc.unknown();
  }
  if (type == "StreamReader") {
    if (name == "read" || name == "readline" || name == "readexactly" || name == "readuntil")
      return tc.coroutine(tc.bytes());
    if (name == "at_eof")
      return tc.boolT();
    return tc.unknown();
  }
  if (type == "StreamWriter") {
    if (name == "write" || name == "writelines" || name == "close")
      return tc.none();
    if (name == "drain" || name == "wait_closed")
      return tc.coroutine(tc.none());
    if (name == "is_closing")
      return tc.boolT();
    return tc.unknown();
  }
  if (type == "Server") {
    if (name == "close")
      return tc.none();
    if (name == "wait_closed" || name == "serve_forever" || name == "start_serving")
      return tc.coroutine(tc.none());
    return tc.unknown();
  }
  if (type == "File") {
    // A file's reads and writes block like open() does. Only the receiver's
    // type says it is a file, so this lint lives here rather than with the
    // syntactic ones in BlockingCallCheck.cpp; it reports each call once,
    // from whichever check of the body first sees a file there.
    static const std::set<std::string> blockingFileMethods = {"read", "readline", "readlines", "write",
                                                              "writelines", "flush"};
    if (frame && frame->isAsync && frame->func && blockingFileMethods.count(name) &&
        reportedFileCalls.insert(c).second) {
      std::string call = dottedName(cast<AttributeExpr>(c->func)->value);
      call = (call.empty() ? "file" : call) + "." + name;
      reportWithNote(diags, DiagID::BlockingCall, DiagID::BlockingCallHint, c->range,
                     {call, frame->func->def->name, "'await asyncio.to_thread'"},
                     "use 'await asyncio.to_thread(" + call + ", ...)' to run it off the event loop");
    }
    // read() gives str or bytes depending on the mode: not modelled.
    if (name == "close")
      return tc.none();
    return tc.unknown();
  }
  return tc.unknown();
}

} // namespace weft
