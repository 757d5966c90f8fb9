// Await.cpp: wrt_await_prepare and wrt_await_step, the two calls compiled
// code makes for `await x`, plus ensure_future. Awaiting a coroutine calls
// its resume function directly (no trip through the loop unless something
// suspends); awaiting a future suspends with the future in `yielded` until
// the task driving the chain is woken by it. See Await.h for the `yielded`
// invariant that tells a first step from a re-step.
#include "task/Await.h"

#include "task/Errors.h"
#include "task/NativeCoro.h"
#include "task/Task.h"

#include "weft/rt/wrt_api.h"

#include <gc/gc.h>

namespace weft::rt {

void initAsyncio();

namespace {

// Every program that awaits links this file, so registering the asyncio
// module from here makes `import asyncio` work even when nothing else pulls
// the module's object file out of the static runtime archive. (initRuntime
// may call initAsyncio() too; registering twice is harmless.)
const bool asyncioRegistered = (initAsyncio(), true);

Kind kindOf(WValue v) { return typeOf(v)->kind; }

bool isFrame(Kind k) { return k == Kind::Coroutine || k == Kind::Generator; }

/// The coroutine ensure_future wraps around a non-coroutine awaitable:
/// `async def _wrap_awaitable(aw): return await aw`.
struct AwaitProxy {
  WCoro c;
  WValue inner;
};
WEFT_NATIVE_CORO_INFO(proxyInfo, "_wrap_awaitable");

WValue proxyResume(WCoro *frame, WValue value, int64_t mode) {
  AwaitProxy *p = reinterpret_cast<AwaitProxy *>(frame);
  if (frame->state == -1) return raise(T.RuntimeError, "cannot reuse already awaited coroutine");
  if (frame->state == 0) {
    frame->state = 1;
    // A throw before the first step raises at the start of the body.
    if (mode == WRESUME_THROW) {
      frame->state = -1;
      return wrt_err_restore(value);
    }
  }
  WValue r = wrt_await_step(frame, p->inner, value, mode);
  if (r.tag != WT_SUSPEND) frame->state = -1;
  return r;
}

/// proxyResume after the checks of a fresh `await inner` (not finished, not
/// awaited elsewhere), made at the first step: for frames that drive an
/// awaitable the program handed over (coroutine_wrapper, anext's default).
WValue freshAwaitResume(WCoro *frame, WValue value, int64_t mode) {
  auto *p = reinterpret_cast<AwaitProxy *>(frame);
  if (frame->state == 0 && mode != WRESUME_THROW) {
    p->inner = wrt_await_prepare(p->inner);
    if (p->inner.tag == WT_ERR) {
      frame->state = -1;
      return p->inner;
    }
  }
  return proxyResume(frame, value, mode);
}

/// coroutine.__await__(): CPython's coroutine_wrapper, an iterator that
/// drives the coroutine as `yield from` would. It is a generator-kind
/// frame, so an `__await__` that returns it (`return self.run().__await__()`,
/// the usual way to make an object awaitable) is accepted by
/// wrt_await_prepare.
WEFT_NATIVE_CORO_INFO(coroWrapperInfo, "coroutine_wrapper");

WValue coroAwaitM(WNativeFunc *, WValue *a) {
  AwaitProxy *p = newNativeCoro<AwaitProxy>(&freshAwaitResume, &coroWrapperInfo);
  p->c.hdr.type = reinterpret_cast<WType *>(T.generator);
  p->inner = a[0];
  return wrt_obj(&p->c);
}

/// anext(it, default): `async def anext(it, d): try: return await
/// it.__anext__() except StopAsyncIteration: return d`.
struct AnextDefault {
  WCoro c;
  WValue inner;  ///< where AwaitProxy has it
  WValue dflt;
};
static_assert(offsetof(AnextDefault, inner) == offsetof(AwaitProxy, inner), "AnextDefault extends AwaitProxy");
WEFT_NATIVE_CORO_INFO(anextInfo, "anext_awaitable");

WValue anextResume(WCoro *frame, WValue value, int64_t mode) {
  WValue r = freshAwaitResume(frame, value, mode);
  if (r.tag == WT_ERR && errMatchesClear(T.StopAsyncIteration)) return reinterpret_cast<AnextDefault *>(frame)->dflt;
  return r;
}

/// The type's own method [name] (dunders are looked up on the type), or UNBOUND.
WValue typeMethod(WValue obj, const char *name) { return typeLookup(typeOf(obj), internStr(name)); }

WValue aiterImpl(WNativeFunc *, WValue *a) {
  WValue m = typeMethod(a[0], "__aiter__");
  if (m.tag == WT_UNBOUND) return raiseFormat(T.TypeError, "'%s' object is not an async iterable", typeName(a[0]));
  WValue it = callMethod(a[0], "__aiter__", 0, nullptr);
  if (it.tag == WT_ERR) return it;
  if (typeMethod(it, "__anext__").tag == WT_UNBOUND)
    return raiseFormat(T.TypeError, "aiter() returned not an async iterator of type '%s'", typeName(it));
  return it;
}

WValue anextImpl(WNativeFunc *, WValue *a) {
  if (typeMethod(a[0], "__anext__").tag == WT_UNBOUND)
    return raiseFormat(T.TypeError, "'%s' object is not an async iterator", typeName(a[0]));
  WValue aw = callMethod(a[0], "__anext__", 0, nullptr);
  if (aw.tag == WT_ERR || a[1].tag == WT_UNBOUND) return aw;
  auto *p = newNativeCoro<AnextDefault>(&anextResume, &anextInfo);
  p->inner = aw;
  p->dflt = a[1];
  return wrt_obj(&p->c);
}

} // namespace

void initAsyncBuiltins() {
  addMethod(T.coroutine, "__await__", coroAwaitM, "self, /");
  registerBuiltin("aiter", makeNative("aiter", aiterImpl, "async_iterable, /"));
  registerBuiltin("anext", makeNative("anext", anextImpl, "aiterator, default=?, /"));
}

WCoro *newNativeCoro(size_t size, WResumeFn resume, const WFuncInfo *info) {
  WCoro *c = static_cast<WCoro *>(gcAlloc(size));
  c->hdr.type = reinterpret_cast<WType *>(T.coroutine);
  c->resume = resume;
  c->info = info;
  return c;
}

bool isCoroutine(WValue v) { return v.tag == WT_OBJ && kindOf(v) == Kind::Coroutine; }

WValue ensureFuture(EventLoop *loop, WValue aw, WValue name, bool useFactory) {
  if (isFuture(aw)) return aw;
  if (useFactory && loop->taskFactory && aw.tag == WT_OBJ) {
    if (isCoroutine(aw)) return callTaskFactory(loop, aw, name);
  }
  if (isCoroutine(aw)) {
    WCoro *c = reinterpret_cast<WCoro *>(aw.o);
    if (c == sleepZeroShared) {
      // The shared sleep(0) frame cannot be a task's own coroutine: give the
      // task a private frame that awaits it.
      AwaitProxy *p = newNativeCoro<AwaitProxy>(&proxyResume, &proxyInfo);
      p->inner = aw;
      c = &p->c;
    }
    return wrt_obj(newTask(loop, c, name));
  }
  if (aw.tag == WT_OBJ) {
    WValue inner = wrt_await_prepare(aw);
    if (inner.tag != WT_ERR) {
      AwaitProxy *p = newNativeCoro<AwaitProxy>(&proxyResume, &proxyInfo);
      p->inner = inner;
      return wrt_obj(newTask(loop, &p->c, name));
    }
    fetchError();
  }
  return raise(T.TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" WValue wrt_await_prepare(WValue x) {
  if (x.tag == WT_OBJ) {
    Kind k = kindOf(x);
    if (k == Kind::Coroutine) {
      WCoro *c = reinterpret_cast<WCoro *>(x.o);
      if (c == sleepZeroShared) return x;
      if (c->state == -1) return raise(T.RuntimeError, "cannot reuse already awaited coroutine");
      if (c->state != 0 || (c->running & WCORO_RUNNING)) return raise(T.RuntimeError, "coroutine is being awaited already");
      return x;
    }
    if (k == Kind::Future || k == Kind::Task) return x;
    if (k != Kind::Generator) {
      // An object with __await__: drive the iterator it returns.
      WValue meth = getAttr(x, internStr("__await__"));
      if (meth.tag != WT_ERR) {
        WValue it = call(meth, 0, nullptr);
        if (it.tag == WT_ERR) return it;
        if (it.tag == WT_OBJ && kindOf(it) == Kind::Coroutine)
          return raise(T.TypeError, "__await__() returned a coroutine");
        if (it.tag == WT_OBJ && isFrame(kindOf(it))) return it;
        return raiseFormat(T.TypeError, "__await__() returned non-iterator of type '%s'", typeName(it));
      }
      WObj *e = fetchError();
      if (!isInstance(wrt_obj(e), T.AttributeError)) return restoreError(e);
    }
  }
  return raiseFormat(T.TypeError, "object %s can't be used in 'await' expression", typeName(x));
}

extern "C" WValue wrt_await_method_ic(WCoro *awaiter, WValue obj, WObj *name, int64_t argc, WValue *argv,
                                      WCacheSite *site, void *buf, int64_t bufSize) {
  WStr *n = reinterpret_cast<WStr *>(name);
  WFunc *f = cachedCoroutineMethod(obj, n, argc, site);
  if (f && f->info->frame_size <= bufSize) {
    // As a direct await of a module-level coroutine (CodegenDirectAwait.cpp):
    // the frame is never visible to the program, so it can live on the
    // awaiter's stack until it suspends, and then move to the heap.
    WValue small[8];
    WCoro *frame = static_cast<WCoro *>(buf);
    f->info->frame_init(frame, f, argsWithSelf(obj, argc, argv, small), T.coroutine);
    WValue r = f->info->frame_resume(frame, wrt_none(), WRESUME_SEND);
    if (r.tag != WT_SUSPEND) return r;
    WValue copy = wrt_coro_to_heap(frame, f->info->frame_size);
    awaiter->awaiting = copy.o;
    awaiter->yielded = frame->yielded;
    return r;
  }
  // Anything else is `aw = obj.name(*argv); await aw`, first step included.
  WValue aw = wrt_call_method_ic(obj, name, argc, argv, site);
  if (aw.tag == WT_ERR) return aw;
  aw = wrt_await_prepare(aw);
  if (aw.tag == WT_ERR) return aw;
  WValue r = wrt_await_step(awaiter, aw, wrt_none(), WRESUME_SEND);
  if (r.tag == WT_SUSPEND) awaiter->awaiting = aw.o;
  return r;
}

extern "C" WValue wrt_await_step(WCoro *awaiter, WValue aw, WValue sent, int64_t mode) {
  WObj *o = aw.o;
  if (aw.tag == WT_OBJ && o == reinterpret_cast<WObj *>(sleepZeroShared)) {
    // sleep(0): suspend once with a bare yield (None), then return None.
    if (mode == WRESUME_THROW) {
      awaiter->yielded = wrt_unbound();
      return wrt_err_restore(sent);
    }
    if (awaiter->yielded.tag == WT_UNBOUND) {
      awaiter->yielded = wrt_none();
      return WValue{WT_SUSPEND, {0}};
    }
    awaiter->yielded = wrt_unbound();
    return wrt_none();
  }
  Kind k = kindOf(aw);
  if (isFrame(k)) {
    // Direct await: run the awaited frame's resume function on this stack.
    WCoro *c = reinterpret_cast<WCoro *>(o);
    if (c->running & WCORO_RUNNING) return raiseFormat(T.ValueError, "%s already executing", k == Kind::Coroutine ? "coroutine" : "generator");
    if (c->state == -1) {
      awaiter->yielded = wrt_unbound();
      return raise(T.RuntimeError, "cannot reuse already awaited coroutine");
    }
    c->running |= WCORO_RUNNING;
    WValue r = c->resume(c, sent, mode);
    c->running &= ~int64_t(WCORO_RUNNING);
    if (r.tag == WT_SUSPEND) {
      awaiter->yielded = c->yielded;
      return r;
    }
    awaiter->yielded = wrt_unbound();
    if (c->running & WCORO_PRIVATE) {
      // A finished private frame is garbage now (its result is in r), and
      // nothing else can reach it: give it back at once rather than leave
      // it to the next collection. One per suspending method await.
      awaiter->awaiting = nullptr;
      GC_FREE(c);
    }
    return r;
  }
  if (k == Kind::Future || k == Kind::Task) {
    Future *f = reinterpret_cast<Future *>(o);
    if (mode == WRESUME_THROW) {
      // Future.__await__ just lets the exception out of its `yield self`.
      awaiter->yielded = wrt_unbound();
      return wrt_err_restore(sent);
    }
    if (!isDone(f)) {
      if (awaiter->yielded.tag == WT_UNBOUND) {
        awaiter->yielded = aw;
        return WValue{WT_SUSPEND, {0}};
      }
      awaiter->yielded = wrt_unbound();
      return raise(T.RuntimeError, "await wasn't used with future");
    }
    awaiter->yielded = wrt_unbound();
    return futureResult(f);
  }
  awaiter->yielded = wrt_unbound();
  return raiseFormat(T.TypeError, "object %s can't be used in 'await' expression", typeName(aw));
}
