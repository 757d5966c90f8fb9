// Parser.h: the front end's one entry point. It turns a source file into an
// AST (ast/AST.h): tokenizing with Python's indentation rules, parsing with
// the ANTLR grammar in grammar/Weft.g4 and building nodes with accurate
// source ranges. All of ANTLR stays behind this header.
#ifndef WEFT_PARSE_PARSER_H
#define WEFT_PARSE_PARSER_H

#include "ast/AST.h"
#include "base/Source.h"
#include "diag/Diagnostics.h"

#include <string>

namespace weft {

/// Parses file [file] into a Module; reports every syntax error it can to [diags].
/// Returns null only if nothing could be built. No antlr4:: type appears in this header.
///
/// After any error the returned module may be empty or partial; callers stop
/// at diags.hasErrors(). The parse runs on a thread of its own with a large
/// stack, so deeply nested input cannot overflow the caller's stack; the AST it
/// returns is at most parse::maxExprDepth (2000) expressions deep, so later
/// recursive passes are safe on an ordinary 8 MB stack.
Module *parseModule(SourceManager &sm, FileID file, ASTContext &ctx, DiagnosticEngine &diags,
                    const std::string &moduleName);

} // namespace weft

#endif
