// AstWalk.h: generic traversal of the AST for the sema passes that only need
// to look at nodes (the async lints, the type checker's pre-scans). Each
// function visits one level; callers recurse where they want to.
#ifndef WEFT_SEMA_ASTWALK_H
#define WEFT_SEMA_ASTWALK_H

#include "ast/AST.h"

#include <functional>

namespace weft {

/// Calls [fn] on each expression that is a direct child of [e].
void forEachChild(Expr *e, const std::function<void(Expr *)> &fn);

/// Calls [fn] on each expression that [s] holds itself (not those inside
/// its nested statement lists): tests, targets, values, decorators, defaults.
void forEachExprOf(Stmt *s, const std::function<void(Expr *)> &fn);

/// Calls [fn] on each statement list nested in [s]: bodies, else and
/// finally blocks, except handlers. Function and class bodies included.
void forEachBlock(Stmt *s, const std::function<void(StmtList &)> &fn);

/// Calls [fn] on [e] and every expression below it. Lambda bodies and
/// comprehensions are entered.
void walkExpr(Expr *e, const std::function<void(Expr *)> &fn);

/// Calls [onStmt] on every statement of [body] and the statement lists below
/// it, entering function and class bodies only when [intoDefs].
void walkStmts(StmtList &body, bool intoDefs, const std::function<void(Stmt *)> &onStmt);

} // namespace weft

#endif
