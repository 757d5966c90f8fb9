// AST.h: the abstract syntax tree of a Weft module. The parser
// (compiler/parse/ParseTreeToAST.cpp) builds it from ANTLR's parse tree; name
// resolution (sema/NameResolver) fills in the binding fields; the type checker
// keeps its results in side tables; codegen translates it. Nodes carry a kind
// (LLVM-style classof, so llvm::isa/dyn_cast work) and a source range.
// Nodes are owned by the ASTContext that created them and are never freed one
// by one, so deep trees are released without recursion.
#ifndef WEFT_AST_AST_H
#define WEFT_AST_AST_H

#include "base/Source.h"

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace weft {

struct Scope;

// ---------------------------------------------------------------- expressions

enum class ExprKind {
  Name, Int, Float, Str, Bytes, Bool, None, Ellipsis, FString,
  BinOp, UnaryOp, BoolOp, Compare, Call, Attribute, Subscript, Slice,
  Tuple, List, Set, Dict, ListComp, SetComp, DictComp, GeneratorExp,
  Lambda, IfExp, Await, Yield, YieldFrom, Starred, NamedExpr,
};

enum class BinaryOp { Add, Sub, Mul, TrueDiv, FloorDiv, Mod, Pow, LShift, RShift, BitAnd, BitOr, BitXor, MatMul };
enum class UnaryOpKind { Neg, Pos, Invert, Not };
enum class BoolOpKind { And, Or };
enum class CompareOp { Eq, NotEq, Lt, LtE, Gt, GtE, Is, IsNot, In, NotIn };
enum class ExprContext { Load, Store, Del };

/// Where a name lives, decided by sema/NameResolver.
enum class BindingKind {
  Unresolved,
  Local,   ///< a plain local of the enclosing function (slot = local index)
  Cell,    ///< a local captured by an inner function (slot = cell index)
  Free,    ///< a variable of an enclosing function (slot = free-variable index)
  Global,  ///< a module global (slot = global index)
  Builtin, ///< not assigned anywhere in scope: looked up among the builtins
  ClassBody, ///< assigned in a class body: an attribute of the class being built
};

struct Expr {
  ExprKind kind;
  SourceRange range;
  explicit Expr(ExprKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Expr();
};

#define WEFT_EXPR_CLASSOF(K) \
  static bool classof(const Expr *e) { return e->kind == ExprKind::K; }

struct NameExpr : Expr {
  std::string id;
  ExprContext ctx = ExprContext::Load;
  BindingKind binding = BindingKind::Unresolved; ///< set by NameResolver
  int slot = -1;                                 ///< set by NameResolver
  NameExpr(SourceRange r, std::string id) : Expr(ExprKind::Name, r), id(std::move(id)) {}
  WEFT_EXPR_CLASSOF(Name)
};

struct IntExpr : Expr {
  int64_t value = 0;
  IntExpr(SourceRange r, int64_t v) : Expr(ExprKind::Int, r), value(v) {}
  WEFT_EXPR_CLASSOF(Int)
};

struct FloatExpr : Expr {
  double value = 0;
  FloatExpr(SourceRange r, double v) : Expr(ExprKind::Float, r), value(v) {}
  WEFT_EXPR_CLASSOF(Float)
};

/// A string literal after escape processing and implicit concatenation (UTF-8).
struct StrExpr : Expr {
  std::string value;
  StrExpr(SourceRange r, std::string v) : Expr(ExprKind::Str, r), value(std::move(v)) {}
  WEFT_EXPR_CLASSOF(Str)
};

struct BytesExpr : Expr {
  std::string value; ///< raw bytes
  BytesExpr(SourceRange r, std::string v) : Expr(ExprKind::Bytes, r), value(std::move(v)) {}
  WEFT_EXPR_CLASSOF(Bytes)
};

struct BoolExpr : Expr {
  bool value;
  BoolExpr(SourceRange r, bool v) : Expr(ExprKind::Bool, r), value(v) {}
  WEFT_EXPR_CLASSOF(Bool)
};

struct NoneExpr : Expr {
  explicit NoneExpr(SourceRange r) : Expr(ExprKind::None, r) {}
  WEFT_EXPR_CLASSOF(None)
};

struct EllipsisExpr : Expr {
  explicit EllipsisExpr(SourceRange r) : Expr(ExprKind::Ellipsis, r) {}
  WEFT_EXPR_CLASSOF(Ellipsis)
};

/// One piece of an f-string: literal text, or a replacement field
/// `{expr!conv:spec}`. The spec is itself an f-string (it may nest fields).
struct FStringPart {
  std::string literal;          ///< used when expr is null
  Expr *expr = nullptr;
  char conversion = 0;          ///< 0, 'r', 's' or 'a'
  Expr *formatSpec = nullptr;   ///< an FStringExpr, or null
  std::string selfDoc;          ///< `{x=}`: the text "x=" to print first, else empty
};

/// f"..." (also used for a format spec). Adjacent plain literals are merged in.
struct FStringExpr : Expr {
  std::vector<FStringPart> parts;
  explicit FStringExpr(SourceRange r) : Expr(ExprKind::FString, r) {}
  WEFT_EXPR_CLASSOF(FString)
};

struct BinOpExpr : Expr {
  BinaryOp op;
  Expr *lhs, *rhs;
  BinOpExpr(SourceRange r, BinaryOp op, Expr *l, Expr *rh) : Expr(ExprKind::BinOp, r), op(op), lhs(l), rhs(rh) {}
  WEFT_EXPR_CLASSOF(BinOp)
};

struct UnaryOpExpr : Expr {
  UnaryOpKind op;
  Expr *operand;
  UnaryOpExpr(SourceRange r, UnaryOpKind op, Expr *e) : Expr(ExprKind::UnaryOp, r), op(op), operand(e) {}
  WEFT_EXPR_CLASSOF(UnaryOp)
};

/// `a and b and c`: two or more values.
struct BoolOpExpr : Expr {
  BoolOpKind op;
  std::vector<Expr *> values;
  BoolOpExpr(SourceRange r, BoolOpKind op) : Expr(ExprKind::BoolOp, r), op(op) {}
  WEFT_EXPR_CLASSOF(BoolOp)
};

/// `a < b <= c`: ops.size() == comparators.size().
struct CompareExpr : Expr {
  Expr *left;
  std::vector<CompareOp> ops;
  std::vector<Expr *> comparators;
  CompareExpr(SourceRange r, Expr *l) : Expr(ExprKind::Compare, r), left(l) {}
  WEFT_EXPR_CLASSOF(Compare)
};

/// A keyword argument `name=value`, or `**value` when name is empty.
struct Keyword {
  std::string name;
  Expr *value = nullptr;
  SourceRange range;
};

/// f(a, *b, k=c, **d). Positional `*b` appears in args as a StarredExpr.
struct CallExpr : Expr {
  Expr *func;
  std::vector<Expr *> args;
  std::vector<Keyword> keywords;
  CallExpr(SourceRange r, Expr *f) : Expr(ExprKind::Call, r), func(f) {}
  WEFT_EXPR_CLASSOF(Call)
};

struct AttributeExpr : Expr {
  Expr *value;
  std::string attr;
  SourceRange attrRange;
  ExprContext ctx = ExprContext::Load;
  AttributeExpr(SourceRange r, Expr *v, std::string a) : Expr(ExprKind::Attribute, r), value(v), attr(std::move(a)) {}
  WEFT_EXPR_CLASSOF(Attribute)
};

/// value[index]; a multi-dimensional index `a[1, 2]` is a TupleExpr index.
struct SubscriptExpr : Expr {
  Expr *value, *index;
  ExprContext ctx = ExprContext::Load;
  SubscriptExpr(SourceRange r, Expr *v, Expr *i) : Expr(ExprKind::Subscript, r), value(v), index(i) {}
  WEFT_EXPR_CLASSOF(Subscript)
};

/// lower:upper:step inside a subscript; absent parts are null.
struct SliceExpr : Expr {
  Expr *lower = nullptr, *upper = nullptr, *step = nullptr;
  explicit SliceExpr(SourceRange r) : Expr(ExprKind::Slice, r) {}
  WEFT_EXPR_CLASSOF(Slice)
};

/// Tuple, List and Set displays share this shape; elements may be StarredExpr.
struct SequenceExpr : Expr {
  std::vector<Expr *> elts;
  ExprContext ctx = ExprContext::Load;
  SequenceExpr(ExprKind k, SourceRange r) : Expr(k, r) {}
  static bool classof(const Expr *e) {
    return e->kind == ExprKind::Tuple || e->kind == ExprKind::List || e->kind == ExprKind::Set;
  }
};

/// {k: v, **m}: a null key marks a `**m` entry whose mapping is in values.
struct DictExpr : Expr {
  std::vector<Expr *> keys, values;
  explicit DictExpr(SourceRange r) : Expr(ExprKind::Dict, r) {}
  WEFT_EXPR_CLASSOF(Dict)
};

/// `for target in iter if cond1 if cond2` (async for when isAsync).
struct Comprehension {
  Expr *target = nullptr;
  Expr *iter = nullptr;
  std::vector<Expr *> ifs;
  bool isAsync = false;
};

/// [elt for ...], {elt for ...}, (elt for ...), {key: value for ...}.
/// For DictComp, elt is the key and value the value. The comprehension has a
/// scope of its own (its targets do not leak), filled by NameResolver.
struct ComprehensionExpr : Expr {
  Expr *elt = nullptr;
  Expr *value = nullptr;
  std::vector<Comprehension> generators;
  Scope *scope = nullptr;
  ComprehensionExpr(ExprKind k, SourceRange r) : Expr(k, r) {}
  static bool classof(const Expr *e) {
    return e->kind == ExprKind::ListComp || e->kind == ExprKind::SetComp ||
           e->kind == ExprKind::DictComp || e->kind == ExprKind::GeneratorExp;
  }
};

enum class ParamKind { PositionalOnly, Positional, VarArgs, KeywordOnly, VarKeywords };

struct Param {
  std::string name;
  ParamKind kind = ParamKind::Positional;
  Expr *annotation = nullptr;
  Expr *defaultValue = nullptr;
  SourceRange range;
};

struct Stmt;

struct LambdaExpr : Expr {
  std::vector<Param> params;
  Expr *body;
  Scope *scope = nullptr;
  LambdaExpr(SourceRange r, Expr *b) : Expr(ExprKind::Lambda, r), body(b) {}
  WEFT_EXPR_CLASSOF(Lambda)
};

struct IfExpExpr : Expr {
  Expr *test, *body, *orelse;
  IfExpExpr(SourceRange r, Expr *t, Expr *b, Expr *o) : Expr(ExprKind::IfExp, r), test(t), body(b), orelse(o) {}
  WEFT_EXPR_CLASSOF(IfExp)
};

struct AwaitExpr : Expr {
  Expr *value;
  AwaitExpr(SourceRange r, Expr *v) : Expr(ExprKind::Await, r), value(v) {}
  WEFT_EXPR_CLASSOF(Await)
};

struct YieldExpr : Expr {
  Expr *value = nullptr; ///< null for a bare `yield`
  explicit YieldExpr(SourceRange r) : Expr(ExprKind::Yield, r) {}
  WEFT_EXPR_CLASSOF(Yield)
};

struct YieldFromExpr : Expr {
  Expr *value;
  YieldFromExpr(SourceRange r, Expr *v) : Expr(ExprKind::YieldFrom, r), value(v) {}
  WEFT_EXPR_CLASSOF(YieldFrom)
};

struct StarredExpr : Expr {
  Expr *value;
  ExprContext ctx = ExprContext::Load;
  StarredExpr(SourceRange r, Expr *v) : Expr(ExprKind::Starred, r), value(v) {}
  WEFT_EXPR_CLASSOF(Starred)
};

/// target := value
struct NamedExpr : Expr {
  NameExpr *target;
  Expr *value;
  NamedExpr(SourceRange r, NameExpr *t, Expr *v) : Expr(ExprKind::NamedExpr, r), target(t), value(v) {}
  WEFT_EXPR_CLASSOF(NamedExpr)
};

// ---------------------------------------------------------------- statements

enum class StmtKind {
  Expr, Assign, AugAssign, AnnAssign, FunctionDef, ClassDef, Return, If, While,
  For, Break, Continue, Pass, Try, Raise, With, Global, Nonlocal, Del, Assert,
  Import, ImportFrom,
};

struct Stmt {
  StmtKind kind;
  SourceRange range;
  explicit Stmt(StmtKind k, SourceRange r) : kind(k), range(r) {}
  virtual ~Stmt();
};

#define WEFT_STMT_CLASSOF(K) \
  static bool classof(const Stmt *s) { return s->kind == StmtKind::K; }

using StmtList = std::vector<Stmt *>;

struct ExprStmt : Stmt {
  Expr *value;
  ExprStmt(SourceRange r, Expr *v) : Stmt(StmtKind::Expr, r), value(v) {}
  WEFT_STMT_CLASSOF(Expr)
};

/// a = b = value: targets are Name/Attribute/Subscript/Tuple/List/Starred.
struct AssignStmt : Stmt {
  std::vector<Expr *> targets;
  Expr *value;
  AssignStmt(SourceRange r, Expr *v) : Stmt(StmtKind::Assign, r), value(v) {}
  WEFT_STMT_CLASSOF(Assign)
};

struct AugAssignStmt : Stmt {
  Expr *target;
  BinaryOp op;
  Expr *value;
  AugAssignStmt(SourceRange r, Expr *t, BinaryOp op, Expr *v) : Stmt(StmtKind::AugAssign, r), target(t), op(op), value(v) {}
  WEFT_STMT_CLASSOF(AugAssign)
};

/// target: annotation [= value]
struct AnnAssignStmt : Stmt {
  Expr *target, *annotation, *value;
  AnnAssignStmt(SourceRange r, Expr *t, Expr *a, Expr *v) : Stmt(StmtKind::AnnAssign, r), target(t), annotation(a), value(v) {}
  WEFT_STMT_CLASSOF(AnnAssign)
};

/// PEP 695 type parameter of a stdlib generic: `def f[T](x: T)`.
struct TypeParam {
  std::string name;
  SourceRange range;
};

struct FunctionDefStmt : Stmt {
  std::string name;
  SourceRange nameRange;
  std::vector<Param> params;
  std::vector<TypeParam> typeParams;
  Expr *returns = nullptr;
  StmtList body;
  std::vector<Expr *> decorators;
  bool isAsync = false;
  bool isGenerator = false;      ///< contains yield (set by the parser or NameResolver)
  Scope *scope = nullptr;        ///< set by NameResolver
  NameExpr *target = nullptr;    ///< the binding the def assigns (set by NameResolver)
  FunctionDefStmt(SourceRange r, std::string n) : Stmt(StmtKind::FunctionDef, r), name(std::move(n)) {}
  WEFT_STMT_CLASSOF(FunctionDef)
};

struct ClassDefStmt : Stmt {
  std::string name;
  SourceRange nameRange;
  std::vector<Expr *> bases;
  std::vector<Keyword> keywords;
  std::vector<TypeParam> typeParams;
  StmtList body;
  std::vector<Expr *> decorators;
  Scope *scope = nullptr;
  NameExpr *target = nullptr;
  ClassDefStmt(SourceRange r, std::string n) : Stmt(StmtKind::ClassDef, r), name(std::move(n)) {}
  WEFT_STMT_CLASSOF(ClassDef)
};

struct ReturnStmt : Stmt {
  Expr *value = nullptr;
  explicit ReturnStmt(SourceRange r) : Stmt(StmtKind::Return, r) {}
  WEFT_STMT_CLASSOF(Return)
};

/// if/elif/else: an elif chain is nested IfStmts in orelse.
struct IfStmt : Stmt {
  Expr *test;
  StmtList body, orelse;
  IfStmt(SourceRange r, Expr *t) : Stmt(StmtKind::If, r), test(t) {}
  WEFT_STMT_CLASSOF(If)
};

struct WhileStmt : Stmt {
  Expr *test;
  StmtList body, orelse;
  WhileStmt(SourceRange r, Expr *t) : Stmt(StmtKind::While, r), test(t) {}
  WEFT_STMT_CLASSOF(While)
};

struct ForStmt : Stmt {
  Expr *target, *iter;
  StmtList body, orelse;
  bool isAsync = false;
  ForStmt(SourceRange r, Expr *t, Expr *i) : Stmt(StmtKind::For, r), target(t), iter(i) {}
  WEFT_STMT_CLASSOF(For)
};

struct BreakStmt : Stmt {
  explicit BreakStmt(SourceRange r) : Stmt(StmtKind::Break, r) {}
  WEFT_STMT_CLASSOF(Break)
};

struct ContinueStmt : Stmt {
  explicit ContinueStmt(SourceRange r) : Stmt(StmtKind::Continue, r) {}
  WEFT_STMT_CLASSOF(Continue)
};

struct PassStmt : Stmt {
  explicit PassStmt(SourceRange r) : Stmt(StmtKind::Pass, r) {}
  WEFT_STMT_CLASSOF(Pass)
};

/// except [type [as name]]: body
struct ExceptHandler {
  Expr *type = nullptr;  ///< null for a bare except
  std::string name;      ///< empty when there is no `as`
  NameExpr *target = nullptr; ///< the `as` binding (built by the parser when name is set)
  StmtList body;
  SourceRange range;
};

struct TryStmt : Stmt {
  StmtList body;
  std::vector<ExceptHandler> handlers;
  StmtList orelse, finalbody;
  explicit TryStmt(SourceRange r) : Stmt(StmtKind::Try, r) {}
  WEFT_STMT_CLASSOF(Try)
};

struct RaiseStmt : Stmt {
  Expr *exc = nullptr;   ///< null for a bare raise
  Expr *cause = nullptr;
  explicit RaiseStmt(SourceRange r) : Stmt(StmtKind::Raise, r) {}
  WEFT_STMT_CLASSOF(Raise)
};

struct WithItem {
  Expr *contextExpr = nullptr;
  Expr *optionalVars = nullptr; ///< the `as` target, or null
};

struct WithStmt : Stmt {
  std::vector<WithItem> items;
  StmtList body;
  bool isAsync = false;
  explicit WithStmt(SourceRange r) : Stmt(StmtKind::With, r) {}
  WEFT_STMT_CLASSOF(With)
};

/// global a, b  /  nonlocal a, b
struct NameListStmt : Stmt {
  std::vector<std::string> names;
  NameListStmt(StmtKind k, SourceRange r) : Stmt(k, r) {}
  static bool classof(const Stmt *s) { return s->kind == StmtKind::Global || s->kind == StmtKind::Nonlocal; }
};

struct DelStmt : Stmt {
  std::vector<Expr *> targets;
  explicit DelStmt(SourceRange r) : Stmt(StmtKind::Del, r) {}
  WEFT_STMT_CLASSOF(Del)
};

struct AssertStmt : Stmt {
  Expr *test;
  Expr *msg = nullptr;
  AssertStmt(SourceRange r, Expr *t) : Stmt(StmtKind::Assert, r), test(t) {}
  WEFT_STMT_CLASSOF(Assert)
};

/// `import a.b as c`: name "a.b", asname "c". For ImportFrom, name is the
/// imported attribute ("*" is not in the subset).
struct Alias {
  std::string name;
  std::string asname;
  NameExpr *target = nullptr; ///< the binding this alias creates (built by the parser)
  SourceRange range;
};

struct ImportStmt : Stmt {
  std::vector<Alias> names;
  explicit ImportStmt(SourceRange r) : Stmt(StmtKind::Import, r) {}
  WEFT_STMT_CLASSOF(Import)
};

struct ImportFromStmt : Stmt {
  std::string module;    ///< dotted, without leading dots
  int level = 0;         ///< number of leading dots
  std::vector<Alias> names;
  explicit ImportFromStmt(SourceRange r) : Stmt(StmtKind::ImportFrom, r) {}
  WEFT_STMT_CLASSOF(ImportFrom)
};

// ---------------------------------------------------------------- module

struct Module {
  std::string name;   ///< "__main__" for the program's main file
  FileID file = 0;
  StmtList body;
  Scope *scope = nullptr; ///< set by NameResolver
};

/// Owns every node of one compilation. Nodes are allocated with make<T>(...)
/// and released together when the context dies.
class ASTContext {
public:
  template <typename T, typename... Args> T *make(Args &&...args) {
    auto node = std::make_unique<T>(std::forward<Args>(args)...);
    T *raw = node.get();
    if constexpr (std::is_base_of_v<Expr, T>)
      exprs.push_back(std::move(node));
    else if constexpr (std::is_base_of_v<Stmt, T>)
      stmts.push_back(std::move(node));
    else
      static_assert(sizeof(T) == 0, "ASTContext::make: not an AST node");
    return raw;
  }

  Module *makeModule() {
    modules.push_back(std::make_unique<Module>());
    return modules.back().get();
  }

private:
  std::vector<std::unique_ptr<Expr>> exprs;
  std::vector<std::unique_ptr<Stmt>> stmts;
  std::vector<std::unique_ptr<Module>> modules;
};

} // namespace weft

#endif
