// JitReplInput.cpp: lets the REPL wait for terminal input *inside* the
// session's event loop, so tasks created by earlier inputs keep running while
// the user types (PITFALLS.md: input must be read from the loop). The driver
// passes a callback that feeds one character to libedit's callback interface
// and says whether a line is complete; stdin is registered as a reader in the
// current loop's selector and the loop runs until that callback says so.
#include "core/CoreInternal.h"
#include "io/Selector.h"
#include "loop/EventLoop.h"
#include "modules/AsyncioInternal.h"
#include "weft/rt/wrt_api.h"

using namespace weft::rt;

namespace {

struct InputWait {
  EventLoop *loop;
  int (*onReadable)(void *);
  void *ctx;
};

int stdinReady(void *a, void *) {
  auto *w = static_cast<InputWait *>(a);
  if (w->onReadable(w->ctx)) w->loop->stop();
  return 0;
}

} // namespace

extern "C" {

/// Runs the current event loop until [onReadable](ctx), called whenever [fd]
/// is readable, returns non-zero. Returns 0, or -1 when the loop cannot watch
/// [fd] (the caller then reads with a blocking call). An exception escaping a
/// callback meanwhile is reported and the wait goes on.
int wrt_repl_wait_readable(int fd, int (*onReadable)(void *), void *ctx) {
  WValue loopObj = currentLoopObj();
  if (loopObj.tag == WT_ERR) {
    errClear();
    return -1;
  }
  EventLoop *loop = loopOf(loopObj);
  if (loop->isClosed() || loop->isRunning() || !loop->selector()) return -1;
  static InputWait wait; // static: the selector's table holds its address
  wait = {loop, onReadable, ctx};
  if (loop->selector()->addReader(fd, &stdinReady, &wait, nullptr) != 0) return -1;
  int rc = 0;
  for (;;) {
    RunStatus st = loop->runForever();
    flushStdout();
    if (st == RunStatus::Ok) break;
    if (st == RunStatus::Fatal) {
      printException(errFetch());
      continue;
    }
    rc = -1;
    break;
  }
  loop->selector()->removeReader(fd);
  return rc;
}

} // extern "C"
