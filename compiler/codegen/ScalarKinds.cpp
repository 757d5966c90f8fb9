// ScalarKinds.cpp: the scalar-local analysis (see ScalarKinds.h). One walk
// collects every store of a local with where its value comes from; a
// fixpoint then joins the kinds of those sources, starting from Bottom so
// that loop-carried locals (`total += ...`) come out proven.
#include "codegen/ScalarKinds.h"

#include "sema/AstWalk.h"
#include "sema/Cast.h"
#include "weft/rt/wrt_value.h"

namespace weft {

namespace {

/// Where a stored value comes from.
struct StoreSite {
  enum Source { Value, Augmented, RangeItem, Opaque } source;
  const NameExpr *target;
  Expr *value = nullptr;          ///< Value, Augmented
  BinaryOp op = BinaryOp::Add;    ///< Augmented
};

} // namespace

ScalarKind joinKinds(ScalarKind a, ScalarKind b) {
  if (a == ScalarKind::Bottom)
    return b;
  if (b == ScalarKind::Bottom || a == b)
    return a;
  return ScalarKind::Unknown;
}

namespace {

bool isIntLike(ScalarKind k) { return k == ScalarKind::Int || k == ScalarKind::Bool; }
bool isNumeric(ScalarKind k) { return isIntLike(k) || k == ScalarKind::Float; }

/// The kind of `a op b` when a and b have kinds [l] and [r], by Python's rules.
ScalarKind arithmetic(BinaryOp op, ScalarKind l, ScalarKind r) {
  if (l == ScalarKind::Unknown || r == ScalarKind::Unknown)
    return ScalarKind::Unknown;
  if (l == ScalarKind::Bottom || r == ScalarKind::Bottom)
    return ScalarKind::Bottom;
  bool ints = isIntLike(l) && isIntLike(r);
  bool nums = isNumeric(l) && isNumeric(r);
  switch (op) {
  case BinaryOp::Add:
  case BinaryOp::Sub:
  case BinaryOp::Mul:
  case BinaryOp::FloorDiv:
  case BinaryOp::Mod:
    return ints ? ScalarKind::Int : nums ? ScalarKind::Float : ScalarKind::Unknown;
  case BinaryOp::TrueDiv: return nums ? ScalarKind::Float : ScalarKind::Unknown;
  case BinaryOp::LShift:
  case BinaryOp::RShift: return ints ? ScalarKind::Int : ScalarKind::Unknown;
  case BinaryOp::BitAnd:
  case BinaryOp::BitOr:
  case BinaryOp::BitXor:
    if (l == ScalarKind::Bool && r == ScalarKind::Bool)
      return ScalarKind::Bool;
    return ints ? ScalarKind::Int : ScalarKind::Unknown;
  default: return ScalarKind::Unknown; // ** can make a float or a complex; @ is user-defined
  }
}

/// True for a name that reaches the builtin of that name.
bool isBuiltin(Expr *e, const char *name) {
  auto *n = dyn_cast<NameExpr>(e);
  return n && n->id == name && (n->binding == BindingKind::Builtin || n->binding == BindingKind::Unresolved);
}

class Analysis {
public:
  Analysis(size_t nslots, const std::vector<ScalarKind> &seeds, const CallKindFn &globalCalls)
      : globalCalls(globalCalls) {
    result.slots.assign(nslots, ScalarKind::Bottom);
    for (size_t i = 0; i < seeds.size() && i < nslots; ++i)
      result.slots[i] = seeds[i];
  }

  void collectBlock(StmtList &body) {
    for (Stmt *s : body)
      collectStmt(s);
  }
  void collectExprTree(Expr *e);
  void collectStmt(Stmt *s);
  void solve();
  ScalarKinds result;

private:
  void add(StoreSite site);
  void opaqueStoresIn(Expr *target);
  ScalarKind kindOf(Expr *e) const;
  ScalarKind callKind(CallExpr *c) const;
  ScalarKind compareKind(CompareExpr *c) const;
  ScalarKind siteKind(const StoreSite &s) const;
  std::vector<StoreSite> sites;
  std::vector<ReturnStmt *> returnStmts;
  std::vector<CallExpr *> calls; ///< calls of module globals, for typedCalls
  const CallKindFn &globalCalls;
};

/// True when control cannot reach the end of [body] (it returns or raises
/// on every path the check can see).
bool alwaysLeaves(const StmtList &body) {
  if (body.empty())
    return false;
  Stmt *last = body.back();
  switch (last->kind) {
  case StmtKind::Return:
  case StmtKind::Raise: return true;
  case StmtKind::If: {
    auto *i = cast<IfStmt>(last);
    return alwaysLeaves(i->body) && alwaysLeaves(i->orelse);
  }
  default: return false;
  }
}

void Analysis::add(StoreSite site) {
  if (site.target->binding != BindingKind::Local)
    return;
  if (!result.seenStores.insert(site.target).second)
    return;
  sites.push_back(site);
}

/// Every local stored by [target] (a tuple, starred, attribute or subscript
/// target) gets an opaque value.
void Analysis::opaqueStoresIn(Expr *target) {
  if (auto *n = dyn_cast<NameExpr>(target); n && n->ctx != ExprContext::Load)
    add({StoreSite::Opaque, n});
  forEachChild(target, [&](Expr *child) { opaqueStoresIn(child); });
}

static bool isRangeCall(Expr *iter) {
  auto *c = dyn_cast<CallExpr>(iter);
  return c && isBuiltin(c->func, "range") && c->keywords.empty() && !c->args.empty() && c->args.size() <= 3;
}

/// Records the stores of [e] and below: walrus targets and comprehension
/// variables, then (as a catch-all) any other stored name as opaque. A
/// lambda's body is another code unit: only its defaults are ours.
void Analysis::collectExprTree(Expr *e) {
  if (auto *l = dyn_cast<LambdaExpr>(e)) {
    for (Param &p : l->params)
      if (p.defaultValue)
        collectExprTree(p.defaultValue);
    return;
  }
  if (auto *w = dyn_cast<NamedExpr>(e)) {
    if (auto *t = dyn_cast<NameExpr>(w->target))
      add({StoreSite::Value, t, w->value});
  } else if (auto *c = dyn_cast<ComprehensionExpr>(e)) {
    for (Comprehension &g : c->generators)
      if (auto *t = dyn_cast<NameExpr>(g.target); t && !g.isAsync && isRangeCall(g.iter))
        add({StoreSite::RangeItem, t});
  } else if (auto *n = dyn_cast<NameExpr>(e); n && n->ctx != ExprContext::Load) {
    add({StoreSite::Opaque, n}); // a no-op when a precise site came first
  } else if (auto *c = dyn_cast<CallExpr>(e); c && isa<NameExpr>(c->func) &&
                                               cast<NameExpr>(c->func)->binding == BindingKind::Global) {
    calls.push_back(c);
  }
  forEachChild(e, [&](Expr *child) { collectExprTree(child); });
}

void Analysis::collectStmt(Stmt *s) {
  switch (s->kind) {
  case StmtKind::Return: returnStmts.push_back(cast<ReturnStmt>(s)); break;
  case StmtKind::Assign: {
    auto *a = cast<AssignStmt>(s);
    for (Expr *t : a->targets) {
      if (auto *n = dyn_cast<NameExpr>(t))
        add({StoreSite::Value, n, a->value});
      else
        opaqueStoresIn(t);
    }
    break;
  }
  case StmtKind::AugAssign: {
    auto *a = cast<AugAssignStmt>(s);
    if (auto *n = dyn_cast<NameExpr>(a->target))
      add({StoreSite::Augmented, n, a->value, a->op});
    break;
  }
  case StmtKind::AnnAssign: {
    auto *a = cast<AnnAssignStmt>(s);
    if (auto *n = dyn_cast<NameExpr>(a->target); n && a->value)
      add({StoreSite::Value, n, a->value});
    break;
  }
  case StmtKind::For: {
    auto *f = cast<ForStmt>(s);
    if (auto *n = dyn_cast<NameExpr>(f->target); n && !f->isAsync && isRangeCall(f->iter))
      add({StoreSite::RangeItem, n});
    break;
  }
  case StmtKind::FunctionDef:
    if (auto *d = cast<FunctionDefStmt>(s); d->target)
      add({StoreSite::Opaque, d->target});
    break;
  case StmtKind::ClassDef:
    if (auto *d = cast<ClassDefStmt>(s); d->target)
      add({StoreSite::Opaque, d->target});
    break;
  case StmtKind::Try:
    for (ExceptHandler &h : cast<TryStmt>(s)->handlers)
      if (h.target)
        add({StoreSite::Opaque, h.target});
    break;
  case StmtKind::Import:
    for (Alias &a : cast<ImportStmt>(s)->names)
      if (a.target)
        add({StoreSite::Opaque, a.target});
    break;
  case StmtKind::ImportFrom:
    for (Alias &a : cast<ImportFromStmt>(s)->names)
      if (a.target)
        add({StoreSite::Opaque, a.target});
    break;
  default: break;
  }
  // `del x` stores "unbound", which codegen never retags: it only reads x here.
  forEachExprOf(s, [&](Expr *e) { collectExprTree(e); });
  // A class body runs in this frame (its comprehensions' variables are our
  // locals); a nested function's body is another code unit.
  if (s->kind != StmtKind::FunctionDef)
    forEachBlock(s, [&](StmtList &inner) { collectBlock(inner); });
}

ScalarKind Analysis::callKind(CallExpr *c) const {
  if (!c->keywords.empty())
    return ScalarKind::Unknown;
  for (Expr *a : c->args)
    if (a->kind == ExprKind::Starred)
      return ScalarKind::Unknown;
  size_t n = c->args.size();
  if (auto *f = dyn_cast<NameExpr>(c->func); f && f->binding == BindingKind::Global) {
    if (!globalCalls)
      return ScalarKind::Unknown;
    std::vector<ScalarKind> args;
    for (Expr *a : c->args)
      args.push_back(kindOf(a));
    return globalCalls(c, args);
  }
  // These builtins return exactly their type whatever they are given (or raise).
  if (isBuiltin(c->func, "len") || isBuiltin(c->func, "ord") || isBuiltin(c->func, "hash"))
    return n == 1 ? ScalarKind::Int : ScalarKind::Unknown;
  if (isBuiltin(c->func, "int") && n <= 2)
    return ScalarKind::Int;
  if (isBuiltin(c->func, "float") && n <= 1)
    return ScalarKind::Float;
  if (isBuiltin(c->func, "bool") && n <= 1)
    return ScalarKind::Bool;
  if (isBuiltin(c->func, "abs") && n == 1) {
    ScalarKind k = kindOf(c->args[0]);
    return k == ScalarKind::Bool ? ScalarKind::Int : isNumeric(k) || k == ScalarKind::Bottom ? k : ScalarKind::Unknown;
  }
  // min and max return one of their arguments.
  if ((isBuiltin(c->func, "min") || isBuiltin(c->func, "max")) && n >= 2) {
    ScalarKind k = ScalarKind::Bottom;
    for (Expr *a : c->args)
      k = joinKinds(k, kindOf(a));
    return k;
  }
  return ScalarKind::Unknown;
}

ScalarKind Analysis::compareKind(CompareExpr *c) const {
  // `is`, `in` and their negations always give a bool; the rich comparisons
  // only between scalars (a user class's __lt__ may return anything).
  Expr *left = c->left;
  bool sawBottom = false;
  for (size_t i = 0; i < c->ops.size(); ++i) {
    Expr *right = c->comparators[i];
    CompareOp op = c->ops[i];
    if (op != CompareOp::Is && op != CompareOp::IsNot && op != CompareOp::In && op != CompareOp::NotIn) {
      ScalarKind l = kindOf(left), r = kindOf(right);
      if (l == ScalarKind::Unknown || r == ScalarKind::Unknown)
        return ScalarKind::Unknown;
      sawBottom |= l == ScalarKind::Bottom || r == ScalarKind::Bottom;
    }
    left = right;
  }
  return sawBottom ? ScalarKind::Bottom : ScalarKind::Bool;
}

ScalarKind Analysis::kindOf(Expr *e) const {
  switch (e->kind) {
  case ExprKind::Int: return ScalarKind::Int;
  case ExprKind::Float: return ScalarKind::Float;
  case ExprKind::Bool: return ScalarKind::Bool;
  case ExprKind::Name: {
    auto *n = cast<NameExpr>(e);
    return n->binding == BindingKind::Local ? result.of(n->slot) : ScalarKind::Unknown;
  }
  case ExprKind::BinOp: {
    auto *bin = cast<BinOpExpr>(e);
    return arithmetic(bin->op, kindOf(bin->lhs), kindOf(bin->rhs));
  }
  case ExprKind::UnaryOp: {
    auto *u = cast<UnaryOpExpr>(e);
    if (u->op == UnaryOpKind::Not)
      return ScalarKind::Bool;
    ScalarKind k = kindOf(u->operand);
    if (k == ScalarKind::Bottom || k == ScalarKind::Unknown)
      return k;
    if (u->op == UnaryOpKind::Invert)
      return isIntLike(k) ? ScalarKind::Int : ScalarKind::Unknown;
    return k == ScalarKind::Bool ? ScalarKind::Int : k;
  }
  case ExprKind::Compare: return compareKind(cast<CompareExpr>(e));
  case ExprKind::BoolOp: {
    ScalarKind k = ScalarKind::Bottom;
    for (Expr *v : cast<BoolOpExpr>(e)->values)
      k = joinKinds(k, kindOf(v));
    return k;
  }
  case ExprKind::IfExp: {
    auto *i = cast<IfExpExpr>(e);
    return joinKinds(kindOf(i->body), kindOf(i->orelse));
  }
  case ExprKind::NamedExpr: return kindOf(cast<NamedExpr>(e)->value);
  case ExprKind::Call: return callKind(cast<CallExpr>(e));
  default: return ScalarKind::Unknown;
  }
}

ScalarKind Analysis::siteKind(const StoreSite &s) const {
  switch (s.source) {
  case StoreSite::Value: return kindOf(s.value);
  case StoreSite::Augmented: return arithmetic(s.op, result.of(s.target->slot), kindOf(s.value));
  case StoreSite::RangeItem: return ScalarKind::Int;
  case StoreSite::Opaque: return ScalarKind::Unknown;
  }
  return ScalarKind::Unknown;
}

void Analysis::solve() {
  // Kinds only climb Bottom -> scalar -> Unknown, so this ends within
  // 2 x slots rounds.
  for (bool changed = true; changed;) {
    changed = false;
    for (const StoreSite &s : sites) {
      ScalarKind &slot = result.slots[s.target->slot];
      ScalarKind next = joinKinds(slot, siteKind(s));
      if (next != slot) {
        slot = next;
        changed = true;
      }
    }
  }
  for (ScalarKind &k : result.slots)
    if (k == ScalarKind::Bottom)
      k = ScalarKind::Unknown;
  ScalarKind ret = ScalarKind::Bottom;
  for (ReturnStmt *r : returnStmts)
    ret = joinKinds(ret, r->value ? kindOf(r->value) : ScalarKind::Unknown);
  result.returns = ret == ScalarKind::Bottom ? ScalarKind::Unknown : ret;
  for (CallExpr *c : calls)
    if (ScalarKind k = callKind(c); k != ScalarKind::Unknown && k != ScalarKind::Bottom)
      result.typedCalls[c] = k;
}

} // namespace

ScalarKinds inferScalarKinds(Scope *scope, size_t nparams, const StmtList *body, Expr *lambdaBody,
                             const std::vector<ScalarKind> &paramSeeds, const CallKindFn &globalCalls) {
  std::vector<ScalarKind> seeds(nparams, ScalarKind::Unknown);
  for (size_t i = 0; i < nparams && i < paramSeeds.size(); ++i)
    seeds[i] = paramSeeds[i];
  Analysis a(scope ? scope->localSlots.size() : 0, seeds, globalCalls);
  if (body)
    a.collectBlock(const_cast<StmtList &>(*body));
  if (lambdaBody)
    a.collectExprTree(lambdaBody);
  a.solve();
  if (!body || !alwaysLeaves(*body))
    a.result.returns = ScalarKind::Unknown; // it may fall off the end and return None
  return std::move(a.result);
}

ScalarKind annotationKind(Expr *annotation) {
  if (!annotation)
    return ScalarKind::Unknown;
  if (isBuiltin(annotation, "int"))
    return ScalarKind::Int;
  if (isBuiltin(annotation, "float"))
    return ScalarKind::Float;
  if (isBuiltin(annotation, "bool"))
    return ScalarKind::Bool;
  return ScalarKind::Unknown;
}

uint64_t scalarTag(ScalarKind k) {
  switch (k) {
  case ScalarKind::Bool: return WT_BOOL;
  case ScalarKind::Int: return WT_INT;
  case ScalarKind::Float: return WT_FLOAT;
  default: return WT_UNBOUND;
  }
}

} // namespace weft
