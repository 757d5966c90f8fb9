// ProcessPoolCheck.cpp: what a ProcessPoolExecutor call sends to a worker
// process, checked at compile time. A worker is a fork of the program that
// calls a module-level function by its address and receives the arguments
// serialised (runtime/exec/ProcessPool.cpp), so a lambda, a nested function
// or closure, a bound method, and any value that has no meaning in another
// process (a task, a future, a lock or queue, a generator, an open file, a
// stream, the loop) are errors here. CPython finds most of these only when
// pickling fails at run time.
#include "sema/TypeCheckerImpl.h"

namespace weft {

namespace {

/// The Named types that stand for live objects of this process.
const std::map<std::string, std::string> &liveNamedTypes() {
  static const std::map<std::string, std::string> names = {
      {"Generator", "a generator"},
      {"AsyncGenerator", "an async generator"},
      {"Queue", "an asyncio.Queue"},
      {"Event", "an asyncio.Event"},
      {"Lock", "an asyncio.Lock"},
      {"Semaphore", "an asyncio.Semaphore"},
      {"Condition", "an asyncio.Condition"},
      {"Barrier", "an asyncio.Barrier"},
      {"TaskGroup", "a TaskGroup"},
      {"Runner", "an asyncio.Runner"},
      {"Loop", "an event loop"},
      {"Handle", "a loop callback handle"},
      {"StreamReader", "a StreamReader"},
      {"StreamWriter", "a StreamWriter"},
      {"Server", "a Server"},
      {"File", "an open file"},
      {"ThreadPoolExecutor", "a ThreadPoolExecutor"},
      {"ProcessPoolExecutor", "a ProcessPoolExecutor"},
  };
  return names;
}

} // namespace

std::string Checker::unserialisable(const Type *t, int depth) {
  if (!t || depth > 8)
    return "";
  switch (t->kind) {
  case TypeKind::Task:
    return "a Task";
  case TypeKind::Future:
    return "a Future";
  case TypeKind::Coroutine:
    return "a coroutine";
  case TypeKind::Named: {
    auto it = liveNamedTypes().find(t->name);
    return it == liveNamedTypes().end() ? "" : it->second;
  }
  case TypeKind::List:
  case TypeKind::Set:
  case TypeKind::Dict:
  case TypeKind::Tuple:
  case TypeKind::GatherList:
  case TypeKind::Union:
    for (const Type *a : t->args) {
      std::string what = unserialisable(a, depth + 1);
      if (!what.empty())
        return what;
    }
    return "";
  case TypeKind::Instance:
    // A user class crosses as its fields.
    if (t->cls && !t->cls->builtin)
      for (const ClassInfo *k = t->cls; k && !k->builtin; k = k->base)
        for (auto &[field, ft] : k->fields) {
          std::string what = unserialisable(ft, depth + 1);
          if (!what.empty())
            return what + " (in field '" + field + "' of '" + t->cls->name + "')";
        }
    return "";
  default:
    return "";
  }
}

void Checker::checkProcessPoolCall(CallExpr *c, const std::vector<const Type *> &args, size_t fnIndex) {
  if (silent || fnIndex >= c->args.size() || fnIndex >= args.size() || isa<StarredExpr>(c->args[fnIndex]) ||
      !checkedProcessPoolCalls.insert(c).second)
    return;
  auto report = [&](SourceRange r, const std::string &msg) {
    reported = true;
    diags.report(DiagID::ProcessPoolValue, r, {msg});
  };
  Expr *fnExpr = c->args[fnIndex];
  const Type *fn = args[fnIndex];
  const std::string hint = "; a process pool worker calls module-level functions only";
  if (isa<LambdaExpr>(fnExpr)) {
    report(fnExpr->range, "a lambda cannot be sent to a process pool worker" + hint);
  } else if (fn->is(TypeKind::Function) && fn->bound) {
    report(fnExpr->range, "a bound method cannot be sent to a process pool worker" + hint);
  } else if (fn->is(TypeKind::Function) && fn->func && !fn->func->owner && fn->func->closure != moduleEnv) {
    report(fnExpr->range, "'" + fn->func->def->name + "' is a nested function and cannot be sent to a process pool worker" + hint);
  }
  // A container is checked through its elements, so map's iterables and
  // *args need no unwrapping.
  for (size_t i = fnIndex + 1; i < args.size() && i < c->args.size(); ++i) {
    std::string what = unserialisable(args[i]);
    if (!what.empty())
      report(c->args[i]->range, what + " cannot be sent to a process pool worker: arguments cross as serialised "
                                       "values (numbers, str, bytes, None, containers, instances of user classes)");
  }
}

} // namespace weft
