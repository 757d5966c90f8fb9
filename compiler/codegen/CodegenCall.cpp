// CodegenCall.cpp: calls. `obj.m(args)` calls the method without building a
// bound method; `f(*a, **k)` goes through wrt_call_ex; keyword arguments pass
// their names as a cached tuple; `super()` is resolved from the running
// function's owner class. Values computed before an argument that awaits are
// spilled to slots, which in a coroutine are frame fields.
#include "codegen/Codegen.h"

#include "weft/rt/wrt_builtin_names.h"

#include "weft/rt/wrt_value.h"

namespace weft {

using llvm::Value;

static bool anySuspend(const std::vector<Expr *> &es, size_t from) {
  for (size_t i = from; i < es.size(); ++i)
    if (containsSuspend(es[i]))
      return true;
  return false;
}

static bool keywordsSuspend(const std::vector<Keyword> &ks) {
  for (const Keyword &k : ks)
    if (containsSuspend(k.value))
      return true;
  return false;
}

Value *Codegen::evalArgs(const std::vector<Expr *> &exprs, bool laterSuspends) {
  Codegen &cg = *this;
  std::vector<Spill> vals;
  vals.reserve(exprs.size());
  for (size_t i = 0; i < exprs.size(); ++i) {
    Value *v = cg.emitExpr(exprs[i]);
    vals.emplace_back(cg, v, laterSuspends || anySuspend(exprs, i + 1));
  }
  auto *arrTy = llvm::ArrayType::get(cg.abi->valueType(), exprs.empty() ? 1 : exprs.size());
  Value *arr = cg.argArray(exprs.size());
  for (size_t i = 0; i < vals.size(); ++i)
    cg.b.CreateStore(vals[i].get(), cg.b.CreateConstInBoundsGEP2_64(arrTy, arr, 0, i));
  return arr;
}

/// The tuple of keyword names of a call (its items are cached strings).
static Value *kwnamesTuple(Codegen &cg, const std::vector<Keyword> &kws) {
  std::vector<Value *> names;
  for (const Keyword &k : kws)
    names.push_back(cg.strConst(k.name));
  auto *arrTy = llvm::ArrayType::get(cg.abi->valueType(), names.size());
  Value *arr = cg.argArray(names.size());
  for (size_t i = 0; i < names.size(); ++i)
    cg.b.CreateStore(names[i], cg.b.CreateConstInBoundsGEP2_64(arrTy, arr, 0, i));
  Value *t = cg.check(cg.callRT("wrt_tuple_new", {cg.b.getInt64(names.size()), arr}));
  return cg.b.CreateIntToPtr(cg.payloadOf(t), cg.abi->ptr());
}

/// f(*args, **kwargs) and mixtures: collect positional values into a list
/// (extending with starred ones) and keywords into a dict.
static Value *emitCallEx(Codegen &cg, Value *callee, CallExpr *c) {
  auto &b = cg.b;
  Value *null = llvm::ConstantPointerNull::get(cg.abi->ptr());
  Value *calleeSlot = cg.valueSlot("callee");
  b.CreateStore(callee, calleeSlot);
  Value *listSlot = cg.valueSlot("posargs");
  b.CreateStore(cg.check(cg.callRT("wrt_list_new", {b.getInt64(0), null})), listSlot);
  for (Expr *a : c->args) {
    if (auto *s = dynamic_cast<StarredExpr *>(a)) {
      Value *v = cg.emitExpr(s->value);
      cg.check(cg.callRT("wrt_list_extend", {b.CreateLoad(cg.abi->valueType(), listSlot), v}));
    } else {
      Value *v = cg.emitExpr(a);
      cg.check(cg.callRT("wrt_list_append", {b.CreateLoad(cg.abi->valueType(), listSlot), v}));
    }
  }
  Value *kw = cg.noneValue();
  if (!c->keywords.empty()) {
    Value *dictSlot = cg.valueSlot("kwargs");
    b.CreateStore(cg.check(cg.callRT("wrt_dict_new", {b.getInt64(0), null, null})), dictSlot);
    for (Keyword &k : c->keywords) {
      Value *v = cg.emitExpr(k.value);
      Value *d = b.CreateLoad(cg.abi->valueType(), dictSlot);
      if (k.name.empty())
        cg.check(cg.callRT("wrt_dict_update", {d, v}));
      else
        cg.check(cg.callRT("wrt_dict_set", {d, cg.strConst(k.name), v}));
    }
    kw = b.CreateLoad(cg.abi->valueType(), dictSlot);
  }
  Value *args = cg.check(cg.callRT("wrt_list_to_tuple", {b.CreateLoad(cg.abi->valueType(), listSlot)}));
  return cg.check(cg.callRT("wrt_call_ex", {b.CreateLoad(cg.abi->valueType(), calleeSlot), args, kw}, "call"));
}

/// super() inside a method: the class the method was defined in (its
/// function object's owner) and the method's first argument.
static Value *emitSuper(Codegen &cg) {
  auto &b = cg.b;
  FunctionState *f = cg.fs;
  if (!f->self || f->scope->localSlots.empty())
    return cg.check(cg.callRT("wrt_super", {cg.unboundValue(), cg.unboundValue()}));
  // WFunc.owner is the last field (offset 56).
  Value *ownerPtr = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), f->self, 56);
  Value *owner = b.CreateLoad(cg.abi->valueType(), ownerPtr, "owner");
  Value *selfArg;
  int cell = f->scope->cellIndex(f->scope->localSlots[0]);
  if (cell >= 0) {
    Value *c = b.CreateLoad(cg.abi->ptr(), f->cells[cell]);
    selfArg = b.CreateLoad(cg.abi->valueType(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), c, 8));
  } else {
    selfArg = b.CreateLoad(cg.abi->valueType(), f->locals[0]);
  }
  return cg.check(cg.callRT("wrt_super", {owner, selfArg}, "super"));
}

llvm::Function *Codegen::internalFunction(const std::string &symbol, llvm::FunctionType *fty) {
  if (llvm::Function *f = mod->getFunction(symbol))
    return f;
  return llvm::Function::Create(fty, llvm::GlobalValue::InternalLinkage, symbol, *mod);
}

llvm::Function *Codegen::functionToDefine(const std::string &symbol, llvm::FunctionType *fty) {
  llvm::Function *declared = mod->getFunction(symbol);
  if (declared && declared->isDeclaration() && declared->getFunctionType() == fty)
    return declared;
  return llvm::Function::Create(fty, llvm::GlobalValue::InternalLinkage, symbol, *mod);
}

/// The LLVM function behind the direct calls of module-level [def].
static llvm::Function *directTarget(Codegen &cg, FunctionDefStmt *def) {
  llvm::FunctionType *fty = llvm::FunctionType::get(cg.abi->valueType(), {cg.abi->ptr(), cg.abi->ptr()}, false);
  return cg.internalFunction("weft." + def->name, fty);
}

Value *Codegen::loadDirectCallee(NameExpr *name, const std::string &prefix) {
  Value *slot = b.CreateLoad(abi->valueType(), globalSlotPtr(name->slot), name->id);
  llvm::BasicBlock *missing = newBlock(prefix + ".unbound");
  llvm::BasicBlock *bound = newBlock(prefix + ".direct");
  b.CreateCondBr(b.CreateICmpEQ(tagOf(slot), b.getInt64(WT_OBJ)), bound, missing,
                 llvm::MDBuilder(ctx).createBranchWeights(1000, 1));
  setBlock(missing);
  callRT("wrt_raise_name_error", {internedName(name->id)});
  b.CreateBr(excTarget());
  setBlock(bound);
  return slot;
}

/// A direct call of a function whose name no builtin has: an unbound slot
/// (the def has not run) can only mean NameError, raised before the
/// arguments are evaluated as CPython's LOAD_GLOBAL does, so the call has
/// one path and its argument array folds into registers.
static Value *emitDirectCallNoBuiltin(Codegen &cg, NameExpr *name, FunctionDefStmt *def, CallExpr *c,
                                      bool argsSuspend) {
  auto &b = cg.b;
  Spill callee(cg, cg.loadDirectCallee(name, "call"), argsSuspend);
  Value *argv = cg.evalArgs(c->args, false);
  Value *self = b.CreateIntToPtr(cg.payloadOf(callee.get()), cg.abi->ptr());
  Value *result = cg.check(b.CreateCall(directTarget(cg, def), {self, argv}, "call"));
  if (auto it = cg.fs->scalars.typedCalls.find(c); it != cg.fs->scalars.typedCalls.end())
    result = cg.withTag(result, scalarTag(it->second));
  return result;
}

/// A call of a module-level function defined once: its global slot holds
/// that function or nothing, so when it holds an object the compiled code is
/// called directly, with no binder and no dispatch.
static Value *emitDirectCall(Codegen &cg, NameExpr *name, FunctionDefStmt *def, CallExpr *c, bool argsSuspend) {
  if (!wrt_may_be_builtin(name->id.c_str()))
    return emitDirectCallNoBuiltin(cg, name, def, c, argsSuspend);
  auto &b = cg.b;
  Spill callee(cg, b.CreateLoad(cg.abi->valueType(), cg.globalSlotPtr(name->slot), name->id), argsSuspend);
  Value *argv = cg.evalArgs(c->args, false);
  Value *fnVal = callee.get();
  llvm::Function *target = directTarget(cg, def);
  llvm::BasicBlock *direct = cg.newBlock("call.direct");
  llvm::BasicBlock *generic = cg.newBlock("call.generic");
  llvm::BasicBlock *done = cg.newBlock("call.done");
  b.CreateCondBr(b.CreateICmpEQ(cg.tagOf(fnVal), b.getInt64(WT_OBJ)), direct, generic,
                 llvm::MDBuilder(cg.ctx).createBranchWeights(1000, 1));
  cg.setBlock(direct);
  Value *self = b.CreateIntToPtr(cg.payloadOf(fnVal), cg.abi->ptr());
  Value *fast = b.CreateCall(target, {self, argv}, "call");
  b.CreateBr(done);
  // Not defined yet: the builtin of that name, or NameError.
  cg.setBlock(generic);
  Value *builtin = cg.check(cg.callRT("wrt_builtin", {cg.internedName(name->id)}));
  Value *slow = cg.callRT("wrt_call", {builtin, b.getInt64(c->args.size()), argv}, "call");
  llvm::BasicBlock *slowEnd = b.GetInsertBlock();
  b.CreateBr(done);
  cg.setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(cg.abi->valueType(), 2, "call");
  phi->addIncoming(fast, direct);
  phi->addIncoming(slow, slowEnd);
  // Typed functions are never builtin namesakes (inferTypedFunctions).
  return cg.check(phi);
}

static bool hasStarOrDoubleStar(CallExpr *c) {
  for (Expr *a : c->args)
    if (a->kind == ExprKind::Starred)
      return true;
  for (Keyword &k : c->keywords)
    if (k.name.empty())
      return true;
  return false;
}

Value *Codegen::emitCall(CallExpr *c) {
  auto *fname = dynamic_cast<NameExpr *>(c->func);
  if (fname && fname->id == "super" && c->args.empty() &&
      (fname->binding == BindingKind::Builtin || fname->binding == BindingKind::Unresolved))
    return emitSuper(*this);

  // str(x), repr(x) and len(x) of the builtins: the runtime's conversions,
  // with no builtin lookup, no binder and no argument array.
  bool builtinOfOne = fname && (fname->binding == BindingKind::Builtin || fname->binding == BindingKind::Unresolved) &&
                      c->args.size() == 1 && c->keywords.empty() && !hasStarOrDoubleStar(c);
  if (builtinOfOne && (fname->id == "str" || fname->id == "repr"))
    return check(callRT(fname->id == "str" ? "wrt_str" : "wrt_repr", {emitExpr(c->args[0])}, fname->id));
  if (builtinOfOne && fname->id == "len")
    return makeValue(b.getInt64(WT_INT), checkStatus(callRT("wrt_len", {emitExpr(c->args[0])}, "len")));

  bool argsSuspend = anySuspend(c->args, 0) || keywordsSuspend(c->keywords);
  Value *null = llvm::ConstantPointerNull::get(abi->ptr());

  // A coroutine function's code is its frame creator, called the same way.
  if (fname && fname->binding == BindingKind::Global && c->keywords.empty() && !hasStarOrDoubleStar(c))
    for (auto *direct : {&directFunctions, &directCoroutines})
      if (auto it = direct->find(fname->id); it != direct->end() && it->second->params.size() == c->args.size())
        return emitDirectCall(*this, fname, it->second, c, argsSuspend);

  // obj.method(args): no bound-method object.
  if (auto *attr = dynamic_cast<AttributeExpr *>(c->func); attr && !hasStarOrDoubleStar(c)) {
    Spill obj(*this, emitExpr(attr->value), argsSuspend);
    std::vector<Expr *> all = c->args;
    for (Keyword &k : c->keywords)
      all.push_back(k.value);
    Value *argv = evalArgs(all, false);
    if (c->keywords.empty())
      return check(callRT("wrt_call_method_ic", {obj.get(), internedName(attr->attr), b.getInt64(all.size()),
                                                  argv, cacheSite(attr->attr)}, attr->attr));
    Value *kwn = kwnamesTuple(*this, c->keywords);
    return check(callRT("wrt_call_method_kw", {obj.get(), internedName(attr->attr), b.getInt64(all.size()), argv, kwn}, attr->attr));
  }

  Spill callee(*this, emitExpr(c->func), argsSuspend);
  if (hasStarOrDoubleStar(c))
    return emitCallEx(*this, callee.get(), c);
  std::vector<Expr *> all = c->args;
  for (Keyword &k : c->keywords)
    all.push_back(k.value);
  Value *argv = all.empty() ? null : evalArgs(all, false);
  if (c->keywords.empty())
    return check(callRT("wrt_call", {callee.get(), b.getInt64(all.size()), argv}, "call"));
  Value *kwn = kwnamesTuple(*this, c->keywords);
  return check(callRT("wrt_call_kw", {callee.get(), b.getInt64(all.size()), argv, kwn}, "call"));
}

} // namespace weft
