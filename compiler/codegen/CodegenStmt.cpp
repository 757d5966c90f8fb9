// CodegenStmt.cpp: statements and control flow. Exceptions travel as WT_ERR
// returns: each runtime call branches to the innermost exception target (an
// except dispatch, a finally's exception path, a with's __exit__ path, or the
// function's error exit). Jumps that leave a try/with (break, continue,
// return) run the pending cleanups inline on their way out.
#include "codegen/Codegen.h"

#include "weft/rt/wrt_value.h"

namespace weft {

using llvm::Value;

void Codegen::emitBody(const StmtList &body) {
  for (Stmt *s : body) {
    if (!blockOpen())
      setBlock(newBlock("dead"));
    emitStmt(s);
  }
}

void Codegen::emitAssign(Expr *target, Value *v) {
  switch (target->kind) {
  case ExprKind::Name:
    storeName(static_cast<NameExpr *>(target), v);
    return;
  case ExprKind::Attribute: {
    auto *a = static_cast<AttributeExpr *>(target);
    Value *slot = valueSlot("assign.value");
    b.CreateStore(v, slot);
    Value *obj = emitExpr(a->value);
    check(callRT("wrt_setattr_ic", {obj, internedName(a->attr), b.CreateLoad(abi->valueType(), slot),
                                    cacheSite(a->attr)}));
    return;
  }
  case ExprKind::Subscript: {
    auto *s = static_cast<SubscriptExpr *>(target);
    Value *slot = valueSlot("assign.value");
    b.CreateStore(v, slot);
    Spill obj(*this, emitExpr(s->value), containsSuspend(s->index));
    Value *idx = emitExpr(s->index);
    check(callRT("wrt_setitem", {obj.get(), idx, b.CreateLoad(abi->valueType(), slot)}));
    return;
  }
  case ExprKind::Tuple:
  case ExprKind::List: {
    auto *seq = static_cast<SequenceExpr *>(target);
    size_t n = seq->elts.size();
    int star = -1;
    for (size_t i = 0; i < n; ++i)
      if (seq->elts[i]->kind == ExprKind::Starred)
        star = static_cast<int>(i);
    Value *out = argArray(n);
    if (star < 0)
      checkStatus(callRT("wrt_unpack", {v, b.getInt64(n), out}));
    else
      checkStatus(callRT("wrt_unpack_ex", {v, b.getInt64(star), b.getInt64(n - star - 1), out}));
    auto *arrTy = llvm::ArrayType::get(abi->valueType(), n ? n : 1);
    // Load every item first: nested targets may reuse argument arrays.
    std::vector<Value *> slots;
    for (size_t i = 0; i < n; ++i) {
      Value *slot = valueSlot("unpacked");
      b.CreateStore(b.CreateLoad(abi->valueType(), b.CreateConstInBoundsGEP2_64(arrTy, out, 0, i)), slot);
      slots.push_back(slot);
    }
    for (size_t i = 0; i < n; ++i) {
      Expr *t = seq->elts[i];
      if (auto *st = dynamic_cast<StarredExpr *>(t))
        t = st->value;
      emitAssign(t, b.CreateLoad(abi->valueType(), slots[i]));
    }
    return;
  }
  case ExprKind::Starred:
    emitAssign(static_cast<StarredExpr *>(target)->value, v);
    return;
  default:
    llvm_unreachable("invalid assignment target reached codegen");
  }
}

static void emitAugAssign(Codegen &cg, AugAssignStmt *a) {
  auto &b = cg.b;
  if (auto *n = dynamic_cast<NameExpr *>(a->target)) {
    NameExpr load(*n);
    load.ctx = ExprContext::Load;
    Value *cur = cg.loadName(&load);
    Value *curSlot = cg.valueSlot("aug.cur");
    b.CreateStore(cur, curSlot);
    Value *rhs = cg.emitExpr(a->value);
    Value *res = cg.emitBinary(a->op, b.CreateLoad(cg.abi->valueType(), curSlot), rhs, true);
    cg.storeName(n, res);
    return;
  }
  if (auto *at = dynamic_cast<AttributeExpr *>(a->target)) {
    Value *objSlot = cg.valueSlot("aug.obj");
    b.CreateStore(cg.emitExpr(at->value), objSlot);
    Value *cur = cg.check(cg.callRT("wrt_getattr_ic", {b.CreateLoad(cg.abi->valueType(), objSlot),
                                                       cg.internedName(at->attr), cg.cacheSite(at->attr)}));
    Value *curSlot = cg.valueSlot("aug.cur");
    b.CreateStore(cur, curSlot);
    Value *rhs = cg.emitExpr(a->value);
    Value *res = cg.emitBinary(a->op, b.CreateLoad(cg.abi->valueType(), curSlot), rhs, true);
    cg.check(cg.callRT("wrt_setattr_ic", {b.CreateLoad(cg.abi->valueType(), objSlot), cg.internedName(at->attr),
                                          res, cg.cacheSite(at->attr)}));
    return;
  }
  auto *s = static_cast<SubscriptExpr *>(a->target);
  Value *objSlot = cg.valueSlot("aug.obj");
  b.CreateStore(cg.emitExpr(s->value), objSlot);
  Value *idxSlot = cg.valueSlot("aug.idx");
  b.CreateStore(cg.emitExpr(s->index), idxSlot);
  Value *cur = cg.check(cg.callRT("wrt_getitem", {b.CreateLoad(cg.abi->valueType(), objSlot), b.CreateLoad(cg.abi->valueType(), idxSlot)}));
  Value *curSlot = cg.valueSlot("aug.cur");
  b.CreateStore(cur, curSlot);
  Value *rhs = cg.emitExpr(a->value);
  Value *res = cg.emitBinary(a->op, b.CreateLoad(cg.abi->valueType(), curSlot), rhs, true);
  cg.check(cg.callRT("wrt_setitem", {b.CreateLoad(cg.abi->valueType(), objSlot), b.CreateLoad(cg.abi->valueType(), idxSlot), res}));
}

static void emitIf(Codegen &cg, IfStmt *i) {
  auto &b = cg.b;
  Value *t = cg.truthy(cg.emitExpr(i->test));
  llvm::BasicBlock *thenBB = cg.newBlock("if.then");
  llvm::BasicBlock *elseBB = i->orelse.empty() ? nullptr : cg.newBlock("if.else");
  llvm::BasicBlock *done = cg.newBlock("if.done");
  b.CreateCondBr(t, thenBB, elseBB ? elseBB : done);
  cg.setBlock(thenBB);
  cg.emitBody(i->body);
  if (cg.blockOpen())
    b.CreateBr(done);
  if (elseBB) {
    cg.setBlock(elseBB);
    cg.emitBody(i->orelse);
    if (cg.blockOpen())
      b.CreateBr(done);
  }
  cg.setBlock(done);
}

void Codegen::emitWhile(WhileStmt *w) {
  llvm::BasicBlock *head = newBlock("while.head");
  llvm::BasicBlock *bodyBB = newBlock("while.body");
  llvm::BasicBlock *elseBB = newBlock("while.else");
  llvm::BasicBlock *done = newBlock("while.done");
  b.CreateBr(head);
  setBlock(head);
  b.CreateCondBr(truthy(emitExpr(w->test)), bodyBB, elseBB);
  setBlock(bodyBB);
  fs->loops.push_back({done, head, fs->cleanups.size(), nullptr});
  emitBody(w->body);
  fs->loops.pop_back();
  if (blockOpen())
    b.CreateBr(head);
  setBlock(elseBB);
  emitBody(w->orelse);
  if (blockOpen())
    b.CreateBr(done);
  setBlock(done);
}

/// `for x in range(stop)` / `range(start, stop)` over the builtin range:
/// when both bounds are ints the loop counts in a slot instead of calling
/// the iterator protocol. Otherwise (or if `range` is rebound) it falls back
/// to iterating the range object; the flag test is loop-invariant, so LLVM
/// unswitches it.
static bool emitRangeFor(Codegen &cg, ForStmt *f) {
  auto *call = dynamic_cast<CallExpr *>(f->iter);
  if (!call || !call->keywords.empty() || call->args.empty() || call->args.size() > 2 || f->isAsync)
    return false;
  auto *callee = dynamic_cast<NameExpr *>(call->func);
  if (!callee || callee->id != "range" || callee->binding != BindingKind::Builtin)
    return false;
  for (Expr *a : call->args)
    if (a->kind == ExprKind::Starred)
      return false;
  auto &b = cg.b;
  llvm::Type *vt = cg.abi->valueType();
  Value *startSlot = cg.valueSlot("range.start");
  if (call->args.size() == 2) {
    b.CreateStore(cg.emitExpr(call->args[0]), startSlot);
  } else {
    b.CreateStore(cg.constValue(WT_INT, 0), startSlot);
  }
  Value *stop = cg.emitExpr(call->args.back());
  Value *stopSlot = cg.valueSlot("range.stop");
  b.CreateStore(stop, stopSlot);
  Value *start = b.CreateLoad(vt, startSlot);
  Value *fast = b.CreateAnd(b.CreateICmpEQ(cg.tagOf(start), b.getInt64(WT_INT)),
                            b.CreateICmpEQ(cg.tagOf(stop), b.getInt64(WT_INT)));
  Value *fastSlot = cg.entryAlloca(b.getInt1Ty(), "range.fast");
  b.CreateStore(fast, fastSlot);
  Value *itSlot = cg.valueSlot("for.iter");
  llvm::BasicBlock *slowInit = cg.newBlock("range.slowinit");
  llvm::BasicBlock *head = cg.newBlock("for.head");
  b.CreateCondBr(fast, head, slowInit);
  cg.setBlock(slowInit);
  {
    Value *rangeFn = cg.emitExpr(callee);
    Value *argv = cg.argArray(2);
    auto *arrTy = llvm::ArrayType::get(vt, 2);
    b.CreateStore(b.CreateLoad(vt, call->args.size() == 2 ? startSlot : stopSlot), b.CreateConstInBoundsGEP2_64(arrTy, argv, 0, 0));
    b.CreateStore(b.CreateLoad(vt, stopSlot), b.CreateConstInBoundsGEP2_64(arrTy, argv, 0, 1));
    Value *range = cg.check(cg.callRT("wrt_call", {rangeFn, b.getInt64(call->args.size()), argv}));
    b.CreateStore(cg.check(cg.callRT("wrt_iter", {range})), itSlot);
    b.CreateBr(head);
  }
  llvm::BasicBlock *bodyBB = cg.newBlock("for.body");
  llvm::BasicBlock *elseBB = cg.newBlock("for.else");
  llvm::BasicBlock *done = cg.newBlock("for.done");
  llvm::BasicBlock *fastHead = cg.newBlock("range.next");
  llvm::BasicBlock *slowHead = cg.newBlock("iter.next");
  cg.setBlock(head);
  b.CreateCondBr(b.CreateLoad(b.getInt1Ty(), fastSlot), fastHead, slowHead);
  cg.setBlock(fastHead);
  Value *cur = cg.payloadOf(b.CreateLoad(vt, startSlot));
  Value *more = b.CreateICmpSLT(cur, cg.payloadOf(b.CreateLoad(vt, stopSlot)));
  llvm::BasicBlock *fastItem = cg.newBlock("range.item");
  b.CreateCondBr(more, fastItem, elseBB);
  cg.setBlock(fastItem);
  b.CreateStore(cg.makeValue(b.getInt64(WT_INT), b.CreateAdd(cur, b.getInt64(1))), startSlot);
  Value *fastValue = cg.makeValue(b.getInt64(WT_INT), cur);
  b.CreateBr(bodyBB);
  cg.setBlock(slowHead);
  Value *item = cg.check(cg.callRT("wrt_next", {b.CreateLoad(vt, itSlot)}, "item"));
  llvm::BasicBlock *slowItem = b.GetInsertBlock();
  b.CreateCondBr(b.CreateICmpEQ(cg.tagOf(item), b.getInt64(WT_UNBOUND)), elseBB, bodyBB);
  cg.setBlock(bodyBB);
  llvm::PHINode *phi = b.CreatePHI(vt, 2, "item");
  phi->addIncoming(fastValue, fastItem);
  phi->addIncoming(item, slowItem);
  cg.emitAssign(f->target, phi);
  cg.fs->loops.push_back({done, head, cg.fs->cleanups.size(), nullptr});
  cg.emitBody(f->body);
  cg.fs->loops.pop_back();
  if (cg.blockOpen())
    b.CreateBr(head);
  cg.setBlock(elseBB);
  cg.emitBody(f->orelse);
  if (cg.blockOpen())
    b.CreateBr(done);
  cg.setBlock(done);
  return true;
}

/// Whether a loop over [iter] drops the last reference to its iterator when
/// it breaks, so that CPython would finalize a generator there: the
/// iterable is made by the loop's own expression (a call, a generator
/// expression), not a name or attribute whose generator lives on.
static bool closedAtBreak(Expr *iter) {
  if (iter->kind == ExprKind::GeneratorExp) return true;
  auto *c = dynamic_cast<CallExpr *>(iter);
  if (!c) return false;
  // iter(g) and aiter(g) hand back g itself.
  auto *n = dynamic_cast<NameExpr *>(c->func);
  return !n || (n->id != "iter" && n->id != "aiter");
}

/// `async for x in it:` — x = await it.__anext__() until StopAsyncIteration,
/// which ends the loop (and runs the else block) instead of propagating.
static void emitAsyncFor(Codegen &cg, ForStmt *f) {
  auto &b = cg.b;
  llvm::Type *vt = cg.abi->valueType();
  Value *null = llvm::ConstantPointerNull::get(cg.abi->ptr());
  Value *aiterable = cg.emitExpr(f->iter);
  Value *itSlot = cg.valueSlot("afor.iter");
  b.CreateStore(cg.check(cg.callRT("wrt_call_method", {aiterable, cg.internedName("__aiter__"), b.getInt64(0), null})), itSlot);
  llvm::BasicBlock *head = cg.newBlock("afor.head");
  llvm::BasicBlock *stop = cg.newBlock("afor.stop");
  llvm::BasicBlock *elseBB = cg.newBlock("afor.else");
  llvm::BasicBlock *done = cg.newBlock("afor.done");
  llvm::BasicBlock *outer = cg.excTarget();
  b.CreateBr(head);
  cg.setBlock(head);
  Value *next = cg.check(cg.callRT("wrt_call_method", {b.CreateLoad(vt, itSlot), cg.internedName("__anext__"), b.getInt64(0), null}));
  cg.fs->excTargets.push_back(stop);
  Value *item = cg.emitAwait(next);
  cg.fs->excTargets.pop_back();
  cg.emitAssign(f->target, item);
  cg.fs->loops.push_back({done, head, cg.fs->cleanups.size(), closedAtBreak(f->iter) ? itSlot : nullptr});
  cg.emitBody(f->body);
  cg.fs->loops.pop_back();
  if (cg.blockOpen())
    b.CreateBr(head);
  cg.setBlock(stop);
  Value *excSlot = cg.valueSlot("afor.exc");
  b.CreateStore(cg.callRT("wrt_err_fetch", {}), excSlot);
  Value *stopType = cg.check(cg.callRT("wrt_builtin", {cg.internedName("StopAsyncIteration")}));
  Value *m = cg.checkStatus(cg.callRT("wrt_exc_matches", {b.CreateLoad(vt, excSlot), stopType}));
  llvm::BasicBlock *reraise = cg.newBlock("afor.reraise");
  b.CreateCondBr(b.CreateICmpNE(m, b.getInt64(0)), elseBB, reraise);
  cg.setBlock(reraise);
  cg.callRT("wrt_err_restore", {b.CreateLoad(vt, excSlot)});
  b.CreateBr(outer);
  cg.setBlock(elseBB);
  cg.emitBody(f->orelse);
  if (cg.blockOpen())
    b.CreateBr(done);
  cg.setBlock(done);
}

void Codegen::emitFor(ForStmt *f) {
  if (f->isAsync) {
    emitAsyncFor(*this, f);
    return;
  }
  if (emitRangeFor(*this, f))
    return;
  Value *iterable = emitExpr(f->iter);
  Value *itSlot = valueSlot("for.iter");
  b.CreateStore(check(callRT("wrt_iter", {iterable})), itSlot);
  llvm::BasicBlock *head = newBlock("for.head");
  llvm::BasicBlock *bodyBB = newBlock("for.body");
  llvm::BasicBlock *elseBB = newBlock("for.else");
  llvm::BasicBlock *done = newBlock("for.done");
  b.CreateBr(head);
  setBlock(head);
  Value *item = check(callRT("wrt_next", {b.CreateLoad(abi->valueType(), itSlot)}, "item"));
  b.CreateCondBr(b.CreateICmpEQ(tagOf(item), b.getInt64(WT_UNBOUND)), elseBB, bodyBB);
  setBlock(bodyBB);
  emitAssign(f->target, item);
  fs->loops.push_back({done, head, fs->cleanups.size(), closedAtBreak(f->iter) ? itSlot : nullptr});
  emitBody(f->body);
  fs->loops.pop_back();
  if (blockOpen())
    b.CreateBr(head);
  setBlock(elseBB);
  emitBody(f->orelse);
  if (blockOpen())
    b.CreateBr(done);
  setBlock(done);
}

void Codegen::runCleanupNormally(const Cleanup &c) {
  switch (c.kind) {
  case Cleanup::Finally:
    emitBody(c.tryStmt->finalbody);
    break;
  case Cleanup::With: {
    Value *none = noneValue();
    Value *argv = argArray(3);
    auto *arrTy = llvm::ArrayType::get(abi->valueType(), 3);
    for (int i = 0; i < 3; ++i)
      b.CreateStore(none, b.CreateConstInBoundsGEP2_64(arrTy, argv, 0, i));
    Value *mgr = b.CreateLoad(abi->valueType(), c.manager);
    if (c.isAsync && awaitsFromCoroutine()) {
      emitAwaitMethod(mgr, "__aexit__", 3, argv);
      break;
    }
    Value *r = check(callRT("wrt_call_method", {mgr, internedName(c.isAsync ? "__aexit__" : "__exit__"), b.getInt64(3), argv}));
    if (c.isAsync)
      emitAwait(r);
    break;
  }
  case Cleanup::RestoreHandled:
    callRT("wrt_exc_set_handled", {b.CreateLoad(abi->valueType(), c.prevHandled)});
    break;
  }
}

void Codegen::jumpThroughCleanups(size_t depth, llvm::BasicBlock *target) {
  // Run each cleanup with the state that was in force outside it, so that
  // a jump or an exception inside a finally body goes to the right place.
  std::vector<Cleanup> saved = fs->cleanups;
  std::vector<llvm::BasicBlock *> savedExc = fs->excTargets;
  while (fs->cleanups.size() > depth && blockOpen()) {
    Cleanup c = fs->cleanups.back();
    fs->cleanups.pop_back();
    fs->excTargets.resize(c.excDepth);
    runCleanupNormally(c);
  }
  if (blockOpen())
    b.CreateBr(target);
  fs->cleanups = saved;
  fs->excTargets = savedExc;
}

void Codegen::emitReturn(Value *v) {
  b.CreateStore(v, fs->retval);
  jumpThroughCleanups(0, fs->returnBlock);
}

/// try/except/else: the body's exception target is a dispatch block that
/// fetches the exception and tests each handler's type in order.
static void emitTryExcept(Codegen &cg, TryStmt *t) {
  auto &b = cg.b;
  llvm::BasicBlock *dispatch = cg.newBlock("try.dispatch");
  llvm::BasicBlock *done = cg.newBlock("try.done");
  cg.fs->excTargets.push_back(dispatch);
  cg.emitBody(t->body);
  cg.fs->excTargets.pop_back();
  if (cg.blockOpen()) {
    cg.emitBody(t->orelse);
    if (cg.blockOpen())
      b.CreateBr(done);
  }

  cg.setBlock(dispatch);
  Value *excSlot = cg.valueSlot("exc");
  b.CreateStore(cg.callRT("wrt_err_fetch", {}, "exc"), excSlot);
  for (ExceptHandler &h : t->handlers) {
    llvm::BasicBlock *handlerBB = cg.newBlock("except");
    llvm::BasicBlock *next = cg.newBlock("except.next");
    if (h.type) {
      // An error while evaluating the handler's type replaces the exception.
      Value *type = cg.emitExpr(h.type);
      Value *m = cg.checkStatus(cg.callRT("wrt_exc_matches", {b.CreateLoad(cg.abi->valueType(), excSlot), type}));
      b.CreateCondBr(b.CreateICmpNE(m, b.getInt64(0)), handlerBB, next);
    } else {
      b.CreateBr(handlerBB);
    }
    cg.setBlock(handlerBB);
    Value *exc = b.CreateLoad(cg.abi->valueType(), excSlot);
    Value *prevSlot = cg.valueSlot("prev.handled");
    b.CreateStore(cg.callRT("wrt_exc_push_handled", {exc}), prevSlot);
    if (h.target)
      cg.storeName(h.target, exc);
    // Leaving the handler by an exception restores the handled exception
    // first; the new exception stays pending.
    llvm::BasicBlock *unwind = cg.newBlock("except.unwind");
    llvm::BasicBlock *outer = cg.excTarget();
    Cleanup c;
    c.kind = Cleanup::RestoreHandled;
    c.prevHandled = prevSlot;
    c.excDepth = cg.fs->excTargets.size();
    cg.fs->cleanups.push_back(c);
    cg.fs->excTargets.push_back(unwind);
    cg.emitBody(h.body);
    cg.fs->excTargets.pop_back();
    cg.fs->cleanups.pop_back();
    if (cg.blockOpen()) {
      cg.callRT("wrt_exc_set_handled", {b.CreateLoad(cg.abi->valueType(), prevSlot)});
      // Python unbinds the `as` name at the end of the handler.
      if (h.target)
        cg.storeName(h.target, cg.unboundValue());
      b.CreateBr(done);
    }
    cg.setBlock(unwind);
    cg.callRT("wrt_exc_set_handled", {b.CreateLoad(cg.abi->valueType(), prevSlot)});
    b.CreateBr(outer);
    cg.setBlock(next);
  }
  // No handler matched: the exception continues outwards.
  cg.callRT("wrt_err_restore", {b.CreateLoad(cg.abi->valueType(), excSlot)});
  b.CreateBr(cg.excTarget());
  cg.setBlock(done);
}

void Codegen::emitTry(TryStmt *t) {
  if (t->finalbody.empty()) {
    emitTryExcept(*this, t);
    return;
  }
  llvm::BasicBlock *excPath = newBlock("finally.exc");
  llvm::BasicBlock *done = newBlock("finally.done");
  llvm::BasicBlock *outer = excTarget();
  Cleanup c;
  c.kind = Cleanup::Finally;
  c.tryStmt = t;
  c.excDepth = fs->excTargets.size();
  fs->cleanups.push_back(c);
  fs->excTargets.push_back(excPath);
  if (t->handlers.empty()) {
    emitBody(t->body);
    if (blockOpen())
      emitBody(t->orelse);
  } else {
    TryStmt inner(*t);
    inner.finalbody.clear();
    emitTryExcept(*this, &inner);
  }
  fs->excTargets.pop_back();
  fs->cleanups.pop_back();
  if (blockOpen()) {
    emitBody(t->finalbody);
    if (blockOpen())
      b.CreateBr(done);
  }
  // The exception path: run the finally body with the exception set aside
  // (as "handled", so a new exception chains to it), then re-raise it.
  setBlock(excPath);
  Value *excSlot = valueSlot("finally.exc");
  b.CreateStore(callRT("wrt_err_fetch", {}), excSlot);
  Value *prevSlot = valueSlot("finally.prev");
  b.CreateStore(callRT("wrt_exc_push_handled", {b.CreateLoad(abi->valueType(), excSlot)}), prevSlot);
  llvm::BasicBlock *unwind = newBlock("finally.unwind");
  Cleanup restore;
  restore.kind = Cleanup::RestoreHandled;
  restore.prevHandled = prevSlot;
  restore.excDepth = fs->excTargets.size();
  fs->cleanups.push_back(restore);
  fs->excTargets.push_back(unwind);
  emitBody(t->finalbody);
  fs->excTargets.pop_back();
  fs->cleanups.pop_back();
  if (blockOpen()) {
    callRT("wrt_exc_set_handled", {b.CreateLoad(abi->valueType(), prevSlot)});
    callRT("wrt_err_restore", {b.CreateLoad(abi->valueType(), excSlot)});
    b.CreateBr(outer);
  }
  setBlock(unwind);
  callRT("wrt_exc_set_handled", {b.CreateLoad(abi->valueType(), prevSlot)});
  b.CreateBr(outer);
  setBlock(done);
}

/// with A as x, B as y: body  ==  nested withs. On an exception, __exit__
/// gets (type, value, None) and a true result swallows the exception.
void Codegen::emitWith(WithStmt *w, size_t item) {
  if (item == w->items.size()) {
    emitBody(w->body);
    return;
  }
  WithItem &it = w->items[item];
  Value *mgr = emitExpr(it.contextExpr);
  Value *mgrSlot = valueSlot("with.mgr");
  b.CreateStore(mgr, mgrSlot);
  check(callRT("wrt_with_check", {mgr, b.getInt64(w->isAsync), cacheSite(w->isAsync ? "__aenter__" : "__enter__")}));
  Value *entered;
  if (w->isAsync && awaitsFromCoroutine()) {
    entered = emitAwaitMethod(b.CreateLoad(abi->valueType(), mgrSlot), "__aenter__", 0, argArray(0));
  } else {
    entered = check(callRT("wrt_call_method", {b.CreateLoad(abi->valueType(), mgrSlot),
                                               internedName(w->isAsync ? "__aenter__" : "__enter__"), b.getInt64(0),
                                               llvm::ConstantPointerNull::get(abi->ptr())}));
    if (w->isAsync)
      entered = emitAwait(entered);
  }
  if (it.optionalVars)
    emitAssign(it.optionalVars, entered);

  llvm::BasicBlock *excPath = newBlock("with.exc");
  llvm::BasicBlock *done = newBlock("with.done");
  llvm::BasicBlock *outer = excTarget();
  Cleanup c;
  c.kind = Cleanup::With;
  c.manager = mgrSlot;
  c.isAsync = w->isAsync;
  c.excDepth = fs->excTargets.size();
  fs->cleanups.push_back(c);
  fs->excTargets.push_back(excPath);
  emitWith(w, item + 1);
  fs->excTargets.pop_back();
  fs->cleanups.pop_back();
  if (blockOpen()) {
    runCleanupNormally(c);
    if (blockOpen())
      b.CreateBr(done);
  }

  setBlock(excPath);
  Value *excSlot = valueSlot("with.exc");
  b.CreateStore(callRT("wrt_err_fetch", {}), excSlot);
  Value *prevSlot = valueSlot("with.prev");
  b.CreateStore(callRT("wrt_exc_push_handled", {b.CreateLoad(abi->valueType(), excSlot)}), prevSlot);
  llvm::BasicBlock *unwind = newBlock("with.unwind");
  fs->excTargets.push_back(unwind);
  Value *exc = b.CreateLoad(abi->valueType(), excSlot);
  Value *type = check(callRT("wrt_call", {check(callRT("wrt_builtin", {internedName("type")})), b.getInt64(1), [&] {
                                 Value *a = argArray(1);
                                 b.CreateStore(exc, a);
                                 return a;
                               }()}));
  Value *argv = argArray(3);
  auto *arrTy = llvm::ArrayType::get(abi->valueType(), 3);
  b.CreateStore(type, b.CreateConstInBoundsGEP2_64(arrTy, argv, 0, 0));
  b.CreateStore(b.CreateLoad(abi->valueType(), excSlot), b.CreateConstInBoundsGEP2_64(arrTy, argv, 0, 1));
  b.CreateStore(noneValue(), b.CreateConstInBoundsGEP2_64(arrTy, argv, 0, 2));
  Value *r;
  if (w->isAsync && awaitsFromCoroutine()) {
    r = emitAwaitMethod(b.CreateLoad(abi->valueType(), mgrSlot), "__aexit__", 3, argv);
  } else {
    r = check(callRT("wrt_call_method", {b.CreateLoad(abi->valueType(), mgrSlot),
                                         internedName(w->isAsync ? "__aexit__" : "__exit__"), b.getInt64(3), argv}));
    if (w->isAsync)
      r = emitAwait(r);
  }
  Value *swallow = truthy(r);
  fs->excTargets.pop_back();
  callRT("wrt_exc_set_handled", {b.CreateLoad(abi->valueType(), prevSlot)});
  llvm::BasicBlock *reraise = newBlock("with.reraise");
  b.CreateCondBr(swallow, done, reraise);
  setBlock(reraise);
  callRT("wrt_err_restore", {b.CreateLoad(abi->valueType(), excSlot)});
  b.CreateBr(outer);
  setBlock(unwind);
  callRT("wrt_exc_set_handled", {b.CreateLoad(abi->valueType(), prevSlot)});
  b.CreateBr(outer);
  setBlock(done);
}

static void emitImport(Codegen &cg, ImportStmt *s) {
  for (Alias &a : s->names) {
    // `import a.b` binds `a`; `import a.b as c` binds the submodule.
    std::string name = a.asname.empty() ? a.name.substr(0, a.name.find('.')) : a.name;
    Value *m = cg.check(cg.callRT("wrt_import", {cg.cString(name)}));
    cg.storeName(a.target, m);
  }
}

static void emitImportFrom(Codegen &cg, ImportFromStmt *s) {
  // The REPL's import of an earlier input's names: they already share this
  // input's boxes, and copying the earlier module's snapshot back would undo
  // every rebinding made since.
  if (cg.opts.replCell && s->module == cg.opts.replNamesFrom)
    return;
  Value *m = cg.check(cg.callRT("wrt_import", {cg.cString(s->module)}));
  Value *slot = cg.valueSlot("module");
  cg.b.CreateStore(m, slot);
  for (Alias &a : s->names) {
    Value *v = cg.check(cg.callRT("wrt_getattr", {cg.b.CreateLoad(cg.abi->valueType(), slot), cg.internedName(a.name)}));
    cg.storeName(a.target, v);
  }
}

void Codegen::emitStmt(Stmt *s) {
  switch (s->kind) {
  case StmtKind::Expr:
    emitExpr(static_cast<ExprStmt *>(s)->value);
    return;
  case StmtKind::Assign: {
    auto *a = static_cast<AssignStmt *>(s);
    Value *v = emitExpr(a->value);
    if (a->targets.size() == 1) {
      emitAssign(a->targets[0], v);
      return;
    }
    Value *slot = valueSlot("assign");
    b.CreateStore(v, slot);
    for (Expr *t : a->targets)
      emitAssign(t, b.CreateLoad(abi->valueType(), slot));
    return;
  }
  case StmtKind::AugAssign:
    emitAugAssign(*this, static_cast<AugAssignStmt *>(s));
    return;
  case StmtKind::AnnAssign: {
    auto *a = static_cast<AnnAssignStmt *>(s);
    auto *n = dynamic_cast<NameExpr *>(a->target);
    if (!fs->classStack.empty() && n && n->binding != BindingKind::Local) {
      // A field declaration in a class body (dataclasses read these).
      Value *v = a->value ? emitExpr(a->value) : unboundValue();
      Value *cls = b.CreateLoad(abi->valueType(), fs->classStack.back());
      check(callRT("wrt_class_annotate", {cls, internedName(n->id), v}));
      if (a->value && n->binding == BindingKind::ClassBody)
        storeName(n, v);
      return;
    }
    if (a->value)
      emitAssign(a->target, emitExpr(a->value));
    return;
  }
  case StmtKind::FunctionDef: {
    auto *f = static_cast<FunctionDefStmt *>(s);
    // Decorators are evaluated before the function object is made and
    // applied innermost first.
    std::vector<Value *> decoSlots;
    for (Expr *d : f->decorators) {
      Value *slot = valueSlot("decorator");
      b.CreateStore(emitExpr(d), slot);
      decoSlots.push_back(slot);
    }
    int flags = 0;
    if (f->isAsync)
      flags |= f->isGenerator ? WFUNC_ASYNC_GENERATOR : WFUNC_COROUTINE;
    else if (f->isGenerator)
      flags |= WFUNC_GENERATOR;
    Value *fn = emitFunctionObject(f->scope, f->name, f->params, &f->body, nullptr, flags, f->range);
    if (!fs->classStack.empty() && f->target->binding == BindingKind::ClassBody) {
      // Methods know their class, for zero-argument super().
      Value *fnPtr = b.CreateIntToPtr(payloadOf(fn), abi->ptr());
      Value *owner = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), fnPtr, 56);
      b.CreateStore(b.CreateLoad(abi->valueType(), fs->classStack.back()), owner);
    }
    for (auto it = decoSlots.rbegin(); it != decoSlots.rend(); ++it) {
      Value *argv = argArray(1);
      b.CreateStore(fn, argv);
      fn = check(callRT("wrt_call", {b.CreateLoad(abi->valueType(), *it), b.getInt64(1), argv}));
    }
    storeName(f->target, fn);
    return;
  }
  case StmtKind::ClassDef:
    emitClass(static_cast<ClassDefStmt *>(s));
    return;
  case StmtKind::Return: {
    auto *r = static_cast<ReturnStmt *>(s);
    emitReturn(r->value ? emitExpr(r->value) : noneValue());
    return;
  }
  case StmtKind::If:
    emitIf(*this, static_cast<IfStmt *>(s));
    return;
  case StmtKind::While:
    emitWhile(static_cast<WhileStmt *>(s));
    return;
  case StmtKind::For:
    emitFor(static_cast<ForStmt *>(s));
    return;
  case StmtKind::Break: {
    LoopTarget &l = fs->loops.back();
    if (l.iterator)
      callRT("wrt_iter_close", {b.CreateLoad(abi->valueType(), l.iterator)});
    jumpThroughCleanups(l.cleanupDepth, l.breakBlock);
    return;
  }
  case StmtKind::Continue: {
    LoopTarget &l = fs->loops.back();
    jumpThroughCleanups(l.cleanupDepth, l.continueBlock);
    return;
  }
  case StmtKind::Pass:
    return;
  case StmtKind::Try:
    emitTry(static_cast<TryStmt *>(s));
    return;
  case StmtKind::Raise: {
    auto *r = static_cast<RaiseStmt *>(s);
    if (!r->exc) {
      callRT("wrt_reraise", {});
    } else if (r->cause) {
      Value *exc = emitExpr(r->exc);
      Value *slot = valueSlot("raise.exc");
      b.CreateStore(exc, slot);
      Value *cause = emitExpr(r->cause);
      callRT("wrt_raise_from", {b.CreateLoad(abi->valueType(), slot), cause});
    } else {
      callRT("wrt_raise", {emitExpr(r->exc)});
    }
    b.CreateBr(excTarget());
    return;
  }
  case StmtKind::With:
    emitWith(static_cast<WithStmt *>(s), 0);
    return;
  case StmtKind::Global:
  case StmtKind::Nonlocal:
    return;
  case StmtKind::Del:
    for (Expr *t : static_cast<DelStmt *>(s)->targets) {
      if (auto *n = dynamic_cast<NameExpr *>(t)) {
        deleteName(n);
      } else if (auto *sub = dynamic_cast<SubscriptExpr *>(t)) {
        Spill obj(*this, emitExpr(sub->value), containsSuspend(sub->index));
        Value *idx = emitExpr(sub->index);
        check(callRT("wrt_delitem", {obj.get(), idx}));
      } else if (auto *at = dynamic_cast<AttributeExpr *>(t)) {
        check(callRT("wrt_delattr", {emitExpr(at->value), internedName(at->attr)}));
      } else if (auto *seq = dynamic_cast<SequenceExpr *>(t)) {
        for (Expr *x : seq->elts) {
          DelStmt one(s->range);
          one.targets.push_back(x);
          emitStmt(&one);
        }
      }
    }
    return;
  case StmtKind::Assert: {
    auto *a = static_cast<AssertStmt *>(s);
    llvm::BasicBlock *fail = newBlock("assert.fail");
    llvm::BasicBlock *ok = newBlock("assert.ok");
    b.CreateCondBr(truthy(emitExpr(a->test)), ok, fail);
    setBlock(fail);
    callRT("wrt_raise_assert", {a->msg ? emitExpr(a->msg) : unboundValue()});
    b.CreateBr(excTarget());
    setBlock(ok);
    return;
  }
  case StmtKind::Import:
    emitImport(*this, static_cast<ImportStmt *>(s));
    return;
  case StmtKind::ImportFrom:
    emitImportFrom(*this, static_cast<ImportFromStmt *>(s));
    return;
  }
}

} // namespace weft
