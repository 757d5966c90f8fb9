// TypeChecker.cpp: the statement half of type checking. It declares the
// module's classes and functions, walks the module body, then every function
// body once with its declared parameter types, reporting errors. Locals keep
// the type of their first assignment (widened by None, int->float and
// refinement of empty containers); a later incompatible assignment is an
// error. Narrowing facts from conditions live in Frame::flow (Narrowing.cpp).
#include "sema/TypeChecker.h"

#include "sema/AstWalk.h"
#include "sema/TypeCheckerImpl.h"

namespace weft {

bool terminates(const StmtList &body) {
  if (body.empty())
    return false;
  Stmt *last = body.back();
  switch (last->kind) {
  case StmtKind::Return:
  case StmtKind::Raise:
  case StmtKind::Break:
  case StmtKind::Continue:
    return true;
  case StmtKind::If: {
    auto *i = cast<IfStmt>(last);
    return terminates(i->body) && terminates(i->orelse);
  }
  case StmtKind::Expr: {
    // sys.exit() and friends never return.
    auto *call = dyn_cast<CallExpr>(cast<ExprStmt>(last)->value);
    Expr *f = call ? call->func : nullptr;
    if (auto *n = dyn_cast<NameExpr>(f))
      return n->id == "exit" || n->id == "quit";
    if (auto *a = dyn_cast<AttributeExpr>(f))
      if (auto *base = dyn_cast<NameExpr>(a->value))
        return (base->id == "sys" && a->attr == "exit") || (base->id == "os" && a->attr == "_exit");
    return false;
  }
  default:
    return false;
  }
}

/// Can [body] finish without return or raise? Conservative: when unsure it
/// says no, since the answer is only used to report a missing return.
static bool mayFallOff(const StmtList &body);

static bool isTrueConstant(Expr *e) {
  if (auto *b = dyn_cast<BoolExpr>(e))
    return b->value;
  if (auto *i = dyn_cast<IntExpr>(e))
    return i->value != 0;
  return false;
}

static bool hasBreak(StmtList &body) {
  bool found = false;
  for (Stmt *s : body) {
    if (s->kind == StmtKind::Break)
      found = true;
    // A break inside a nested loop leaves only that loop.
    if (s->kind == StmtKind::For || s->kind == StmtKind::While || s->kind == StmtKind::FunctionDef ||
        s->kind == StmtKind::ClassDef)
      continue;
    forEachBlock(s, [&](StmtList &inner) { found |= hasBreak(inner); });
  }
  return found;
}

static bool stmtEnds(Stmt *s) {
  switch (s->kind) {
  case StmtKind::Return:
  case StmtKind::Raise:
    return true;
  case StmtKind::If: {
    auto *i = cast<IfStmt>(s);
    return !mayFallOff(i->body) && !mayFallOff(i->orelse);
  }
  case StmtKind::While: {
    auto *w = cast<WhileStmt>(s);
    if (hasBreak(w->body))
      return false;
    return isTrueConstant(w->test) || !mayFallOff(w->orelse);
  }
  case StmtKind::For: {
    auto *f = cast<ForStmt>(s);
    return !hasBreak(f->body) && !mayFallOff(f->orelse);
  }
  case StmtKind::Try: {
    auto *t = cast<TryStmt>(s);
    if (!mayFallOff(t->finalbody))
      return true;
    bool bodyEnds = !mayFallOff(t->body) || (!t->orelse.empty() && !mayFallOff(t->orelse));
    for (ExceptHandler &h : t->handlers)
      bodyEnds &= !mayFallOff(h.body);
    return bodyEnds;
  }
  case StmtKind::With:
    return !mayFallOff(cast<WithStmt>(s)->body);
  case StmtKind::Assert:
    if (auto *b = dyn_cast<BoolExpr>(cast<AssertStmt>(s)->test))
      return !b->value;
    return false;
  case StmtKind::Expr: {
    StmtList one{s};
    return terminates(one); // sys.exit() and friends
  }
  default:
    return false;
  }
}

static bool mayFallOff(const StmtList &body) {
  for (Stmt *s : body)
    if (stmtEnds(s))
      return false;
  return true;
}

void Checker::error(SourceRange r, const std::string &msg) {
  if (silent)
    return;
  reported = true;
  diags.report(DiagID::TypeMismatch, r, {msg});
}

bool Checker::run() {
  moduleEnv = newEnv(nullptr);
  moduleEnv->isModule = true;
  moduleEnv->vars["__name__"] = {tc.str()};
  // Attributes stored on anything but `self` may be added from outside a class.
  walkStmts(mod.body, true, [&](Stmt *s) {
    forEachExprOf(s, [&](Expr *e) {
      walkExpr(e, [&](Expr *x) {
        if (auto *a = dyn_cast<AttributeExpr>(x)) {
          if (a->ctx == ExprContext::Store)
            storedAttrs.insert(a->attr);
          if (a->attr == "__setattr__" || a->attr == "__dict__")
            usesSetattr = true;
        } else if (auto *n = dyn_cast<NameExpr>(x)) {
          if (n->id == "setattr" || n->id == "__dict__" || n->id == "vars")
            usesSetattr = true;
        }
      });
    });
  });
  Frame top;
  top.env = moduleEnv;
  frame = &top;
  declareModule(mod.body);
  checkBlock(mod.body);
  // Module-level functions and methods, now that every global has its type.
  for (size_t i = 0; i < pendingBodies.size(); ++i)
    checkBody(pendingBodies[i], nullptr, true);
  frame = nullptr;
  return !reported;
}

void Checker::declareModule(StmtList &body) {
  // Classes and functions are known by name before the module body runs, so
  // bodies checked early (to infer a return type) can refer to later ones.
  for (Stmt *s : body) {
    if (auto *c = dyn_cast<ClassDefStmt>(s)) {
      ClassInfo *ci = tc.newClass(c->name);
      ci->def = c;
      classes[c] = ci;
      classesByName[c->name] = ci;
      moduleEnv->vars[c->name] = {tc.classObj(ci)};
    } else if (auto *d = dyn_cast<FunctionDefStmt>(s)) {
      FuncInfo *f = tc.newFunc();
      f->def = d;
      f->closure = moduleEnv;
      funcs[d] = f;
    }
  }
}

void Checker::checkBlock(StmtList &body) {
  for (Stmt *s : body)
    checkStmt(s);
}

// One case per statement kind: a dispatch table, longer than 80 lines on purpose.
void Checker::checkStmt(Stmt *s) {
  switch (s->kind) {
  case StmtKind::Expr:
    typeOf(cast<ExprStmt>(s)->value);
    break;
  case StmtKind::Assign:
    checkAssign(cast<AssignStmt>(s));
    break;
  case StmtKind::AugAssign: {
    auto *a = cast<AugAssignStmt>(s);
    const Type *cur = typeOf(a->target);
    const Type *v = typeOf(a->value);
    bool ok = true;
    const Type *r = binOpResult(a->op, cur, v, ok);
    if (!ok) {
      static const char *ops[] = {"+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@"};
      error(s->range, std::string("unsupported operand types for ") + ops[static_cast<int>(a->op)] +
                          "=: " + show(cur) + " and " + show(v));
      r = tc.unknown();
    }
    assignTarget(a->target, r, false, a->value);
    break;
  }
  case StmtKind::AnnAssign: {
    auto *a = cast<AnnAssignStmt>(s);
    const Type *ann = annotationType(a->annotation);
    const Type *v = a->value ? typeOf(a->value) : nullptr;
    if (v && !tc.assignable(ann, v)) {
      std::string what = isa<NameExpr>(a->target) ? "'" + cast<NameExpr>(a->target)->id + "'" : "target";
      error(a->value->range, "cannot assign " + show(v) + " to " + what + " of type " + show(ann));
    }
    if (auto *n = dyn_cast<NameExpr>(a->target)) {
      Env *e = envForStore(n->id);
      VarInfo &vi = e->vars[n->id];
      vi.type = ann;
      vi.strictOptional = true;
      forgetPath(n->id);
      if (v && !v->isLenient() && !ann->isLenient() && ann->is(TypeKind::Union) && tc.assignable(ann, v))
        assignName(n, v, false, a->value);
    } else if (auto *at = dyn_cast<AttributeExpr>(a->target)) {
      const Type *base = typeOf(at->value);
      if (base->is(TypeKind::Instance) && !base->cls->builtin)
        base->cls->fields[at->attr] = ann;
    } else {
      typeOf(a->target);
    }
    break;
  }
  case StmtKind::FunctionDef:
    defineFunction(cast<FunctionDefStmt>(s), frame->env->isClass ? frame->cls : nullptr);
    break;
  case StmtKind::ClassDef:
    defineClass(cast<ClassDefStmt>(s));
    break;
  case StmtKind::Return:
    checkReturn(cast<ReturnStmt>(s));
    break;
  case StmtKind::If:
    checkIf(cast<IfStmt>(s));
    break;
  case StmtKind::While:
    checkWhile(cast<WhileStmt>(s));
    break;
  case StmtKind::For:
    checkFor(cast<ForStmt>(s));
    break;
  case StmtKind::Try:
    checkTry(cast<TryStmt>(s));
    break;
  case StmtKind::With:
    checkWith(cast<WithStmt>(s));
    break;
  case StmtKind::Raise: {
    auto *r = cast<RaiseStmt>(s);
    if (r->exc)
      typeOf(r->exc);
    if (r->cause)
      typeOf(r->cause);
    break;
  }
  case StmtKind::Global:
    for (const std::string &n : cast<NameListStmt>(s)->names)
      frame->env->globals.insert(n);
    break;
  case StmtKind::Nonlocal:
    for (const std::string &n : cast<NameListStmt>(s)->names)
      frame->env->nonlocals.insert(n);
    break;
  case StmtKind::Del:
    for (Expr *t : cast<DelStmt>(s)->targets) {
      if (auto *sub = dyn_cast<SubscriptExpr>(t)) {
        typeOf(sub->value);
        typeOf(sub->index);
      } else if (auto *at = dyn_cast<AttributeExpr>(t)) {
        typeOf(at->value);
      }
      forgetPath(pathKey(t));
    }
    break;
  case StmtKind::Assert: {
    auto *a = cast<AssertStmt>(s);
    typeOf(a->test);
    if (a->msg)
      typeOf(a->msg);
    applyFlow(narrow(a->test).whenTrue);
    break;
  }
  case StmtKind::Import:
    for (Alias &al : cast<ImportStmt>(s)->names) {
      std::string bound = al.asname.empty() ? al.name.substr(0, al.name.find('.')) : al.asname;
      std::string modName = al.asname.empty() ? bound : al.name;
      Env *e = envForStore(bound);
      e->vars[bound] = {tc.module(modName)};
      forgetPath(bound);
    }
    break;
  case StmtKind::ImportFrom: {
    auto *imp = cast<ImportFromStmt>(s);
    for (Alias &al : imp->names) {
      if (al.name == "*")
        continue;
      std::string bound = al.asname.empty() ? al.name : al.asname;
      const Type *t = imp->level ? tc.unknown() : moduleAttribute(imp->module, al.name);
      Env *e = envForStore(bound);
      e->vars[bound] = {t};
      forgetPath(bound);
    }
    break;
  }
  default:
    break;
  }
}

void Checker::checkAssign(AssignStmt *s) {
  const Type *v = typeOf(s->value);
  for (Expr *t : s->targets)
    assignTarget(t, v, false, s->value);
}

void Checker::checkIf(IfStmt *s) {
  typeOf(s->test);
  Narrowing n = narrow(s->test);
  Flow before = frame->flow;
  applyFlow(n.whenTrue);
  checkBlock(s->body);
  Flow afterBody = frame->flow;
  frame->flow = before;
  applyFlow(n.whenFalse);
  checkBlock(s->orelse);
  bool bodyEnds = terminates(s->body), elseEnds = terminates(s->orelse);
  if (bodyEnds && !elseEnds)
    return; // only the else path continues: keep its facts (early return)
  if (elseEnds && !bodyEnds) {
    frame->flow = afterBody;
    return;
  }
  frame->flow = mergeFlows(afterBody, frame->flow);
}

void Checker::checkWhile(WhileStmt *s) {
  // The body may run again after it reassigns: facts about what it assigns are dropped.
  forgetAssigned(s->body);
  typeOf(s->test);
  Narrowing n = narrow(s->test);
  Flow before = frame->flow;
  applyFlow(n.whenTrue);
  checkBlock(s->body);
  frame->flow = before;
  forgetAssigned(s->body);
  // Without a break, the loop only ends when its test is false.
  bool breaks = false;
  walkStmts(s->body, false, [&](Stmt *st) {
    if (st->kind == StmtKind::Break)
      breaks = true;
  });
  if (!breaks)
    applyFlow(n.whenFalse);
  checkBlock(s->orelse);
}

void Checker::checkFor(ForStmt *s) {
  const Type *it = typeOf(s->iter);
  bool scalar = it->is(TypeKind::Int) || it->is(TypeKind::Float) || it->is(TypeKind::Bool) ||
                it->is(TypeKind::None) || it->is(TypeKind::Coroutine) || it->is(TypeKind::Function);
  if (s->isAsync && (scalar || it->is(TypeKind::List) || it->is(TypeKind::Dict) || it->is(TypeKind::Set) ||
                     it->is(TypeKind::Tuple) || it->is(TypeKind::Str)))
    error(s->iter->range, "'async for' requires an asynchronous iterable, got a value of type " + show(it));
  else if (!s->isAsync && scalar)
    error(s->iter->range, "value of type " + show(it) + " is not iterable");
  const Type *elem = s->isAsync ? tc.unknown() : iterElement(it);
  forgetAssigned(s->body);
  assignTarget(s->target, elem, true);
  Flow before = frame->flow;
  checkBlock(s->body);
  frame->flow = before;
  forgetAssigned(s->body);
  checkBlock(s->orelse);
}

void Checker::checkTry(TryStmt *s) {
  Flow before = frame->flow;
  checkBlock(s->body);
  checkBlock(s->orelse);
  for (ExceptHandler &h : s->handlers) {
    frame->flow = before;
    forgetAssigned(s->body);
    const Type *exc = tc.unknown();
    if (h.type) {
      typeOf(h.type);
      exc = isinstanceTarget(h.type);
    } else {
      exc = tc.instance(tc.builtinClass("BaseException"));
    }
    if (!h.name.empty()) {
      Env *e = envForStore(h.name);
      e->vars[h.name] = {exc};
      forgetPath(h.name);
    }
    checkBlock(h.body);
  }
  frame->flow = before;
  StmtList all = s->body;
  for (ExceptHandler &h : s->handlers)
    all.insert(all.end(), h.body.begin(), h.body.end());
  all.insert(all.end(), s->orelse.begin(), s->orelse.end());
  forgetAssigned(all);
  checkBlock(s->finalbody);
}

void Checker::checkWith(WithStmt *s) {
  for (WithItem &item : s->items) {
    const Type *t = typeOf(item.contextExpr);
    const Type *entered = tc.unknown();
    const char *enter = s->isAsync ? "__aenter__" : "__enter__";
    if (t->is(TypeKind::Instance) && t->cls->hasMethod(enter)) {
      const Type *m = instanceAttribute(t->cls, t, enter, false);
      if (m->is(TypeKind::Function) && m->func) {
        CallExpr fake(item.contextExpr->range, item.contextExpr);
        entered = callFunction(m->func, t, &fake, {}, enter);
        if (s->isAsync)
          entered = awaitResult(entered);
      }
    } else if (t->is(TypeKind::Named)) {
      static const std::set<std::string> selfEntering = {
          "TaskGroup", "ThreadPoolExecutor", "ProcessPoolExecutor", "Server", "File", "Runner"};
      if (selfEntering.count(t->name))
        entered = t;
    }
    if (item.optionalVars)
      assignTarget(item.optionalVars, entered, true);
  }
  checkBlock(s->body);
}

void Checker::checkReturn(ReturnStmt *s) {
  const Type *v = s->value ? typeOf(s->value) : tc.none();
  frame->returns.push_back(v);
  FuncInfo *f = frame->func;
  if (!f || !f->def->returns || f->isGenerator)
    return;
  const Type *expected = annotationType(f->def->returns);
  if (!tc.assignable(expected, v))
    error(s->value ? s->value->range : s->range,
          "incompatible return value of type " + show(v) + " in '" + f->def->name + "', declared to return " +
              show(expected));
}

// ---------------------------------------------------------------- definitions

void Checker::checkMissingReturn(FuncInfo *f, const std::vector<const Type *> &returns) {
  // Only a function that returns a value somewhere and is declared not to
  // return None can be missing a return; stubs and generators are exempt.
  FunctionDefStmt *d = f->def;
  if (!d->returns || f->isGenerator || returns.empty())
    return;
  const Type *expected = annotationType(d->returns);
  if (tc.assignable(expected, tc.none()) || !mayFallOff(d->body))
    return;
  SourceRange r = d->nameRange.begin.line ? d->nameRange : d->range;
  error(r, "missing return statement: '" + d->name + "' is declared to return " + show(expected) +
               " but can reach the end of its body");
}

void Checker::defineFunction(FunctionDefStmt *d, ClassInfo *owner) {
  FuncInfo *&f = funcs[d];
  if (!f) {
    f = tc.newFunc();
    f->def = d;
  }
  f->owner = owner;
  Env *env = frame->env;
  f->closure = env->isClass ? env->parent : env;
  f->isAsync = d->isAsync;
  f->isGenerator = d->isGenerator;
  if (!f->isGenerator) {
    // The parser may not mark generators: look for a yield outside nested scopes.
    walkStmts(d->body, false, [&](Stmt *st) {
      forEachExprOf(st, [&](Expr *e) {
        walkExpr(e, [&](Expr *x) {
          if (x->kind == ExprKind::Yield || x->kind == ExprKind::YieldFrom)
            f->isGenerator = true;
        });
      });
    });
  }
  f->otherDecorators = false;
  // __new__ is implicitly static; these two are implicitly class methods.
  if (owner && d->name == "__new__")
    f->isStatic = true;
  if (owner && (d->name == "__init_subclass__" || d->name == "__class_getitem__"))
    f->isClassMethod = true;
  for (Expr *dec : d->decorators) {
    auto *n = dyn_cast<NameExpr>(dec);
    std::string name = n ? n->id : "";
    if (name == "staticmethod")
      f->isStatic = true;
    else if (name == "classmethod")
      f->isClassMethod = true;
    else if (name == "property")
      f->isProperty = true;
    else
      f->otherDecorators = true;
  }
  for (Param &p : d->params) {
    if (p.defaultValue)
      typeOf(p.defaultValue);
  }
  // A decorated def is not a plain function value (a class-body alias of a
  // classmethod would otherwise look unbound).
  const Type *value = d->decorators.empty() ? tc.function(f) : tc.unknown();
  if (owner) {
    owner->methods[d->name] = f;
  }
  VarInfo &vi = env->vars[d->name];
  vi.type = value;
  vi.strictOptional = false;
  forgetPath(d->name);
  if (!silent)
    pendingBodies.push_back(f);
}

ClassInfo *Checker::defineClass(ClassDefStmt *d) {
  ClassInfo *&c = classes[d];
  if (!c) {
    c = tc.newClass(d->name);
    c->def = d;
  }
  classesByName[d->name] = c;
  c->base = nullptr;
  c->openBase = !d->keywords.empty();
  int realBases = 0;
  for (Expr *b : d->bases) {
    const Type *bt = typeOf(b);
    if (auto *n = dyn_cast<NameExpr>(b); n && n->id == "object")
      continue;
    if (auto *n = dyn_cast<NameExpr>(b); n && n->id == "type")
      c->metaclass = true;
    if (isa<SubscriptExpr>(b))
      continue; // Generic[T] and friends
    ++realBases;
    if (bt->is(TypeKind::ClassObj) && realBases == 1)
      c->base = bt->cls;
    else
      c->openBase = true;
  }
  for (Expr *dec : d->decorators) {
    Expr *callee = dec;
    if (auto *call = dyn_cast<CallExpr>(dec))
      callee = call->func;
    std::string name;
    if (auto *n = dyn_cast<NameExpr>(callee))
      name = n->id;
    else if (auto *a = dyn_cast<AttributeExpr>(callee))
      name = a->attr;
    if (name == "dataclass")
      c->dataclass = true;
    else
      c->openBase = true;
  }
  // The class body runs in its own scope; its names become class attributes.
  Env *cenv = newEnv(frame->env->isClass ? frame->env->parent : frame->env);
  cenv->isClass = true;
  Frame body;
  body.env = cenv;
  body.cls = c;
  body.isAsync = false;
  Frame *saved = frame;
  frame = &body;
  checkBlock(d->body);
  frame = saved;
  for (Stmt *s : d->body) {
    if (auto *a = dyn_cast<AnnAssignStmt>(s))
      if (auto *n = dyn_cast<NameExpr>(a->target))
        c->fields[n->id] = annotationType(a->annotation);
  }
  for (auto &[name, vi] : cenv->vars) {
    if (c->methods.count(name) || c->fields.count(name))
      continue;
    if (name == "__slots__")
      c->openBase = true; // attributes set through object.__setattr__ and friends
    // `pd = pendown` in a class body is another name for the method.
    if (vi.type->is(TypeKind::Function) && vi.type->func && vi.type->func->owner == c)
      c->methods[name] = vi.type->func;
    else
      c->classVars[name] = vi.type;
  }
  collectFields(c);
  Env *outer = frame->env;
  VarInfo &vi = outer->vars[d->name];
  vi.type = tc.classObj(c);
  vi.strictOptional = false;
  forgetPath(d->name);
  return c;
}

void Checker::collectFields(ClassInfo *c) {
  // `self.x = ...` in any method defines a field; __init__ goes first so its
  // assignments set the types the other methods are checked against.
  std::vector<FuncInfo *> order;
  if (c->methods.count("__init__"))
    order.push_back(c->methods["__init__"]);
  for (auto &[name, f] : c->methods)
    if (name != "__init__" && !f->isStatic)
      order.push_back(f);
  for (FuncInfo *f : order)
    checkBody(f, nullptr, false);
}

const Type *Checker::checkBody(FuncInfo *f, const std::vector<const Type *> *args, bool report) {
  FunctionDefStmt *d = f->def;
  if (!report)
    ++silent;
  Env *env = newEnv(f->closure);
  Frame fr;
  fr.env = env;
  fr.func = f;
  fr.cls = f->owner;
  fr.isAsync = f->isAsync;
  for (size_t i = 0; i < d->params.size(); ++i) {
    Param &p = d->params[i];
    const Type *t = tc.unknown();
    bool strict = false;
    if (p.annotation) {
      t = annotationType(p.annotation);
      strict = true;
    } else if (i == 0 && f->owner && !f->isStatic && p.kind != ParamKind::VarArgs) {
      bool meta = false;
      for (ClassInfo *k = f->owner; k; k = k->base)
        meta |= k->metaclass;
      if (!meta)
        t = f->isClassMethod ? tc.classObj(f->owner) : tc.instance(f->owner);
    } else if (args && i < args->size() && (*args)[i]) {
      t = (*args)[i];
    }
    if (p.kind == ParamKind::VarArgs)
      t = tc.tuple({p.annotation ? t : tc.unknown()}, true);
    else if (p.kind == ParamKind::VarKeywords)
      t = tc.dict(tc.str(), p.annotation ? t : tc.unknown());
    env->vars[p.name] = {t, strict};
  }
  Frame *saved = frame;
  frame = &fr;
  size_t mark = pendingBodies.size();
  checkBlock(d->body);
  if (report)
    checkMissingReturn(f, fr.returns);
  if (report) {
    // Nested defs are checked once their enclosing body has typed its locals.
    while (pendingBodies.size() > mark) {
      FuncInfo *nested = pendingBodies[mark];
      pendingBodies.erase(pendingBodies.begin() + static_cast<long>(mark));
      checkBody(nested, nullptr, true);
    }
  } else {
    pendingBodies.resize(mark);
  }
  frame = saved;
  if (!report)
    --silent;
  if (fr.returns.empty()) {
    // A stub (pass, docstring, raise NotImplementedError) stands for what
    // overrides return; only a body that really ends returns None.
    bool stub = true;
    for (Stmt *st : d->body) {
      auto *es = dyn_cast<ExprStmt>(st);
      bool trivial = st->kind == StmtKind::Pass || st->kind == StmtKind::Raise ||
                     (es && (isa<StrExpr>(es->value) || isa<EllipsisExpr>(es->value)));
      stub &= trivial;
    }
    if (stub || terminates(d->body))
      return tc.unknown();
    return tc.none();
  }
  const Type *r = fr.returns[0];
  for (size_t i = 1; i < fr.returns.size(); ++i)
    r = tc.join(r, fr.returns[i]);
  return r;
}

// ---------------------------------------------------------------- assignment

static bool containsUnknown(const Type *t) {
  if (t->is(TypeKind::Unknown))
    return true;
  for (const Type *a : t->args)
    if (containsUnknown(a))
      return true;
  return false;
}

void Checker::assignName(NameExpr *n, const Type *v, bool rebind, Expr *valueExpr) {
  Env *e = envForStore(n->id);
  auto it = e->vars.find(n->id);
  const Type *declared;
  bool strictCall = valueExpr && isa<CallExpr>(valueExpr) && v->is(TypeKind::Union);
  if (it == e->vars.end()) {
    e->vars[n->id] = {v, strictCall};
    declared = v;
  } else if (rebind || it->second.type->is(TypeKind::Unknown)) {
    if (containsUnknown(it->second.type))
      it->second.refined = true;
    const Type *w = tc.widen(it->second.type, v);
    it->second.type = w ? w : v;
    declared = it->second.type;
  } else {
    if (containsUnknown(it->second.type))
      it->second.refined = true;
    const Type *w = tc.widen(it->second.type, v);
    if (!w && it->second.refined && it->second.type->kind == v->kind)
      w = tc.join(it->second.type, v);
    if (!w) {
      error(valueExpr ? valueExpr->range : n->range,
            "cannot assign " + show(v) + " to '" + n->id + "' of type " + show(it->second.type));
      // Follow what the variable really holds now, so one mistake is one error.
      forgetPath(n->id);
      frame->flow[n->id] = v;
      return;
    }
    it->second.type = w;
    declared = w;
  }
  forgetPath(n->id);
  if (v->is(TypeKind::Unknown)) {
    // Whatever was stored, the old declared type no longer tells what is there.
    frame->flow[n->id] = v;
    return;
  }
  if (v->isLenient())
    return;
  // What the variable holds right after the store: the stored value's type,
  // or the matching part of a declared union when the value has holes ([]).
  const Type *now = v;
  if (containsUnknown(v)) {
    now = nullptr;
    if (declared->is(TypeKind::Union)) {
      std::vector<const Type *> match;
      for (const Type *m : declared->args)
        if (tc.assignable(m, v))
          match.push_back(m);
      if (!match.empty())
        now = tc.unionOf(match);
    }
  } else if (declared->is(TypeKind::Float) && !v->is(TypeKind::Float)) {
    now = nullptr;
  }
  if (now)
    frame->flow[n->id] = now;
}

void Checker::assignField(ClassInfo *c, const std::string &name, const Type *v, SourceRange r) {
  for (ClassInfo *k = c; k; k = k->base) {
    auto it = k->fields.find(name);
    if (it == k->fields.end())
      continue;
    const Type *w = tc.widen(it->second, v);
    if (!w) {
      error(r, "cannot assign " + show(v) + " to attribute '" + name + "' of type " + show(it->second));
      return;
    }
    it->second = w;
    return;
  }
  if (!c->builtin)
    c->fields[name] = v;
}

void Checker::assignTarget(Expr *target, const Type *v, bool rebind, Expr *valueExpr) {
  switch (target->kind) {
  case ExprKind::Name:
    assignName(cast<NameExpr>(target), v, rebind, valueExpr);
    break;
  case ExprKind::Tuple:
  case ExprKind::List: {
    auto &elts = static_cast<SequenceExpr *>(target)->elts;
    bool starred = false;
    for (Expr *x : elts)
      starred |= isa<StarredExpr>(x);
    if (!starred && (v->is(TypeKind::Tuple) || v->is(TypeKind::GatherList)) && !v->variadic &&
        v->args.size() != elts.size()) {
      if (v->args.size() > elts.size())
        error(valueExpr ? valueExpr->range : target->range,
              "too many values to unpack (expected " + std::to_string(elts.size()) + ")");
      else
        error(valueExpr ? valueExpr->range : target->range,
              "not enough values to unpack (expected " + std::to_string(elts.size()) + ", got " +
                  std::to_string(v->args.size()) + ")");
    }
    for (size_t i = 0; i < elts.size(); ++i) {
      const Type *ei = tc.unknown();
      if (!starred && (v->is(TypeKind::Tuple) || v->is(TypeKind::GatherList)) && !v->variadic &&
          v->args.size() == elts.size())
        ei = v->args[i];
      else if (!v->is(TypeKind::Tuple) || v->variadic)
        ei = iterElement(v);
      if (auto *st = dyn_cast<StarredExpr>(elts[i]))
        assignTarget(st->value, tc.list(ei), rebind);
      else
        assignTarget(elts[i], ei, rebind);
    }
    break;
  }
  case ExprKind::Attribute: {
    auto *a = cast<AttributeExpr>(target);
    const Type *base = typeOf(a->value);
    if (base->is(TypeKind::Instance))
      assignField(base->cls, a->attr, v, valueExpr ? valueExpr->range : target->range);
    forgetPath(pathKey(target));
    break;
  }
  case ExprKind::Subscript: {
    auto *s = cast<SubscriptExpr>(target);
    const Type *container = typeOf(s->value);
    typeOf(s->index);
    if (container->is(TypeKind::Dict)) {
      storeElement(s->value, container, 0, typeOf(s->index), s->index, "key");
      storeElement(s->value, typeOf(s->value), 1, v, valueExpr, "value");
    } else if (container->is(TypeKind::List) && !isa<SliceExpr>(s->index)) {
      storeElement(s->value, container, 0, v, valueExpr, "item");
    }
    forgetPath(pathKey(target));
    break;
  }
  case ExprKind::Starred:
    assignTarget(cast<StarredExpr>(target)->value, tc.list(iterElement(v)), rebind);
    break;
  default:
    typeOf(target);
    break;
  }
}


Env *Checker::envForStore(const std::string &name) {
  Env *e = frame->env;
  if (e->globals.count(name))
    return moduleEnv;
  if (e->nonlocals.count(name)) {
    for (Env *p = e->parent; p && !p->isModule; p = p->parent)
      if (p->vars.count(name))
        return p;
  }
  return e;
}

VarInfo *Checker::lookupVar(const std::string &name, bool *isLocal) {
  Env *e = frame->env;
  if (isLocal)
    *isLocal = false;
  if (e->globals.count(name)) {
    auto it = moduleEnv->vars.find(name);
    if (isLocal)
      *isLocal = e == moduleEnv;
    return it == moduleEnv->vars.end() ? nullptr : &it->second;
  }
  for (Env *x = e; x; x = x->parent) {
    if (x->isClass && x != e)
      continue;
    if (x != e && e->nonlocals.count(name) && x->isModule)
      return nullptr;
    auto it = x->vars.find(name);
    if (it != x->vars.end()) {
      if (isLocal)
        *isLocal = x == e;
      return &it->second;
    }
  }
  return nullptr;
}


void Checker::forgetPath(const std::string &key) {
  if (key.empty())
    return;
  auto it = frame->flow.lower_bound(key);
  while (it != frame->flow.end() && it->first.compare(0, key.size(), key) == 0) {
    if (it->first.size() == key.size() || it->first[key.size()] == '.')
      it = frame->flow.erase(it);
    else
      ++it;
  }
}

void Checker::forgetAssigned(StmtList &body) {
  std::function<void(Expr *)> target = [&](Expr *t) {
    if (!t)
      return;
    if (auto *seq = dyn_cast<SequenceExpr>(t)) {
      for (Expr *x : seq->elts)
        target(x);
      return;
    }
    if (auto *st = dyn_cast<StarredExpr>(t)) {
      target(st->value);
      return;
    }
    forgetPath(pathKey(t));
  };
  walkStmts(body, false, [&](Stmt *s) {
    switch (s->kind) {
    case StmtKind::Assign:
      for (Expr *t : cast<AssignStmt>(s)->targets)
        target(t);
      break;
    case StmtKind::AugAssign: target(cast<AugAssignStmt>(s)->target); break;
    case StmtKind::AnnAssign: target(cast<AnnAssignStmt>(s)->target); break;
    case StmtKind::For: target(cast<ForStmt>(s)->target); break;
    case StmtKind::With:
      for (WithItem &i : cast<WithStmt>(s)->items)
        target(i.optionalVars);
      break;
    case StmtKind::Del:
      for (Expr *t : cast<DelStmt>(s)->targets)
        target(t);
      break;
    case StmtKind::Try:
      for (ExceptHandler &h : cast<TryStmt>(s)->handlers)
        if (!h.name.empty())
          forgetPath(h.name);
      break;
    case StmtKind::FunctionDef: forgetPath(cast<FunctionDefStmt>(s)->name); break;
    case StmtKind::ClassDef: forgetPath(cast<ClassDefStmt>(s)->name); break;
    default: break;
    }
    forEachExprOf(s, [&](Expr *e) {
      walkExpr(e, [&](Expr *x) {
        if (auto *ne = dyn_cast<NamedExpr>(x))
          forgetPath(ne->target->id);
      });
    });
  });
}

bool checkTypes(Module &m, DiagnosticEngine &diags) {
  Checker checker(m, diags);
  return checker.run();
}

} // namespace weft
