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
// `await obj.m(args)` gets the same treatment at run time: the callee is
// known only once the method site's cache names a compiled `async def`, so
// the stack buffer has a fixed size and wrt_await_method_ic decides.
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
  llvm::CallInst *copy = nullptr;
  Value *r = afterFirstStep(
      first, "await.to.heap", [&] { b.CreateLifetimeEnd(frame); },
      [&] {
        // It suspended: its frame moves to the heap, and this frame suspends
        // on what it yielded, as wrt_await_step does for a heap frame.
        copy = llvm::cast<llvm::CallInst>(callRT("wrt_coro_to_heap", {frame, b.getInt64(0)}, "frame.copy"));
        b.CreateStore(b.CreateIntToPtr(payloadOf(copy), abi->ptr()),
                      b.CreateStructGEP(coroTy, fs->frame, 4, "awaiting"));
        b.CreateStore(b.CreateLoad(abi->valueType(), b.CreateStructGEP(coroTy, frame, 3)),
                      b.CreateStructGEP(coroTy, fs->frame, 3, "yielded"));
        b.CreateLifetimeEnd(frame);
      });
  stackFrames.push_back({frame, copy, symbol});
  return r;
}

Value *Codegen::afterFirstStep(Value *first, const char *suspendedName, llvm::function_ref<void()> onReturn,
                               llvm::function_ref<void()> onSuspend) {
  llvm::BasicBlock *suspended = newBlock(suspendedName);
  llvm::BasicBlock *returned = newBlock("await.returned");
  llvm::BasicBlock *done = newBlock("await.done");
  b.CreateCondBr(b.CreateICmpEQ(tagOf(first), b.getInt64(WT_SUSPEND)), suspended, returned,
                 llvm::MDBuilder(ctx).createBranchWeights(1, 1000));
  setBlock(returned);
  onReturn();
  b.CreateBr(done);

  setBlock(suspended);
  onSuspend();
  Value *later = emitStepLoop("wrt_await_step", true);
  llvm::BasicBlock *laterDone = b.GetInsertBlock();
  b.CreateBr(done);

  setBlock(done);
  llvm::PHINode *r = b.CreatePHI(abi->valueType(), 2, "awaited");
  r->addIncoming(first, returned);
  r->addIncoming(later, laterDone);
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

namespace weft {

namespace {
/// Room on the awaiter's stack for the frame of an awaited method: the
/// header and 27 slots, enough for the asyncio primitives' methods and most
/// user methods; a larger frame is allocated as before.
constexpr int64_t kMethodFrameBytes = 512;
} // namespace

bool Codegen::awaitsFromCoroutine() const {
  // As for directAwaitTarget: the protocol of a coroutine header's
  // `awaiting` and `yielded` is the one wrt_await_method_ic keeps.
  return fs && fs->resumable && fs->scope && fs->scope->isAsync && !fs->scope->isGenerator;
}

CallExpr *Codegen::methodAwaitTarget(Expr *awaited) {
  auto *c = dynamic_cast<CallExpr *>(awaited);
  if (!c || !awaitsFromCoroutine() || !c->keywords.empty() || c->args.size() >= 7 ||
      !dynamic_cast<AttributeExpr *>(c->func))
    return nullptr;
  for (Expr *a : c->args)
    if (a->kind == ExprKind::Starred)
      return nullptr;
  return c;
}

Value *Codegen::emitMethodAwait(CallExpr *c) {
  auto *attr = static_cast<AttributeExpr *>(c->func);
  bool argsSuspend = false;
  for (Expr *a : c->args)
    argsSuspend |= containsSuspend(a);
  Spill obj(*this, emitExpr(attr->value), argsSuspend);
  Value *argv = evalArgs(c->args, false);
  return emitAwaitMethod(obj.get(), attr->attr, c->args.size(), argv);
}

Value *Codegen::emitAwaitMethod(Value *self, const std::string &method, size_t argc, Value *argv) {
  llvm::IRBuilder<> eb(fs->entry, fs->entry->begin());
  llvm::AllocaInst *buf =
      eb.CreateAlloca(llvm::ArrayType::get(b.getInt8Ty(), kMethodFrameBytes), nullptr, method + ".frame");
  buf->setAlignment(llvm::Align(16));
  Value *name = internedName(method);
  Value *site = cacheSite(method);
  // The buffer is dead once the call returns: a frame that suspended has
  // been copied to the heap by then.
  b.CreateLifetimeStart(buf, b.getInt64(kMethodFrameBytes));
  Value *first = callRT("wrt_await_method_ic",
                        {fs->frame, self, name, b.getInt64(argc), argv, site, buf,
                         b.getInt64(kMethodFrameBytes)},
                        "awaited");
  b.CreateLifetimeEnd(buf, b.getInt64(kMethodFrameBytes));
  // A suspension left `awaiting` set: from then on the await is the generic one.
  return afterFirstStep(first, "await.suspended", [] {}, [] {});
}

} // namespace weft
