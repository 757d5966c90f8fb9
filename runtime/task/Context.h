// Context.h: contextvars' Context, the mapping of context variables that
// each task carries (PEP 567). The thread's current context is swapped in
// for each task step and each callback, so a ContextVar set in one task is
// not seen by another, and a callback sees the context it was scheduled
// from.
//
// Cheap when unused, as it has to be for the spawn benchmark: "no context"
// (null) stands for the empty one, so a task or callback created while no
// variable is set captures nothing and allocates nothing. Copies share
// their dict until one of them writes (copy-on-write), so copy_context() is
// O(1) like CPython's HAMT-based one.
#ifndef WEFT_RT_TASK_CONTEXT_H
#define WEFT_RT_TASK_CONTEXT_H

#include "core/Object.h"

namespace weft::rt {

struct WContext {
  WObj hdr;
  WDict *vars;     ///< ContextVar -> value; null while empty
  uint8_t owned;   ///< vars is this context's alone (else copy before writing)
  uint8_t entered; ///< inside Context.run()
};

/// contextvars.Context (made on first use).
WTypeObj *contextType();
/// A new empty Context.
WContext *newContext();
/// The thread's current context; null for the empty one nobody captured.
WContext *currentContext();
void setCurrentContext(WContext *ctx);
/// copy_context() for a task or callback being created: null when the
/// current context is empty (nothing to carry), else a copy sharing its dict.
WContext *snapshotContext();
/// A copy of [ctx] (null: the empty one) that shares its dict.
WContext *copyContext(WContext *ctx);
/// The value of [var] in the current context, or UNBOUND.
WValue contextGet(WValue var);
/// Sets [var] in the current context (made if there is none yet). Returns
/// the old value (UNBOUND if it had none).
WValue contextSet(WValue var, WValue value);
/// Removes [var] from the current context.
void contextDelete(WValue var);
/// A `context=` argument: null for None/absent, the Context, or false with
/// TypeError pending.
bool contextArg(WValue v, WContext *&out);

/// Context.run(callable, *args, **kwargs) as a native (a[0] the Context),
/// and as a function value for running a call in a context elsewhere
/// (to_thread's worker).
WValue contextRun(WNativeFunc *, WValue *a);
WValue contextRunFunc();

/// Runs the scope with [ctx] as the thread's current context.
struct ContextScope {
  WContext *saved;
  explicit ContextScope(WContext *ctx) : saved(currentContext()) { setCurrentContext(ctx); }
  ~ContextScope() { setCurrentContext(saved); }
};

} // namespace weft::rt

#endif
