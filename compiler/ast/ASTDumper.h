// ASTDumper.h: a readable, indented dump of a Module's AST, one node per
// line with its kind, key fields and begin position (line:col). Used by
// `weft build --emit-ast` and by the parser's tests.
#ifndef WEFT_AST_ASTDUMPER_H
#define WEFT_AST_ASTDUMPER_H

#include "ast/AST.h"

#include <ostream>

namespace weft {

/// Writes [m] to [os], two spaces of indentation per level.
void dumpAST(const Module &m, std::ostream &os);

/// Writes one expression (and its children) at indentation [indent].
void dumpExpr(const Expr *e, std::ostream &os, int indent = 0);

} // namespace weft

#endif
