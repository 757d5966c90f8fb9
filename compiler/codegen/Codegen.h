// Codegen.h: translation of a resolved AST into LLVM IR. Every value is a
// WValue ({i64 tag, i64 payload}); runtime calls that can fail return WT_ERR
// and the code branches to the innermost handler (docs/design.md,
// "Exceptions: error returns"). The translation is split by node family:
// CodegenModule.cpp (modules, functions, classes), CodegenStmt.cpp
// (statements and control flow), CodegenExpr.cpp (expressions),
// CodegenCall.cpp (calls), CodegenName.cpp (names, constants, checks).
// Sema has decided everything; codegen only translates.
#ifndef WEFT_CODEGEN_CODEGEN_H
#define WEFT_CODEGEN_CODEGEN_H

#include "ast/AST.h"
#include "base/Source.h"
#include "codegen/AwaitLiveness.h"
#include "codegen/RuntimeABI.h"
#include "codegen/ScalarKinds.h"
#include "sema/Scope.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace weft {

struct CodegenOptions {
  bool emitMain = true;       ///< emit `int main()` calling wrt_main (AOT builds)
  bool exportModule = false;  ///< the init function returns the module object (imported modules)
  /// A REPL input: its globals are the session's shared boxes
  /// (wrt_repl_globals), so every input sees one namespace and calls
  /// through globals are late-bound.
  bool replCell = false;
  /// With replCell: the earlier input whose `from M import ...` the REPL
  /// adds for the type checker only; codegen emits nothing for it.
  std::string replNamesFrom;
  /// Compiled modules that main() registers with the runtime before running.
  std::vector<std::string> registerModules;
};

/// The symbol of module [name]'s init function.
std::string moduleInitSymbol(const std::string &name);

/// Builds the LLVM module for [m] (its init function is "weft.module.init").
std::unique_ptr<llvm::Module> generateModule(Module &m, const SourceManager &sm,
                                             llvm::LLVMContext &ctx, const CodegenOptions &opts);

/// Something a jump out of a statement must run on its way: a finally body,
/// a with statement's __exit__, or the restoring of the handled exception.
struct Cleanup {
  enum Kind { Finally, With, RestoreHandled } kind;
  TryStmt *tryStmt = nullptr;        ///< Finally
  llvm::Value *manager = nullptr;    ///< With: alloca holding the context manager
  bool isAsync = false;              ///< With: async with
  llvm::Value *prevHandled = nullptr;///< RestoreHandled: alloca of the previous handled exception
  size_t excDepth = 0;               ///< size of the exception-target stack when pushed
};

struct LoopTarget {
  llvm::BasicBlock *breakBlock, *continueBlock;
  size_t cleanupDepth;
  llvm::Value *iterator; ///< alloca of a for loop's iterator (closed on break), or null
};

/// State of the function being emitted.
struct FunctionState {
  llvm::Function *fn = nullptr;
  Scope *scope = nullptr;
  llvm::Value *self = nullptr;       ///< WFunc* of the running function
  llvm::Value *args = nullptr;       ///< WValue* of bound arguments
  std::vector<llvm::Value *> locals; ///< allocas of WValue
  std::vector<llvm::Value *> cells;  ///< allocas of WCell*
  std::vector<llvm::Value *> frees;  ///< allocas of WCell* (loaded from self)
  std::vector<Cleanup> cleanups;
  std::vector<llvm::BasicBlock *> excTargets;
  std::vector<LoopTarget> loops;
  std::vector<llvm::Value *> classStack; ///< allocas of classes being built
  llvm::BasicBlock *errorExit = nullptr;
  llvm::BasicBlock *returnBlock = nullptr;
  llvm::Value *retval = nullptr;
  llvm::BasicBlock *entry = nullptr;
  // Generators and coroutines (the state machine).
  bool resumable = false;
  llvm::Value *frame = nullptr;      ///< WCoro* while resuming
  llvm::Value *resumeValue = nullptr;///< alloca: the value sent in
  llvm::Value *resumeMode = nullptr; ///< alloca: send or throw
  llvm::SwitchInst *stateSwitch = nullptr;
  llvm::StructType *frameType = nullptr;
  int nextState = 1;
  std::vector<llvm::AllocaInst *> frameSlots; ///< candidate frame slots, in creation order
  std::vector<unsigned> paramFields;          ///< frame field of each parameter (0: none)
  std::vector<SuspendEdge> suspensions;       ///< each suspension and where it resumes
  llvm::BasicBlock *freshBlock = nullptr;     ///< where the first step starts
  /// Locals proven to hold one scalar kind: stored with a constant tag.
  ScalarKinds scalars;
};

class Codegen {
public:
  Codegen(Module &m, const SourceManager &sm, llvm::LLVMContext &ctx, const CodegenOptions &opts);
  std::unique_ptr<llvm::Module> run();

  // ---- values (CodegenName.cpp)
  llvm::Value *constValue(uint64_t tag, uint64_t payload);
  llvm::Value *noneValue() { return constValue(1, 0); }
  llvm::Value *unboundValue() { return constValue(0, 0); }
  llvm::Value *boolValue(llvm::Value *i1);
  llvm::Value *makeValue(llvm::Value *tag, llvm::Value *payload);
  /// [v] with its tag replaced by the constant [tag] (a proven kind).
  llvm::Value *withTag(llvm::Value *v, uint64_t tag);
  llvm::Value *tagOf(llvm::Value *v);
  llvm::Value *payloadOf(llvm::Value *v);
  llvm::Value *strConst(const std::string &s);
  llvm::Value *bytesConst(const std::string &s);
  llvm::Value *internedName(const std::string &s);
  /// A fresh zeroed WCacheSite for one attribute or method site.
  llvm::Value *cacheSite(const std::string &attr);
  llvm::Value *cString(const std::string &s);
  /// Branches to the current exception target when [v] is WT_ERR.
  llvm::Value *check(llvm::Value *v);
  /// Same for an i64 status where -1 means an exception is pending.
  llvm::Value *checkStatus(llvm::Value *status);
  llvm::BasicBlock *excTarget();
  llvm::Value *truthy(llvm::Value *v); ///< i1, checked
  llvm::Value *entryAlloca(llvm::Type *t, const llvm::Twine &name = "", bool liveAcrossSuspension = true);
  llvm::Value *valueSlot(const llvm::Twine &name = "");
  llvm::Value *argArray(size_t n);
  llvm::BasicBlock *newBlock(const llvm::Twine &name);
  /// [fast] when [takeSlow] is false; otherwise what [slow] emits in a block
  /// of its own (named [name], weighted as rare when [rare]). Returns the merge.
  llvm::Value *unlessSlow(llvm::Value *takeSlow, llvm::Value *fast, const std::function<llvm::Value *()> &slow,
                          const llvm::Twine &name, bool rare = true);
  void setBlock(llvm::BasicBlock *bb);
  bool blockOpen() const;
  llvm::Value *callRT(const std::string &name, llvm::ArrayRef<llvm::Value *> args, const llvm::Twine &label = "");

  llvm::Value *loadName(NameExpr *n);
  void storeName(NameExpr *n, llvm::Value *v);
  void deleteName(NameExpr *n);
  llvm::Value *globalSlotPtr(int slot);
  llvm::Value *cellPtr(NameExpr *n);

  // ---- expressions (CodegenExpr.cpp)
  llvm::Value *emitExpr(Expr *e);
  llvm::Value *emitBinary(BinaryOp op, llvm::Value *l, llvm::Value *r, bool inplace);
  llvm::Value *emitCompareOp(CompareOp op, llvm::Value *l, llvm::Value *r);
  llvm::Value *emitFString(FStringExpr *f);
  llvm::Value *emitComprehension(ComprehensionExpr *c);
  llvm::Value *emitSequence(SequenceExpr *s);
  llvm::Value *emitDict(DictExpr *d);
  llvm::Value *emitSlice(SliceExpr *s);
  llvm::Value *emitAwait(llvm::Value *awaitable);
  llvm::Value *emitDelegation(llvm::Value *awaitable, const char *stepFn);
  /// The loop that steps frame->awaiting with [stepFn] until it finishes,
  /// suspending this frame whenever it suspends; entered at the suspension
  /// when [firstStepDone]. Returns the result, not yet checked for ERR.
  llvm::Value *emitStepLoop(const char *stepFn, bool firstStepDone);
  llvm::Value *emitYield(llvm::Value *v);

  // ---- calls (CodegenCall.cpp)
  llvm::Value *emitCall(CallExpr *c);
  llvm::Value *packArgs(const std::vector<Expr *> &args, size_t &count);
  /// Evaluates [exprs] left to right into a fresh argument array.
  llvm::Value *evalArgs(const std::vector<Expr *> &exprs, bool laterSuspends);
  /// The function in [name]'s global slot, for a direct call of a name no
  /// builtin has: an unbound slot (the def has not run) raises NameError
  /// before any argument is evaluated, as CPython's LOAD_GLOBAL does.
  /// Continues in the block "[prefix].direct".
  llvm::Value *loadDirectCallee(NameExpr *name, const std::string &prefix);
  /// The internal function [symbol], declared with [fty] if not yet emitted.
  llvm::Function *internalFunction(const std::string &symbol, llvm::FunctionType *fty);
  /// A new internal function [symbol] to emit the body of, reusing the
  /// declaration a direct call made before the definition.
  llvm::Function *functionToDefine(const std::string &symbol, llvm::FunctionType *fty);

  // ---- statements (CodegenStmt.cpp)
  void emitBody(const StmtList &body);
  void emitStmt(Stmt *s);
  void emitAssign(Expr *target, llvm::Value *v);
  void emitTry(TryStmt *t);
  void emitWith(WithStmt *w, size_t item);
  void emitFor(ForStmt *f);
  void emitWhile(WhileStmt *w);
  void emitReturn(llvm::Value *v);
  /// Runs the cleanups above [depth] (innermost first) and branches to [target].
  void jumpThroughCleanups(size_t depth, llvm::BasicBlock *target);
  void runCleanupNormally(const Cleanup &c);

  // ---- functions and classes (CodegenModule.cpp)
  llvm::Value *emitFunctionObject(Scope *scope, const std::string &name, std::vector<Param> &params,
                                  const StmtList *body, Expr *lambdaBody, int flags, SourceRange range);
  void emitClass(ClassDefStmt *c);
  /// [paramSeeds]: the kind each parameter is known to have on entry (see
  /// emitVersionedBody); empty when the body must accept anything.
  llvm::Function *emitFunctionBody(Scope *scope, const std::string &symbol, std::vector<Param> &params,
                                   const StmtList *body, Expr *lambdaBody, bool resumable,
                                   const std::vector<ScalarKind> &paramSeeds = {});
  /// For a function with `int`, `float` or `bool` parameters: a body that
  /// assumes them, one that does not, and an entry that picks by tag.
  /// Null when versioning would prove nothing more.
  llvm::Function *emitVersionedBody(Scope *scope, const std::string &symbol, std::vector<Param> &params,
                                    const StmtList *body);
  /// The kinds a versioned entry checks its parameters for; empty when the
  /// function is not versioned.
  std::vector<ScalarKind> versionSeeds(Scope *scope, std::vector<Param> &params, const StmtList &body);
  /// Solves what each versioned module-level function returns from its
  /// typed body, across calls between them (recursion included).
  void inferTypedFunctions();
  /// CallKindFn over typedFunctions.
  ScalarKind directCallKind(CallExpr *call, const std::vector<ScalarKind> &argKinds) const;
  /// inferScalarKinds for a body of this module, with its direct calls known.
  ScalarKinds analyseScalars(Scope *scope, size_t nparams, const StmtList *body, Expr *lambdaBody,
                             const std::vector<ScalarKind> &seeds);
  llvm::Value *funcInfo(Scope *scope, const std::string &name, std::vector<Param> &params, int flags,
                        SourceRange range, const std::string &symbol);

  // ---- generators and coroutines (CodegenResume.cpp)
  /// Turns the resume function's slots that are live across a suspension
  /// into fields of its frame type (AwaitLiveness); the others stay allocas.
  void finishFrame(const std::string &symbol, size_t nparams);
  /// Emits the function that allocates the frame and stores the arguments,
  /// and [symbol].init, which sets up a frame in place (direct awaits).
  llvm::Function *emitFrameCreator(const std::string &symbol, size_t nparams);

  // ---- direct awaits of known coroutines (CodegenDirectAwait.cpp)
  /// The coroutine function `await c` calls, when its first step can run in
  /// a frame on this stack; null otherwise.
  FunctionDefStmt *directAwaitTarget(Expr *awaited);
  /// `await f(args)` with f in directCoroutines.
  llvm::Value *emitDirectAwait(CallExpr *c, FunctionDefStmt *def);
  /// Gives each stack frame of a direct await its callee's frame type and
  /// size, once every frame type is known.
  void completeStackFrames();
  /// The rest of an await whose first step returned [first]: on WT_SUSPEND
  /// (block [suspendedName]) [onSuspend] runs and the generic step loop
  /// follows; otherwise [onReturn] runs. Returns the checked result.
  llvm::Value *afterFirstStep(llvm::Value *first, const char *suspendedName, llvm::function_ref<void()> onReturn,
                              llvm::function_ref<void()> onSuspend);
  /// Whether this function is a coroutine, whose awaits may run a callee's
  /// first step on its stack.
  bool awaitsFromCoroutine() const;
  /// `await self.method(*argv[0..argc))` through wrt_await_method_ic (in a
  /// coroutine only); also `async with`'s __aenter__ and __aexit__.
  llvm::Value *emitAwaitMethod(llvm::Value *self, const std::string &method, size_t argc, llvm::Value *argv);
  /// `await obj.m(args)` in a coroutine, positional arguments only: the
  /// method call, or null when the await takes the generic path.
  CallExpr *methodAwaitTarget(Expr *awaited);
  /// Such an await through wrt_await_method_ic, which runs a cached compiled
  /// `async def` in a buffer on this stack until it suspends.
  llvm::Value *emitMethodAwait(CallExpr *c);

  // ---- state
  Module &ast;
  const SourceManager &sm;
  llvm::LLVMContext &ctx;
  CodegenOptions opts;
  std::unique_ptr<llvm::Module> mod;
  std::unique_ptr<RuntimeABI> abi;
  llvm::IRBuilder<> b;
  FunctionState *fs = nullptr;
  llvm::GlobalVariable *globalsBlock = nullptr; ///< ptr to the module's WValue[] roots
  std::map<std::string, llvm::GlobalVariable *> strCache, nameCache, builtinCache;
  /// Module-level functions defined once by a plain def: calls with
  /// matching positional arguments go straight to their code.
  std::map<std::string, FunctionDefStmt *> directFunctions;
  /// The same for `async def`s: `await f(args)` runs f's first step in a
  /// frame on the awaiter's stack.
  std::map<std::string, FunctionDefStmt *> directCoroutines;
  /// Frame type of each resumable function, by symbol.
  std::map<std::string, llvm::StructType *> frameTypes;
  /// A direct await's stack frame and the calls that need its size, typed
  /// when the callee's frame is laid out (completeStackFrames).
  struct StackFrameUse {
    llvm::AllocaInst *frame;
    llvm::CallInst *toHeap; ///< wrt_coro_to_heap: operand 1 is the frame size
    std::string symbol;
  };
  std::vector<StackFrameUse> stackFrames;
  /// Direct functions that cannot be builtin namesakes: the kinds a
  /// versioned entry checks (all Unknown when it is not versioned), and the
  /// kind its typed (or only) body always returns (Unknown: not proven).
  struct TypedSignature {
    FunctionDefStmt *def = nullptr;
    std::vector<ScalarKind> seeds;
    ScalarKind returns = ScalarKind::Bottom;
  };
  std::map<std::string, TypedSignature> typedFunctions;
  llvm::StructType *funcInfoTy = nullptr;
  llvm::StructType *funcTy = nullptr;
  llvm::StructType *coroTy = nullptr;
  int symbolCounter = 0;
};

/// True when evaluating [e] may suspend (await, yield) in this function.
bool containsSuspend(Expr *e);

/// Keeps [v] alive across a later suspension: in a resumable function the
/// value goes through a slot (a frame field); elsewhere it stays in SSA.
struct Spill {
  Codegen &cg;
  llvm::Value *slot = nullptr;
  llvm::Value *value = nullptr;
  Spill(Codegen &cg, llvm::Value *v, bool needed) : cg(cg) {
    if (needed && cg.fs->resumable) {
      slot = cg.valueSlot("spill");
      cg.b.CreateStore(v, slot);
    } else {
      value = v;
    }
  }
  llvm::Value *get() { return slot ? cg.b.CreateLoad(cg.abi->valueType(), slot) : value; }
};

} // namespace weft

#endif
