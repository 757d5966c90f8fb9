// CodegenExpr.cpp: expressions. Integer arithmetic and comparisons get an
// inline fast path (both tags INT, LLVM overflow intrinsics, OverflowError
// instead of wrapping); everything else calls the runtime's generic
// operators, which implement Python's semantics for every type.
#include "codegen/Codegen.h"

#include "weft/rt/wrt_ops.h"
#include "weft/rt/wrt_value.h"

#include "llvm/IR/Intrinsics.h"
#include <optional>

namespace weft {

using llvm::Value;

static int64_t runtimeBinOp(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return WOP_ADD;
  case BinaryOp::Sub: return WOP_SUB;
  case BinaryOp::Mul: return WOP_MUL;
  case BinaryOp::TrueDiv: return WOP_TRUEDIV;
  case BinaryOp::FloorDiv: return WOP_FLOORDIV;
  case BinaryOp::Mod: return WOP_MOD;
  case BinaryOp::Pow: return WOP_POW;
  case BinaryOp::LShift: return WOP_LSHIFT;
  case BinaryOp::RShift: return WOP_RSHIFT;
  case BinaryOp::BitAnd: return WOP_AND;
  case BinaryOp::BitOr: return WOP_OR;
  case BinaryOp::BitXor: return WOP_XOR;
  case BinaryOp::MatMul: return WOP_MATMUL;
  }
  return WOP_ADD;
}

static int64_t runtimeCmpOp(CompareOp op) {
  switch (op) {
  case CompareOp::Eq: return WOP_EQ;
  case CompareOp::NotEq: return WOP_NE;
  case CompareOp::Lt: return WOP_LT;
  case CompareOp::LtE: return WOP_LE;
  case CompareOp::Gt: return WOP_GT;
  case CompareOp::GtE: return WOP_GE;
  default: return WOP_EQ;
  }
}

/// The inline int fast path of [op], or null when the op has none. Sets
/// [overflow] to an i1 that is true when the result does not fit.
static Value *intFastPath(Codegen &cg, BinaryOp op, Value *l, Value *r, Value *&overflow) {
  auto &b = cg.b;
  llvm::Intrinsic::ID id;
  switch (op) {
  case BinaryOp::Add: id = llvm::Intrinsic::sadd_with_overflow; break;
  case BinaryOp::Sub: id = llvm::Intrinsic::ssub_with_overflow; break;
  case BinaryOp::Mul: id = llvm::Intrinsic::smul_with_overflow; break;
  case BinaryOp::BitAnd: overflow = b.getFalse(); return b.CreateAnd(l, r);
  case BinaryOp::BitOr: overflow = b.getFalse(); return b.CreateOr(l, r);
  case BinaryOp::BitXor: overflow = b.getFalse(); return b.CreateXor(l, r);
  default: return nullptr;
  }
  Value *res = b.CreateBinaryIntrinsic(id, l, r);
  overflow = b.CreateExtractValue(res, 1);
  return b.CreateExtractValue(res, 0);
}

/// Python's floor division and modulo on ints, inline. The divisor is
/// known not to be 0 or -1 (those take the runtime path: ZeroDivisionError,
/// and the one overflowing quotient).
static Value *emitIntDivMod(Codegen &cg, BinaryOp op, Value *l, Value *r, bool inplace) {
  auto &b = cg.b;
  const char *fn = inplace ? "wrt_inplace" : "wrt_binop";
  Value *li = cg.payloadOf(l), *ri = cg.payloadOf(r);
  Value *fastOk = b.CreateAnd(b.CreateAnd(b.CreateICmpEQ(cg.tagOf(l), b.getInt64(WT_INT)),
                                          b.CreateICmpEQ(cg.tagOf(r), b.getInt64(WT_INT))),
                              b.CreateICmpUGT(b.CreateAdd(ri, b.getInt64(1)), b.getInt64(1)));
  llvm::BasicBlock *fastBB = cg.newBlock("divmod.fast");
  llvm::BasicBlock *slowBB = cg.newBlock("divmod.slow");
  llvm::BasicBlock *done = cg.newBlock("divmod.done");
  b.CreateCondBr(fastOk, fastBB, slowBB);
  cg.setBlock(fastBB);
  Value *q = b.CreateSDiv(li, ri);
  Value *rem = b.CreateSRem(li, ri);
  // C truncates toward zero; Python floors: adjust when the signs differ.
  Value *adjust = b.CreateAnd(b.CreateICmpNE(rem, b.getInt64(0)),
                              b.CreateICmpSLT(b.CreateXor(rem, ri), b.getInt64(0)));
  Value *raw = op == BinaryOp::Mod ? b.CreateSelect(adjust, b.CreateAdd(rem, ri), rem)
                                   : b.CreateSelect(adjust, b.CreateSub(q, b.getInt64(1)), q);
  Value *fastV = cg.makeValue(b.getInt64(WT_INT), raw);
  b.CreateBr(done);
  cg.setBlock(slowBB);
  int64_t code = op == BinaryOp::Mod ? WOP_MOD : WOP_FLOORDIV;
  Value *slowV = cg.check(cg.callRT(fn, {b.getInt64(code), l, r}, "binop"));
  llvm::BasicBlock *slowEnd = b.GetInsertBlock();
  b.CreateBr(done);
  cg.setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(cg.abi->valueType(), 2, "divmod");
  phi->addIncoming(fastV, fastBB);
  phi->addIncoming(slowV, slowEnd);
  return phi;
}

Value *Codegen::emitBinary(BinaryOp op, Value *l, Value *r, bool inplace) {
  if (op == BinaryOp::Mod || op == BinaryOp::FloorDiv)
    return emitIntDivMod(*this, op, l, r, inplace);
  bool hasFast = op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul ||
                 op == BinaryOp::BitAnd || op == BinaryOp::BitOr || op == BinaryOp::BitXor;
  const char *fn = inplace ? "wrt_inplace" : "wrt_binop";
  if (!hasFast)
    return check(callRT(fn, {b.getInt64(runtimeBinOp(op)), l, r}, "binop"));
  Value *bothInt = b.CreateAnd(b.CreateICmpEQ(tagOf(l), b.getInt64(WT_INT)),
                               b.CreateICmpEQ(tagOf(r), b.getInt64(WT_INT)));
  llvm::BasicBlock *fastBB = newBlock("int.fast");
  llvm::BasicBlock *slowBB = newBlock("int.slow");
  llvm::BasicBlock *done = newBlock("binop.done");
  b.CreateCondBr(bothInt, fastBB, slowBB);
  setBlock(fastBB);
  Value *overflow = nullptr;
  Value *raw = intFastPath(*this, op, payloadOf(l), payloadOf(r), overflow);
  llvm::BasicBlock *ovfBB = newBlock("int.overflow");
  llvm::BasicBlock *fastOk = newBlock("int.ok");
  b.CreateCondBr(overflow, ovfBB, fastOk, llvm::MDBuilder(ctx).createBranchWeights(1, 1000));
  setBlock(ovfBB);
  callRT("wrt_raise_overflow", {});
  b.CreateBr(excTarget());
  setBlock(fastOk);
  Value *fastV = makeValue(b.getInt64(WT_INT), raw);
  b.CreateBr(done);
  setBlock(slowBB);
  Value *slowV = check(callRT(fn, {b.getInt64(runtimeBinOp(op)), l, r}, "binop"));
  llvm::BasicBlock *slowEnd = b.GetInsertBlock();
  b.CreateBr(done);
  setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(abi->valueType(), 2, "binop");
  phi->addIncoming(fastV, fastOk);
  phi->addIncoming(slowV, slowEnd);
  return phi;
}

Value *Codegen::emitCompareOp(CompareOp op, Value *l, Value *r) {
  switch (op) {
  case CompareOp::Is:
  case CompareOp::IsNot: {
    Value *same = b.CreateICmpNE(callRT("wrt_is", {l, r}), b.getInt64(0));
    return boolValue(op == CompareOp::Is ? same : b.CreateNot(same));
  }
  case CompareOp::In:
  case CompareOp::NotIn: {
    Value *in = checkStatus(callRT("wrt_contains", {r, l}));
    Value *bit = b.CreateICmpNE(in, b.getInt64(0));
    return boolValue(op == CompareOp::In ? bit : b.CreateNot(bit));
  }
  default:
    break;
  }
  Value *bothInt = b.CreateAnd(b.CreateICmpEQ(tagOf(l), b.getInt64(WT_INT)),
                               b.CreateICmpEQ(tagOf(r), b.getInt64(WT_INT)));
  llvm::BasicBlock *fastBB = newBlock("cmp.fast");
  llvm::BasicBlock *slowBB = newBlock("cmp.slow");
  llvm::BasicBlock *done = newBlock("cmp.done");
  b.CreateCondBr(bothInt, fastBB, slowBB);
  setBlock(fastBB);
  llvm::CmpInst::Predicate pred;
  switch (op) {
  case CompareOp::Eq: pred = llvm::CmpInst::ICMP_EQ; break;
  case CompareOp::NotEq: pred = llvm::CmpInst::ICMP_NE; break;
  case CompareOp::Lt: pred = llvm::CmpInst::ICMP_SLT; break;
  case CompareOp::LtE: pred = llvm::CmpInst::ICMP_SLE; break;
  case CompareOp::Gt: pred = llvm::CmpInst::ICMP_SGT; break;
  default: pred = llvm::CmpInst::ICMP_SGE; break;
  }
  Value *fastV = boolValue(b.CreateICmp(pred, payloadOf(l), payloadOf(r)));
  b.CreateBr(done);
  setBlock(slowBB);
  Value *slowV = check(callRT("wrt_compare", {b.getInt64(runtimeCmpOp(op)), l, r}, "cmp"));
  llvm::BasicBlock *slowEnd = b.GetInsertBlock();
  b.CreateBr(done);
  setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(abi->valueType(), 2, "cmp");
  phi->addIncoming(fastV, fastBB);
  phi->addIncoming(slowV, slowEnd);
  return phi;
}

/// `a < b < c`: each comparison's result is the value when it is false or
/// the last one; later operands are evaluated only if needed.
static Value *emitCompare(Codegen &cg, CompareExpr *c) {
  auto &b = cg.b;
  Value *left = cg.emitExpr(c->left);
  if (c->ops.size() == 1) {
    Spill l(cg, left, containsSuspend(c->comparators[0]));
    Value *right = cg.emitExpr(c->comparators[0]);
    return cg.emitCompareOp(c->ops[0], l.get(), right);
  }
  llvm::BasicBlock *done = cg.newBlock("chain.done");
  std::vector<std::pair<Value *, llvm::BasicBlock *>> incoming;
  for (size_t i = 0; i < c->ops.size(); ++i) {
    Value *right = cg.emitExpr(c->comparators[i]);
    Value *res = cg.emitCompareOp(c->ops[i], left, right);
    if (i + 1 == c->ops.size()) {
      incoming.push_back({res, b.GetInsertBlock()});
      b.CreateBr(done);
      break;
    }
    Value *t = cg.truthy(res);
    llvm::BasicBlock *next = cg.newBlock("chain.next");
    incoming.push_back({res, b.GetInsertBlock()});
    b.CreateCondBr(t, next, done);
    cg.setBlock(next);
    left = right;
  }
  cg.setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(cg.abi->valueType(), incoming.size(), "chain");
  for (auto &[v, bb] : incoming)
    phi->addIncoming(v, bb);
  return phi;
}

static Value *emitBoolOp(Codegen &cg, BoolOpExpr *e) {
  auto &b = cg.b;
  llvm::BasicBlock *done = cg.newBlock("boolop.done");
  std::vector<std::pair<Value *, llvm::BasicBlock *>> incoming;
  for (size_t i = 0; i < e->values.size(); ++i) {
    Value *v = cg.emitExpr(e->values[i]);
    if (i + 1 == e->values.size()) {
      incoming.push_back({v, b.GetInsertBlock()});
      b.CreateBr(done);
      break;
    }
    Value *t = cg.truthy(v);
    llvm::BasicBlock *next = cg.newBlock("boolop.next");
    incoming.push_back({v, b.GetInsertBlock()});
    if (e->op == BoolOpKind::And)
      b.CreateCondBr(t, next, done);
    else
      b.CreateCondBr(t, done, next);
    cg.setBlock(next);
  }
  cg.setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(cg.abi->valueType(), incoming.size(), "boolop");
  for (auto &[v, bb] : incoming)
    phi->addIncoming(v, bb);
  return phi;
}

static Value *emitUnary(Codegen &cg, UnaryOpExpr *u) {
  auto &b = cg.b;
  Value *v = cg.emitExpr(u->operand);
  switch (u->op) {
  case UnaryOpKind::Not:
    return cg.boolValue(b.CreateNot(cg.truthy(v)));
  case UnaryOpKind::Neg:
    return cg.check(cg.callRT("wrt_unop", {b.getInt64(WOP_NEG), v}, "neg"));
  case UnaryOpKind::Pos:
    return cg.check(cg.callRT("wrt_unop", {b.getInt64(WOP_POS), v}, "pos"));
  case UnaryOpKind::Invert:
    return cg.check(cg.callRT("wrt_unop", {b.getInt64(WOP_INVERT), v}, "inv"));
  }
  return v;
}

static Value *emitIfExp(Codegen &cg, IfExpExpr *e) {
  auto &b = cg.b;
  Value *t = cg.truthy(cg.emitExpr(e->test));
  llvm::BasicBlock *thenBB = cg.newBlock("ifexp.then");
  llvm::BasicBlock *elseBB = cg.newBlock("ifexp.else");
  llvm::BasicBlock *done = cg.newBlock("ifexp.done");
  b.CreateCondBr(t, thenBB, elseBB);
  cg.setBlock(thenBB);
  Value *a = cg.emitExpr(e->body);
  llvm::BasicBlock *thenEnd = b.GetInsertBlock();
  b.CreateBr(done);
  cg.setBlock(elseBB);
  Value *c = cg.emitExpr(e->orelse);
  llvm::BasicBlock *elseEnd = b.GetInsertBlock();
  b.CreateBr(done);
  cg.setBlock(done);
  llvm::PHINode *phi = b.CreatePHI(cg.abi->valueType(), 2, "ifexp");
  phi->addIncoming(a, thenEnd);
  phi->addIncoming(c, elseEnd);
  return phi;
}

/// `{v}` with no spec: an int, float or bool goes to wrt_str_join_n as it
/// is (formatting it later is unobservable, and proven locals fold the test);
/// anything else is formatted now, in evaluation order, as CPython does.
static Value *formatUnlessScalar(Codegen &cg, Value *v) {
  auto &b = cg.b;
  Value *tag = cg.tagOf(v);
  Value *scalar = b.CreateICmpULE(b.CreateSub(tag, b.getInt64(WT_BOOL)), b.getInt64(WT_FLOAT - WT_BOOL));
  return cg.unlessSlow(b.CreateNot(scalar), v, [&] { return cg.check(cg.callRT("wrt_format", {v, cg.strConst("")})); },
                       "format", false);
}

Value *Codegen::emitFString(FStringExpr *f) {
  // Literal pieces are materialised only when the pieces are joined: a
  // string constant is loaded through a cache, and that load must not be
  // an SSA value held across an `await` in a later piece.
  struct Piece {
    const std::string *literal;
    std::optional<Spill> value;
  };
  std::vector<Piece> parts;
  parts.reserve(f->parts.size() * 2);
  for (FStringPart &p : f->parts) {
    if (!p.expr) {
      if (!p.literal.empty())
        parts.push_back({&p.literal, std::nullopt});
      continue;
    }
    if (!p.selfDoc.empty())
      parts.push_back({&p.selfDoc, std::nullopt});
    Value *v = emitExpr(p.expr);
    char conv = p.conversion;
    // `{x=}` without a conversion or spec shows repr, as Python does.
    if (!conv && !p.selfDoc.empty() && !p.formatSpec)
      conv = 'r';
    if (conv == 'r' || conv == 'a')
      v = check(callRT("wrt_repr", {v}));
    else if (conv == 's')
      v = check(callRT("wrt_str", {v}));
    if (p.formatSpec) {
      Spill held(*this, v, containsSuspend(p.formatSpec));
      Value *spec = emitExpr(p.formatSpec);
      v = check(callRT("wrt_format", {held.get(), spec}));
    } else if (!conv) {
      v = formatUnlessScalar(*this, v);
    }
    parts.push_back({nullptr, std::optional<Spill>(std::in_place, *this, v, true)});
  }
  if (parts.empty())
    return strConst("");
  Value *arr = argArray(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    Value *v = parts[i].literal ? strConst(*parts[i].literal) : parts[i].value->get();
    b.CreateStore(v, b.CreateConstInBoundsGEP2_64(llvm::ArrayType::get(abi->valueType(), parts.size()), arr, 0, i));
  }
  return check(callRT("wrt_str_join_n", {b.getInt64(parts.size()), arr}));
}

/// Stores [values] into a fresh argument array and returns it.
static Value *storeArray(Codegen &cg, const std::vector<Value *> &values) {
  Value *arr = cg.argArray(values.size());
  auto *arrTy = llvm::ArrayType::get(cg.abi->valueType(), values.empty() ? 1 : values.size());
  for (size_t i = 0; i < values.size(); ++i)
    cg.b.CreateStore(values[i], cg.b.CreateConstInBoundsGEP2_64(arrTy, arr, 0, i));
  return arr;
}

Value *Codegen::emitSequence(SequenceExpr *s) {
  bool starred = false;
  for (Expr *e : s->elts)
    starred |= e->kind == ExprKind::Starred;
  if (!starred) {
    std::vector<Spill> spilled;
    spilled.reserve(s->elts.size());
    for (Expr *e : s->elts)
      spilled.emplace_back(*this, emitExpr(e), true);
    std::vector<Value *> vals;
    for (Spill &v : spilled)
      vals.push_back(v.get());
    Value *arr = storeArray(*this, vals);
    const char *fn = s->kind == ExprKind::Tuple ? "wrt_tuple_new" : s->kind == ExprKind::List ? "wrt_list_new" : "wrt_set_new";
    return check(callRT(fn, {b.getInt64(vals.size()), arr}));
  }
  // [a, *b, c]: build a list, then convert.
  Value *acc = s->kind == ExprKind::Set ? check(callRT("wrt_set_new", {b.getInt64(0), llvm::ConstantPointerNull::get(abi->ptr())}))
                                        : check(callRT("wrt_list_new", {b.getInt64(0), llvm::ConstantPointerNull::get(abi->ptr())}));
  Value *accSlot = valueSlot("display");
  b.CreateStore(acc, accSlot);
  for (Expr *e : s->elts) {
    Value *cur = b.CreateLoad(abi->valueType(), accSlot);
    if (auto *st = dynamic_cast<StarredExpr *>(e)) {
      Value *v = emitExpr(st->value);
      cur = b.CreateLoad(abi->valueType(), accSlot);
      if (s->kind == ExprKind::Set) {
        check(callRT("wrt_call_method", {cur, internedName("update"), b.getInt64(1), storeArray(*this, {v})}));
      } else {
        check(callRT("wrt_list_extend", {cur, v}));
      }
    } else {
      Value *v = emitExpr(e);
      cur = b.CreateLoad(abi->valueType(), accSlot);
      check(callRT(s->kind == ExprKind::Set ? "wrt_set_add" : "wrt_list_append", {cur, v}));
    }
  }
  Value *res = b.CreateLoad(abi->valueType(), accSlot);
  if (s->kind == ExprKind::Tuple)
    res = check(callRT("wrt_list_to_tuple", {res}));
  return res;
}

Value *Codegen::emitDict(DictExpr *d) {
  Value *dict = check(callRT("wrt_dict_new", {b.getInt64(0), llvm::ConstantPointerNull::get(abi->ptr()),
                                              llvm::ConstantPointerNull::get(abi->ptr())}));
  Value *slot = valueSlot("dict");
  b.CreateStore(dict, slot);
  for (size_t i = 0; i < d->values.size(); ++i) {
    if (!d->keys[i]) {
      Value *m = emitExpr(d->values[i]);
      check(callRT("wrt_dict_update", {b.CreateLoad(abi->valueType(), slot), m}));
      continue;
    }
    Spill k(*this, emitExpr(d->keys[i]), containsSuspend(d->values[i]));
    Value *v = emitExpr(d->values[i]);
    check(callRT("wrt_dict_set", {b.CreateLoad(abi->valueType(), slot), k.get(), v}));
  }
  return b.CreateLoad(abi->valueType(), slot);
}

Value *Codegen::emitSlice(SliceExpr *s) {
  Spill lo(*this, s->lower ? emitExpr(s->lower) : noneValue(), containsSuspend(s->upper) || containsSuspend(s->step));
  Spill hi(*this, s->upper ? emitExpr(s->upper) : noneValue(), containsSuspend(s->step));
  Value *st = s->step ? emitExpr(s->step) : noneValue();
  return check(callRT("wrt_slice_new", {lo.get(), hi.get(), st}));
}

/// Comprehensions run inline in the enclosing function: nested loops over
/// the generators, appending to the result. A generator expression is
/// materialised as a list (its consumers — sum, any, all, list, join,
/// sorted, ... — iterate it once); see docs/design.md.
Value *Codegen::emitComprehension(ComprehensionExpr *c) {
  Value *result;
  if (c->kind == ExprKind::DictComp)
    result = check(callRT("wrt_dict_new", {b.getInt64(0), llvm::ConstantPointerNull::get(abi->ptr()),
                                           llvm::ConstantPointerNull::get(abi->ptr())}));
  else if (c->kind == ExprKind::SetComp)
    result = check(callRT("wrt_set_new", {b.getInt64(0), llvm::ConstantPointerNull::get(abi->ptr())}));
  else
    result = check(callRT("wrt_list_new", {b.getInt64(0), llvm::ConstantPointerNull::get(abi->ptr())}));
  Value *resSlot = valueSlot("comp");
  b.CreateStore(result, resSlot);

  std::function<void(size_t)> level = [&](size_t i) {
    if (i == c->generators.size()) {
      if (c->kind == ExprKind::DictComp) {
        Value *k = emitExpr(c->elt);
        Value *v = emitExpr(c->value);
        check(callRT("wrt_dict_set", {b.CreateLoad(abi->valueType(), resSlot), k, v}));
      } else {
        Value *v = emitExpr(c->elt);
        check(callRT(c->kind == ExprKind::SetComp ? "wrt_set_add" : "wrt_list_append",
                     {b.CreateLoad(abi->valueType(), resSlot), v}));
      }
      return;
    }
    Comprehension &g = c->generators[i];
    Value *iterable = emitExpr(g.iter);
    Value *null = llvm::ConstantPointerNull::get(abi->ptr());
    Value *it = g.isAsync ? check(callRT("wrt_call_method", {iterable, internedName("__aiter__"), b.getInt64(0), null}))
                          : check(callRT("wrt_iter", {iterable}));
    Value *itSlot = valueSlot("comp.iter");
    b.CreateStore(it, itSlot);
    llvm::BasicBlock *head = newBlock("comp.head");
    llvm::BasicBlock *bodyBB = newBlock("comp.body");
    llvm::BasicBlock *exit = newBlock("comp.exit");
    b.CreateBr(head);
    setBlock(head);
    if (g.isAsync) {
      // `async for` in a comprehension: await __anext__ until StopAsyncIteration.
      llvm::BasicBlock *stop = newBlock("comp.astop");
      llvm::BasicBlock *outer = excTarget();
      Value *next = check(callRT("wrt_call_method", {b.CreateLoad(abi->valueType(), itSlot), internedName("__anext__"), b.getInt64(0), null}));
      fs->excTargets.push_back(stop);
      Value *item = emitAwait(next);
      fs->excTargets.pop_back();
      llvm::BasicBlock *got = b.GetInsertBlock();
      setBlock(stop);
      Value *excSlot = valueSlot("comp.aexc");
      b.CreateStore(callRT("wrt_err_fetch", {}), excSlot);
      Value *stopType = check(callRT("wrt_builtin", {internedName("StopAsyncIteration")}));
      Value *m = checkStatus(callRT("wrt_exc_matches", {b.CreateLoad(abi->valueType(), excSlot), stopType}));
      llvm::BasicBlock *reraise = newBlock("comp.areraise");
      b.CreateCondBr(b.CreateICmpNE(m, b.getInt64(0)), exit, reraise);
      setBlock(reraise);
      callRT("wrt_err_restore", {b.CreateLoad(abi->valueType(), excSlot)});
      b.CreateBr(outer);
      setBlock(got);
      b.CreateBr(bodyBB);
      setBlock(bodyBB);
      emitAssign(g.target, item);
    } else {
      Value *item = check(callRT("wrt_next", {b.CreateLoad(abi->valueType(), itSlot)}));
      b.CreateCondBr(b.CreateICmpEQ(tagOf(item), b.getInt64(WT_UNBOUND)), exit, bodyBB);
      setBlock(bodyBB);
      emitAssign(g.target, item);
    }

    for (Expr *cond : g.ifs) {
      llvm::BasicBlock *pass = newBlock("comp.if");
      b.CreateCondBr(truthy(emitExpr(cond)), pass, head);
      setBlock(pass);
    }
    level(i + 1);
    if (blockOpen())
      b.CreateBr(head);
    setBlock(exit);
  };
  level(0);
  return b.CreateLoad(abi->valueType(), resSlot);
}

Value *Codegen::emitExpr(Expr *e) {
  switch (e->kind) {
  case ExprKind::Name:
    return loadName(static_cast<NameExpr *>(e));
  case ExprKind::Int:
    return constValue(WT_INT, static_cast<uint64_t>(static_cast<IntExpr *>(e)->value));
  case ExprKind::Float: {
    double d = static_cast<FloatExpr *>(e)->value;
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return constValue(WT_FLOAT, bits);
  }
  case ExprKind::Str:
    return strConst(static_cast<StrExpr *>(e)->value);
  case ExprKind::Bytes:
    return check(bytesConst(static_cast<BytesExpr *>(e)->value));
  case ExprKind::Bool:
    return constValue(WT_BOOL, static_cast<BoolExpr *>(e)->value ? 1 : 0);
  case ExprKind::None:
    return noneValue();
  case ExprKind::Ellipsis:
    return check(callRT("wrt_builtin", {internedName("Ellipsis")}));
  case ExprKind::FString:
    return emitFString(static_cast<FStringExpr *>(e));
  case ExprKind::BinOp: {
    auto *bo = static_cast<BinOpExpr *>(e);
    Spill l(*this, emitExpr(bo->lhs), containsSuspend(bo->rhs));
    Value *r = emitExpr(bo->rhs);
    return emitBinary(bo->op, l.get(), r, false);
  }
  case ExprKind::UnaryOp:
    return emitUnary(*this, static_cast<UnaryOpExpr *>(e));
  case ExprKind::BoolOp:
    return emitBoolOp(*this, static_cast<BoolOpExpr *>(e));
  case ExprKind::Compare:
    return emitCompare(*this, static_cast<CompareExpr *>(e));
  case ExprKind::Call:
    return emitCall(static_cast<CallExpr *>(e));
  case ExprKind::Attribute: {
    auto *a = static_cast<AttributeExpr *>(e);
    Value *obj = emitExpr(a->value);
    return check(callRT("wrt_getattr_ic", {obj, internedName(a->attr), cacheSite(a->attr)}, a->attr));
  }
  case ExprKind::Subscript: {
    auto *s = static_cast<SubscriptExpr *>(e);
    Spill obj(*this, emitExpr(s->value), containsSuspend(s->index));
    Value *idx = emitExpr(s->index);
    return check(callRT("wrt_getitem", {obj.get(), idx}, "item"));
  }
  case ExprKind::Slice:
    return emitSlice(static_cast<SliceExpr *>(e));
  case ExprKind::Tuple:
  case ExprKind::List:
  case ExprKind::Set:
    return emitSequence(static_cast<SequenceExpr *>(e));
  case ExprKind::Dict:
    return emitDict(static_cast<DictExpr *>(e));
  case ExprKind::ListComp:
  case ExprKind::SetComp:
  case ExprKind::DictComp:
    return emitComprehension(static_cast<ComprehensionExpr *>(e));
  case ExprKind::GeneratorExp:
    // Still computed eagerly (docs/design.md), but handed on as an iterator
    // over the results, as a generator is one: next() works on it, and a
    // second pass over it finds it exhausted.
    return check(callRT("wrt_iter", {emitComprehension(static_cast<ComprehensionExpr *>(e))}));
  case ExprKind::Lambda: {
    auto *l = static_cast<LambdaExpr *>(e);
    return emitFunctionObject(l->scope, "<lambda>", l->params, nullptr, l->body, 0, l->range);
  }
  case ExprKind::IfExp:
    return emitIfExp(*this, static_cast<IfExpExpr *>(e));
  case ExprKind::Await: {
    Expr *awaited = static_cast<AwaitExpr *>(e)->value;
    if (FunctionDefStmt *def = directAwaitTarget(awaited))
      return emitDirectAwait(static_cast<CallExpr *>(awaited), def);
    if (CallExpr *c = methodAwaitTarget(awaited))
      return emitMethodAwait(c);
    return emitAwait(emitExpr(awaited));
  }
  case ExprKind::Yield: {
    auto *y = static_cast<YieldExpr *>(e);
    return emitYield(y->value ? emitExpr(y->value) : noneValue());
  }
  case ExprKind::YieldFrom: {
    // `yield from g` drives g like an await drives a coroutine.
    Value *it = check(callRT("wrt_iter", {emitExpr(static_cast<YieldFromExpr *>(e)->value)}));
    return emitDelegation(it, "wrt_yield_from_step");
  }
  case ExprKind::Starred:
    // Only valid inside displays, calls and assignment targets, which
    // handle it; sema reports other uses.
    return emitExpr(static_cast<StarredExpr *>(e)->value);
  case ExprKind::NamedExpr: {
    auto *n = static_cast<NamedExpr *>(e);
    Value *v = emitExpr(n->value);
    storeName(n->target, v);
    return v;
  }
  }
  return noneValue();
}

} // namespace weft
