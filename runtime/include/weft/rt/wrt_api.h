// wrt_api.h: the C prototypes of every runtime function compiled Weft code
// calls, one per entry of wrt_abi.def and in the same order. The compiler
// declares these functions from the .def file; this header is what the
// runtime defines them against, and AbiSignatureTest checks that each
// prototype maps to its .def signature letters (V WValue, P pointer, I int64).
#ifndef WEFT_RT_WRT_API_H
#define WEFT_RT_WRT_API_H

#include "weft/rt/wrt_value.h"
#include "weft/rt/wrt_ops.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A module's (or the program's) init function: runs the top level, returns
/// the module object or WT_ERR.
typedef WValue (*WModuleInit)(void);

// ---- program entry and module state
int64_t wrt_main(int64_t argc, char **argv, WModuleInit init);
WValue *wrt_alloc_roots(int64_t n);
WValue wrt_import(const char *dottedName);
void wrt_register_module(const char *name, WModuleInit init);
/// Builds the module object of a compiled module from its bound globals.
WValue wrt_module_export(const char *name, int64_t n, const char *const *names, WValue *globals);
/// The REPL's one namespace (runtime/core/JitRepl.cpp): for each of [names],
/// the session's box for that global, made (UNBOUND) on first use, so every
/// input's module reads and writes the same variable, as in Python's REPL.
WValue **wrt_repl_globals(int64_t n, const char *const *names);
/// A REPL input's module object, over a snapshot of its globals' boxes.
WValue wrt_repl_export(const char *name, int64_t n, const char *const *names, WValue **boxes);

// ---- constants
WValue wrt_str_const(const char *utf8, int64_t nbytes);
WValue wrt_bytes_const(const char *data, int64_t n);
WObj *wrt_intern(const char *utf8, int64_t nbytes);

// ---- operators
WValue wrt_binop(int64_t op, WValue a, WValue b);
WValue wrt_inplace(int64_t op, WValue a, WValue b);
WValue wrt_unop(int64_t op, WValue a);
WValue wrt_compare(int64_t op, WValue a, WValue b);
int64_t wrt_truthy(WValue v);
/* len(x) as the builtin computes it; -1 with an exception pending */
int64_t wrt_len(WValue v);
int64_t wrt_contains(WValue container, WValue item);
int64_t wrt_is(WValue a, WValue b);

// ---- attributes and items
/// The inline cache of one attribute site in compiled code: zeroed static
/// storage the runtime fills (runtime/core/AttrCache.cpp).
typedef struct WCacheSite {
  void *entry;
  int64_t fills;
} WCacheSite;
WValue wrt_getattr(WValue obj, WObj *name);
WValue wrt_setattr(WValue obj, WObj *name, WValue value);
WValue wrt_getattr_ic(WValue obj, WObj *name, WCacheSite *site);
WValue wrt_setattr_ic(WValue obj, WObj *name, WValue value, WCacheSite *site);
WValue wrt_delattr(WValue obj, WObj *name);
WValue wrt_getitem(WValue obj, WValue key);
WValue wrt_setitem(WValue obj, WValue key, WValue value);
WValue wrt_delitem(WValue obj, WValue key);
WValue wrt_slice_new(WValue lo, WValue hi, WValue step);

// ---- calls
WValue wrt_call(WValue callee, int64_t argc, WValue *argv);
WValue wrt_call_kw(WValue callee, int64_t argc, WValue *argv, WObj *kwnames);
WValue wrt_call_ex(WValue callee, WValue args, WValue kwargs);
WValue wrt_call_method(WValue obj, WObj *name, int64_t argc, WValue *argv);
WValue wrt_call_method_kw(WValue obj, WObj *name, int64_t argc, WValue *argv, WObj *kwnames);
WValue wrt_call_method_ic(WValue obj, WObj *name, int64_t argc, WValue *argv, WCacheSite *site);
/// Before a with statement's __enter__ (or __aenter__): TypeError unless the
/// manager's type has both methods of the protocol; [site] caches a pass.
WValue wrt_with_check(WValue mgr, int64_t isAsync, WCacheSite *site);
WValue wrt_func_new(WFuncCode code, const WFuncInfo *info, WValue *defaults, WCell **cells,
                    int64_t ncells);
WCell *wrt_cell_new(WValue initial);
WValue wrt_builtin(WObj *name);

// ---- builders
WValue wrt_tuple_new(int64_t n, WValue *items);
WValue wrt_list_new(int64_t n, WValue *items);
WValue wrt_set_new(int64_t n, WValue *items);
WValue wrt_dict_new(int64_t n, WValue *keys, WValue *values);
WValue wrt_list_append(WValue list, WValue item);
WValue wrt_set_add(WValue set, WValue item);
WValue wrt_dict_set(WValue dict, WValue key, WValue value);
WValue wrt_list_extend(WValue list, WValue iterable);
WValue wrt_dict_update(WValue dict, WValue other);
WValue wrt_list_to_tuple(WValue list);

// ---- iteration and unpacking
WValue wrt_iter(WValue v);
WValue wrt_next(WValue iterator);
int64_t wrt_unpack(WValue seq, int64_t n, WValue *out);
int64_t wrt_unpack_ex(WValue seq, int64_t before, int64_t after, WValue *out);
void wrt_iter_close(WValue iterator);

// ---- strings
WValue wrt_str(WValue v);
WValue wrt_repr(WValue v);
WValue wrt_format(WValue v, WValue spec);
/* f-string parts: strs, or ints, floats and bools as format(v, "") shows them */
WValue wrt_str_join_n(int64_t n, WValue *parts);

// ---- classes
WValue wrt_class_new(const char *name, WValue base, const char *qualname);
WValue wrt_class_annotate(WValue cls, WObj *name, WValue defaultValue);
WValue wrt_class_done(WValue cls);
WValue wrt_super(WValue cls, WValue self);

// ---- exceptions
WValue wrt_raise(WValue exc);
WValue wrt_raise_from(WValue exc, WValue cause);
WValue wrt_reraise(void);
WValue wrt_err_fetch(void);
WValue wrt_err_restore(WValue exc);
int64_t wrt_exc_matches(WValue exc, WValue classes);
WValue wrt_exc_push_handled(WValue exc);
void wrt_exc_set_handled(WValue exc);
WValue wrt_raise_name_error(WObj *name);
WValue wrt_raise_unbound_local(WObj *name);
WValue wrt_raise_assert(WValue message);
WValue wrt_raise_overflow(void);
WValue wrt_raise_zero_div(int64_t which);

// ---- generators and coroutines
WValue wrt_coro_new(WFunc *self, int64_t frameSize, WResumeFn resume);
WValue wrt_coro_to_heap(WCoro *frame, int64_t frameSize);
WValue wrt_await_prepare(WValue awaitable);
WValue wrt_await_step(WCoro *awaiter, WValue awaitable, WValue sent, int64_t mode);
/// `await obj.name(*argv)` from [awaiter], first step included: the result,
/// ERR, or SUSPEND with awaiter->awaiting set for wrt_await_step to go on
/// with. A cached compiled `async def` runs in [buf] ([bufSize] bytes, on the
/// awaiter's stack) and moves to the heap only if it suspends.
WValue wrt_await_method_ic(WCoro *awaiter, WValue obj, WObj *name, int64_t argc, WValue *argv,
                           WCacheSite *site, void *buf, int64_t bufSize);
WValue wrt_yield_from_step(WCoro *frame, WValue iterable, WValue sent, int64_t mode);

#ifdef __cplusplus
}
#endif

#endif
