// BlockingCallCheck.cpp: warns about calls that block the event loop inside
// an `async def` (time.sleep, open, input, requests.get, subprocess.run, ...),
// with a hint to await asyncio.sleep or move the call to asyncio.to_thread.
// Nested plain defs and lambdas are skipped: they may well run in a thread.
#include "sema/AsyncLints.h"
#include "sema/Cast.h"
#include "sema/LintSupport.h"

#include <cstdio>
#include <set>

namespace weft {

namespace {

const std::set<std::string> blockingCalls = {
    "time.sleep", "open", "input", "os.system", "os.wait", "os.waitpid",
    "requests.get", "requests.post", "requests.put", "requests.delete", "requests.patch",
    "requests.head", "requests.request", "urllib.request.urlopen",
    "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
    "socket.create_connection", "http.client.HTTPConnection",
};

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

} // namespace

void checkBlockingCalls(Module &m, DiagnosticEngine &diags) {
  ModuleFacts facts(m);
  forEachFunction(m, [&](FunctionDefStmt *d, const std::vector<FunctionDefStmt *> &, ClassDefStmt *) {
    if (!d->isAsync)
      return;
    // A parameter or local named like a builtin (open, input) is not the builtin.
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
      if (locals.count(head))
        return;
      std::string name = facts.qualify(c->func);
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
