// Runtime.cpp: the core of the object model: allocation, the builtin type
// objects (T), the str intern table, the builtins table, the native module
// registry and import, and the constant/roots entry points of the ABI.
// initRuntime() builds everything in dependency order and then hands over to
// the other runtime areas' init hooks (initText for str/builtins/modules).
#include "core/Object.h"
#include "core/BuiltinTable.h"
#include "core/CoreInternal.h"
#include "core/Text.h"
#include "weft/rt/wrt_api.h"

#include <gc.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace weft::rt {

BuiltinTypes T;
WValue NotImplemented;
WValue Ellipsis;

void *gcAlloc(size_t n) { return GC_MALLOC(n); }
void *gcAllocAtomic(size_t n) {
  // GC_MALLOC_ATOMIC does not clear memory; callers expect zeroed storage.
  void *p = GC_MALLOC_ATOMIC(n);
  std::memset(p, 0, n);
  return p;
}

WTypeObj *typeOf(WValue v) {
  switch (v.tag) {
  case WT_NONE: return T.none;
  case WT_BOOL: return T.boolType;
  case WT_INT: return T.intType;
  case WT_FLOAT: return T.floatType;
  case WT_OBJ: return v.o->type;
  default: return T.none;
  }
}

bool isSubtype(WTypeObj *t, WTypeObj *base) {
  for (WTypeObj *u = t; u; u = u->base)
    if (u == base) return true;
  // ExceptionGroup(BaseExceptionGroup, Exception) is the one builtin with two
  // bases; its chain here goes through BaseExceptionGroup, so add the other.
  return base == T.Exception && T.ExceptionGroup && isSubtype(t, T.ExceptionGroup);
}

bool isInstance(WValue v, WTypeObj *t) {
  if (t == T.object) return v.tag != WT_UNBOUND && v.tag != WT_ERR;
  return isSubtype(typeOf(v), t);
}

const char *typeName(WValue v) { return typeOf(v)->name; }

WTypeObj *newType(const char *name, WTypeObj *base, Kind kind, const char *module) {
  auto *t = static_cast<WTypeObj *>(gcAlloc(sizeof(WTypeObj)));
  t->hdr.type = T.type; // null while bootstrapping `type` itself; fixed below
  t->kind = kind;
  t->name = name;
  t->qualname = name;
  t->module = module;
  t->base = base;
  t->attrs = asDict(newDict());
  t->ctor = wrt_unbound();
  classesChanged();
  return t;
}

void typeSetAttr(WTypeObj *type, const char *name, WValue value) {
  dictSetStr(type->attrs, internStr(name), value);
  classesChanged();
}

// ---------------------------------------------------------------- strings

namespace {

/// The intern table: open addressing over WStr*, guarded by a mutex because
/// worker threads (to_thread, executors) may intern too. The table itself is
/// GC memory reachable from this static (static data is a root).
struct InternTable {
  WStr **slots = nullptr;
  int64_t mask = -1;
  int64_t count = 0;
};
InternTable internTable;
std::mutex internMutex;

uint64_t fnv(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

void internGrow() {
  int64_t newCap = internTable.mask < 0 ? 1024 : (internTable.mask + 1) * 2;
  auto **slots = static_cast<WStr **>(gcAlloc(sizeof(WStr *) * newCap));
  for (int64_t i = 0; i <= internTable.mask; i++) {
    WStr *s = internTable.slots[i];
    if (!s) continue;
    uint64_t j = fnv({s->data, size_t(s->nbytes)}) & (newCap - 1);
    while (slots[j]) j = (j + 1) & (newCap - 1);
    slots[j] = s;
  }
  internTable.slots = slots;
  internTable.mask = newCap - 1;
}

} // namespace

WValue newStr(std::string_view utf8) { return makeStr(utf8, -1); }

WStr *internStr(std::string_view utf8) {
  std::lock_guard<std::mutex> lock(internMutex);
  if ((internTable.count + 1) * 2 > internTable.mask + 1) internGrow();
  uint64_t j = fnv(utf8) & internTable.mask;
  while (WStr *s = internTable.slots[j]) {
    if (size_t(s->nbytes) == utf8.size() && std::memcmp(s->data, utf8.data(), utf8.size()) == 0)
      return s;
    j = (j + 1) & internTable.mask;
  }
  WStr *s = asStr(makeStr(utf8, -1));
  s->interned = true;
  internTable.slots[j] = s;
  internTable.count++;
  return s;
}

std::string_view strView(WValue v) {
  WStr *s = asStr(v);
  return {s->data, size_t(s->nbytes)};
}

WValue newBytes(std::string_view data) {
  auto *b = static_cast<WBytes *>(gcAllocAtomic(sizeof(WBytes) + data.size() + 1));
  b->hdr.type = T.bytes;
  b->size = int64_t(data.size());
  b->hash = -1;
  if (!data.empty()) std::memcpy(b->data, data.data(), data.size());
  return wrt_obj(b);
}

WValue newCell(WValue v) {
  auto *c = newObj<WCell>(T.cell);
  c->value = v;
  return wrt_obj(c);
}

// ---------------------------------------------------------------- builtins and modules

namespace {
WDict *builtinsTable;   // str -> value
WDict *moduleInits;     // str -> WNativeFunc-free: int(fnptr) boxed as INT
WDict *moduleCache;     // str -> module (or None while initializing)
WValue argvList;
std::recursive_mutex importMutex;

WValue moduleInitTable() {
  if (!moduleInits) moduleInits = asDict(newDict());
  return wrt_obj(moduleInits);
}
} // namespace

void registerBuiltin(const char *name, WValue value) {
  if (!builtinsTable) builtinsTable = asDict(newDict());
  dictSetStr(builtinsTable, internStr(name), value);
}

std::vector<std::string> builtinNames() {
  std::vector<std::string> names;
  int64_t pos = 0;
  WDictEntry *e;
  while (builtinsTable && dictNext(builtinsTable, pos, e))
    names.emplace_back(asStr(e->key)->data);
  return names;
}

WValue lookupBuiltin(std::string_view name) {
  if (!builtinsTable) return wrt_unbound();
  return dictGetStr(builtinsTable, internStr(name));
}

void registerModule(const char *name, WValue (*init)()) {
  // Registration may run from static initialisers, before initRuntime():
  // keep the pairs in a plain static list until the table exists.
  if (!T.dict) {
    pendingModules().push_back({name, init});
    return;
  }
  moduleInitTable();
  dictSetStr(moduleInits, internStr(name), wrt_int(reinterpret_cast<int64_t>(init)));
}

std::vector<PendingModule> &pendingModules() {
  static std::vector<PendingModule> list;
  return list;
}

void flushPendingModules() {
  for (auto &p : pendingModules()) registerModule(p.name, p.init);
  pendingModules().clear();
}

WValue newModule(const char *name) {
  auto *m = newObj<WModule>(T.module);
  m->name = internStr(name);
  m->attrs = asDict(newDict());
  dictSetStr(m->attrs, internStr("__name__"), wrt_obj(m->name));
  return wrt_obj(m);
}

void moduleSet(WValue module, const char *name, WValue value) {
  auto *m = reinterpret_cast<WModule *>(module.o);
  dictSetStr(m->attrs, internStr(name), value);
}

WValue moduleOverGlobals(const char *name, int64_t n, const char *const *names, WValue *globals) {
  WValue m = newModule(name);
  auto *mod = reinterpret_cast<WModule *>(m.o);
  mod->globals = globals;
  mod->slotIndex = asDict(newDict());
  for (int64_t i = 0; i < n; i++) dictSetStr(mod->slotIndex, internStr(names[i]), wrt_int(i));
  return m;
}

void setArgv(int argc, char **argv) {
  argvList = newList(0);
  for (int i = 0; i < argc; i++) listAppend(asList(argvList), newStr(argv[i]));
}

WValue getArgv() {
  if (argvList.tag == WT_UNBOUND) argvList = newList(0);
  return argvList;
}

WValue importModule(std::string_view name) {
  std::lock_guard<std::recursive_mutex> lock(importMutex);
  if (!moduleCache) moduleCache = asDict(newDict());
  WStr *key = internStr(name);
  WValue cached = dictGetStr(moduleCache, key);
  if (cached.tag == WT_OBJ) return cached;
  moduleInitTable();
  WValue init = dictGetStr(moduleInits, key);
  if (init.tag != WT_INT) {
    std::string n(name);
    return raiseFormat(T.ModuleNotFoundError, "No module named '%s'", n.c_str());
  }
  // As Python does, `import a.b` imports the package a first and binds b
  // as an attribute of it once b is initialised.
  size_t dot = name.rfind('.');
  WValue parent = wrt_unbound();
  if (dot != std::string_view::npos) {
    parent = importModule(name.substr(0, dot));
    if (parent.tag == WT_ERR) return parent;
  }
  // A partially initialised module is visible to a circular import: cache
  // an empty module first, replace it with what init returns.
  WValue placeholder = newModule(key->data);
  dictSetStr(moduleCache, key, placeholder);
  auto fn = reinterpret_cast<WValue (*)()>(init.i);
  WValue m = fn();
  if (m.tag == WT_ERR) {
    dictDel(moduleCache, wrt_obj(key));
    return m;
  }
  if (!isKind(m, Kind::Module)) m = placeholder;
  // Submodules imported while this one was initialising were bound on the
  // placeholder.
  if (m.o != placeholder.o) {
    auto *mod = reinterpret_cast<WModule *>(m.o);
    WDictEntry *e;
    WDict *bound = reinterpret_cast<WModule *>(placeholder.o)->attrs;
    for (int64_t pos = 0; dictNext(bound, pos, e);) {
      auto *attr = reinterpret_cast<WStr *>(e->key.o);
      bool defined = dictGetStr(mod->attrs, attr).tag != WT_UNBOUND ||
                     (mod->slotIndex && dictGetStr(mod->slotIndex, attr).tag == WT_INT);
      if (!defined) dictSetStr(mod->attrs, attr, e->value);
    }
  }
  dictSetStr(moduleCache, key, m);
  if (parent.tag == WT_OBJ) {
    std::string leaf(name.substr(dot + 1));
    moduleSet(parent, leaf.c_str(), m);
  }
  return m;
}

// ---------------------------------------------------------------- init

namespace {
bool initialized = false;
} // namespace

void initRuntime() {
  if (initialized) return;
  initialized = true;
  // A pointer into the middle of an object keeps it alive: a sleep's
  // future and timer live inside its frame (task/Sleep.cpp). It is libgc's
  // default on this platform; saying so makes the dependency explicit.
  GC_set_all_interior_pointers(1);
  GC_INIT();
  // Boehm's default divisor (3) collects again whenever free space falls
  // below a third of the heap, so a program building up many live tasks
  // re-marks them over and over. With 2, bench/async spawn (1M tasks)
  // went from 1.8-2.3 s to 1.4-1.6 s and timers from 7.4 s to 6.0 s, at the
  // same peak RSS. The environment variable still wins, as libgc documents.
  if (!getenv("GC_FREE_SPACE_DIVISOR")) GC_set_free_space_divisor(2);
  GC_allow_register_threads();
  initTypes();
  flushPendingModules();
  initExceptions();
  initObjectMethods();
  initContainerMethods();
  initGenerators();
  initAsyncBuiltins();
  initDataclasses();
  initText();
  flushPendingModules();
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue *wrt_alloc_roots(int64_t n) {
  auto *p = static_cast<WValue *>(GC_MALLOC_UNCOLLECTABLE(sizeof(WValue) * (n > 0 ? n : 1)));
  std::memset(p, 0, sizeof(WValue) * (n > 0 ? n : 1));
  return p;
}

WValue wrt_import(const char *dottedName) { return importModule(dottedName); }

void wrt_register_module(const char *name, WModuleInit init) { registerModule(name, init); }

WValue wrt_str_const(const char *utf8, int64_t nbytes) {
  // Constants are evaluated where they appear, often in loops: remember the
  // str per constant address on this thread before paying for the locked
  // intern lookup. Interned strings are immortal (the intern table holds
  // them), so this unscanned cache cannot keep a dead pointer.
  struct Slot {
    const char *key;
    int64_t n;
    WStr *s;
  };
  static thread_local Slot cache[512];
  Slot &slot = cache[(reinterpret_cast<uintptr_t>(utf8) >> 3) & 511];
  if (slot.key == utf8 && slot.n == nbytes && std::memcmp(slot.s->data, utf8, size_t(nbytes)) == 0)
    return wrt_obj(slot.s);
  WStr *s = internStr({utf8, size_t(nbytes)});
  slot = {utf8, nbytes, s};
  return wrt_obj(s);
}

WValue wrt_bytes_const(const char *data, int64_t n) { return newBytes({data, size_t(n)}); }

WObj *wrt_intern(const char *utf8, int64_t nbytes) {
  return reinterpret_cast<WObj *>(internStr({utf8, size_t(nbytes)}));
}

WCell *wrt_cell_new(WValue initial) { return reinterpret_cast<WCell *>(newCell(initial).o); }

WValue wrt_builtin(WObj *name) {
  WStr *n = reinterpret_cast<WStr *>(name);
  WValue v = builtinsTable ? dictGetStr(builtinsTable, n) : wrt_unbound();
  if (v.tag != WT_UNBOUND) return v;
  return raiseFormat(T.NameError, "name '%s' is not defined", n->data);
}

} // extern "C"
