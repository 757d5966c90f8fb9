// AttrCache.cpp: inline caches for the attribute sites of compiled code
// (wrt_getattr_ic, wrt_setattr_ic, wrt_call_method_ic). Each `x.attr`,
// `x.attr = v` and `x.m(...)` in the program owns a WCacheSite that remembers
// what the last lookup found for one receiver type, so the next lookup with
// that type skips the dictionary probes and the walk up the class chain.
//
// Why a fill is safe to reuse:
// - A field is remembered as its entry index in the instance's attribute
//   dict. Instances built by the same __init__ insert their fields in the
//   same order, so the index carries over; a hit still checks that the entry
//   at that index holds this very (interned) name, so a wrong guess only
//   costs the slow path.
// - A method is remembered as the function the class chain gave. Any change
//   to any class (a new type, a class attribute set or deleted, a dataclass
//   decorated) moves classEpoch on and empties every cache at once; classes
//   change while they are built and almost never after.
// - Fills are immutable entries published through one pointer, so a worker
//   thread filling the same site never lets a reader see half of two fills.
//   Entries are never freed (a stale one is only read after its type and
//   epoch check out, and then what it points at is alive); a site refills at
//   most kMaxFills times and then stays on the slow path (megamorphic).
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace weft::rt {

namespace {

std::atomic<uint64_t> classEpoch{1}; // 1: a zeroed site never matches

constexpr int64_t kMaxFills = 8;

enum class Hit : int64_t {
  Field,        ///< index: entry in the instance dict
  ModuleGlobal, ///< index: slot in the module's globals; holder: the module
  PlainMethod,  ///< value: a compiled function taking exactly self + the site's args
  BoundMethod,  ///< value: a function or native called with self prepended
  StaticMethod, ///< value: called with the arguments as they are
  ClassMethod,  ///< value: called with the class prepended
  NativeMethod, ///< value: a builtin method taking exactly self + the site's args
  ContextManager, ///< the type has both methods of a with statement's protocol
};

struct CacheEntry {
  WTypeObj *type;
  uint64_t epoch;
  Hit hit;
  int64_t index;
  WObj *holder;
  WValue value;
};

inline uint64_t currentEpoch() { return classEpoch.load(std::memory_order_relaxed); }

inline const CacheEntry *entryFor(WCacheSite *site, WValue obj) {
  auto *e = static_cast<const CacheEntry *>(__atomic_load_n(&site->entry, __ATOMIC_ACQUIRE));
  if (!e || obj.tag != WT_OBJ || obj.o->type != e->type || e->epoch != currentEpoch()) return nullptr;
  return e;
}

void fill(WCacheSite *site, const CacheEntry &proto) {
  if (__atomic_load_n(&site->fills, __ATOMIC_RELAXED) >= kMaxFills) return;
  __atomic_add_fetch(&site->fills, 1, __ATOMIC_RELAXED);
  auto *e = static_cast<CacheEntry *>(std::malloc(sizeof(CacheEntry)));
  if (!e) return;
  *e = proto;
  __atomic_store_n(&site->entry, static_cast<void *>(e), __ATOMIC_RELEASE);
}

inline WDict *instanceAttrs(WValue obj) { return reinterpret_cast<WInstance *>(obj.o)->attrs; }

/// The live entry of [name] at [index] in [d], or null.
inline WDictEntry *entryAt(WDict *d, int64_t index, WObj *name) {
  if (!d || index >= d->used) return nullptr;
  WDictEntry *e = &d->entries[index];
  return e->key.o == name && e->key.tag == WT_OBJ && e->value.tag != WT_UNBOUND ? e : nullptr;
}

/// Whether instances of [t] keep field [name] in their dict with nothing in
/// front of it: no property of that name, and (for stores) no __setattr__
/// and no freeze.
bool plainField(WTypeObj *t, WStr *name, bool forStore) {
  if (t->kind != Kind::Instance || t == T.object) return false;
  if (forStore && (t->flags & (TYPE_FROZEN | TYPE_CUSTOM_SETATTR))) return false;
  return !(t->flags & TYPE_HAS_PROPERTY) || !isKind(typeLookup(t, name), Kind::Property);
}

/// Instance attributes shadow methods (a stored callback): whether [obj],
/// of type [t], holds [name] itself.
inline bool shadowed(WValue obj, WTypeObj *t, WStr *name) {
  if (t->kind != Kind::Instance && t->kind != Kind::Exception) return false;
  WDict *attrs = instanceAttrs(obj);
  if (!attrs || attrs->size == 0) return false;
  // The dict's key filter settles nearly every call here without the call
  // into dictFindStr (a method name is interned, its hash long computed).
  if (name->hash != -1 && !(attrs->keyBloom & (uint64_t(1) << (uint64_t(name->hash) & 63)))) return false;
  return dictFindStr(attrs, name) >= 0;
}

/// callMethodStr's class lookup for `obj.name(argc args)`, as an entry:
/// false when the answer is not a method of the class (callMethodStr then
/// handles it: instance attributes, modules, types, super, properties).
bool methodEntry(WValue obj, WStr *name, int64_t argc, CacheEntry &out) {
  WTypeObj *t = obj.o->type;
  Kind k = t->kind;
  if (k == Kind::Type || k == Kind::Module || k == Kind::Super || t == T.object) return false;
  if (shadowed(obj, t, name)) return false;
  uint64_t epoch = currentEpoch();  // read before the lookup: a change meanwhile empties the fill
  WValue m = typeLookup(t, name);
  if (m.tag != WT_OBJ) return false;
  Hit hit;
  if (m.o->type->kind == Kind::Func) {
    const WFuncInfo *info = reinterpret_cast<WFunc *>(m.o)->info;
    hit = info->flags & WFUNC_STATICMETHOD  ? Hit::StaticMethod
          : info->flags & WFUNC_CLASSMETHOD ? Hit::ClassMethod
          : simpleCall(info, argc + 1)      ? Hit::PlainMethod
                                            : Hit::BoundMethod;
  } else if (m.o->type->kind == Kind::NativeFunc) {
    // fut.done(), list.append(x): no binder when the site's arguments fill
    // the parameters exactly, as callNative would decide on every call.
    hit = simpleCall(reinterpret_cast<WNativeFunc *>(m.o)->info, argc + 1) ? Hit::NativeMethod
                                                                          : Hit::BoundMethod;
  } else {
    return false;
  }
  out = {t, epoch, hit, 0, nullptr, m};
  return true;
}

/// Calls the method [e] holds on [obj], as callMethodStr would.
WValue callEntry(const CacheEntry &e, WValue obj, int64_t argc, WValue *argv) {
  switch (e.hit) {
  case Hit::PlainMethod: {
    WFunc *f = reinterpret_cast<WFunc *>(e.value.o);
    WValue small[8];
    return f->code(f, argsWithSelf(obj, argc, argv, small));
  }
  case Hit::NativeMethod: {
    auto *f = reinterpret_cast<WNativeFunc *>(e.value.o);
    WValue small[8];
    return f->code(f, argsWithSelf(obj, argc, argv, small));
  }
  case Hit::StaticMethod: return callKw(e.value, argc, argv, nullptr);
  case Hit::ClassMethod: return callWithSelf(e.value, wrt_obj(e.type), argc, argv);
  default: return callWithSelf(e.value, obj, argc, argv);  // BoundMethod
  }
}

/// The slow paths of wrt_getattr_ic and wrt_setattr_ic, out of line so the
/// hits stay small leaf code (no register spills for the lookups below).
[[gnu::noinline]] WValue getattrMiss(WValue obj, WObj *name, WCacheSite *site) {
  if (obj.tag == WT_OBJ) {
    WTypeObj *t = obj.o->type;
    uint64_t epoch = currentEpoch();
    if (plainField(t, reinterpret_cast<WStr *>(name), false)) {
      WDict *attrs = instanceAttrs(obj);
      int64_t ix = attrs ? dictFindStr(attrs, reinterpret_cast<WStr *>(name)) : -1;
      if (ix >= 0 && attrs->entries[ix].value.tag != WT_UNBOUND) {
        fill(site, {t, epoch, Hit::Field, ix, nullptr, wrt_unbound()});
        return attrs->entries[ix].value;
      }
    } else if (t->kind == Kind::Module) {
      auto *mod = reinterpret_cast<WModule *>(obj.o);
      WValue slot = mod->slotIndex ? dictGetStr(mod->slotIndex, reinterpret_cast<WStr *>(name))
                                   : wrt_unbound();
      if (slot.tag == WT_INT && mod->globals[slot.i].tag != WT_UNBOUND) {
        fill(site, {t, epoch, Hit::ModuleGlobal, slot.i, obj.o, wrt_unbound()});
        return mod->globals[slot.i];
      }
    }
  }
  return getAttr(obj, reinterpret_cast<WStr *>(name));
}

[[gnu::noinline]] WValue setattrMiss(WValue obj, WObj *name, WValue value, WCacheSite *site) {
  WValue r = wrt_setattr(obj, name, value);
  if (r.tag != WT_ERR && obj.tag == WT_OBJ && plainField(obj.o->type, reinterpret_cast<WStr *>(name), true)) {
    // The store made (or found) the entry; remember where it is.
    WDict *attrs = instanceAttrs(obj);
    int64_t ix = attrs ? dictFindStr(attrs, reinterpret_cast<WStr *>(name)) : -1;
    if (ix >= 0) fill(site, {obj.o->type, currentEpoch(), Hit::Field, ix, nullptr, wrt_unbound()});
  }
  return r;
}

} // namespace

void classesChanged() { classEpoch.fetch_add(1, std::memory_order_relaxed); }

WFunc *cachedCoroutineMethod(WValue obj, WStr *name, int64_t argc, WCacheSite *site) {
  const CacheEntry *e = entryFor(site, obj);
  if (!e || e->hit != Hit::PlainMethod || shadowed(obj, e->type, name)) return nullptr;
  WFunc *f = reinterpret_cast<WFunc *>(e->value.o);
  const WFuncInfo *info = f->info;
  return (info->flags & WFUNC_COROUTINE) && info->frame_init && info->nparams == argc + 1 ? f : nullptr;
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_getattr_ic(WValue obj, WObj *name, WCacheSite *site) {
  if (const CacheEntry *e = entryFor(site, obj)) {
    if (e->hit == Hit::Field) {
      if (WDictEntry *de = entryAt(instanceAttrs(obj), e->index, name)) return de->value;
    } else if (e->hit == Hit::ModuleGlobal && obj.o == e->holder) {
      WValue v = reinterpret_cast<WModule *>(obj.o)->globals[e->index];
      if (v.tag != WT_UNBOUND) return v;
    }
  }
  return getattrMiss(obj, name, site);
}

WValue wrt_setattr_ic(WValue obj, WObj *name, WValue value, WCacheSite *site) {
  if (const CacheEntry *e = entryFor(site, obj)) {
    if (WDictEntry *de = entryAt(instanceAttrs(obj), e->index, name)) {
      de->value = value;
      return wrt_none();
    }
  }
  return setattrMiss(obj, name, value, site);
}

WValue wrt_with_check(WValue mgr, int64_t isAsync, WCacheSite *site) {
  if (entryFor(site, mgr)) return wrt_none();
  // CPython 3.11 looks both methods up on the type before calling either.
  WTypeObj *t = typeOf(mgr);
  uint64_t epoch = currentEpoch();
  const char *kind = isAsync ? "asynchronous " : "";
  if (typeLookup(t, internStr(isAsync ? "__aenter__" : "__enter__")).tag == WT_UNBOUND)
    return raiseFormat(T.TypeError, "'%s' object does not support the %scontext manager protocol", typeName(mgr), kind);
  if (typeLookup(t, internStr(isAsync ? "__aexit__" : "__exit__")).tag == WT_UNBOUND)
    return raiseFormat(T.TypeError, "'%s' object does not support the %scontext manager protocol (missed %s method)",
                       typeName(mgr), kind, isAsync ? "__aexit__" : "__exit__");
  if (mgr.tag == WT_OBJ) fill(site, {t, epoch, Hit::ContextManager, 0, nullptr, wrt_unbound()});
  return wrt_none();
}

WValue wrt_call_method_ic(WValue obj, WObj *name, int64_t argc, WValue *argv, WCacheSite *site) {
  WStr *n = reinterpret_cast<WStr *>(name);
  if (const CacheEntry *e = entryFor(site, obj); e && !shadowed(obj, e->type, n))
    return callEntry(*e, obj, argc, argv);
  // A miss: the lookup callMethodStr would make, remembered when it lands on
  // the class, and called through the same entry (not looked up twice).
  if (obj.tag == WT_OBJ) {
    CacheEntry found;
    if (methodEntry(obj, n, argc, found)) {
      fill(site, found);
      return callEntry(found, obj, argc, argv);
    }
  }
  return callMethodStr(obj, n, argc, argv, nullptr);
}

} // extern "C"
