// SwallowedCancelCheck.cpp: warns about an except clause in async code that
// catches CancelledError (by name, through BaseException, or bare) around an
// await and does not re-raise: the task then cannot be cancelled, and
// timeout(), wait_for() and TaskGroup stop working for it.
#include "sema/AsyncLints.h"
#include "sema/AstWalk.h"
#include "sema/Cast.h"
#include "sema/LintSupport.h"

namespace weft {

namespace {

/// How [type] catches CancelledError: "" when it does not.
std::string catchesCancel(Expr *type) {
  if (!type)
    return "bare 'except'";
  if (auto *t = dyn_cast<SequenceExpr>(type)) {
    for (Expr *x : t->elts) {
      std::string r = catchesCancel(x);
      if (!r.empty())
        return r;
    }
    return "";
  }
  std::string name = dottedName(type);
  if (name == "BaseException")
    return "'except BaseException'";
  std::string last = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
  if (last == "CancelledError")
    return "'except " + name + "'";
  return "";
}

/// Does [body] suspend somewhere the task's own cancellation can arrive?
/// Awaiting a task held in a variable (`await t` after `t.cancel()`) raises
/// that task's CancelledError, which the caller may legitimately handle, so
/// a body whose only awaits are of plain names does not count.
bool awaitsOwnWork(StmtList &body) {
  bool found = false;
  walkStmts(body, false, [&](Stmt *s) {
    if (auto *f = dyn_cast<ForStmt>(s); f && f->isAsync)
      found = true;
    if (auto *w = dyn_cast<WithStmt>(s); w && w->isAsync)
      found = true;
  });
  forEachExprInBody(body, [&](Expr *e) {
    if (auto *a = dyn_cast<AwaitExpr>(e); a && !dottedName(a->value).size())
      found = true;
  });
  return found;
}

bool raises(StmtList &body) {
  bool found = false;
  walkStmts(body, false, [&](Stmt *s) {
    if (s->kind == StmtKind::Raise)
      found = true;
  });
  return found;
}

} // namespace

void checkSwallowedCancel(Module &m, DiagnosticEngine &diags) {
  forEachFunction(m, [&](FunctionDefStmt *d, const std::vector<FunctionDefStmt *> &, ClassDefStmt *) {
    if (!d->isAsync)
      return;
    walkStmts(d->body, false, [&](Stmt *s) {
      auto *t = dyn_cast<TryStmt>(s);
      if (!t || !awaitsOwnWork(t->body))
        return;
      for (ExceptHandler &h : t->handlers) {
        std::string how = catchesCancel(h.type);
        if (how.empty() || raises(h.body))
          continue;
        bool named = how.find("CancelledError") != std::string::npos;
        std::string msg = named ? how + " swallows the task's cancellation: the handler does not re-raise CancelledError"
                                : how + " also catches CancelledError and does not re-raise it";
        std::string hint = named ? "end the handler with 'raise' so the task can still be cancelled"
                                 : "catch 'Exception' instead, or end the handler with 'raise'";
        SourceRange r = h.type ? h.type->range : h.range;
        reportWithNote(diags, DiagID::SwallowedCancel, DiagID::SwallowedCancelHint, r, {msg}, hint);
      }
    });
  });
}

} // namespace weft
