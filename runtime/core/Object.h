// Object.h: the runtime's internal object model (namespace weft::rt). Layouts
// of the builtin types and the C++ helpers every runtime file uses to make,
// inspect and fail with values. Compiled code never sees these layouts except
// the ones in wrt_value.h (WObj, WCell, WFunc, WCoro); everything else goes
// through the wrt_* functions of wrt_abi.def.
//
// Memory: every object is allocated with GC_MALLOC (or GC_MALLOC_ATOMIC for
// pointer-free payloads such as string bytes). Containers keep their items in
// GC-allocated arrays, never in std:: containers with the default allocator,
// because the collector does not scan malloc'd memory.
#ifndef WEFT_RT_CORE_OBJECT_H
#define WEFT_RT_CORE_OBJECT_H

#include "weft/rt/wrt_value.h"
#include "weft/rt/wrt_ops.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace weft::rt {

/// What kind of layout an object of a type has. User classes are
/// Instance (or Exception when they derive from BaseException).
enum class Kind : uint32_t {
  Type, Str, Bytes, List, Tuple, Dict, Set, Range, Slice, Func, NativeFunc,
  BoundMethod, Cell, Instance, Exception, Module, Iterator, Coroutine,
  Generator, AsyncGenerator, Future, Task, Super, Property, StaticMethod,
  ClassMethod, Other,
};

struct WDict;

/// A type object: builtin types and user classes alike. Attribute lookup on
/// an instance walks `base` (single inheritance) looking in `attrs`.
struct WTypeObj {
  WObj hdr;               ///< hdr.type == the `type` type
  Kind kind;
  uint32_t flags;         ///< TYPE_* below
  const char *name;       ///< "int", "Shape"
  const char *qualname;
  WTypeObj *base;         ///< null only for `object`
  WDict *attrs;           ///< methods and class attributes (str -> value)
  WObj *fields;           ///< tuple of annotated field names in order (dataclass), or null
  WObj *fieldDefaults;    ///< tuple of defaults (UNBOUND where none), or null
};
enum : uint32_t { TYPE_USER = 1, TYPE_DATACLASS = 2, TYPE_EXCEPTION = 4 };

/// str: UTF-8 bytes, NUL-terminated for convenience. `length` counts code
/// points; `ascii` lets indexing skip decoding.
struct WStr {
  WObj hdr;
  int64_t nbytes;
  int64_t length;
  int64_t hash;           ///< -1 until computed
  bool ascii;
  bool interned;
  char data[];            ///< nbytes + 1 bytes
};

struct WBytes {
  WObj hdr;
  int64_t size;
  int64_t hash;
  char data[];
};

struct WList {
  WObj hdr;
  int64_t size, capacity;
  WValue *items;          ///< GC_MALLOC'd, capacity entries
};

struct WTuple {
  WObj hdr;
  int64_t size;
  int64_t hash;
  WValue items[];
};

/// Insertion-ordered hash table: entries in insertion order (deleted ones
/// have key UNBOUND), an open-addressing index of entry positions.
struct WDictEntry {
  WValue key, value;
  int64_t hash;
};
struct WDict {
  WObj hdr;
  int64_t size;           ///< live entries
  int64_t used;           ///< entries used, deleted included
  int64_t capacity;       ///< entries allocated
  WDictEntry *entries;
  int64_t *index;         ///< indexMask + 1 slots, -1 empty, -2 deleted
  int64_t indexMask;
};

/// set: the same table as dict, values unused (LANGUAGE.md: sets iterate in
/// insertion order).
using WSet = WDict;

struct WRange {
  WObj hdr;
  int64_t start, stop, step;
};

struct WSlice {
  WObj hdr;
  WValue start, stop, step;
};

/// A builtin function or method implemented in C++. It receives the bound
/// argument array like compiled code does (see WFuncInfo for the layout), so
/// the same binder serves both.
struct WNativeFunc;
using WNativeCode = WValue (*)(WNativeFunc *self, WValue *args);
struct WNativeFunc {
  WObj hdr;
  WNativeCode code;
  const WFuncInfo *info;
  WValue *defaults;
  WValue bound;           ///< `self` for a method of a builtin type, else UNBOUND
};

struct WBoundMethod {
  WObj hdr;
  WValue self;
  WValue func;
};

/// An instance of a user class: attributes in a dict (fields from __init__).
struct WInstance {
  WObj hdr;
  WDict *attrs;
};

/// An exception instance (BaseException and subclasses, user ones included).
struct WException {
  WObj hdr;
  WDict *attrs;           ///< same position as WInstance::attrs: user fields
  WObj *args;             ///< tuple
  WValue cause;           ///< __cause__ (UNBOUND: none)
  WValue context;         ///< __context__
  bool suppressContext;
  WValue traceback;       ///< reserved
};

struct WModule {
  WObj hdr;
  WStr *name;
  WDict *attrs;
};

struct WSuper {
  WObj hdr;
  WTypeObj *startAfter;   ///< look up from this class's base
  WValue self;
};

/// Generic iterator over a builtin container, and the callable-driven kinds
/// (enumerate, zip, map, reversed, dict views...). `next` returns UNBOUND when
/// exhausted.
struct WIterator;
using WIterNext = WValue (*)(WIterator *it);
struct WIterator {
  WObj hdr;
  WIterNext next;
  WValue source;
  int64_t index;
  WValue extra;           ///< per-kind state
  WValue extra2;
};

// ---------------------------------------------------------------- builtin types

/// The builtin type objects, created once by initTypes().
struct BuiltinTypes {
  WTypeObj *type, *object, *none, *boolType, *intType, *floatType, *str, *bytes,
      *list, *tuple, *dict, *set, *range, *slice, *function, *builtinFunction,
      *method, *cell, *module, *iterator, *coroutine, *generator, *asyncGenerator,
      *superType, *property, *staticmethod, *classmethod;
  // Exceptions, by CPython's hierarchy.
  WTypeObj *BaseException, *Exception, *SystemExit, *KeyboardInterrupt,
      *GeneratorExit, *StopIteration, *StopAsyncIteration, *ArithmeticError,
      *ZeroDivisionError, *OverflowError, *AssertionError, *AttributeError,
      *LookupError, *IndexError, *KeyError, *NameError, *UnboundLocalError,
      *RuntimeError, *NotImplementedError, *RecursionError, *TypeError,
      *ValueError, *UnicodeError, *UnicodeDecodeError, *UnicodeEncodeError,
      *OSError, *FileNotFoundError, *ConnectionError, *ConnectionResetError,
      *BrokenPipeError, *ConnectionRefusedError, *TimeoutError, *ImportError,
      *ModuleNotFoundError, *BaseExceptionGroup, *ExceptionGroup,
      *CancelledError, *InvalidStateError;
};
extern BuiltinTypes T;

/// Creates every builtin type and the builtins table. Idempotent; called by
/// wrt_main and by unit tests.
void initRuntime();

// ---------------------------------------------------------------- helpers

WTypeObj *typeOf(WValue v);
bool isInstance(WValue v, WTypeObj *t);     ///< walks base chain
bool isSubtype(WTypeObj *t, WTypeObj *base);

/// Allocation (zeroed, collected).
void *gcAlloc(size_t n);
void *gcAllocAtomic(size_t n);

WValue newStr(std::string_view utf8);
WStr *internStr(std::string_view utf8);
std::string_view strView(WValue v);          ///< v must be a str
WValue newBytes(std::string_view data);
WValue newList(int64_t n = 0);
WValue newTuple(int64_t n);                  ///< items UNBOUND-filled, caller fills
WValue newDict();
WValue newSet();

void listAppend(WList *l, WValue v);
/// dict operations: return ERR (with an exception set) if hashing fails.
WValue dictGet(WDict *d, WValue key);        ///< UNBOUND when missing
WValue dictSet(WDict *d, WValue key, WValue value);
WValue dictDel(WDict *d, WValue key);        ///< UNBOUND when missing

/// Raising: set the pending exception and return ERR.
WValue raise(WTypeObj *type, std::string_view message);
WValue raiseValue(WValue exc);
WValue raiseFormat(WTypeObj *type, const char *fmt, ...);

/// Generic protocols (these back the wrt_* ABI functions).
WValue call(WValue callee, int64_t argc, WValue *argv);
WValue callMethod(WValue obj, std::string_view name, int64_t argc, WValue *argv);
WValue getAttr(WValue obj, WStr *name);
WValue str(WValue v);
WValue repr(WValue v);
int truthy(WValue v);
int64_t hashValue(WValue v, bool &ok);
int equals(WValue a, WValue b);              ///< 0/1/-1
const char *typeName(WValue v);              ///< "int", "Shape"

} // namespace weft::rt

#endif
