// Typing.cpp: the native `typing` module. Weft checks annotations at compile
// time, so at run time these names only need to exist, print like CPython's
// (`typing.Optional`) and accept subscription (`Optional[int]` returns the
// form itself) and calls where typing allows them (TypeVar, NewType, cast).
#include "core/Text.h"

namespace weft::rt {

namespace {

WTypeObj *formType;

WValue newForm(std::string_view name) {
  WValue f = newNativeInstance(formType);
  instSet(f, "_name", makeStr(name));
  return f;
}

/// How typing prints a parameter: `int`, `mymod.Cls`, `typing.List[int]`,
/// `[int, str]` for a Callable's argument list, `...` for Ellipsis.
bool appendTypeArg(std::string &out, WValue v) {
  // typing stores None as type(None), which prints as NoneType.
  if (v.tag == WT_NONE || (isKind(v, Kind::Type) && asType(v) == T.none)) {
    out += "NoneType";
    return true;
  }
  if (v.tag == WT_OBJ && v.o == Ellipsis.o) {
    out += "...";
    return true;
  }
  if (isKind(v, Kind::Type)) {
    WTypeObj *t = asType(v);
    if (t->module && std::string_view(t->module) != "builtins") {
      out += t->module;
      out += '.';
    }
    out += t->qualname ? t->qualname : t->name;
    return true;
  }
  if (isKind(v, Kind::List)) {
    out += '[';
    for (int64_t i = 0; i < asList(v)->size; ++i) {
      if (i) out += ", ";
      if (!appendTypeArg(out, asList(v)->items[i])) return false;
    }
    out += ']';
    return true;
  }
  return appendRepr(out, v);
}

/// Form[params]: a new form whose name records the parameters, so it prints
/// as CPython's typing.Optional[int] does.
WValue f_getitem(WValue self, WValue *a) {
  std::string name(strView(instGet(self, "_name")));
  name += '[';
  if (isKind(a[0], Kind::Tuple)) {
    WTuple *t = asTuple(a[0]);
    for (int64_t i = 0; i < t->size; ++i) {
      if (i) name += ", ";
      if (!appendTypeArg(name, t->items[i])) return wrt_errv();
    }
  } else if (!appendTypeArg(name, a[0])) {
    return wrt_errv();
  }
  name += ']';
  return newForm(name);
}
WValue f_or(WValue self, WValue *) { return self; }
WValue f_repr(WValue self, WValue *) {
  std::string out = "typing.";
  out.append(strView(instGet(self, "_name")));
  return makeStr(out);
}
/// Calling a form (List(), a NewType) is the identity on its argument.
WValue f_call(WValue self, WValue *a) {
  WTuple *args = asTuple(a[0]);
  return args->size ? args->items[0] : wrt_none();
}

WValue t_typevar(WNativeFunc *, WValue *a) {
  if (!isStr(a[0])) return raise(T.TypeError, "TypeVar name must be a string");
  return newForm(strView(a[0]));
}
WValue t_newtype(WNativeFunc *, WValue *a) {
  if (!isStr(a[0])) return raise(T.TypeError, "NewType name must be a string");
  return newForm(strView(a[0]));
}
WValue t_cast(WNativeFunc *, WValue *a) { return a[1]; }
WValue t_identity(WNativeFunc *, WValue *a) { return a[0]; }

} // namespace

WValue namedTupleClass();         // NamedTuple.cpp
WValue makeNamedTupleFunction();  // NamedTuple.cpp

namespace {

WValue initTyping() {
  WValue m = newModule("typing");
  static const char *forms[] = {
      "Any", "Optional", "Union", "Callable", "List", "Dict", "Set", "FrozenSet", "Tuple",
      "Type", "Iterable", "Iterator", "Sequence", "Mapping", "MutableMapping",
      "MutableSequence", "Awaitable", "Coroutine", "Generator", "AsyncIterator",
      "AsyncIterable", "AsyncGenerator", "Generic", "Protocol", "ClassVar", "Final",
      "Literal", "NoReturn", "Never", "Self", "Hashable", "Sized", "Collection", "Deque",
      "DefaultDict", "OrderedDict", "Counter", "ChainMap", "Annotated", "TypeAlias",
      "SupportsInt", "SupportsFloat", "IO", "TextIO", "BinaryIO", "AnyStr", "Text"};
  for (const char *f : forms) moduleSet(m, f, newForm(f));
  moduleSet(m, "TypeVar", makeNative("TypeVar", t_typevar, "name, *constraints, **kwargs"));
  moduleSet(m, "NewType", makeNative("NewType", t_newtype, "name, tp"));
  moduleSet(m, "cast", makeNative("cast", t_cast, "typ, val"));
  moduleSet(m, "overload", makeNative("overload", t_identity, "func"));
  moduleSet(m, "final", makeNative("final", t_identity, "f"));
  moduleSet(m, "runtime_checkable", makeNative("runtime_checkable", t_identity, "cls"));
  moduleSet(m, "TYPE_CHECKING", wrt_bool(0));
  moduleSet(m, "NamedTuple", namedTupleClass());
  moduleSet(m, "_make_namedtuple", makeNamedTupleFunction());
  return m;
}

} // namespace

bool isTypingForm(WValue v) { return formType && isKind(v, Kind::Instance) && typeOf(v) == formType; }

void initTypingModule() {
  formType = newNativeClass("_SpecialForm", "typing");
  WEFT_TEXT_METHOD(formType, "__getitem__", f_getitem, "self, params, /");
  WEFT_TEXT_METHOD(formType, "__or__", f_or, "self, other, /");
  WEFT_TEXT_METHOD(formType, "__ror__", f_or, "self, other, /");
  WEFT_TEXT_METHOD(formType, "__repr__", f_repr, "self, /");
  WEFT_TEXT_METHOD(formType, "__call__", f_call, "self, *args");
  registerModule("typing", initTyping);
}

} // namespace weft::rt
