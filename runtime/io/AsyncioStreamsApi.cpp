// AsyncioStreamsApi.cpp: the streams entry points of the native `_asyncio`
// module (open_connection, start_server, StreamReader, StreamWriter).
// Placeholder until streams land: each raises NotImplementedError, so
// `import asyncio` works and programs that do not use streams run.
#include "core/Object.h"

namespace weft::rt {

namespace {
WValue notYet(WNativeFunc *, WValue *) {
  return raise(T.NotImplementedError, "asyncio streams are not implemented yet");
}
} // namespace

void addStreamsApi(WValue m) {
  moduleSet(m, "open_connection", makeNative("open_connection", notYet, "host=None, port=None, **kwds"));
  moduleSet(m, "start_server", makeNative("start_server", notYet, "client_connected_cb, host=None, port=None, **kwds"));
}

} // namespace weft::rt
