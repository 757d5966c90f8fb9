// BuildExpr.cpp: ParseTreeToAST for expressions, following the grammar's
// precedence levels from `test` down to `atom`, plus assignment-target
// checking. Operator chains that the grammar matches iteratively (a + b + c)
// become left-nested BinOps here; ranges come from the parse contexts so a
// parenthesized operand's parentheses are inside its parent's range.
#include "parse/ASTBuilder.h"
#include "parse/Literals.h"

#include <functional>
#include <unordered_set>

namespace weft::parse {

using antlr4::ParserRuleContext;
using antlr4::Token;
using antlr4::tree::ParseTree;
using antlr4::tree::TerminalNode;

// ---------------------------------------------------------------- comma lists

/// One element of a comma list (a display, exprList, starExprs), or null for
/// the commas between them.
Expr *ASTBuilder::displayItem(ParseTree *t) {
  if (auto *c = dynamic_cast<P::NamedExprTestContext *>(t))
    return namedExprTest(c);
  if (auto *c = dynamic_cast<P::StarExprContext *>(t))
    return starExpr(c);
  if (auto *c = dynamic_cast<P::TestContext *>(t))
    return test(c);
  if (auto *c = dynamic_cast<P::ExprContext *>(t))
    return expr(c);
  return nullptr;
}

/// Builds a comma list: a lone element without a comma is itself, anything
/// else a tuple spanning the list.
static Expr *commaList(ASTContext &ctx, ParserRuleContext *c, SourceRange r,
                       const std::function<Expr *(ParseTree *)> &item, bool &loneStar) {
  std::vector<Expr *> elts;
  bool comma = false;
  for (auto *child : c->children) {
    if (Expr *e = item(child))
      elts.push_back(e);
    else
      comma = true;
  }
  loneStar = false;
  if (elts.size() == 1 && !comma) {
    loneStar = elts[0]->kind == ExprKind::Starred;
    return elts[0];
  }
  auto *t = ctx.make<SequenceExpr>(ExprKind::Tuple, r);
  t->elts = std::move(elts);
  return t;
}

// starExprs : (test | starExpr) (',' (test | starExpr))* ','?
Expr *ASTBuilder::starExprs(P::StarExprsContext *c, bool allowLoneStar) {
  bool loneStar;
  Expr *e = commaList(env.ctx, c, range(c), [this](ParseTree *t) { return displayItem(t); }, loneStar);
  if (loneStar && !allowLoneStar)
    error(e->range, "can't use starred expression here");
  return e;
}

// exprList : (expr | starExpr) (',' (expr | starExpr))* ','?
Expr *ASTBuilder::exprList(P::ExprListContext *c) {
  bool loneStar;
  return commaList(env.ctx, c, range(c), [this](ParseTree *t) { return displayItem(t); }, loneStar);
}

// namedExprTest : NAME ':=' test | test
Expr *ASTBuilder::namedExprTest(P::NamedExprTestContext *c) {
  if (!c->NAME())
    return test(c->test());
  return env.ctx.make<NamedExpr>(range(c), storeName(c->NAME()), test(c->test()));
}

// ---------------------------------------------------------------- conditional, lambda, boolean

// test : orTest ('if' orTest 'else' test)? | lambdef
Expr *ASTBuilder::test(P::TestContext *c) {
  if (auto *l = c->lambdef())
    return lambda(l, l->lambdaParamList(), &ASTBuilder::lambdaBody);
  auto ors = c->orTest();
  if (ors.size() == 1)
    return orTest(ors[0]);
  Expr *body = orTest(ors[0]);
  Expr *cond = orTest(ors[1]);
  return env.ctx.make<IfExpExpr>(range(c), cond, body, test(c->test()));
}

// testNoCond : orTest | lambdefNoCond
Expr *ASTBuilder::testNoCond(P::TestNoCondContext *c) {
  if (auto *l = c->lambdefNoCond())
    return lambda(l, l->lambdaParamList(), &ASTBuilder::lambdaBodyNoCond);
  return orTest(c->orTest());
}

Expr *ASTBuilder::lambdaBody(ParserRuleContext *c) { return test(static_cast<P::LambdefContext *>(c)->test()); }

Expr *ASTBuilder::lambdaBodyNoCond(ParserRuleContext *c) {
  return testNoCond(static_cast<P::LambdefNoCondContext *>(c)->testNoCond());
}

// lambdef : 'lambda' lambdaParamList? ':' test
Expr *ASTBuilder::lambda(ParserRuleContext *c, P::LambdaParamListContext *params,
                         Expr *(ASTBuilder::*body)(ParserRuleContext *)) {
  std::vector<Param> ps;
  if (params)
    lambdaParams(params, ps);
  // A yield in a lambda makes the lambda a generator, not the enclosing def.
  state.functions.push_back(nullptr);
  int savedComp = state.comprehensionDepth;
  state.comprehensionDepth = 0;
  Expr *b = (this->*body)(c);
  state.comprehensionDepth = savedComp;
  state.functions.pop_back();
  auto *l = env.ctx.make<LambdaExpr>(range(c), b);
  l->params = std::move(ps);
  return l;
}

// orTest : andTest ('or' andTest)*
Expr *ASTBuilder::orTest(P::OrTestContext *c) {
  auto parts = c->andTest();
  if (parts.size() == 1)
    return andTest(parts[0]);
  auto *b = env.ctx.make<BoolOpExpr>(range(c), BoolOpKind::Or);
  for (auto *p : parts)
    b->values.push_back(andTest(p));
  return b;
}

// andTest : notTest ('and' notTest)*
Expr *ASTBuilder::andTest(P::AndTestContext *c) {
  auto parts = c->notTest();
  if (parts.size() == 1)
    return notTest(parts[0]);
  auto *b = env.ctx.make<BoolOpExpr>(range(c), BoolOpKind::And);
  for (auto *p : parts)
    b->values.push_back(notTest(p));
  return b;
}

// notTest : 'not' notTest | comparison
Expr *ASTBuilder::notTest(P::NotTestContext *c) {
  if (c->comparison())
    return comparison(c->comparison());
  return env.ctx.make<UnaryOpExpr>(range(c), UnaryOpKind::Not, notTest(c->notTest()));
}

// comparison : expr (compOp expr)*
Expr *ASTBuilder::comparison(P::ComparisonContext *c) {
  auto operands = c->expr();
  if (operands.size() == 1)
    return expr(operands[0]);
  auto *cmp = env.ctx.make<CompareExpr>(range(c), expr(operands[0]));
  static const std::pair<const char *, CompareOp> table[] = {
      {"<", CompareOp::Lt},     {">", CompareOp::Gt}, {"==", CompareOp::Eq},    {">=", CompareOp::GtE},
      {"<=", CompareOp::LtE},   {"!=", CompareOp::NotEq}, {"in", CompareOp::In}, {"notin", CompareOp::NotIn},
      {"is", CompareOp::Is},    {"isnot", CompareOp::IsNot}};
  auto ops = c->compOp();
  for (size_t i = 0; i < ops.size(); ++i) {
    std::string text = ops[i]->getText(); // child texts joined: "notin", "isnot"
    CompareOp op = CompareOp::Eq;
    for (auto &[t, o] : table)
      if (text == t)
        op = o;
    cmp->ops.push_back(op);
    cmp->comparators.push_back(expr(operands[i + 1]));
  }
  return cmp;
}

// starExpr : '*' expr
Expr *ASTBuilder::starExpr(P::StarExprContext *c) { return env.ctx.make<StarredExpr>(range(c), expr(c->expr())); }

// ---------------------------------------------------------------- binary operators

static BinaryOp binaryOp(const std::string &op) {
  static const std::pair<const char *, BinaryOp> table[] = {
      {"|", BinaryOp::BitOr},   {"^", BinaryOp::BitXor},  {"&", BinaryOp::BitAnd},  {"<<", BinaryOp::LShift},
      {">>", BinaryOp::RShift}, {"+", BinaryOp::Add},     {"-", BinaryOp::Sub},     {"*", BinaryOp::Mul},
      {"@", BinaryOp::MatMul},  {"/", BinaryOp::TrueDiv}, {"%", BinaryOp::Mod},     {"//", BinaryOp::FloorDiv}};
  for (auto &[t, o] : table)
    if (op == t)
      return o;
  return BinaryOp::Add;
}

/// `operand (op operand)*`, left-associative. Iterative, so a sum of 10^5
/// terms costs no stack here (the depth check afterwards refuses it).
Expr *ASTBuilder::binaryChain(ParserRuleContext *c, Expr *(ASTBuilder::*operand)(ParserRuleContext *)) {
  auto &kids = c->children;
  auto *first = dynamic_cast<ParserRuleContext *>(kids[0]);
  Expr *lhs = (this->*operand)(first);
  SourceRange begin = range(first);
  for (size_t i = 1; i + 1 < kids.size(); i += 2) {
    auto *rc = dynamic_cast<ParserRuleContext *>(kids[i + 1]);
    Expr *rhs = (this->*operand)(rc);
    lhs = env.ctx.make<BinOpExpr>(span(begin, range(rc)), binaryOp(kids[i]->getText()), lhs, rhs);
  }
  return lhs;
}

// expr : xorExpr ('|' xorExpr)* ; xorExpr : andExpr ('^' andExpr)* ; ...
Expr *ASTBuilder::expr(P::ExprContext *c) { return binaryChain(c, &ASTBuilder::xorOperand); }
Expr *ASTBuilder::xorOperand(ParserRuleContext *c) { return binaryChain(c, &ASTBuilder::andOperand); }
Expr *ASTBuilder::andOperand(ParserRuleContext *c) { return binaryChain(c, &ASTBuilder::shiftOperand); }
Expr *ASTBuilder::shiftOperand(ParserRuleContext *c) { return binaryChain(c, &ASTBuilder::arithOperand); }
Expr *ASTBuilder::arithOperand(ParserRuleContext *c) { return binaryChain(c, &ASTBuilder::termOperand); }
Expr *ASTBuilder::termOperand(ParserRuleContext *c) { return binaryChain(c, &ASTBuilder::factorOperand); }
Expr *ASTBuilder::factorOperand(ParserRuleContext *c) { return factor(static_cast<P::FactorContext *>(c)); }

// factor : ('+' | '-' | '~') factor | power
Expr *ASTBuilder::factor(P::FactorContext *c) {
  if (c->power())
    return power(c->power());
  std::string op = c->getStart()->getText();
  P::FactorContext *inner = c->factor();
  // -9223372036854775808 is the one literal whose magnitude does not fit:
  // it becomes IntExpr(INT64_MIN) directly instead of Neg(too-large).
  if (op == "-" && inner->power() && !inner->power()->factor()) {
    auto *ap = inner->power()->awaitPrimary();
    if (!ap->AWAIT() && ap->trailer().empty() && ap->atom()->NUMBER()) {
      std::string digits;
      for (char ch : ap->atom()->NUMBER()->getText())
        if (ch != '_')
          digits += ch;
      if (digits == "9223372036854775808")
        return env.ctx.make<IntExpr>(range(c), INT64_MIN);
    }
  }
  UnaryOpKind k = op == "-" ? UnaryOpKind::Neg : op == "+" ? UnaryOpKind::Pos : UnaryOpKind::Invert;
  return env.ctx.make<UnaryOpExpr>(range(c), k, factor(inner));
}

// power : awaitPrimary ('**' factor)?
Expr *ASTBuilder::power(P::PowerContext *c) {
  Expr *base = awaitPrimary(c->awaitPrimary());
  if (!c->factor())
    return base;
  return env.ctx.make<BinOpExpr>(range(c), BinaryOp::Pow, base, factor(c->factor()));
}

// awaitPrimary : AWAIT awaitPrimary | atom trailer*
Expr *ASTBuilder::awaitPrimary(P::AwaitPrimaryContext *c) {
  if (c->AWAIT())
    return env.ctx.make<AwaitExpr>(range(c), awaitPrimary(c->awaitPrimary()));
  Expr *e = atom(c->atom());
  SourceRange start = range(c->atom());
  for (auto *t : c->trailer())
    e = trailer(e, t, start);
  return e;
}

// trailer : '(' argList? ')' | '[' subscriptList ']' | '.' NAME
Expr *ASTBuilder::trailer(Expr *value, P::TrailerContext *c, SourceRange start) {
  SourceRange r = span(start, range(c));
  if (c->NAME()) {
    auto *a = env.ctx.make<AttributeExpr>(r, value, identifier(c->NAME()));
    a->attrRange = range(c->NAME());
    return a;
  }
  if (auto *subs = c->subscriptList()) {
    // subscriptList : subscript (',' subscript)* ','?
    bool loneStar;
    Expr *index = commaList(env.ctx, subs, range(subs), [this](ParseTree *t) -> Expr * {
      auto *s = dynamic_cast<P::SubscriptContext *>(t);
      return s ? subscript(s) : nullptr;
    }, loneStar);
    if (loneStar)
      error(index->range, "can't use starred expression here");
    return env.ctx.make<SubscriptExpr>(r, value, index);
  }
  return call(value, c->argList(), r);
}

// subscript : NAME ':=' test | starExpr | test sliceTail? | sliceTail
// sliceTail : ':' test? (':' test?)?
Expr *ASTBuilder::subscript(P::SubscriptContext *c) {
  if (c->NAME())
    return env.ctx.make<NamedExpr>(range(c), storeName(c->NAME()), test(c->test()));
  if (c->starExpr())
    return starExpr(c->starExpr());
  if (!c->sliceTail())
    return test(c->test());
  auto *s = env.ctx.make<SliceExpr>(range(c));
  if (c->test())
    s->lower = test(c->test());
  int colons = 0;
  for (auto *child : c->sliceTail()->children) {
    if (auto *t = dynamic_cast<P::TestContext *>(child))
      (colons == 1 ? s->upper : s->step) = test(t);
    else
      ++colons;
  }
  return s;
}

// argList : argument (',' argument)* ','?
// argument : NAME '=' test | namedExprTest compFor? | '**' test | '*' test
Expr *ASTBuilder::call(Expr *func, P::ArgListContext *args, SourceRange r) {
  auto *call = env.ctx.make<CallExpr>(r, func);
  if (!args)
    return call;
  auto list = args->argument();
  bool sawKeyword = false, sawKwUnpack = false;
  std::unordered_set<std::string> names;
  for (auto *a : list) {
    SourceRange ar = range(a);
    std::string first = a->getStart()->getText();
    if (first == "**" && !a->NAME()) {
      call->keywords.push_back({"", test(a->test()), ar});
      sawKwUnpack = true;
    } else if (first == "*" && !a->namedExprTest()) {
      if (sawKwUnpack)
        error(ar, "iterable argument unpacking follows keyword argument unpacking");
      call->args.push_back(env.ctx.make<StarredExpr>(ar, test(a->test())));
    } else if (a->NAME()) {
      std::string name = identifier(a->NAME());
      if (!names.insert(name).second)
        error(ar, "keyword argument repeated: " + name);
      call->keywords.push_back({name, test(a->test()), ar});
      sawKeyword = true;
    } else {
      Expr *e;
      if (a->compFor()) {
        // f(x for x in y): a generator expression as the sole argument.
        if (list.size() > 1)
          error(ar, "Generator expression must be parenthesized");
        auto *g = env.ctx.make<ComprehensionExpr>(ExprKind::GeneratorExp, ar);
        ++state.comprehensionDepth;
        g->elt = namedExprTest(a->namedExprTest());
        compFor(a->compFor(), g->generators);
        --state.comprehensionDepth;
        e = g;
      } else {
        e = namedExprTest(a->namedExprTest());
      }
      if (sawKwUnpack)
        error(ar, "positional argument follows keyword argument unpacking");
      else if (sawKeyword)
        error(ar, "positional argument follows keyword argument");
      call->args.push_back(e);
    }
  }
  return call;
}

// ---------------------------------------------------------------- atoms and displays

// atom : '(' ... ')' | '[' ... ']' | '{' ... '}' | NAME | NUMBER | STRING+ | '...' | 'None' | 'True' | 'False'
Expr *ASTBuilder::atom(P::AtomContext *c) {
  SourceRange r = range(c);
  if (c->OPEN_PAREN())
    return parenthesized(c);
  if (c->OPEN_BRACK())
    return listDisplay(c);
  if (c->OPEN_BRACE())
    return braceDisplay(c);
  if (c->NAME())
    return env.ctx.make<NameExpr>(r, identifier(c->NAME()));
  if (c->NUMBER())
    return number(c->NUMBER()->getSymbol());
  if (!c->STRING().empty())
    return strings(c);
  std::string text = c->getText();
  if (text == "None")
    return env.ctx.make<NoneExpr>(r);
  if (text == "True" || text == "False")
    return env.ctx.make<BoolExpr>(r, text == "True");
  return env.ctx.make<EllipsisExpr>(r);
}

// '(' (yieldExpr | testListComp)? ')'
Expr *ASTBuilder::parenthesized(P::AtomContext *c) {
  SourceRange r = range(c);
  if (c->yieldExpr())
    return yieldExpr(c->yieldExpr());
  auto *tl = c->testListComp();
  if (!tl)
    return env.ctx.make<SequenceExpr>(ExprKind::Tuple, r);
  if (tl->compFor()) {
    auto *g = env.ctx.make<ComprehensionExpr>(ExprKind::GeneratorExp, r);
    ++state.comprehensionDepth;
    g->elt = displayItem(tl->children[0]);
    if (g->elt->kind == ExprKind::Starred)
      error(g->elt->range, "iterable unpacking cannot be used in comprehension");
    compFor(tl->compFor(), g->generators);
    --state.comprehensionDepth;
    return g;
  }
  bool loneStar;
  Expr *e = commaList(env.ctx, tl, r, [this](ParseTree *t) { return displayItem(t); }, loneStar);
  if (loneStar)
    error(e->range, "cannot use starred expression here");
  return e;
}

// '[' testListComp? ']'
Expr *ASTBuilder::listDisplay(P::AtomContext *c) {
  SourceRange r = range(c);
  auto *tl = c->testListComp();
  if (tl && tl->compFor()) {
    auto *g = env.ctx.make<ComprehensionExpr>(ExprKind::ListComp, r);
    ++state.comprehensionDepth;
    g->elt = displayItem(tl->children[0]);
    if (g->elt->kind == ExprKind::Starred)
      error(g->elt->range, "iterable unpacking cannot be used in comprehension");
    compFor(tl->compFor(), g->generators);
    --state.comprehensionDepth;
    return g;
  }
  auto *l = env.ctx.make<SequenceExpr>(ExprKind::List, r);
  if (tl)
    for (auto *child : tl->children)
      if (Expr *e = displayItem(child))
        l->elts.push_back(e);
  return l;
}

// '{' dictOrSetMaker? '}'
// dictOrSetMaker : dictItem (compFor | (',' dictItem)* ','?)
//                | (namedExprTest | starExpr) (compFor | (',' (namedExprTest | starExpr))* ','?)
Expr *ASTBuilder::braceDisplay(P::AtomContext *c) {
  SourceRange r = range(c);
  auto *m = c->dictOrSetMaker();
  if (!m)
    return env.ctx.make<DictExpr>(r);
  auto items = m->dictItem();
  if (!items.empty()) {
    // dictItem : test ':' test | '**' expr
    if (m->compFor()) {
      auto *g = env.ctx.make<ComprehensionExpr>(ExprKind::DictComp, r);
      ++state.comprehensionDepth;
      if (items[0]->expr()) {
        error(range(items[0]), "dict unpacking cannot be used in dict comprehension");
        g->elt = expr(items[0]->expr());
      } else {
        g->elt = test(items[0]->test(0));
        g->value = test(items[0]->test(1));
      }
      compFor(m->compFor(), g->generators);
      --state.comprehensionDepth;
      return g;
    }
    auto *d = env.ctx.make<DictExpr>(r);
    for (auto *item : items) {
      if (item->expr()) {
        d->keys.push_back(nullptr);
        d->values.push_back(expr(item->expr()));
      } else {
        d->keys.push_back(test(item->test(0)));
        d->values.push_back(test(item->test(1)));
      }
    }
    return d;
  }
  if (m->compFor()) {
    auto *g = env.ctx.make<ComprehensionExpr>(ExprKind::SetComp, r);
    ++state.comprehensionDepth;
    g->elt = displayItem(m->children[0]);
    if (g->elt->kind == ExprKind::Starred)
      error(g->elt->range, "iterable unpacking cannot be used in comprehension");
    compFor(m->compFor(), g->generators);
    --state.comprehensionDepth;
    return g;
  }
  auto *s = env.ctx.make<SequenceExpr>(ExprKind::Set, r);
  for (auto *child : m->children)
    if (Expr *e = displayItem(child))
      s->elts.push_back(e);
  return s;
}

// compFor : compClause+
// compClause : ASYNC? 'for' exprList 'in' orTest compIf*
// compIf : 'if' testNoCond
void ASTBuilder::compFor(P::CompForContext *c, std::vector<Comprehension> &out) {
  for (auto *clause : c->compClause()) {
    Comprehension g;
    g.target = exprList(clause->exprList());
    setContext(g.target, ExprContext::Store);
    g.iter = orTest(clause->orTest());
    g.isAsync = clause->ASYNC() != nullptr;
    for (auto *cond : clause->compIf())
      g.ifs.push_back(testNoCond(cond->testNoCond()));
    out.push_back(std::move(g));
  }
}

// yieldExpr : 'yield' ('from' test | starExprs)?
Expr *ASTBuilder::yieldExpr(P::YieldExprContext *c) {
  SourceRange r = range(c);
  if (state.comprehensionDepth > 0)
    error(r, "'yield' inside comprehension");
  if (!state.functions.empty() && state.functions.back())
    state.functions.back()->isGenerator = true;
  if (c->test())
    return env.ctx.make<YieldFromExpr>(r, test(c->test()));
  auto *y = env.ctx.make<YieldExpr>(r);
  if (c->starExprs())
    y->value = starExprs(c->starExprs());
  return y;
}

// ---------------------------------------------------------------- targets

/// CPython's name for an expression that cannot be a target.
const char *ASTBuilder::describe(const Expr *e) {
  switch (e->kind) {
  case ExprKind::Call: return "function call";
  case ExprKind::Int: case ExprKind::Float: case ExprKind::Str: case ExprKind::Bytes: return "literal";
  case ExprKind::FString: return "f-string expression";
  case ExprKind::Bool: return static_cast<const BoolExpr *>(e)->value ? "True" : "False";
  case ExprKind::None: return "None";
  case ExprKind::Ellipsis: return "ellipsis";
  case ExprKind::Compare: return "comparison";
  case ExprKind::Lambda: return "lambda";
  case ExprKind::IfExp: return "conditional expression";
  case ExprKind::Await: return "await expression";
  case ExprKind::Yield: case ExprKind::YieldFrom: return "yield expression";
  case ExprKind::NamedExpr: return "named expression";
  case ExprKind::Dict: return "dict literal";
  case ExprKind::Set: return "set display";
  case ExprKind::ListComp: return "list comprehension";
  case ExprKind::SetComp: return "set comprehension";
  case ExprKind::DictComp: return "dict comprehension";
  case ExprKind::GeneratorExp: return "generator expression";
  case ExprKind::Tuple: return "tuple";
  case ExprKind::List: return "list";
  case ExprKind::Starred: return "starred";
  case ExprKind::Name: return "name";
  case ExprKind::Attribute: return "attribute";
  case ExprKind::Subscript: return "subscript";
  default: return "expression";
  }
}

void ASTBuilder::setContext(Expr *e, ExprContext ctx, bool inSequence) {
  switch (e->kind) {
  case ExprKind::Name:
    static_cast<NameExpr *>(e)->ctx = ctx;
    return;
  case ExprKind::Attribute:
    static_cast<AttributeExpr *>(e)->ctx = ctx;
    return;
  case ExprKind::Subscript:
    static_cast<SubscriptExpr *>(e)->ctx = ctx;
    return;
  case ExprKind::Tuple:
  case ExprKind::List: {
    auto *s = static_cast<SequenceExpr *>(e);
    s->ctx = ctx;
    int starred = 0;
    for (Expr *elt : s->elts) {
      if (elt->kind == ExprKind::Starred && ++starred == 2 && ctx == ExprContext::Store)
        error(elt->range, "multiple starred expressions in assignment");
      setContext(elt, ctx, true);
    }
    return;
  }
  case ExprKind::Starred: {
    auto *s = static_cast<StarredExpr *>(e);
    if (ctx == ExprContext::Del) {
      error(e->range, "cannot delete starred");
      return;
    }
    if (!inSequence) {
      error(e->range, "starred assignment target must be in a list or tuple");
      return;
    }
    s->ctx = ctx;
    setContext(s->value, ctx, false);
    return;
  }
  default:
    if (ctx == ExprContext::Del)
      error(e->range, std::string("cannot delete ") + describe(e));
    else
      env.diags.report(DiagID::InvalidAssignTarget, e->range, {describe(e)});
  }
}

} // namespace weft::parse
