// Annotations.cpp: turns annotation expressions (`list[int]`, `str | None`,
// `Optional[T]`, `asyncio.Task[str]`, "Node | None" in quotes) and the class
// arguments of isinstance() and except into types. Names the checker does not
// model (Iterator, Sequence, type parameters) become unknown.
#include "sema/TypeCheckerImpl.h"

namespace weft {

namespace {

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool isIdentifier(const std::string &s) {
  if (s.empty() || isdigit(static_cast<unsigned char>(s[0])))
    return false;
  for (char ch : s)
    if (!isalnum(static_cast<unsigned char>(ch)) && ch != '_')
      return false;
  return true;
}

} // namespace

const Type *Checker::typeFromName(const std::string &name, const std::vector<const Type *> &args) {
  auto arg = [&](size_t i) { return i < args.size() ? args[i] : tc.unknown(); };
  if (auto it = classesByName.find(name); it != classesByName.end())
    return tc.instance(it->second);
  if (name == "int") return tc.intT();
  if (name == "float") return tc.floatT();
  if (name == "str") return tc.str();
  if (name == "bool") return tc.boolT();
  if (name == "bytes") return tc.bytes();
  if (name == "None") return tc.none();
  if (name == "object" || name == "Any") return tc.object();
  if (name == "list" || name == "List") return tc.list(arg(0));
  if (name == "set" || name == "Set" || name == "frozenset" || name == "FrozenSet") return tc.set(arg(0));
  if (name == "dict" || name == "Dict") return tc.dict(arg(0), arg(1));
  if (name == "tuple" || name == "Tuple")
    return args.empty() ? tc.tuple({tc.unknown()}, true) : tc.tuple(args);
  if (name == "Optional") return tc.optional(arg(0));
  if (name == "Union") return tc.unionOf(args);
  if (name == "Callable") return tc.signature({}, tc.unknown());
  if (name == "Task") return tc.task(arg(0));
  if (name == "Future") return tc.future(arg(0));
  if (name == "Coroutine") return tc.coroutine(args.empty() ? tc.unknown() : args.back());
  if (name == "Awaitable") return tc.named("Awaitable", {arg(0)});
  if (name == "Queue" || name == "PriorityQueue" || name == "LifoQueue") return tc.named("Queue", {arg(0)});
  if (name == "BoundedSemaphore") return tc.named("Semaphore");
  if (name == "Event" || name == "Lock" || name == "Semaphore" || name == "Condition" || name == "Barrier" ||
      name == "TaskGroup" || name == "StreamReader" || name == "StreamWriter" || name == "Server" ||
      name == "Runner" || name == "ThreadPoolExecutor" || name == "ProcessPoolExecutor")
    return tc.named(name);
  if (name == "AbstractEventLoop") return tc.named("Loop");
  if (name == "TextIO" || name == "BinaryIO" || name == "IO" || name == "TextIOWrapper") return tc.named("File");
  if (name == "EnvironmentError" || name == "IOError") return tc.instance(tc.builtinClass("OSError"));
  if (ClassInfo *c = tc.builtinClass(name)) return tc.instance(c);
  return tc.unknown();
}

const Type *Checker::annotationFromString(const std::string &text) {
  std::vector<const Type *> parts;
  size_t start = 0;
  while (true) {
    size_t bar = text.find('|', start);
    std::string part = trim(text.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (!isIdentifier(part))
      return tc.unknown();
    parts.push_back(typeFromName(part, {}));
    if (bar == std::string::npos)
      break;
    start = bar + 1;
  }
  return tc.unionOf(parts);
}

const Type *Checker::annotationType(Expr *e) {
  if (!e)
    return tc.unknown();
  switch (e->kind) {
  case ExprKind::None:
    return tc.none();
  case ExprKind::Str:
    return annotationFromString(cast<StrExpr>(e)->value);
  case ExprKind::Name:
    return typeFromName(cast<NameExpr>(e)->id, {});
  case ExprKind::Attribute: {
    auto *a = cast<AttributeExpr>(e);
    // asyncio.Queue names asyncio's class even when the program has its own Queue.
    if (auto *n = dyn_cast<NameExpr>(a->value); n && classesByName.count(a->attr) &&
                                                (n->id == "asyncio" || n->id == "typing"))
      return tc.unknown();
    return typeFromName(a->attr, {});
  }
  case ExprKind::BinOp: {
    auto *b = cast<BinOpExpr>(e);
    if (b->op != BinaryOp::BitOr)
      return tc.unknown();
    return tc.unionOf({annotationType(b->lhs), annotationType(b->rhs)});
  }
  case ExprKind::Subscript: {
    auto *s = cast<SubscriptExpr>(e);
    std::string name;
    if (auto *n = dyn_cast<NameExpr>(s->value))
      name = n->id;
    else if (auto *a = dyn_cast<AttributeExpr>(s->value))
      name = a->attr;
    else
      return tc.unknown();
    std::vector<Expr *> items;
    if (auto *t = dyn_cast<SequenceExpr>(s->index); t && t->kind == ExprKind::Tuple)
      items = t->elts;
    else
      items.push_back(s->index);
    if (name == "Callable") {
      std::vector<const Type *> params;
      if (!items.empty())
        if (auto *l = dyn_cast<SequenceExpr>(items[0]); l && l->kind == ExprKind::List)
          for (Expr *p : l->elts)
            params.push_back(annotationType(p));
      return tc.signature(params, items.size() > 1 ? annotationType(items[1]) : tc.unknown());
    }
    if (name == "Literal" || name == "Annotated" || name == "ClassVar" || name == "Final")
      return name == "Literal" ? tc.unknown() : annotationType(items[0]);
    if ((name == "tuple" || name == "Tuple") && items.size() == 2 && isa<EllipsisExpr>(items[1]))
      return tc.tuple({annotationType(items[0])}, true);
    std::vector<const Type *> args;
    for (Expr *x : items)
      args.push_back(annotationType(x));
    return typeFromName(name, args);
  }
  default:
    return tc.unknown();
  }
}

const Type *Checker::isinstanceTarget(Expr *e) {
  if (auto *t = dyn_cast<SequenceExpr>(e); t && t->kind == ExprKind::Tuple) {
    std::vector<const Type *> members;
    for (Expr *x : t->elts) {
      const Type *m = isinstanceTarget(x);
      if (m->is(TypeKind::Unknown))
        return m;
      members.push_back(m);
    }
    return tc.unionOf(members);
  }
  ++silent;
  const Type *v = typeOf(e);
  --silent;
  if (v->is(TypeKind::ClassObj))
    return tc.instance(v->cls);
  if (v->is(TypeKind::BuiltinFunc)) {
    const std::string &n = v->name;
    if (n == "int") return tc.intT();
    if (n == "float") return tc.floatT();
    if (n == "str") return tc.str();
    if (n == "bool") return tc.boolT();
    if (n == "bytes") return tc.bytes();
    if (n == "list") return tc.list(tc.object());
    if (n == "dict") return tc.dict(tc.object(), tc.object());
    if (n == "set") return tc.set(tc.object());
    if (n == "tuple") return tc.tuple({tc.object()}, true);
  }
  return tc.unknown();
}

} // namespace weft
