// TypeCheckerImpl.h: the state the type checker's files share (internal to
// sema/). TypeChecker.cpp walks statements, functions and classes;
// ExprTyping.cpp types expressions and calls; BuiltinTyping.cpp knows the
// builtins, the methods of builtin types and the asyncio API;
// Annotations.cpp reads annotations; Narrowing.cpp turns conditions into
// flow facts. Function bodies are checked once reporting errors, and again in
// silence whenever a return type must be inferred for new argument types.
#ifndef WEFT_SEMA_TYPECHECKERIMPL_H
#define WEFT_SEMA_TYPECHECKERIMPL_H

#include "ast/AST.h"
#include "diag/Diagnostics.h"
#include "sema/Cast.h"
#include "sema/Type.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace weft {

/// A variable's declared type. [strictOptional]: its None came from an
/// annotation or an Optional-returning call, so using it unnarrowed is reported.
struct VarInfo {
  const Type *type = nullptr;
  bool strictOptional = false;
  /// Its element types were inferred from first use (`x = []; x.append(1)`):
  /// a later store of another type makes them object instead of an error.
  bool refined = false;
};

/// The variables of one scope: the module, a function (one per body check) or a class body.
struct Env {
  Env *parent = nullptr; ///< enclosing function or module (class bodies are skipped, as in Python)
  bool isModule = false;
  bool isClass = false;
  std::map<std::string, VarInfo> vars;
  std::set<std::string> globals, nonlocals;
};

/// Narrowed types by access path ("x", "self.conn"), valid at one program point.
using Flow = std::map<std::string, const Type *>;

/// One body being checked.
struct Frame {
  Env *env = nullptr;
  FuncInfo *func = nullptr;
  ClassInfo *cls = nullptr; ///< the class of a method, for super()
  bool isAsync = false;
  Flow flow;
  std::vector<const Type *> returns;
};

/// Facts a condition establishes when it is true and when it is false.
struct Narrowing {
  Flow whenTrue, whenFalse;
};

class Checker {
public:
  Checker(Module &m, DiagnosticEngine &diags) : mod(m), diags(diags) {}
  bool run();

  // ---- TypeChecker.cpp
  void declareModule(StmtList &body);
  void checkBlock(StmtList &body);
  void checkStmt(Stmt *s);
  void checkAssign(AssignStmt *s);
  void checkFor(ForStmt *s);
  void checkWith(WithStmt *s);
  void checkTry(TryStmt *s);
  void checkIf(IfStmt *s);
  void checkWhile(WhileStmt *s);
  void checkReturn(ReturnStmt *s);
  void defineFunction(FunctionDefStmt *d, ClassInfo *owner);
  ClassInfo *defineClass(ClassDefStmt *d);
  void collectFields(ClassInfo *c);
  void checkMissingReturn(FuncInfo *f, const std::vector<const Type *> &returns);
  /// Checks [f]'s body with [args] (null: the declared or unknown parameter
  /// types) and returns the inferred return type.
  const Type *checkBody(FuncInfo *f, const std::vector<const Type *> *args, bool report);
  void assignTarget(Expr *target, const Type *v, bool rebind, Expr *valueExpr = nullptr);
  void assignName(NameExpr *n, const Type *v, bool rebind, Expr *valueExpr);
  void assignField(ClassInfo *c, const std::string &name, const Type *v, SourceRange r);
  VarInfo *lookupVar(const std::string &name, bool *isLocal = nullptr);
  Env *envForStore(const std::string &name);
  void forgetAssigned(StmtList &body);
  void forgetPath(const std::string &key);

  // ---- ExprTyping.cpp
  const Type *typeOf(Expr *e);
  const Type *typeOfName(NameExpr *n);
  const Type *typeOfAttribute(AttributeExpr *a);
  const Type *typeOfSubscript(SubscriptExpr *s);
  const Type *typeOfBinOp(BinOpExpr *b);
  const Type *binOpResult(BinaryOp op, const Type *l, const Type *r, bool &ok);
  const Type *typeOfCall(CallExpr *c);
  const Type *typeOfCallInner(CallExpr *c);
  const Type *typeOfComprehension(ComprehensionExpr *c);
  const Type *typeOfAwait(AwaitExpr *a);
  /// Checks a call of [f] (a bound method when [self] is set) and returns its result type.
  const Type *callFunction(FuncInfo *f, const Type *self, CallExpr *c, const std::vector<const Type *> &args,
                           const std::string &displayName);
  /// Reports CPython's TypeErrors for a call that cannot bind, and argument
  /// types that contradict annotations. Fills [paramTypes] (one per parameter).
  bool checkArity(FuncInfo *f, bool bound, CallExpr *c, const std::vector<const Type *> &args,
                  const std::string &displayName, std::vector<const Type *> &paramTypes);
  /// Calls the callable [fn] with the arguments of [c] from [first] on (call_soon, to_thread, ...).
  const Type *callForwarded(const Type *fn, CallExpr *c, const std::vector<const Type *> &args, size_t first,
                            bool keywords);
  const Type *callValue(const Type *callee, CallExpr *c, const std::vector<const Type *> &args);
  bool isAwaitable(const Type *t);
  void checkCoroutineAttribute(const Type *t, const std::string &attr, SourceRange r);
  void checkOrdering(CompareOp op, const Type *l, const Type *r, SourceRange range);
  void reportMissingAttribute(const Type *t, const std::string &attr, SourceRange r);
  void updateHolder(Expr *holder, const Type *oldT, const Type *newT);
  /// The refined flag of the variable or field [holder] names (null when it names neither).
  bool *refinedFlag(Expr *holder);
  std::map<std::pair<ClassInfo *, std::string>, bool> refinedFields;
  const Type *construct(ClassInfo *cls, CallExpr *c, const std::vector<const Type *> &args);
  const Type *attributeOf(const Type *t, const std::string &attr, AttributeExpr *a);
  const Type *instanceAttribute(ClassInfo *c, const Type *self, const std::string &attr, bool viaSuper);
  const Type *iterElement(const Type *t);
  const Type *awaitResult(const Type *t);
  std::string callName(FuncInfo *f);

  // ---- BuiltinTyping.cpp
  const Type *builtinName(const std::string &name);
  const Type *callBuiltin(const std::string &name, CallExpr *c, const std::vector<const Type *> &args);
  const Type *builtinMethod(const Type *recv, const std::string &name, CallExpr *c,
                            const std::vector<const Type *> &args, Expr *recvExpr);
  const Type *moduleAttribute(const std::string &module, const std::string &attr);
  const Type *namedMethod(const Type *recv, const std::string &name, CallExpr *c,
                          const std::vector<const Type *> &args);
  void checkAsyncioArgument(const std::string &f, CallExpr *c, const std::vector<const Type *> &args);

  // ---- ProcessPoolCheck.cpp
  /// A call that sends work to a ProcessPoolExecutor: the callable at
  /// c->args[fnIndex], then its arguments (for map, iterables of them:
  /// containers are checked through their elements).
  /// Reports what cannot reach a worker process: a lambda, a nested
  /// function or closure, a bound method, and values that cannot be
  /// serialised (tasks, futures, locks, queues, generators, files, ...).
  void checkProcessPoolCall(CallExpr *c, const std::vector<const Type *> &args, size_t fnIndex);
  /// What [t] is, if a value of that type cannot cross to another process ("" if it can).
  std::string unserialisable(const Type *t, int depth = 0);
  const Type *gatherType(CallExpr *c, const std::vector<const Type *> &args);
  /// Refines or checks a container's element type after a store into it.
  /// The type of keyword argument [name] of [c] (typed silently: typeOfCall reported on it).
  const Type *keywordType(CallExpr *c, const std::string &name);
  void storeElement(Expr *containerExpr, const Type *container, int slot, const Type *v, Expr *valueExpr,
                    const std::string &what);

  // ---- Annotations.cpp
  const Type *annotationType(Expr *e);
  const Type *annotationFromString(const std::string &text);
  const Type *typeFromName(const std::string &name, const std::vector<const Type *> &args);
  /// The type an isinstance() class argument stands for (Unknown when not modelled).
  const Type *isinstanceTarget(Expr *e);

  // ---- Narrowing.cpp
  Narrowing narrow(Expr *cond);
  std::string pathKey(Expr *e);
  void applyFlow(const Flow &facts);
  Flow mergeFlows(const Flow &a, const Flow &b);

  // ---- reporting
  void error(SourceRange r, const std::string &msg);
  std::string show(const Type *t) { return "'" + tc.str(t) + "'"; }

  TypeContext tc;
  Module &mod;
  DiagnosticEngine &diags;
  int silent = 0;
  bool reported = false;
  Frame *frame = nullptr;
  Env *moduleEnv = nullptr;
  std::vector<std::unique_ptr<Env>> envs;
  std::map<FunctionDefStmt *, FuncInfo *> funcs;
  std::map<ClassDefStmt *, ClassInfo *> classes;
  std::map<std::string, ClassInfo *> classesByName;
  /// Attribute names stored on some object outside a class's own methods:
  /// their loads are never reported missing (Python lets code add attributes).
  std::set<std::string> storedAttrs;
  bool usesSetattr = false;
  int instantiations = 0;
  int nestedInstantiations = 0;
  int silentKeywords = 0;
  std::vector<FuncInfo *> pendingBodies; ///< nested defs to check after their parent
  /// File method calls already reported as blocking: a body is checked once
  /// per call signature (silently after the first), and a parameter is only
  /// known to be a file in the instantiation that passes one.
  std::set<const CallExpr *> reportedFileCalls;
  /// Process pool calls already checked (a call can be typed twice).
  std::set<const CallExpr *> checkedProcessPoolCalls;

  Env *newEnv(Env *parent) {
    envs.push_back(std::make_unique<Env>());
    envs.back()->parent = parent;
    return envs.back().get();
  }
};

/// True when [body] cannot complete normally (ends in return, raise, break or continue).
bool terminates(const StmtList &body);

} // namespace weft

#endif
