// TypeChecker.h: type inference and checking (LANGUAGE.md "Types"), run by
// the driver after name resolution. Code generation does not depend on its
// results yet (values are boxed, docs/design.md "Values"), so the pass is a
// checker: it reports the errors it is sure of and infers unknown elsewhere.
#ifndef WEFT_SEMA_TYPECHECKER_H
#define WEFT_SEMA_TYPECHECKER_H

#include "ast/AST.h"
#include "diag/Diagnostics.h"

namespace weft {

/// Infers types for [m] and reports type errors. Returns false if it reported an error.
bool checkTypes(Module &m, DiagnosticEngine &diags);

} // namespace weft

#endif
