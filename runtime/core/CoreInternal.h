// CoreInternal.h: declarations shared only between the files of rt-core
// (the object model in runtime/core that is not text): init hooks called by
// initRuntime() in order, and small helpers several core files use. Other
// runtime areas include Object.h instead.
#ifndef WEFT_RT_CORE_COREINTERNAL_H
#define WEFT_RT_CORE_COREINTERNAL_H

#include "core/Object.h"

#include <vector>

namespace weft::rt {

// Init hooks, in the order initRuntime() calls them.
void initTypes();            ///< Types.cpp: every T.* type object
void initExceptions();       ///< Exception.cpp: exception methods and ctors
void initObjectMethods();    ///< Class.cpp: object/type/property/super...
void initContainerMethods(); ///< List.cpp, DictMethods.cpp, SetMethods.cpp...
void initListMethods();
void initDictMethods();
void initSetMethods();
void initSubscriptTypes();  ///< Subscript.cpp: range, slice, bool ctors
void initTupleMethods();
void initGenerators();       ///< Generator.cpp
void initAsyncBuiltins();     ///< task/Await.cpp: aiter, anext, coroutine.__await__
void initAsyncGenerators();  ///< AsyncGenerator.cpp
void initDataclasses();      ///< Dataclass.cpp: dataclass, field, module `dataclasses`

struct PendingModule {
  const char *name;
  WValue (*init)();
};
std::vector<PendingModule> &pendingModules();
WValue importModule(std::string_view name);

/// The interned names of the dunder methods the protocols look up.
struct Names {
  WStr *init, *new_, *repr, *str, *eq, *ne, *lt, *le, *gt, *ge, *hash, *bool_, *len,
      *contains, *iter, *next, *getitem, *setitem, *delitem, *call, *name, *qualname,
      *class_, *dict, *args, *cause, *context, *suppressContext, *traceback, *module,
      *doc, *enter, *exit, *index, *neg, *pos, *invert, *self, *func;
  WStr *binop[13], *rbinop[13], *ibinop[13];
};
extern Names N;
void initNames();

/// Calls [fn] with [self] prepended to [argv] (no bound method object).
WValue callWithSelf(WValue fn, WValue self, int64_t argc, WValue *argv, WObj *kwnames = nullptr);
/// Looks a special method up on the type of [v] (user classes only; builtin
/// types answer UNBOUND) and calls it bound to [v].
WValue typeLookupStr(WTypeObj *t, WStr *name);
/// Binds an attribute found on a class to [self] as Python's descriptors do.
WValue bindAttr(WValue attr, WValue self, WTypeObj *cls);

/// A call with exactly the parameters, positionally: no binder needed.
inline bool simpleCall(const WFuncInfo *info, int64_t argc) {
  return argc == info->nparams && !info->has_varargs && !info->has_varkw && info->nkwonly == 0;
}

/// Every change to a class's attributes or flags (and every new type) moves
/// this on, so the call sites' inline caches (AttrCache.cpp) see it.
void classesChanged();

/// The entry index of [key] in [d]'s entries, or -1 (a miss is usually
/// settled by WDict::keyBloom alone).
int64_t dictFindStr(WDict *d, WStr *key);

/// Small-buffer argument vectors for prepending self.
struct ArgBuf {
  WValue small[8];
  WValue *p;
  explicit ArgBuf(int64_t n);
};

/// Exception state helpers.
WValue excArgsStr(WException *e);
int64_t listCompare(const WValue *a, int64_t na, const WValue *b, int64_t nb, int op, bool &ok);

/// Iterator constructors used across files.
WValue listIter(WValue list);
WValue tupleIter(WValue tuple);
WValue dictKeyIter(WDict *d, int kind); ///< 0 keys, 1 values, 2 items
WValue rangeIter(WValue range);

/// True for object.__init__ (calling a class without __init__).
bool isObjectInit(WValue init);
/// dataclasses.FrozenInstanceError: cannot assign to field 'x'.
WValue raiseFrozen(WStr *name);
/// Binding arguments onto a function's parameter slots (Call.cpp).
bool bindArgs(const WFuncInfo *info, const WValue *defaults, uint64_t optional, int64_t nposonly,
              int64_t argc, const WValue *argv, WObj *kwnames, WValue *out);
/// Arithmetic kernels (Operators.cpp).
WValue intBinop(int op, int64_t a, int64_t b);
WValue compareValue(int op, WValue a, WValue b);

/// Type error for an unhashable value.
WValue raiseUnhashable(WValue v);

/// Generic comparison helpers.
bool isNumber(WValue v);
double toDouble(WValue v);

/// threading._shutdown: joins the program's non-daemon threads, if the
/// threading module registered it (modules/Thread.cpp). wrt_main calls it
/// once the main module has finished, as CPython's finalisation does.
void runThreadShutdown();

} // namespace weft::rt

#endif
