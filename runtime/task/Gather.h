// Gather.h: the future behind asyncio.gather (CPython's _GatheringFuture):
// it collects its children's results in argument order. Without
// return_exceptions the first failure finishes it while the other children
// keep running (RELIABILITY.md section 0); cancelling it cancels every child.
#ifndef WEFT_RT_TASK_GATHER_H
#define WEFT_RT_TASK_GATHER_H

#include "task/Future.h"

namespace weft::rt {

struct GatheringFuture {
  Future fut;
  WValue *children;        ///< nchildren futures, duplicates repeated (GC array)
  int64_t nchildren;
  int64_t nfuts;           ///< distinct children
  int64_t nfinished;
  uint8_t returnExceptions;
};

/// gather(*aws, return_exceptions): [aws] are awaitables already turned into
/// futures or coroutines; coroutines become tasks on [loop]. Returns the
/// gathering future, or ERR.
WValue gather(EventLoop *loop, int64_t n, WValue *aws, bool returnExceptions);

/// _GatheringFuture.cancel: cancels the children; true if any was cancelled.
bool gatheringCancel(Future *f, WValue msg);

} // namespace weft::rt

#endif
