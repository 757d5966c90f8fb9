// NameResolver.h: the first semantic pass. Builds a Scope for every module,
// function, lambda, class body and comprehension, decides where each name
// lives with Python's rules (local, enclosing, global, builtin; `global`,
// `nonlocal`, closures), and records the decision on every NameExpr.
#ifndef WEFT_SEMA_NAMERESOLVER_H
#define WEFT_SEMA_NAMERESOLVER_H

#include "ast/AST.h"
#include "diag/Diagnostics.h"
#include "sema/Scope.h"

#include <memory>
#include <vector>

namespace weft {

/// Owns the scopes of one compilation.
class ScopeArena {
public:
  Scope *make() {
    scopes.push_back(std::make_unique<Scope>());
    return scopes.back().get();
  }

private:
  std::vector<std::unique_ptr<Scope>> scopes;
};

/// Resolves every name in [m]. Reports misplaced return/break/continue/yield
/// and bad nonlocal declarations. Returns false if it reported an error.
bool resolveNames(Module &m, ASTContext &ctx, ScopeArena &arena, DiagnosticEngine &diags);

} // namespace weft

#endif
