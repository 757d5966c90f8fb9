// Type.h: the types the checker infers (LANGUAGE.md "Types"). Types are
// interned by a TypeContext, so two equal types are the same pointer. Unknown
// is the checker's "no idea" top type: every operation on it is accepted in
// silence, which is how the checker stays sound where it does not model a
// feature (decorators, lambdas, most of the stdlib). Object is the user-visible
// top type (`object`, heterogeneous containers) and is treated leniently too.
#ifndef WEFT_SEMA_TYPE_H
#define WEFT_SEMA_TYPE_H

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace weft {

struct ClassDefStmt;
struct FunctionDefStmt;
struct Env;

enum class TypeKind {
  Unknown, Object, None, Bool, Int, Float, Str, Bytes,
  List, Dict, Set, Tuple,
  GatherList, ///< gather's fixed-length list: element i has type args[i]
  Instance,   ///< an instance of a class (user or builtin exception)
  ClassObj,   ///< the class itself
  Function,   ///< a user def (func), or a signature (args -> ret), or unknown
  Coroutine, Task, Future, ///< awaitables of args[0]
  Union, Module, Named,    ///< Named: an opaque stdlib type (Queue[T], Event, ...)
  Super,      ///< super(): attribute lookups start at cls
  BuiltinFunc, ///< a builtin or stdlib callable, by qualified name ("len", "asyncio.sleep")
};

struct ClassInfo;
struct FuncInfo;

struct Type {
  TypeKind kind = TypeKind::Unknown;
  std::vector<const Type *> args;
  const Type *ret = nullptr;   ///< Function with a known signature
  ClassInfo *cls = nullptr;    ///< Instance, ClassObj, Super
  FuncInfo *func = nullptr;    ///< Function of a user def
  std::string name;            ///< Module, Named
  bool variadic = false;       ///< tuple[T, ...]
  bool bound = false;          ///< Function: a bound method (self is supplied)
  int depth = 0;               ///< nesting depth of args (bounded, see TypeContext::maxDepth)

  bool is(TypeKind k) const { return kind == k; }
  /// Unknown or Object: operations on it are never reported.
  bool isLenient() const { return kind == TypeKind::Unknown || kind == TypeKind::Object; }
  const Type *elem() const { return args.empty() ? nullptr : args[0]; }
};

/// A class: user-defined (def set) or a builtin exception class.
struct ClassInfo {
  std::string name;
  ClassDefStmt *def = nullptr;
  ClassInfo *base = nullptr;
  /// A base the checker does not model (several bases, an unknown name, a
  /// builtin that is not an exception): attribute lookups are never reported.
  bool openBase = false;
  bool builtin = false;
  bool dataclass = false;
  bool metaclass = false; ///< derives from `type`: its self and cls are not ordinary
  std::map<std::string, const Type *> fields;
  std::map<std::string, FuncInfo *> methods;
  std::map<std::string, const Type *> classVars;

  bool isSubclassOf(const ClassInfo *other) const {
    for (const ClassInfo *c = this; c; c = c->base)
      if (c == other)
        return true;
    return false;
  }
  /// True when every class in the chain is known, so a missing attribute is an error.
  bool closed() const {
    for (const ClassInfo *c = this; c; c = c->base)
      if (c->openBase || c->builtin)
        return false;
    return true;
  }
  bool hasMethod(const std::string &n) const {
    for (const ClassInfo *c = this; c; c = c->base)
      if (c->methods.count(n))
        return true;
    return false;
  }
};

/// A user def: its AST, where it lives, and memoised return types per
/// argument-type tuple (the generic instantiation of LANGUAGE.md).
struct FuncInfo {
  FunctionDefStmt *def = nullptr;
  ClassInfo *owner = nullptr;   ///< the class of a method
  Env *closure = nullptr;       ///< the scope the def was evaluated in
  bool isStatic = false, isClassMethod = false, isProperty = false;
  bool otherDecorators = false; ///< decorated by something unmodelled: value is unknown
  bool isAsync = false, isGenerator = false;
  std::map<std::string, const Type *> retCache;
  int activeInstantiations = 0;
};

/// Owns and interns types.
class TypeContext {
public:
  TypeContext();
  const Type *unknown() const { return unknownT; }
  const Type *object() const { return objectT; }
  const Type *none() const { return noneT; }
  const Type *boolT() const { return boolTy; }
  const Type *intT() const { return intTy; }
  const Type *floatT() const { return floatTy; }
  const Type *str() const { return strT; }
  const Type *bytes() const { return bytesT; }

  const Type *list(const Type *e) { return make(TypeKind::List, {e}); }
  const Type *set(const Type *e) { return make(TypeKind::Set, {e}); }
  const Type *dict(const Type *k, const Type *v) { return make(TypeKind::Dict, {k, v}); }
  const Type *tuple(std::vector<const Type *> elts, bool variadic = false);
  const Type *gatherList(std::vector<const Type *> elts) { return make(TypeKind::GatherList, std::move(elts)); }
  const Type *coroutine(const Type *t) { return make(TypeKind::Coroutine, {t}); }
  const Type *task(const Type *t) { return make(TypeKind::Task, {t}); }
  const Type *future(const Type *t) { return make(TypeKind::Future, {t}); }
  const Type *instance(ClassInfo *c);
  const Type *classObj(ClassInfo *c);
  const Type *superOf(ClassInfo *c);
  const Type *function(FuncInfo *f, bool bound = false);
  const Type *signature(std::vector<const Type *> params, const Type *ret);
  const Type *module(const std::string &name);
  const Type *builtinFunc(const std::string &name);
  const Type *named(const std::string &name, std::vector<const Type *> args = {});
  /// The union of [members], flattened and deduplicated; Unknown absorbs all.
  const Type *unionOf(const std::vector<const Type *> &members);
  const Type *optional(const Type *t) { return unionOf({t, noneT}); }

  /// The common type of values that meet in one container or variable:
  /// numeric widening, None makes an Optional, classes meet at their common
  /// base, anything else gives `object` (LANGUAGE.md: heterogeneous containers).
  const Type *join(const Type *a, const Type *b);
  /// Can a value of type [v] be stored where [t] is expected? Lenient:
  /// unknown or object on either side, and any union member that fits, pass.
  bool assignable(const Type *t, const Type *v);
  /// The type a variable of type [declared] has after a value of [v] is
  /// stored (refining `list[unknown]`, widening int to float and T to
  /// T | None), or null when the store is an error.
  const Type *widen(const Type *declared, const Type *v);

  const Type *removeNone(const Type *t);
  /// isinstance narrowing: the part of [t] that is an instance of [target].
  const Type *narrowTo(const Type *t, const Type *target);
  /// The part of [t] that is not an instance of [target].
  const Type *removeInstancesOf(const Type *t, const Type *target);
  /// Does every value of [t] satisfy isinstance(value, [target])?
  bool isInstanceOf(const Type *t, const Type *target);

  std::string str(const Type *t) const;

  /// Builtin exception classes, by name (BaseException, ValueError, ...).
  ClassInfo *builtinClass(const std::string &name);
  ClassInfo *newClass(const std::string &name);
  FuncInfo *newFunc();

  /// Types nested deeper than this become unknown, which bounds the work of
  /// the recursive relations and of generic instantiation (f(x) calling f((x, x))).
  static constexpr int maxDepth = 8;

private:
  const Type *make(TypeKind k, std::vector<const Type *> args);
  const Type *intern(Type t);
  std::string key(const Type &t) const;
  ClassInfo *commonBase(ClassInfo *a, ClassInfo *b);

  std::unordered_map<std::string, std::unique_ptr<Type>> types;
  std::vector<std::unique_ptr<ClassInfo>> classes;
  std::vector<std::unique_ptr<FuncInfo>> funcs;
  std::map<std::string, ClassInfo *> builtinClasses;
  const Type *unknownT = nullptr, *objectT = nullptr, *noneT = nullptr, *boolTy = nullptr, *intTy = nullptr,
             *floatTy = nullptr, *strT = nullptr, *bytesT = nullptr;
};

} // namespace weft

#endif
