// AsyncioStreamsApi.cpp: asyncio streams in C++ on the loop's epoll selector
// (CPython's asyncio/streams.py over _SelectorSocketTransport, flattened):
// the stream types, their methods, and the module entries open_connection,
// start_server, loop.create_server and loop.create_connection. The parts
// live beside it (io/StreamsInternal.h lists them).
#include "io/StreamsInternal.h"

#include "core/Text.h"
#include "io/Resolve.h"
#include "io/SocketObject.h"
#include "modules/AsyncioInternal.h"
#include "task/CallCoro.h"

namespace weft::rt {

namespace streams {

WTypeObj *readerType, *writerType, *serverType, *socketType, *transportType, *connectType, *listenType;
WTypeObj *incompleteReadError, *limitOverrunError;

namespace {

// ---------------------------------------------------------------- types

WValue incompleteCtor(WNativeFunc *, WValue *a) {
  if (!isKind(a[0], Kind::Bytes)) return raiseTypeError("partial must be bytes");
  return wrt_obj(newIncompleteRead(a[0], a[1]));
}

WValue limitOverrunCtor(WNativeFunc *, WValue *a) {
  WObj *e = newException(limitOverrunError, &asTuple(newTupleFrom(1, a))->hdr).o;
  excSetAttr(e, "consumed", a[1]);
  return wrt_obj(e);
}

void initTypes() {
  if (readerType) return;
  readerType = newType("StreamReader", T.object, Kind::Other, "asyncio.streams");
  writerType = newType("StreamWriter", T.object, Kind::Other, "asyncio.streams");
  serverType = newType("Server", T.object, Kind::Other, "asyncio.base_events");
  socketType = newType("TransportSocket", T.object, Kind::Other, "asyncio.trsock");
  transportType = newType("_SelectorSocketTransport", T.object, Kind::Other, "asyncio.selector_events");
  connectType = newType("_Connect", T.object, Kind::Other, "asyncio");
  listenType = newType("_Listen", T.object, Kind::Other, "asyncio");
  incompleteReadError = newType("IncompleteReadError", T.EOFError, Kind::Exception, "asyncio.exceptions");
  incompleteReadError->flags |= TYPE_EXCEPTION;
  limitOverrunError = newType("LimitOverrunError", T.Exception, Kind::Exception, "asyncio.exceptions");
  limitOverrunError->flags |= TYPE_EXCEPTION;
  incompleteReadError->ctor = makeNative("IncompleteReadError", incompleteCtor, "partial, expected");
  limitOverrunError->ctor = makeNative("LimitOverrunError", limitOverrunCtor, "message, consumed");
  addReaderWriterMethods();
  addServerMethods();
  addTransportMethods();
}

// CPython's are coroutines: create_task(open_connection(...)) must work.
WEFT_CORO_ENTRY(openConnectionCoro, openConnection, "open_connection", 4)
WEFT_CORO_ENTRY(startServerCoro, startServer, "start_server", 7)
WEFT_CORO_ENTRY(loopCreateServerCoro, loopCreateServer, "create_server", 7)
WEFT_CORO_ENTRY(loopCreateConnectionCoro, loopCreateConnection, "create_connection", 5)
WEFT_CORO_ENTRY(openUnixConnectionCoro, openUnixConnection, "open_unix_connection", 3)
WEFT_CORO_ENTRY(startUnixServerCoro, startUnixServer, "start_unix_server", 6)
WEFT_CORO_ENTRY(loopCreateUnixServerCoro, loopCreateUnixServer, "create_unix_server", 6)
WEFT_CORO_ENTRY(loopCreateUnixConnectionCoro, loopCreateUnixConnection, "create_unix_connection", 4)

} // namespace

} // namespace streams

using namespace streams;

WValue streamForFd(EventLoop *loop, int fd, WValue limitValue, bool reading) {
  int64_t limit;
  if (!limitArg(limitValue, limit)) return wrt_errv();
  Transport *tr = newTransport(loop, fd);
  if (!reading) return newWriterObj(tr, nullptr);
  WValue rv = newReaderObj(limit);
  Reader *r = asReader(rv);
  r->tr = tr;
  tr->reader = r;
  tr->closeOnEof = true;
  startReading(tr);
  return rv;
}

void addStreamsApi(WValue m) {
  initTypes();
  moduleSet(m, "open_connection",
            makeNative("open_connection", openConnectionCoro, "host=None, port=None, *, limit=?, **kwds"));
  moduleSet(m, "start_server",
            makeNative("start_server", startServerCoro,
                       "client_connected_cb, host=None, port=None, *, limit=?, backlog=100, start_serving=?, **kwds"));
  moduleSet(m, "StreamReader", wrt_obj(readerType));
  moduleSet(m, "StreamWriter", wrt_obj(writerType));
  moduleSet(m, "Server", wrt_obj(serverType));
  moduleSet(m, "IncompleteReadError", wrt_obj(incompleteReadError));
  moduleSet(m, "LimitOverrunError", wrt_obj(limitOverrunError));
  addMethod(AT.loop, "create_server", loopCreateServerCoro,
            "self, protocol_factory, host=None, port=None, *, backlog=100, start_serving=?, **kwds");
  addMethod(AT.loop, "create_connection", loopCreateConnectionCoro,
            "self, protocol_factory, host=None, port=None, **kwds");
  moduleSet(m, "open_unix_connection",
            makeNative("open_unix_connection", openUnixConnectionCoro, "path=None, *, limit=?, **kwds"));
  moduleSet(m, "start_unix_server",
            makeNative("start_unix_server", startUnixServerCoro,
                       "client_connected_cb, path=None, *, limit=?, backlog=100, start_serving=?, **kwds"));
  addMethod(AT.loop, "create_unix_server", loopCreateUnixServerCoro,
            "self, protocol_factory, path=None, *, backlog=100, start_serving=?, **kwds");
  addMethod(AT.loop, "create_unix_connection", loopCreateUnixConnectionCoro,
            "self, protocol_factory, path=None, **kwds");
  addResolveApi(AT.loop);
  addDatagramApi(AT.loop);
  addSockMethods(AT.loop);
}

} // namespace weft::rt
