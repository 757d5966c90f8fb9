// AsyncGenerator.cpp: async generator objects' methods (__anext__, asend,
// athrow, aclose, __aiter__). Each call returns a small native coroutine
// frame that, when awaited, resumes the async generator's own frame until
// it yields (the await's result), finishes (StopAsyncIteration) or raises.
// A suspension inside one of the generator's awaits (awaiting set, future in
// yielded) is passed up unchanged to whoever drives the await chain, per the
// protocol of task/Await.h; a yield is told apart by `awaiting` being unset.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

namespace weft::rt {

namespace {

enum class AgenOp { Send, Throw, Close };

struct AgenStep {
  WCoro c;           // a coroutine frame: awaitable by wrt_await_step
  WValue agen;
  WValue arg;        // the value to send or the exception to throw
  AgenOp op;
};

const char *const noParams[] = {nullptr};
const WFuncInfo anextInfo = {"__anext__", "async_generator.__anext__", noParams, 0, 0, 0, 0, 0,
                             WFUNC_COROUTINE, "<runtime>", 0, 0, nullptr, nullptr};
const WFuncInfo acloseInfo = {"aclose", "async_generator.aclose", noParams, 0, 0, 0, 0, 0,
                              WFUNC_COROUTINE, "<runtime>", 0, 0, nullptr, nullptr};

WValue stopAsync() { return raiseValue(newException(T.StopAsyncIteration, nullptr)); }

WValue agenStepResume(WCoro *frame, WValue value, int64_t mode) {
  auto *s = reinterpret_cast<AgenStep *>(frame);
  WCoro *g = reinterpret_cast<WCoro *>(s->agen.o);
  if (frame->state == -1)
    return raise(T.RuntimeError, "cannot reuse already awaited __anext__()/asend()");
  WValue v = value;
  int64_t m = mode;
  if (frame->state == 0) {
    frame->state = 1;
    if (mode == WRESUME_THROW) { // cancelled before the first step
      frame->state = -1;
      return wrt_err_restore(value);
    }
    if (g->state == -1 || (g->state == 0 && s->op != AgenOp::Send)) {
      // Finished, or closed/thrown into before it started.
      frame->state = -1;
      g->state = -1;
      if (s->op == AgenOp::Close) return wrt_none();
      if (s->op == AgenOp::Throw) return wrt_err_restore(s->arg);
      return stopAsync();
    }
    if (g->state == 0 && s->arg.tag != WT_NONE) {
      frame->state = -1;
      return raise(T.TypeError, "can't send non-None value to a just-started async generator");
    }
    v = s->op == AgenOp::Close ? newException(T.GeneratorExit, nullptr) : s->arg;
    m = s->op == AgenOp::Send ? WRESUME_SEND : WRESUME_THROW;
  }
  if (g->state == 0 && asyncgenFirstiterHook) asyncgenFirstiterHook(&g->hdr);
  WValue r = resumeFrame(g, v, m);
  if (r.tag == WT_SUSPEND) {
    if (g->awaiting) {
      frame->yielded = g->yielded; // an await inside the generator: pass it up
      return r;
    }
    // A `yield`: its value is this await's result. Clear the generator's
    // `yielded` so its next await starts fresh (task/Await.h invariant).
    WValue out = g->yielded;
    g->yielded = wrt_unbound();
    frame->yielded = wrt_unbound();
    frame->state = -1;
    if (s->op == AgenOp::Close) return raise(T.RuntimeError, "async generator ignored GeneratorExit");
    return out;
  }
  frame->yielded = wrt_unbound();
  frame->state = -1;
  if (r.tag == WT_ERR) {
    if (s->op == AgenOp::Close &&
        (errMatchesClear(T.GeneratorExit) || errMatchesClear(T.StopAsyncIteration)))
      return wrt_none();
    return r;
  }
  return s->op == AgenOp::Close ? wrt_none() : stopAsync();
}

WValue newStep(WValue agen, WValue arg, AgenOp op) {
  auto *s = static_cast<AgenStep *>(gcAlloc(sizeof(AgenStep)));
  s->c.hdr.type = T.coroutine;
  s->c.resume = agenStepResume;
  s->c.info = op == AgenOp::Close ? &acloseInfo : &anextInfo;
  s->agen = agen;
  s->arg = arg;
  s->op = op;
  return wrt_obj(s);
}

WValue anextM(WNativeFunc *, WValue *a) { return newStep(a[0], wrt_none(), AgenOp::Send); }
WValue asendM(WNativeFunc *, WValue *a) { return newStep(a[0], a[1], AgenOp::Send); }
WValue acloseM(WNativeFunc *, WValue *a) { return newStep(a[0], wrt_none(), AgenOp::Close); }
WValue aiterM(WNativeFunc *, WValue *a) { return a[0]; }

WValue athrowM(WNativeFunc *, WValue *a) {
  WValue exc = a[1];
  if (isKind(exc, Kind::Type)) {
    exc = a[2].tag != WT_UNBOUND && a[2].tag != WT_NONE ? call(exc, 1, &a[2]) : call(exc, 0, nullptr);
    if (exc.tag == WT_ERR) return exc;
  }
  if (!isInstance(exc, T.BaseException)) return raise(T.TypeError, "exceptions must derive from BaseException");
  return newStep(a[0], exc, AgenOp::Throw);
}

} // namespace

void (*asyncgenFirstiterHook)(WObj *agen) = nullptr;
void (*asyncgenFinalizerHook)(WObj *agen) = nullptr;

void initAsyncGenerators() {
  WTypeObj *t = T.asyncGenerator;
  addMethod(t, "__anext__", anextM, "self, /");
  addMethod(t, "asend", asendM, "self, value, /");
  addMethod(t, "athrow", athrowM, "self, typ, val=?, tb=?, /");
  addMethod(t, "aclose", acloseM, "self, /");
  addMethod(t, "__aiter__", aiterM, "self, /");
}

} // namespace weft::rt
