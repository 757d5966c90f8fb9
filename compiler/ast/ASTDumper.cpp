// ASTDumper.cpp: prints an AST as an indented tree, e.g.
//   FunctionDef 'f' async <1:1>
//     Param 'x' <1:17>
//     body:
//       Return <2:3>
//         Name 'x' Load <2:10>
// Labels ("body:", "orelse:") mark the statement lists; expression children
// follow their parent in field order. The parser bounds expression depth, so
// plain recursion is safe here.
#include "ast/ASTDumper.h"

#include <iomanip>
#include <sstream>

namespace weft {

namespace {

class Dumper {
public:
  explicit Dumper(std::ostream &os) : os(os) {}

  void stmts(const char *label, const StmtList &list, int ind) {
    if (list.empty())
      return;
    line(ind) << label << ":\n";
    for (const Stmt *s : list)
      stmt(s, ind + 1);
  }
  void stmt(const Stmt *s, int ind);
  void expr(const Expr *e, int ind, const char *label = nullptr);

private:
  std::ostream &line(int ind) { return os << std::string(static_cast<size_t>(ind) * 2, ' '); }
  static std::string at(const SourceRange &r) {
    return "<" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.col) + ">";
  }
  static std::string quoted(const std::string &s, bool bytes = false);
  void params(const std::vector<Param> &ps, int ind);
  void keywords(const std::vector<Keyword> &ks, int ind);

  std::ostream &os;
};

std::string Dumper::quoted(const std::string &s, bool bytes) {
  std::string out = "'";
  for (unsigned char c : s) {
    if (c == '\\' || c == '\'') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "'";
}

const char *ctxName(ExprContext c) {
  return c == ExprContext::Load ? "Load" : c == ExprContext::Store ? "Store" : "Del";
}

const char *binName(BinaryOp op) {
  static const char *names[] = {"Add", "Sub", "Mul", "TrueDiv", "FloorDiv", "Mod", "Pow",
                                "LShift", "RShift", "BitAnd", "BitOr", "BitXor", "MatMul"};
  return names[static_cast<int>(op)];
}

const char *cmpName(CompareOp op) {
  static const char *names[] = {"Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn"};
  return names[static_cast<int>(op)];
}

const char *paramKindName(ParamKind k) {
  static const char *names[] = {"positional-only", "positional", "*args", "keyword-only", "**kwargs"};
  return names[static_cast<int>(k)];
}

void Dumper::params(const std::vector<Param> &ps, int ind) {
  for (const Param &p : ps) {
    line(ind) << "Param '" << p.name << "' " << paramKindName(p.kind) << ' ' << at(p.range) << '\n';
    expr(p.annotation, ind + 1, "annotation");
    expr(p.defaultValue, ind + 1, "default");
  }
}

void Dumper::keywords(const std::vector<Keyword> &ks, int ind) {
  for (const Keyword &k : ks) {
    line(ind) << "Keyword " << (k.name.empty() ? std::string("**") : "'" + k.name + "'") << ' ' << at(k.range) << '\n';
    expr(k.value, ind + 1);
  }
}

void Dumper::expr(const Expr *e, int ind, const char *label) {
  if (!e)
    return;
  std::ostream &o = line(ind);
  if (label)
    o << label << ": ";
  int in = ind + 1;
  switch (e->kind) {
  case ExprKind::Name: {
    auto *n = static_cast<const NameExpr *>(e);
    o << "Name '" << n->id << "' " << ctxName(n->ctx) << ' ' << at(e->range) << '\n';
    return;
  }
  case ExprKind::Int: o << "Int " << static_cast<const IntExpr *>(e)->value << ' ' << at(e->range) << '\n'; return;
  case ExprKind::Float: {
    std::ostringstream v;
    v << std::setprecision(17) << static_cast<const FloatExpr *>(e)->value;
    o << "Float " << v.str() << ' ' << at(e->range) << '\n';
    return;
  }
  case ExprKind::Str: o << "Str " << quoted(static_cast<const StrExpr *>(e)->value) << ' ' << at(e->range) << '\n'; return;
  case ExprKind::Bytes: o << "Bytes b" << quoted(static_cast<const BytesExpr *>(e)->value, true) << ' ' << at(e->range) << '\n'; return;
  case ExprKind::Bool: o << (static_cast<const BoolExpr *>(e)->value ? "True " : "False ") << at(e->range) << '\n'; return;
  case ExprKind::None: o << "None " << at(e->range) << '\n'; return;
  case ExprKind::Ellipsis: o << "Ellipsis " << at(e->range) << '\n'; return;
  case ExprKind::FString: {
    o << "FString " << at(e->range) << '\n';
    for (const FStringPart &p : static_cast<const FStringExpr *>(e)->parts) {
      if (!p.expr) {
        line(in) << "Literal " << quoted(p.literal) << '\n';
        continue;
      }
      line(in) << "Field";
      if (p.conversion)
        os << " !" << p.conversion;
      if (!p.selfDoc.empty())
        os << " selfdoc=" << quoted(p.selfDoc);
      os << '\n';
      expr(p.expr, in + 1);
      expr(p.formatSpec, in + 1, "spec");
    }
    return;
  }
  case ExprKind::BinOp: {
    auto *b = static_cast<const BinOpExpr *>(e);
    o << "BinOp " << binName(b->op) << ' ' << at(e->range) << '\n';
    expr(b->lhs, in);
    expr(b->rhs, in);
    return;
  }
  case ExprKind::UnaryOp: {
    auto *u = static_cast<const UnaryOpExpr *>(e);
    static const char *names[] = {"Neg", "Pos", "Invert", "Not"};
    o << "UnaryOp " << names[static_cast<int>(u->op)] << ' ' << at(e->range) << '\n';
    expr(u->operand, in);
    return;
  }
  case ExprKind::BoolOp: {
    auto *b = static_cast<const BoolOpExpr *>(e);
    o << "BoolOp " << (b->op == BoolOpKind::And ? "And " : "Or ") << at(e->range) << '\n';
    for (const Expr *v : b->values)
      expr(v, in);
    return;
  }
  case ExprKind::Compare: {
    auto *c = static_cast<const CompareExpr *>(e);
    o << "Compare";
    for (CompareOp op : c->ops)
      o << ' ' << cmpName(op);
    o << ' ' << at(e->range) << '\n';
    expr(c->left, in);
    for (const Expr *v : c->comparators)
      expr(v, in);
    return;
  }
  case ExprKind::Call: {
    auto *c = static_cast<const CallExpr *>(e);
    o << "Call " << at(e->range) << '\n';
    expr(c->func, in);
    for (const Expr *a : c->args)
      expr(a, in, "arg");
    keywords(c->keywords, in);
    return;
  }
  case ExprKind::Attribute: {
    auto *a = static_cast<const AttributeExpr *>(e);
    o << "Attribute '" << a->attr << "' " << ctxName(a->ctx) << ' ' << at(e->range) << '\n';
    expr(a->value, in);
    return;
  }
  case ExprKind::Subscript: {
    auto *s = static_cast<const SubscriptExpr *>(e);
    o << "Subscript " << ctxName(s->ctx) << ' ' << at(e->range) << '\n';
    expr(s->value, in);
    expr(s->index, in, "index");
    return;
  }
  case ExprKind::Slice: {
    auto *s = static_cast<const SliceExpr *>(e);
    o << "Slice " << at(e->range) << '\n';
    expr(s->lower, in, "lower");
    expr(s->upper, in, "upper");
    expr(s->step, in, "step");
    return;
  }
  case ExprKind::Tuple:
  case ExprKind::List:
  case ExprKind::Set: {
    auto *s = static_cast<const SequenceExpr *>(e);
    o << (e->kind == ExprKind::Tuple ? "Tuple " : e->kind == ExprKind::List ? "List " : "Set ");
    if (e->kind != ExprKind::Set)
      o << ctxName(s->ctx) << ' ';
    o << at(e->range) << '\n';
    for (const Expr *v : s->elts)
      expr(v, in);
    return;
  }
  case ExprKind::Dict: {
    auto *d = static_cast<const DictExpr *>(e);
    o << "Dict " << at(e->range) << '\n';
    for (size_t i = 0; i < d->values.size(); ++i) {
      if (d->keys[i])
        expr(d->keys[i], in, "key");
      expr(d->values[i], in, d->keys[i] ? "value" : "**");
    }
    return;
  }
  case ExprKind::ListComp:
  case ExprKind::SetComp:
  case ExprKind::DictComp:
  case ExprKind::GeneratorExp: {
    auto *c = static_cast<const ComprehensionExpr *>(e);
    static const char *names[] = {"ListComp", "SetComp", "DictComp", "GeneratorExp"};
    o << names[static_cast<int>(e->kind) - static_cast<int>(ExprKind::ListComp)] << ' ' << at(e->range) << '\n';
    expr(c->elt, in, c->value ? "key" : "elt");
    expr(c->value, in, "value");
    for (const Comprehension &g : c->generators) {
      line(in) << (g.isAsync ? "async for\n" : "for\n");
      expr(g.target, in + 1, "target");
      expr(g.iter, in + 1, "iter");
      for (const Expr *i : g.ifs)
        expr(i, in + 1, "if");
    }
    return;
  }
  case ExprKind::Lambda: {
    auto *l = static_cast<const LambdaExpr *>(e);
    o << "Lambda " << at(e->range) << '\n';
    params(l->params, in);
    expr(l->body, in, "body");
    return;
  }
  case ExprKind::IfExp: {
    auto *i = static_cast<const IfExpExpr *>(e);
    o << "IfExp " << at(e->range) << '\n';
    expr(i->test, in, "test");
    expr(i->body, in, "body");
    expr(i->orelse, in, "orelse");
    return;
  }
  case ExprKind::Await:
    o << "Await " << at(e->range) << '\n';
    expr(static_cast<const AwaitExpr *>(e)->value, in);
    return;
  case ExprKind::Yield:
    o << "Yield " << at(e->range) << '\n';
    expr(static_cast<const YieldExpr *>(e)->value, in);
    return;
  case ExprKind::YieldFrom:
    o << "YieldFrom " << at(e->range) << '\n';
    expr(static_cast<const YieldFromExpr *>(e)->value, in);
    return;
  case ExprKind::Starred: {
    auto *s = static_cast<const StarredExpr *>(e);
    o << "Starred " << ctxName(s->ctx) << ' ' << at(e->range) << '\n';
    expr(s->value, in);
    return;
  }
  case ExprKind::NamedExpr: {
    auto *n = static_cast<const NamedExpr *>(e);
    o << "NamedExpr " << at(e->range) << '\n';
    expr(n->target, in);
    expr(n->value, in);
    return;
  }
  }
  o << "? " << at(e->range) << '\n';
}

void Dumper::stmt(const Stmt *s, int ind) {
  std::ostream &o = line(ind);
  int in = ind + 1;
  switch (s->kind) {
  case StmtKind::Expr:
    o << "Expr " << at(s->range) << '\n';
    expr(static_cast<const ExprStmt *>(s)->value, in);
    return;
  case StmtKind::Assign: {
    auto *a = static_cast<const AssignStmt *>(s);
    o << "Assign " << at(s->range) << '\n';
    for (const Expr *t : a->targets)
      expr(t, in, "target");
    expr(a->value, in, "value");
    return;
  }
  case StmtKind::AugAssign: {
    auto *a = static_cast<const AugAssignStmt *>(s);
    o << "AugAssign " << binName(a->op) << ' ' << at(s->range) << '\n';
    expr(a->target, in, "target");
    expr(a->value, in, "value");
    return;
  }
  case StmtKind::AnnAssign: {
    auto *a = static_cast<const AnnAssignStmt *>(s);
    o << "AnnAssign " << at(s->range) << '\n';
    expr(a->target, in, "target");
    expr(a->annotation, in, "annotation");
    expr(a->value, in, "value");
    return;
  }
  case StmtKind::FunctionDef: {
    auto *f = static_cast<const FunctionDefStmt *>(s);
    o << "FunctionDef '" << f->name << "'" << (f->isAsync ? " async" : "") << (f->isGenerator ? " generator" : "")
      << ' ' << at(s->range) << '\n';
    for (const TypeParam &t : f->typeParams)
      line(in) << "TypeParam '" << t.name << "' " << at(t.range) << '\n';
    for (const Expr *d : f->decorators)
      expr(d, in, "decorator");
    params(f->params, in);
    expr(f->returns, in, "returns");
    stmts("body", f->body, in);
    return;
  }
  case StmtKind::ClassDef: {
    auto *c = static_cast<const ClassDefStmt *>(s);
    o << "ClassDef '" << c->name << "' " << at(s->range) << '\n';
    for (const TypeParam &t : c->typeParams)
      line(in) << "TypeParam '" << t.name << "' " << at(t.range) << '\n';
    for (const Expr *d : c->decorators)
      expr(d, in, "decorator");
    for (const Expr *b : c->bases)
      expr(b, in, "base");
    keywords(c->keywords, in);
    stmts("body", c->body, in);
    return;
  }
  case StmtKind::Return:
    o << "Return " << at(s->range) << '\n';
    expr(static_cast<const ReturnStmt *>(s)->value, in);
    return;
  case StmtKind::If: {
    auto *i = static_cast<const IfStmt *>(s);
    o << "If " << at(s->range) << '\n';
    expr(i->test, in, "test");
    stmts("body", i->body, in);
    stmts("orelse", i->orelse, in);
    return;
  }
  case StmtKind::While: {
    auto *w = static_cast<const WhileStmt *>(s);
    o << "While " << at(s->range) << '\n';
    expr(w->test, in, "test");
    stmts("body", w->body, in);
    stmts("orelse", w->orelse, in);
    return;
  }
  case StmtKind::For: {
    auto *f = static_cast<const ForStmt *>(s);
    o << "For" << (f->isAsync ? " async " : " ") << at(s->range) << '\n';
    expr(f->target, in, "target");
    expr(f->iter, in, "iter");
    stmts("body", f->body, in);
    stmts("orelse", f->orelse, in);
    return;
  }
  case StmtKind::Break: o << "Break " << at(s->range) << '\n'; return;
  case StmtKind::Continue: o << "Continue " << at(s->range) << '\n'; return;
  case StmtKind::Pass: o << "Pass " << at(s->range) << '\n'; return;
  case StmtKind::Try: {
    auto *t = static_cast<const TryStmt *>(s);
    o << "Try " << at(s->range) << '\n';
    stmts("body", t->body, in);
    for (const ExceptHandler &h : t->handlers) {
      line(in) << "ExceptHandler" << (h.name.empty() ? "" : " as '" + h.name + "'") << ' ' << at(h.range) << '\n';
      expr(h.type, in + 1, "type");
      stmts("body", h.body, in + 1);
    }
    stmts("orelse", t->orelse, in);
    stmts("finally", t->finalbody, in);
    return;
  }
  case StmtKind::Raise: {
    auto *r = static_cast<const RaiseStmt *>(s);
    o << "Raise " << at(s->range) << '\n';
    expr(r->exc, in, "exc");
    expr(r->cause, in, "cause");
    return;
  }
  case StmtKind::With: {
    auto *w = static_cast<const WithStmt *>(s);
    o << "With" << (w->isAsync ? " async " : " ") << at(s->range) << '\n';
    for (const WithItem &i : w->items) {
      expr(i.contextExpr, in, "item");
      expr(i.optionalVars, in + 1, "as");
    }
    stmts("body", w->body, in);
    return;
  }
  case StmtKind::Global:
  case StmtKind::Nonlocal: {
    auto *n = static_cast<const NameListStmt *>(s);
    o << (s->kind == StmtKind::Global ? "Global" : "Nonlocal");
    for (const std::string &name : n->names)
      o << " '" << name << "'";
    o << ' ' << at(s->range) << '\n';
    return;
  }
  case StmtKind::Del:
    o << "Del " << at(s->range) << '\n';
    for (const Expr *t : static_cast<const DelStmt *>(s)->targets)
      expr(t, in);
    return;
  case StmtKind::Assert: {
    auto *a = static_cast<const AssertStmt *>(s);
    o << "Assert " << at(s->range) << '\n';
    expr(a->test, in, "test");
    expr(a->msg, in, "msg");
    return;
  }
  case StmtKind::Import:
  case StmtKind::ImportFrom: {
    const std::vector<Alias> *names;
    if (s->kind == StmtKind::Import) {
      o << "Import " << at(s->range) << '\n';
      names = &static_cast<const ImportStmt *>(s)->names;
    } else {
      auto *f = static_cast<const ImportFromStmt *>(s);
      o << "ImportFrom " << std::string(static_cast<size_t>(f->level), '.') << f->module << ' ' << at(s->range) << '\n';
      names = &f->names;
    }
    for (const Alias &a : *names)
      line(in) << "Alias '" << a.name << "'" << (a.asname.empty() ? "" : " as '" + a.asname + "'") << ' '
               << at(a.range) << '\n';
    return;
  }
  }
  o << "? " << at(s->range) << '\n';
}

} // namespace

void dumpAST(const Module &m, std::ostream &os) {
  os << "Module '" << m.name << "'\n";
  Dumper d(os);
  for (const Stmt *s : m.body)
    d.stmt(s, 1);
}

void dumpExpr(const Expr *e, std::ostream &os, int indent) {
  Dumper d(os);
  d.expr(e, indent);
}

} // namespace weft
