// BuildLiteral.cpp: ParseTreeToAST for literals. Numbers are checked against
// int64 (by length first, so a million-digit literal costs nothing); strings
// are decoded to UTF-8 (bytes to raw bytes) and adjacent literals joined;
// f-strings are split into parts following CPython 3.11's fstring_find_expr,
// each field's expression parsed by a ParseSession of its own that starts at
// the field's true line and column.
#include "parse/ASTBuilder.h"
#include "parse/Literals.h"

#include <cmath>
#include <cstdlib>

namespace weft::parse {

using antlr4::Token;

// ---------------------------------------------------------------- numbers

Expr *ASTBuilder::number(Token *t) {
  SourceRange r = tokenRange(env, t);
  std::string text = t->getText();
  NumberValue v = parseNumber(text);
  switch (v.kind) {
  case NumberValue::Int:
    return env.ctx.make<IntExpr>(r, v.intValue);
  case NumberValue::Float:
    return env.ctx.make<FloatExpr>(r, v.floatValue);
  case NumberValue::TooLarge: {
    std::string shown = text.size() > 40 ? text.substr(0, 30) + "..." : text;
    env.diags.report(DiagID::IntegerTooLarge, r, {shown});
    break;
  }
  case NumberValue::Imaginary:
    env.diags.report(DiagID::Unsupported, r, {"complex number literals"});
    break;
  case NumberValue::LeadingZeros:
    error(r, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
    break;
  }
  return env.ctx.make<IntExpr>(r, 0);
}

// ---------------------------------------------------------------- strings

/// Appends literal text to [parts], merging with a literal part before it.
static void addLiteral(std::vector<FStringPart> &parts, const std::string &s) {
  if (s.empty())
    return;
  if (!parts.empty() && !parts.back().expr)
    parts.back().literal += s;
  else
  {
    parts.emplace_back();
    parts.back().literal = s;
  }
}

/// Moves [i] forward by [n] bytes of [body], keeping [cursor] (line, column
/// in code points) in step.
static void advance(const std::string &body, size_t &i, SourceLoc &cursor, size_t n = 1) {
  for (size_t k = 0; k < n && i < body.size(); ++k, ++i) {
    unsigned char c = body[i];
    if (c == '\n') {
      ++cursor.line;
      cursor.col = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++cursor.col;
    }
  }
}

// atom : STRING+ -- implicit concatenation; any f-string makes it an FStringExpr.
Expr *ASTBuilder::strings(P::AtomContext *c) {
  SourceRange r = range(c);
  std::vector<FStringPart> parts;
  std::string bytes;
  bool anyF = false, anyBytes = false, anyStr = false;
  for (auto *node : c->STRING()) {
    Token *tok = node->getSymbol();
    std::string text = tok->getText();
    StringPrefix pre = splitStringLiteral(text);
    SourceLoc bodyLoc = tokenBegin(tok);
    bodyLoc.col += static_cast<uint32_t>(pre.prefixLen + pre.quoteLen);
    std::string body = text.substr(pre.prefixLen + pre.quoteLen, text.size() - pre.prefixLen - 2 * pre.quoteLen);
    std::string err;
    if (pre.isBytes) {
      anyBytes = true;
      std::string out;
      if (!decodeEscapes(body, true, pre.isRaw, out, err))
        env.diags.report(DiagID::InvalidEscape, tokenRange(env, tok), {err});
      bytes += out;
    } else if (pre.isFString) {
      anyF = true;
      size_t i = 0;
      SourceLoc cursor = bodyLoc;
      fstringFailed = false;
      fstringBody(body, pre.isRaw, 0, false, i, cursor, parts, tok);
    } else {
      anyStr = true;
      std::string out;
      if (!decodeEscapes(body, false, pre.isRaw, out, err))
        env.diags.report(DiagID::InvalidEscape, tokenRange(env, tok), {err});
      addLiteral(parts, out);
    }
  }
  if (anyBytes && (anyStr || anyF)) {
    error(r, "cannot mix bytes and nonbytes literals");
    return env.ctx.make<StrExpr>(r, "");
  }
  if (anyBytes)
    return env.ctx.make<BytesExpr>(r, std::move(bytes));
  if (!anyF)
    return env.ctx.make<StrExpr>(r, parts.empty() ? std::string() : parts[0].literal);
  auto *f = env.ctx.make<FStringExpr>(r);
  f->parts = std::move(parts);
  return f;
}

// ---------------------------------------------------------------- f-strings

/// Reports an f-string error at [at] (one column).
static void fstringError(ParseEnv &env, SourceLoc at, const std::string &msg) {
  SourceRange r;
  r.begin = at;
  r.end = {at.line, at.col + 1};
  r.file = env.file;
  env.diags.report(DiagID::SyntaxError, r, {msg});
}

// Literal text and fields up to the end of [body] or, in a format spec, up to
// the '}' closing the field (left at [i]). `{{` and `}}` are braces outside
// format specs; escapes are decoded after splitting, as CPython 3.11 does.
void ASTBuilder::fstringBody(const std::string &body, bool raw, int nesting, bool isSpec,
                             size_t &i, SourceLoc &cursor, std::vector<FStringPart> &out, const Token *tok) {
  std::string lit;
  auto flush = [&] {
    std::string decoded, err;
    if (!decodeEscapes(lit, false, raw, decoded, err))
      env.diags.report(DiagID::InvalidEscape, tokenRange(env, tok), {err});
    addLiteral(out, decoded);
    lit.clear();
  };
  while (i < body.size()) {
    char ch = body[i];
    if (!raw && ch == '\\' && i + 1 < body.size()) {
      char next = body[i + 1];
      if (next == 'N' && i + 2 < body.size() && body[i + 2] == '{') {
        // \N{NAME}: its braces are not a field.
        size_t close = body.find('}', i);
        size_t n = (close == std::string::npos ? body.size() : close + 1) - i;
        lit += body.substr(i, n);
        advance(body, i, cursor, n);
        continue;
      }
      lit += ch;
      advance(body, i, cursor);
      if (next != '{' && next != '}') {
        lit += next;
        advance(body, i, cursor);
      }
      continue;
    }
    if (ch == '{') {
      if (!isSpec && i + 1 < body.size() && body[i + 1] == '{') {
        lit += '{';
        advance(body, i, cursor, 2);
        continue;
      }
      flush();
      advance(body, i, cursor);
      if (!fstringField(body, raw, nesting, i, cursor, out, tok)) {
        fstringFailed = true;
        return;
      }
      continue;
    }
    if (ch == '}') {
      if (isSpec)
        break;
      if (i + 1 < body.size() && body[i + 1] == '}') {
        lit += '}';
        advance(body, i, cursor, 2);
        continue;
      }
      fstringError(env, cursor, "f-string: single '}' is not allowed");
      fstringFailed = true;
      return;
    }
    lit += ch;
    advance(body, i, cursor);
  }
  flush();
}

// A format spec `{x:>{w}}`: an f-string of its own, ending at the field's '}'.
Expr *ASTBuilder::fstringSpec(const std::string &body, bool raw, int nesting, size_t &i, SourceLoc &cursor,
                              const Token *tok) {
  SourceRange r;
  r.begin = cursor;
  r.file = env.file;
  std::vector<FStringPart> parts;
  fstringBody(body, raw, nesting, true, i, cursor, parts, tok);
  r.end = cursor;
  auto *f = env.ctx.make<FStringExpr>(r);
  f->parts = std::move(parts);
  return f;
}

// Moves [i] to the end of a field's expression: the first '!', ':', '=' or
// '}' outside brackets and strings that is not part of an operator (!=, ==,
// <=, >=). Reports CPython's error and returns false if there is none.
bool ASTBuilder::scanFieldExpr(const std::string &body, size_t &i, SourceLoc &cursor) {
  std::vector<char> open;
  char quote = 0;
  int quoteLen = 0;
  // Find where the expression ends, skipping nested brackets and strings.
  while (i < body.size()) {
    char ch = body[i];
    if (ch == '\\') {
      fstringError(env, cursor, "f-string expression part cannot include a backslash");
      return false;
    }
    if (quote) {
      if (ch == quote && (quoteLen == 1 || body.compare(i, 3, std::string(3, quote)) == 0)) {
        advance(body, i, cursor, quoteLen);
        quote = 0;
        continue;
      }
      advance(body, i, cursor);
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      quoteLen = body.compare(i, 3, std::string(3, ch)) == 0 ? 3 : 1;
      advance(body, i, cursor, quoteLen);
      continue;
    }
    if (ch == '(' || ch == '[' || ch == '{') {
      if (open.size() >= maxBracketDepth) {
        fstringError(env, cursor, "f-string: too many nested parenthesis");
        return false;
      }
      open.push_back(ch);
    } else if (ch == ')' || ch == ']' || ch == '}') {
      if (open.empty()) {
        if (ch == '}')
          break;
        fstringError(env, cursor, std::string("f-string: unmatched '") + ch + "'");
        return false;
      }
      char want = open.back() == '(' ? ')' : open.back() == '[' ? ']' : '}';
      if (ch != want) {
        fstringError(env, cursor, std::string("f-string: closing parenthesis '") + ch +
                                      "' does not match opening parenthesis '" + open.back() + "'");
        return false;
      }
      open.pop_back();
    } else if (ch == '#') {
      fstringError(env, cursor, "f-string expression part cannot include '#'");
      return false;
    } else if (open.empty() && (ch == '!' || ch == ':' || ch == '=' || ch == '<' || ch == '>')) {
      char next = i + 1 < body.size() ? body[i + 1] : 0;
      // "!=", "==", "<=", ">=" are operators; a lone '<' or '>' too.
      if (next == '=' && ch != ':') {
        advance(body, i, cursor, 2);
        continue;
      }
      if (ch == '<' || ch == '>') {
        advance(body, i, cursor);
        continue;
      }
      break;
    }
    advance(body, i, cursor);
  }
  if (quote) {
    fstringError(env, cursor, "f-string: unterminated string");
    return false;
  }
  if (!open.empty()) {
    fstringError(env, cursor, std::string("f-string: unmatched '") + open.back() + "'");
    return false;
  }
  if (i >= body.size()) {
    fstringError(env, cursor, "f-string: expecting '}'");
    return false;
  }
  return true;
}

// One replacement field, [i] just past its '{':
//   expression ['='] ['!' conversion] [':' format_spec] '}'
bool ASTBuilder::fstringField(const std::string &body, bool raw, int nesting, size_t &i, SourceLoc &cursor,
                              std::vector<FStringPart> &out, const Token *tok) {
  if (nesting >= 2) {
    fstringError(env, cursor, "f-string: expressions nested too deeply");
    return false;
  }
  size_t exprStart = i;
  SourceLoc exprLoc = cursor;
  if (!scanFieldExpr(body, i, cursor))
    return false;
  std::string exprText = body.substr(exprStart, i - exprStart);
  if (exprText.find_first_not_of(" \t\n\r\f") == std::string::npos) {
    fstringError(env, cursor, "f-string: empty expression not allowed");
    return false;
  }
  FStringPart part;
  part.expr = parseFieldExpr(exprText, exprLoc);
  if (body[i] == '=') {
    // {x=}: the source text up to and including '=' and the spaces after it.
    advance(body, i, cursor);
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r' || body[i] == '\f'))
      advance(body, i, cursor);
    part.selfDoc = body.substr(exprStart, i - exprStart);
  }
  if (i < body.size() && body[i] == '!') {
    advance(body, i, cursor);
    char conv = i < body.size() ? body[i] : 0;
    if (conv != 's' && conv != 'r' && conv != 'a') {
      fstringError(env, cursor, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
      return false;
    }
    part.conversion = conv;
    advance(body, i, cursor);
  }
  if (i < body.size() && body[i] == ':') {
    advance(body, i, cursor);
    part.formatSpec = fstringSpec(body, raw, nesting + 1, i, cursor, tok);
    if (fstringFailed)
      return false;
  }
  if (i >= body.size() || body[i] != '}') {
    fstringError(env, cursor, "f-string: expecting '}'");
    return false;
  }
  advance(body, i, cursor);
  // {x=} shows the repr unless a conversion or format spec says otherwise.
  if (!part.selfDoc.empty() && !part.conversion && !part.formatSpec)
    part.conversion = 'r';
  out.push_back(std::move(part));
  return true;
}

/// Parses one field's expression text, which starts at [at] in the file.
Expr *ASTBuilder::parseFieldExpr(const std::string &text, SourceLoc at) {
  ParseSession sub(env, text, at.line, at.col, "f-string: ");
  auto *tree = sub.parseFStringExpr();
  if (!tree) {
    SourceRange r;
    r.begin = at;
    r.end = at;
    r.file = env.file;
    return env.ctx.make<NoneExpr>(r);
  }
  ASTBuilder b(env, sub.tokenStream(), state);
  return b.fstringField(tree);
}

// fstringExpr : (yieldExpr | starExprs) EOF
Expr *ASTBuilder::fstringField(P::FstringExprContext *c) {
  if (c->yieldExpr())
    return yieldExpr(c->yieldExpr());
  return starExprs(c->starExprs());
}

} // namespace weft::parse
