// JitRepl.cpp: the runtime entry of the REPL (compiler/jit/Repl*.cpp). Each
// input is a compiled module; wrt_repl_run imports it (which runs its init
// once) and, unlike wrt_main, never ends the process on an ordinary
// exception: it prints CPython's report and returns, so the session goes on.
// SystemExit ends the session with its status, as in Python's REPL.
#include "core/CoreInternal.h"
#include "weft/rt/wrt_api.h"

#include <gc.h>

#include <cstring>
#include <string>
#include <unordered_map>

using namespace weft::rt;

extern "C" {

/// Prepares the runtime once per process: collector, builtins, sys.argv [""].
void wrt_repl_init() {
  static bool done = false;
  if (done) return;
  done = true;
  initRuntime();
  static char empty[] = "";
  static char *argv[] = {empty, nullptr};
  setArgv(1, argv);
}

WValue **wrt_repl_globals(int64_t n, const char *const *names) {
  // Boxes are uncollectable, so the map itself (malloc'd) may point at them;
  // it lives as long as the session.
  static auto *boxes = new std::unordered_map<std::string, WValue *>();
  size_t count = n > 0 ? size_t(n) : 1;
  auto **table = static_cast<WValue **>(GC_MALLOC_UNCOLLECTABLE(sizeof(WValue *) * count));
  for (int64_t i = 0; i < n; i++) {
    WValue *&box = (*boxes)[names[i]];
    if (!box) {
      box = static_cast<WValue *>(GC_MALLOC_UNCOLLECTABLE(sizeof(WValue)));
      std::memset(box, 0, sizeof(WValue)); // UNBOUND: reading it is a NameError
    }
    table[i] = box;
  }
  return table;
}

WValue wrt_repl_export(const char *name, int64_t n, const char *const *names, WValue **boxes) {
  WValue *snapshot = wrt_alloc_roots(n);
  for (int64_t i = 0; i < n; i++)
    snapshot[i] = *boxes[i];
  return wrt_module_export(name, n, names, snapshot);
}

/// Imports (runs) module [name]. Returns -1 when it ran, -2 when it raised
/// (the exception is reported), else the exit status SystemExit asked for.
int64_t wrt_repl_run(const char *name) {
  WValue r = wrt_import(name);
  if (r.tag != WT_ERR) {
    flushStdout();
    return -1;
  }
  WValue exc = errFetch();
  flushStdout();
  if (isInstance(exc, T.SystemExit)) return systemExitStatus(exc);
  printException(exc);
  return -2;
}

} // extern "C"
