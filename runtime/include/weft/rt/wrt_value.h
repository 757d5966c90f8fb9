// wrt_value.h: the value representation shared by compiled Weft code and the
// runtime. Every Weft value travels as a 16-byte WValue {tag, payload}; on
// x86-64 SysV it is passed and returned in two integer registers, so compiled
// code declares a WValue parameter as two i64s and a WValue result as
// {i64, i64}. Heap objects start with a WObj header pointing at their WType.
// See docs/design.md ("Values") for why the representation is uniform.
#ifndef WEFT_RT_WRT_VALUE_H
#define WEFT_RT_WRT_VALUE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bumped whenever a layout or a signature in these headers changes; the
/// compiler embeds the version it was built for and the runtime checks it.
#define WRT_ABI_VERSION 2

/// The tag of a WValue. UNBOUND is zero so that zeroed memory (fresh frames,
/// fresh global tables) reads as "not yet assigned".
typedef enum WTag {
  WT_UNBOUND = 0, ///< no value: an unassigned variable, or "iterator exhausted"
  WT_NONE = 1,
  WT_BOOL = 2,    ///< payload 0 or 1
  WT_INT = 3,     ///< payload: int64_t
  WT_FLOAT = 4,   ///< payload: the bits of a double
  WT_OBJ = 5,     ///< payload: WObj*, never null
  WT_ERR = 6,     ///< an exception is pending (see wrt_err_*); payload unused
  WT_SUSPEND = 7, ///< a resume function suspended; the frame holds what it yielded
} WTag;

typedef struct WObj WObj;
typedef struct WType WType;

typedef struct WValue {
  uint64_t tag;
  union {
    int64_t i;
    double f;
    WObj *o;
    uint64_t bits;
  };
} WValue;

/// Every heap object begins with this header.
struct WObj {
  WType *type;
};

/// A cell holds a variable captured by a closure. Compiled code reads and
/// writes `value` directly, so this layout is part of the ABI.
typedef struct WCell {
  WObj hdr;
  WValue value;
} WCell;

typedef struct WFunc WFunc;
typedef struct WCoro WCoro;

/// A state machine's resume function. Returns the final value when the body
/// returns (state becomes -1), WT_ERR when an exception escapes, or
/// WT_SUSPEND after storing what it yields in `yielded`.
typedef WValue (*WResumeFn)(WCoro *frame, WValue value, int64_t mode);

/// Sets up a coroutine's frame in place from its function object and bound
/// arguments; [type] is the coroutine type object.
typedef void (*WFrameInitFn)(void *frame, WFunc *self, WValue *args, void *type);

/// Static description of a compiled function, emitted by the compiler as a
/// constant. Parameters are laid out as: positional (nposargs, the first
/// nposonly of them positional-only), then the *args slot if has_varargs,
/// then keyword-only (nkwonly), then the **kwargs slot if has_varkw.
typedef struct WFuncInfo {
  const char *name;        ///< "fetch"
  const char *qualname;    ///< "Client.fetch" or "outer.<locals>.inner"
  const char *const *param_names; ///< nparams entries, in slot order
  int32_t nparams;         ///< total slots, *args and **kwargs included
  int32_t nposargs;
  int32_t nkwonly;
  int32_t has_varargs;
  int32_t has_varkw;
  int32_t flags;           ///< WFUNC_* below
  const char *file;        ///< source file, for diagnostics
  int32_t line;            ///< line of the def
  /// A compiled `async def` only (else 0 / null): its frame's size, init and
  /// resume function, so an await of it can run the frame on the awaiter's
  /// stack (wrt_await_method_ic) instead of allocating it.
  int64_t frame_size;
  WFrameInitFn frame_init;
  WResumeFn frame_resume;
} WFuncInfo;

enum {
  WFUNC_GENERATOR = 1,
  WFUNC_COROUTINE = 2,
  WFUNC_ASYNC_GENERATOR = 4,
  WFUNC_STATICMETHOD = 8,
  WFUNC_CLASSMETHOD = 16,
};

/// The single entry point of every compiled function: [args] holds exactly
/// info->nparams bound values (the runtime's binder has applied defaults,
/// keywords, *args and **kwargs). The result may be WT_ERR.
typedef WValue (*WFuncCode)(WFunc *self, WValue *args);

/// A function object: compiled code plus its defaults and closure cells.
/// Compiled code reads `cells` directly, so this layout is part of the ABI.
struct WFunc {
  WObj hdr;
  WFuncCode code;
  const WFuncInfo *info;
  WValue *defaults;  ///< info->nparams entries; WT_UNBOUND where none
  WCell **cells;     ///< free variables captured, in compiler order
  int64_t ncells;
  WObj *dict;        ///< attributes set on the function (lazily created)
  WValue owner;      ///< class the function was defined in (for super()), or UNBOUND
};

/// How a resume function is entered.
enum {
  WRESUME_SEND = 0,  ///< continue with [value] as the result of the await/yield
  WRESUME_THROW = 1, ///< raise the exception [value] at the suspension point
};

/// Header of every coroutine / generator frame. The compiler appends the
/// slots of values live across suspension points after this header.
struct WCoro {
  WObj hdr;            ///< type: coroutine, generator or async generator
  WResumeFn resume;
  int64_t state;       ///< 0 = not started, -1 = finished, else resume point
  WValue yielded;      ///< what the last suspension yielded (a future, None, or a generator's value)
  WObj *awaiting;      ///< the awaitable a suspended await is waiting on (frame chaining), or null
  WObj *handled;       ///< the exception being handled in this frame (bare raise, __context__), or null
  const WFuncInfo *info;
  WFunc *func;         ///< the function object that created the frame (cells)
  int64_t running;     ///< WCORO_* bits: WCORO_RUNNING while executing ("already executing" errors)
};

/// Bits of WCoro.running. Only the runtime reads or writes them.
enum {
  WCORO_RUNNING = 1,     ///< its resume function is on the stack
  WCORO_GATHER_MARK = 2, ///< seen by the gather() now building its children
  WCORO_PRIVATE = 4,     ///< a stack frame moved to the heap (wrt_coro_to_heap): only its awaiter points at it
};

static inline WValue wrt_none(void) { WValue v; v.tag = WT_NONE; v.bits = 0; return v; }
static inline WValue wrt_unbound(void) { WValue v; v.tag = WT_UNBOUND; v.bits = 0; return v; }
static inline WValue wrt_errv(void) { WValue v; v.tag = WT_ERR; v.bits = 0; return v; }
static inline WValue wrt_int(int64_t i) { WValue v; v.tag = WT_INT; v.i = i; return v; }
static inline WValue wrt_float(double f) { WValue v; v.tag = WT_FLOAT; v.f = f; return v; }
static inline WValue wrt_bool(int b) { WValue v; v.tag = WT_BOOL; v.i = b ? 1 : 0; return v; }
static inline WValue wrt_obj(void *o) { WValue v; v.tag = WT_OBJ; v.o = (WObj *)o; return v; }
static inline int wrt_is_err(WValue v) { return v.tag == WT_ERR; }

#ifdef __cplusplus
}
#endif

#endif
