// ExprTyping.cpp: the expression half of type checking. Every expression
// gets a type; the errors reported here are the ones a CPython run would hit
// for sure (an operator the operand types do not support, a missing method on
// a class whose whole hierarchy is known, a call that cannot bind its
// arguments, awaiting something that is not awaitable). Anything the checker
// does not model types as unknown, and unknown is never reported.
#include "sema/AstWalk.h"
#include "sema/TypeCheckerImpl.h"

#include <set>

namespace weft {

namespace {

const char *opText(BinaryOp op) {
  static const char *ops[] = {"+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@"};
  return ops[static_cast<int>(op)];
}

const char *dunderFor(BinaryOp op) {
  static const char *names[] = {"__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__",
                                "__mod__", "__pow__", "__lshift__", "__rshift__", "__and__",
                                "__or__", "__xor__", "__matmul__"};
  return names[static_cast<int>(op)];
}

bool isNum(const Type *t) {
  return t->is(TypeKind::Bool) || t->is(TypeKind::Int) || t->is(TypeKind::Float);
}

bool isIntLike(const Type *t) { return t->is(TypeKind::Bool) || t->is(TypeKind::Int); }

bool hasNoneMember(const Type *t) {
  if (!t->is(TypeKind::Union))
    return false;
  for (const Type *m : t->args)
    if (m->is(TypeKind::None))
      return true;
  return false;
}

bool isDunder(const std::string &s) {
  return s.size() > 4 && s.compare(0, 2, "__") == 0 && s.compare(s.size() - 2, 2, "__") == 0;
}

/// Whether a value of builtin kind [k] has attribute [name] (CPython 3.11's
/// dir(), dunders aside). Null when the kind is not a modelled builtin.
const std::set<std::string> *builtinAttributes(TypeKind k) {
  static const std::set<std::string> intAttrs = {"as_integer_ratio", "bit_count", "bit_length", "conjugate",
                                                 "denominator", "from_bytes", "imag", "numerator", "real",
                                                 "to_bytes"};
  static const std::set<std::string> floatAttrs = {"as_integer_ratio", "conjugate", "fromhex", "hex",
                                                   "imag", "is_integer", "real"};
  static const std::set<std::string> strAttrs = {
      "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format",
      "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier",
      "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower",
      "lstrip", "maketrans", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex",
      "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase",
      "title", "translate", "upper", "zfill"};
  static const std::set<std::string> bytesAttrs = {
      "capitalize", "center", "count", "decode", "endswith", "expandtabs", "find", "fromhex", "hex",
      "index", "isalnum", "isalpha", "isascii", "isdigit", "islower", "isspace", "istitle", "isupper",
      "join", "ljust", "lower", "lstrip", "maketrans", "partition", "removeprefix", "removesuffix",
      "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines",
      "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill"};
  static const std::set<std::string> listAttrs = {"append", "clear", "copy", "count", "extend", "index",
                                                  "insert", "pop", "remove", "reverse", "sort"};
  static const std::set<std::string> dictAttrs = {"clear", "copy", "fromkeys", "get", "items", "keys",
                                                  "pop", "popitem", "setdefault", "update", "values"};
  static const std::set<std::string> setAttrs = {
      "add", "clear", "copy", "difference", "difference_update", "discard", "intersection",
      "intersection_update", "isdisjoint", "issubset", "issuperset", "pop", "remove",
      "symmetric_difference", "symmetric_difference_update", "union", "update"};
  static const std::set<std::string> tupleAttrs = {"count", "index"};
  switch (k) {
  case TypeKind::Int: case TypeKind::Bool: return &intAttrs;
  case TypeKind::Float: return &floatAttrs;
  case TypeKind::Str: return &strAttrs;
  case TypeKind::Bytes: return &bytesAttrs;
  case TypeKind::List: return &listAttrs;
  case TypeKind::Dict: return &dictAttrs;
  case TypeKind::Set: return &setAttrs;
  case TypeKind::Tuple: return &tupleAttrs;
  default: return nullptr;
  }
}

/// CPython's name for a type in operator messages.
std::string pyName(const TypeContext &tc, const Type *t) {
  return t->is(TypeKind::None) ? "NoneType" : tc.str(t);
}

/// Ordering categories: values of two different ones cannot be compared with `<`.
int orderCategory(const Type *t) {
  switch (t->kind) {
  case TypeKind::Bool: case TypeKind::Int: case TypeKind::Float: return 1;
  case TypeKind::Str: return 2;
  case TypeKind::Bytes: return 3;
  case TypeKind::List: return 4;
  case TypeKind::Tuple: return 5;
  case TypeKind::None: return 6;
  default: return 0;
  }
}

/// A constant index such as `0` or `-1`, for tuples and gather results.
bool constIndex(Expr *e, long &out) {
  if (auto *i = dyn_cast<IntExpr>(e)) {
    out = i->value;
    return true;
  }
  if (auto *u = dyn_cast<UnaryOpExpr>(e); u && u->op == UnaryOpKind::Neg)
    if (auto *i = dyn_cast<IntExpr>(u->operand)) {
      out = -i->value;
      return true;
    }
  return false;
}

} // namespace

// One case per expression kind: a dispatch table, longer than 80 lines on purpose.
const Type *Checker::typeOf(Expr *e) {
  if (!e)
    return tc.unknown();
  switch (e->kind) {
  case ExprKind::Name: return typeOfName(cast<NameExpr>(e));
  case ExprKind::Int: return tc.intT();
  case ExprKind::Float: return tc.floatT();
  case ExprKind::Str: return tc.str();
  case ExprKind::Bytes: return tc.bytes();
  case ExprKind::Bool: return tc.boolT();
  case ExprKind::None: return tc.none();
  case ExprKind::Ellipsis: return tc.unknown();
  case ExprKind::FString:
    for (FStringPart &p : cast<FStringExpr>(e)->parts) {
      typeOf(p.expr);
      typeOf(p.formatSpec);
    }
    return tc.str();
  case ExprKind::BinOp: return typeOfBinOp(cast<BinOpExpr>(e));
  case ExprKind::UnaryOp: {
    auto *u = cast<UnaryOpExpr>(e);
    const Type *t = typeOf(u->operand);
    if (u->op == UnaryOpKind::Not)
      return tc.boolT();
    if (t->is(TypeKind::Bool) || t->is(TypeKind::Int))
      return tc.intT();
    if (t->is(TypeKind::Float) && u->op != UnaryOpKind::Invert)
      return t;
    return tc.unknown();
  }
  case ExprKind::BoolOp: {
    auto *b = cast<BoolOpExpr>(e);
    Flow saved = frame->flow;
    const Type *result = nullptr;
    for (size_t i = 0; i < b->values.size(); ++i) {
      const Type *t = typeOf(b->values[i]);
      // `name or "default"`: a falsy None never survives an `or` that has more operands.
      if (b->op == BoolOpKind::Or && i + 1 < b->values.size())
        t = tc.removeNone(t);
      result = result ? tc.join(result, t) : t;
      Narrowing n = narrow(b->values[i]);
      applyFlow(b->op == BoolOpKind::And ? n.whenTrue : n.whenFalse);
    }
    frame->flow = saved;
    return b->op == BoolOpKind::And ? tc.unknown() : result;
  }
  case ExprKind::Compare: {
    auto *c = cast<CompareExpr>(e);
    const Type *prev = typeOf(c->left);
    for (size_t i = 0; i < c->comparators.size(); ++i) {
      const Type *cur = typeOf(c->comparators[i]);
      CompareOp op = c->ops[i];
      if (op == CompareOp::Lt || op == CompareOp::LtE || op == CompareOp::Gt || op == CompareOp::GtE)
        checkOrdering(op, prev, cur, e->range);
      prev = cur;
    }
    return tc.boolT();
  }
  case ExprKind::Call: return typeOfCall(cast<CallExpr>(e));
  case ExprKind::Attribute: return typeOfAttribute(cast<AttributeExpr>(e));
  case ExprKind::Subscript: {
    // Elements that may be None are not held to narrowing (as for fields).
    const Type *t = typeOfSubscript(cast<SubscriptExpr>(e));
    if (hasNoneMember(t))
      t = tc.removeNone(t);
    return t->is(TypeKind::None) ? tc.unknown() : t;
  }
  case ExprKind::Slice: {
    auto *s = cast<SliceExpr>(e);
    typeOf(s->lower);
    typeOf(s->upper);
    typeOf(s->step);
    return tc.unknown();
  }
  case ExprKind::Tuple: {
    std::vector<const Type *> elts;
    bool star = false;
    for (Expr *x : cast<SequenceExpr>(e)->elts) {
      const Type *t = typeOf(x);
      if (isa<StarredExpr>(x)) {
        star = true;
        t = iterElement(t);
      }
      elts.push_back(t);
    }
    if (star) {
      const Type *j = elts.empty() ? tc.unknown() : elts[0];
      for (const Type *t : elts)
        j = tc.join(j, t);
      return tc.tuple({j}, true);
    }
    return tc.tuple(elts);
  }
  case ExprKind::List:
  case ExprKind::Set: {
    const Type *j = nullptr;
    for (Expr *x : cast<SequenceExpr>(e)->elts) {
      const Type *t = typeOf(x);
      if (isa<StarredExpr>(x))
        t = iterElement(t);
      j = j ? tc.join(j, t) : t;
    }
    if (!j || j->is(TypeKind::None))
      j = tc.unknown(); // [None] * n is a table to be filled in later
    return e->kind == ExprKind::List ? tc.list(j) : tc.set(j);
  }
  case ExprKind::Dict: {
    auto *d = cast<DictExpr>(e);
    const Type *k = nullptr, *v = nullptr;
    for (size_t i = 0; i < d->values.size(); ++i) {
      const Type *vt = typeOf(d->values[i]);
      const Type *kt;
      Expr *key = i < d->keys.size() ? d->keys[i] : nullptr;
      if (key) {
        kt = typeOf(key);
      } else if (vt->is(TypeKind::Dict)) {
        kt = vt->args[0];
        vt = vt->args[1];
      } else {
        kt = vt = tc.unknown();
      }
      k = k ? tc.join(k, kt) : kt;
      v = v ? tc.join(v, vt) : vt;
    }
    return tc.dict(k ? k : tc.unknown(), v ? v : tc.unknown());
  }
  case ExprKind::ListComp:
  case ExprKind::SetComp:
  case ExprKind::DictComp:
  case ExprKind::GeneratorExp:
    return typeOfComprehension(static_cast<ComprehensionExpr *>(e));
  case ExprKind::Lambda: {
    auto *l = cast<LambdaExpr>(e);
    std::vector<const Type *> params;
    for (Param &p : l->params)
      if (p.defaultValue)
        typeOf(p.defaultValue);
    Env *saved = frame->env;
    Env *lenv = newEnv(saved->isClass ? saved->parent : saved);
    Flow savedFlow = frame->flow;
    for (Param &p : l->params) {
      lenv->vars[p.name] = {tc.unknown()};
      forgetPath(p.name);
      params.push_back(tc.unknown());
    }
    frame->env = lenv;
    bool wasAsync = frame->isAsync;
    frame->isAsync = false; // `await` is not allowed in a lambda
    const Type *body = typeOf(l->body);
    frame->isAsync = wasAsync;
    frame->env = saved;
    frame->flow = savedFlow;
    return tc.signature(params, body);
  }
  case ExprKind::IfExp: {
    auto *i = cast<IfExpExpr>(e);
    typeOf(i->test);
    Narrowing n = narrow(i->test);
    Flow saved = frame->flow;
    applyFlow(n.whenTrue);
    const Type *a = typeOf(i->body);
    frame->flow = saved;
    applyFlow(n.whenFalse);
    const Type *b = typeOf(i->orelse);
    frame->flow = saved;
    return tc.join(a, b);
  }
  case ExprKind::Await: return typeOfAwait(cast<AwaitExpr>(e));
  case ExprKind::Yield:
    typeOf(cast<YieldExpr>(e)->value);
    return tc.unknown();
  case ExprKind::YieldFrom:
    typeOf(cast<YieldFromExpr>(e)->value);
    return tc.unknown();
  case ExprKind::Starred: return typeOf(cast<StarredExpr>(e)->value);
  case ExprKind::NamedExpr: {
    auto *n = cast<NamedExpr>(e);
    const Type *v = typeOf(n->value);
    assignName(n->target, v, true, n->value);
    return v;
  }
  }
  return tc.unknown();
}

const Type *Checker::typeOfName(NameExpr *n) {
  bool local = false;
  VarInfo *vi = lookupVar(n->id, &local);
  const Type *t = nullptr;
  auto it = frame->flow.find(n->id);
  if (it != frame->flow.end())
    t = it->second;
  else if (vi)
    t = vi->type;
  if (!t) {
    const Type *b = builtinName(n->id);
    return b ? b : tc.unknown();
  }
  // Only an Optional the program declared, in its own scope, is held to
  // narrowing; other None members come from inference and are not trusted.
  bool strict = vi && vi->strictOptional && local;
  if (!strict && hasNoneMember(t))
    t = tc.removeNone(t);
  // A variable the checker only saw hold None was most likely set elsewhere.
  if (!strict && t->is(TypeKind::None))
    t = tc.unknown();
  return t;
}

void Checker::reportMissingAttribute(const Type *t, const std::string &attr, SourceRange r) {
  error(r, "'" + tc.str(t) + "' object has no attribute '" + attr + "'");
}

const Type *Checker::instanceAttribute(ClassInfo *cls, const Type *self, const std::string &attr, bool viaSuper) {
  (void)viaSuper;
  for (ClassInfo *c = cls; c; c = c->base) {
    if (c->builtin) {
      if (attr == "args")
        return tc.tuple({tc.object()}, true);
      return tc.unknown();
    }
    auto f = c->fields.find(attr);
    if (f != c->fields.end())
      return f->second;
    auto m = c->methods.find(attr);
    if (m != c->methods.end()) {
      FuncInfo *fn = m->second;
      if (fn->otherDecorators)
        return tc.unknown();
      if (fn->isProperty) {
        CallExpr fake(fn->def->range, nullptr);
        return callFunction(fn, self, &fake, {}, attr);
      }
      if (fn->isStatic)
        return tc.function(fn, false);
      return tc.function(fn, true);
    }
    auto v = c->classVars.find(attr);
    if (v != c->classVars.end())
      return cls->closed() ? v->second : tc.unknown(); // Enum and friends rewrite class attributes
  }
  if (!cls->closed() || usesSetattr || storedAttrs.count(attr) || isDunder(attr) ||
      cls->hasMethod("__getattr__") || cls->hasMethod("__getattribute__"))
    return tc.unknown();
  // A base class method may use what only its subclasses define.
  for (auto &[def, other] : classes)
    if (other != cls && other->isSubclassOf(cls) &&
        (other->fields.count(attr) || other->methods.count(attr) || other->classVars.count(attr)))
      return tc.unknown();
  return nullptr;
}

const Type *Checker::attributeOf(const Type *t, const std::string &attr, AttributeExpr *a) {
  switch (t->kind) {
  case TypeKind::Union: {
    std::vector<const Type *> out;
    for (const Type *m : t->args) {
      if (m->is(TypeKind::None)) {
        if (!isDunder(attr))
          error(a->range, "item 'None' of " + show(t) + " has no attribute '" + attr + "'");
        continue;
      }
      out.push_back(attributeOf(m, attr, a));
    }
    return tc.unionOf(out);
  }
  case TypeKind::Instance: {
    const Type *r = instanceAttribute(t->cls, t, attr, false);
    if (!r) {
      // An imported module's class may be subclassed by its importer, whose
      // subclass can define what a method here uses on self.
      auto *self = dyn_cast<NameExpr>(a->value);
      bool onSelf = self && frame->func && frame->func->owner && !frame->func->def->params.empty() &&
                    frame->func->def->params[0].name == self->id;
      if (!(onSelf && mod.name != "__main__"))
        reportMissingAttribute(t, attr, a->range);
      return tc.unknown();
    }
    return r;
  }
  case TypeKind::ClassObj: {
    for (ClassInfo *c = t->cls; c && !c->builtin; c = c->base) {
      auto m = c->methods.find(attr);
      if (m != c->methods.end()) {
        if (m->second->otherDecorators)
          return tc.unknown();
        return tc.function(m->second, m->second->isClassMethod);
      }
      auto v = c->classVars.find(attr);
      if (v != c->classVars.end())
        return t->cls->closed() ? v->second : tc.unknown();
      auto f = c->fields.find(attr);
      if (f != c->fields.end())
        return f->second;
    }
    if (attr == "__name__")
      return tc.str();
    return tc.unknown();
  }
  case TypeKind::Super: {
    ClassInfo *base = t->cls ? t->cls->base : nullptr;
    if (!base || base->builtin)
      return tc.unknown();
    const Type *r = instanceAttribute(base, tc.instance(t->cls), attr, true);
    return r ? r : tc.unknown();
  }
  case TypeKind::Module:
    return moduleAttribute(t->name, attr);
  case TypeKind::Named:
    if (t->name == "Queue" && attr == "maxsize")
      return tc.intT();
    return tc.unknown();
  case TypeKind::Function:
  case TypeKind::BuiltinFunc:
    return attr == "__name__" ? tc.str() : tc.unknown();
  case TypeKind::Coroutine:
    checkCoroutineAttribute(t, attr, a->range);
    return tc.unknown();
  default:
    if (const std::set<std::string> *known = builtinAttributes(t->kind))
      if (!known->count(attr) && !isDunder(attr))
        reportMissingAttribute(t, attr, a->range);
    return tc.unknown();
  }
}

void Checker::checkCoroutineAttribute(const Type *t, const std::string &attr, SourceRange r) {
  static const std::set<std::string> known = {"send", "throw", "close", "cr_await", "cr_frame",
                                              "cr_running", "cr_code", "cr_origin"};
  if (!known.count(attr) && !isDunder(attr))
    error(r, "'" + tc.str(t) + "' object has no attribute '" + attr + "' (a coroutine must be awaited first)");
}

void Checker::checkOrdering(CompareOp op, const Type *l, const Type *r, SourceRange range) {
  static const char *names[] = {"==", "!=", "<", "<=", ">", ">="};
  for (const Type *lm : l->is(TypeKind::Union) ? l->args : std::vector<const Type *>{l})
    for (const Type *rm : r->is(TypeKind::Union) ? r->args : std::vector<const Type *>{r}) {
      int a = orderCategory(lm), b = orderCategory(rm);
      if (a && b && a != b) {
        error(range, std::string("'") + names[static_cast<int>(op)] + "' not supported between instances of '" +
                         pyName(tc, lm) + "' and '" + pyName(tc, rm) + "'");
        return;
      }
    }
}

const Type *Checker::typeOfAttribute(AttributeExpr *a) {
  std::string key = pathKey(a);
  if (!key.empty()) {
    auto it = frame->flow.find(key);
    if (it != frame->flow.end()) {
      typeOf(a->value);
      return it->second;
    }
  }
  const Type *base = typeOf(a->value);
  const Type *t = attributeOf(base, a->attr, a);
  // Fields that may be None are not held to narrowing (see typeOfName).
  if (hasNoneMember(t))
    t = tc.removeNone(t);
  if (t->is(TypeKind::None))
    t = tc.unknown();
  return t;
}

const Type *Checker::typeOfSubscript(SubscriptExpr *s) {
  const Type *base = typeOf(s->value);
  const Type *idx = typeOf(s->index);
  (void)idx;
  bool slice = isa<SliceExpr>(s->index);
  long ci = 0;
  bool isConst = constIndex(s->index, ci);
  switch (base->kind) {
  case TypeKind::List:
    return slice ? base : base->elem();
  case TypeKind::GatherList:
    if (slice)
      return tc.list(tc.object());
    if (isConst) {
      long n = static_cast<long>(base->args.size());
      if (ci < 0)
        ci += n;
      if (ci >= 0 && ci < n)
        return base->args[static_cast<size_t>(ci)];
    }
    return tc.object();
  case TypeKind::Tuple: {
    if (base->variadic)
      return slice ? base : base->elem();
    long n = static_cast<long>(base->args.size());
    if (slice || n == 0)
      return slice ? tc.tuple({tc.object()}, true) : tc.unknown();
    if (isConst) {
      if (ci < 0)
        ci += n;
      if (ci >= 0 && ci < n)
        return base->args[static_cast<size_t>(ci)];
      return tc.unknown();
    }
    const Type *j = base->args[0];
    for (const Type *t : base->args)
      j = tc.join(j, t);
    return j;
  }
  case TypeKind::Dict:
    return base->args[1];
  case TypeKind::Str:
    return tc.str();
  case TypeKind::Bytes:
    return slice ? tc.bytes() : tc.intT();
  case TypeKind::BuiltinFunc:
  case TypeKind::ClassObj:
    return base; // list[int], asyncio.Queue[int]: the generic itself
  case TypeKind::Instance: {
    const Type *m = instanceAttribute(base->cls, base, "__getitem__", false);
    if (m && m->is(TypeKind::Function) && m->func && m->func->def->returns)
      return annotationType(m->func->def->returns);
    return tc.unknown();
  }
  default:
    return tc.unknown();
  }
}

/// The result of [l] [op] [r], or ok = false when CPython would raise
/// TypeError. Cases follow CPython's operator table, so the function is long.
const Type *Checker::binOpResult(BinaryOp op, const Type *l, const Type *r, bool &ok) {
  if (l->isLenient() || r->isLenient())
    return tc.unknown();
  if (l->is(TypeKind::Union) || r->is(TypeKind::Union)) {
    std::vector<const Type *> out;
    for (const Type *lm : l->is(TypeKind::Union) ? l->args : std::vector<const Type *>{l})
      for (const Type *rm : r->is(TypeKind::Union) ? r->args : std::vector<const Type *>{r}) {
        bool mok = true;
        const Type *res = binOpResult(op, lm, rm, mok);
        // Unions the checker built by joining are not trusted; the ones that
        // mean something (an exception from gather, a declared None) are.
        auto meaningful = [](const Type *m) { return m->is(TypeKind::None) || m->is(TypeKind::Instance); };
        if (!mok && !meaningful(lm) && !meaningful(rm)) {
          mok = true;
          res = tc.unknown();
        }
        out.push_back(res);
        ok &= mok;
      }
    return tc.unionOf(out);
  }
  bool arith = op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul || op == BinaryOp::TrueDiv ||
               op == BinaryOp::FloorDiv || op == BinaryOp::Mod || op == BinaryOp::Pow;
  bool bitwise = op == BinaryOp::BitAnd || op == BinaryOp::BitOr || op == BinaryOp::BitXor ||
                 op == BinaryOp::LShift || op == BinaryOp::RShift;
  if (isNum(l) && isNum(r)) {
    if (bitwise) {
      if (isIntLike(l) && isIntLike(r))
        return l->is(TypeKind::Bool) && r->is(TypeKind::Bool) && op != BinaryOp::LShift && op != BinaryOp::RShift
                   ? tc.boolT()
                   : tc.intT();
      ok = false;
      return tc.unknown();
    }
    if (!arith) {
      ok = false;
      return tc.unknown();
    }
    if (op == BinaryOp::TrueDiv)
      return tc.floatT();
    if (l->is(TypeKind::Float) || r->is(TypeKind::Float))
      return tc.floatT();
    return tc.intT();
  }
  auto seqTimesInt = [&](const Type *seq, const Type *n) {
    return op == BinaryOp::Mul && isIntLike(n) &&
           (seq->is(TypeKind::Str) || seq->is(TypeKind::Bytes) || seq->is(TypeKind::List) ||
            seq->is(TypeKind::Tuple) || seq->is(TypeKind::GatherList));
  };
  if (seqTimesInt(l, r))
    return l->is(TypeKind::Tuple) ? tc.tuple({l->args.empty() ? tc.unknown() : iterElement(l)}, true) : l;
  if (seqTimesInt(r, l))
    return r->is(TypeKind::Tuple) ? tc.tuple({r->args.empty() ? tc.unknown() : iterElement(r)}, true) : r;
  if ((l->is(TypeKind::Str) || l->is(TypeKind::Bytes)) && op == BinaryOp::Mod)
    return l;
  if (l->kind == r->kind && op == BinaryOp::Add) {
    switch (l->kind) {
    case TypeKind::Str:
    case TypeKind::Bytes:
      return l;
    case TypeKind::List:
      return tc.list(l->elem()->is(TypeKind::Unknown) ? r->elem()
                     : r->elem()->is(TypeKind::Unknown) ? l->elem() : tc.join(l->elem(), r->elem()));
    case TypeKind::Tuple:
      if (!l->variadic && !r->variadic) {
        std::vector<const Type *> elts = l->args;
        elts.insert(elts.end(), r->args.begin(), r->args.end());
        return tc.tuple(elts);
      }
      return tc.tuple({tc.join(iterElement(l), iterElement(r))}, true);
    default:
      break;
    }
  }
  if ((l->is(TypeKind::List) || l->is(TypeKind::GatherList)) &&
      (r->is(TypeKind::List) || r->is(TypeKind::GatherList)) && op == BinaryOp::Add)
    return tc.list(tc.object());
  if (l->is(TypeKind::Set) && r->is(TypeKind::Set) &&
      (op == BinaryOp::BitOr || op == BinaryOp::BitAnd || op == BinaryOp::Sub || op == BinaryOp::BitXor))
    return tc.set(tc.join(l->elem(), r->elem()));
  if (l->is(TypeKind::Dict) && r->is(TypeKind::Dict) && op == BinaryOp::BitOr)
    return l;
  // Classes: their operator methods decide; a hierarchy we do not fully know stays silent.
  for (const Type *side : {l, r}) {
    if (!side->is(TypeKind::Instance))
      continue;
    ClassInfo *c = side->cls;
    std::string name = dunderFor(op);
    std::string reflected = "__r" + name.substr(2);
    if (side == l && c->hasMethod(name)) {
      const Type *m = instanceAttribute(c, l, name, false);
      if (m && m->is(TypeKind::Function) && m->func && m->func->def->returns)
        return annotationType(m->func->def->returns);
      return tc.unknown();
    }
    if (side == r && c->hasMethod(reflected))
      return tc.unknown();
    bool known = true;
    for (ClassInfo *k = c; k; k = k->base)
      if (k->openBase)
        known = false;
    if (!known)
      return tc.unknown();
  }
  auto modelled = [](const Type *t) {
    switch (t->kind) {
    case TypeKind::None: case TypeKind::Bool: case TypeKind::Int: case TypeKind::Float:
    case TypeKind::Str: case TypeKind::Bytes: case TypeKind::List: case TypeKind::Dict:
    case TypeKind::Set: case TypeKind::Tuple: case TypeKind::GatherList: case TypeKind::Instance:
    case TypeKind::Coroutine: case TypeKind::Task: case TypeKind::Future:
      return true;
    default:
      return false;
    }
  };
  if (!modelled(l) || !modelled(r))
    return tc.unknown();
  ok = false;
  return tc.unknown();
}

const Type *Checker::typeOfBinOp(BinOpExpr *b) {
  const Type *l = typeOf(b->lhs);
  const Type *r = typeOf(b->rhs);
  bool ok = true;
  const Type *res = binOpResult(b->op, l, r, ok);
  if (!ok) {
    error(b->range, std::string("unsupported operand types for ") + opText(b->op) + ": " + show(l) + " and " +
                        show(r));
    return tc.unknown();
  }
  return res;
}

const Type *Checker::iterElement(const Type *t) {
  switch (t->kind) {
  case TypeKind::List:
  case TypeKind::Set:
    return t->elem();
  case TypeKind::GatherList:
    return tc.object();
  case TypeKind::Tuple: {
    if (t->variadic)
      return t->elem();
    if (t->args.empty())
      return tc.unknown();
    const Type *j = t->args[0];
    for (const Type *e : t->args)
      j = tc.join(j, e);
    return j;
  }
  case TypeKind::Dict:
    return t->args[0];
  case TypeKind::Str:
    return tc.str();
  case TypeKind::Bytes:
    return tc.intT();
  case TypeKind::Named:
    if ((t->name == "Generator" || t->name == "range") && !t->args.empty())
      return t->args[0];
    return tc.unknown();
  default:
    return tc.unknown();
  }
}

const Type *Checker::typeOfComprehension(ComprehensionExpr *c) {
  Env *saved = frame->env;
  Flow savedFlow = frame->flow;
  Env *cenv = newEnv(saved->isClass ? saved->parent : saved);
  cenv->globals = saved->globals;
  cenv->nonlocals = saved->nonlocals;
  bool first = true;
  for (Comprehension &g : c->generators) {
    // The first iterable is evaluated in the enclosing scope, as in Python.
    const Type *it = typeOf(g.iter);
    if (first)
      frame->env = cenv;
    first = false;
    const Type *elem = g.isAsync ? tc.unknown() : iterElement(it);
    std::function<void(Expr *)> bind = [&](Expr *t) {
      if (auto *n = dyn_cast<NameExpr>(t)) {
        cenv->vars[n->id] = {tc.unknown()};
        forgetPath(n->id);
      } else if (auto *seq = dyn_cast<SequenceExpr>(t)) {
        for (Expr *x : seq->elts)
          bind(x);
      } else if (auto *st = dyn_cast<StarredExpr>(t)) {
        bind(st->value);
      }
    };
    bind(g.target);
    assignTarget(g.target, elem, true);
    for (Expr *cond : g.ifs) {
      typeOf(cond);
      applyFlow(narrow(cond).whenTrue);
    }
  }
  frame->env = cenv;
  const Type *elt = typeOf(c->elt);
  const Type *val = c->value ? typeOf(c->value) : nullptr;
  frame->env = saved;
  frame->flow = savedFlow;
  switch (c->kind) {
  case ExprKind::ListComp: return tc.list(elt);
  case ExprKind::SetComp: return tc.set(elt);
  case ExprKind::DictComp: return tc.dict(elt, val ? val : tc.unknown());
  default: return tc.named("Generator", {elt});
  }
}

bool Checker::isAwaitable(const Type *t) {
  switch (t->kind) {
  case TypeKind::None: case TypeKind::Bool: case TypeKind::Int: case TypeKind::Float:
  case TypeKind::Str: case TypeKind::Bytes: case TypeKind::List: case TypeKind::Dict:
  case TypeKind::Set: case TypeKind::Tuple: case TypeKind::GatherList:
  case TypeKind::Function: case TypeKind::ClassObj: case TypeKind::Module:
    return false;
  case TypeKind::Instance:
    return !t->cls->closed() || t->cls->hasMethod("__await__");
  default:
    return true;
  }
}

const Type *Checker::awaitResult(const Type *t) {
  switch (t->kind) {
  case TypeKind::Coroutine:
  case TypeKind::Task:
  case TypeKind::Future:
    return t->elem();
  default:
    return tc.unknown();
  }
}

const Type *Checker::typeOfAwait(AwaitExpr *a) {
  const Type *t = typeOf(a->value);
  if (frame->func && !frame->isAsync && !frame->env->isModule && !silent) {
    reported = true;
    diags.report(DiagID::AwaitOutsideAsync, a->range);
  }
  if (!isAwaitable(t)) {
    error(a->value->range, "value of type " + show(t) + " is not awaitable");
    if (!silent)
      if (auto *call = dyn_cast<CallExpr>(a->value))
        if (auto *n = dyn_cast<NameExpr>(call->func)) {
          const Type *f = typeOfName(n);
          if (f->is(TypeKind::Function) && f->func && !f->func->isAsync)
            diags.report(DiagID::TypeNote, call->range,
                         {"'" + n->id + "' is a plain function, not 'async def': call it without 'await'"});
        }
    return tc.unknown();
  }
  return awaitResult(t);
}

// ---------------------------------------------------------------- calls

std::string Checker::callName(FuncInfo *f) {
  return f->owner ? f->owner->name + "." + f->def->name : f->def->name;
}

// Mirrors CPython's argument binding (ceval's too-many / missing / unexpected
// keyword checks) in one pass, so it stays one function.
bool Checker::checkArity(FuncInfo *f, bool bound, CallExpr *c, const std::vector<const Type *> &args,
                         const std::string &displayName, std::vector<const Type *> &paramTypes) {
  FunctionDefStmt *d = f->def;
  paramTypes.assign(d->params.size(), nullptr);
  size_t first = bound && !d->params.empty() && d->params[0].kind != ParamKind::VarArgs ? 1 : 0;
  bool star = false, starStar = false;
  for (Expr *a : c->args)
    star |= isa<StarredExpr>(a);
  for (Keyword &k : c->keywords)
    starStar |= k.name.empty();
  std::vector<size_t> positional;
  int varArgs = -1, varKw = -1;
  for (size_t i = first; i < d->params.size(); ++i) {
    ParamKind k = d->params[i].kind;
    if (k == ParamKind::PositionalOnly || k == ParamKind::Positional)
      positional.push_back(i);
    else if (k == ParamKind::VarArgs)
      varArgs = static_cast<int>(i);
    else if (k == ParamKind::VarKeywords)
      varKw = static_cast<int>(i);
  }
  std::string fn = displayName + "()";
  auto annotated = [&](size_t p) { return d->params[p].annotation ? annotationType(d->params[p].annotation) : nullptr; };
  auto checkArg = [&](size_t p, const Type *t, Expr *argExpr, const std::string &label) {
    if (const Type *want = annotated(p); want && !tc.assignable(want, t))
      error(argExpr->range, "argument " + label + " to '" + displayName + "' has incompatible type " + show(t) +
                                "; expected " + show(want));
  };
  size_t given = 0;
  for (size_t i = 0; i < c->args.size(); ++i) {
    if (isa<StarredExpr>(c->args[i]))
      break;
    ++given;
  }
  if (!star && varArgs < 0 && given > positional.size()) {
    size_t required = 0;
    for (size_t p : positional)
      required += d->params[p].defaultValue ? 0 : 1;
    size_t self = first;
    std::string takes = required == positional.size()
                            ? std::to_string(positional.size() + self)
                            : "from " + std::to_string(required + self) + " to " + std::to_string(positional.size() + self);
    bool one = required == positional.size() && positional.size() + self == 1;
    error(c->range, fn + " takes " + takes + " positional argument" + (one ? "" : "s") + " but " +
                        std::to_string(given + self) + (given + self == 1 ? " was" : " were") + " given");
    return false;
  }
  std::vector<bool> filled(d->params.size(), false);
  for (size_t i = 0; i < given; ++i) {
    const Type *t = i < args.size() ? args[i] : tc.unknown();
    if (i < positional.size()) {
      filled[positional[i]] = true;
      paramTypes[positional[i]] = t;
      checkArg(positional[i], t, c->args[i], std::to_string(i + 1));
    } else if (varArgs >= 0) {
      checkArg(static_cast<size_t>(varArgs), t, c->args[i], std::to_string(i + 1));
    }
  }
  for (Keyword &k : c->keywords) {
    if (k.name.empty())
      continue;
    int found = -1;
    for (size_t i = first; i < d->params.size(); ++i) {
      const Param &p = d->params[i];
      if (p.name == k.name && p.kind != ParamKind::VarArgs && p.kind != ParamKind::VarKeywords &&
          p.kind != ParamKind::PositionalOnly)
        found = static_cast<int>(i);
    }
    // Forwarded calls (to_thread, call_soon) were typed at their own call site.
    if (silentKeywords)
      ++silent;
    const Type *t = typeOf(k.value);
    if (silentKeywords)
      --silent;
    if (found < 0) {
      if (varKw < 0) {
        error(k.value->range, fn + " got an unexpected keyword argument '" + k.name + "'");
        return false;
      }
      checkArg(static_cast<size_t>(varKw), t, k.value, "'" + k.name + "'");
      continue;
    }
    if (filled[static_cast<size_t>(found)] && !star) {
      error(k.value->range, fn + " got multiple values for argument '" + k.name + "'");
      return false;
    }
    filled[static_cast<size_t>(found)] = true;
    paramTypes[static_cast<size_t>(found)] = t;
    checkArg(static_cast<size_t>(found), t, k.value, "'" + k.name + "'");
  }
  if (star || starStar)
    return true;
  std::vector<std::string> missing, missingKw;
  for (size_t i = first; i < d->params.size(); ++i) {
    const Param &p = d->params[i];
    if (filled[i] || p.defaultValue || p.kind == ParamKind::VarArgs || p.kind == ParamKind::VarKeywords)
      continue;
    (p.kind == ParamKind::KeywordOnly ? missingKw : missing).push_back("'" + p.name + "'");
  }
  for (auto *list : {&missing, &missingKw}) {
    if (list->empty())
      continue;
    std::string names;
    for (size_t i = 0; i < list->size(); ++i) {
      if (i)
        names += list->size() == 2 ? " and " : (i + 1 == list->size() ? ", and " : ", ");
      names += (*list)[i];
    }
    std::string kind = list == &missing ? "positional" : "keyword-only";
    error(c->range, fn + " missing " + std::to_string(list->size()) + " required " + kind + " argument" +
                        (list->size() == 1 ? "" : "s") + ": " + names);
    return false;
  }
  return true;
}

const Type *Checker::callFunction(FuncInfo *f, const Type *self, CallExpr *c, const std::vector<const Type *> &args,
                                  const std::string &displayName) {
  if (f->otherDecorators)
    return tc.unknown();
  std::vector<const Type *> paramTypes;
  bool bound = self != nullptr;
  checkArity(f, bound, c, args, displayName, paramTypes);
  if (bound && !paramTypes.empty())
    paramTypes[0] = self;
  if (f->isGenerator)
    return tc.named(f->isAsync ? "AsyncGenerator" : "Generator");
  const Type *r;
  if (f->def->returns) {
    r = annotationType(f->def->returns);
  } else {
    // Generic instantiation: the body is typed again for each tuple of argument types.
    std::string key;
    for (const Type *t : paramTypes)
      key += std::to_string(reinterpret_cast<uintptr_t>(t ? t : tc.unknown())) + ",";
    auto it = f->retCache.find(key);
    if (it != f->retCache.end()) {
      r = it->second;
    } else if (f->activeInstantiations > 0 || instantiations > 2000 || nestedInstantiations > 40 || !f->closure) {
      // Recursion, a runaway program or a deep chain of generic calls: stop inferring (and save the stack).
      r = tc.unknown();
    } else {
      ++f->activeInstantiations;
      ++instantiations;
      ++nestedInstantiations;
      r = checkBody(f, &paramTypes, false);
      --nestedInstantiations;
      // An inferred `T | None` is not held to narrowing: only declared Optionals are.
      if (hasNoneMember(r))
        r = tc.removeNone(r);
      --f->activeInstantiations;
      f->retCache[key] = r;
    }
  }
  return f->isAsync ? tc.coroutine(r) : r;
}

const Type *Checker::construct(ClassInfo *cls, CallExpr *c, const std::vector<const Type *> &args) {
  const Type *inst = tc.instance(cls);
  if (cls->builtin)
    return inst;
  bool dataclass = false;
  for (ClassInfo *k = cls; k; k = k->base)
    dataclass |= k->dataclass;
  for (ClassInfo *k = cls; k && !k->builtin; k = k->base) {
    auto it = k->methods.find("__init__");
    if (it != k->methods.end()) {
      if (!dataclass)
        callFunction(it->second, inst, c, args, k->name + ".__init__");
      return inst;
    }
    if (k->methods.count("__new__"))
      return inst;
  }
  if (!dataclass && cls->closed() && (!c->args.empty() || !c->keywords.empty()))
    error(c->range, cls->name + "() takes no arguments");
  return inst;
}

const Type *Checker::callValue(const Type *callee, CallExpr *c, const std::vector<const Type *> &args) {
  switch (callee->kind) {
  case TypeKind::Function:
    if (callee->func)
      return callFunction(callee->func, callee->bound ? tc.unknown() : nullptr, c, args, callName(callee->func));
    return callee->ret ? callee->ret : tc.unknown();
  case TypeKind::ClassObj:
    return construct(callee->cls, c, args);
  case TypeKind::BuiltinFunc:
    return callBuiltin(callee->name, c, args);
  case TypeKind::Instance:
    if (callee->cls->closed() && !callee->cls->hasMethod("__call__"))
      error(c->func->range, "'" + tc.str(callee) + "' object is not callable");
    return tc.unknown();
  default:
    if (builtinAttributes(callee->kind) || callee->is(TypeKind::Coroutine))
      error(c->func->range, "'" + pyName(tc, callee) + "' object is not callable");
    return tc.unknown();
  }
}

const Type *Checker::callForwarded(const Type *fn, CallExpr *c, const std::vector<const Type *> &args, size_t first,
                                   bool keywords) {
  if (c->args.size() < first)
    return tc.unknown();
  CallExpr sub(c->range, c->args[first - 1]);
  sub.args.assign(c->args.begin() + static_cast<long>(first), c->args.end());
  if (keywords)
    sub.keywords = c->keywords;
  ++silentKeywords;
  std::vector<const Type *> rest;
  for (size_t i = first; i < args.size(); ++i)
    rest.push_back(args[i]);
  const Type *r = callValue(fn, &sub, rest);
  --silentKeywords;
  return r;
}

const Type *Checker::typeOfCall(CallExpr *c) {
  const Type *r = typeOfCallInner(c);
  // A call may change what any attribute path holds: forget facts about them.
  for (auto it = frame->flow.begin(); it != frame->flow.end();)
    it = it->first.find('.') != std::string::npos ? frame->flow.erase(it) : std::next(it);
  return r;
}

const Type *Checker::typeOfCallInner(CallExpr *c) {
  // The callee first, so a method call can dispatch on its receiver's type.
  const Type *recv = nullptr;
  auto *attr = dyn_cast<AttributeExpr>(c->func);
  if (attr)
    recv = typeOf(attr->value);
  std::vector<const Type *> args;
  for (Expr *a : c->args)
    args.push_back(typeOf(a));
  auto keywordTypes = [&]() {
    for (Keyword &k : c->keywords)
      typeOf(k.value);
  };
  if (attr) {
    const std::string &name = attr->attr;
    switch (recv->kind) {
    case TypeKind::Instance:
    case TypeKind::Super: {
      const Type *m = attributeOf(recv, name, attr);
      if (m->is(TypeKind::Function) && m->func) {
        const Type *self = m->bound ? (recv->is(TypeKind::Super) ? tc.instance(recv->cls) : recv) : nullptr;
        std::string display = callName(m->func);
        return callFunction(m->func, self, c, args, display);
      }
      keywordTypes();
      return callValue(m, c, args);
    }
    case TypeKind::ClassObj:
    case TypeKind::Module: {
      const Type *m = attributeOf(recv, name, attr);
      if (m->is(TypeKind::Function) && m->func) {
        const Type *self = m->bound ? recv : nullptr;
        return callFunction(m->func, self, c, args, callName(m->func));
      }
      if (!m->is(TypeKind::ClassObj))
        keywordTypes();
      return callValue(m, c, args);
    }
    case TypeKind::Str: case TypeKind::Bytes: case TypeKind::List: case TypeKind::Dict:
    case TypeKind::Set: case TypeKind::Tuple: case TypeKind::Int: case TypeKind::Float:
    case TypeKind::Bool:
      keywordTypes();
      if (!builtinAttributes(recv->kind)->count(name) && !isDunder(name)) {
        reportMissingAttribute(recv, name, attr->range);
        return tc.unknown();
      }
      return builtinMethod(recv, name, c, args, attr->value);
    case TypeKind::Coroutine:
      checkCoroutineAttribute(recv, name, attr->range);
      keywordTypes();
      return tc.unknown();
    case TypeKind::Task: case TypeKind::Future: case TypeKind::Named:
      keywordTypes();
      return namedMethod(recv, name, c, args);
    case TypeKind::Union:
      attributeOf(recv, name, attr); // reports an unnarrowed None
      keywordTypes();
      return tc.unknown();
    default:
      keywordTypes();
      return tc.unknown();
    }
  }
  const Type *callee = typeOf(c->func);
  if (!(callee->is(TypeKind::Function) && callee->func) && !callee->is(TypeKind::ClassObj))
    keywordTypes();
  return callValue(callee, c, args);
}

} // namespace weft
