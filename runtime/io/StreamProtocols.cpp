// StreamProtocols.cpp: the Protocol side of the transport
// (loop.create_server / create_connection).
#include "io/StreamsInternal.h"

#include "core/Text.h"
#include "io/Resolve.h"
#include "modules/AsyncioInternal.h"
#include "task/Await.h"
#include "task/Errors.h"

#include <gc/gc.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace weft::rt::streams {

// ---------------------------------------------------------------- protocols
// loop.create_server / create_connection: the same transport, delivering to
// a Protocol's callbacks instead of a StreamReader, as CPython's
// _SelectorSocketTransport does: connection_made, then data_received per
// read, eof_received at EOF (a falsy result closes the transport),
// connection_lost(exc) once it is gone. A callback that raises is a fatal
// error of the transport: logged, and the connection closed.


/// protocol.<name>(*argv) into [result]; false (connection closed, or ERR
/// pending for KeyboardInterrupt/SystemExit, reported by [fatal]) if it raised.
bool callProtocol(Transport *tr, const char *name, int64_t argc, WValue *argv, WValue &result, bool &fatal) {
  fatal = false;
  result = callMethod(tr->protocol, name, argc, argv);
  if (result.tag != WT_ERR) return true;
  WObj *exc = fetchError();
  if (isFatalException(exc)) {
    restoreError(exc);
    fatal = true;
    return false;
  }
  logLoopError(tr->loop, std::string("Fatal error: protocol.") + name + "() call failed.",
               "protocol: " + reprString(tr->protocol) + "\ntransport: " + reprString(wrt_obj(tr)), exc, "protocol",
               tr->protocol);
  connectionLost(tr, exc);
  return false;
}

int onReadableProtocol(Transport *tr) {
  if (tr->lost) return 0;
  static thread_local char buf[kRecvChunk];
  int64_t total = 0;
  WValue r;
  bool fatal;
  while (total < kMaxReadPerWake && !tr->lost && tr->reading) {
    ssize_t k = recv(tr->fd, buf, sizeof buf, 0);
    if (k < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      fatalError(tr, errno);
      return 0;
    }
    if (k == 0) {
      stopReading(tr);
      if (!callProtocol(tr, "eof_received", 0, nullptr, r, fatal)) return fatal ? -1 : 0;
      if (truthy(r) != 1) transportClose(tr);
      return 0;
    }
    WValue data = newBytes(std::string_view(buf, size_t(k)));
    if (!callProtocol(tr, "data_received", 1, &data, r, fatal)) return fatal ? -1 : 0;
    total += k;
    if (k < int64_t(sizeof buf)) break;  // drained
  }
  return 0;
}

/// The first step of a protocol connection, one iteration after it was made.
int protocolStart(void *a, void *) {
  Transport *tr = static_cast<Transport *>(a);
  if (tr->lost) return 0;
  WValue self = wrt_obj(tr), r;
  bool fatal;
  if (!callProtocol(tr, "connection_made", 1, &self, r, fatal)) return fatal ? -1 : 0;
  if (!tr->readingPaused) startReading(tr);
  return 0;
}

WValue finishProtocolConnection(EventLoop *loop, int fd, WValue factory, ServerObj *server) {
  WValue protocol = call(factory, 0, nullptr);
  if (protocol.tag == WT_ERR) {
    close(fd);
    return protocol;
  }
  Transport *tr = newTransport(loop, fd);
  tr->protocol = protocol;
  tr->server = server;
  loop->callSoon(&protocolStart, tr, nullptr);
  WValue items[2] = {wrt_obj(tr), protocol};
  return newTupleFrom(2, items);
}

WValue trWrite(WNativeFunc *, WValue *a) { return writeBytes(asTransport(a[0]), a[1]); }
WValue trWritelines(WNativeFunc *, WValue *a) {
  WValue l = listFromIterable(a[1]);
  if (l.tag == WT_ERR) return l;
  for (int64_t i = 0; i < asList(l)->size; i++)
    if (writeBytes(asTransport(a[0]), asList(l)->items[i]).tag == WT_ERR) return wrt_errv();
  return wrt_none();
}
WValue trClose(WNativeFunc *, WValue *a) {
  transportClose(asTransport(a[0]));
  return wrt_none();
}
WValue trAbort(WNativeFunc *, WValue *a) {
  connectionLost(asTransport(a[0]), nullptr);
  return wrt_none();
}
WValue trIsClosing(WNativeFunc *, WValue *a) { return wrt_bool(asTransport(a[0])->closing || asTransport(a[0])->lost); }
WValue trGetExtraInfo(WNativeFunc *, WValue *a) { return extraInfo(asTransport(a[0]), a[1], a[2]); }
WValue trPauseReading(WNativeFunc *, WValue *a) {
  Transport *tr = asTransport(a[0]);
  tr->readingPaused = true;
  stopReading(tr);
  return wrt_none();
}
WValue trResumeReading(WNativeFunc *, WValue *a) {
  Transport *tr = asTransport(a[0]);
  if (!tr->readingPaused) return wrt_none();
  tr->readingPaused = false;
  startReading(tr);
  return wrt_none();
}
WValue trIsReading(WNativeFunc *, WValue *a) {
  Transport *tr = asTransport(a[0]);
  return wrt_bool(!tr->readingPaused && !tr->closing && !tr->lost);
}
WValue trWriteEof(WNativeFunc *, WValue *a) {
  writeEof(asTransport(a[0]));
  return wrt_none();
}
WValue trCanWriteEof(WNativeFunc *, WValue *) { return wrt_bool(true); }
WValue trWriteBufferSize(WNativeFunc *, WValue *a) { return wrt_int(asTransport(a[0])->wbuf.size()); }
WValue trGetProtocol(WNativeFunc *, WValue *a) { return asTransport(a[0])->protocol; }
WValue trRepr(WNativeFunc *, WValue *a) {
  Transport *tr = asTransport(a[0]);
  std::string s = "<_SelectorSocketTransport";
  s += tr->lost ? " closed" : tr->closing ? " closing" : "";
  if (!tr->lost) s += " fd=" + std::to_string(tr->fd);
  return newStr(s + ">");
}

/// loop.create_server(protocol_factory, host, port, *, backlog, start_serving).
WValue loopCreateServer(WNativeFunc *, WValue *a) {
  if (!isCallable(a[1])) return raise(T.TypeError, "protocol_factory must be callable");
  StreamOptions opt;
  if (!streamOptions(a[6], "BaseEventLoop.create_server", true, opt)) return wrt_errv();
  return listenOn(wrt_none(), a[2], a[3], kDefaultLimit, a[4], a[5], a[1], opt);
}

/// loop.create_connection(protocol_factory, host, port): (transport, protocol).
WValue loopCreateConnection(WNativeFunc *, WValue *a) {
  if (!isCallable(a[1])) return raise(T.TypeError, "protocol_factory must be callable");
  StreamOptions opt;
  if (!streamOptions(a[4], "BaseEventLoop.create_connection", false, opt)) return wrt_errv();
  return connectTo(a[2], a[3], kDefaultLimit, a[1], opt);
}

/// loop.create_unix_server(protocol_factory, path, *, backlog, start_serving).
WValue loopCreateUnixServer(WNativeFunc *, WValue *a) {
  if (!isCallable(a[1])) return raise(T.TypeError, "protocol_factory must be callable");
  StreamOptions opt;
  if (!streamOptions(a[5], "_UnixSelectorEventLoop.create_unix_server", true, opt)) return wrt_errv();
  return listenOnUnix(wrt_none(), a[2], kDefaultLimit, a[3], a[4], a[1], opt);
}

/// loop.create_unix_connection(protocol_factory, path): (transport, protocol).
WValue loopCreateUnixConnection(WNativeFunc *, WValue *a) {
  if (!isCallable(a[1])) return raise(T.TypeError, "protocol_factory must be callable");
  StreamOptions opt;
  if (!streamOptions(a[3], "_UnixSelectorEventLoop.create_unix_connection", false, opt)) return wrt_errv();
  return connectToUnix(a[2], kDefaultLimit, a[1], opt);
}


/// The methods of the protocols' transport (the type exists).
void addTransportMethods() {
  addMethod(transportType, "write", trWrite, "self, data, /");
  addMethod(transportType, "writelines", trWritelines, "self, list_of_data, /");
  addMethod(transportType, "close", trClose, "self, /");
  addMethod(transportType, "abort", trAbort, "self, /");
  addMethod(transportType, "is_closing", trIsClosing, "self, /");
  addMethod(transportType, "get_extra_info", trGetExtraInfo, "self, name, default=?, /");
  addMethod(transportType, "pause_reading", trPauseReading, "self, /");
  addMethod(transportType, "resume_reading", trResumeReading, "self, /");
  addMethod(transportType, "is_reading", trIsReading, "self, /");
  addMethod(transportType, "write_eof", trWriteEof, "self, /");
  addMethod(transportType, "can_write_eof", trCanWriteEof, "self, /");
  addMethod(transportType, "get_write_buffer_size", trWriteBufferSize, "self, /");
  addMethod(transportType, "get_protocol", trGetProtocol, "self, /");
  addMethod(transportType, "__repr__", trRepr, "self, /");
}
} // namespace weft::rt::streams
