// CodegenVersioned.cpp: function versioning on annotated scalar parameters
// (docs/design.md "Scalar locals"). Python does not enforce `n: int`, so a
// body may only assume it after a check: the function's entry tests the
// tags of its `int`, `float` and `bool` parameters and calls either the body
// compiled with those kinds proven or the body that accepts anything. The
// entry is always inlined, so a direct call whose arguments are already
// known (fib's own `fib(n - 1)`) folds the test away.
#include "codegen/Codegen.h"

#include "sema/AstWalk.h"
#include "sema/Cast.h"
#include "weft/rt/wrt_builtin_names.h"
#include "weft/rt/wrt_value.h"

namespace weft {

using llvm::Value;

/// True when [body] defines no function, lambda or class: each of those
/// would be emitted once per version.
static bool hasNestedCodeUnits(const StmtList &body) {
  bool found = false;
  walkStmts(const_cast<StmtList &>(body), false, [&](Stmt *s) {
    found |= s->kind == StmtKind::FunctionDef || s->kind == StmtKind::ClassDef;
    forEachExprOf(s, [&](Expr *e) {
      walkExpr(e, [&](Expr *x) { found |= x->kind == ExprKind::Lambda; });
    });
  });
  return found;
}

/// True when a seeded parameter is an operand of arithmetic or a comparison
/// somewhere in [body]: where knowing its tag removes a check.
static bool usesSeededOperand(const StmtList &body, const std::vector<ScalarKind> &seeds) {
  auto seeded = [&](Expr *e) {
    auto *n = dyn_cast<NameExpr>(e);
    return n && n->binding == BindingKind::Local && n->slot >= 0 &&
           static_cast<size_t>(n->slot) < seeds.size() && seeds[n->slot] != ScalarKind::Unknown;
  };
  bool found = false;
  walkStmts(const_cast<StmtList &>(body), false, [&](Stmt *s) {
    if (auto *a = dyn_cast<AugAssignStmt>(s))
      found |= seeded(a->target) || seeded(a->value);
    forEachExprOf(s, [&](Expr *e) {
      walkExpr(e, [&](Expr *x) {
        if (auto *bin = dyn_cast<BinOpExpr>(x))
          found |= seeded(bin->lhs) || seeded(bin->rhs);
        else if (auto *u = dyn_cast<UnaryOpExpr>(x))
          found |= seeded(u->operand);
        else if (auto *c = dyn_cast<CompareExpr>(x)) {
          found |= seeded(c->left);
          for (Expr *r : c->comparators)
            found |= seeded(r);
        } else if (auto *call = dyn_cast<CallExpr>(x); call && isa<NameExpr>(call->func) &&
                                                       cast<NameExpr>(call->func)->id == "range") {
          for (Expr *a : call->args)
            found |= seeded(a);
        }
      });
    });
  });
  return found;
}

std::vector<ScalarKind> Codegen::versionSeeds(Scope *scope, std::vector<Param> &params, const StmtList &body) {
  std::vector<ScalarKind> seeds(params.size(), ScalarKind::Unknown);
  bool any = false;
  for (size_t i = 0; i < params.size(); ++i) {
    ParamKind k = params[i].kind;
    if (k == ParamKind::VarArgs || k == ParamKind::VarKeywords || (i < scope->paramCell.size() && scope->paramCell[i] >= 0))
      continue;
    seeds[i] = annotationKind(params[i].annotation);
    any |= seeds[i] != ScalarKind::Unknown;
  }
  if (!any || !scope->cellSlots.empty() || hasNestedCodeUnits(body) || !usesSeededOperand(body, seeds))
    return {};
  return seeds;
}

ScalarKinds Codegen::analyseScalars(Scope *scope, size_t nparams, const StmtList *body, Expr *lambdaBody,
                                    const std::vector<ScalarKind> &seeds) {
  return inferScalarKinds(scope, nparams, body, lambdaBody, seeds,
                          [this](CallExpr *c, const std::vector<ScalarKind> &args) { return directCallKind(c, args); });
}

ScalarKind Codegen::directCallKind(CallExpr *call, const std::vector<ScalarKind> &argKinds) const {
  auto *f = cast<NameExpr>(call->func);
  auto it = typedFunctions.find(f->id);
  if (it == typedFunctions.end() || argKinds.size() != it->second.seeds.size())
    return ScalarKind::Unknown;
  // The entry takes the typed body only when every checked argument has
  // exactly the kind checked for (a bool is not an int there).
  ScalarKind result = it->second.returns;
  for (size_t i = 0; i < argKinds.size(); ++i) {
    ScalarKind want = it->second.seeds[i];
    if (want == ScalarKind::Unknown)
      continue;
    if (argKinds[i] == ScalarKind::Bottom)
      result = ScalarKind::Bottom;
    else if (argKinds[i] != want)
      return ScalarKind::Unknown;
  }
  return result;
}

void Codegen::inferTypedFunctions() {
  for (auto &[name, def] : directFunctions) {
    // A call made before the def has run reaches the builtin of that name,
    // which could return anything: only other names can be typed.
    if (!def->scope || wrt_may_be_builtin(name.c_str()))
      continue;
    // An unversioned function checks nothing: its one body must prove its
    // result for any arguments (`def size(xs) -> int: return len(xs) * 2`).
    std::vector<ScalarKind> seeds = versionSeeds(def->scope, def->params, def->body);
    if (seeds.empty())
      seeds.assign(def->params.size(), ScalarKind::Unknown);
    typedFunctions[name] = {def, seeds, ScalarKind::Bottom};
  }
  // Returns only climb Bottom -> kind -> Unknown, so this settles within
  // 2 x functions + 1 rounds; past that, claim nothing.
  size_t rounds = 2 * typedFunctions.size() + 2;
  bool changed = true;
  for (size_t round = 0; changed && round < rounds; ++round) {
    changed = false;
    for (auto &[name, sig] : typedFunctions) {
      ScalarKind next = joinKinds(sig.returns, analyseScalars(sig.def->scope, sig.seeds.size(), &sig.def->body,
                                                              nullptr, sig.seeds).returns);
      changed |= next != sig.returns;
      sig.returns = next;
    }
  }
  for (auto &[name, sig] : typedFunctions)
    if (changed || sig.returns == ScalarKind::Bottom)
      sig.returns = ScalarKind::Unknown;
}

llvm::Function *Codegen::emitVersionedBody(Scope *scope, const std::string &symbol, std::vector<Param> &params,
                                           const StmtList *body) {
  std::vector<ScalarKind> seeds = versionSeeds(scope, params, *body);
  if (seeds.empty())
    return nullptr;

  llvm::Function *typed = emitFunctionBody(scope, symbol + ".typed", params, body, nullptr, false, seeds);
  llvm::Function *untyped = emitFunctionBody(scope, symbol + ".any", params, body, nullptr, false);

  llvm::FunctionType *fty = untyped->getFunctionType();
  llvm::Function *entry = mod->getFunction(symbol);
  if (!entry || !entry->isDeclaration() || entry->getFunctionType() != fty)
    entry = llvm::Function::Create(fty, llvm::GlobalValue::InternalLinkage, symbol, *mod);
  entry->addFnAttr(llvm::Attribute::AlwaysInline);
  llvm::IRBuilderBase::InsertPoint savedIP = b.saveIP();
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", entry));
  Value *self = entry->getArg(0), *args = entry->getArg(1);
  Value *ok = b.getTrue();
  for (size_t i = 0; i < seeds.size(); ++i) {
    if (seeds[i] == ScalarKind::Unknown)
      continue;
    Value *tag = b.CreateLoad(b.getInt64Ty(), b.CreateConstInBoundsGEP2_32(abi->valueType(), args, i, 0), "tag");
    ok = b.CreateAnd(ok, b.CreateICmpEQ(tag, b.getInt64(scalarTag(seeds[i]))));
  }
  llvm::BasicBlock *onTyped = llvm::BasicBlock::Create(ctx, "typed", entry);
  llvm::BasicBlock *onAny = llvm::BasicBlock::Create(ctx, "any", entry);
  b.CreateCondBr(ok, onTyped, onAny, llvm::MDBuilder(ctx).createBranchWeights(1000, 1));
  b.SetInsertPoint(onTyped);
  std::vector<Value *> values = {self};
  for (size_t i = 0; i < params.size(); ++i) {
    Value *arg = b.CreateLoad(abi->valueType(), b.CreateConstInBoundsGEP1_64(abi->valueType(), args, i));
    values.push_back(tagOf(arg));
    values.push_back(payloadOf(arg));
  }
  Value *result = b.CreateCall(typed, values);
  // The typed body returns one kind (or raises): say so, so that the
  // caller's checks of the result fold once this entry is inlined.
  auto sig = typedFunctions.find(scope->name);
  ScalarKind returns = sig != typedFunctions.end() && sig->second.def->scope == scope
                           ? sig->second.returns
                           : inferScalarKinds(scope, params.size(), body, nullptr, seeds).returns;
  if (returns != ScalarKind::Unknown) {
    Value *failed = b.CreateICmpEQ(tagOf(result), b.getInt64(WT_ERR));
    result = b.CreateSelect(failed, result, withTag(result, scalarTag(returns)));
  }
  b.CreateRet(result);
  b.SetInsertPoint(onAny);
  b.CreateRet(b.CreateCall(untyped, {self, args}));
  b.restoreIP(savedIP);
  return entry;
}

} // namespace weft
