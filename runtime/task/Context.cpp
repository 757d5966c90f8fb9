// Context.cpp: see Context.h.
#include "task/Context.h"

#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <gc/gc.h>

#include <cstdio>

namespace weft::rt {

namespace {

WTypeObj *ctxType;

/// The current context lives in an uncollectable cell: the collector does
/// not scan thread-local storage, and a context set at module level may be
/// referenced from nowhere else.
thread_local WContext **currentSlot;

inline WContext *&slot() {
  if (__builtin_expect(!currentSlot, 0))
    currentSlot = static_cast<WContext **>(GC_MALLOC_UNCOLLECTABLE(sizeof(WContext *)));
  return *currentSlot;
}

/// The dict of [ctx] ready to be written: its own, copied if it was shared.
WDict *writableVars(WContext *ctx) {
  if (!ctx->vars) {
    ctx->vars = asDict(newDict());
    ctx->owned = 1;
  } else if (!ctx->owned) {
    WValue d = newDict();
    wrt_dict_update(d, wrt_obj(ctx->vars));
    ctx->vars = asDict(d);
    ctx->owned = 1;
  }
  return ctx->vars;
}

} // namespace

WTypeObj *contextType() {
  if (!ctxType) ctxType = newType("Context", T.object, Kind::Other, "contextvars");
  return ctxType;
}

WContext *newContext() { return newObj<WContext>(contextType()); }

WContext *currentContext() { return currentSlot ? *currentSlot : nullptr; }

void setCurrentContext(WContext *ctx) {
  if (ctx || currentSlot) slot() = ctx;
}

WContext *copyContext(WContext *ctx) {
  WContext *c = newContext();
  if (ctx && ctx->vars) {
    c->vars = ctx->vars;
    ctx->owned = 0;  // both share it now: whoever writes first copies
  }
  return c;
}

WContext *snapshotContext() {
  WContext *cur = currentContext();
  if (!cur || !cur->vars || cur->vars->size == 0) return nullptr;
  return copyContext(cur);
}

WValue contextGet(WValue var) {
  WContext *cur = currentContext();
  if (!cur || !cur->vars) return wrt_unbound();
  return dictGet(cur->vars, var);
}

WValue contextSet(WValue var, WValue value) {
  WContext *cur = currentContext();
  if (!cur) {
    cur = newContext();
    slot() = cur;
  }
  WValue old = cur->vars ? dictGet(cur->vars, var) : wrt_unbound();
  dictSet(writableVars(cur), var, value);
  return old;
}

void contextDelete(WValue var) {
  WContext *cur = currentContext();
  if (cur && cur->vars) dictDel(writableVars(cur), var);
}

WValue contextRun(WNativeFunc *, WValue *a) {
  WContext *ctx = reinterpret_cast<WContext *>(a[0].o);
  if (ctx->entered) {
    char r[80];
    snprintf(r, sizeof r, "cannot enter context: <Context object at %p> is already entered", static_cast<void *>(ctx));
    return raise(T.RuntimeError, r);
  }
  ctx->entered = 1;
  WValue r;
  {
    ContextScope scope(ctx);
    r = wrt_call_ex(a[1], a[2], isKind(a[3], Kind::Dict) ? a[3] : wrt_unbound());
  }
  ctx->entered = 0;
  return r;
}

WValue contextRunFunc() {
  static WValue f = makeNative("run", contextRun, "context, callable, /, *args, **kwargs");
  return f;
}

bool contextArg(WValue v, WContext *&out) {
  out = nullptr;
  if (v.tag == WT_NONE || v.tag == WT_UNBOUND) return true;
  if (v.tag != WT_OBJ || v.o->type != contextType()) {
    raiseTypeError("an instance of Context was expected");
    return false;
  }
  out = reinterpret_cast<WContext *>(v.o);
  return true;
}

} // namespace weft::rt
