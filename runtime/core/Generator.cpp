// Generator.cpp: generator objects over the state-machine ABI (docs/design.md,
// "Generators and coroutines"): frame allocation (wrt_coro_new), resumption
// with the running guard and the frame's own handled exception, the Python
// generator methods send/throw/close, and `yield from` delegation
// (wrt_yield_from_step). Awaiting coroutines and futures is rt-loop's
// (wrt_await_prepare/wrt_await_step).
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <cstring>

namespace weft::rt {

namespace {

bool isExcValue(WValue v) { return v.tag == WT_OBJ && v.o->type->kind == Kind::Exception; }

WValue raiseStopIteration(WValue value) {
  WObj *args = nullptr;
  if (value.tag != WT_NONE && value.tag != WT_UNBOUND) args = newTupleFrom(1, &value).o;
  return raiseValue(newException(T.StopIteration, args));
}

/// `raise RuntimeError(...) from exc` without touching the handled state.
WValue convertStop(const char *message) {
  WValue stop = errFetch();
  WValue err = newExceptionMsg(T.RuntimeError, message);
  asExc(err)->cause = stop;
  asExc(err)->context = stop;
  asExc(err)->suppressContext = true;
  return wrt_err_restore(err);
}

} // namespace

WValue resumeFrame(WCoro *frame, WValue value, int64_t mode) {
  if (frame->running & WCORO_RUNNING) {
    const char *what = frame->hdr.type == T.coroutine ? "coroutine" : "generator";
    return raiseFormat(T.ValueError, "%s already executing", what);
  }
  // The frame keeps its own handled exception while suspended inside an
  // except block; the caller's is visible otherwise (CPython's exc_info stack).
  WValue outer = getHandled();
  if (frame->handled) setHandled(frameHandled(frame));
  frame->running |= WCORO_RUNNING;
  WValue r = frame->resume(frame, value, mode);
  frame->running &= ~int64_t(WCORO_RUNNING);
  WValue inner = getHandled();
  saveFrameHandled(frame, r.tag == WT_SUSPEND && !(inner.tag == outer.tag && inner.bits == outer.bits)
                              ? inner
                              : wrt_unbound());
  setHandled(outer);
  if (r.tag == WT_SUSPEND) return r;
  frame->state = -1;
  if (r.tag == WT_ERR) {
    WTypeObj *t = frame->hdr.type;
    WValue p = errPending();
    if (t == T.generator && isInstance(p, T.StopIteration))
      return convertStop("generator raised StopIteration");
    if (t == T.asyncGenerator && isInstance(p, T.StopAsyncIteration))
      return convertStop("async generator raised StopAsyncIteration");
    if (t == T.coroutine && isInstance(p, T.StopIteration))
      return convertStop("coroutine raised StopIteration");
  }
  return r;
}

WValue generatorSend(WCoro *gen, WValue value) {
  if (gen->state == -1) return raiseStopIteration(wrt_none());
  if (gen->state == 0 && value.tag != WT_NONE)
    return raiseFormat(T.TypeError, "can't send non-None value to a just-started %s",
                       gen->hdr.type == T.coroutine ? "coroutine" : "generator");
  WValue r = resumeFrame(gen, value, WRESUME_SEND);
  if (r.tag == WT_SUSPEND) return gen->yielded;
  if (r.tag == WT_ERR) return r;
  return raiseStopIteration(r);
}

WValue generatorThrow(WCoro *gen, WValue exc) {
  if (isKind(exc, Kind::Type)) {
    exc = call(exc, 0, nullptr);
    if (exc.tag == WT_ERR) return exc;
  }
  if (!isExcValue(exc)) return raise(T.TypeError, "exceptions must derive from BaseException");
  if (gen->state == 0 || gen->state == -1) {
    // Never started (or finished): the exception is raised without running.
    gen->state = -1;
    return raiseValue(exc);
  }
  WValue r = resumeFrame(gen, exc, WRESUME_THROW);
  if (r.tag == WT_SUSPEND) return gen->yielded;
  if (r.tag == WT_ERR) return r;
  return raiseStopIteration(r);
}

WValue nextOrRaise(WValue it) {
  if (isKind(it, Kind::Generator)) return generatorSend(reinterpret_cast<WCoro *>(it.o), wrt_none());
  WValue r = next(it);
  if (r.tag == WT_UNBOUND) return raiseValue(newException(T.StopIteration, nullptr));
  return r;
}

WValue generatorClose(WCoro *gen) {
  if (gen->state == 0 || gen->state == -1) {
    gen->state = -1;
    return wrt_none();
  }
  WValue exit = newException(T.GeneratorExit, nullptr);
  WValue r = resumeFrame(gen, exit, WRESUME_THROW);
  if (r.tag == WT_SUSPEND) {
    const char *what = gen->hdr.type == T.coroutine ? "coroutine" : "generator";
    return raiseFormat(T.RuntimeError, "%s ignored GeneratorExit", what);
  }
  if (r.tag == WT_ERR) {
    if (errMatchesClear(T.GeneratorExit) || errMatchesClear(T.StopIteration)) return wrt_none();
    return r;
  }
  return wrt_none();
}

namespace {

WCoro *frameOf(WValue v) { return reinterpret_cast<WCoro *>(v.o); }

WValue genSendM(WNativeFunc *, WValue *a) { return generatorSend(frameOf(a[0]), a[1]); }

WValue genThrowM(WNativeFunc *, WValue *a) {
  WValue exc = a[1];
  if (isKind(exc, Kind::Type) && a[2].tag != WT_UNBOUND && a[2].tag != WT_NONE) {
    exc = isExcValue(a[2]) ? a[2] : call(exc, 1, &a[2]);
    if (exc.tag == WT_ERR) return exc;
  }
  return generatorThrow(frameOf(a[0]), exc);
}

WValue genCloseM(WNativeFunc *, WValue *a) { return generatorClose(frameOf(a[0])); }

WValue genNextM(WNativeFunc *, WValue *a) {
  // Through send so that StopIteration carries the return value.
  return generatorSend(frameOf(a[0]), wrt_none());
}

WValue genIterM(WNativeFunc *, WValue *a) { return a[0]; }

WValue iterNextM(WNativeFunc *, WValue *a) {
  WValue r = next(a[0]);
  if (r.tag == WT_UNBOUND) return raiseValue(newException(T.StopIteration, nullptr));
  return r;
}

} // namespace

void initGenerators() {
  for (WTypeObj *t : {T.generator, T.coroutine}) {
    addMethod(t, "send", genSendM, "self, value, /");
    addMethod(t, "throw", genThrowM, "self, typ, val=?, tb=?, /");
    addMethod(t, "close", genCloseM, "self, /");
  }
  addMethod(T.generator, "__next__", genNextM, "self, /");
  addMethod(T.generator, "__iter__", genIterM, "self, /");
  addMethod(T.iterator, "__next__", iterNextM, "self, /");
  addMethod(T.iterator, "__iter__", genIterM, "self, /");
  initAsyncGenerators();
}

} // namespace weft::rt

using namespace weft::rt;

extern "C" {

WValue wrt_coro_new(WFunc *self, int64_t frameSize, WResumeFn resume) {
  if (frameSize < int64_t(sizeof(WCoro))) frameSize = sizeof(WCoro);
  int32_t flags = self && self->info ? self->info->flags : WFUNC_GENERATOR;
  WTypeObj *t = (flags & WFUNC_COROUTINE)         ? T.coroutine
                : (flags & WFUNC_ASYNC_GENERATOR) ? T.asyncGenerator
                                                  : T.generator;
  auto *frame = static_cast<WCoro *>(gcAlloc(size_t(frameSize)));
  frame->hdr.type = t;
  frame->resume = resume;
  frame->info = self ? self->info : nullptr;
  frame->func = self;
  return wrt_obj(frame);
}

// `await f(...)` of a known coroutine function runs f's first step in a
// frame on the awaiting resume function's stack (docs/design.md, "Stack
// frames for direct awaits"): most awaited coroutines finish without
// suspending, and then the frame costs no allocation. Only a frame that does
// suspend is copied to the heap, where the awaiter's `awaiting` slot keeps it.
WValue wrt_coro_to_heap(WCoro *frame, int64_t frameSize) {
  // Nothing points into a stack frame but its awaiter (which stores the copy
  // it gets back): frames only point down the await chain.
  auto *copy = static_cast<WCoro *>(gcAlloc(size_t(frameSize)));
  std::memcpy(static_cast<void *>(copy), frame, size_t(frameSize));
  copy->running |= WCORO_PRIVATE;
  return wrt_obj(copy);
}

WValue wrt_yield_from_step(WCoro *frame, WValue sub, WValue sent, int64_t mode) {
  if (isKind(sub, Kind::Generator)) {
    WCoro *g = reinterpret_cast<WCoro *>(sub.o);
    if (mode == WRESUME_THROW && isInstance(sent, T.GeneratorExit)) {
      // Closing the delegator closes the delegate first, then raises here.
      if (generatorClose(g).tag == WT_ERR) return wrt_errv();
      return wrt_err_restore(sent);
    }
    if (g->state == -1) {
      if (mode == WRESUME_THROW) return wrt_err_restore(sent);
      return wrt_none();
    }
    WValue r = resumeFrame(g, sent, mode);
    if (r.tag == WT_SUSPEND) {
      frame->yielded = g->yielded;
      return r;
    }
    return r; // the delegate's return value, or ERR
  }
  if (mode == WRESUME_THROW) {
    if (!isInstance(sent, T.GeneratorExit) && sub.tag == WT_OBJ &&
        typeLookup(sub.o->type, internStr("throw")).tag != WT_UNBOUND) {
      WValue r = callMethod(sub, "throw", 1, &sent);
      if (r.tag != WT_ERR) {
        frame->yielded = r;
        return WValue{WT_SUSPEND, {0}};
      }
      if (errOccurred() && isInstance(errPending(), T.StopIteration)) {
        WValue stop = errFetch();
        WTuple *args = reinterpret_cast<WTuple *>(asExc(stop)->args);
        return args->size ? args->items[0] : wrt_none();
      }
      return r;
    }
    return wrt_err_restore(sent);
  }
  WValue x;
  if (sent.tag == WT_NONE || sent.tag == WT_UNBOUND) {
    x = next(sub);
  } else {
    x = callMethod(sub, "send", 1, &sent);
    if (x.tag == WT_ERR && isInstance(errPending(), T.StopIteration)) {
      WValue stop = errFetch();
      WTuple *args = reinterpret_cast<WTuple *>(asExc(stop)->args);
      return args->size ? args->items[0] : wrt_none();
    }
  }
  if (x.tag == WT_ERR) return x;
  if (x.tag == WT_UNBOUND) return wrt_none();
  frame->yielded = x;
  return WValue{WT_SUSPEND, {0}};
}

} // extern "C"
