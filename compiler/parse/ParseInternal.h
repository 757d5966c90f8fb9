// ParseInternal.h: what the files of compiler/parse share and nothing outside
// sees: the ANTLR-generated classes, the environment a parse reports into,
// position helpers for tokens and contexts, and the ParseSession that runs
// lexer + IndentingTokenSource + parser over one piece of text (the module,
// or one f-string replacement field).
#ifndef WEFT_PARSE_PARSEINTERNAL_H
#define WEFT_PARSE_PARSEINTERNAL_H

#include "ast/AST.h"
#include "base/Source.h"
#include "diag/Diagnostics.h"

#include "WeftLexer.h"
#include "WeftParser.h"
#include "antlr4-runtime.h"

#include <memory>
#include <string>
#include <vector>

namespace weft::parse {

using grammar::WeftLexer;
using grammar::WeftParser;

/// Nesting limits, as CPython's tokenizer (MAXLEVEL, MAXINDENT) has them.
constexpr size_t maxBracketDepth = 200;
constexpr size_t maxIndentLevels = 100;
/// Deepest expression tree we hand to later (recursive) phases. CPython
/// 3.11 compiles 1,000 nested operators and fails with RecursionError at 3,000.
constexpr unsigned maxExprDepth = 2000;

/// Where a parse reports and allocates.
struct ParseEnv {
  const SourceManager &sm;
  FileID file;
  ASTContext &ctx;
  DiagnosticEngine &diags;
};

/// The input stream of a session; exposes its code points so positions of
/// long tokens can be computed without copying their text.
class SourceStream : public antlr4::ANTLRInputStream {
public:
  explicit SourceStream(const std::string &text) : ANTLRInputStream(text) {}
  const auto &codePoints() const { return _data; }
};

SourceLoc tokenBegin(const antlr4::Token *t);
/// Position just past the last code point of [t] (multi-line strings included).
SourceLoc tokenEnd(const antlr4::Token *t);
SourceRange tokenRange(const ParseEnv &env, const antlr4::Token *t);

/// A tokenizer error, reported by the caller after any earlier syntax errors.
struct LexError {
  DiagID id = DiagID::SyntaxError;
  SourceRange range;
  std::vector<std::string> args;
};

/// Lexes [input] into logical tokens: NEWLINE/INDENT/DEDENT as Python's
/// tokenizer makes them, blank lines and newlines inside brackets dropped.
/// [initialDepth] 1 treats the whole text as bracketed (f-string fields).
/// On a tokenizer error (bad characters, unterminated strings, bracket and
/// indentation problems, the nesting limits) it stops, since like CPython's
/// tokenizer it cannot usefully go on: it fills [error], leaves in [out] the
/// complete logical lines before the error (closed with DEDENTs and EOF) and
/// returns false.
bool lexLogicalTokens(ParseEnv &env, WeftLexer &lexer, int initialDepth, const std::string &errorPrefix,
                      std::vector<std::unique_ptr<antlr4::Token>> &out, LexError &error);

/// Reports (once) and returns false if an expression in [body] is nested
/// deeper than maxExprDepth. Recursive: run it on the parser's big stack.
bool checkExprDepth(ParseEnv &env, const StmtList &body);

/// One lexer + parser over one text. Owns the parse tree it returns.
class ParseSession {
public:
  /// [text] starts at [line]:[col] (1-based) of env.file; [errorPrefix]
  /// ("f-string: ") is put before syntax error messages.
  ParseSession(ParseEnv &env, const std::string &text, size_t line, size_t col, std::string errorPrefix);
  ~ParseSession();

  /// fileInput, or null after a lexical or syntax error (already reported).
  WeftParser::FileInputContext *parseFile();
  /// fstringExpr (the text is treated as parenthesized), or null on error.
  WeftParser::FstringExprContext *parseFStringExpr();

  antlr4::TokenStream &tokenStream() { return *stream; }

private:
  bool prepare(int initialDepth);
  template <typename Ctx> Ctx *runParser(Ctx *(WeftParser::*rule)());

  ParseEnv &env;
  std::string prefix;
  SourceStream input;
  std::unique_ptr<WeftLexer> lexer;
  std::vector<std::unique_ptr<antlr4::Token>> tokens;
  std::unique_ptr<antlr4::ListTokenSource> source;
  std::unique_ptr<antlr4::CommonTokenStream> stream;
  std::unique_ptr<WeftParser> parser;
  std::unique_ptr<antlr4::ANTLRErrorListener> listener;
};

} // namespace weft::parse

#endif
