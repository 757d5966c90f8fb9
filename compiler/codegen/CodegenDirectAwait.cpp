// CodegenDirectAwait.cpp: `await f(args)` where f is a module-level
// `async def` defined once. CPython runs an awaited coroutine's first step
// at once, before the awaiter can suspend, and most awaited coroutines return
// without ever suspending. So the callee's frame is an alloca of the awaiting
// resume function, set up by f's `.init` and stepped by a direct call of f's
// resume function: an await that does not suspend allocates nothing and
// never enters the runtime. A callee that does suspend is copied to the heap
// (wrt_coro_to_heap) and kept in this frame's `awaiting` slot; from then on
// the await is the generic one (wrt_await_step on the copy). This is sound
// because nothing can point into the stack frame but this awaiter: the
// coroutine object is never visible to the program, and frames only point
// down the await chain (docs/design.md, "Stack frames for direct awaits").
#include "codegen/Codegen.h"

#include "weft/rt/wrt_builtin_names.h"
#include "weft/rt/wrt_value.h"

namespace weft {

using llvm::Value;

FunctionDefStmt *Codegen::directAwaitTarget(Expr *awaited) {
  auto *c = dynamic_cast<CallExpr *>(awaited);
  // The awaiter must be a coroutine: its own header's type is then the
  // callee's (an async generator's frame has another type).
  if (!c || !fs || !fs->resumable || !fs->scope || !fs->scope->isAsync || fs->scope->isGenerator ||
      !c->keywords.empty())
    return nullptr;
  auto *name = dynamic_cast<NameExpr *>(c->func);
  // A builtin namesake would be called while the def has not run.
  if (!name || name->binding != BindingKind::Global || wrt_may_be_builtin(name->id.c_str()))
    return nullptr;
  for (Expr *a : c->args)
    if (a->kind == ExprKind::Starred)
      return nullptr;
  auto it = directCoroutines.find(name->id);
  if (it == directCoroutines.end() || it->second->params.size() != c->args.size())
    return nullptr;
  return it->second;
}

Value *Codegen::emitDirectAwait(CallExpr *c, FunctionDefStmt *def) {
  auto *name = static_cast<NameExpr *>(c->func);
  std::string symbol = "weft." + def->name;
  llvm::Type *p = abi->ptr();
  llvm::Type *i64 = b.getInt64Ty();
  bool argsSuspend = false;
  for (Expr *a : c->args)
    argsSuspend |= containsSuspend(a);

  Spill callee(*this, loadDirectCallee(name, "await"), argsSuspend);
  Value *argv = evalArgs(c->args, false);
  Value *self = b.CreateIntToPtr(payloadOf(callee.get()), p);

  // The frame: typed and sized by completeStackFrames once f is laid out.
  llvm::IRBuilder<> eb(fs->entry, fs->entry->begin());
  llvm::AllocaInst *frame = eb.CreateAlloca(b.getInt8Ty(), nullptr, def->name + ".frame");
  frame->setAlignment(llvm::Align(16));
  llvm::Function *init = internalFunction(symbol + ".init", llvm::FunctionType::get(b.getVoidTy(), {p, p, p, p}, false));
  llvm::Function *resume =
      internalFunction(symbol + ".resume", llvm::FunctionType::get(abi->valueType(), {p, i64, i64, i64}, false));
  Value *coroType = b.CreateLoad(p, b.CreateStructGEP(coroTy, fs->frame, 0), "coroutine.type");
  // Lifetime markers let the awaits of one function share stack space.
  b.CreateLifetimeStart(frame);
  b.CreateCall(init, {frame, self, argv, coroType});
  Value *first = b.CreateCall(resume, {frame, b.getInt64(WT_NONE), b.getInt64(0), b.getInt64(WRESUME_SEND)}, "awaited");
  llvm::BasicBlock *moved = newBlock("await.to.heap");
  llvm::BasicBlock *returned = newBlock("await.returned");
  llvm::BasicBlock *done = newBlock("await.done");
  b.CreateCondBr(b.CreateICmpEQ(tagOf(first), b.getInt64(WT_SUSPEND)), moved, returned,
                 llvm::MDBuilder(ctx).createBranchWeights(1, 1000));
  setBlock(returned);
  b.CreateLifetimeEnd(frame);
  b.CreateBr(done);

  // It suspended: its frame moves to the heap, and this frame suspends on
  // what it yielded, as wrt_await_step does for a heap frame.
  setBlock(moved);
  auto *copy = llvm::cast<llvm::CallInst>(callRT("wrt_coro_to_heap", {frame, b.getInt64(0)}, "frame.copy"));
  b.CreateStore(b.CreateIntToPtr(payloadOf(copy), abi->ptr()), b.CreateStructGEP(coroTy, fs->frame, 4, "awaiting"));
  b.CreateStore(b.CreateLoad(abi->valueType(), b.CreateStructGEP(coroTy, frame, 3)),
                b.CreateStructGEP(coroTy, fs->frame, 3, "yielded"));
  b.CreateLifetimeEnd(frame);
  Value *later = emitStepLoop("wrt_await_step", true);
  llvm::BasicBlock *laterDone = b.GetInsertBlock();
  b.CreateBr(done);

  setBlock(done);
  llvm::PHINode *r = b.CreatePHI(abi->valueType(), 2, "awaited");
  r->addIncoming(first, returned);
  r->addIncoming(later, laterDone);
  stackFrames.push_back({frame, copy, symbol});
  return check(r);
}

void Codegen::completeStackFrames() {
  for (StackFrameUse &use : stackFrames) {
    auto it = frameTypes.find(use.symbol);
    if (it == frameTypes.end())
      llvm::report_fatal_error(llvm::Twine("direct await of ") + use.symbol + ", which has no frame");
    use.frame->setAllocatedType(it->second);
    Value *size = llvm::ConstantExpr::getSizeOf(it->second);
    use.toHeap->setArgOperand(1, size);
  }
  stackFrames.clear();
}

} // namespace weft
