// BuildStmt.cpp: ParseTreeToAST for statements, blocks, definitions and
// parameter lists. Each function carries the grammar production it builds.
// Checks CPython's parser makes on statements (assignment targets, the order
// of parameters) are made here, with its messages.
#include "parse/ASTBuilder.h"
#include "parse/Literals.h"

#include <unordered_set>

namespace weft::parse {

using antlr4::ParserRuleContext;
using antlr4::Token;
using antlr4::tree::TerminalNode;

// ---------------------------------------------------------------- positions

static bool isSynthetic(const Token *t) {
  size_t type = t->getType();
  return type == WeftParser::NEWLINE || type == WeftParser::INDENT || type == WeftParser::DEDENT ||
         type == Token::EOF;
}

SourceRange ASTBuilder::range(ParserRuleContext *c) {
  SourceRange r;
  r.file = env.file;
  Token *start = c->getStart(), *stop = c->getStop();
  if (!start)
    return r;
  r.begin = tokenBegin(start);
  // A block ends with NEWLINE/DEDENT tokens that sit on the next line; the
  // construct really ends at the last token written in the source.
  if (stop && isSynthetic(stop)) {
    size_t i = stop->getTokenIndex();
    while (i != INVALID_INDEX && i > start->getTokenIndex() && isSynthetic(tokens.get(i)))
      --i;
    stop = tokens.get(i);
  }
  const Token *last = stop && stop->getTokenIndex() >= start->getTokenIndex() ? stop : start;
  // Nested contexts share their last token; its end is computed once.
  if (last != lastStop) {
    lastStop = last;
    lastEnd = tokenEnd(last);
  }
  r.end = lastEnd;
  return r;
}

SourceRange ASTBuilder::range(TerminalNode *n) { return tokenRange(env, n->getSymbol()); }

SourceRange ASTBuilder::span(const SourceRange &a, const SourceRange &b) {
  SourceRange r = a;
  r.end = b.end;
  return r;
}

void ASTBuilder::error(const SourceRange &r, const std::string &msg) {
  env.diags.report(DiagID::SyntaxError, r, {msg});
}

// Identifiers are NFKC-normalized, as CPython does (PEP 3131): `ﬁle` is `file`.
std::string ASTBuilder::identifier(TerminalNode *n) {
  std::string text = n->getText();
  for (unsigned char c : text)
    if (c >= 0x80)
      return normalizeIdentifier(text);
  return text;
}

// dottedName : NAME ('.' NAME)*
std::string ASTBuilder::dottedName(P::DottedNameContext *c) {
  std::string out;
  for (auto *n : c->NAME())
    out += (out.empty() ? "" : ".") + identifier(n);
  return out;
}

NameExpr *ASTBuilder::storeName(TerminalNode *n) {
  auto *e = env.ctx.make<NameExpr>(range(n), identifier(n));
  e->ctx = ExprContext::Store;
  return e;
}

// ---------------------------------------------------------------- statements

// fileInput : (NEWLINE | stmt)* EOF
void ASTBuilder::file(P::FileInputContext *c, StmtList &out) {
  for (auto *s : c->stmt())
    stmt(s, out);
}

// stmt : simpleStmts | compoundStmt
void ASTBuilder::stmt(P::StmtContext *c, StmtList &out) {
  if (auto *s = c->simpleStmts())
    simpleStmts(s, out);
  else if (Stmt *s = compoundStmt(c->compoundStmt()))
    out.push_back(s);
}

// simpleStmts : simpleStmt (';' simpleStmt)* ';'? NEWLINE
void ASTBuilder::simpleStmts(P::SimpleStmtsContext *c, StmtList &out) {
  for (auto *s : c->simpleStmt())
    if (Stmt *st = simpleStmt(s))
      out.push_back(st);
}

Stmt *ASTBuilder::simpleStmt(P::SimpleStmtContext *c) {
  SourceRange r = range(c);
  if (auto *s = c->exprStmt())
    return exprStmt(s);
  if (auto *s = c->delStmt()) {
    // delStmt : 'del' exprList -- `del a, b` has two targets, `del (a, b)` one.
    auto *d = env.ctx.make<DelStmt>(r);
    for (auto *child : s->exprList()->children)
      if (Expr *e = displayItem(child)) {
        setContext(e, ExprContext::Del);
        d->targets.push_back(e);
      }
    return d;
  }
  if (c->passStmt())
    return env.ctx.make<PassStmt>(r);
  if (c->breakStmt())
    return env.ctx.make<BreakStmt>(r);
  if (c->continueStmt())
    return env.ctx.make<ContinueStmt>(r);
  if (auto *s = c->returnStmt()) {
    auto *ret = env.ctx.make<ReturnStmt>(r);
    if (s->starExprs())
      ret->value = starExprs(s->starExprs());
    return ret;
  }
  if (auto *s = c->raiseStmt()) {
    // raiseStmt : 'raise' (test ('from' test)?)?
    auto *raise = env.ctx.make<RaiseStmt>(r);
    auto tests = s->test();
    if (!tests.empty())
      raise->exc = test(tests[0]);
    if (tests.size() > 1)
      raise->cause = test(tests[1]);
    return raise;
  }
  if (auto *s = c->importName())
    return importName(s);
  if (auto *s = c->importFrom())
    return importFrom(s);
  if (auto *s = c->globalStmt()) {
    auto *g = env.ctx.make<NameListStmt>(StmtKind::Global, r);
    for (auto *n : s->NAME())
      g->names.push_back(identifier(n));
    return g;
  }
  if (auto *s = c->nonlocalStmt()) {
    auto *g = env.ctx.make<NameListStmt>(StmtKind::Nonlocal, r);
    for (auto *n : s->NAME())
      g->names.push_back(identifier(n));
    return g;
  }
  if (auto *s = c->assertStmt()) {
    auto tests = s->test();
    auto *a = env.ctx.make<AssertStmt>(r, test(tests[0]));
    if (tests.size() > 1)
      a->msg = test(tests[1]);
    return a;
  }
  return nullptr;
}

static BinaryOp augOp(const std::string &op) {
  static const std::pair<const char *, BinaryOp> table[] = {
      {"+=", BinaryOp::Add},     {"-=", BinaryOp::Sub},     {"*=", BinaryOp::Mul},
      {"@=", BinaryOp::MatMul},  {"/=", BinaryOp::TrueDiv}, {"%=", BinaryOp::Mod},
      {"&=", BinaryOp::BitAnd},  {"|=", BinaryOp::BitOr},   {"^=", BinaryOp::BitXor},
      {"<<=", BinaryOp::LShift}, {">>=", BinaryOp::RShift}, {"**=", BinaryOp::Pow},
      {"//=", BinaryOp::FloorDiv}};
  for (auto &[text, bop] : table)
    if (op == text)
      return bop;
  return BinaryOp::Add;
}

// exprStmt
//   : yieldExpr
//   | starExprs (annAssign | augAssignOp (yieldExpr | starExprs) | ('=' (yieldExpr | starExprs))*)
Stmt *ASTBuilder::exprStmt(P::ExprStmtContext *c) {
  SourceRange r = range(c);
  // The right-hand sides in source order: targets first, the value last.
  std::vector<ParserRuleContext *> parts;
  for (auto *child : c->children)
    if (auto *rc = dynamic_cast<ParserRuleContext *>(child))
      if (dynamic_cast<P::StarExprsContext *>(rc) || dynamic_cast<P::YieldExprContext *>(rc))
        parts.push_back(rc);
  auto build = [&](ParserRuleContext *p, bool allowLoneStar) -> Expr * {
    if (auto *y = dynamic_cast<P::YieldExprContext *>(p))
      return yieldExpr(y);
    return starExprs(static_cast<P::StarExprsContext *>(p), allowLoneStar);
  };

  if (auto *ann = c->annAssign()) {
    // x: T [= value] -- a single target only.
    Expr *target = build(parts[0], true);
    if (target->kind == ExprKind::Tuple)
      error(target->range, "only single target (not tuple) can be annotated");
    else if (target->kind == ExprKind::List)
      error(target->range, "only single target (not list) can be annotated");
    else if (target->kind != ExprKind::Name && target->kind != ExprKind::Attribute &&
             target->kind != ExprKind::Subscript)
      error(target->range, std::string("illegal target for annotation"));
    else
      setContext(target, ExprContext::Store);
    Expr *value = nullptr;
    if (ann->yieldExpr())
      value = yieldExpr(ann->yieldExpr());
    else if (ann->starExprs())
      value = starExprs(ann->starExprs());
    return env.ctx.make<AnnAssignStmt>(r, target, test(ann->test()), value);
  }
  if (auto *op = c->augAssignOp()) {
    Expr *target = build(parts[0], true);
    if (target->kind == ExprKind::Name || target->kind == ExprKind::Attribute ||
        target->kind == ExprKind::Subscript)
      setContext(target, ExprContext::Store);
    else
      error(target->range, std::string("'") + describe(target) + "' is an illegal expression for augmented assignment");
    return env.ctx.make<AugAssignStmt>(r, target, augOp(op->getText()), build(parts[1], false));
  }
  if (parts.size() == 1)
    return env.ctx.make<ExprStmt>(r, build(parts[0], false));
  auto *assign = env.ctx.make<AssignStmt>(r, build(parts.back(), false));
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    Expr *target = build(parts[i], true);
    setContext(target, ExprContext::Store);
    assign->targets.push_back(target);
  }
  return assign;
}

// importName : 'import' dottedAsName (',' dottedAsName)*
Stmt *ASTBuilder::importName(P::ImportNameContext *c) {
  auto *imp = env.ctx.make<ImportStmt>(range(c));
  for (auto *d : c->dottedAsName()) {
    Alias a;
    a.range = range(d);
    a.name = dottedName(d->dottedName());
    auto names = d->dottedName()->NAME();
    if (d->NAME()) {
      a.asname = identifier(d->NAME());
      a.target = storeName(d->NAME());
    } else {
      // `import a.b` binds `a`.
      a.target = storeName(names[0]);
    }
    imp->names.push_back(std::move(a));
  }
  return imp;
}

// importFrom : 'from' importDots* dottedName 'import' importTargets
//            | 'from' importDots+ 'import' importTargets
Stmt *ASTBuilder::importFrom(P::ImportFromContext *c) {
  auto *imp = env.ctx.make<ImportFromStmt>(range(c));
  for (auto *d : c->importDots())
    imp->level += d->getText() == "..." ? 3 : 1;
  if (c->dottedName())
    imp->module = dottedName(c->dottedName());
  auto *targets = c->importTargets();
  if (targets->getText() == "*") {
    env.diags.report(DiagID::Unsupported, range(targets), {"'from ... import *'"});
    return imp;
  }
  for (auto *n : targets->importAsName()) {
    Alias a;
    a.range = range(n);
    auto names = n->NAME();
    a.name = identifier(names[0]);
    if (names.size() > 1)
      a.asname = identifier(names[1]);
    a.target = storeName(names.back());
    imp->names.push_back(std::move(a));
  }
  return imp;
}

// ---------------------------------------------------------------- compound statements

Stmt *ASTBuilder::compoundStmt(P::CompoundStmtContext *c) {
  if (auto *s = c->ifStmt())
    return ifStmt(s);
  if (auto *s = c->whileStmt())
    return whileStmt(s);
  if (auto *s = c->forStmt())
    return forStmt(s);
  if (auto *s = c->tryStmt())
    return tryStmt(s);
  if (auto *s = c->withStmt())
    return withStmt(s);
  if (auto *s = c->funcDef())
    return funcDef(s, {}, range(s));
  if (auto *s = c->classDef())
    return classDef(s, {}, range(s));
  if (auto *s = c->decorated()) {
    // decorated : decorator+ (classDef | funcDef) -- the range starts at the first '@'.
    std::vector<Expr *> decorators;
    for (auto *d : s->decorator())
      decorators.push_back(namedExprTest(d->namedExprTest()));
    if (s->funcDef())
      return funcDef(s->funcDef(), std::move(decorators), range(s));
    return classDef(s->classDef(), std::move(decorators), range(s));
  }
  return nullptr;
}

// block : simpleStmts | NEWLINE INDENT stmt+ DEDENT
void ASTBuilder::block(P::BlockContext *c, StmtList &out) {
  if (auto *s = c->simpleStmts()) {
    simpleStmts(s, out);
    return;
  }
  for (auto *s : c->stmt())
    stmt(s, out);
}

// ifStmt : 'if' namedExprTest ':' block elifClause* elseClause?
// An elif chain becomes IfStmts nested in orelse, each ranging to the chain's end.
Stmt *ASTBuilder::ifStmt(P::IfStmtContext *c) {
  SourceRange whole = range(c);
  auto *top = env.ctx.make<IfStmt>(whole, namedExprTest(c->namedExprTest()));
  block(c->block(), top->body);
  IfStmt *last = top;
  for (auto *elif : c->elifClause()) {
    SourceRange r = range(elif);
    r.end = whole.end;
    auto *next = env.ctx.make<IfStmt>(r, namedExprTest(elif->namedExprTest()));
    block(elif->block(), next->body);
    last->orelse.push_back(next);
    last = next;
  }
  if (auto *e = c->elseClause())
    block(e->block(), last->orelse);
  return top;
}

// whileStmt : 'while' namedExprTest ':' block elseClause?
Stmt *ASTBuilder::whileStmt(P::WhileStmtContext *c) {
  auto *w = env.ctx.make<WhileStmt>(range(c), namedExprTest(c->namedExprTest()));
  block(c->block(), w->body);
  if (auto *e = c->elseClause())
    block(e->block(), w->orelse);
  return w;
}

// forStmt : ASYNC? 'for' exprList 'in' starExprs ':' block elseClause?
Stmt *ASTBuilder::forStmt(P::ForStmtContext *c) {
  Expr *target = exprList(c->exprList());
  setContext(target, ExprContext::Store);
  auto *f = env.ctx.make<ForStmt>(range(c), target, starExprs(c->starExprs()));
  f->isAsync = c->ASYNC() != nullptr;
  block(c->block(), f->body);
  if (auto *e = c->elseClause())
    block(e->block(), f->orelse);
  return f;
}

// tryStmt : 'try' ':' block (exceptClause+ elseClause? finallyClause? | finallyClause)
Stmt *ASTBuilder::tryStmt(P::TryStmtContext *c) {
  auto *t = env.ctx.make<TryStmt>(range(c));
  block(c->block(), t->body);
  auto handlers = c->exceptClause();
  for (size_t i = 0; i < handlers.size(); ++i) {
    // exceptClause : 'except' (test ('as' NAME)?)? ':' block
    auto *h = handlers[i];
    ExceptHandler eh;
    eh.range = range(h);
    if (h->test()) {
      eh.type = test(h->test());
    } else if (i + 1 < handlers.size()) {
      error(tokenRange(env, h->getStart()), "default 'except:' must be last");
    }
    if (h->NAME()) {
      eh.name = identifier(h->NAME());
      eh.target = storeName(h->NAME());
    }
    block(h->block(), eh.body);
    t->handlers.push_back(std::move(eh));
  }
  if (auto *e = c->elseClause())
    block(e->block(), t->orelse);
  if (auto *f = c->finallyClause())
    block(f->block(), t->finalbody);
  return t;
}

// withStmt : ASYNC? 'with' '(' withItem (',' withItem)* ','? ')' ':' block
//          | ASYNC? 'with' withItem (',' withItem)* ':' block
Stmt *ASTBuilder::withStmt(P::WithStmtContext *c) {
  auto *w = env.ctx.make<WithStmt>(range(c));
  w->isAsync = c->ASYNC() != nullptr;
  for (auto *item : c->withItem()) {
    // withItem : test ('as' expr)?
    WithItem wi;
    wi.contextExpr = test(item->test());
    if (item->expr()) {
      wi.optionalVars = expr(item->expr());
      setContext(wi.optionalVars, ExprContext::Store);
    }
    w->items.push_back(wi);
  }
  block(c->block(), w->body);
  return w;
}

// funcDef : ASYNC? 'def' NAME typeParams? '(' paramList? ')' ('->' test)? ':' block
Stmt *ASTBuilder::funcDef(P::FuncDefContext *c, std::vector<Expr *> decorators, SourceRange start) {
  SourceRange r = span(start, range(c));
  auto *f = env.ctx.make<FunctionDefStmt>(r, identifier(c->NAME()));
  f->nameRange = range(c->NAME());
  f->isAsync = c->ASYNC() != nullptr;
  f->decorators = std::move(decorators);
  if (c->typeParams())
    f->typeParams = typeParams(c->typeParams());
  // Defaults and annotations are evaluated in the enclosing scope.
  if (c->paramList())
    params(c->paramList(), f->params);
  if (c->test())
    f->returns = test(c->test());
  state.functions.push_back(f);
  int savedComp = state.comprehensionDepth;
  state.comprehensionDepth = 0;
  block(c->block(), f->body);
  state.comprehensionDepth = savedComp;
  state.functions.pop_back();
  return f;
}

// classDef : 'class' NAME typeParams? ('(' argList? ')')? ':' block
Stmt *ASTBuilder::classDef(P::ClassDefContext *c, std::vector<Expr *> decorators, SourceRange start) {
  SourceRange r = span(start, range(c));
  auto *k = env.ctx.make<ClassDefStmt>(r, identifier(c->NAME()));
  k->nameRange = range(c->NAME());
  k->decorators = std::move(decorators);
  if (c->typeParams())
    k->typeParams = typeParams(c->typeParams());
  if (c->argList()) {
    // Bases are built as a call's arguments, with the same order checks.
    auto *fake = static_cast<CallExpr *>(call(nullptr, c->argList(), r));
    k->bases = fake->args;
    k->keywords = fake->keywords;
  }
  state.functions.push_back(nullptr);
  block(c->block(), k->body);
  state.functions.pop_back();
  return k;
}

// typeParams : '[' typeParam (',' typeParam)* ','? ']'
std::vector<TypeParam> ASTBuilder::typeParams(P::TypeParamsContext *c) {
  std::vector<TypeParam> out;
  for (auto *p : c->typeParam())
    out.push_back({identifier(p->NAME()), range(p->NAME())});
  return out;
}

// ---------------------------------------------------------------- parameters

// paramList : param (',' param)* ','?
// param : NAME (':' test)? ('=' test)? | '*' (NAME (':' starOrTest)?)? | '**' NAME (':' test)? | '/'
void ASTBuilder::params(P::ParamListContext *c, std::vector<Param> &out) {
  std::vector<SourceRange> slashes, stars;
  bool bareStarLast = false;
  for (auto *p : c->param()) {
    std::string first = p->getStart()->getText();
    if (first == "/") {
      slashes.push_back(range(p));
      Param marker;
      marker.name = "/";
      marker.range = range(p);
      out.push_back(marker);
      continue;
    }
    Param q;
    q.range = range(p);
    if ((first == "*" || first == "**") && !p->NAME()) {
      // A bare `*` only starts the keyword-only parameters.
      stars.push_back(q.range);
      q.name = "*";
      out.push_back(q);
      bareStarLast = true;
      continue;
    }
    q.name = identifier(p->NAME());
    if (first == "*") {
      q.kind = ParamKind::VarArgs;
      stars.push_back(q.range);
    } else if (first == "**") {
      q.kind = ParamKind::VarKeywords;
    }
    // The test after ':' is the annotation, the one after '=' the default.
    bool afterColon = false;
    for (auto *child : p->children) {
      if (auto *t = dynamic_cast<TerminalNode *>(child)) {
        afterColon = t->getText() == ":";
      } else if (auto *t = dynamic_cast<P::TestContext *>(child)) {
        (afterColon ? q.annotation : q.defaultValue) = test(t);
      } else if (auto *t = dynamic_cast<P::StarOrTestContext *>(child)) {
        q.annotation = t->test() ? test(t->test()) : starExpr(t->starExpr());
      }
    }
    bareStarLast = false;
    out.push_back(q);
  }
  checkParams(out, slashes, stars, bareStarLast);
}

// lambdaParamList : lambdaParam (',' lambdaParam)* ','?
// lambdaParam : NAME ('=' test)? | '*' NAME? | '**' NAME | '/'
void ASTBuilder::lambdaParams(P::LambdaParamListContext *c, std::vector<Param> &out) {
  std::vector<SourceRange> slashes, stars;
  bool bareStarLast = false;
  for (auto *p : c->lambdaParam()) {
    std::string first = p->getStart()->getText();
    Param q;
    q.range = range(p);
    if (first == "/" || ((first == "*") && !p->NAME())) {
      (first == "/" ? slashes : stars).push_back(q.range);
      q.name = first;
      out.push_back(q);
      bareStarLast = first == "*";
      continue;
    }
    q.name = identifier(p->NAME());
    if (first == "*") {
      q.kind = ParamKind::VarArgs;
      stars.push_back(q.range);
    } else if (first == "**") {
      q.kind = ParamKind::VarKeywords;
    } else if (p->test()) {
      q.defaultValue = test(p->test());
    }
    bareStarLast = false;
    out.push_back(q);
  }
  checkParams(out, slashes, stars, bareStarLast);
}

// Resolves the `/` and bare `*` markers left in [ps] into parameter kinds and
// checks CPython's ordering rules.
void ASTBuilder::checkParams(std::vector<Param> &ps, const std::vector<SourceRange> &slashes,
                             const std::vector<SourceRange> &stars, bool bareStarLast) {
  if (slashes.size() > 1)
    error(slashes[1], "/ may appear only once");
  if (stars.size() > 1)
    error(stars[1], "* argument may appear only once");
  if (bareStarLast)
    error(stars.back(), "named arguments must follow bare *");
  std::vector<Param> out;
  bool afterStar = false, afterKwargs = false, sawDefault = false;
  std::unordered_set<std::string> seen;
  for (Param &p : ps) {
    if (p.name == "/") {
      if (afterStar)
        error(p.range, "/ must be ahead of *");
      else if (out.empty())
        error(p.range, "at least one argument must precede /");
      for (Param &q : out)
        if (q.kind == ParamKind::Positional)
          q.kind = ParamKind::PositionalOnly;
      continue;
    }
    if (afterKwargs)
      error(p.range, "arguments cannot follow var-keyword argument");
    if (p.name == "*") {
      afterStar = true;
      continue;
    }
    if (p.kind == ParamKind::VarArgs) {
      afterStar = true;
    } else if (p.kind == ParamKind::VarKeywords) {
      afterKwargs = true;
    } else if (afterStar) {
      p.kind = ParamKind::KeywordOnly;
    } else if (p.defaultValue) {
      sawDefault = true;
    } else if (sawDefault) {
      error(p.range, "non-default argument follows default argument");
    }
    if (!seen.insert(p.name).second)
      error(p.range, "duplicate argument '" + p.name + "' in function definition");
    out.push_back(p);
  }
  ps = std::move(out);
}

} // namespace weft::parse
