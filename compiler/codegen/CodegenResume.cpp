// CodegenResume.cpp: generators and coroutines as explicit state machines.
// The body is emitted once into `weft.<name>.resume(frame, sent, mode)`,
// whose entry switches on frame->state. Each `yield` and each suspending
// `await` stores a new state index and returns WT_SUSPEND; its resume block
// is a case of the switch. Every slot of the function lives in the frame
// type `weft.<name>.frame` ({header, slots...}), so no SSA value crosses a
// suspension (operands computed before an await are spilled to slots).
// Slots start as allocas; finishFrame asks AwaitLiveness which of them hold
// a value across a suspension and gives only those frame fields, shared
// where their live ranges never overlap.
#include "codegen/Codegen.h"

#include "weft/rt/wrt_value.h"

namespace weft {

using llvm::Value;

bool containsSuspend(Expr *e);

void Codegen::finishFrame(const std::string &symbol, size_t nparams) {
  llvm::SmallVector<bool, 16> pinned(fs->frameSlots.size(), false);
  std::map<llvm::AllocaInst *, size_t> slotIndex;
  for (size_t i = 0; i < fs->frameSlots.size(); ++i)
    slotIndex[fs->frameSlots[i]] = i;
  for (size_t i = 0; i < nparams && i < fs->locals.size(); ++i)
    if (auto it = slotIndex.find(llvm::cast<llvm::AllocaInst>(fs->locals[i])); it != slotIndex.end())
      pinned[it->second] = true;
  FrameLayout layout = layOutFrame(*fs->fn, fs->frameSlots, pinned, fs->suspensions, fs->freshBlock);

  std::vector<llvm::Type *> fields{coroTy};
  fields.insert(fields.end(), layout.fieldTypes.begin(), layout.fieldTypes.end());
  fs->frameType = llvm::StructType::create(ctx, fields, symbol + ".frame");
  frameTypes[symbol] = fs->frameType;
  for (Value *local : fs->locals) {
    auto it = slotIndex.find(llvm::cast<llvm::AllocaInst>(local));
    fs->paramFields.push_back(it == slotIndex.end() ? 0 : layout.fieldOf[it->second]);
  }
  // A slot in the frame becomes the address of its field, computed in the
  // entry block so it dominates every use. A slot that stays on the stack
  // starts every step zeroed (UNBOUND), as a fresh frame field would; the
  // liveness pass proved no step reads what an earlier step left in it.
  llvm::IRBuilder<> eb(fs->entry, fs->entry->getFirstInsertionPt());
  for (size_t i = 0; i < fs->frameSlots.size(); ++i) {
    llvm::AllocaInst *a = fs->frameSlots[i];
    if (unsigned field = layout.fieldOf[i]) {
      eb.SetInsertPoint(a);
      Value *gep = eb.CreateStructGEP(fs->frameType, fs->frame, field, a->getName());
      a->replaceAllUsesWith(gep);
      a->eraseFromParent();
    } else {
      eb.SetInsertPoint(a->getNextNode());
      eb.CreateStore(llvm::Constant::getNullValue(a->getAllocatedType()), a);
    }
  }
}

/// Stores the arguments argv[0..nparams) into the frame fields that hold them.
static void storeParams(Codegen &cg, Value *frame, Value *argv, size_t nparams) {
  for (size_t i = 0; i < nparams; ++i) {
    if (cg.fs->paramFields[i] == 0)
      continue; // never read: the liveness pass gave it no field
    Value *arg = cg.b.CreateLoad(cg.abi->valueType(), cg.b.CreateConstInBoundsGEP1_64(cg.abi->valueType(), argv, i));
    cg.b.CreateStore(arg, cg.b.CreateStructGEP(cg.fs->frameType, frame, cg.fs->paramFields[i]));
  }
}

llvm::Function *Codegen::emitFrameCreator(const std::string &symbol, size_t nparams) {
  llvm::Function *resume = fs->fn;
  llvm::Type *p = abi->ptr();
  Value *size = llvm::ConstantExpr::getSizeOf(fs->frameType);

  // init(frame, self, argv, type): the frame in place, for a direct await
  // (CodegenDirectAwait.cpp), as wrt_coro_new would fill it but inline, so
  // the optimiser folds the zeroing into the stores that follow.
  llvm::Function *init = functionToDefine(symbol + ".init",
                                         llvm::FunctionType::get(b.getVoidTy(), {p, p, p, p}, false));
  init->addFnAttr(llvm::Attribute::AlwaysInline);
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", init));
  Value *frame0 = init->getArg(0), *self = init->getArg(1);
  b.CreateMemSet(frame0, b.getInt8(0), size, llvm::MaybeAlign(16));
  b.CreateStore(init->getArg(3), b.CreateStructGEP(coroTy, frame0, 0));
  b.CreateStore(resume, b.CreateStructGEP(coroTy, frame0, 1));
  b.CreateStore(b.CreateLoad(p, b.CreateStructGEP(funcTy, self, 2), "info"), b.CreateStructGEP(coroTy, frame0, 6));
  b.CreateStore(self, b.CreateStructGEP(coroTy, frame0, 7));
  storeParams(*this, frame0, init->getArg(2), nparams);
  b.CreateRetVoid();

  auto *fn = functionToDefine(symbol, llvm::FunctionType::get(abi->valueType(), {p, p}, false));
  b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn));
  Value *coro = abi->call(b, "wrt_coro_new", {fn->getArg(0), size, resume}, "coro");
  llvm::BasicBlock *fail = llvm::BasicBlock::Create(ctx, "fail", fn);
  llvm::BasicBlock *ok = llvm::BasicBlock::Create(ctx, "ok", fn);
  b.CreateCondBr(b.CreateICmpEQ(b.CreateExtractValue(coro, 0), b.getInt64(WT_ERR)), fail, ok);
  b.SetInsertPoint(fail);
  b.CreateRet(coro);
  b.SetInsertPoint(ok);
  Value *frame = b.CreateIntToPtr(b.CreateExtractValue(coro, 1), p, "frame");
  storeParams(*this, frame, fn->getArg(1), nparams);
  b.CreateRet(coro);
  return fn;
}

/// Ends the current block with a suspension at a new state and returns the
/// block where execution continues when the frame is resumed.
static llvm::BasicBlock *suspend(Codegen &cg) {
  auto &b = cg.b;
  FunctionState *f = cg.fs;
  int64_t k = f->nextState++;
  llvm::BasicBlock *suspending = b.GetInsertBlock();
  b.CreateStore(b.getInt64(k), b.CreateStructGEP(cg.coroTy, f->frame, 2));
  b.CreateRet(cg.constValue(WT_SUSPEND, 0));
  llvm::BasicBlock *resumeBB = cg.newBlock("resume." + std::to_string(k));
  f->stateSwitch->addCase(b.getInt64(k), resumeBB);
  f->suspensions.push_back({suspending, resumeBB});
  return resumeBB;
}

Value *Codegen::emitYield(Value *v) {
  if (!fs->resumable)
    return noneValue(); // sema reports yield outside a function
  b.CreateStore(v, b.CreateStructGEP(coroTy, fs->frame, 3));
  setBlock(suspend(*this));
  // Resumed: either a value was sent, or an exception is thrown in here.
  Value *sent = makeValue(fs->fn->getArg(1), fs->fn->getArg(2));
  llvm::BasicBlock *thrown = newBlock("yield.throw");
  llvm::BasicBlock *sentBB = newBlock("yield.sent");
  b.CreateCondBr(b.CreateICmpEQ(fs->fn->getArg(3), b.getInt64(WRESUME_THROW)), thrown, sentBB);
  setBlock(thrown);
  callRT("wrt_err_restore", {sent});
  b.CreateBr(excTarget());
  setBlock(sentBB);
  return sent;
}

Value *Codegen::emitAwait(Value *x) {
  if (!fs->resumable)
    return check(callRT("wrt_await_prepare", {x})); // sema reports await outside async
  Value *aw = check(callRT("wrt_await_prepare", {x}, "awaitable"));
  return emitDelegation(aw, "wrt_await_step");
}

/// Drives [aw] from this frame until it finishes: each step calls
/// [stepFn] (wrt_await_step or wrt_yield_from_step); a WT_SUSPEND result
/// suspends this frame too, and resuming steps [aw] again with what was sent.
Value *Codegen::emitDelegation(Value *aw, const char *stepFn) {
  // An awaitable or iterator is always an object: the slot keeps its pointer.
  b.CreateStore(b.CreateIntToPtr(payloadOf(aw), abi->ptr()), b.CreateStructGEP(coroTy, fs->frame, 4, "awaiting"));
  return check(emitStepLoop(stepFn, false));
}

Value *Codegen::emitStepLoop(const char *stepFn, bool firstStepDone) {
  llvm::BasicBlock *first = b.GetInsertBlock();
  llvm::BasicBlock *step = newBlock("await.step");
  llvm::BasicBlock *suspendBB = newBlock("await.suspend");
  b.CreateBr(firstStepDone ? suspendBB : step);
  setBlock(step);
  llvm::PHINode *sentTag = b.CreatePHI(b.getInt64Ty(), 2, "sent.tag");
  llvm::PHINode *sentPayload = b.CreatePHI(b.getInt64Ty(), 2, "sent.payload");
  llvm::PHINode *mode = b.CreatePHI(b.getInt64Ty(), 2, "mode");
  if (!firstStepDone) {
    sentTag->addIncoming(b.getInt64(WT_NONE), first);
    sentPayload->addIncoming(b.getInt64(0), first);
    mode->addIncoming(b.getInt64(WRESUME_SEND), first);
  }
  // The direct await: for a coroutine this calls its resume function now;
  // only a real suspension returns to the task (and the loop).
  Value *awaitingPtr = b.CreateLoad(abi->ptr(), b.CreateStructGEP(coroTy, fs->frame, 4));
  Value *awaiting = makeValue(b.getInt64(WT_OBJ), b.CreatePtrToInt(awaitingPtr, b.getInt64Ty()));
  Value *r = callRT(stepFn, {fs->frame, awaiting, makeValue(sentTag, sentPayload), mode}, "awaited");
  Value *tag = tagOf(r);
  llvm::BasicBlock *notSuspended = newBlock("await.ready");
  b.CreateCondBr(b.CreateICmpEQ(tag, b.getInt64(WT_SUSPEND)), suspendBB, notSuspended);
  setBlock(suspendBB);
  llvm::BasicBlock *resumeBB = suspend(*this);
  setBlock(resumeBB);
  sentTag->addIncoming(fs->fn->getArg(1), resumeBB);
  sentPayload->addIncoming(fs->fn->getArg(2), resumeBB);
  mode->addIncoming(fs->fn->getArg(3), resumeBB);
  b.CreateBr(step);
  setBlock(notSuspended);
  b.CreateStore(llvm::ConstantPointerNull::get(llvm::PointerType::get(ctx, 0)), b.CreateStructGEP(coroTy, fs->frame, 4));
  return r;
}

bool containsSuspend(Expr *e) {
  if (!e)
    return false;
  switch (e->kind) {
  case ExprKind::Await: case ExprKind::Yield: case ExprKind::YieldFrom:
    return true;
  case ExprKind::Lambda:
    return false; // its body is another function
  case ExprKind::BinOp: {
    auto *x = static_cast<BinOpExpr *>(e);
    return containsSuspend(x->lhs) || containsSuspend(x->rhs);
  }
  case ExprKind::UnaryOp:
    return containsSuspend(static_cast<UnaryOpExpr *>(e)->operand);
  case ExprKind::BoolOp:
    for (Expr *v : static_cast<BoolOpExpr *>(e)->values)
      if (containsSuspend(v)) return true;
    return false;
  case ExprKind::Compare: {
    auto *c = static_cast<CompareExpr *>(e);
    if (containsSuspend(c->left)) return true;
    for (Expr *v : c->comparators)
      if (containsSuspend(v)) return true;
    return false;
  }
  case ExprKind::Call: {
    auto *c = static_cast<CallExpr *>(e);
    if (containsSuspend(c->func)) return true;
    for (Expr *a : c->args)
      if (containsSuspend(a)) return true;
    for (Keyword &k : c->keywords)
      if (containsSuspend(k.value)) return true;
    return false;
  }
  case ExprKind::Attribute:
    return containsSuspend(static_cast<AttributeExpr *>(e)->value);
  case ExprKind::Subscript: {
    auto *s = static_cast<SubscriptExpr *>(e);
    return containsSuspend(s->value) || containsSuspend(s->index);
  }
  case ExprKind::Slice: {
    auto *s = static_cast<SliceExpr *>(e);
    return containsSuspend(s->lower) || containsSuspend(s->upper) || containsSuspend(s->step);
  }
  case ExprKind::Tuple: case ExprKind::List: case ExprKind::Set:
    for (Expr *x : static_cast<SequenceExpr *>(e)->elts)
      if (containsSuspend(x)) return true;
    return false;
  case ExprKind::Dict: {
    auto *d = static_cast<DictExpr *>(e);
    for (size_t i = 0; i < d->values.size(); ++i)
      if (containsSuspend(d->keys[i]) || containsSuspend(d->values[i])) return true;
    return false;
  }
  case ExprKind::ListComp: case ExprKind::SetComp: case ExprKind::DictComp: case ExprKind::GeneratorExp: {
    auto *c = static_cast<ComprehensionExpr *>(e);
    if (containsSuspend(c->elt) || containsSuspend(c->value)) return true;
    for (Comprehension &g : c->generators) {
      // `async for` in a comprehension awaits __anext__ in this frame.
      if (g.isAsync || containsSuspend(g.iter)) return true;
      for (Expr *x : g.ifs)
        if (containsSuspend(x)) return true;
    }
    return false;
  }
  case ExprKind::IfExp: {
    auto *i = static_cast<IfExpExpr *>(e);
    return containsSuspend(i->test) || containsSuspend(i->body) || containsSuspend(i->orelse);
  }
  case ExprKind::FString:
    for (FStringPart &p : static_cast<FStringExpr *>(e)->parts)
      if (containsSuspend(p.expr) || containsSuspend(p.formatSpec)) return true;
    return false;
  case ExprKind::Starred:
    return containsSuspend(static_cast<StarredExpr *>(e)->value);
  case ExprKind::NamedExpr:
    return containsSuspend(static_cast<NamedExpr *>(e)->value);
  default:
    return false;
  }
}

} // namespace weft
