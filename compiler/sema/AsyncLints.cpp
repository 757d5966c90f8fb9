// AsyncLints.cpp: runs the three async lints and holds the helpers they
// share (LintSupport.h): import tracking, dotted names, scope-bounded walks.
#include "sema/AsyncLints.h"

#include "sema/AstWalk.h"
#include "sema/Cast.h"
#include "sema/LintSupport.h"

namespace weft {

void runAsyncLints(Module &m, DiagnosticEngine &diags) {
  checkBlockingCalls(m, diags);
  checkUnawaitedCoroutines(m, diags);
  checkSwallowedCancel(m, diags);
}

ModuleFacts::ModuleFacts(Module &m) {
  walkStmts(m.body, true, [&](Stmt *s) {
    if (auto *imp = dyn_cast<ImportStmt>(s)) {
      for (Alias &a : imp->names) {
        if (a.asname.empty())
          modules[a.name.substr(0, a.name.find('.'))] = a.name.substr(0, a.name.find('.'));
        else
          modules[a.asname] = a.name;
      }
    } else if (auto *from = dyn_cast<ImportFromStmt>(s)) {
      for (Alias &a : from->names)
        imported[a.asname.empty() ? a.name : a.asname] = from->module + "." + a.name;
    }
  });
  // Top-level bindings other than imports shadow builtins such as open/input.
  for (Stmt *s : m.body) {
    if (auto *d = dyn_cast<FunctionDefStmt>(s))
      topLevel.insert(d->name);
    else if (auto *c = dyn_cast<ClassDefStmt>(s))
      topLevel.insert(c->name);
    else if (auto *a = dyn_cast<AssignStmt>(s))
      for (Expr *t : a->targets)
        walkExpr(t, [&](Expr *x) {
          if (auto *n = dyn_cast<NameExpr>(x))
            topLevel.insert(n->id);
        });
  }
}

std::string dottedName(Expr *e) {
  if (auto *n = dyn_cast<NameExpr>(e))
    return n->id;
  if (auto *a = dyn_cast<AttributeExpr>(e)) {
    std::string base = dottedName(a->value);
    return base.empty() ? "" : base + "." + a->attr;
  }
  return "";
}

std::string ModuleFacts::qualify(Expr *callee) const {
  std::string d = dottedName(callee);
  if (d.empty())
    return "";
  std::string head = d.substr(0, d.find('.'));
  std::string rest = d.size() > head.size() ? d.substr(head.size()) : "";
  if (auto it = modules.find(head); it != modules.end())
    return it->second + rest;
  if (auto it = imported.find(head); it != imported.end())
    return it->second + rest;
  if (topLevel.count(head))
    return "";
  return d;
}

void forEachFunction(Module &m,
                     const std::function<void(FunctionDefStmt *, const std::vector<FunctionDefStmt *> &,
                                              ClassDefStmt *)> &fn) {
  std::vector<FunctionDefStmt *> stack;
  std::function<void(StmtList &, ClassDefStmt *)> visit = [&](StmtList &body, ClassDefStmt *cls) {
    walkStmts(body, false, [&](Stmt *s) {
      if (auto *d = dyn_cast<FunctionDefStmt>(s)) {
        fn(d, stack, cls);
        stack.push_back(d);
        visit(d->body, nullptr);
        stack.pop_back();
      } else if (auto *c = dyn_cast<ClassDefStmt>(s)) {
        visit(c->body, c);
      }
    });
  };
  visit(m.body, nullptr);
}

void forEachExprInBody(StmtList &body, const std::function<void(Expr *)> &fn) {
  std::function<void(Expr *)> visit = [&](Expr *e) {
    fn(e);
    if (e->kind == ExprKind::Lambda)
      return;
    forEachChild(e, visit);
  };
  walkStmts(body, false, [&](Stmt *s) {
    if (s->kind == StmtKind::FunctionDef || s->kind == StmtKind::ClassDef)
      return; // decorators and defaults run in the enclosing scope, but are not its calls
    forEachExprOf(s, visit);
  });
}

void reportWithNote(DiagnosticEngine &diags, DiagID id, DiagID noteId, SourceRange r,
                    const std::vector<std::string> &args, const std::string &hint) {
  unsigned before = diags.warnings() + diags.errors();
  diags.report(id, r, args);
  if (diags.warnings() + diags.errors() > before)
    diags.report(noteId, r, {hint});
}

} // namespace weft
