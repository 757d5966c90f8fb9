// CodegenName.cpp: constants, names (locals, cells, free variables, globals,
// builtins, class-body names) and the error checks after runtime calls.
#include "codegen/Codegen.h"

#include "weft/rt/wrt_value.h"

#include "llvm/Support/ErrorHandling.h"

namespace weft {

using llvm::Value;

Value *Codegen::constValue(uint64_t tag, uint64_t payload) {
  return llvm::ConstantStruct::get(abi->valueType(), {b.getInt64(tag), b.getInt64(payload)});
}

Value *Codegen::makeValue(Value *tag, Value *payload) {
  Value *v = llvm::UndefValue::get(abi->valueType());
  v = b.CreateInsertValue(v, tag, 0);
  return b.CreateInsertValue(v, payload, 1);
}

Value *Codegen::withTag(Value *v, uint64_t tag) {
  return makeValue(b.getInt64(tag), payloadOf(v));
}

Value *Codegen::boolValue(Value *i1) {
  return makeValue(b.getInt64(WT_BOOL), b.CreateZExt(i1, b.getInt64Ty()));
}

Value *Codegen::tagOf(Value *v) { return b.CreateExtractValue(v, 0, "tag"); }
Value *Codegen::payloadOf(Value *v) { return b.CreateExtractValue(v, 1, "payload"); }

Value *Codegen::cString(const std::string &s) {
  return b.CreateGlobalStringPtr(s, "weft.cstr", 0, mod.get());
}

/// A lazily initialised cache global: loads it, and on first use calls
/// [init] and stores the result. Interned strings stay alive through the
/// runtime's intern table, so the cache needs no GC root.
static Value *cached(Codegen &cg, llvm::GlobalVariable *gv, llvm::Type *ty,
                     const std::function<Value *()> &init) {
  auto &b = cg.b;
  Value *cur = b.CreateLoad(ty, gv);
  Value *isNull = ty->isPointerTy() ? b.CreateIsNull(cur) : b.CreateICmpEQ(b.CreateExtractValue(cur, 0), b.getInt64(0));
  llvm::BasicBlock *pre = b.GetInsertBlock();
  llvm::BasicBlock *initBB = cg.newBlock("cache.init");
  llvm::BasicBlock *done = cg.newBlock("cache.done");
  b.CreateCondBr(isNull, initBB, done, llvm::MDBuilder(cg.ctx).createBranchWeights(1, 1000));
  cg.setBlock(initBB);
  Value *fresh = init();
  b.CreateStore(fresh, gv);
  llvm::BasicBlock *initEnd = b.GetInsertBlock();
  b.CreateBr(done);
  cg.setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(ty, 2);
  phi->addIncoming(cur, pre);
  phi->addIncoming(fresh, initEnd);
  return phi;
}

Value *Codegen::strConst(const std::string &s) {
  llvm::GlobalVariable *&gv = strCache[s];
  if (!gv)
    gv = new llvm::GlobalVariable(*mod, abi->valueType(), false, llvm::GlobalValue::InternalLinkage,
                                  llvm::ConstantAggregateZero::get(abi->valueType()), "weft.str");
  return cached(*this, gv, abi->valueType(), [&] {
    return callRT("wrt_str_const", {cString(s), b.getInt64(s.size())});
  });
}

Value *Codegen::bytesConst(const std::string &s) {
  // Bytes literals are rare: build one per evaluation.
  return callRT("wrt_bytes_const", {cString(s), b.getInt64(s.size())});
}

Value *Codegen::internedName(const std::string &s) {
  llvm::GlobalVariable *&gv = nameCache[s];
  if (!gv)
    gv = new llvm::GlobalVariable(*mod, abi->ptr(), false, llvm::GlobalValue::InternalLinkage,
                                  llvm::ConstantPointerNull::get(abi->ptr()), "weft.name." + s);
  return cached(*this, gv, abi->ptr(), [&] {
    return callRT("wrt_intern", {cString(s), b.getInt64(s.size())});
  });
}

Value *Codegen::cacheSite(const std::string &attr) {
  // WCacheSite {void *entry; int64_t fills}: the runtime fills it in place.
  auto *ty = llvm::StructType::get(ctx, {abi->ptr(), b.getInt64Ty()});
  return new llvm::GlobalVariable(*mod, ty, false, llvm::GlobalValue::InternalLinkage,
                                  llvm::ConstantAggregateZero::get(ty), "weft.ic." + attr);
}

llvm::BasicBlock *Codegen::newBlock(const llvm::Twine &name) {
  return llvm::BasicBlock::Create(ctx, name, fs->fn);
}

Value *Codegen::unlessSlow(Value *takeSlow, Value *fast, const std::function<Value *()> &slow, const llvm::Twine &name,
                           bool rare) {
  llvm::BasicBlock *pre = b.GetInsertBlock();
  llvm::BasicBlock *slowBB = newBlock(name + ".slow");
  llvm::BasicBlock *done = newBlock(name + ".done");
  if (rare)
    b.CreateCondBr(takeSlow, slowBB, done, llvm::MDBuilder(ctx).createBranchWeights(1, 1000));
  else
    b.CreateCondBr(takeSlow, slowBB, done);
  setBlock(slowBB);
  Value *slowV = slow();
  llvm::BasicBlock *slowEnd = b.GetInsertBlock();
  b.CreateBr(done);
  setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(fast->getType(), 2, name);
  phi->addIncoming(fast, pre);
  phi->addIncoming(slowV, slowEnd);
  return phi;
}

void Codegen::setBlock(llvm::BasicBlock *bb) { b.SetInsertPoint(bb); }

bool Codegen::blockOpen() const { return b.GetInsertBlock() && !b.GetInsertBlock()->getTerminator(); }

Value *Codegen::callRT(const std::string &name, llvm::ArrayRef<Value *> args, const llvm::Twine &label) {
  return abi->call(b, name, args, label);
}

llvm::BasicBlock *Codegen::excTarget() {
  return fs->excTargets.empty() ? fs->errorExit : fs->excTargets.back();
}

Value *Codegen::check(Value *v) {
  Value *isErr = b.CreateICmpEQ(tagOf(v), b.getInt64(WT_ERR), "iserr");
  llvm::BasicBlock *ok = newBlock("ok");
  b.CreateCondBr(isErr, excTarget(), ok, llvm::MDBuilder(ctx).createBranchWeights(1, 1000));
  setBlock(ok);
  return v;
}

Value *Codegen::checkStatus(Value *status) {
  Value *isErr = b.CreateICmpSLT(status, b.getInt64(0), "iserr");
  llvm::BasicBlock *ok = newBlock("ok");
  b.CreateCondBr(isErr, excTarget(), ok, llvm::MDBuilder(ctx).createBranchWeights(1, 1000));
  setBlock(ok);
  return status;
}

Value *Codegen::truthy(Value *v) {
  // Fast path for bool (conditions and comparisons); everything else asks
  // the runtime, which also handles __bool__ and __len__.
  Value *tag = tagOf(v);
  Value *isBool = b.CreateICmpEQ(tag, b.getInt64(WT_BOOL));
  llvm::BasicBlock *pre = b.GetInsertBlock();
  llvm::BasicBlock *slow = newBlock("truthy.slow");
  llvm::BasicBlock *done = newBlock("truthy.done");
  Value *fast = b.CreateICmpNE(payloadOf(v), b.getInt64(0));
  b.CreateCondBr(isBool, done, slow);
  setBlock(slow);
  Value *r = checkStatus(callRT("wrt_truthy", {v}, "truth"));
  Value *slowBit = b.CreateICmpNE(r, b.getInt64(0));
  llvm::BasicBlock *slowEnd = b.GetInsertBlock();
  b.CreateBr(done);
  setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(b.getInt1Ty(), 2, "truth");
  phi->addIncoming(fast, pre);
  phi->addIncoming(slowBit, slowEnd);
  return phi;
}

Value *Codegen::entryAlloca(llvm::Type *t, const llvm::Twine &name, bool liveAcrossSuspension) {
  llvm::IRBuilder<> eb(fs->entry, fs->entry->begin());
  auto *a = eb.CreateAlloca(t, nullptr, name);
  // In a generator or coroutine a slot that may hold a value across a
  // suspension becomes a frame field; scratch slots filled and consumed
  // between two suspensions (argument arrays, free-variable cells reloaded
  // at every resume) stay on the stack.
  if (fs->resumable && liveAcrossSuspension)
    fs->frameSlots.push_back(a);
  return a;
}

Value *Codegen::valueSlot(const llvm::Twine &name) {
  Value *a = entryAlloca(abi->valueType(), name);
  // Frames start zeroed (UNBOUND); re-storing on every resume would clobber.
  if (fs->resumable)
    return a;
  llvm::IRBuilder<> eb(fs->entry, fs->entry->getFirstInsertionPt());
  eb.SetInsertPoint(llvm::cast<llvm::Instruction>(a)->getNextNode());
  eb.CreateStore(llvm::ConstantAggregateZero::get(abi->valueType()), a);
  return a;
}

Value *Codegen::argArray(size_t n) {
  return entryAlloca(llvm::ArrayType::get(abi->valueType(), n ? n : 1), "argv", false);
}

// ---------------------------------------------------------------- names

Value *Codegen::globalSlotPtr(int slot) {
  Value *base = b.CreateLoad(abi->ptr(), globalsBlock, "globals");
  if (opts.replCell) // a table of the session's boxes, one per global
    return b.CreateLoad(abi->ptr(), b.CreateConstInBoundsGEP1_64(abi->ptr(), base, slot), "global.box");
  return b.CreateConstInBoundsGEP1_64(abi->valueType(), base, slot);
}

Value *Codegen::cellPtr(NameExpr *n) {
  Value *cellAlloca = n->binding == BindingKind::Cell ? fs->cells[n->slot] : fs->frees[n->slot];
  Value *cell = b.CreateLoad(abi->ptr(), cellAlloca, "cell");
  // WCell { WObj hdr; WValue value; }: the value is at offset 8.
  return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), cell, 8, "cell.value");
}

/// Raises when [v] is UNBOUND, through [raiser] (a wrt_raise_* taking a name).
static Value *checkBound(Codegen &cg, Value *v, const char *raiser, const std::string &name) {
  auto &b = cg.b;
  Value *unbound = b.CreateICmpEQ(cg.tagOf(v), b.getInt64(WT_UNBOUND));
  llvm::BasicBlock *bad = cg.newBlock("unbound");
  llvm::BasicBlock *ok = cg.newBlock("bound");
  b.CreateCondBr(unbound, bad, ok, llvm::MDBuilder(cg.ctx).createBranchWeights(1, 1000));
  cg.setBlock(bad);
  cg.callRT(raiser, {cg.internedName(name)});
  b.CreateBr(cg.excTarget());
  cg.setBlock(ok);
  return v;
}

Value *Codegen::loadName(NameExpr *n) {
  switch (n->binding) {
  case BindingKind::Local: {
    Value *v = b.CreateLoad(abi->valueType(), fs->locals[n->slot], n->id);
    return checkBound(*this, v, "wrt_raise_unbound_local", n->id);
  }
  case BindingKind::Cell:
  case BindingKind::Free: {
    Value *v = b.CreateLoad(abi->valueType(), cellPtr(n), n->id);
    return checkBound(*this, v, "wrt_raise_name_error", n->id);
  }
  case BindingKind::Global: {
    Value *v = b.CreateLoad(abi->valueType(), globalSlotPtr(n->slot), n->id);
    // An unassigned global falls back to the builtins, as in Python.
    Value *unbound = b.CreateICmpEQ(tagOf(v), b.getInt64(WT_UNBOUND));
    return unlessSlow(unbound, v, [&] { return check(callRT("wrt_builtin", {internedName(n->id)})); },
                      "global." + n->id);
  }
  case BindingKind::ClassBody: {
    Value *cls = b.CreateLoad(abi->valueType(), fs->classStack.back());
    return check(callRT("wrt_getattr", {cls, internedName(n->id)}));
  }
  case BindingKind::Builtin:
  case BindingKind::Unresolved: {
    if (n->id == "__name__")
      return strConst(ast.name);
    llvm::GlobalVariable *&gv = builtinCache[n->id];
    if (!gv)
      gv = new llvm::GlobalVariable(*mod, abi->valueType(), false, llvm::GlobalValue::InternalLinkage,
                                    llvm::ConstantAggregateZero::get(abi->valueType()), "weft.builtin." + n->id);
    Value *cur = b.CreateLoad(abi->valueType(), gv);
    Value *unbound = b.CreateICmpEQ(tagOf(cur), b.getInt64(WT_UNBOUND));
    return unlessSlow(unbound, cur, [&] {
      Value *bv = check(callRT("wrt_builtin", {internedName(n->id)}));
      b.CreateStore(bv, gv);
      return bv;
    }, "builtin." + n->id);
  }
  }
  return noneValue();
}

void Codegen::storeName(NameExpr *n, Value *v) {
  switch (n->binding) {
  case BindingKind::Local: {
    ScalarKind kind = fs->scalars.of(n->slot);
    if (kind != ScalarKind::Unknown) {
      // A store the analysis did not see could hold anything, and every
      // use of this local has been compiled assuming its kind.
      if (!fs->scalars.seenStores.count(n))
        llvm::report_fatal_error("scalar-kind analysis missed a store of '" + llvm::Twine(n->id) + "'");
      v = withTag(v, scalarTag(kind));
    }
    b.CreateStore(v, fs->locals[n->slot]);
    return;
  }
  case BindingKind::Cell:
  case BindingKind::Free:
    b.CreateStore(v, cellPtr(n));
    return;
  case BindingKind::Global:
    b.CreateStore(v, globalSlotPtr(n->slot));
    return;
  case BindingKind::ClassBody: {
    Value *cls = b.CreateLoad(abi->valueType(), fs->classStack.back());
    check(callRT("wrt_setattr", {cls, internedName(n->id), v}));
    return;
  }
  default:
    // Sema binds every stored name; a builtin binding here is a sema bug.
    llvm_unreachable("store to an unresolved name");
  }
}

void Codegen::deleteName(NameExpr *n) {
  if (n->binding == BindingKind::ClassBody) {
    Value *cls = b.CreateLoad(abi->valueType(), fs->classStack.back());
    check(callRT("wrt_delattr", {cls, internedName(n->id)}));
    return;
  }
  loadName(n); // raises NameError / UnboundLocalError when unbound
  if (n->binding == BindingKind::Local)
    b.CreateStore(unboundValue(), fs->locals[n->slot]); // not retagged: it is no longer a scalar
  else
    storeName(n, unboundValue());
}

} // namespace weft
