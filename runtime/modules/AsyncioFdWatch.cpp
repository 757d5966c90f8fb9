// AsyncioFdWatch.cpp: loop.add_reader/remove_reader and add_writer/
// remove_writer, asyncio's low-level watching of a file descriptor. The
// callback becomes a Handle that the epoll selector queues each time the
// descriptor is ready, until it is removed (a new add replaces it), as in
// CPython's selector event loop. The selector's table is scanned by the
// collector, so it keeps the handle alive.
#include "modules/AsyncioInternal.h"

#include "core/Text.h"
#include "io/Selector.h"
#include "task/Errors.h"

namespace weft::rt {

namespace {

/// The descriptor of [v]: an int, or an object with fileno().
bool fdOf(WValue obj, int &fd) {
  WValue v = obj;
  if (!isIntLike(v)) {
    v = callMethod(obj, "fileno", 0, nullptr);
    if (v.tag == WT_ERR) {
      errClear();
      raiseFormat(T.ValueError, "Invalid file object: %s", reprString(obj).c_str());
      return false;
    }
  }
  if (!isIntLike(v) || v.i < 0) {
    raiseFormat(T.ValueError, "Invalid file descriptor: %s", reprString(v).c_str());
    return false;
  }
  fd = int(v.i);
  return true;
}

WValue addWatch(WValue *a, bool writer) {
  EventLoop *loop = loopOf(a[0]);
  if (loop->isClosed()) return raise(T.RuntimeError, "Event loop is closed");
  int fd;
  if (!fdOf(a[1], fd)) return wrt_errv();
  Handle *h = newWeftHandle(loop, AT.handle, a[2], a[3]);
  Selector *sel = loop->selector();
  int err = writer ? sel->addWriter(fd, &EventLoop::runHandle, h, nullptr)
                   : sel->addReader(fd, &EventLoop::runHandle, h, nullptr);
  if (err) return raiseOSError(err);
  return wrt_none();
}

WValue removeWatch(WValue *a, bool writer) {
  EventLoop *loop = loopOf(a[0]);
  if (loop->isClosed()) return wrt_bool(0);
  int fd;
  if (!fdOf(a[1], fd)) return wrt_errv();
  Selector *sel = loop->selector();
  return wrt_bool(writer ? sel->removeWriter(fd) : sel->removeReader(fd));
}

WValue loopAddReader(WNativeFunc *, WValue *a) { return addWatch(a, false); }
WValue loopAddWriter(WNativeFunc *, WValue *a) { return addWatch(a, true); }
WValue loopRemoveReader(WNativeFunc *, WValue *a) { return removeWatch(a, false); }
WValue loopRemoveWriter(WNativeFunc *, WValue *a) { return removeWatch(a, true); }

} // namespace

void addFdWatchApi(WTypeObj *loopType) {
  addMethod(loopType, "add_reader", loopAddReader, "self, fd, callback, /, *args");
  addMethod(loopType, "add_writer", loopAddWriter, "self, fd, callback, /, *args");
  addMethod(loopType, "remove_reader", loopRemoveReader, "self, fd, /");
  addMethod(loopType, "remove_writer", loopRemoveWriter, "self, fd, /");
}

} // namespace weft::rt
