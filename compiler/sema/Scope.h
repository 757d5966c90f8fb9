// Scope.h: the scopes NameResolver builds, one per module, function, lambda,
// class body and comprehension, and the storage they give each name. Codegen
// reads them to lay out a function's locals, cells and free variables.
#ifndef WEFT_SEMA_SCOPE_H
#define WEFT_SEMA_SCOPE_H

#include <map>
#include <set>
#include <string>
#include <vector>

namespace weft {

struct FunctionDefStmt;

enum class ScopeKind { Module, Function, Lambda, Class, Comprehension };

/// Storage of one code unit (a module's init function, a def or a lambda):
/// what codegen allocates. Comprehensions are compiled inline in the code
/// unit that contains them, so their variables get fresh slots here too.
struct Scope {
  ScopeKind kind = ScopeKind::Module;
  Scope *parent = nullptr;
  std::string name;      ///< function or class name; "<module>" etc.
  std::string qualname;  ///< "Shape.area", "outer.<locals>.inner"

  /// Names bound in this scope (assigned, imported, def/class, params),
  /// in first-binding order, and the ones declared global/nonlocal.
  std::vector<std::string> bound;
  std::set<std::string> boundSet, globals, nonlocals;
  /// Names that inner scopes capture from this one.
  std::set<std::string> captured;
  /// A comprehension's variables get fresh storage names in the code unit
  /// ("x" -> "x#3") so they neither leak nor clash; other scopes map n -> n.
  std::map<std::string, std::string> storage;

  // ---- storage, assigned after resolution (only for code units)
  /// Local slot of each plain local ("name" or a comprehension's fresh name).
  std::vector<std::string> localSlots;
  /// Cell slot of each captured local.
  std::vector<std::string> cellSlots;
  /// Free variables, in the order of WFunc.cells.
  std::vector<std::string> freeSlots;
  /// For each parameter: its cell slot when captured, else -1.
  std::vector<int> paramCell;

  // ---- module only: the global slot of each module-level name
  std::vector<std::string> globalSlots;
  std::map<std::string, int> globalIndex;
  /// How many places store to each global (a def counts as one). Codegen
  /// calls a global function directly when its def is the only store.
  std::map<std::string, int> globalStores;

  bool isAsync = false;
  bool isGenerator = false;
  bool usesSuper = false;    ///< a method that calls super() or refers to __class__

  /// The code unit this scope's storage lives in (itself, or for a
  /// comprehension the enclosing function or module).
  Scope *codeUnit() {
    Scope *s = this;
    while (s->kind == ScopeKind::Comprehension || s->kind == ScopeKind::Class)
      s = s->parent;
    return s;
  }
  bool isCodeUnit() const {
    return kind == ScopeKind::Module || kind == ScopeKind::Function || kind == ScopeKind::Lambda;
  }

  int localIndex(const std::string &n) const { return indexIn(localSlots, n); }
  int cellIndex(const std::string &n) const { return indexIn(cellSlots, n); }
  int freeIndex(const std::string &n) const { return indexIn(freeSlots, n); }

private:
  static int indexIn(const std::vector<std::string> &v, const std::string &n) {
    for (size_t i = 0; i < v.size(); ++i)
      if (v[i] == n)
        return static_cast<int>(i);
    return -1;
  }
};

} // namespace weft

#endif
