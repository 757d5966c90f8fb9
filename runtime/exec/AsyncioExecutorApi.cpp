// AsyncioExecutorApi.cpp: the executor entry points of the native `_asyncio`
// module (to_thread; the loop's run_in_executor lives with the loop type).
// Placeholder until the executors land: each raises NotImplementedError, so
// `import asyncio` works and programs that do not use executors run.
#include "core/Object.h"

namespace weft::rt {

namespace {
WValue toThreadImpl(WNativeFunc *, WValue *) {
  return raise(T.NotImplementedError, "asyncio.to_thread is not implemented yet");
}
} // namespace

void addExecutorApi(WValue m) {
  moduleSet(m, "to_thread", makeNative("to_thread", toThreadImpl, "func, /, *args, **kwargs"));
}

} // namespace weft::rt
