// CallCoro.cpp: see CallCoro.h.
#include "task/CallCoro.h"

#include "core/CoreInternal.h"
#include "task/Await.h"
#include "task/NativeCoro.h"
#include "weft/rt/wrt_api.h"

namespace weft::rt {

namespace {

struct CallCoro {
  WCoro c;
  WNativeCode code;
  WValue inner;  ///< what the call returned, after the first step
  WValue args[kCallCoroMaxArgs];
};

WValue callCoroResume(WCoro *frame, WValue value, int64_t mode) {
  auto *p = reinterpret_cast<CallCoro *>(frame);
  if (frame->state == -1) return raise(T.RuntimeError, "cannot reuse already awaited coroutine");
  if (frame->state == 0) {
    frame->state = 1;
    if (mode == WRESUME_THROW) {  // thrown into before it started: nothing was called
      frame->state = -1;
      return wrt_err_restore(value);
    }
    WValue r = p->code(nullptr, p->args);
    if (r.tag == WT_ERR) {
      frame->state = -1;
      return r;
    }
    p->inner = r;
    value = wrt_none();
    mode = WRESUME_SEND;
  }
  WValue r = wrt_await_step(frame, p->inner, value, mode);
  if (r.tag != WT_SUSPEND) frame->state = -1;
  return r;
}

} // namespace

WValue callAsCoroutine(const WFuncInfo *info, WNativeCode code, int64_t nargs, const WValue *args) {
  auto *p = newNativeCoro<CallCoro>(&callCoroResume, info);
  p->code = code;
  p->inner = wrt_unbound();
  for (int64_t i = 0; i < kCallCoroMaxArgs; i++) p->args[i] = i < nargs ? args[i] : wrt_unbound();
  return wrt_obj(p);
}

} // namespace weft::rt
