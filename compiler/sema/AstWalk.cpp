// AstWalk.cpp: the one place that knows which children each AST node has,
// so the passes built on it (lints, pre-scans) stay short.
#include "sema/AstWalk.h"

#include "sema/Cast.h"

namespace weft {

void forEachChild(Expr *e, const std::function<void(Expr *)> &fn) {
  auto visit = [&](Expr *x) {
    if (x)
      fn(x);
  };
  switch (e->kind) {
  case ExprKind::FString:
    for (FStringPart &p : cast<FStringExpr>(e)->parts) {
      visit(p.expr);
      visit(p.formatSpec);
    }
    break;
  case ExprKind::BinOp:
    visit(cast<BinOpExpr>(e)->lhs);
    visit(cast<BinOpExpr>(e)->rhs);
    break;
  case ExprKind::UnaryOp: visit(cast<UnaryOpExpr>(e)->operand); break;
  case ExprKind::BoolOp:
    for (Expr *v : cast<BoolOpExpr>(e)->values)
      visit(v);
    break;
  case ExprKind::Compare:
    visit(cast<CompareExpr>(e)->left);
    for (Expr *c : cast<CompareExpr>(e)->comparators)
      visit(c);
    break;
  case ExprKind::Call: {
    auto *c = cast<CallExpr>(e);
    visit(c->func);
    for (Expr *a : c->args)
      visit(a);
    for (Keyword &k : c->keywords)
      visit(k.value);
    break;
  }
  case ExprKind::Attribute: visit(cast<AttributeExpr>(e)->value); break;
  case ExprKind::Subscript:
    visit(cast<SubscriptExpr>(e)->value);
    visit(cast<SubscriptExpr>(e)->index);
    break;
  case ExprKind::Slice: {
    auto *s = cast<SliceExpr>(e);
    visit(s->lower);
    visit(s->upper);
    visit(s->step);
    break;
  }
  case ExprKind::Tuple:
  case ExprKind::List:
  case ExprKind::Set:
    for (Expr *x : static_cast<SequenceExpr *>(e)->elts)
      visit(x);
    break;
  case ExprKind::Dict: {
    auto *d = cast<DictExpr>(e);
    for (size_t i = 0; i < d->values.size(); ++i) {
      if (i < d->keys.size())
        visit(d->keys[i]);
      visit(d->values[i]);
    }
    break;
  }
  case ExprKind::ListComp:
  case ExprKind::SetComp:
  case ExprKind::DictComp:
  case ExprKind::GeneratorExp: {
    auto *c = static_cast<ComprehensionExpr *>(e);
    for (Comprehension &g : c->generators) {
      visit(g.iter);
      visit(g.target);
      for (Expr *i : g.ifs)
        visit(i);
    }
    visit(c->elt);
    visit(c->value);
    break;
  }
  case ExprKind::Lambda: {
    auto *l = cast<LambdaExpr>(e);
    for (Param &p : l->params)
      visit(p.defaultValue);
    visit(l->body);
    break;
  }
  case ExprKind::IfExp: {
    auto *i = cast<IfExpExpr>(e);
    visit(i->test);
    visit(i->body);
    visit(i->orelse);
    break;
  }
  case ExprKind::Await: visit(cast<AwaitExpr>(e)->value); break;
  case ExprKind::Yield: visit(cast<YieldExpr>(e)->value); break;
  case ExprKind::YieldFrom: visit(cast<YieldFromExpr>(e)->value); break;
  case ExprKind::Starred: visit(cast<StarredExpr>(e)->value); break;
  case ExprKind::NamedExpr:
    visit(cast<NamedExpr>(e)->target);
    visit(cast<NamedExpr>(e)->value);
    break;
  default: break;
  }
}

void forEachExprOf(Stmt *s, const std::function<void(Expr *)> &fn) {
  auto visit = [&](Expr *x) {
    if (x)
      fn(x);
  };
  switch (s->kind) {
  case StmtKind::Expr: visit(cast<ExprStmt>(s)->value); break;
  case StmtKind::Assign:
    for (Expr *t : cast<AssignStmt>(s)->targets)
      visit(t);
    visit(cast<AssignStmt>(s)->value);
    break;
  case StmtKind::AugAssign:
    visit(cast<AugAssignStmt>(s)->target);
    visit(cast<AugAssignStmt>(s)->value);
    break;
  case StmtKind::AnnAssign:
    visit(cast<AnnAssignStmt>(s)->target);
    visit(cast<AnnAssignStmt>(s)->annotation);
    visit(cast<AnnAssignStmt>(s)->value);
    break;
  case StmtKind::FunctionDef: {
    auto *d = cast<FunctionDefStmt>(s);
    for (Expr *x : d->decorators)
      visit(x);
    for (Param &p : d->params) {
      visit(p.annotation);
      visit(p.defaultValue);
    }
    visit(d->returns);
    break;
  }
  case StmtKind::ClassDef: {
    auto *d = cast<ClassDefStmt>(s);
    for (Expr *x : d->decorators)
      visit(x);
    for (Expr *x : d->bases)
      visit(x);
    for (Keyword &k : d->keywords)
      visit(k.value);
    break;
  }
  case StmtKind::Return: visit(cast<ReturnStmt>(s)->value); break;
  case StmtKind::If: visit(cast<IfStmt>(s)->test); break;
  case StmtKind::While: visit(cast<WhileStmt>(s)->test); break;
  case StmtKind::For:
    visit(cast<ForStmt>(s)->target);
    visit(cast<ForStmt>(s)->iter);
    break;
  case StmtKind::Try:
    for (ExceptHandler &h : cast<TryStmt>(s)->handlers)
      visit(h.type);
    break;
  case StmtKind::Raise:
    visit(cast<RaiseStmt>(s)->exc);
    visit(cast<RaiseStmt>(s)->cause);
    break;
  case StmtKind::With:
    for (WithItem &i : cast<WithStmt>(s)->items) {
      visit(i.contextExpr);
      visit(i.optionalVars);
    }
    break;
  case StmtKind::Del:
    for (Expr *t : cast<DelStmt>(s)->targets)
      visit(t);
    break;
  case StmtKind::Assert:
    visit(cast<AssertStmt>(s)->test);
    visit(cast<AssertStmt>(s)->msg);
    break;
  default: break;
  }
}

void forEachBlock(Stmt *s, const std::function<void(StmtList &)> &fn) {
  switch (s->kind) {
  case StmtKind::FunctionDef: fn(cast<FunctionDefStmt>(s)->body); break;
  case StmtKind::ClassDef: fn(cast<ClassDefStmt>(s)->body); break;
  case StmtKind::If:
    fn(cast<IfStmt>(s)->body);
    fn(cast<IfStmt>(s)->orelse);
    break;
  case StmtKind::While:
    fn(cast<WhileStmt>(s)->body);
    fn(cast<WhileStmt>(s)->orelse);
    break;
  case StmtKind::For:
    fn(cast<ForStmt>(s)->body);
    fn(cast<ForStmt>(s)->orelse);
    break;
  case StmtKind::Try: {
    auto *t = cast<TryStmt>(s);
    fn(t->body);
    for (ExceptHandler &h : t->handlers)
      fn(h.body);
    fn(t->orelse);
    fn(t->finalbody);
    break;
  }
  case StmtKind::With: fn(cast<WithStmt>(s)->body); break;
  default: break;
  }
}

void walkExpr(Expr *e, const std::function<void(Expr *)> &fn) {
  if (!e)
    return;
  fn(e);
  forEachChild(e, [&](Expr *c) { walkExpr(c, fn); });
}

void walkStmts(StmtList &body, bool intoDefs, const std::function<void(Stmt *)> &onStmt) {
  for (Stmt *s : body) {
    onStmt(s);
    if (!intoDefs && (s->kind == StmtKind::FunctionDef || s->kind == StmtKind::ClassDef))
      continue;
    forEachBlock(s, [&](StmtList &inner) { walkStmts(inner, intoDefs, onStmt); });
  }
}

} // namespace weft
