// DepthCheck.cpp: refuses ASTs too deep for the recursive passes after the
// parser. The parser itself runs on a large stack, so `not not ... x` or a
// sum of 10^5 terms parses fine; but NameResolver, the type checker and
// codegen walk the tree recursively on an ordinary stack. CPython has the
// same limit in spirit (RecursionError during compilation at about 3,000).
#include "parse/ParseInternal.h"

namespace weft::parse {

namespace {

class DepthChecker {
public:
  explicit DepthChecker(ParseEnv &env) : env(env) {}

  /// False once an expression deeper than maxExprDepth was found (reported).
  bool ok() const { return !failed; }

  void stmts(const StmtList &body) {
    for (const Stmt *s : body)
      stmt(s);
  }

private:
  void e(const Expr *x, unsigned depth);
  void stmt(const Stmt *s);
  void top(const Expr *x) { e(x, 1); }
  void params(const std::vector<Param> &ps, unsigned depth) {
    for (const Param &p : ps) {
      e(p.annotation, depth);
      e(p.defaultValue, depth);
    }
  }

  ParseEnv &env;
  bool failed = false;
};

void DepthChecker::e(const Expr *x, unsigned d) {
  if (!x || failed)
    return;
  if (d > maxExprDepth) {
    failed = true;
    // One column: the node may span a 100,000-character line.
    SourceRange r = x->range;
    r.end = {r.begin.line, r.begin.col + 1};
    env.diags.report(DiagID::SyntaxError, r,
                     {"expression too deeply nested (more than " + std::to_string(maxExprDepth) + " levels)"});
    return;
  }
  ++d;
  switch (x->kind) {
  case ExprKind::FString:
    for (const FStringPart &p : static_cast<const FStringExpr *>(x)->parts) {
      e(p.expr, d);
      e(p.formatSpec, d);
    }
    break;
  case ExprKind::BinOp: {
    auto *b = static_cast<const BinOpExpr *>(x);
    e(b->lhs, d);
    e(b->rhs, d);
    break;
  }
  case ExprKind::UnaryOp: e(static_cast<const UnaryOpExpr *>(x)->operand, d); break;
  case ExprKind::BoolOp:
    for (const Expr *v : static_cast<const BoolOpExpr *>(x)->values)
      e(v, d);
    break;
  case ExprKind::Compare: {
    auto *c = static_cast<const CompareExpr *>(x);
    e(c->left, d);
    for (const Expr *v : c->comparators)
      e(v, d);
    break;
  }
  case ExprKind::Call: {
    auto *c = static_cast<const CallExpr *>(x);
    e(c->func, d);
    for (const Expr *a : c->args)
      e(a, d);
    for (const Keyword &k : c->keywords)
      e(k.value, d);
    break;
  }
  case ExprKind::Attribute: e(static_cast<const AttributeExpr *>(x)->value, d); break;
  case ExprKind::Subscript: {
    auto *s = static_cast<const SubscriptExpr *>(x);
    e(s->value, d);
    e(s->index, d);
    break;
  }
  case ExprKind::Slice: {
    auto *s = static_cast<const SliceExpr *>(x);
    e(s->lower, d);
    e(s->upper, d);
    e(s->step, d);
    break;
  }
  case ExprKind::Tuple:
  case ExprKind::List:
  case ExprKind::Set:
    for (const Expr *v : static_cast<const SequenceExpr *>(x)->elts)
      e(v, d);
    break;
  case ExprKind::Dict: {
    auto *m = static_cast<const DictExpr *>(x);
    for (size_t i = 0; i < m->values.size(); ++i) {
      e(m->keys[i], d);
      e(m->values[i], d);
    }
    break;
  }
  case ExprKind::ListComp:
  case ExprKind::SetComp:
  case ExprKind::DictComp:
  case ExprKind::GeneratorExp: {
    auto *c = static_cast<const ComprehensionExpr *>(x);
    e(c->elt, d);
    e(c->value, d);
    for (const Comprehension &g : c->generators) {
      e(g.target, d);
      e(g.iter, d);
      for (const Expr *i : g.ifs)
        e(i, d);
    }
    break;
  }
  case ExprKind::Lambda: {
    auto *l = static_cast<const LambdaExpr *>(x);
    params(l->params, d);
    e(l->body, d);
    break;
  }
  case ExprKind::IfExp: {
    auto *i = static_cast<const IfExpExpr *>(x);
    e(i->test, d);
    e(i->body, d);
    e(i->orelse, d);
    break;
  }
  case ExprKind::Await: e(static_cast<const AwaitExpr *>(x)->value, d); break;
  case ExprKind::Yield: e(static_cast<const YieldExpr *>(x)->value, d); break;
  case ExprKind::YieldFrom: e(static_cast<const YieldFromExpr *>(x)->value, d); break;
  case ExprKind::Starred: e(static_cast<const StarredExpr *>(x)->value, d); break;
  case ExprKind::NamedExpr: e(static_cast<const NamedExpr *>(x)->value, d); break;
  default: break;
  }
}

void DepthChecker::stmt(const Stmt *s) {
  if (failed)
    return;
  switch (s->kind) {
  case StmtKind::Expr: top(static_cast<const ExprStmt *>(s)->value); break;
  case StmtKind::Assign: {
    auto *a = static_cast<const AssignStmt *>(s);
    for (const Expr *t : a->targets)
      top(t);
    top(a->value);
    break;
  }
  case StmtKind::AugAssign: {
    auto *a = static_cast<const AugAssignStmt *>(s);
    top(a->target);
    top(a->value);
    break;
  }
  case StmtKind::AnnAssign: {
    auto *a = static_cast<const AnnAssignStmt *>(s);
    top(a->target);
    top(a->annotation);
    top(a->value);
    break;
  }
  case StmtKind::FunctionDef: {
    auto *f = static_cast<const FunctionDefStmt *>(s);
    for (const Expr *d : f->decorators)
      top(d);
    params(f->params, 1);
    top(f->returns);
    stmts(f->body);
    break;
  }
  case StmtKind::ClassDef: {
    auto *c = static_cast<const ClassDefStmt *>(s);
    for (const Expr *d : c->decorators)
      top(d);
    for (const Expr *b : c->bases)
      top(b);
    for (const Keyword &k : c->keywords)
      top(k.value);
    stmts(c->body);
    break;
  }
  case StmtKind::Return: top(static_cast<const ReturnStmt *>(s)->value); break;
  case StmtKind::If: {
    auto *i = static_cast<const IfStmt *>(s);
    top(i->test);
    stmts(i->body);
    stmts(i->orelse);
    break;
  }
  case StmtKind::While: {
    auto *w = static_cast<const WhileStmt *>(s);
    top(w->test);
    stmts(w->body);
    stmts(w->orelse);
    break;
  }
  case StmtKind::For: {
    auto *f = static_cast<const ForStmt *>(s);
    top(f->target);
    top(f->iter);
    stmts(f->body);
    stmts(f->orelse);
    break;
  }
  case StmtKind::Try: {
    auto *t = static_cast<const TryStmt *>(s);
    stmts(t->body);
    for (const ExceptHandler &h : t->handlers) {
      top(h.type);
      stmts(h.body);
    }
    stmts(t->orelse);
    stmts(t->finalbody);
    break;
  }
  case StmtKind::Raise: {
    auto *r = static_cast<const RaiseStmt *>(s);
    top(r->exc);
    top(r->cause);
    break;
  }
  case StmtKind::With: {
    auto *w = static_cast<const WithStmt *>(s);
    for (const WithItem &i : w->items) {
      top(i.contextExpr);
      top(i.optionalVars);
    }
    stmts(w->body);
    break;
  }
  case StmtKind::Del:
    for (const Expr *t : static_cast<const DelStmt *>(s)->targets)
      top(t);
    break;
  case StmtKind::Assert: {
    auto *a = static_cast<const AssertStmt *>(s);
    top(a->test);
    top(a->msg);
    break;
  }
  default: break;
  }
}

} // namespace

bool checkExprDepth(ParseEnv &env, const StmtList &body) {
  DepthChecker c(env);
  c.stmts(body);
  return c.ok();
}

} // namespace weft::parse
