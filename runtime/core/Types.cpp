// Types.cpp: creates the builtin type objects in T, CPython's exception
// hierarchy among them, and the interned dunder names (N) the protocols use
// for pointer-equality lookups. Runs first in initRuntime(); `type` and
// `dict` are bootstrapped by hand because every type owns an attrs dict.
#include "core/CoreInternal.h"

namespace weft::rt {

Names N;

namespace {

WTypeObj *rawType(const char *name, WTypeObj *base, Kind kind) {
  auto *t = static_cast<WTypeObj *>(gcAlloc(sizeof(WTypeObj)));
  t->hdr.type = T.type;
  t->kind = kind;
  t->name = name;
  t->qualname = name;
  t->module = "builtins";
  t->base = base;
  t->ctor = wrt_unbound();
  return t;
}

WTypeObj *exc(const char *name, WTypeObj *base, const char *module = "builtins") {
  WTypeObj *t = newType(name, base, Kind::Exception, module);
  t->flags |= TYPE_EXCEPTION;
  registerBuiltin(name, wrt_obj(t));
  return t;
}

WTypeObj *builtinType(const char *name, WTypeObj *base, Kind kind, bool publish) {
  WTypeObj *t = newType(name, base, kind);
  if (publish) registerBuiltin(name, wrt_obj(t));
  return t;
}

} // namespace

void initNames() {
  auto I = [](std::string_view s) { return internStr(s); };
  N.init = I("__init__"); N.new_ = I("__new__"); N.repr = I("__repr__"); N.str = I("__str__");
  N.eq = I("__eq__"); N.ne = I("__ne__"); N.lt = I("__lt__"); N.le = I("__le__");
  N.gt = I("__gt__"); N.ge = I("__ge__"); N.hash = I("__hash__"); N.bool_ = I("__bool__");
  N.len = I("__len__"); N.contains = I("__contains__"); N.iter = I("__iter__");
  N.next = I("__next__"); N.getitem = I("__getitem__"); N.setitem = I("__setitem__");
  N.delitem = I("__delitem__"); N.call = I("__call__"); N.name = I("__name__");
  N.qualname = I("__qualname__"); N.class_ = I("__class__"); N.dict = I("__dict__");
  N.args = I("args"); N.cause = I("__cause__"); N.context = I("__context__");
  N.suppressContext = I("__suppress_context__"); N.traceback = I("__traceback__");
  N.module = I("__module__"); N.doc = I("__doc__"); N.enter = I("__enter__");
  N.exit = I("__exit__"); N.index = I("__index__"); N.neg = I("__neg__");
  N.pos = I("__pos__"); N.invert = I("__invert__"); N.self = I("__self__");
  N.func = I("__func__");
  static const char *ops[13] = {"add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
                                "lshift", "rshift", "and", "or", "xor", "matmul"};
  for (int i = 0; i < 13; i++) {
    std::string o = ops[i];
    N.binop[i] = I("__" + o + "__");
    N.rbinop[i] = I("__r" + o + "__");
    N.ibinop[i] = I("__i" + o + "__");
  }
}

void initTypes() {
  // Bootstrap: `type`, `object` and `dict` exist before any attrs dict can.
  T.type = rawType("type", nullptr, Kind::Type);
  T.type->hdr.type = T.type;
  T.object = rawType("object", nullptr, Kind::Instance);
  T.type->base = T.object;
  T.dict = rawType("dict", T.object, Kind::Dict);
  T.type->attrs = asDict(newDict());
  T.object->attrs = asDict(newDict());
  T.dict->attrs = asDict(newDict());
  // Strings are needed by the intern table before anything is named.
  T.str = newType("str", T.object, Kind::Str);
  initNames();
  registerBuiltin("type", wrt_obj(T.type));
  registerBuiltin("object", wrt_obj(T.object));
  registerBuiltin("dict", wrt_obj(T.dict));
  registerBuiltin("str", wrt_obj(T.str));

  T.none = builtinType("NoneType", T.object, Kind::Other, false);
  T.intType = builtinType("int", T.object, Kind::Other, true);
  T.boolType = builtinType("bool", T.intType, Kind::Other, true);
  T.floatType = builtinType("float", T.object, Kind::Other, true);
  T.bytes = builtinType("bytes", T.object, Kind::Bytes, true);
  T.list = builtinType("list", T.object, Kind::List, true);
  T.tuple = builtinType("tuple", T.object, Kind::Tuple, true);
  T.set = builtinType("set", T.object, Kind::Set, true);
  T.range = builtinType("range", T.object, Kind::Range, true);
  T.slice = builtinType("slice", T.object, Kind::Slice, true);
  T.function = builtinType("function", T.object, Kind::Func, false);
  T.builtinFunction = builtinType("builtin_function_or_method", T.object, Kind::NativeFunc, false);
  T.method = builtinType("method", T.object, Kind::BoundMethod, false);
  T.cell = builtinType("cell", T.object, Kind::Cell, false);
  T.module = builtinType("module", T.object, Kind::Module, false);
  T.iterator = builtinType("iterator", T.object, Kind::Iterator, false);
  T.coroutine = builtinType("coroutine", T.object, Kind::Coroutine, false);
  T.generator = builtinType("generator", T.object, Kind::Generator, false);
  T.asyncGenerator = builtinType("async_generator", T.object, Kind::AsyncGenerator, false);
  T.superType = builtinType("super", T.object, Kind::Super, true);
  T.property = builtinType("property", T.object, Kind::Property, true);
  T.staticmethod = builtinType("staticmethod", T.object, Kind::StaticMethod, true);
  T.classmethod = builtinType("classmethod", T.object, Kind::ClassMethod, true);
  T.dictKeys = builtinType("dict_keys", T.object, Kind::DictView, false);
  T.dictValues = builtinType("dict_values", T.object, Kind::DictView, false);
  T.dictItems = builtinType("dict_items", T.object, Kind::DictView, false);
  T.notImplementedType = builtinType("NotImplementedType", T.object, Kind::Other, false);
  T.ellipsisType = builtinType("ellipsis", T.object, Kind::Other, false);
  NotImplemented = wrt_obj(newObj<WObj>(T.notImplementedType));
  Ellipsis = wrt_obj(newObj<WObj>(T.ellipsisType));
  registerBuiltin("NotImplemented", NotImplemented);
  registerBuiltin("Ellipsis", Ellipsis);

  // CPython 3.11's exception hierarchy (Objects/exceptions.c).
  T.BaseException = exc("BaseException", T.object);
  T.BaseExceptionGroup = exc("BaseExceptionGroup", T.BaseException);
  T.SystemExit = exc("SystemExit", T.BaseException);
  T.KeyboardInterrupt = exc("KeyboardInterrupt", T.BaseException);
  T.GeneratorExit = exc("GeneratorExit", T.BaseException);
  T.Exception = exc("Exception", T.BaseException);
  T.ExceptionGroup = exc("ExceptionGroup", T.BaseExceptionGroup);
  T.StopIteration = exc("StopIteration", T.Exception);
  T.StopAsyncIteration = exc("StopAsyncIteration", T.Exception);
  T.ArithmeticError = exc("ArithmeticError", T.Exception);
  T.FloatingPointError = exc("FloatingPointError", T.ArithmeticError);
  T.OverflowError = exc("OverflowError", T.ArithmeticError);
  T.ZeroDivisionError = exc("ZeroDivisionError", T.ArithmeticError);
  T.AssertionError = exc("AssertionError", T.Exception);
  T.AttributeError = exc("AttributeError", T.Exception);
  T.BufferError = exc("BufferError", T.Exception);
  T.EOFError = exc("EOFError", T.Exception);
  T.ImportError = exc("ImportError", T.Exception);
  T.ModuleNotFoundError = exc("ModuleNotFoundError", T.ImportError);
  T.LookupError = exc("LookupError", T.Exception);
  T.IndexError = exc("IndexError", T.LookupError);
  T.KeyError = exc("KeyError", T.LookupError);
  T.MemoryError = exc("MemoryError", T.Exception);
  T.NameError = exc("NameError", T.Exception);
  T.UnboundLocalError = exc("UnboundLocalError", T.NameError);
  T.OSError = exc("OSError", T.Exception);
  registerBuiltin("IOError", wrt_obj(T.OSError));
  registerBuiltin("EnvironmentError", wrt_obj(T.OSError));
  T.BlockingIOError = exc("BlockingIOError", T.OSError);
  T.ChildProcessError = exc("ChildProcessError", T.OSError);
  T.ConnectionError = exc("ConnectionError", T.OSError);
  T.BrokenPipeError = exc("BrokenPipeError", T.ConnectionError);
  T.ConnectionAbortedError = exc("ConnectionAbortedError", T.ConnectionError);
  T.ConnectionRefusedError = exc("ConnectionRefusedError", T.ConnectionError);
  T.ConnectionResetError = exc("ConnectionResetError", T.ConnectionError);
  T.FileExistsError = exc("FileExistsError", T.OSError);
  T.FileNotFoundError = exc("FileNotFoundError", T.OSError);
  T.InterruptedError = exc("InterruptedError", T.OSError);
  T.IsADirectoryError = exc("IsADirectoryError", T.OSError);
  T.NotADirectoryError = exc("NotADirectoryError", T.OSError);
  T.PermissionError = exc("PermissionError", T.OSError);
  T.ProcessLookupError = exc("ProcessLookupError", T.OSError);
  T.TimeoutError = exc("TimeoutError", T.OSError);
  T.ReferenceError = exc("ReferenceError", T.Exception);
  T.RuntimeError = exc("RuntimeError", T.Exception);
  T.NotImplementedError = exc("NotImplementedError", T.RuntimeError);
  T.RecursionError = exc("RecursionError", T.RuntimeError);
  T.SystemError = exc("SystemError", T.Exception);
  T.TypeError = exc("TypeError", T.Exception);
  T.ValueError = exc("ValueError", T.Exception);
  T.UnicodeError = exc("UnicodeError", T.ValueError);
  T.UnicodeDecodeError = exc("UnicodeDecodeError", T.UnicodeError);
  T.UnicodeEncodeError = exc("UnicodeEncodeError", T.UnicodeError);
  T.Warning = exc("Warning", T.Exception);
  T.UserWarning = exc("UserWarning", T.Warning);
  T.DeprecationWarning = exc("DeprecationWarning", T.Warning);
  T.RuntimeWarning = exc("RuntimeWarning", T.Warning);
  // asyncio's own (asyncio/exceptions.py): not builtins, the asyncio module
  // publishes them. Their module is "asyncio.exceptions" as in CPython.
  T.CancelledError = newType("CancelledError", T.BaseException, Kind::Exception,
                             "asyncio.exceptions");
  T.CancelledError->flags |= TYPE_EXCEPTION;
  T.InvalidStateError = newType("InvalidStateError", T.Exception, Kind::Exception,
                                "asyncio.exceptions");
  T.InvalidStateError->flags |= TYPE_EXCEPTION;
}

} // namespace weft::rt
