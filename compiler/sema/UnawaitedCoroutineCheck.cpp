// UnawaitedCoroutineCheck.cpp: warns when a statement calls a known
// coroutine function and drops the result, so the coroutine never runs
// (CPython would only say "coroutine ... was never awaited" at exit). Known:
// `async def` functions of the module and of enclosing functions, async
// methods called on `self`, and asyncio's own coroutine functions.
#include "sema/AsyncLints.h"
#include "sema/AstWalk.h"
#include "sema/Cast.h"
#include "sema/LintSupport.h"

#include <set>

namespace weft {

namespace {

const std::set<std::string> asyncioCoroutines = {
    "asyncio.sleep", "asyncio.wait_for", "asyncio.wait", "asyncio.to_thread",
    "asyncio.open_connection", "asyncio.start_server", "asyncio.open_unix_connection",
    "asyncio.start_unix_server",
};

bool isGenerator(FunctionDefStmt *d) {
  if (d->isGenerator)
    return true;
  bool found = false;
  forEachExprInBody(d->body, [&](Expr *e) {
    if (e->kind == ExprKind::Yield || e->kind == ExprKind::YieldFrom)
      found = true;
  });
  return found;
}

/// Names bound by the direct statements of [body] to an async def (true) or to anything else (false).
void collectBindings(StmtList &body, std::map<std::string, bool> &out) {
  walkStmts(body, false, [&](Stmt *s) {
    if (auto *d = dyn_cast<FunctionDefStmt>(s)) {
      bool coroutine = d->isAsync && !isGenerator(d) && d->decorators.empty();
      if (!out.count(d->name) || !coroutine)
        out[d->name] = coroutine;
    } else if (auto *c = dyn_cast<ClassDefStmt>(s)) {
      out[c->name] = false;
    } else if (auto *a = dyn_cast<AssignStmt>(s)) {
      for (Expr *t : a->targets)
        walkExpr(t, [&](Expr *x) {
          if (auto *n = dyn_cast<NameExpr>(x))
            out[n->id] = false;
        });
    }
  });
}

} // namespace

void checkUnawaitedCoroutines(Module &m, DiagnosticEngine &diags) {
  ModuleFacts facts(m);
  std::map<std::string, bool> moduleDefs;
  collectBindings(m.body, moduleDefs);
  std::map<std::string, ClassDefStmt *> classes;
  for (Stmt *s : m.body)
    if (auto *c = dyn_cast<ClassDefStmt>(s))
      classes[c->name] = c;

  // Async methods of a class and of its bases (by name, within the module).
  auto asyncMethod = [&](ClassDefStmt *cls, const std::string &name) {
    for (int depth = 0; cls && depth < 32; ++depth) {
      for (Stmt *s : cls->body)
        if (auto *d = dyn_cast<FunctionDefStmt>(s); d && d->name == name)
          return d->isAsync && !isGenerator(d) && d->decorators.empty();
      auto *base = cls->bases.empty() ? nullptr : dyn_cast<NameExpr>(cls->bases[0]);
      cls = base && classes.count(base->id) ? classes[base->id] : nullptr;
    }
    return false;
  };

  auto check = [&](StmtList &body, const std::map<std::string, bool> &visible, ClassDefStmt *cls,
                   const std::string &selfName) {
    walkStmts(body, false, [&](Stmt *s) {
      auto *es = dyn_cast<ExprStmt>(s);
      auto *call = es ? dyn_cast<CallExpr>(es->value) : nullptr;
      if (!call)
        return;
      std::string name;
      if (auto *n = dyn_cast<NameExpr>(call->func)) {
        auto it = visible.find(n->id);
        if (it != visible.end() && it->second)
          name = n->id;
      } else if (auto *a = dyn_cast<AttributeExpr>(call->func)) {
        auto *base = dyn_cast<NameExpr>(a->value);
        if (cls && base && base->id == selfName && asyncMethod(cls, a->attr))
          name = selfName + "." + a->attr;
        else if (asyncioCoroutines.count(facts.qualify(call->func)))
          name = facts.qualify(call->func);
      }
      if (name.empty())
        return;
      reportWithNote(diags, DiagID::CoroutineNotAwaited, DiagID::CoroutineNotAwaitedHint, call->range, {name},
                     "add 'await' before the call, or schedule it with 'asyncio.create_task(...)'");
    });
  };

  check(m.body, moduleDefs, nullptr, "");
  forEachFunction(m, [&](FunctionDefStmt *d, const std::vector<FunctionDefStmt *> &outer, ClassDefStmt *cls) {
    // Innermost bindings win: module, then each enclosing def, then this body.
    std::map<std::string, bool> visible = moduleDefs;
    for (FunctionDefStmt *o : outer) {
      for (Param &p : o->params)
        visible[p.name] = false;
      collectBindings(o->body, visible);
    }
    for (Param &p : d->params)
      visible[p.name] = false;
    collectBindings(d->body, visible);
    std::string selfName = cls && !d->params.empty() ? d->params[0].name : "";
    check(d->body, visible, cls, selfName);
  });
}

} // namespace weft
