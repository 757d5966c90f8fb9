// ScalarKinds.h: which locals of a function always hold an int, a float or a
// bool (docs/design.md "Scalar locals"). Codegen stores such a local with its
// tag as a constant, so LLVM folds the tag checks and slow paths of every use
// downstream, loops included. The analysis is flow-insensitive and proves a
// kind only from what cannot produce anything else (literals, arithmetic on
// proven operands, range items, a few builtins); every other store, and any
// parameter not seeded by the caller, makes the local Unknown.
#ifndef WEFT_CODEGEN_SCALARKINDS_H
#define WEFT_CODEGEN_SCALARKINDS_H

#include "ast/AST.h"
#include "sema/Scope.h"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <vector>

namespace weft {

/// Bottom: no store seen yet (only during the fixpoint). Unknown: anything.
enum class ScalarKind : uint8_t { Bottom, Bool, Int, Float, Unknown };

struct ScalarKinds {
  /// The kind of each local slot of the code unit (Unknown when unproven).
  std::vector<ScalarKind> slots;
  /// Every store of a local the analysis saw; codegen refuses to retag a
  /// store it did not see, so a missed binding form cannot miscompile.
  std::set<const NameExpr *> seenStores;
  /// The kind of every value the body returns, when it cannot fall off its
  /// end or return None (Unknown otherwise). An exception is not a return.
  ScalarKind returns = ScalarKind::Unknown;
  /// Calls of module-level functions whose result kind is proven (see CallKindFn).
  std::map<const CallExpr *, ScalarKind> typedCalls;

  ScalarKind of(int slot) const {
    return slot >= 0 && static_cast<size_t>(slot) < slots.size() ? slots[slot] : ScalarKind::Unknown;
  }
};

/// The kind of a call `f(args)` of a module-level function, given the kinds
/// of its positional arguments; Unknown when nothing is proven.
using CallKindFn = std::function<ScalarKind(CallExpr *call, const std::vector<ScalarKind> &argKinds)>;

/// Infers the kinds of [scope]'s locals from [body] (or a lambda's [lambdaBody]).
/// [paramSeeds] gives parameter i the kind its caller guarantees (empty: Unknown).
ScalarKinds inferScalarKinds(Scope *scope, size_t nparams, const StmtList *body, Expr *lambdaBody,
                             const std::vector<ScalarKind> &paramSeeds, const CallKindFn &globalCalls = {});

/// The join of two kinds (Bottom is the identity; two different kinds make Unknown).
ScalarKind joinKinds(ScalarKind a, ScalarKind b);

/// The kind an annotation promises and a caller can check by tag alone:
/// Int for `int`, Float for `float`, Unknown otherwise.
ScalarKind annotationKind(Expr *annotation);

/// The WValue tag of a proven kind.
uint64_t scalarTag(ScalarKind k);

} // namespace weft

#endif
