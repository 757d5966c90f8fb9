// StreamsInternal.h: what the files of asyncio's streams share: the socket
// transport under streams and protocols (StreamTransport.cpp), the
// StreamReader and StreamWriter (StreamReaderWriter.cpp), connecting
// (StreamConnect.cpp), servers (StreamServer.cpp), the Protocol side
// (StreamProtocols.cpp), and the types with the module entries
// (AsyncioStreamsApi.cpp).
//
// Every awaitable method returns an asyncio Future: done at once when the
// buffer already satisfies the call, else pending until the selector callback
// brings enough data (or EOF / an error). A cancelled waiter simply drops the
// pending operation; the data stays buffered, as in CPython.
//
// GC: the selector's fd table (scanned) holds the transport/server pointers
// while an fd is registered; epoll itself only carries fd numbers. Buffers
// are GC_MALLOC_ATOMIC arrays referenced from the (scanned) objects.
#ifndef WEFT_RT_IO_STREAMSINTERNAL_H
#define WEFT_RT_IO_STREAMSINTERNAL_H

#include "core/Object.h"
#include "loop/EventLoop.h"
#include "loop/Handle.h"
#include "task/Future.h"

#include <string>

struct sockaddr;

namespace weft::rt {
struct SocketObj;  // io/SocketObject.h
}

namespace weft::rt::streams {

constexpr int64_t kDefaultLimit = 1 << 16;     // streams._DEFAULT_LIMIT
constexpr int64_t kHighWater = 64 * 1024;      // transport write buffer limits
constexpr int64_t kLowWater = 16 * 1024;
constexpr int64_t kRecvChunk = 64 * 1024;
constexpr int64_t kMaxReadPerWake = 256 * 1024; // fairness: bounded read per wake-up
constexpr int kAcceptBacklogBatch = 100;

extern WTypeObj *readerType, *writerType, *serverType, *socketType, *transportType, *connectType, *listenType;
extern WTypeObj *incompleteReadError, *limitOverrunError;

// ---------------------------------------------------------------- byte buffer

struct Buf {
  char *data;
  int64_t start, end, cap;
  int64_t size() const { return end - start; }
  const char *begin() const { return data + start; }
};

void bufReserve(Buf &b, int64_t extra);
void bufAppend(Buf &b, const char *p, int64_t n);
void bufConsume(Buf &b, int64_t n);
WValue bufTake(Buf &b, int64_t n);

// ---------------------------------------------------------------- objects

struct Reader;
struct ServerObj;

struct Transport {
  WObj hdr;
  EventLoop *loop;
  int fd;
  bool closing, lost, eofPending, eofSent, reading, writing;
  bool closeOnEof;      ///< a subprocess's output pipe: nothing to write, so EOF ends it
  bool readingPaused;   ///< pause_reading() (protocol mode)
  bool writingPaused;   ///< the protocol was told pause_writing() (buffer over the high mark)
  WValue protocol;      ///< loop.create_server/create_connection: the Protocol; UNBOUND for streams
  Reader *reader;
  Buf wbuf;
  Future *drainWaiter;
  Future *closedFut;
  WObj *lostExc;        ///< the exception the connection was lost with, or null
  WValue sockname, peername, sock;
  ServerObj *server;    ///< the server that accepted it (active count), or null
};

enum class Op : uint8_t { None, Read, ReadLine, ReadExactly, ReadUntil, ANext };

struct Reader {
  WObj hdr;
  Transport *tr;
  Buf buf;
  int64_t limit;
  bool eof;
  WObj *exception;
  Future *waiter;
  Op op;
  int64_t n;
  WValue sep;
};

struct Writer {
  WObj hdr;
  Transport *tr;
  Reader *reader;
};

struct SockObj {
  WObj hdr;
  int fd;
  int family;
  WValue sockname;
};

struct ServerObj {
  WObj hdr;
  EventLoop *loop;
  int fd;
  bool closed, serving, paused;
  int64_t limit;
  int64_t active;
  WValue cb;
  WValue sock;
  Future *serveForever;
  WValue waiters;       ///< list of futures from wait_closed
  Handle *backoff;
  WValue protocolFactory; ///< loop.create_server's factory; UNBOUND for start_server
};

// Shared helpers (StreamTransport.cpp).
WValue socknameOf(int fd);
WValue peernameOf(int fd);
/// A TransportSocket for [fd].
WValue newSock(int fd, int family);
/// OSError subclass for [err] with args (errno, msg), as CPython's
/// OSError(err, msg) constructor picks it.
WObj *osErrorWith(int err, const std::string &msg);
WObj *excMsg(WTypeObj *t, const char *msg);
void excSetAttr(WObj *e, const char *name, WValue v);
WObj *newIncompleteRead(WValue partial, WValue expected);
WObj *newLimitOverrun(const char *msg, int64_t consumed);
Future *doneFuture(EventLoop *loop, WValue v);
Future *pendingFuture(EventLoop *loop);
void failFuture(Future *f, WObj *exc);
EventLoop *runningLoop();
/// A type check of a method's self; false with TypeError pending.
bool checkSelf(WValue v, WTypeObj *t);
/// A `limit=` argument (UNBOUND: the default); false with an error pending.
bool limitArg(WValue v, int64_t &out);

// The transport (StreamTransport.cpp).
Transport *newTransport(EventLoop *loop, int fd);
void startReading(Transport *tr);
void stopReading(Transport *tr);
void transportWrite(Transport *tr, const char *p, int64_t n);
void transportClose(Transport *tr);
void writeEof(Transport *tr);
/// _force_close / _call_connection_lost: unregister, close the fd, tell the
/// reader, the drain waiter and wait_closed.
void connectionLost(Transport *tr, WObj *exc);
/// A socket error [err]: the connection is lost with its OSError.
void fatalError(Transport *tr, int err);
/// transport.write(data) and StreamWriter.write(data).
WValue writeBytes(Transport *tr, WValue data);
/// get_extra_info(name, default) of either side.
WValue extraInfo(Transport *tr, WValue name, WValue dflt);

// Streams (StreamReaderWriter.cpp).
WValue newReaderObj(int64_t limit);
WValue newWriterObj(Transport *tr, Reader *r);
/// Data, EOF or an error arrived: retry the pending operation.
void readerWake(Reader *r);
/// repr(TransportSocket), as a native method.
WValue sockRepr(WNativeFunc *, WValue *a);
inline Reader *asReader(WValue v) { return reinterpret_cast<Reader *>(v.o); }
inline Writer *asWriter(WValue v) { return reinterpret_cast<Writer *>(v.o); }
inline ServerObj *asServer(WValue v) { return reinterpret_cast<ServerObj *>(v.o); }
inline Transport *asTransport(WValue v) { return reinterpret_cast<Transport *>(v.o); }

// Keyword options (StreamOptions.cpp).
struct StreamOptions {
  SocketObj *sock = nullptr;  ///< sock=: an existing socket to use
  int family = 0, proto = 0, flags = 0;
  WValue localAddr = wrt_none();     ///< local_addr= of a connection
  bool reusePort = false;            ///< reuse_port= of a server
};
/// Reads [kwds] (a dict, or anything else for none) of the entry point
/// [fn]; false with TypeError (unknown keyword) or NotImplementedError
/// (TLS) pending.
bool streamOptions(WValue kwds, const char *fn, bool server, StreamOptions &out);
/// Takes over the descriptor of a sock= socket: non-blocking, and no longer
/// the socket object's to close.
int adoptSocket(SocketObj *s);

// Connections and servers (StreamConnect.cpp, StreamServer.cpp).
/// repr of an address for error texts: ('127.0.0.1', 80) or ('::1', 80, 0, 0).
std::string addrText(const sockaddr *sa);
/// The new connection on [fd]: a (reader, writer) pair, or with a
/// [factory] (not UNBOUND) a protocol's (transport, protocol).
WValue finishConnection(EventLoop *loop, int fd, int64_t limit, ServerObj *server);
WValue finishProtocolConnection(EventLoop *loop, int fd, WValue factory, ServerObj *server);
/// A future for the connection to (host, port); see StreamConnect.cpp.
WValue connectTo(WValue host, WValue port, int64_t limit, WValue factory, const StreamOptions &opt);
/// A future for a listening Server; see StreamServer.cpp.
WValue listenOn(WValue cb, WValue host, WValue port, int64_t limit, WValue backlogArg, WValue startServing,
                WValue factory, const StreamOptions &opt);
/// The same for Unix sockets at [path].
WValue connectToUnix(WValue path, int64_t limit, WValue factory, const StreamOptions &opt);
WValue listenOnUnix(WValue cb, WValue path, int64_t limit, WValue backlogArg, WValue startServing, WValue factory,
                    const StreamOptions &opt);
void serverDetach(ServerObj *s);

// The module entries (each file's), wrapped as coroutines by AsyncioStreamsApi.cpp.
WValue openConnection(WNativeFunc *, WValue *a);
WValue startServer(WNativeFunc *, WValue *a);
WValue loopCreateServer(WNativeFunc *, WValue *a);
WValue loopCreateConnection(WNativeFunc *, WValue *a);
WValue openUnixConnection(WNativeFunc *, WValue *a);
WValue startUnixServer(WNativeFunc *, WValue *a);
WValue loopCreateUnixServer(WNativeFunc *, WValue *a);
WValue loopCreateUnixConnection(WNativeFunc *, WValue *a);

// Method tables, filled by initTypes once the types exist.
void addReaderWriterMethods();
void addServerMethods();
void addTransportMethods();

} // namespace weft::rt::streams

#endif
