// Narrowing.cpp: what a condition tells about the variables it tests
// (`x is None`, `x is not None`, `isinstance(x, C)`, truthiness, `not`,
// `and`/`or`), as flow facts keyed by access path, and how facts from two
// branches meet. The statement walker applies them to if/elif/else, while,
// assert, conditional expressions and comprehension filters.
#include "sema/TypeCheckerImpl.h"

namespace weft {

std::string Checker::pathKey(Expr *e) {
  if (!e)
    return "";
  if (auto *n = dyn_cast<NameExpr>(e))
    return n->id;
  if (auto *ne = dyn_cast<NamedExpr>(e))
    return ne->target->id;
  if (auto *a = dyn_cast<AttributeExpr>(e)) {
    std::string base = pathKey(a->value);
    return base.empty() ? "" : base + "." + a->attr;
  }
  return "";
}

void Checker::applyFlow(const Flow &facts) {
  for (auto &[key, t] : facts) {
    forgetPath(key);
    if (t && !t->is(TypeKind::Unknown))
      frame->flow[key] = t;
  }
}

Flow Checker::mergeFlows(const Flow &a, const Flow &b) {
  Flow out;
  for (auto &[key, t] : a) {
    auto it = b.find(key);
    if (it == b.end())
      continue;
    // An unknown on either side stays unknown: the declared type would be
    // a guess the program may already have ruled out.
    out[key] = tc.unionOf({t, it->second});
  }
  return out;
}

Narrowing Checker::narrow(Expr *cond) {
  Narrowing n;
  if (!cond)
    return n;
  // The current type of a tested path, without reporting twice on it.
  auto current = [&](Expr *x) {
    ++silent;
    const Type *t = typeOf(x);
    --silent;
    return t;
  };
  switch (cond->kind) {
  case ExprKind::UnaryOp: {
    auto *u = cast<UnaryOpExpr>(cond);
    if (u->op == UnaryOpKind::Not) {
      Narrowing inner = narrow(u->operand);
      n.whenTrue = inner.whenFalse;
      n.whenFalse = inner.whenTrue;
    }
    return n;
  }
  case ExprKind::BoolOp: {
    auto *b = cast<BoolOpExpr>(cond);
    bool isAnd = b->op == BoolOpKind::And;
    Flow saved = frame->flow;
    Flow acc;
    for (Expr *v : b->values) {
      Narrowing part = narrow(v);
      Flow &facts = isAnd ? part.whenTrue : part.whenFalse;
      applyFlow(facts);
      for (auto &[k, t] : facts)
        acc[k] = t;
    }
    frame->flow = saved;
    (isAnd ? n.whenTrue : n.whenFalse) = acc;
    return n;
  }
  case ExprKind::Compare: {
    auto *c = cast<CompareExpr>(cond);
    if (c->ops.size() != 1)
      return n;
    CompareOp op = c->ops[0];
    Expr *l = c->left, *r = c->comparators[0];
    if (op == CompareOp::Is || op == CompareOp::IsNot || op == CompareOp::Eq || op == CompareOp::NotEq) {
      Expr *subject = isa<NoneExpr>(r) ? l : isa<NoneExpr>(l) ? r : nullptr;
      std::string key = pathKey(subject);
      if (key.empty())
        return n;
      const Type *t = current(subject);
      bool positive = op == CompareOp::Is || op == CompareOp::Eq;
      Flow &isNone = positive ? n.whenTrue : n.whenFalse;
      Flow &notNone = positive ? n.whenFalse : n.whenTrue;
      if (!t->isLenient()) {
        if (op == CompareOp::Is || op == CompareOp::IsNot)
          isNone[key] = tc.none();
        notNone[key] = tc.removeNone(t);
      }
    }
    return n;
  }
  case ExprKind::Call: {
    auto *c = cast<CallExpr>(cond);
    auto *f = dyn_cast<NameExpr>(c->func);
    if (!f || f->id != "isinstance" || c->args.size() != 2)
      return n;
    std::string key = pathKey(c->args[0]);
    if (key.empty())
      return n;
    const Type *target = isinstanceTarget(c->args[1]);
    if (target->is(TypeKind::Unknown))
      return n;
    const Type *t = current(c->args[0]);
    n.whenTrue[key] = tc.narrowTo(t, target);
    n.whenFalse[key] = tc.removeInstancesOf(t, target);
    return n;
  }
  case ExprKind::Name:
  case ExprKind::Attribute:
  case ExprKind::NamedExpr: {
    std::string key = pathKey(cond);
    if (key.empty())
      return n;
    const Type *t = current(cond);
    if (t->is(TypeKind::Union))
      n.whenTrue[key] = tc.removeNone(t);
    return n;
  }
  default:
    return n;
  }
}

} // namespace weft
