// LintSupport.h: what the async lints share: which names the module's imports
// bind (so `t.sleep` is known as `time.sleep`), how to spell a callee as a
// dotted name, and walks over a function body that stop at nested scopes.
#ifndef WEFT_SEMA_LINTSUPPORT_H
#define WEFT_SEMA_LINTSUPPORT_H

#include "ast/AST.h"
#include "diag/Diagnostics.h"

#include <functional>
#include <map>
#include <set>
#include <string>

namespace weft {

/// Import bindings and top-level names of one module.
struct ModuleFacts {
  std::map<std::string, std::string> modules; ///< local name -> module ("t" -> "time")
  std::map<std::string, std::string> imported; ///< local name -> "module.attr" (from-imports)
  std::set<std::string> topLevel;              ///< every other name the module binds

  explicit ModuleFacts(Module &m);
  /// The qualified name of a callee (`time.sleep`, `open`), or "" when unknown.
  std::string qualify(Expr *callee) const;
};

/// `a.b.c` for a chain of names and attributes, else "".
std::string dottedName(Expr *e);

/// Calls [fn] on every function definition of [m], with its enclosing defs
/// (outermost first) and the class it is a method of (or null).
void forEachFunction(Module &m,
                     const std::function<void(FunctionDefStmt *, const std::vector<FunctionDefStmt *> &,
                                              ClassDefStmt *)> &fn);

/// Calls [fn] on every expression of [body] outside nested defs, classes and lambdas.
void forEachExprInBody(StmtList &body, const std::function<void(Expr *)> &fn);

/// Reports [id] with [args] and, if it was not silenced, the note [hint].
void reportWithNote(DiagnosticEngine &diags, DiagID id, DiagID noteId, SourceRange r,
                    const std::vector<std::string> &args, const std::string &hint);

} // namespace weft

#endif
