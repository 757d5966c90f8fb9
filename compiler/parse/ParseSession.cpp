// ParseSession.cpp: runs the ANTLR lexer, the IndentingTokenSource and the
// parser over one text, and turns ANTLR's error callbacks into diagnostics
// with CPython's wording. Parsing is two-stage (the usual ANTLR trick): SLL
// prediction with a bail-out strategy first, which is fast and right for
// valid input; only if it fails is the text re-parsed in full LL mode with
// error recovery, so every syntax error gets reported.
#include "parse/ParseInternal.h"

namespace weft::parse {

namespace {

/// Reports parser errors into the DiagnosticEngine: at most one per line,
/// since ANTLR's recovery tends to produce follow-on errors there.
class SyntaxErrorListener : public antlr4::BaseErrorListener {
public:
  /// Errors on or after line [limit] (0: none) are dropped: they come from
  /// the end of a token stream cut short by a tokenizer error.
  SyntaxErrorListener(ParseEnv &env, const std::string &prefix, size_t limit = 0)
      : env(env), prefix(prefix), limit(limit) {}

  void syntaxError(antlr4::Recognizer *recognizer, antlr4::Token *offending, size_t line, size_t col,
                   const std::string &msg, std::exception_ptr e) override {
    // After a first error, one at the end of input is almost always its echo.
    if (line == lastLine || (lastLine && offending && offending->getType() == antlr4::Token::EOF))
      return;
    if (limit && (line >= limit || (offending && offending->getType() == antlr4::Token::EOF)))
      return;
    lastLine = line;
    std::string text = prefix + describe(dynamic_cast<antlr4::Parser *>(recognizer), offending);
    SourceRange r;
    if (offending) {
      r = tokenRange(env, offending);
    } else {
      r.begin = {static_cast<uint32_t>(line), static_cast<uint32_t>(col + 1)};
      r.end = {r.begin.line, r.begin.col + 1};
      r.file = env.file;
    }
    env.diags.report(DiagID::SyntaxError, r, {text});
  }

private:
  /// CPython's message for the common cases, "invalid syntax" otherwise.
  std::string describe(antlr4::Parser *parser, antlr4::Token *tok) {
    if (tok && tok->getType() == WeftParser::INDENT)
      return "unexpected indent";
    antlr4::misc::IntervalSet expected;
    if (parser) {
      try {
        expected = parser->getExpectedTokens();
      } catch (...) {
        // The expected set is only a nicety for the message.
      }
    }
    if (expected.contains(static_cast<size_t>(WeftParser::INDENT)))
      return "expected an indented block" + blockOwner(parser);
    if (expected.size() == 1) {
      std::string lit = parser->getVocabulary().getLiteralName(expected.getMinElement());
      if (lit == "':'" || lit == "'in'" || lit == "'='")
        return "expected " + lit;
    }
    return "invalid syntax";
  }

  /// " after 'if' statement on line 3", naming what the missing block belongs to.
  static std::string blockOwner(antlr4::Parser *parser) {
    antlr4::ParserRuleContext *c = parser->getContext();
    if (c && dynamic_cast<WeftParser::BlockContext *>(c))
      c = dynamic_cast<antlr4::ParserRuleContext *>(c->parent);
    if (!c || !c->getStart())
      return "";
    // For else/elif/except/finally the clause's own keyword starts the context.
    antlr4::Token *kw = c->getStart();
    std::string word = kw->getText();
    if (word == "async" || word == "@") {
      if (auto *f = dynamic_cast<WeftParser::FuncDefContext *>(c))
        word = "def", kw = f->NAME() ? f->NAME()->getSymbol() : kw;
    }
    std::string what;
    if (word == "def")
      what = "function definition";
    else if (word == "class")
      what = "class definition";
    else if (word == "if" || word == "elif" || word == "else" || word == "for" || word == "while" ||
             word == "with" || word == "try" || word == "except" || word == "finally")
      what = "'" + word + "' statement";
    else
      return "";
    return " after " + what + " on line " + std::to_string(kw->getLine());
  }

  ParseEnv &env;
  const std::string &prefix;
  size_t limit;
  size_t lastLine = 0;
};

} // namespace

ParseSession::ParseSession(ParseEnv &env, const std::string &text, size_t line, size_t col, std::string errorPrefix)
    : env(env), prefix(std::move(errorPrefix)), input(text) {
  lexer = std::make_unique<WeftLexer>(&input);
  lexer->removeErrorListeners();
  lexer->setLine(line);
  lexer->setCharPositionInLine(col - 1);
}

ParseSession::~ParseSession() = default;

bool ParseSession::prepare(int initialDepth) {
  LexError lexError;
  bool ok = lexLogicalTokens(env, *lexer, initialDepth, prefix, tokens, lexError);
  source = std::make_unique<antlr4::ListTokenSource>(std::move(tokens));
  stream = std::make_unique<antlr4::CommonTokenStream>(source.get());
  parser = std::make_unique<WeftParser>(stream.get());
  parser->removeErrorListeners();
  if (ok)
    return true;
  // Report syntax errors in the lines before the tokenizer error first.
  if (initialDepth == 0) {
    listener = std::make_unique<SyntaxErrorListener>(env, prefix, std::max<size_t>(1, lexError.range.begin.line));
    parser->addErrorListener(listener.get());
    parser->fileInput();
  }
  env.diags.report(lexError.id, lexError.range, lexError.args);
  return false;
}

template <typename Ctx> Ctx *ParseSession::runParser(Ctx *(WeftParser::*rule)()) {
  using namespace antlr4;
  auto *sim = parser->getInterpreter<atn::ParserATNSimulator>();
  sim->setPredictionMode(atn::PredictionMode::SLL);
  parser->setErrorHandler(std::make_shared<BailErrorStrategy>());
  try {
    return (parser.get()->*rule)();
  } catch (ParseCancellationException &) {
    // Fall through to the full LL parse with recovery and error reports.
  }
  stream->seek(0);
  parser->reset();
  sim->setPredictionMode(atn::PredictionMode::LL);
  parser->setErrorHandler(std::make_shared<DefaultErrorStrategy>());
  listener = std::make_unique<SyntaxErrorListener>(env, prefix);
  parser->addErrorListener(listener.get());
  unsigned before = env.diags.errors();
  Ctx *tree = (parser.get()->*rule)();
  if (env.diags.errors() == before && parser->getNumberOfSyntaxErrors() == 0)
    return tree;
  if (env.diags.errors() == before) {
    // ANTLR counted an error our listener folded into an earlier line's.
    SourceRange r;
    r.file = env.file;
    env.diags.report(DiagID::SyntaxError, r, {prefix + "invalid syntax"});
  }
  return nullptr;
}

WeftParser::FileInputContext *ParseSession::parseFile() {
  if (!prepare(0))
    return nullptr;
  return runParser(&WeftParser::fileInput);
}

WeftParser::FstringExprContext *ParseSession::parseFStringExpr() {
  if (!prepare(1))
    return nullptr;
  return runParser(&WeftParser::fstringExpr);
}

} // namespace weft::parse
