// IndentingTokenSource.cpp: turns the ANTLR lexer's physical tokens into the
// logical token stream the grammar expects, as CPython's tokenizer does:
// NEWLINE ends a logical line, INDENT/DEDENT bracket blocks, newlines inside
// brackets vanish. It also enforces the nesting limits (200 brackets, 100
// indentation levels) so deep input is refused before the recursive parser
// runs, and reports the tokenizer's errors with CPython's messages. Every
// error here is fatal, as in CPython: the rest of the line cannot be trusted.
#include "parse/ParseInternal.h"

#include <cstdio>

namespace weft::parse {

using antlr4::Token;

SourceLoc tokenBegin(const Token *t) {
  return {static_cast<uint32_t>(t->getLine()), static_cast<uint32_t>(t->getCharPositionInLine() + 1)};
}

SourceLoc tokenEnd(const Token *t) {
  SourceLoc b = tokenBegin(t);
  size_t type = t->getType();
  if (type == WeftParser::INDENT || type == WeftParser::DEDENT || type == Token::EOF)
    return b;
  if (type == WeftParser::NEWLINE)
    return {b.line, b.col + 1};
  size_t start = t->getStartIndex(), stop = t->getStopIndex();
  // Only strings can span lines; everything else is one code point per index.
  // Scanned in place: a 10 MB string is the stop token of a dozen contexts.
  if (type == WeftParser::STRING || type == WeftParser::UNTERMINATED_TRIPLE) {
    auto *src = dynamic_cast<const SourceStream *>(t->getInputStream());
    if (src && start != INVALID_INDEX && stop != INVALID_INDEX && stop < src->codePoints().size()) {
      const auto &cps = src->codePoints();
      uint32_t line = b.line, col = b.col;
      for (size_t i = start; i <= stop; ++i) {
        if (cps[i] == U'\n') {
          ++line;
          col = 1;
        } else {
          ++col;
        }
      }
      return {line, col};
    }
  }
  if (start == INVALID_INDEX || stop == INVALID_INDEX || stop < start)
    return b;
  return {b.line, static_cast<uint32_t>(b.col + (stop - start + 1))};
}

SourceRange tokenRange(const ParseEnv &env, const Token *t) {
  SourceRange r;
  r.begin = tokenBegin(t);
  r.end = tokenEnd(t);
  if (r.end.line == r.begin.line && r.end.col <= r.begin.col)
    r.end.col = r.begin.col + 1;
  r.file = env.file;
  return r;
}

namespace {

/// One open bracket: its character and token, for "was never closed".
struct OpenBracket {
  char ch;
  const Token *token;
};

/// The lexer loop; a class so the many small decisions share state.
class LogicalLexer {
public:
  LogicalLexer(ParseEnv &env, WeftLexer &lexer, int initialDepth, const std::string &prefix,
               std::vector<std::unique_ptr<Token>> &out)
      : env(env), lexer(lexer), prefix(prefix), out(out), fieldMode(initialDepth > 0) {
    classifyTokenTypes();
  }

  bool run();

private:
  bool onRealToken(std::unique_ptr<Token> tok);
  bool indent(const Token *first);
  bool bracket(const Token *tok);
  bool chainDepth(const Token *tok);
  void classifyTokenTypes();
  void fail(DiagID id, const Token *at, std::vector<std::string> args = {});
  void truncate(const Token *at);

public:
  LexError error;

private:
  void emitSynthetic(size_t type, const Token *at, const char *text);

  ParseEnv &env;
  WeftLexer &lexer;
  const std::string &prefix;
  std::vector<std::unique_ptr<Token>> &out;
  bool fieldMode;
  bool atLineStart = true;
  std::string lineWs;                 ///< whitespace before the line's first token
  std::vector<int> indents{0};        ///< CPython's indstack (tabs to 8)
  std::vector<int> altIndents{0};     ///< ... and altindstack (tabs as 1)
  std::vector<OpenBracket> brackets;
  /// Per bracket level: `**`, `lambda`, `else` since the last ',' or ';'.
  std::vector<size_t> chain{0};
  size_t prefixRun = 0;
  std::vector<char> tokenClass; ///< by token type: 'p' prefix, 'c' chains, 's' separates
};

void LogicalLexer::classifyTokenTypes() {
  const antlr4::dfa::Vocabulary &vocab = lexer.getVocabulary();
  tokenClass.assign(vocab.getMaxTokenType() + 1, 0);
  for (size_t t = 1; t < tokenClass.size(); ++t) {
    std::string lit = vocab.getLiteralName(t);
    if (lit == "'not'" || lit == "'-'" || lit == "'+'" || lit == "'~'" || lit == "'await'")
      tokenClass[t] = 'p';
    else if (lit == "'**'" || lit == "'lambda'" || lit == "'else'")
      tokenClass[t] = 'c';
    else if (lit == "','" || lit == "';'")
      tokenClass[t] = 's';
  }
}

// Records the error instead of reporting it: the caller first parses the
// complete logical lines before it, so that, as with CPython's interleaved
// tokenizer and parser, an earlier syntax error is reported first.
void LogicalLexer::fail(DiagID id, const Token *at, std::vector<std::string> args) {
  if (id == DiagID::SyntaxError && !args.empty())
    args[0] = prefix + args[0];
  error = {id, tokenRange(env, at), std::move(args)};
  truncate(at);
}

// Keeps the tokens up to the last logical line end, closes the open blocks
// and ends the stream at [at], so that prefix can still be parsed.
void LogicalLexer::truncate(const Token *at) {
  // [at] may be one of the tokens dropped here: keep a copy of its position.
  antlr4::CommonToken where(const_cast<Token *>(at));
  at = &where;
  size_t keep = out.size();
  while (keep > 0 && out[keep - 1]->getType() != WeftParser::NEWLINE)
    --keep;
  out.resize(keep);
  long open = 0;
  for (auto &t : out)
    open += t->getType() == WeftParser::INDENT ? 1 : t->getType() == WeftParser::DEDENT ? -1 : 0;
  for (; open > 0; --open)
    emitSynthetic(WeftParser::DEDENT, at, "");
  emitSynthetic(Token::EOF, at, "<EOF>");
}

void LogicalLexer::emitSynthetic(size_t type, const Token *at, const char *text) {
  // A real token source: ANTLR's recovery asks it for the input stream when
  // it conjures a missing token next to this one.
  auto tok = std::make_unique<antlr4::CommonToken>(std::make_pair<antlr4::TokenSource *, antlr4::CharStream *>(
                                                       &lexer, lexer.getInputStream()),
                                                   type, antlr4::Token::DEFAULT_CHANNEL, INVALID_INDEX, INVALID_INDEX);
  tok->setText(text);
  tok->setLine(at->getLine());
  tok->setCharPositionInLine(at->getCharPositionInLine());
  out.push_back(std::move(tok));
}

bool LogicalLexer::run() {
  if (fieldMode)
    atLineStart = false;
  for (;;) {
    std::unique_ptr<Token> tok = lexer.nextToken();
    size_t type = tok->getType();
    if (type == WeftLexer::WS) {
      if (atLineStart)
        lineWs = tok->getText();
      continue;
    }
    if (type == WeftLexer::NEWLINE) {
      // Blank lines, comment-only lines and newlines inside brackets are not
      // logical line ends.
      if (atLineStart || !brackets.empty() || fieldMode) {
        lineWs.clear();
        continue;
      }
      emitSynthetic(WeftParser::NEWLINE, tok.get(), "\n");
      atLineStart = true;
      lineWs.clear();
      chain.back() = 0;
      continue;
    }
    if (type == Token::EOF) {
      if (!brackets.empty()) {
        std::string msg = std::string("'") + brackets.back().ch + "' was never closed";
        if (fieldMode)
          msg = std::string("unmatched '") + brackets.back().ch + "'";
        fail(DiagID::SyntaxError, brackets.back().token, {msg});
        return false;
      }
      if (!atLineStart && !fieldMode)
        emitSynthetic(WeftParser::NEWLINE, tok.get(), "\n");
      for (size_t i = 1; i < indents.size(); ++i)
        emitSynthetic(WeftParser::DEDENT, tok.get(), "");
      out.push_back(std::move(tok));
      return true;
    }
    if (!onRealToken(std::move(tok)))
      return false;
  }
}

bool LogicalLexer::onRealToken(std::unique_ptr<Token> tok) {
  size_t type = tok->getType();
  if (type == WeftLexer::UNTERMINATED_STRING) {
    fail(DiagID::UnterminatedString, tok.get());
    return false;
  }
  if (type == WeftLexer::UNTERMINATED_TRIPLE) {
    fail(DiagID::UnterminatedTripleString, tok.get());
    return false;
  }
  if (type == WeftLexer::ERROR_CHAR) {
    std::string text = tok->getText();
    if (text == "\\") {
      fail(DiagID::SyntaxError, tok.get(), {"unexpected character after line continuation character"});
    } else if (text.size() == 1 && static_cast<unsigned char>(text[0]) < 0x80 && text[0] >= 0x20) {
      fail(DiagID::SyntaxError, tok.get(), {"invalid syntax"});
    } else {
      std::u32string cp = antlrcpp::utf8_to_utf32(text.data(), text.data() + text.size());
      char buf[32];
      std::snprintf(buf, sizeof buf, "U+%04X", cp.empty() ? 0u : static_cast<unsigned>(cp[0]));
      bool printable = !cp.empty() && cp[0] >= 0xA0;
      fail(DiagID::SyntaxError, tok.get(),
           {printable ? "invalid character '" + text + "' (" + buf + ")"
                      : std::string("invalid non-printable character ") + buf});
    }
    return false;
  }
  if (atLineStart) {
    if (!indent(tok.get()))
      return false;
    atLineStart = false;
  }
  if (!bracket(tok.get()) || !chainDepth(tok.get()))
    return false;
  out.push_back(std::move(tok));
  return true;
}

// The parser recurses once per `not`, unary sign or `await` in a row, and
// once per `**`, `lambda` or conditional `else` in one expression, so 10^6 of
// them overflow even the parse thread's big stack and 10^5 cost half a
// gigabyte of parse tree. Runs that long always build an AST deeper than
// maxExprDepth, so they are refused here, cheaply, before the parser runs:
// prefix runs exactly; the others per comma-separated item, with slack
// because `a ** b and c ** d` does not nest.
bool LogicalLexer::chainDepth(const Token *tok) {
  size_t type = tok->getType();
  char cls = type < tokenClass.size() ? tokenClass[type] : 0;
  prefixRun = cls == 'p' ? prefixRun + 1 : 0;
  if (cls == 's')
    chain.back() = 0;
  else if (cls == 'c')
    ++chain.back();
  if (prefixRun > maxExprDepth || chain.back() > 3 * maxExprDepth) {
    fail(DiagID::SyntaxError, tok,
         {"expression too deeply nested (more than " + std::to_string(maxExprDepth) + " levels)"});
    return false;
  }
  return true;
}

// CPython's rule: measure the indentation twice, with tabs to multiples of 8
// and with tabs as one column; if the two disagree about the block structure,
// the indentation depends on the tab size, which is a TabError.
bool LogicalLexer::indent(const Token *first) {
  int col = 0, altCol = 0;
  for (char c : lineWs) {
    if (c == ' ') {
      ++col;
      ++altCol;
    } else if (c == '\t') {
      col = (col / 8 + 1) * 8;
      ++altCol;
    } else if (c == '\f') {
      col = altCol = 0;
    }
  }
  if (col == indents.back()) {
    if (altCol != altIndents.back()) {
      fail(DiagID::InconsistentTabs, first);
      return false;
    }
    return true;
  }
  if (col > indents.back()) {
    if (indents.size() + 1 > maxIndentLevels) {
      fail(DiagID::TooManyIndents, first);
      return false;
    }
    if (altCol <= altIndents.back()) {
      fail(DiagID::InconsistentTabs, first);
      return false;
    }
    indents.push_back(col);
    altIndents.push_back(altCol);
    emitSynthetic(WeftParser::INDENT, first, "");
    return true;
  }
  while (indents.size() > 1 && col < indents.back()) {
    indents.pop_back();
    altIndents.pop_back();
    emitSynthetic(WeftParser::DEDENT, first, "");
  }
  if (col != indents.back()) {
    fail(DiagID::UnindentMismatch, first);
    return false;
  }
  if (altCol != altIndents.back()) {
    fail(DiagID::InconsistentTabs, first);
    return false;
  }
  return true;
}

bool LogicalLexer::bracket(const Token *tok) {
  char ch;
  switch (tok->getType()) {
  case WeftLexer::OPEN_PAREN: ch = '('; break;
  case WeftLexer::OPEN_BRACK: ch = '['; break;
  case WeftLexer::OPEN_BRACE: ch = '{'; break;
  case WeftLexer::CLOSE_PAREN: ch = ')'; break;
  case WeftLexer::CLOSE_BRACK: ch = ']'; break;
  case WeftLexer::CLOSE_BRACE: ch = '}'; break;
  default: return true;
  }
  if (ch == '(' || ch == '[' || ch == '{') {
    // Counted here, before the parser recurses once per level.
    if (brackets.size() + 1 > maxBracketDepth) {
      fail(DiagID::TooDeeplyNested, tok);
      return false;
    }
    brackets.push_back({ch, tok});
    chain.push_back(0);
    return true;
  }
  if (brackets.empty()) {
    fail(DiagID::SyntaxError, tok, {std::string("unmatched '") + ch + "'"});
    return false;
  }
  char open = brackets.back().ch;
  if ((open == '(' && ch != ')') || (open == '[' && ch != ']') || (open == '{' && ch != '}')) {
    std::string msg = std::string("closing parenthesis '") + ch + "' does not match opening parenthesis '" + open + "'";
    fail(DiagID::SyntaxError, tok, {msg});
    return false;
  }
  brackets.pop_back();
  chain.pop_back();
  return true;
}

} // namespace

bool lexLogicalTokens(ParseEnv &env, WeftLexer &lexer, int initialDepth, const std::string &errorPrefix,
                      std::vector<std::unique_ptr<Token>> &out, LexError &error) {
  LogicalLexer l(env, lexer, initialDepth, errorPrefix, out);
  bool ok = l.run();
  error = std::move(l.error);
  return ok;
}

} // namespace weft::parse
