// AsyncgenTable.h: the async generators a loop has seen start (CPython's
// loop._asyncgens, a WeakSet fed by the firstiter hook), so that
// shutdown_asyncgens can aclose() the ones left unfinished when
// asyncio.run ends. The table holds them weakly: libgc clears an entry when
// its generator is collected (a disappearing link), so a server that
// abandons generators does not keep their frames alive.
#ifndef WEFT_RT_TASK_ASYNCGENTABLE_H
#define WEFT_RT_TASK_ASYNCGENTABLE_H

#include "loop/EventLoop.h"

#include <cstdint>

namespace weft::rt {

/// Installs the firstiter hook: an async generator's first step, on a
/// thread running a loop, is recorded in that loop's table.
void installAsyncgenHooks();

/// The unfinished async generators [loop] recorded, in the order they
/// started, as a GC array of [n] objects; the table is emptied. Null when
/// there are none.
WObj **takeUnfinishedAsyncgens(EventLoop *loop, int64_t &n);

} // namespace weft::rt

#endif
