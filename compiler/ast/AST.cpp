// AST.cpp: out-of-line anchors for the AST node base classes, so their
// vtables are emitted once, here.
#include "ast/AST.h"

namespace weft {

Expr::~Expr() = default;
Stmt::~Stmt() = default;

} // namespace weft
