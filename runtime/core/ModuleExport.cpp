// ModuleExport.cpp: turning a compiled Weft module's globals into a module
// object. A compiled module keeps its globals in a slot array (fast access
// from its own code); when another module imports it, its init function ends
// by calling wrt_module_export, which copies the bound globals into the
// attributes of a fresh module object that import caches.
#include "core/Object.h"
#include "weft/rt/wrt_api.h"

WValue wrt_module_export(const char *name, int64_t n, const char *const *names, WValue *globals) {
  using namespace weft::rt;
  // The module object reads and writes the globals block itself, so `m.x`
  // sees later assignments and `m.x = v` reaches the module's own code.
  return moduleOverGlobals(name, n, names, globals);
}
