// BlockingCallCheck.cpp: warns about calls that block the event loop inside
// an `async def` (time.sleep, open, input, requests.get, subprocess.run, ...),
// with a hint to await asyncio.sleep or move the call to asyncio.to_thread.
// A call to a module-level plain def that blocks, directly or through any
// chain of such defs, is reported too, naming the chain and the blocking call
// at its end. Nested plain defs and lambdas are skipped: they may well run in
// a thread. Passing a function to to_thread/run_in_executor is not a call of
// it, so executors never trigger the warning.
#include "sema/AstWalk.h"
#include "sema/AsyncLints.h"
#include "sema/Cast.h"
#include "sema/LintSupport.h"

#include <cstdio>
#include <functional>
#include <map>
#include <set>

namespace weft {

namespace {

const std::set<std::string> blockingCalls = {
    "time.sleep", "open", "input", "os.system", "os.wait", "os.waitpid",
    "requests.get", "requests.post", "requests.put", "requests.delete", "requests.patch",
    "requests.head", "requests.request", "urllib.request.urlopen",
    "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
    "socket.create_connection", "http.client.HTTPConnection",
    "concurrent.futures.wait", "concurrent.futures.as_completed",
};

/// Whether [e] is `<executor>.submit(...)`: a concurrent.futures.Future.
bool isSubmitCall(Expr *e) {
  auto *c = dyn_cast<CallExpr>(e);
  auto *a = c ? dyn_cast<AttributeExpr>(c->func) : nullptr;
  return a && a->attr == "submit";
}

/// Whether annotation [a] names concurrent.futures.Future, bare or subscripted.
bool isConcurrentFutureAnnotation(Expr *a, const ModuleFacts &facts) {
  if (!a)
    return false;
  if (auto *sub = dyn_cast<SubscriptExpr>(a))
    a = sub->value;
  return facts.qualify(a) == "concurrent.futures.Future";
}

/// The names [d] knows to hold a concurrent.futures.Future: what it binds to
/// `<executor>.submit(...)` (`f = pool.submit(g)`) and its parameters
/// annotated as one.
std::set<std::string> concurrentFutureNames(FunctionDefStmt *d, const ModuleFacts &facts) {
  std::set<std::string> names;
  for (Param &p : d->params)
    if (isConcurrentFutureAnnotation(p.annotation, facts))
      names.insert(p.name);
  walkStmts(d->body, false, [&](Stmt *s) {
    auto *as = dyn_cast<AssignStmt>(s);
    if (!as || !isSubmitCall(as->value))
      return;
    for (Expr *t : as->targets)
      if (auto *n = dyn_cast<NameExpr>(t))
        names.insert(n->id);
  });
  return names;
}

/// If [c] is `.result()` on a concurrent.futures.Future (one of [futures],
/// or `pool.submit(...)` itself), how to name it in a warning; else "".
std::string futureResultCall(CallExpr *c, const std::set<std::string> &futures) {
  auto *a = dyn_cast<AttributeExpr>(c->func);
  if (!a || a->attr != "result")
    return "";
  if (auto *n = dyn_cast<NameExpr>(a->value); n && futures.count(n->id))
    return n->id;
  if (!isSubmitCall(a->value))
    return "";
  std::string pool = dottedName(cast<AttributeExpr>(cast<CallExpr>(a->value)->func)->value);
  return (pool.empty() ? "" : pool + ".") + "submit(...)";
}

/// The argument as written, for literals, so the hint can be pasted back.
std::string literalText(CallExpr *c) {
  if (c->args.size() != 1)
    return "...";
  if (auto *i = dyn_cast<IntExpr>(c->args[0]))
    return std::to_string(i->value);
  if (auto *f = dyn_cast<FloatExpr>(c->args[0])) {
    char buf[64];
    for (int prec = 1; prec <= 17; ++prec) {
      std::snprintf(buf, sizeof buf, "%.*g", prec, f->value);
      if (std::strtod(buf, nullptr) == f->value)
        break;
    }
    std::string s = buf;
    if (s.find_first_of(".e") == std::string::npos)
      s += ".0";
    return s;
  }
  return "...";
}

std::string hintFor(const std::string &name, CallExpr *c) {
  if (name == "time.sleep") {
    std::string arg = literalText(c);
    return "use 'await asyncio.sleep(" + arg + ")' or 'await asyncio.to_thread(time.sleep, " + arg + ")'";
  }
  if (name.rfind("subprocess.", 0) == 0 || name == "os.system")
    return "use 'await asyncio.create_subprocess_exec(...)' or 'await asyncio.to_thread(" + name + ", ...)'";
  return "use 'await asyncio.to_thread(" + name + ", ...)' to run it off the event loop";
}

/// The calls in [d]'s own body (not nested scopes), skipping callees whose
/// first name is a parameter or local of [d] (a local `open` is not the builtin).
void forEachCall(FunctionDefStmt *d, const std::function<void(CallExpr *, const std::string &head)> &fn) {
  std::set<std::string> locals;
  for (Param &p : d->params)
    locals.insert(p.name);
  forEachExprInBody(d->body, [&](Expr *e) {
    if (auto *n = dyn_cast<NameExpr>(e); n && n->ctx == ExprContext::Store)
      locals.insert(n->id);
  });
  forEachExprInBody(d->body, [&](Expr *e) {
    auto *c = dyn_cast<CallExpr>(e);
    if (!c)
      return;
    std::string head = dottedName(c->func);
    head = head.substr(0, head.find('.'));
    if (!locals.count(head))
      fn(c, head);
  });
}

/// How a module-level plain def blocks: through [callee] (a blocking call, or
/// another blocking def) at [call].
struct BlockingDef {
  std::string callee;
  CallExpr *call;
  bool viaDef;
};

/// Every module-level plain def of [m] that blocks, directly or through other
/// such defs (a fixed point over the module's call graph).
std::map<std::string, BlockingDef> blockingDefs(Module &m, const ModuleFacts &facts) {
  std::map<std::string, FunctionDefStmt *> defs;
  for (Stmt *s : m.body)
    if (auto *d = dyn_cast<FunctionDefStmt>(s); d && !d->isAsync && d->decorators.empty())
      defs[d->name] = d;
  std::map<std::string, BlockingDef> blocking;
  std::map<std::string, std::vector<std::pair<std::string, CallExpr *>>> callsTo;
  for (auto &[name, d] : defs) {
    std::set<std::string> futures = concurrentFutureNames(d, facts);
    forEachExprInBody(d->body, [&](Expr *e) {
      auto *c = dyn_cast<CallExpr>(e);
      if (c && !blocking.count(name) && !futureResultCall(c, futures).empty())
        blocking[name] = {"concurrent.futures.Future.result", c, false};
    });
    forEachCall(d, [&](CallExpr *c, const std::string &head) {
      std::string q = facts.qualify(c->func);
      if (blockingCalls.count(q) && !blocking.count(name))
        blocking[name] = {q, c, false};
      if (auto *callee = dyn_cast<NameExpr>(c->func); callee && defs.count(callee->id) && head == callee->id)
        callsTo[name].push_back({callee->id, c});
    });
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto &[name, calls] : callsTo) {
      if (blocking.count(name))
        continue;
      for (auto &[callee, c] : calls)
        if (blocking.count(callee)) {
          blocking[name] = {callee, c, true};
          changed = true;
          break;
        }
    }
  }
  return blocking;
}

/// pool.submit(fn).result(), or f = pool.submit(fn) ... f.result(), or
/// f.result() on a parameter annotated concurrent.futures.Future, in the
/// async def [d]: a concurrent.futures.Future waited for on the loop's thread.
void checkFutureResults(FunctionDefStmt *d, const ModuleFacts &facts, DiagnosticEngine &diags) {
  std::set<std::string> futures = concurrentFutureNames(d, facts);
  forEachExprInBody(d->body, [&](Expr *e) {
    auto *c = dyn_cast<CallExpr>(e);
    std::string what = c ? futureResultCall(c, futures) : "";
    if (what.empty())
      return;
    reportWithNote(diags, DiagID::BlockingFutureResult, DiagID::BlockingFutureResultHint, c->range,
                   {what, d->name}, "");
  });
}

/// Reports the call [c] of the blocking def [name] inside `async def [asyncName]`:
/// the chain of defs down to the blocking call, and a note at that call.
void reportIndirect(DiagnosticEngine &diags, const std::map<std::string, BlockingDef> &blocking, CallExpr *c,
                    const std::string &name, const std::string &asyncName) {
  const BlockingDef *b = &blocking.at(name);
  std::string chain = "'" + b->callee + "'";
  for (int depth = 0; b->viaDef && depth < 64; ++depth) {
    b = &blocking.at(b->callee);
    chain += " -> '" + b->callee + "'";
  }
  unsigned before = diags.warnings() + diags.errors();
  diags.report(DiagID::BlockingCallIndirect, c->range, {name, asyncName, chain});
  if (diags.warnings() + diags.errors() > before)
    diags.report(DiagID::BlockingCallIndirectSite, b->call->range, {b->callee, name});
}

} // namespace

void checkBlockingCalls(Module &m, DiagnosticEngine &diags) {
  ModuleFacts facts(m);
  std::map<std::string, BlockingDef> blocking = blockingDefs(m, facts);
  forEachFunction(m, [&](FunctionDefStmt *d, const std::vector<FunctionDefStmt *> &, ClassDefStmt *) {
    if (!d->isAsync)
      return;
    checkFutureResults(d, facts, diags);
    forEachCall(d, [&](CallExpr *c, const std::string &) {
      std::string name = facts.qualify(c->func);
      auto *callee = dyn_cast<NameExpr>(c->func);
      if (callee && blocking.count(callee->id) && facts.topLevel.count(callee->id)) {
        reportIndirect(diags, blocking, c, callee->id, d->name);
        return;
      }
      if (!blockingCalls.count(name))
        return;
      // The warning names the non-blocking alternative; the note spells out
      // the exact replacement for this call.
      std::string alternative = name == "time.sleep" ? "'await asyncio.sleep'" : "'await asyncio.to_thread'";
      reportWithNote(diags, DiagID::BlockingCall, DiagID::BlockingCallHint, c->range, {name, d->name, alternative},
                     hintFor(name, c));
    });
  });
}

} // namespace weft
