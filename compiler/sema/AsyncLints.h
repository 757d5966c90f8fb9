// AsyncLints.h: the warnings of LANGUAGE.md "Beyond Python", three passes
// that each look at the AST alone (no types needed): blocking calls inside
// `async def` (BlockingCallCheck.cpp), coroutines created and dropped
// (UnawaitedCoroutineCheck.cpp), and except clauses that swallow
// CancelledError (SwallowedCancelCheck.cpp).
#ifndef WEFT_SEMA_ASYNCLINTS_H
#define WEFT_SEMA_ASYNCLINTS_H

#include "ast/AST.h"
#include "diag/Diagnostics.h"

namespace weft {

/// Warnings of LANGUAGE.md "Beyond Python": blocking calls in async def, coroutines never awaited, except clauses swallowing CancelledError.
void runAsyncLints(Module &m, DiagnosticEngine &diags);

/// The passes runAsyncLints runs, in this order.
void checkBlockingCalls(Module &m, DiagnosticEngine &diags);
void checkUnawaitedCoroutines(Module &m, DiagnosticEngine &diags);
void checkSwallowedCancel(Module &m, DiagnosticEngine &diags);

} // namespace weft

#endif
