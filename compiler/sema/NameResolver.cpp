// NameResolver.cpp: scopes and bindings with Python's rules.
//
// Three steps. `collect` walks the tree once, creating scopes, recording the
// names each scope binds and declares, and every name reference. `capture`
// resolves each reference to find the variables inner scopes read from
// enclosing functions (those become cells, and pass-through free variables of
// the functions in between). `assignSlots` then lays out each code unit's
// locals, cells and free variables, and `bind` writes the final binding and
// slot into every NameExpr.
#include "sema/NameResolver.h"

#include <functional>

namespace weft {

namespace {

struct Reference {
  NameExpr *name;
  Scope *scope;
};

struct Resolution {
  BindingKind kind = BindingKind::Builtin;
  Scope *owner = nullptr;    ///< the code unit holding the storage
  std::string storage;       ///< storage name in the owner
};

class Resolver {
public:
  Resolver(ASTContext &ctx, ScopeArena &arena, DiagnosticEngine &diags)
      : ctx(ctx), arena(arena), diags(diags) {}

  bool run(Module &m) {
    Scope *mod = arena.make();
    mod->kind = ScopeKind::Module;
    mod->name = "<module>";
    m.scope = mod;
    moduleScope = mod;
    allScopes.push_back(mod);
    collectBody(m.body, mod);
    for (auto &r : refs)
      capture(r);
    for (Scope *s : allScopes)
      if (s->isCodeUnit())
        assignSlots(s);
    for (auto &r : refs)
      bind(r);
    return !diags.hasErrors();
  }

private:
  // ------------------------------------------------------------ collect

  Scope *newScope(ScopeKind kind, Scope *parent, const std::string &name) {
    Scope *s = arena.make();
    s->kind = kind;
    s->parent = parent;
    s->name = name;
    std::string prefix;
    if (parent && parent->kind != ScopeKind::Module) {
      prefix = parent->qualname;
      if (parent->kind == ScopeKind::Function || parent->kind == ScopeKind::Lambda)
        prefix += ".<locals>";
      prefix += ".";
    }
    s->qualname = prefix + name;
    allScopes.push_back(s);
    return s;
  }

  /// Records that [scope] binds [name]. A comprehension binds a fresh
  /// storage name in its code unit; a walrus inside one binds in the
  /// enclosing non-comprehension scope (PEP 572).
  void bindName(Scope *scope, const std::string &name) {
    if (scope->boundSet.insert(name).second)
      scope->bound.push_back(name);
    if (scope->kind == ScopeKind::Comprehension && !scope->storage.count(name)) {
      std::string fresh = name + "#" + std::to_string(++freshCounter);
      scope->storage[name] = fresh;
      Scope *unit = scope->codeUnit();
      unit->boundSet.insert(fresh);
      unit->bound.push_back(fresh);
    }
  }

  void addRef(NameExpr *n, Scope *scope) {
    refs.push_back({n, scope});
    if (n->ctx != ExprContext::Load)
      bindName(scope, n->id);
  }

  NameExpr *makeTarget(SourceRange r, const std::string &name) {
    NameExpr *n = ctx.make<NameExpr>(r, name);
    n->ctx = ExprContext::Store;
    return n;
  }

  void collectBody(StmtList &body, Scope *s) {
    for (Stmt *st : body)
      collectStmt(st, s);
  }

  void collectStmt(Stmt *st, Scope *s) {
    switch (st->kind) {
    case StmtKind::Expr:
      collectExpr(static_cast<ExprStmt *>(st)->value, s);
      break;
    case StmtKind::Assign: {
      auto *a = static_cast<AssignStmt *>(st);
      collectExpr(a->value, s);
      for (Expr *t : a->targets)
        collectExpr(t, s);
      break;
    }
    case StmtKind::AugAssign: {
      auto *a = static_cast<AugAssignStmt *>(st);
      collectExpr(a->value, s);
      collectExpr(a->target, s);
      if (auto *n = dynamic_cast<NameExpr *>(a->target))
        bindName(s, n->id);
      break;
    }
    case StmtKind::AnnAssign: {
      auto *a = static_cast<AnnAssignStmt *>(st);
      if (a->value)
        collectExpr(a->value, s);
      // Annotations are not evaluated (they name types, which sema checks);
      // an annotated name without a value is still bound in this scope.
      if (auto *n = dynamic_cast<NameExpr *>(a->target)) {
        if (a->value)
          collectExpr(a->target, s);
        else if (s->kind != ScopeKind::Class)
          bindName(s, n->id);
      } else {
        collectExpr(a->target, s);
      }
      break;
    }
    case StmtKind::FunctionDef:
      collectFunction(static_cast<FunctionDefStmt *>(st), s);
      break;
    case StmtKind::ClassDef:
      collectClass(static_cast<ClassDefStmt *>(st), s);
      break;
    case StmtKind::Return: {
      auto *r = static_cast<ReturnStmt *>(st);
      if (s->codeUnit()->kind == ScopeKind::Module || s->kind == ScopeKind::Class)
        diags.report(DiagID::ReturnOutsideFunction, st->range);
      if (r->value)
        collectExpr(r->value, s);
      break;
    }
    case StmtKind::If: {
      auto *i = static_cast<IfStmt *>(st);
      collectExpr(i->test, s);
      collectBody(i->body, s);
      collectBody(i->orelse, s);
      break;
    }
    case StmtKind::While: {
      auto *w = static_cast<WhileStmt *>(st);
      collectExpr(w->test, s);
      ++loopDepth;
      collectBody(w->body, s);
      --loopDepth;
      collectBody(w->orelse, s);
      break;
    }
    case StmtKind::For: {
      auto *f = static_cast<ForStmt *>(st);
      collectExpr(f->iter, s);
      collectExpr(f->target, s);
      ++loopDepth;
      collectBody(f->body, s);
      --loopDepth;
      collectBody(f->orelse, s);
      break;
    }
    case StmtKind::Break:
      if (loopDepth == 0)
        diags.report(DiagID::BreakOutsideLoop, st->range);
      break;
    case StmtKind::Continue:
      if (loopDepth == 0)
        diags.report(DiagID::ContinueOutsideLoop, st->range);
      break;
    case StmtKind::Pass:
      break;
    case StmtKind::Try: {
      auto *t = static_cast<TryStmt *>(st);
      collectBody(t->body, s);
      for (ExceptHandler &h : t->handlers) {
        if (h.type)
          collectExpr(h.type, s);
        if (!h.name.empty()) {
          if (!h.target)
            h.target = makeTarget(h.range, h.name);
          addRef(h.target, s);
        }
        collectBody(h.body, s);
      }
      collectBody(t->orelse, s);
      collectBody(t->finalbody, s);
      break;
    }
    case StmtKind::Raise: {
      auto *r = static_cast<RaiseStmt *>(st);
      if (r->exc)
        collectExpr(r->exc, s);
      if (r->cause)
        collectExpr(r->cause, s);
      break;
    }
    case StmtKind::With: {
      auto *w = static_cast<WithStmt *>(st);
      for (WithItem &item : w->items) {
        collectExpr(item.contextExpr, s);
        if (item.optionalVars)
          collectExpr(item.optionalVars, s);
      }
      collectBody(w->body, s);
      break;
    }
    case StmtKind::Global:
    case StmtKind::Nonlocal: {
      auto *g = static_cast<NameListStmt *>(st);
      for (const std::string &n : g->names) {
        if (st->kind == StmtKind::Global) {
          s->globals.insert(n);
          moduleBinds(n);
        } else if (s->kind == ScopeKind::Module) {
          diags.report(DiagID::NonlocalAtModule, st->range);
        } else {
          s->nonlocals.insert(n);
          nonlocalChecks.push_back({s, n, st->range});
        }
      }
      break;
    }
    case StmtKind::Del:
      for (Expr *t : static_cast<DelStmt *>(st)->targets)
        collectExpr(t, s);
      break;
    case StmtKind::Assert: {
      auto *a = static_cast<AssertStmt *>(st);
      collectExpr(a->test, s);
      if (a->msg)
        collectExpr(a->msg, s);
      break;
    }
    case StmtKind::Import:
      for (Alias &a : static_cast<ImportStmt *>(st)->names) {
        std::string bound = a.asname.empty() ? a.name.substr(0, a.name.find('.')) : a.asname;
        if (!a.target)
          a.target = makeTarget(a.range, bound);
        addRef(a.target, s);
      }
      break;
    case StmtKind::ImportFrom:
      for (Alias &a : static_cast<ImportFromStmt *>(st)->names) {
        std::string bound = a.asname.empty() ? a.name : a.asname;
        if (!a.target)
          a.target = makeTarget(a.range, bound);
        addRef(a.target, s);
      }
      break;
    }
  }

  /// A `global x` in a function makes x a module global even if the module
  /// body never assigns it.
  void moduleBinds(const std::string &n) {
    if (moduleScope->boundSet.insert(n).second)
      moduleScope->bound.push_back(n);
  }

  void collectParams(std::vector<Param> &params, Scope *outer, Scope *fn) {
    // Defaults and annotations are evaluated in the enclosing scope.
    for (Param &p : params)
      if (p.defaultValue)
        collectExpr(p.defaultValue, outer);
    for (Param &p : params)
      bindName(fn, p.name);
  }

  void collectFunction(FunctionDefStmt *f, Scope *s) {
    for (Expr *d : f->decorators)
      collectExpr(d, s);
    Scope *fn = newScope(ScopeKind::Function, s, f->name);
    fn->isAsync = f->isAsync;
    fn->isGenerator = f->isGenerator;
    f->scope = fn;
    collectParams(f->params, s, fn);
    int savedLoop = loopDepth;
    loopDepth = 0;
    collectBody(f->body, fn);
    loopDepth = savedLoop;
    if (!f->target)
      f->target = makeTarget(f->nameRange.begin.line ? f->nameRange : f->range, f->name);
    addRef(f->target, s);
  }

  void collectClass(ClassDefStmt *c, Scope *s) {
    for (Expr *d : c->decorators)
      collectExpr(d, s);
    for (Expr *b : c->bases)
      collectExpr(b, s);
    for (Keyword &k : c->keywords)
      collectExpr(k.value, s);
    Scope *cls = newScope(ScopeKind::Class, s, c->name);
    c->scope = cls;
    int savedLoop = loopDepth;
    loopDepth = 0;
    collectBody(c->body, cls);
    loopDepth = savedLoop;
    if (!c->target)
      c->target = makeTarget(c->nameRange.begin.line ? c->nameRange : c->range, c->name);
    addRef(c->target, s);
  }

  void collectComprehension(ComprehensionExpr *c, Scope *s) {
    // The first iterable is evaluated in the enclosing scope.
    collectExpr(c->generators.front().iter, s);
    Scope *cs = newScope(ScopeKind::Comprehension, s, "<comprehension>");
    c->scope = cs;
    for (size_t i = 0; i < c->generators.size(); ++i) {
      Comprehension &g = c->generators[i];
      if (i > 0)
        collectExpr(g.iter, cs);
      collectExpr(g.target, cs);
      for (Expr *cond : g.ifs)
        collectExpr(cond, cs);
    }
    collectExpr(c->elt, cs);
    if (c->value)
      collectExpr(c->value, cs);
  }

  void collectExpr(Expr *e, Scope *s) {
    if (!e)
      return;
    switch (e->kind) {
    case ExprKind::Name:
      addRef(static_cast<NameExpr *>(e), s);
      break;
    case ExprKind::Int: case ExprKind::Float: case ExprKind::Str:
    case ExprKind::Bytes: case ExprKind::Bool: case ExprKind::None:
    case ExprKind::Ellipsis:
      break;
    case ExprKind::FString:
      for (FStringPart &p : static_cast<FStringExpr *>(e)->parts) {
        collectExpr(p.expr, s);
        collectExpr(p.formatSpec, s);
      }
      break;
    case ExprKind::BinOp: {
      auto *b = static_cast<BinOpExpr *>(e);
      collectExpr(b->lhs, s);
      collectExpr(b->rhs, s);
      break;
    }
    case ExprKind::UnaryOp:
      collectExpr(static_cast<UnaryOpExpr *>(e)->operand, s);
      break;
    case ExprKind::BoolOp:
      for (Expr *v : static_cast<BoolOpExpr *>(e)->values)
        collectExpr(v, s);
      break;
    case ExprKind::Compare: {
      auto *c = static_cast<CompareExpr *>(e);
      collectExpr(c->left, s);
      for (Expr *x : c->comparators)
        collectExpr(x, s);
      break;
    }
    case ExprKind::Call: {
      auto *c = static_cast<CallExpr *>(e);
      collectExpr(c->func, s);
      for (Expr *a : c->args)
        collectExpr(a, s);
      for (Keyword &k : c->keywords)
        collectExpr(k.value, s);
      if (auto *n = dynamic_cast<NameExpr *>(c->func))
        if (n->id == "super")
          markSuper(s);
      break;
    }
    case ExprKind::Attribute:
      collectExpr(static_cast<AttributeExpr *>(e)->value, s);
      break;
    case ExprKind::Subscript: {
      auto *x = static_cast<SubscriptExpr *>(e);
      collectExpr(x->value, s);
      collectExpr(x->index, s);
      break;
    }
    case ExprKind::Slice: {
      auto *x = static_cast<SliceExpr *>(e);
      collectExpr(x->lower, s);
      collectExpr(x->upper, s);
      collectExpr(x->step, s);
      break;
    }
    case ExprKind::Tuple: case ExprKind::List: case ExprKind::Set:
      for (Expr *x : static_cast<SequenceExpr *>(e)->elts)
        collectExpr(x, s);
      break;
    case ExprKind::Dict: {
      auto *d = static_cast<DictExpr *>(e);
      for (size_t i = 0; i < d->values.size(); ++i) {
        collectExpr(d->keys[i], s);
        collectExpr(d->values[i], s);
      }
      break;
    }
    case ExprKind::ListComp: case ExprKind::SetComp: case ExprKind::DictComp:
    case ExprKind::GeneratorExp:
      collectComprehension(static_cast<ComprehensionExpr *>(e), s);
      break;
    case ExprKind::Lambda: {
      auto *l = static_cast<LambdaExpr *>(e);
      Scope *ls = newScope(ScopeKind::Lambda, s, "<lambda>");
      l->scope = ls;
      collectParams(l->params, s, ls);
      collectExpr(l->body, ls);
      break;
    }
    case ExprKind::IfExp: {
      auto *i = static_cast<IfExpExpr *>(e);
      collectExpr(i->test, s);
      collectExpr(i->body, s);
      collectExpr(i->orelse, s);
      break;
    }
    case ExprKind::Await:
      collectExpr(static_cast<AwaitExpr *>(e)->value, s);
      break;
    case ExprKind::Yield:
      if (s->codeUnit()->kind == ScopeKind::Module)
        diags.report(DiagID::YieldOutsideFunction, e->range);
      collectExpr(static_cast<YieldExpr *>(e)->value, s);
      break;
    case ExprKind::YieldFrom:
      if (s->codeUnit()->kind == ScopeKind::Module)
        diags.report(DiagID::YieldOutsideFunction, e->range);
      collectExpr(static_cast<YieldFromExpr *>(e)->value, s);
      break;
    case ExprKind::Starred:
      collectExpr(static_cast<StarredExpr *>(e)->value, s);
      break;
    case ExprKind::NamedExpr: {
      auto *n = static_cast<NamedExpr *>(e);
      collectExpr(n->value, s);
      Scope *target = s;
      while (target->kind == ScopeKind::Comprehension)
        target = target->parent;
      addRef(n->target, target);
      break;
    }
    }
  }

  /// super() with no arguments needs the class of the method it is in.
  void markSuper(Scope *s) {
    for (Scope *x = s; x; x = x->parent)
      if (x->kind == ScopeKind::Function) {
        x->usesSuper = true;
        return;
      }
  }

  // ------------------------------------------------------------ resolve

  /// Where [name] used in [s] lives. With [mark], records captures.
  Resolution resolve(Scope *s, const std::string &name, bool mark) {
    switch (s->kind) {
    case ScopeKind::Module:
      return globalOrBuiltin(name);
    case ScopeKind::Class:
      if (s->globals.count(name))
        return globalOrBuiltin(name);
      if (s->boundSet.count(name))
        return {BindingKind::ClassBody, s, name};
      return resolve(s->parent, name, mark);
    case ScopeKind::Comprehension:
      if (s->boundSet.count(name))
        return localOrCell(s->codeUnit(), s->storage[name]);
      return resolve(s->parent, name, mark);
    case ScopeKind::Function:
    case ScopeKind::Lambda:
      if (s->globals.count(name))
        return globalOrBuiltin(name);
      if (!s->nonlocals.count(name) && s->boundSet.count(name))
        return localOrCell(s, name);
      return resolveFree(s, name, mark);
    }
    return {};
  }

  Resolution localOrCell(Scope *unit, const std::string &storage) {
    BindingKind k = unit->captured.count(storage) ? BindingKind::Cell : BindingKind::Local;
    return {k, unit, storage};
  }

  Resolution globalOrBuiltin(const std::string &name) {
    if (moduleScope->boundSet.count(name))
      return {BindingKind::Global, moduleScope, name};
    return {BindingKind::Builtin, nullptr, name};
  }

  /// [name] is not bound in function [fn]: look in the enclosing function
  /// scopes (class bodies are skipped, as in Python).
  Resolution resolveFree(Scope *fn, const std::string &name, bool mark) {
    std::vector<Scope *> path{fn};
    for (Scope *a = fn->parent; a; a = a->parent) {
      if (a->kind == ScopeKind::Module)
        break;
      if (a->kind == ScopeKind::Class)
        continue;
      bool declaredHere = a->nonlocals.count(name) > 0;
      if (a->kind != ScopeKind::Comprehension && a->globals.count(name))
        return globalOrBuiltin(name);
      if (a->boundSet.count(name) && !declaredHere) {
        Scope *unit = a->codeUnit();
        std::string storage = a->kind == ScopeKind::Comprehension ? a->storage[name] : name;
        if (mark) {
          unit->captured.insert(storage);
          // Every function between the user and the owner passes it through.
          for (Scope *p : path)
            if (p->isCodeUnit() && p != unit)
              addFree(p, storage);
        }
        if (fn->codeUnit() == unit)
          return localOrCell(unit, storage);
        return {BindingKind::Free, fn->codeUnit(), storage};
      }
      path.push_back(a);
    }
    return globalOrBuiltin(name);
  }

  void addFree(Scope *s, const std::string &storage) {
    for (const std::string &f : s->freeSlots)
      if (f == storage)
        return;
    s->freeSlots.push_back(storage);
  }

  void capture(Reference &r) { resolve(r.scope, r.name->id, true); }

  void assignSlots(Scope *s) {
    if (s->kind == ScopeKind::Module) {
      for (const std::string &n : s->bound) {
        if (n.find('#') != std::string::npos) {
          // A module-level comprehension variable: a local of the init function.
          if (s->captured.count(n))
            s->cellSlots.push_back(n);
          else
            s->localSlots.push_back(n);
          continue;
        }
        s->globalIndex[n] = static_cast<int>(s->globalSlots.size());
        s->globalSlots.push_back(n);
      }
      return;
    }
    // Parameters come first so argument i is local slot i.
    for (const std::string &n : s->bound) {
      s->localSlots.push_back(n);
      if (s->captured.count(n))
        s->cellSlots.push_back(n);
    }
    // Captured locals that are not parameters only need a cell; keep their
    // local slot unused so the parameter-index rule above stays simple.
    s->paramCell.clear();
  }

  void bind(Reference &r) {
    Resolution res = resolve(r.scope, r.name->id, false);
    NameExpr *n = r.name;
    n->binding = res.kind;
    switch (res.kind) {
    case BindingKind::Local:
      n->slot = res.owner->localIndex(res.storage);
      break;
    case BindingKind::Cell:
      n->slot = res.owner->cellIndex(res.storage);
      break;
    case BindingKind::Free:
      n->slot = res.owner->freeIndex(res.storage);
      break;
    case BindingKind::Global:
      n->slot = moduleScope->globalIndex[res.storage];
      if (n->ctx != ExprContext::Load)
        ++moduleScope->globalStores[res.storage];
      break;
    default:
      n->slot = -1;
      break;
    }
  }

public:
  void checkNonlocals() {
    for (auto &c : nonlocalChecks) {
      bool found = false;
      for (Scope *a = c.scope->parent; a && a->kind != ScopeKind::Module; a = a->parent)
        if (a->kind != ScopeKind::Class && a->boundSet.count(c.name))
          found = true;
      if (!found)
        diags.report(DiagID::NoBindingForNonlocal, c.range, {c.name});
    }
  }

private:
  struct NonlocalCheck {
    Scope *scope;
    std::string name;
    SourceRange range;
  };

  ASTContext &ctx;
  ScopeArena &arena;
  DiagnosticEngine &diags;
  Scope *moduleScope = nullptr;
  std::vector<Scope *> allScopes;
  std::vector<Reference> refs;
  std::vector<NonlocalCheck> nonlocalChecks;
  int loopDepth = 0;
  int freshCounter = 0;
};

} // namespace

bool resolveNames(Module &m, ASTContext &ctx, ScopeArena &arena, DiagnosticEngine &diags) {
  Resolver r(ctx, arena, diags);
  bool ok = r.run(m);
  r.checkNonlocals();
  return ok && !diags.hasErrors();
}

} // namespace weft
