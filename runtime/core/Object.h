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

struct WCacheSite;  // wrt_api.h: an attribute site's inline cache

namespace weft::rt {

/// What kind of layout an object of a type has. User classes are
/// Instance (or Exception when they derive from BaseException).
enum class Kind : uint32_t {
  Type, Str, Bytes, List, Tuple, Dict, Set, Range, Slice, Func, NativeFunc,
  BoundMethod, Cell, Instance, Exception, Module, Iterator, Coroutine,
  Generator, AsyncGenerator, Future, Task, Super, Property, StaticMethod,
  ClassMethod, DictView, Other,
};

struct WDict;

} // namespace weft::rt

/// A type object: builtin types and user classes alike. It is the `WType`
/// that wrt_value.h leaves opaque, so `obj->type` needs no cast. Attribute
/// lookup on an instance walks `base` (single inheritance) looking in `attrs`.
struct WType {
  WObj hdr;               ///< hdr.type == T.type
  weft::rt::Kind kind;    ///< layout of the instances
  uint32_t flags;         ///< TYPE_* below
  const char *name;       ///< "int", "Shape"
  const char *qualname;
  const char *module;     ///< "builtins", "__main__", "asyncio"
  WType *base;            ///< null only for `object`
  weft::rt::WDict *attrs; ///< methods and class attributes (str -> value)
  WObj *fields;           ///< tuple of annotated field names in order (dataclass), or null
  WObj *fieldDefaults;    ///< tuple of defaults (UNBOUND where none), or null
  /// What calling the type does for builtin types (`int("3")`, `list(x)`):
  /// a callable that receives the call's arguments (not the type). UNBOUND
  /// for user classes, which allocate an instance and run `__init__`.
  WValue ctor;
  /// Instances of native (non-user) types with extra state: their size, so
  /// rt-loop can subclass e.g. Future from Weft code later. 0 if unused.
  int64_t instanceSize;
};

namespace weft::rt {

using WTypeObj = ::WType;
enum : uint32_t {
  TYPE_USER = 1, TYPE_DATACLASS = 2, TYPE_EXCEPTION = 4, TYPE_FROZEN = 8,
  TYPE_HAS_EQ = 16,       ///< the class (or a base) defines __eq__
  TYPE_HAS_PROPERTY = 32, ///< the class (or a base) has a property (slow attribute path)
  TYPE_ORDERED = 64,      ///< dataclass(order=True)
  TYPE_CUSTOM_SETATTR = 128, ///< a user class in the chain defines __setattr__
  TYPE_ENUM = 256,        ///< an Enum class: iterable, sized, subscriptable by member name (enum module)
  TYPE_HAS_GET = 512,     ///< a user class in the chain defines __get__ (its instances are descriptors)
  TYPE_ABSTRACT = 1024,   ///< __abstractmethods__ is non-empty (abc.ABC): calling the class raises TypeError
};

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
  /// Bit (hash & 63) of every key ever inserted: a clear bit proves a key
  /// absent without a probe (dictFindStr: attribute and method lookups).
  uint64_t keyBloom;
};

/// set: the same table as dict, values unused (LANGUAGE.md: sets iterate in
/// insertion order).
using WSet = WDict;

/// d.keys(), d.values(), d.items(): live views (type T.dictKeys etc).
struct WDictView {
  WObj hdr;
  WDict *dict;
};

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
/// the same binder serves both. Parameters listed in `optional` (bit i =
/// slot i) may be omitted and then arrive as UNBOUND. `bound` is free for
/// the native's own state (a closure value); the binder ignores it.
struct WNativeFunc;
using WNativeCode = WValue (*)(WNativeFunc *self, WValue *args);
struct WNativeFunc {
  WObj hdr;
  WNativeCode code;
  const WFuncInfo *info;
  WValue *defaults;       ///< info->nparams entries (UNBOUND: none), or null
  WValue bound;           ///< native's own state, UNBOUND if unused
  uint64_t optional;      ///< slots that may be omitted (arrive UNBOUND)
  int64_t nposonly;       ///< leading parameters that are positional-only
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
  /// A compiled module's globals block (wrt_alloc_roots), read and written
  /// live by attribute access: slotIndex maps a global's name to its index.
  /// Both null for native modules.
  WValue *globals;
  WDict *slotIndex;
};

struct WSuper {
  WObj hdr;
  WTypeObj *startAfter;   ///< look up from this class's base
  WValue self;
};

/// property, staticmethod and classmethod objects.
struct WProperty {
  WObj hdr;
  WValue fget, fset;
};
struct WFuncWrapper {     ///< staticmethod / classmethod
  WObj hdr;
  WValue func;
};

/// Generic iterator over a builtin container, and the callable-driven kinds
/// (enumerate, zip, map, reversed, dict views...). `next` returns UNBOUND when
/// exhausted, ERR on error. Make one with newIterator().
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

/// The builtin type objects, created once by initRuntime().
struct BuiltinTypes {
  WTypeObj *type, *object, *none, *boolType, *intType, *floatType, *str, *bytes,
      *list, *tuple, *dict, *set, *range, *slice, *function, *builtinFunction,
      *method, *cell, *module, *iterator, *coroutine, *generator, *asyncGenerator,
      *superType, *property, *staticmethod, *classmethod, *dictKeys, *dictValues,
      *dictItems, *notImplementedType, *ellipsisType;
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
      *CancelledError, *InvalidStateError, *EOFError, *PermissionError,
      *FileExistsError, *IsADirectoryError, *NotADirectoryError, *InterruptedError,
      *BlockingIOError, *ProcessLookupError, *ChildProcessError,
      *ConnectionAbortedError, *MemoryError, *BufferError, *FloatingPointError,
      *ReferenceError, *SystemError, *Warning, *UserWarning, *DeprecationWarning,
      *RuntimeWarning;
};
extern BuiltinTypes T;

/// The NotImplemented and Ellipsis singletons (WT_OBJ values).
extern WValue NotImplemented;
extern WValue Ellipsis;

/// Creates every builtin type, their methods and the builtins table, then
/// calls initText() and the other workers' init hooks. Calls GC_INIT.
/// Idempotent; called by wrt_main and by unit tests.
void initRuntime();

// ---------------------------------------------------------------- helpers

inline bool isObj(WValue v) { return v.tag == WT_OBJ; }
inline WTypeObj *objType(WValue v) { return v.o->type; }
WTypeObj *typeOf(WValue v);
bool isInstance(WValue v, WTypeObj *t);     ///< walks base chain
bool isSubtype(WTypeObj *t, WTypeObj *base);
/// Exact-kind test for WT_OBJ values of builtin layouts (subclasses of user
/// classes share Instance/Exception kinds).
inline bool isKind(WValue v, Kind k) { return v.tag == WT_OBJ && v.o->type->kind == k; }
inline bool isStr(WValue v) { return isKind(v, Kind::Str); }
inline WStr *asStr(WValue v) { return reinterpret_cast<WStr *>(v.o); }
inline WList *asList(WValue v) { return reinterpret_cast<WList *>(v.o); }
inline WTuple *asTuple(WValue v) { return reinterpret_cast<WTuple *>(v.o); }
inline WDict *asDict(WValue v) { return reinterpret_cast<WDict *>(v.o); }
inline WException *asExc(WValue v) { return reinterpret_cast<WException *>(v.o); }
inline WTypeObj *asType(WValue v) { return reinterpret_cast<WTypeObj *>(v.o); }

/// Allocation (zeroed, collected). gcAllocAtomic memory is not scanned:
/// only for payloads without pointers (string bytes).
void *gcAlloc(size_t n);
void *gcAllocAtomic(size_t n);
/// A new object of [size] bytes with its header set.
template <class O> O *newObj(WTypeObj *t, size_t size = sizeof(O)) {
  O *o = static_cast<O *>(gcAlloc(size));
  reinterpret_cast<WObj *>(o)->type = t;
  return o;
}

// Constructors. newStr validates nothing (the bytes must be UTF-8).
WValue newStr(std::string_view utf8);
WStr *internStr(std::string_view utf8);       ///< the one interned str with this text
inline WValue internValue(std::string_view utf8) { return wrt_obj(internStr(utf8)); }
std::string_view strView(WValue v);          ///< v must be a str
WValue newBytes(std::string_view data);
WValue newList(int64_t n = 0);               ///< size n, items None-filled
WValue newListFrom(int64_t n, const WValue *items);
WValue newTuple(int64_t n);                  ///< items UNBOUND-filled, caller fills
WValue newTupleFrom(int64_t n, const WValue *items);
WValue newDict();
WValue newSet();
WValue newRange(int64_t start, int64_t stop, int64_t step);
WValue newIterator(WIterNext next, WValue source, WValue extra = wrt_unbound());
WValue newModule(const char *name);
void moduleSet(WValue module, const char *name, WValue value);
/// A module object whose attributes are the live globals of a compiled
/// module ([n] names, slot i in globals[i]): m.x reads the current value,
/// m.x = v writes the slot the module's own code reads.
WValue moduleOverGlobals(const char *name, int64_t n, const char *const *names, WValue *globals);
WValue newCell(WValue v);

// list / dict / set primitives (no type checks).
void listAppend(WList *l, WValue v);
void listReserve(WList *l, int64_t n);
/// dict operations: return ERR (with an exception set) if hashing or a key's
/// __eq__ fails.
WValue dictGet(WDict *d, WValue key);        ///< UNBOUND when missing
WValue dictSet(WDict *d, WValue key, WValue value);  ///< None or ERR
WValue dictDel(WDict *d, WValue key);        ///< the removed value, UNBOUND when missing
/// str-keyed lookup without hashing failures (attribute dicts).
WValue dictGetStr(WDict *d, WStr *key);
void dictSetStr(WDict *d, WStr *key, WValue value);
WValue setAdd(WSet *s, WValue key);          ///< None or ERR
int setContains(WSet *s, WValue key);        ///< 0/1/-1
/// Iterating a dict's live entries: for (i = 0; dictNext(d, i, e);) ...
bool dictNext(WDict *d, int64_t &pos, WDictEntry *&entry);

// ---------------------------------------------------------------- exceptions

/// Raising: set the pending exception and return ERR.
WValue raise(WTypeObj *type, std::string_view message);
WValue raiseValue(WValue exc);               ///< same rules as `raise x`
WValue raiseFormat(WTypeObj *type, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
WValue raiseKeyError(WValue key);            ///< KeyError(key)
/// OSError for [err] as CPython builds it: the errno's subclass
/// (FileNotFoundError...), args (errno, strerror[, filename]).
WValue newOSError(int err, const char *filename = nullptr);
WValue raiseOSError(int err, const char *filename = nullptr);
WValue raiseTypeError(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/// A new exception instance of [type] with [args] (a tuple, or null for ()).
WValue newException(WTypeObj *type, WObj *args);
WValue newExceptionMsg(WTypeObj *type, std::string_view message);
/// The pending exception (UNBOUND when none); errFetch also clears it.
bool errOccurred();
WValue errPending();
WValue errFetch();
void errClear();
/// True (and the error cleared) if the pending exception is an instance of [t].
bool errMatchesClear(WTypeObj *t);
/// The exception being handled on this thread (bare raise, __context__).
/// rt-loop saves and restores it around each resume of a task's coroutine
/// (WCoro::handled) so it stays with its task.
WValue getHandled();
void setHandled(WValue exc);
/// A frame's saved handled exception (an instance or null) as a value, and back.
inline WValue frameHandled(const WCoro *c) { return c->handled ? wrt_obj(c->handled) : wrt_unbound(); }
inline void saveFrameHandled(WCoro *c, WValue exc) { c->handled = exc.tag == WT_OBJ ? exc.o : nullptr; }
/// CPython's `str(e)`.
WValue excStr(WValue exc);
/// Writes CPython's report of an uncaught exception (with chained
/// cause/context blocks) to stderr.
void printException(WValue exc);
/// The process exit status SystemExit [exc] asks for, as CPython computes
/// it: no code or None is 0, an int is its low byte, anything else is
/// printed on stderr and gives 1.
int64_t systemExitStatus(WValue exc);

// ---------------------------------------------------------------- protocols

/// Generic protocols (these back the wrt_* ABI functions).
WValue call(WValue callee, int64_t argc, WValue *argv);
/// [kwnames] is a tuple of str naming the last len(kwnames) entries of argv.
WValue callKw(WValue callee, int64_t argc, WValue *argv, WObj *kwnames);
WValue callMethod(WValue obj, std::string_view name, int64_t argc, WValue *argv);
WValue callMethodStr(WValue obj, WStr *name, int64_t argc, WValue *argv, WObj *kwnames = nullptr);
/// [obj] followed by the [argc] arguments, for a call with self prepended:
/// in [small] when they fit, else in a GC array.
inline WValue *argsWithSelf(WValue obj, int64_t argc, WValue *argv, WValue (&small)[8]) {
  WValue *args = argc < 8 ? small : static_cast<WValue *>(gcAlloc(sizeof(WValue) * size_t(argc + 1)));
  args[0] = obj;
  for (int64_t i = 0; i < argc; ++i) args[i + 1] = argv[i];
  return args;
}
/// The compiled `async def` that `obj.name(argc args)` calls with self
/// prepended and no binder, when the method site [site] has it cached for
/// obj's type (runtime/core/AttrCache.cpp); null otherwise.
WFunc *cachedCoroutineMethod(WValue obj, WStr *name, int64_t argc, WCacheSite *site);
WValue getAttr(WValue obj, WStr *name);
WValue getAttrStr(WValue obj, std::string_view name);
WValue setAttr(WValue obj, WStr *name, WValue value);
/// Looks [name] up on [t] and its bases; UNBOUND when absent. No binding.
WValue typeLookup(WTypeObj *t, WStr *name);
WValue str(WValue v);
WValue repr(WValue v);
/// Append repr(v)/str(v) to [out]; false with an exception pending on error.
bool appendRepr(std::string &out, WValue v);
bool appendStr(std::string &out, WValue v);
int truthy(WValue v);                        ///< 0/1/-1
int64_t hashValue(WValue v, bool &ok);
int equals(WValue a, WValue b);              ///< 0/1/-1, identity first
/// Rich comparison to a C truth value: 0/1/-1 (op from WCmpOp).
int compareBool(WValue a, WValue b, int op);
WValue binop(int op, WValue a, WValue b);
int contains(WValue container, WValue item); ///< 0/1/-1
const char *typeName(WValue v);              ///< "int", "Shape"
WValue iter(WValue v);
WValue next(WValue it);                      ///< UNBOUND when exhausted
/// Python's next(it) without a default: StopIteration when exhausted, whose
/// value is a generator's return value (for the `next` builtin).
WValue nextOrRaise(WValue it);
/// len() for sized builtins and __len__; -1 with an exception pending.
int64_t length(WValue v);
/// Materialise any iterable into a new list (ERR on error).
WValue listFromIterable(WValue iterable);
/// A dict's keys() or items() view (set-like, unlike values()).
bool isSetLikeView(WValue v);
/// The items of [v] as a new set (for set operations on views and iterables).
WValue setFromIterable(WValue v);
/// callable(x): functions, methods, classes, and instances with __call__.
bool isCallable(WValue x);
/// A read-only property whose getter is the native [getter](self) named [name].
WValue newReadOnlyProperty(const char *name, WNativeCode getter);
/// Whether [v] is one of typing's special forms (Generic[T], Protocol, ...).
bool isTypingForm(WValue v);
/// The members of an Enum class in definition order (aliases excluded),
/// or null if [t] is not one: what iter, len, `in` and Class[name] use.
WList *enumMembers(WTypeObj *t);
/// The int value of an int or bool (callers check the tag first).
inline int64_t intOf(WValue v) { return v.i; }
inline bool isIntLike(WValue v) { return v.tag == WT_INT || v.tag == WT_BOOL; }
/// Index conversion for subscripts: int, bool or __index__; false + TypeError.
bool indexOf(WValue v, int64_t &out, const char *what);
/// Slice bounds resolution against [length] (PySlice_AdjustIndices);
/// returns the slice's element count, or -1 with an exception pending.
int64_t sliceIndices(WSlice *s, int64_t length, int64_t &start, int64_t &stop, int64_t &step);
/// Sorts [items] in place with `<` (stable); [keys] optional parallel array.
bool sortValues(WValue *items, int64_t n, WValue key, bool reverse);

// ---------------------------------------------------------------- natives

/// Defining builtin functions and methods in C++. [params] is a Python-like
/// parameter list parsed once: "x, y=0, /, *args, key=None, reverse=False,
/// **kw". A default may be None, True, False, an int, a float, a 'string',
/// or `?` (optional: the slot arrives UNBOUND when omitted). Examples:
///   registerBuiltin("len", makeNative("len", lenImpl, "obj, /"));
///   addMethod(T.list, "pop", listPop, "self, index=?, /");
/// Methods take `self` as their first parameter. [state] is stored in the
/// native's `bound` field for the code to read (a closure value).
/// Making a type callable (`int("3")`, `Future()`): set `type->ctor` to a
/// native; it receives the call's arguments without the type.
/// A native class attribute is bound like a method: x.m(...) passes x as
/// self; a property (WProperty with a native fget) gives computed fields.
WValue makeNative(const char *name, WNativeCode code, const char *params,
                  WValue state = wrt_unbound());
WValue makeNativeQual(const char *name, const char *qualname, WNativeCode code,
                      const char *params, WValue state = wrt_unbound());
/// makeNative with qualname "<type>.<name>" stored in [type]'s attrs.
void addMethod(WTypeObj *type, const char *name, WNativeCode code, const char *params);
/// Sets a class attribute (str key) of [type].
void typeSetAttr(WTypeObj *type, const char *name, WValue value);
/// A new type object (builtin layout [kind], base [base], no user flags).
WTypeObj *newType(const char *name, WTypeObj *base, Kind kind, const char *module = "builtins");
/// The builtins table that wrt_builtin() reads.
void registerBuiltin(const char *name, WValue value);
WValue lookupBuiltin(std::string_view name); ///< UNBOUND when absent
/// Native module registry read by wrt_import (init runs once, on first import).
void registerModule(const char *name, WValue (*init)());
/// sys.argv as recorded by wrt_main (a list of str).
void setArgv(int argc, char **argv);
WValue getArgv();

// ---------------------------------------------------------------- generators

/// Resumes [frame] with [value]/[mode] guarding `running` (ValueError
/// "generator already executing"). Returns the final value, ERR or SUSPEND.
WValue resumeFrame(WCoro *frame, WValue value, int64_t mode);
/// Called with an async generator about to run its first step (CPython's
/// sys.set_asyncgen_hooks firstiter); the asyncio module sets it.
extern void (*asyncgenFirstiterHook)(WObj *agen);
/// Called with an async generator a loop abandoned (`break` out of `async
/// for` over a fresh one): CPython's finalizer hook, which CPython runs when
/// the last reference goes. The asyncio module schedules its aclose().
extern void (*asyncgenFinalizerHook)(WObj *agen);
/// gen.send/throw/close for generator objects: results as Python (StopIteration
/// on exhaustion).
WValue generatorSend(WCoro *gen, WValue value);
WValue generatorThrow(WCoro *gen, WValue exc);
WValue generatorClose(WCoro *gen);

// ---------------------------------------------------------------- rt-text:
// Declarations owned by the text/builtins worker (FloatRepr.cpp, Format*.cpp,
// Str*.cpp, Bytes*.cpp, Print.cpp, Builtins*.cpp, modules/). rt-core's
// dispatch (repr, str, binop, compare, getitem, iter, hash) calls these for
// str and bytes instead of duplicating them.

/// repr(float) as CPython: shortest round-trip digits ("0.1", "1e+16", "-0.0").
std::string floatRepr(double v);

/// str behaviour. [s] arguments are str values (WT_OBJ of T.str).
WValue strRepr(WValue s);                    ///< 'abc', "it's", '\n' escapes
int64_t strHash(WStr *s);                    ///< cached in s->hash; never -1
bool strEquals(WStr *a, WStr *b);
int strCompare(WStr *a, WStr *b);            ///< <0, 0, >0 (code point order)
WValue strConcat(WValue a, WValue b);
WValue strRepeat(WValue s, int64_t n);
WValue strGetItem(WValue s, WValue index);   ///< int (or bool) index, or slice
int strContains(WValue s, WValue sub);       ///< 0/1, -1 (TypeError) if sub is not a str
WValue strIter(WValue s);                    ///< iterator over code points (1-char strs)
int64_t strLength(WValue s);                 ///< code points
WValue strPercentFormat(WValue fmt, WValue args); ///< "%d items" % n

/// bytes behaviour.
WValue bytesRepr(WValue b);                  ///< b'abc\x00'
int64_t bytesHash(WBytes *b);
int bytesCompare(WBytes *a, WBytes *b);      ///< <0, 0, >0 (memcmp, then length)
WValue bytesConcat(WValue a, WValue b);
WValue bytesRepeat(WValue b, int64_t n);
WValue bytesGetItem(WValue b, WValue index); ///< int -> int, slice -> bytes
int bytesContains(WValue b, WValue sub);     ///< int or bytes; -1 on TypeError
WValue bytesIter(WValue b);                  ///< iterator of ints

/// The one buffered stdout writer (print, sys.stdout.write) and unbuffered
/// stderr. wrt_main must call flushStdout() before exiting and before it
/// writes an uncaught exception to stderr (writeStderr flushes stdout first
/// itself, so output interleaves sanely on a terminal).
/// writeStdout and flushStdoutChecked return 0 or the errno of a failed
/// write (EPIPE when the reader is gone), for print to raise; flushStdout
/// drops a failure (exit paths have nowhere to report it).
int writeStdout(std::string_view s);
void flushStdout();
int flushStdoutChecked();
void writeStderr(std::string_view s);

/// Registers str/bytes methods, the builtin functions and exception names,
/// and the native modules (math, random, time, sys, os, typing, dataclasses,
/// datetime). Called once by initRuntime() after the builtin types exist.
void initText();

} // namespace weft::rt

#endif
