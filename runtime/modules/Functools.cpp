// Functools.cpp: `_functools`, the native half of functools (stdlib/functools.weft): partial and reduce.
// partial is what asyncio's documentation tells a user to reach for when
// run_in_executor or call_soon needs keyword arguments
// (`loop.run_in_executor(None, functools.partial(f, x, key=1))`). A partial
// is an instance whose func, args and keywords attributes are CPython's; a
// partial of a partial is flattened, as CPython's constructor does.
#include "core/Text.h"
#include "task/Errors.h"
#include "weft/rt/wrt_api.h"

#include <vector>

namespace weft::rt {

namespace {

WTypeObj *partialType;

bool isPartial(WValue v) { return isKind(v, Kind::Instance) && typeOf(v) == partialType; }

/// partial(func, /, *args, **keywords).
WValue partialNew(WNativeFunc *, WValue *a) {
  WValue func = a[0];
  if (!isCallable(func)) return raise(T.TypeError, "the first argument must be callable");
  WTuple *args = asTuple(a[1]);
  WValue keywords = newDict();
  std::vector<WValue> all;
  if (isPartial(func)) {
    WTuple *inner = asTuple(instGet(func, "args"));
    all.assign(inner->items, inner->items + inner->size);
    WDictEntry *e;
    WDict *innerKw = asDict(instGet(func, "keywords"));
    for (int64_t pos = 0; dictNext(innerKw, pos, e);) dictSet(asDict(keywords), e->key, e->value);
    func = instGet(func, "func");
  }
  all.insert(all.end(), args->items, args->items + args->size);
  if (a[2].tag == WT_OBJ) {
    WDictEntry *e;
    for (int64_t pos = 0; dictNext(asDict(a[2]), pos, e);) dictSet(asDict(keywords), e->key, e->value);
  }
  WValue p = newNativeInstance(partialType);
  instSet(p, "func", func);
  instSet(p, "args", newTupleFrom(int64_t(all.size()), all.data()));
  instSet(p, "keywords", keywords);
  return p;
}

/// p(*args, **kwargs): func(*p.args, *args, **{**p.keywords, **kwargs}).
WValue partialCall(WValue self, WValue *a) {
  WTuple *stored = asTuple(instGet(self, "args"));
  WTuple *args = asTuple(a[0]);
  std::vector<WValue> argv(stored->items, stored->items + stored->size);
  argv.insert(argv.end(), args->items, args->items + args->size);
  WValue keywords = newDict();
  WDictEntry *e;
  for (int64_t pos = 0; dictNext(asDict(instGet(self, "keywords")), pos, e);)
    dictSet(asDict(keywords), e->key, e->value);
  if (a[1].tag == WT_OBJ)
    for (int64_t pos = 0; dictNext(asDict(a[1]), pos, e);) dictSet(asDict(keywords), e->key, e->value);
  return wrt_call_ex(instGet(self, "func"), newTupleFrom(int64_t(argv.size()), argv.data()), keywords);
}

/// functools.partial(<function f at 0x...>, 3, scale=4)
WValue partialRepr(WValue self, WValue *) {
  std::string out = "functools.partial(" + reprString(instGet(self, "func"));
  WTuple *args = asTuple(instGet(self, "args"));
  for (int64_t i = 0; i < args->size; i++) out += ", " + reprString(args->items[i]);
  WDictEntry *e;
  for (int64_t pos = 0; dictNext(asDict(instGet(self, "keywords")), pos, e);)
    out += ", " + std::string(strView(e->key)) + "=" + reprString(e->value);
  return makeStr(out + ")");
}

/// reduce(function, iterable[, initial]).
WValue reduceImpl(WNativeFunc *, WValue *a) {
  WValue it = iter(a[1]);
  if (it.tag == WT_ERR) return it;
  WValue acc = a[2];
  if (acc.tag == WT_UNBOUND) {
    acc = next(it);
    if (acc.tag == WT_ERR) return acc;
    if (acc.tag == WT_UNBOUND) return raise(T.TypeError, "reduce() of empty iterable with no initial value");
  }
  for (;;) {
    WValue x = next(it);
    if (x.tag == WT_ERR) return x;
    if (x.tag == WT_UNBOUND) return acc;
    WValue pair[2] = {acc, x};
    acc = call(a[0], 2, pair);
    if (acc.tag == WT_ERR) return acc;
  }
}

WValue initFunctools() {
  partialType = newNativeClass("partial", "functools");
  partialType->ctor = makeNative("partial", partialNew, "func, /, *args, **keywords");
  WEFT_TEXT_METHOD(partialType, "__call__", partialCall, "self, /, *args, **keywords");
  WEFT_TEXT_METHOD(partialType, "__repr__", partialRepr, "self, /");
  WValue m = newModule("_functools");
  moduleSet(m, "partial", wrt_obj(partialType));
  moduleSet(m, "reduce", makeNative("reduce", reduceImpl, "function, iterable, initial=?, /"));
  return m;
}

} // namespace

void initFunctoolsModule() { registerModule("_functools", initFunctools); }

} // namespace weft::rt
