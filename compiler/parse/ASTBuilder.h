// ASTBuilder.h: ParseTreeToAST, the walk over ANTLR's parse tree that builds
// ast/AST.h nodes. Statements are built in BuildStmt.cpp, expressions in
// BuildExpr.cpp, literals and f-strings in BuildLiteral.cpp. The builder only
// runs on a tree without syntax errors; what it checks itself (assignment
// targets, parameter order, argument order, literal values, f-string fields)
// it reports with CPython's messages and keeps going.
#ifndef WEFT_PARSE_ASTBUILDER_H
#define WEFT_PARSE_ASTBUILDER_H

#include "parse/ParseInternal.h"

namespace weft::parse {

/// What the builder of a module shares with the builders of its f-string
/// fields (which parse separately but belong to the same function).
struct BuildState {
  /// Enclosing defs, innermost last; null entries for lambdas and classes,
  /// whose yields do not make the def a generator.
  std::vector<FunctionDefStmt *> functions;
  int comprehensionDepth = 0;
};

class ASTBuilder {
public:
  ASTBuilder(ParseEnv &env, antlr4::TokenStream &tokens, BuildState &state)
      : env(env), tokens(tokens), state(state) {}

  void file(WeftParser::FileInputContext *c, StmtList &out);
  /// The expression of one f-string field (already parsed by a sub-session).
  Expr *fstringField(WeftParser::FstringExprContext *c);

private:
  using P = WeftParser;

  // ---- positions and reports
  SourceRange range(antlr4::ParserRuleContext *c);
  SourceRange range(antlr4::tree::TerminalNode *n);
  SourceRange span(const SourceRange &a, const SourceRange &b);
  void error(const SourceRange &r, const std::string &msg);

  // ---- statements (BuildStmt.cpp)
  void stmt(P::StmtContext *c, StmtList &out);
  void simpleStmts(P::SimpleStmtsContext *c, StmtList &out);
  Stmt *simpleStmt(P::SimpleStmtContext *c);
  Stmt *exprStmt(P::ExprStmtContext *c);
  Stmt *importName(P::ImportNameContext *c);
  Stmt *importFrom(P::ImportFromContext *c);
  Stmt *compoundStmt(P::CompoundStmtContext *c);
  void block(P::BlockContext *c, StmtList &out);
  Stmt *ifStmt(P::IfStmtContext *c);
  Stmt *whileStmt(P::WhileStmtContext *c);
  Stmt *forStmt(P::ForStmtContext *c);
  Stmt *tryStmt(P::TryStmtContext *c);
  Stmt *withStmt(P::WithStmtContext *c);
  Stmt *funcDef(P::FuncDefContext *c, std::vector<Expr *> decorators, SourceRange start);
  Stmt *classDef(P::ClassDefContext *c, std::vector<Expr *> decorators, SourceRange start);
  std::vector<TypeParam> typeParams(P::TypeParamsContext *c);
  void params(P::ParamListContext *c, std::vector<Param> &out);
  void lambdaParams(P::LambdaParamListContext *c, std::vector<Param> &out);
  void checkParams(std::vector<Param> &ps, const std::vector<SourceRange> &slashes,
                   const std::vector<SourceRange> &stars, bool bareStarLast);
  NameExpr *storeName(antlr4::tree::TerminalNode *n);
  std::string identifier(antlr4::tree::TerminalNode *n);
  std::string dottedName(P::DottedNameContext *c);

  // ---- expressions (BuildExpr.cpp)
  Expr *starExprs(P::StarExprsContext *c, bool allowLoneStar = false);
  Expr *exprList(P::ExprListContext *c);
  Expr *namedExprTest(P::NamedExprTestContext *c);
  Expr *test(P::TestContext *c);
  Expr *testNoCond(P::TestNoCondContext *c);
  Expr *lambda(antlr4::ParserRuleContext *c, P::LambdaParamListContext *params, Expr *(ASTBuilder::*body)(antlr4::ParserRuleContext *));
  Expr *lambdaBody(antlr4::ParserRuleContext *c);
  Expr *lambdaBodyNoCond(antlr4::ParserRuleContext *c);
  Expr *orTest(P::OrTestContext *c);
  Expr *andTest(P::AndTestContext *c);
  Expr *notTest(P::NotTestContext *c);
  Expr *comparison(P::ComparisonContext *c);
  Expr *starExpr(P::StarExprContext *c);
  Expr *expr(P::ExprContext *c);
  Expr *binaryChain(antlr4::ParserRuleContext *c, Expr *(ASTBuilder::*operand)(antlr4::ParserRuleContext *));
  Expr *xorOperand(antlr4::ParserRuleContext *c);
  Expr *andOperand(antlr4::ParserRuleContext *c);
  Expr *shiftOperand(antlr4::ParserRuleContext *c);
  Expr *arithOperand(antlr4::ParserRuleContext *c);
  Expr *termOperand(antlr4::ParserRuleContext *c);
  Expr *factorOperand(antlr4::ParserRuleContext *c);
  Expr *factor(P::FactorContext *c);
  Expr *power(P::PowerContext *c);
  Expr *awaitPrimary(P::AwaitPrimaryContext *c);
  Expr *atom(P::AtomContext *c);
  Expr *trailer(Expr *value, P::TrailerContext *c, SourceRange start);
  Expr *call(Expr *func, P::ArgListContext *args, SourceRange r);
  Expr *subscript(P::SubscriptContext *c);
  Expr *displayItem(antlr4::tree::ParseTree *t);
  Expr *parenthesized(P::AtomContext *c);
  Expr *listDisplay(P::AtomContext *c);
  Expr *braceDisplay(P::AtomContext *c);
  void compFor(P::CompForContext *c, std::vector<Comprehension> &out);
  Expr *yieldExpr(P::YieldExprContext *c);

  // ---- targets
  /// Sets [ctx] (Store or Del) on target [e] and its parts; reports invalid ones.
  void setContext(Expr *e, ExprContext ctx, bool inSequence = false);
  static const char *describe(const Expr *e);

  // ---- literals (BuildLiteral.cpp)
  Expr *number(antlr4::Token *t);
  Expr *strings(P::AtomContext *c);
  /// Splits one f-string body into parts (appended to [out]); [body] starts at [pos].
  void fstringBody(const std::string &body, bool raw, int nesting, bool isSpec,
                   size_t &i, SourceLoc &cursor, std::vector<FStringPart> &out, const antlr4::Token *tok);
  Expr *fstringSpec(const std::string &body, bool raw, int nesting, size_t &i, SourceLoc &cursor,
                    const antlr4::Token *tok);
  bool fstringField(const std::string &body, bool raw, int nesting, size_t &i, SourceLoc &cursor,
                    std::vector<FStringPart> &out, const antlr4::Token *tok);
  bool scanFieldExpr(const std::string &body, size_t &i, SourceLoc &cursor);
  Expr *parseFieldExpr(const std::string &text, SourceLoc at);

  ParseEnv &env;
  antlr4::TokenStream &tokens;
  BuildState &state;
  bool fstringFailed = false;
  const antlr4::Token *lastStop = nullptr; ///< cache for range()
  SourceLoc lastEnd;
};

} // namespace weft::parse

#endif
