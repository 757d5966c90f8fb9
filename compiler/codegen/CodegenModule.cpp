// CodegenModule.cpp: the module's init function and `main`, function bodies,
// function objects (defaults, closure cells, WFuncInfo) and classes.
//
// A plain function is one LLVM function with the uniform signature
// `{i64,i64} (ptr self, ptr args)`. A generator or coroutine is two: that
// signature creates the frame (`weft.<name>`), and `weft.<name>.resume`
// runs the body as a state machine (CodegenResume.cpp).
#include "codegen/Codegen.h"

#include "weft/rt/wrt_value.h"
#include "sema/AstWalk.h"

#include "llvm/IR/Verifier.h"

namespace weft {

using llvm::Value;

Codegen::Codegen(Module &m, const SourceManager &sm, llvm::LLVMContext &ctx, const CodegenOptions &opts)
    : ast(m), sm(sm), ctx(ctx), opts(opts), b(ctx) {
  mod = std::make_unique<llvm::Module>("weft." + m.name, ctx);
  abi = std::make_unique<RuntimeABI>(*mod);
  llvm::Type *p = abi->ptr();
  llvm::Type *i32 = b.getInt32Ty();
  funcInfoTy = llvm::StructType::create(ctx, {p, p, p, i32, i32, i32, i32, i32, i32, p, i32, b.getInt64Ty(), p, p},
                                        "weft.funcinfo");
  // WFunc: hdr, code, info, defaults, cells, ncells, dict, owner.
  funcTy = llvm::StructType::create(ctx, {p, p, p, p, p, b.getInt64Ty(), p, abi->valueType()}, "weft.func");
  // WCoro: hdr, resume, state, yielded, awaiting, handled, info, func, running.
  coroTy = llvm::StructType::create(ctx, {p, p, b.getInt64Ty(), abi->valueType(), p, p, p, p, b.getInt64Ty()},
                                    "weft.coro");
}

std::string moduleInitSymbol(const std::string &name) { return "weft.module." + name + ".init"; }

std::unique_ptr<llvm::Module> generateModule(Module &m, const SourceManager &sm, llvm::LLVMContext &ctx,
                                             const CodegenOptions &opts) {
  Codegen cg(m, sm, ctx, opts);
  return cg.run();
}

Value *Codegen::funcInfo(Scope *scope, const std::string &name, std::vector<Param> &params, int flags,
                         SourceRange range, const std::string &symbol) {
  std::vector<llvm::Constant *> names;
  int npos = 0, nkw = 0, varargs = 0, varkw = 0;
  for (Param &p : params) {
    names.push_back(llvm::cast<llvm::Constant>(cString(p.name)));
    switch (p.kind) {
    case ParamKind::PositionalOnly:
    case ParamKind::Positional: ++npos; break;
    case ParamKind::VarArgs: varargs = 1; break;
    case ParamKind::KeywordOnly: ++nkw; break;
    case ParamKind::VarKeywords: varkw = 1; break;
    }
  }
  auto *namesTy = llvm::ArrayType::get(abi->ptr(), names.size());
  auto *namesGV = new llvm::GlobalVariable(*mod, namesTy, true, llvm::GlobalValue::PrivateLinkage,
                                           llvm::ConstantArray::get(namesTy, names), "weft.params");
  std::string qual = scope ? scope->qualname : name;
  // An `async def` also describes its frame (WFuncInfo::frame_size), so
  // wrt_await_method_ic can run it on an awaiter's stack.
  llvm::Constant *frameSize = b.getInt64(0);
  llvm::Constant *frameInit = llvm::ConstantPointerNull::get(abi->ptr());
  llvm::Constant *frameResume = frameInit;
  if (flags == WFUNC_COROUTINE) {
    auto it = frameTypes.find(symbol);
    llvm::Function *init = mod->getFunction(symbol + ".init");
    llvm::Function *resume = mod->getFunction(symbol + ".resume");
    if (it != frameTypes.end() && init && resume) {
      frameSize = llvm::ConstantExpr::getSizeOf(it->second);
      frameInit = init;
      frameResume = resume;
    }
  }
  llvm::Constant *fields[] = {
      llvm::cast<llvm::Constant>(cString(name)),
      llvm::cast<llvm::Constant>(cString(qual)),
      namesGV,
      b.getInt32(params.size()), b.getInt32(npos), b.getInt32(nkw), b.getInt32(varargs), b.getInt32(varkw),
      b.getInt32(flags),
      llvm::cast<llvm::Constant>(cString(sm.path(range.file))),
      b.getInt32(range.begin.line),
      frameSize, frameInit, frameResume,
  };
  return new llvm::GlobalVariable(*mod, funcInfoTy, true, llvm::GlobalValue::PrivateLinkage,
                                  llvm::ConstantStruct::get(funcInfoTy, fields), "weft.info." + name);
}

/// True when [body] has a try/finally or a with statement (outside nested
/// functions): code that runs between a `return` and the function's exit.
static bool hasCleanupBlocks(const StmtList &body) {
  bool found = false;
  walkStmts(const_cast<StmtList &>(body), false, [&](Stmt *s) {
    if (auto *t = dynamic_cast<TryStmt *>(s))
      found |= !t->finalbody.empty();
    found |= s->kind == StmtKind::With;
  });
  return found;
}

/// Sets up locals, cells and free variables of the code unit [scope].
static void emitPrologue(Codegen &cg, Scope *scope, size_t nparams) {
  auto &b = cg.b;
  FunctionState *f = cg.fs;
  for (size_t i = 0; i < scope->localSlots.size(); ++i)
    f->locals.push_back(cg.valueSlot(scope->localSlots[i]));
  if (!f->resumable && f->args)
    for (size_t i = 0; i < nparams; ++i) {
      Value *arg = b.CreateLoad(cg.abi->valueType(), b.CreateConstInBoundsGEP1_64(cg.abi->valueType(), f->args, i));
      if (ScalarKind k = f->scalars.of(static_cast<int>(i)); k != ScalarKind::Unknown)
        arg = cg.withTag(arg, scalarTag(k)); // the versioned entry checked it
      b.CreateStore(arg, f->locals[i]);
    }
  for (size_t i = 0; i < scope->freeSlots.size(); ++i) {
    Value *slot = cg.entryAlloca(cg.abi->ptr(), "free." + scope->freeSlots[i], false);
    // WFunc.cells is at offset 32.
    Value *cells = b.CreateLoad(cg.abi->ptr(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), f->self, 32));
    b.CreateStore(b.CreateLoad(cg.abi->ptr(), b.CreateConstInBoundsGEP1_64(cg.abi->ptr(), cells, i)), slot);
    f->frees.push_back(slot);
  }
  for (size_t i = 0; i < scope->cellSlots.size(); ++i)
    f->cells.push_back(cg.entryAlloca(cg.abi->ptr(), "cell." + scope->cellSlots[i]));
}

/// Creates the cells of [scope]; a captured parameter starts with its argument.
static void emitCellCreation(Codegen &cg, Scope *scope, size_t nparams) {
  auto &b = cg.b;
  for (size_t i = 0; i < scope->cellSlots.size(); ++i) {
    int local = scope->localIndex(scope->cellSlots[i]);
    Value *init = (local >= 0 && static_cast<size_t>(local) < nparams)
                      ? b.CreateLoad(cg.abi->valueType(), cg.fs->locals[local])
                      : cg.unboundValue();
    b.CreateStore(cg.callRT("wrt_cell_new", {init}), cg.fs->cells[i]);
  }
}

llvm::Function *Codegen::emitFunctionBody(Scope *scope, const std::string &symbol, std::vector<Param> &params,
                                          const StmtList *body, Expr *lambdaBody, bool resumable,
                                          const std::vector<ScalarKind> &paramSeeds) {
  FunctionState state;
  FunctionState *saved = fs;
  llvm::IRBuilderBase::InsertPoint savedIP = b.saveIP();
  fs = &state;
  state.scope = scope;
  state.resumable = resumable;
  if (scope)
    state.scalars = analyseScalars(scope, params.size(), body, lambdaBody, paramSeeds);

  llvm::Type *p = abi->ptr();
  llvm::Type *i64 = b.getInt64Ty();
  // A typed body takes each argument as a tag and a payload, so that they
  // travel in registers once its versioned entry is inlined into a caller,
  // and the optimiser can drop a tag every caller passes as a constant.
  bool byValue = !paramSeeds.empty() && !resumable;
  std::vector<llvm::Type *> argTypes = {p, p};
  if (byValue)
    argTypes.assign(1 + 2 * params.size(), i64), argTypes[0] = p;
  llvm::FunctionType *fty = resumable ? llvm::FunctionType::get(abi->valueType(), {p, i64, i64, i64}, false)
                                      : llvm::FunctionType::get(abi->valueType(), argTypes, false);
  std::string name = resumable ? symbol + ".resume" : symbol;
  state.fn = functionToDefine(name, fty);
  state.entry = llvm::BasicBlock::Create(ctx, "entry", state.fn);
  setBlock(state.entry);
  if (resumable) {
    state.frame = state.fn->getArg(0);
    state.frame->setName("frame");
    state.fn->getArg(1)->setName("sent.tag");
    state.fn->getArg(2)->setName("sent.payload");
    state.fn->getArg(3)->setName("mode");
    state.self = b.CreateLoad(p, b.CreateStructGEP(coroTy, state.frame, 7), "self");
  } else {
    state.self = state.fn->getArg(0);
    state.self->setName("self");
    if (byValue) {
      auto *arrTy = llvm::ArrayType::get(abi->valueType(), params.size());
      state.args = entryAlloca(arrTy, "args", false);
      for (size_t i = 0; i < params.size(); ++i)
        b.CreateStore(makeValue(state.fn->getArg(1 + 2 * i), state.fn->getArg(2 + 2 * i)),
                      b.CreateConstInBoundsGEP2_64(arrTy, state.args, 0, i));
    } else {
      state.args = state.fn->getArg(1);
      state.args->setName("args");
    }
  }
  state.errorExit = llvm::BasicBlock::Create(ctx, "error.exit", state.fn);
  state.returnBlock = llvm::BasicBlock::Create(ctx, "return", state.fn);
  // The return value crosses a suspension only when a finally body or a
  // with's __exit__ runs (and may await) between `return` and the exit.
  state.retval = entryAlloca(abi->valueType(), "retval", body && hasCleanupBlocks(*body));
  emitPrologue(*this, scope, params.size());

  llvm::BasicBlock *start = newBlock("start");
  if (resumable) {
    llvm::BasicBlock *finished = newBlock("finished");
    Value *stateIdx = b.CreateLoad(i64, b.CreateStructGEP(coroTy, state.frame, 2), "state");
    // A frame that has not started and is thrown into (a task cancelled
    // before its first step) raises at once, before any of its body runs.
    llvm::BasicBlock *fresh = newBlock("fresh");
    state.stateSwitch = b.CreateSwitch(stateIdx, finished);
    state.stateSwitch->addCase(b.getInt64(0), fresh);
    state.freshBlock = fresh;
    setBlock(fresh);
    llvm::BasicBlock *thrownAtStart = newBlock("thrown.at.start");
    b.CreateCondBr(b.CreateICmpEQ(state.fn->getArg(3), b.getInt64(WRESUME_THROW)), thrownAtStart, start);
    setBlock(thrownAtStart);
    callRT("wrt_err_restore", {makeValue(state.fn->getArg(1), state.fn->getArg(2))});
    b.CreateBr(state.errorExit);
    // Resuming a finished frame is refused by the runtime before it calls
    // resume; if it happens anyway, report exhaustion rather than run on.
    setBlock(finished);
    b.CreateRet(unboundValue());
  } else {
    b.CreateBr(start);
  }
  setBlock(start);
  emitCellCreation(*this, scope, params.size());

  if (body)
    emitBody(*body);
  else
    emitReturn(emitExpr(lambdaBody));
  if (blockOpen())
    emitReturn(noneValue());

  setBlock(state.returnBlock);
  if (resumable)
    b.CreateStore(b.getInt64(-1), b.CreateStructGEP(coroTy, state.frame, 2));
  b.CreateRet(b.CreateLoad(abi->valueType(), state.retval));
  setBlock(state.errorExit);
  if (resumable)
    b.CreateStore(b.getInt64(-1), b.CreateStructGEP(coroTy, state.frame, 2));
  b.CreateRet(constValue(WT_ERR, 0));

  llvm::Function *fn = state.fn;
  if (resumable) {
    finishFrame(symbol, params.size());
    fn = emitFrameCreator(symbol, params.size());
  }
  fs = saved;
  b.restoreIP(savedIP);
  return fn;
}

/// The docstring of a def or class body: its first statement, when that is
/// a string literal.
static const std::string *docstringOf(const StmtList *body) {
  if (!body || body->empty() || (*body)[0]->kind != StmtKind::Expr)
    return nullptr;
  Expr *e = static_cast<ExprStmt *>((*body)[0])->value;
  return e->kind == ExprKind::Str ? &static_cast<StrExpr *>(e)->value : nullptr;
}

Value *Codegen::emitFunctionObject(Scope *scope, const std::string &name, std::vector<Param> &params,
                                   const StmtList *body, Expr *lambdaBody, int flags, SourceRange range) {
  llvm::Value *null = llvm::ConstantPointerNull::get(abi->ptr());
  // Defaults are evaluated now, in the defining scope.
  Value *defaults = null;
  bool anyDefault = false;
  for (Param &p : params)
    anyDefault |= p.defaultValue != nullptr;
  if (anyDefault) {
    auto *arrTy = llvm::ArrayType::get(abi->valueType(), params.size());
    defaults = entryAlloca(arrTy, "defaults", false);
    for (size_t i = 0; i < params.size(); ++i) {
      Value *v = params[i].defaultValue ? emitExpr(params[i].defaultValue) : unboundValue();
      b.CreateStore(v, b.CreateConstInBoundsGEP2_64(arrTy, defaults, 0, i));
    }
  }
  std::string symbol = "weft." + (scope ? scope->qualname : name);
  if (llvm::Function *f = mod->getFunction(symbol); f && !f->isDeclaration())
    symbol += "." + std::to_string(++symbolCounter);
  bool resumable = flags & (WFUNC_GENERATOR | WFUNC_COROUTINE | WFUNC_ASYNC_GENERATOR);
  llvm::Function *code = !resumable && scope && body ? emitVersionedBody(scope, symbol, params, body) : nullptr;
  if (!code)
    code = emitFunctionBody(scope, symbol, params, body, lambdaBody, resumable);
  Value *info = funcInfo(scope, name, params, flags, range, symbol);

  Value *cells = null;
  size_t ncells = scope ? scope->freeSlots.size() : 0;
  if (ncells) {
    auto *arrTy = llvm::ArrayType::get(abi->ptr(), ncells);
    cells = entryAlloca(arrTy, "closure", false);
    for (size_t i = 0; i < ncells; ++i) {
      const std::string &n = scope->freeSlots[i];
      int own = fs->scope->cellIndex(n);
      Value *src = own >= 0 ? fs->cells[own] : fs->frees[fs->scope->freeIndex(n)];
      b.CreateStore(b.CreateLoad(abi->ptr(), src), b.CreateConstInBoundsGEP2_64(arrTy, cells, 0, i));
    }
  }
  Value *fn = check(callRT("wrt_func_new", {code, info, defaults, cells, b.getInt64(ncells)}, name));
  if (const std::string *doc = docstringOf(body))
    check(callRT("wrt_setattr", {fn, internedName("__doc__"), strConst(*doc)}));
  return fn;
}

void Codegen::emitClass(ClassDefStmt *c) {
  std::vector<Value *> decoSlots;
  for (Expr *d : c->decorators) {
    Value *slot = valueSlot("class.decorator");
    b.CreateStore(emitExpr(d), slot);
    decoSlots.push_back(slot);
  }
  Value *base = c->bases.empty() ? unboundValue() : emitExpr(c->bases[0]);
  Value *cls = check(callRT("wrt_class_new", {cString(c->name), base, cString(c->scope->qualname)}, c->name));
  // The class body's implicit `__module__ = __name__`: tracebacks and reprs
  // name an imported module's classes `mod.Class` (asyncio.queues.QueueEmpty).
  if (ast.name != "__main__")
    check(callRT("wrt_setattr", {cls, internedName("__module__"), strConst(ast.name)}));
  // __doc__ is the class's own: None, not a base's, when it has none.
  const std::string *doc = docstringOf(&c->body);
  check(callRT("wrt_setattr", {cls, internedName("__doc__"), doc ? strConst(*doc) : noneValue()}));
  Value *slot = valueSlot("class");
  b.CreateStore(cls, slot);
  fs->classStack.push_back(slot);
  emitBody(c->body);
  fs->classStack.pop_back();
  Value *result = b.CreateLoad(abi->valueType(), slot);
  // Python calls the base's __init_subclass__ once the body has run (PEP 487).
  check(callRT("wrt_class_done", {result}));
  for (auto it = decoSlots.rbegin(); it != decoSlots.rend(); ++it) {
    Value *argv = argArray(1);
    b.CreateStore(result, argv);
    result = check(callRT("wrt_call", {b.CreateLoad(abi->valueType(), *it), b.getInt64(1), argv}));
  }
  storeName(c->target, result);
}

/// The names of the module's globals, in slot order, as a constant array.
static llvm::GlobalVariable *globalNames(Codegen &cg) {
  if (llvm::GlobalVariable *gv = cg.mod->getNamedGlobal("weft.global.names"))
    return gv;
  std::vector<llvm::Constant *> names;
  for (const std::string &n : cg.ast.scope->globalSlots)
    names.push_back(llvm::cast<llvm::Constant>(cg.cString(n)));
  auto *arrTy = llvm::ArrayType::get(cg.abi->ptr(), names.size());
  return new llvm::GlobalVariable(*cg.mod, arrTy, true, llvm::GlobalValue::PrivateLinkage,
                                  llvm::ConstantArray::get(arrTy, names), "weft.global.names");
}

/// An imported module hands its bound globals to the runtime as a module
/// object (wrt_module_export reads its globals block; a REPL input's
/// wrt_repl_export, a snapshot of its boxes).
static Value *emitModuleExport(Codegen &cg) {
  Value *globals = cg.b.CreateLoad(cg.abi->ptr(), cg.globalsBlock);
  Value *n = cg.b.getInt64(cg.ast.scope->globalSlots.size());
  return cg.callRT(cg.opts.replCell ? "wrt_repl_export" : "wrt_module_export",
                   {cg.cString(cg.ast.name), n, globalNames(cg), globals});
}

std::unique_ptr<llvm::Module> Codegen::run() {
  globalsBlock = new llvm::GlobalVariable(*mod, abi->ptr(), false, llvm::GlobalValue::InternalLinkage,
                                          llvm::ConstantPointerNull::get(abi->ptr()), "weft.globals");
  for (Stmt *st : ast.body) {
    auto *f = dynamic_cast<FunctionDefStmt *>(st);
    // In the REPL a later input may rebind any name: no call is direct.
    if (opts.replCell || !f || f->isGenerator || !f->decorators.empty() || ast.scope->globalStores[f->name] != 1)
      continue;
    bool plain = true;
    for (Param &p : f->params)
      plain &= p.kind == ParamKind::Positional || p.kind == ParamKind::PositionalOnly;
    if (plain)
      (f->isAsync ? directCoroutines : directFunctions)[f->name] = f;
  }
  inferTypedFunctions();
  FunctionState state;
  fs = &state;
  state.scope = ast.scope;
  state.fn = llvm::Function::Create(llvm::FunctionType::get(abi->valueType(), {}, false),
                                    llvm::GlobalValue::ExternalLinkage, moduleInitSymbol(ast.name), *mod);
  state.entry = llvm::BasicBlock::Create(ctx, "entry", state.fn);
  setBlock(state.entry);
  state.errorExit = llvm::BasicBlock::Create(ctx, "error.exit", state.fn);
  state.returnBlock = llvm::BasicBlock::Create(ctx, "return", state.fn);
  state.retval = entryAlloca(abi->valueType(), "retval");
  Value *roots = opts.replCell
                     ? callRT("wrt_repl_globals", {b.getInt64(ast.scope->globalSlots.size()), globalNames(*this)})
                     : callRT("wrt_alloc_roots", {b.getInt64(std::max<size_t>(1, ast.scope->globalSlots.size()))});
  b.CreateStore(roots, globalsBlock);
  emitPrologue(*this, ast.scope, 0);
  emitCellCreation(*this, ast.scope, 0);
  emitBody(ast.body);
  if (blockOpen()) {
    if (opts.exportModule)
      emitReturn(check(emitModuleExport(*this)));
    else
      emitReturn(noneValue());
  }
  setBlock(state.returnBlock);
  b.CreateRet(b.CreateLoad(abi->valueType(), state.retval));
  setBlock(state.errorExit);
  b.CreateRet(constValue(WT_ERR, 0));
  fs = nullptr;
  completeStackFrames();

  if (opts.emitMain) {
    auto *i32 = b.getInt32Ty();
    auto *mainFn = llvm::Function::Create(llvm::FunctionType::get(i32, {i32, abi->ptr()}, false),
                                          llvm::GlobalValue::ExternalLinkage, "main", *mod);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", mainFn));
    for (const std::string &name : opts.registerModules) {
      llvm::FunctionCallee init = mod->getOrInsertFunction(moduleInitSymbol(name),
                                                           llvm::FunctionType::get(abi->valueType(), {}, false));
      abi->call(b, "wrt_register_module", {cString(name), init.getCallee()});
    }
    Value *status = abi->call(b, "wrt_main", {b.CreateSExt(mainFn->getArg(0), b.getInt64Ty()), mainFn->getArg(1), state.fn});
    b.CreateRet(b.CreateTrunc(status, i32));
  }
  return std::move(mod);
}

} // namespace weft
