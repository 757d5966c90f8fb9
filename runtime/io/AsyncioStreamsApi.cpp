// AsyncioStreamsApi.cpp: asyncio streams in C++ on the loop's epoll selector
// (CPython's asyncio/streams.py over _SelectorSocketTransport, flattened):
// open_connection, start_server -> Server, StreamReader, StreamWriter.
//
// Every awaitable method returns an asyncio Future: done at once when the
// buffer already satisfies the call, else pending until the selector callback
// brings enough data (or EOF / an error). A cancelled waiter simply drops the
// pending operation; the data stays buffered, as in CPython.
//
// GC: the selector's fd table (scanned) holds the transport/server pointers
// while an fd is registered; epoll itself only carries fd numbers. Buffers
// are GC_MALLOC_ATOMIC arrays referenced from the (scanned) objects.
#include "core/Object.h"
#include "core/Text.h"
#include "modules/AsyncioInternal.h"
#include "task/Await.h"
#include "task/Errors.h"
#include "task/Future.h"
#include "io/Resolve.h"
#include "task/CallCoro.h"

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

namespace weft::rt {

namespace {

constexpr int64_t kDefaultLimit = 1 << 16;     // streams._DEFAULT_LIMIT
constexpr int64_t kHighWater = 64 * 1024;      // transport write buffer limits
constexpr int64_t kLowWater = 16 * 1024;
constexpr int64_t kRecvChunk = 64 * 1024;
constexpr int64_t kMaxReadPerWake = 256 * 1024; // fairness: bounded read per wake-up
constexpr int kAcceptBacklogBatch = 100;

WTypeObj *readerType, *writerType, *serverType, *socketType, *transportType;
WTypeObj *incompleteReadError, *limitOverrunError;

// ---------------------------------------------------------------- byte buffer

struct Buf {
  char *data;
  int64_t start, end, cap;
  int64_t size() const { return end - start; }
  const char *begin() const { return data + start; }
};

void bufReserve(Buf &b, int64_t extra) {
  if (b.end + extra <= b.cap) return;
  int64_t live = b.size();
  if (live + extra <= b.cap && b.start > 0) {
    memmove(b.data, b.data + b.start, live);
    b.start = 0;
    b.end = live;
    return;
  }
  int64_t ncap = b.cap ? b.cap : 1024;
  while (ncap < live + extra) ncap *= 2;
  char *nd = static_cast<char *>(GC_MALLOC_ATOMIC(ncap));
  if (live) memcpy(nd, b.data + b.start, live);
  b.data = nd;
  b.start = 0;
  b.end = live;
  b.cap = ncap;
}

void bufAppend(Buf &b, const char *p, int64_t n) {
  bufReserve(b, n);
  memcpy(b.data + b.end, p, n);
  b.end += n;
}

void bufConsume(Buf &b, int64_t n) {
  b.start += n;
  if (b.start == b.end) b.start = b.end = 0;
}

WValue bufTake(Buf &b, int64_t n) {
  WValue r = newBytes(std::string_view(b.begin(), n));
  bufConsume(b, n);
  return r;
}

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

// ---------------------------------------------------------------- helpers

WValue socknameOf(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0) return wrt_none();
  return addrTuple(ss, len);
}

WValue peernameOf(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0) return wrt_none();
  return addrTuple(ss, len);
}

WValue newSock(int fd, int family) {
  auto *s = newObj<SockObj>(socketType);
  s->fd = fd;
  s->family = family;
  s->sockname = socknameOf(fd);
  return wrt_obj(s);
}

/// OSError subclass for [err] with args (errno, msg), as CPython's
/// OSError(err, msg) constructor picks it.
WObj *osErrorWith(int err, const std::string &msg) {
  WValue proto = newOSError(err);
  WTypeObj *t = typeOf(proto);
  WValue items[2] = {wrt_int(err), newStr(msg)};
  WValue args = newTupleFrom(2, items);
  return newException(t, args.o).o;
}

WObj *excMsg(WTypeObj *t, const char *msg) { return newExceptionMsg(t, msg).o; }

void excSetAttr(WObj *e, const char *name, WValue v) {
  WException *x = reinterpret_cast<WException *>(e);
  if (!x->attrs) x->attrs = asDict(newDict());
  dictSetStr(x->attrs, internStr(name), v);
}

WObj *newIncompleteRead(WValue partial, WValue expected) {
  std::string msg = std::to_string(reinterpret_cast<WBytes *>(partial.o)->size) +
                    " bytes read on a total of " +
                    (expected.tag == WT_INT ? std::to_string(expected.i) : std::string("None")) +
                    " expected bytes";
  WObj *e = excMsg(incompleteReadError, msg.c_str());
  excSetAttr(e, "partial", partial);
  excSetAttr(e, "expected", expected);
  return e;
}

WObj *newLimitOverrun(const char *msg, int64_t consumed) {
  WValue items[2] = {newStr(msg), wrt_int(consumed)};
  WObj *e = newException(limitOverrunError, &asTuple(newTupleFrom(2, items))->hdr).o;
  excSetAttr(e, "consumed", wrt_int(consumed));
  return e;
}

Future *doneFuture(EventLoop *loop, WValue v) {
  Future *f = newFuture(loop);
  if (AT.future) f->hdr.type = AT.future;
  futureSetResult(f, v);
  return f;
}

Future *pendingFuture(EventLoop *loop) {
  Future *f = newFuture(loop);
  if (AT.future) f->hdr.type = AT.future;
  return f;
}

void failFuture(Future *f, WObj *exc) {
  if (isDone(f)) return;
  futureSetExceptionRaw(f, exc);
}

// ---------------------------------------------------------------- transport

int onReadable(void *a, void *);
int onWritable(void *a, void *);
void readerWake(Reader *r);
void serverDetach(ServerObj *s);

void startReading(Transport *tr) {
  if (tr->reading || tr->closing || tr->lost) return;
  if (tr->loop->selector()->addReader(tr->fd, &onReadable, tr, nullptr) == 0) tr->reading = true;
}

void stopReading(Transport *tr) {
  if (!tr->reading) return;
  tr->loop->selector()->removeReader(tr->fd);
  tr->reading = false;
}

int connectionLostCb(void *a, void *);

/// _force_close / _call_connection_lost: unregister, close the fd, tell the
/// reader, the drain waiter and wait_closed.
void connectionLost(Transport *tr, WObj *exc) {
  if (tr->lost) return;
  tr->lost = true;
  tr->closing = true;
  tr->lostExc = exc;
  stopReading(tr);
  if (tr->writing) {
    tr->loop->selector()->removeWriter(tr->fd);
    tr->writing = false;
  }
  tr->wbuf = Buf{};
  if (tr->fd >= 0) {
    close(tr->fd);
    tr->fd = -1;
  }
  if (Reader *r = tr->reader) {
    if (exc) r->exception = exc;
    else r->eof = true;
    readerWake(r);
  }
  if (tr->drainWaiter && !isDone(tr->drainWaiter)) {
    failFuture(tr->drainWaiter, exc ? exc : excMsg(T.ConnectionResetError, "Connection lost"));
    markRetrieved(tr->drainWaiter);
  }
  if (!isDone(tr->closedFut)) {
    if (exc) {
      futureSetExceptionRaw(tr->closedFut, exc);
      markRetrieved(tr->closedFut);
    } else {
      futureSetResult(tr->closedFut, wrt_none());
    }
  }
  if (tr->protocol.tag != WT_UNBOUND) {
    // protocol.connection_lost(exc) runs from the loop, as CPython's
    // _call_connection_lost does.
    WValue args = newTupleOf({exc ? wrt_obj(exc) : wrt_none()});
    WValue cb = getAttrStr(tr->protocol, "connection_lost");
    if (cb.tag == WT_ERR) errClear();
    else tr->loop->callSoonHandle(newWeftHandle(tr->loop, AT.handle, cb, args));
  }
  if (tr->server) {
    ServerObj *s = tr->server;
    tr->server = nullptr;
    serverDetach(s);
  }
}

int connectionLostCb(void *a, void *b) {
  connectionLost(static_cast<Transport *>(a), static_cast<WObj *>(b));
  return 0;
}

void fatalError(Transport *tr, int err) {
  WObj *exc = reinterpret_cast<WObj *>(newOSError(err).o);
  connectionLost(tr, exc);
}

/// Tells a protocol to pause_writing()/resume_writing() as the write buffer
/// crosses the high and low marks (CPython's _maybe_pause/_maybe_resume_protocol).
void protocolFlowControl(Transport *tr) {
  if (tr->protocol.tag == WT_UNBOUND || tr->lost) return;
  bool pause = !tr->writingPaused && tr->wbuf.size() > kHighWater;
  bool resume = tr->writingPaused && tr->wbuf.size() <= kLowWater;
  if (!pause && !resume) return;
  tr->writingPaused = pause;
  WValue r = callMethod(tr->protocol, pause ? "pause_writing" : "resume_writing", 0, nullptr);
  if (r.tag == WT_ERR)
    logError(std::string("protocol.") + (pause ? "pause" : "resume") + "_writing() failed", "", fetchError());
}

void maybeWakeDrain(Transport *tr) {
  protocolFlowControl(tr);
  if (tr->drainWaiter && tr->wbuf.size() <= kLowWater) {
    Future *w = tr->drainWaiter;
    tr->drainWaiter = nullptr;
    if (!isDone(w)) futureSetResult(w, wrt_none());
  }
}

void afterBufferEmpty(Transport *tr) {
  if (tr->writing) {
    tr->loop->selector()->removeWriter(tr->fd);
    tr->writing = false;
  }
  maybeWakeDrain(tr);
  // A protocol's resume_writing() may have written again (and closed):
  // then the buffer is not empty any more, and onWritable comes back.
  if (tr->lost || tr->wbuf.size() > 0) return;
  if (tr->closing) {
    connectionLost(tr, nullptr);
    return;
  }
  if (tr->eofPending && !tr->eofSent) {
    shutdown(tr->fd, SHUT_WR);
    tr->eofSent = true;
  }
}

/// Sends as much of the write buffer as the socket takes. false if the
/// connection was lost.
bool flush(Transport *tr) {
  while (tr->wbuf.size() > 0) {
    ssize_t k = send(tr->fd, tr->wbuf.begin(), tr->wbuf.size(), MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      fatalError(tr, errno);
      return false;
    }
    bufConsume(tr->wbuf, k);
  }
  return true;
}

int onWritable(void *a, void *) {
  Transport *tr = static_cast<Transport *>(a);
  if (tr->lost) return 0;
  if (!flush(tr)) return 0;
  if (tr->wbuf.size() == 0) afterBufferEmpty(tr);
  else maybeWakeDrain(tr);
  return 0;
}

void transportWrite(Transport *tr, const char *p, int64_t n) {
  if (n == 0 || tr->lost || tr->closing) return;
  if (tr->wbuf.size() == 0) {
    while (n > 0) {
      ssize_t k = send(tr->fd, p, n, MSG_NOSIGNAL);
      if (k < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        fatalError(tr, errno);
        return;
      }
      p += k;
      n -= k;
    }
    if (n == 0) return;
  }
  bufAppend(tr->wbuf, p, n);
  if (!tr->writing) {
    if (tr->loop->selector()->addWriter(tr->fd, &onWritable, tr, nullptr) == 0) tr->writing = true;
  }
  protocolFlowControl(tr);
}

void transportClose(Transport *tr) {
  if (tr->closing || tr->lost) return;
  tr->closing = true;
  stopReading(tr);
  if (tr->wbuf.size() == 0) tr->loop->callSoon(&connectionLostCb, tr, nullptr);
}

int onReadableProtocol(Transport *tr);

int onReadable(void *a, void *) {
  Transport *tr = static_cast<Transport *>(a);
  if (tr->protocol.tag != WT_UNBOUND) return onReadableProtocol(tr);
  Reader *r = tr->reader;
  if (tr->lost || !r) return 0;
  int64_t total = 0;
  bool got = false;
  while (total < kMaxReadPerWake) {
    bufReserve(r->buf, kRecvChunk);
    ssize_t k = recv(tr->fd, r->buf.data + r->buf.end, r->buf.cap - r->buf.end, 0);
    if (k < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      fatalError(tr, errno);
      return 0;
    }
    if (k == 0) {
      // eof_received: the stream protocol keeps the transport open for
      // writing, unless it has no writing side.
      if (tr->closeOnEof) {
        connectionLost(tr, nullptr);
        return 0;
      }
      stopReading(tr);
      r->eof = true;
      got = true;
      break;
    }
    r->buf.end += k;
    total += k;
    got = true;
    if (k < r->buf.cap - r->buf.end + k) break;  // short read: the socket is drained
  }
  // Flow control: pause when the buffer exceeds twice the limit.
  if (r->buf.size() > 2 * r->limit) stopReading(tr);
  if (got) readerWake(r);
  return 0;
}

Transport *newTransport(EventLoop *loop, int fd) {
  auto *tr = newObj<Transport>(transportType);
  tr->loop = loop;
  tr->fd = fd;
  tr->closedFut = pendingFuture(loop);
  tr->sockname = socknameOf(fd);
  tr->peername = peernameOf(fd);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len);
  tr->sock = newSock(fd, ss.ss_family);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return tr;
}

// ---------------------------------------------------------------- reader ops

/// Tries the pending operation kind [op] on the buffer. 1: done with
/// [out] the result, 2: failed with [exc], 0: needs more data.
int tryOp(Reader *r, Op op, int64_t n, WValue sep, WValue &out, WObj *&exc) {
  if (r->exception) {
    exc = r->exception;
    return 2;
  }
  Buf &b = r->buf;
  switch (op) {
  case Op::Read:
    if (n == 0) { out = newBytes(""); return 1; }
    if (n < 0) {
      if (!r->eof) return 0;
      out = bufTake(b, b.size());
      return 1;
    }
    if (b.size() == 0) {
      if (!r->eof) return 0;
      out = newBytes("");
      return 1;
    }
    out = bufTake(b, n < b.size() ? n : b.size());
    return 1;
  case Op::ReadExactly:
    if (b.size() >= n) { out = bufTake(b, n); return 1; }
    if (!r->eof) return 0;
    exc = newIncompleteRead(bufTake(b, b.size()), wrt_int(n));
    return 2;
  case Op::ReadUntil:
  case Op::ReadLine:
  case Op::ANext: {
    std::string_view s = op == Op::ReadUntil ? std::string_view(reinterpret_cast<WBytes *>(sep.o)->data,
                                                                 reinterpret_cast<WBytes *>(sep.o)->size)
                                             : std::string_view("\n");
    std::string_view hay(b.begin(), b.size());
    size_t pos = hay.find(s);
    WObj *overrun = nullptr;
    int64_t consumed = 0;
    if (pos != std::string_view::npos) {
      if ((int64_t)pos > r->limit) {
        overrun = newLimitOverrun("Separator is found, but chunk is longer than limit", pos);
        consumed = pos;
      } else {
        out = bufTake(b, pos + s.size());
        if (op == Op::ANext && reinterpret_cast<WBytes *>(out.o)->size == 0) {
          exc = excMsg(T.StopAsyncIteration, "");
          return 2;
        }
        return 1;
      }
    } else {
      int64_t offset = (int64_t)hay.size() + 1 - (int64_t)s.size();
      if (offset < 0) offset = 0;
      if (offset > r->limit) {
        overrun = newLimitOverrun("Separator is not found, and chunk exceed the limit", offset);
        consumed = offset;
      } else if (r->eof) {
        WValue partial = bufTake(b, b.size());
        if (op == Op::ReadUntil) {
          exc = newIncompleteRead(partial, wrt_none());
          return 2;
        }
        if (op == Op::ANext && reinterpret_cast<WBytes *>(partial.o)->size == 0) {
          exc = excMsg(T.StopAsyncIteration, "");
          return 2;
        }
        out = partial;
        return 1;
      } else {
        return 0;
      }
    }
    if (op == Op::ReadUntil) {
      exc = overrun;
      return 2;
    }
    // readline: drop the overlong line (or the whole buffer) and raise ValueError.
    std::string_view rest(b.begin() + consumed, b.size() - consumed);
    if (rest.substr(0, s.size()) == s) bufConsume(b, consumed + s.size());
    else b.start = b.end = 0;
    exc = excMsg(T.ValueError, pos != std::string_view::npos
                                   ? "Separator is found, but chunk is longer than limit"
                                   : "Separator is not found, and chunk exceed the limit");
    return 2;
  }
  case Op::None: break;
  }
  return 0;
}

void maybeResume(Reader *r) {
  if (r->tr && !r->tr->reading && !r->eof && !r->tr->closing && !r->tr->lost &&
      r->buf.size() <= r->limit)
    startReading(r->tr);
}

/// Data, EOF or an error arrived: retry the pending operation.
void readerWake(Reader *r) {
  if (r->op == Op::None) return;
  Future *w = r->waiter;
  if (!w || isDone(w)) {  // cancelled meanwhile
    r->op = Op::None;
    r->waiter = nullptr;
    return;
  }
  WValue out = wrt_none();
  WObj *exc = nullptr;
  int st = tryOp(r, r->op, r->n, r->sep, out, exc);
  if (st == 0) {
    // Needs more: make sure we read even above the pause threshold.
    if (r->tr && !r->tr->reading && !r->eof) startReading(r->tr);
    return;
  }
  r->op = Op::None;
  r->waiter = nullptr;
  if (st == 1) futureSetResult(w, out);
  else futureSetExceptionRaw(w, exc);
  maybeResume(r);
}

EventLoop *runningLoop() { return requireRunningLoop(); }

WValue startOp(Reader *r, Op op, int64_t n, WValue sep) {
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  if (r->op != Op::None && r->waiter && !isDone(r->waiter)) {
    const char *what = op == Op::Read ? "read" : op == Op::ReadExactly ? "readexactly" : "readuntil";
    return raiseFormat(T.RuntimeError,
                       "%s() called while another coroutine is already waiting for incoming data", what);
  }
  WValue out = wrt_none();
  WObj *exc = nullptr;
  int st = tryOp(r, op, n, sep, out, exc);
  if (st == 1) {
    maybeResume(r);
    return wrt_obj(doneFuture(loop, out));
  }
  if (st == 2) {
    // A failed future, not a raise: `async for` awaits what __anext__ returns
    // and only catches StopAsyncIteration around the await.
    maybeResume(r);
    Future *f = pendingFuture(loop);
    futureSetExceptionRaw(f, exc);
    return wrt_obj(f);
  }
  r->op = op;
  r->n = n;
  r->sep = sep;
  r->waiter = pendingFuture(loop);
  if (r->tr && !r->tr->reading && !r->eof) startReading(r->tr);
  return wrt_obj(r->waiter);
}

Reader *asReader(WValue v) { return reinterpret_cast<Reader *>(v.o); }
Writer *asWriter(WValue v) { return reinterpret_cast<Writer *>(v.o); }
ServerObj *asServer(WValue v) { return reinterpret_cast<ServerObj *>(v.o); }

bool checkSelf(WValue v, WTypeObj *t) {
  if (isInstance(v, t)) return true;
  raiseFormat(T.TypeError, "descriptor requires a '%s' object but received a '%s'", t->name, typeName(v));
  return false;
}

WValue newReaderObj(int64_t limit) {
  auto *r = newObj<Reader>(readerType);
  r->limit = limit;
  r->sep = wrt_none();
  return wrt_obj(r);
}

bool limitArg(WValue v, int64_t &out) {
  out = kDefaultLimit;
  if (v.tag == WT_UNBOUND || v.tag == WT_NONE) return true;
  if (!isIntLike(v)) {
    raiseTypeError("limit must be an int");
    return false;
  }
  out = v.i;
  if (out <= 0) {
    raise(T.ValueError, "Limit cannot be <= 0");
    return false;
  }
  return true;
}

WValue readerCtor(WNativeFunc *, WValue *a) {
  int64_t limit;
  if (!limitArg(a[0], limit)) return wrt_errv();
  return newReaderObj(limit);
}

WValue readerRead(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  int64_t n = -1;
  if (a[1].tag != WT_UNBOUND && !indexOf(a[1], n, "n")) return wrt_errv();
  return startOp(asReader(a[0]), Op::Read, n, wrt_none());
}

WValue readerReadline(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  return startOp(asReader(a[0]), Op::ReadLine, 0, wrt_none());
}

WValue readerAnext(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  return startOp(asReader(a[0]), Op::ANext, 0, wrt_none());
}

WValue readerAiter(WNativeFunc *, WValue *a) { return a[0]; }

WValue readerReadexactly(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  int64_t n;
  if (!indexOf(a[1], n, "n")) return wrt_errv();
  if (n < 0) return raise(T.ValueError, "readexactly size can not be less than zero");
  return startOp(asReader(a[0]), Op::ReadExactly, n, wrt_none());
}

WValue readerReaduntil(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  WValue sep = a[1].tag == WT_UNBOUND ? newBytes("\n") : a[1];
  if (!isKind(sep, Kind::Bytes)) return raiseTypeError("separator must be bytes, not %s", typeName(sep));
  if (reinterpret_cast<WBytes *>(sep.o)->size == 0)
    return raise(T.ValueError, "Separator should be at least one-byte string");
  return startOp(asReader(a[0]), Op::ReadUntil, 0, sep);
}

WValue readerAtEof(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  Reader *r = asReader(a[0]);
  return wrt_bool(r->eof && r->buf.size() == 0);
}

WValue readerFeedData(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  if (!isKind(a[1], Kind::Bytes)) return raiseTypeError("data must be bytes");
  Reader *r = asReader(a[0]);
  auto *b = reinterpret_cast<WBytes *>(a[1].o);
  if (b->size == 0) return wrt_none();
  bufAppend(r->buf, b->data, b->size);
  readerWake(r);
  return wrt_none();
}

WValue readerFeedEof(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  Reader *r = asReader(a[0]);
  r->eof = true;
  readerWake(r);
  return wrt_none();
}

WValue readerException(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  Reader *r = asReader(a[0]);
  return r->exception ? wrt_obj(r->exception) : wrt_none();
}

WValue readerSetException(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], readerType)) return wrt_errv();
  Reader *r = asReader(a[0]);
  if (!isObj(a[1]) || !isInstance(a[1], T.BaseException)) return raiseTypeError("exception expected");
  r->exception = a[1].o;
  readerWake(r);
  return wrt_none();
}

WValue readerRepr(WNativeFunc *, WValue *a) {
  Reader *r = asReader(a[0]);
  std::string s = "<StreamReader";
  if (r->buf.size()) s += " " + std::to_string(r->buf.size()) + " bytes";
  if (r->eof) s += " eof";
  if (r->limit != kDefaultLimit) s += " limit=" + std::to_string(r->limit);
  if (r->tr) s += " transport=<_SelectorSocketTransport>";
  s += ">";
  return newStr(s);
}

// ---------------------------------------------------------------- writer

WValue newWriterObj(Transport *tr, Reader *r) {
  auto *w = newObj<Writer>(writerType);
  w->tr = tr;
  w->reader = r;
  return wrt_obj(w);
}

/// transport.write(data) and StreamWriter.write(data).
WValue writeBytes(Transport *tr, WValue data) {
  if (!isKind(data, Kind::Bytes))
    return raiseFormat(T.TypeError, "data argument must be a bytes-like object, not '%s'", typeName(data));
  if (tr->eofPending) return raise(T.RuntimeError, "Cannot call write() after write_eof()");
  auto *b = reinterpret_cast<WBytes *>(data.o);
  transportWrite(tr, b->data, b->size);
  return wrt_none();
}

WValue writerWrite(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], writerType)) return wrt_errv();
  return writeBytes(asWriter(a[0])->tr, a[1]);
}

WValue writerWritelines(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], writerType)) return wrt_errv();
  Transport *tr = asWriter(a[0])->tr;
  WValue lst = listFromIterable(a[1]);
  if (lst.tag == WT_ERR) return lst;
  WList *l = asList(lst);
  std::string joined;
  for (int64_t i = 0; i < l->size; ++i) {
    if (!isKind(l->items[i], Kind::Bytes))
      return raiseFormat(T.TypeError, "data argument must be a bytes-like object, not '%s'",
                         typeName(l->items[i]));
    auto *b = reinterpret_cast<WBytes *>(l->items[i].o);
    joined.append(b->data, b->size);
  }
  if (tr->eofPending) return raise(T.RuntimeError, "Cannot call write() after write_eof()");
  transportWrite(tr, joined.data(), joined.size());
  return wrt_none();
}

WValue writerDrain(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], writerType)) return wrt_errv();
  Writer *w = asWriter(a[0]);
  Transport *tr = w->tr;
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  if (w->reader && w->reader->exception) return restoreError(w->reader->exception);
  if (tr->lost) return restoreError(excMsg(T.ConnectionResetError, "Connection lost"));
  if (tr->wbuf.size() <= kHighWater) return wrt_obj(doneFuture(loop, wrt_none()));
  if (!tr->drainWaiter || isDone(tr->drainWaiter)) tr->drainWaiter = pendingFuture(loop);
  return wrt_obj(tr->drainWaiter);
}

WValue writerClose(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], writerType)) return wrt_errv();
  transportClose(asWriter(a[0])->tr);
  return wrt_none();
}

WValue writerWaitClosed(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], writerType)) return wrt_errv();
  return wrt_obj(asWriter(a[0])->tr->closedFut);
}

WValue writerIsClosing(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], writerType)) return wrt_errv();
  Transport *tr = asWriter(a[0])->tr;
  return wrt_bool(tr->closing || tr->lost);
}

WValue writerCanWriteEof(WNativeFunc *, WValue *) { return wrt_bool(true); }

void writeEof(Transport *tr) {
  if (tr->closing || tr->lost || tr->eofPending) return;
  tr->eofPending = true;
  if (tr->wbuf.size() == 0) {
    shutdown(tr->fd, SHUT_WR);
    tr->eofSent = true;
  }
}

WValue extraInfo(Transport *tr, WValue name, WValue dflt) {
  if (dflt.tag == WT_UNBOUND) dflt = wrt_none();
  if (!isStr(name)) return dflt;
  std::string_view n = strView(name);
  if (n == "peername") return tr->peername;
  if (n == "sockname") return tr->sockname;
  if (n == "socket") return tr->sock;
  return dflt;
}

WValue writerWriteEof(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], writerType)) return wrt_errv();
  writeEof(asWriter(a[0])->tr);
  return wrt_none();
}

WValue writerGetExtraInfo(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], writerType)) return wrt_errv();
  return extraInfo(asWriter(a[0])->tr, a[1], a[2]);
}

WValue writerTransport(WNativeFunc *, WValue *a) { return wrt_obj(asWriter(a[0])->tr); }

WValue writerRepr(WNativeFunc *, WValue *a) {
  Writer *w = asWriter(a[0]);
  std::string s = "<StreamWriter transport=<_SelectorSocketTransport";
  s += w->tr->lost ? " closed" : w->tr->closing ? " closing" : "";
  s += "> reader=<StreamReader>>";
  return newStr(s);
}

// ---------------------------------------------------------------- socket object

WValue sockGetsockname(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], socketType)) return wrt_errv();
  return reinterpret_cast<SockObj *>(a[0].o)->sockname;
}

WValue sockGetpeername(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], socketType)) return wrt_errv();
  SockObj *s = reinterpret_cast<SockObj *>(a[0].o);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(s->fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0) return raiseOSError(errno);
  return addrTuple(ss, len);
}

WValue sockFileno(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], socketType)) return wrt_errv();
  return wrt_int(reinterpret_cast<SockObj *>(a[0].o)->fd);
}

WValue sockFamily(WNativeFunc *, WValue *a) { return wrt_int(reinterpret_cast<SockObj *>(a[0].o)->family); }

WValue sockRepr(WNativeFunc *, WValue *a) {
  SockObj *s = reinterpret_cast<SockObj *>(a[0].o);
  std::string out = "<asyncio.TransportSocket fd=" + std::to_string(s->fd) + ", family=" +
                    std::to_string(s->family) + ", type=1, proto=6";
  std::string addr;
  if (s->sockname.tag == WT_OBJ && appendRepr(addr, s->sockname)) out += ", laddr=" + addr;
  errClear();
  return newStr(out + ">");
}

// ---------------------------------------------------------------- name resolution

std::string addrText(const sockaddr *sa) {
  char host[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (sa->sa_family == AF_INET6) {
    auto *a = reinterpret_cast<const sockaddr_in6 *>(sa);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    port = ntohs(a->sin6_port);
    return "('" + std::string(host) + "', " + std::to_string(port) + ", 0, 0)";
  }
  auto *a = reinterpret_cast<const sockaddr_in *>(sa);
  inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
  port = ntohs(a->sin_port);
  return "('" + std::string(host) + "', " + std::to_string(port) + ")";
}

// ---------------------------------------------------------------- open_connection

/// One open_connection / create_connection in progress: resolving the
/// host, then trying each address getaddrinfo gave in turn, as CPython's
/// create_connection does (the first that connects wins; if all fail, the
/// errors are combined as CPython combines them).
struct ConnectState {
  WObj hdr;
  EventLoop *loop;
  int fd;                 ///< the attempt in flight, or -1
  int64_t limit;
  Future *fut;            ///< what the caller awaits
  Future *resolving;      ///< getaddrinfo on the executor, while it runs
  WValue infos;           ///< getaddrinfo's list of 5-tuples
  int64_t next;           ///< the entry of infos to try next
  WValue errors;          ///< one OSError per failed attempt
  WValue addrStr;         ///< repr of the address being tried
  WValue protocolFactory; ///< loop.create_connection's factory; UNBOUND for open_connection
};

WTypeObj *connectType;

WValue finishConnection(EventLoop *loop, int fd, int64_t limit, ServerObj *server) {
  Transport *tr = newTransport(loop, fd);
  WValue rv = newReaderObj(limit);
  Reader *r = asReader(rv);
  r->tr = tr;
  tr->reader = r;
  tr->server = server;
  WValue wv = newWriterObj(tr, r);
  startReading(tr);
  WValue items[2] = {rv, wv};
  return newTupleFrom(2, items);
}

WValue finishProtocolConnection(EventLoop *loop, int fd, WValue factory, ServerObj *server);

/// The connection of open_connection (streams: a (reader, writer) pair) or,
/// with a [factory], of loop.create_connection ((transport, protocol)).
WValue finishAny(EventLoop *loop, int fd, int64_t limit, WValue factory) {
  if (factory.tag != WT_UNBOUND) return finishProtocolConnection(loop, fd, factory, nullptr);
  return finishConnection(loop, fd, limit, nullptr);
}

void tryNextAddress(ConnectState *c);

int onConnectWritable(void *a, void *) {
  ConnectState *c = static_cast<ConnectState *>(a);
  c->loop->selector()->removeWriter(c->fd);
  int fd = c->fd;
  c->fd = -1;
  if (isDone(c->fut)) {  // cancelled
    close(fd);
    return 0;
  }
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) {
    close(fd);
    listAppend(asList(c->errors), wrt_obj(osErrorWith(err, "Connect call failed " + std::string(strView(c->addrStr)))));
    tryNextAddress(c);
    return 0;
  }
  WValue conn = finishAny(c->loop, fd, c->limit, c->protocolFactory);
  if (conn.tag == WT_ERR) futureSetExceptionRaw(c->fut, fetchError());
  else futureSetResult(c->fut, conn);
  return 0;
}

/// Every address failed: one error as it is, or several combined as CPython
/// combines them (the first if they all read the same).
WObj *combinedConnectError(ConnectState *c) {
  WList *errs = asList(c->errors);
  if (errs->size == 0) return excMsg(T.OSError, "getaddrinfo() returned empty list");
  WValue first = errs->items[0];
  std::string model(strView(wrt_str(first)));
  std::string all;
  bool same = true;
  for (int64_t i = 0; i < errs->size; i++) {
    std::string text(strView(wrt_str(errs->items[i])));
    same = same && text == model;
    all += (i ? ", " : "") + text;
  }
  if (errs->size == 1 || same) return first.o;
  return excMsg(T.OSError, ("Multiple exceptions: " + all).c_str());
}

/// Starts a connect to the next address, finishing [c] on success or when
/// none is left.
void tryNextAddress(ConnectState *c) {
  WList *infos = asList(c->infos);
  while (c->next < infos->size) {
    WTuple *info = asTuple(infos->items[c->next++]);
    int family = int(info->items[0].i);
    sockaddr_storage ss;
    socklen_t sslen;
    if (!sockaddrFrom(info->items[4], family, ss, sslen)) {
      listAppend(asList(c->errors), wrt_obj(fetchError()));
      continue;
    }
    std::string addr = addrText(reinterpret_cast<sockaddr *>(&ss));
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, int(info->items[2].i));
    if (fd < 0) {
      listAppend(asList(c->errors), wrt_obj(osErrorWith(errno, "Connect call failed " + addr)));
      continue;
    }
    int rc;
    do rc = connect(fd, reinterpret_cast<sockaddr *>(&ss), sslen);
    while (rc != 0 && errno == EINTR);
    if (rc == 0) {
      WValue conn = finishAny(c->loop, fd, c->limit, c->protocolFactory);
      if (conn.tag == WT_ERR) futureSetExceptionRaw(c->fut, fetchError());
      else futureSetResult(c->fut, conn);
      return;
    }
    if (errno == EINPROGRESS) {
      c->addrStr = newStr(addr);
      int e = c->loop->selector()->addWriter(fd, &onConnectWritable, c, nullptr);
      if (e == 0) {
        c->fd = fd;
        return;
      }
      errno = e;
    }
    listAppend(asList(c->errors), wrt_obj(osErrorWith(errno, "Connect call failed " + addr)));
    close(fd);
  }
  futureSetExceptionRaw(c->fut, combinedConnectError(c));
}

/// The host is resolved (or resolving failed): start connecting.
int onResolved(void *a, void *) {
  ConnectState *c = static_cast<ConnectState *>(a);
  Future *r = c->resolving;
  c->resolving = nullptr;
  if (isDone(c->fut)) return 0;  // the caller cancelled meanwhile
  if (r->state == FutState::Cancelled) futureSetExceptionRaw(c->fut, makeCancelledError(r));
  else if (r->exception) {
    markRetrieved(r);
    futureSetExceptionRaw(c->fut, r->exception);
  }
  else if (!isKind(r->result, Kind::List)) futureSetExceptionRaw(c->fut, excMsg(T.OSError, "bad getaddrinfo() result"));
  else {
    c->infos = r->result;
    tryNextAddress(c);
  }
  return 0;
}

/// The caller's future finished: a cancel stops the resolution or the
/// connect in flight.
int connectCancelled(void *a, void *fut) {
  ConnectState *c = static_cast<ConnectState *>(a);
  Future *f = static_cast<Future *>(fut);
  if (f->state != FutState::Cancelled) return 0;
  if (c->resolving) futureCancel(c->resolving, wrt_unbound());
  if (c->fd >= 0 && c->loop->selector()->removeWriter(c->fd)) {
    close(c->fd);
    c->fd = -1;
  }
  return 0;
}

/// A future for the connection to (host, port): see finishAny. A literal
/// address is tried at once; a name is resolved on the default executor.
WValue connectTo(WValue host, WValue port, int64_t limit, WValue factory) {
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  if (port.tag != WT_NONE && port.tag != WT_UNBOUND && !isIntLike(port) && !isStr(port))
    return raiseTypeError("port must be an int");
  WValue rv = resolveOnLoop(loop, host, port, AF_UNSPEC, SOCK_STREAM, 0);
  if (rv.tag == WT_ERR) return rv;
  auto *c = newObj<ConnectState>(connectType);
  c->loop = loop;
  c->fd = -1;
  c->limit = limit;
  c->fut = pendingFuture(loop);
  c->resolving = asFuture(rv);
  c->errors = newList(0);
  c->protocolFactory = factory;
  addDoneCallback(c->fut, &connectCancelled, c);
  if (isDone(c->resolving)) onResolved(c, nullptr);
  else addDoneCallback(c->resolving, &onResolved, c);
  return wrt_obj(c->fut);
}

WValue openConnection(WNativeFunc *, WValue *a) {
  int64_t limit;
  if (!limitArg(a[2], limit)) return wrt_errv();
  return connectTo(a[0], a[1], limit, wrt_unbound());
}

// ---------------------------------------------------------------- server

int onAcceptable(void *a, void *);

void serverWakeWaiters(ServerObj *s) {
  WList *l = asList(s->waiters);
  for (int64_t i = 0; i < l->size; ++i) {
    Future *f = asFuture(l->items[i]);
    if (!isDone(f)) futureSetResult(f, wrt_none());
  }
  l->size = 0;
}

void serverDetach(ServerObj *s) {
  s->active--;
  if (s->active == 0 && s->closed) serverWakeWaiters(s);
}

int resumeAccepting(void *a, void *) {
  ServerObj *s = static_cast<ServerObj *>(a);
  s->backoff = nullptr;
  if (s->closed || !s->paused) return 0;
  s->paused = false;
  s->loop->selector()->addReader(s->fd, &onAcceptable, s, nullptr);
  return 0;
}

int onAcceptable(void *a, void *) {
  ServerObj *s = static_cast<ServerObj *>(a);
  if (s->closed) return 0;
  for (int i = 0; i < kAcceptBacklogBatch; ++i) {
    int fd = accept4(s->fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      if (e == EINTR || e == ECONNABORTED) continue;
      if (e == EAGAIN || e == EWOULDBLOCK) break;
      if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
        // RELIABILITY rule 38: log, stop accepting for a while, keep listening.
        std::string addr;
        appendRepr(addr, reinterpret_cast<SockObj *>(s->sock.o)->sockname);
        errClear();
        logError("socket.accept() out of system resource", "socket: " + addr,
                 reinterpret_cast<WObj *>(newOSError(e).o));
        s->loop->selector()->removeReader(s->fd);
        s->paused = true;
        s->backoff = s->loop->callLater(1000000000LL, &resumeAccepting, s, nullptr);
        return 0;
      }
      logError("Error on accept()", "", reinterpret_cast<WObj *>(newOSError(e).o));
      break;
    }
    if (s->protocolFactory.tag != WT_UNBOUND) {
      s->active++;
      if (finishProtocolConnection(s->loop, fd, s->protocolFactory, s).tag == WT_ERR) {
        s->active--;
        WObj *exc = fetchError();
        if (isFatalException(exc)) {
          restoreError(exc);
          return -1;
        }
        logError("Error on transport creation for incoming connection", "", exc);
      }
      continue;
    }
    s->active++;
    WValue pair = finishConnection(s->loop, fd, s->limit, s);
    WValue res = call(s->cb, 2, asTuple(pair)->items);
    if (res.tag == WT_ERR) {
      WObj *exc = fetchError();
      if (isFatalException(exc)) {
        restoreError(exc);
        return -1;
      }
      logLoopError(s->loop, "Unhandled exception in client_connected_cb", "", exc);
      transportClose(asWriter(asTuple(pair)->items[1])->tr);
      continue;
    }
    if (isCoroutine(res)) {
      WValue t = ensureFuture(s->loop, res);
      if (t.tag == WT_ERR) errClear();
    }
  }
  return 0;
}

void serverStartServing(ServerObj *s) {
  if (s->serving || s->closed) return;
  s->serving = true;
  s->loop->selector()->addReader(s->fd, &onAcceptable, s, nullptr);
}

void serverClose(ServerObj *s) {
  if (s->closed) return;
  s->closed = true;
  s->serving = false;
  if (!s->paused) s->loop->selector()->removeReader(s->fd);
  if (s->backoff) s->loop->cancel(s->backoff);
  close(s->fd);
  reinterpret_cast<SockObj *>(s->sock.o)->fd = -1;
  if (s->serveForever && !isDone(s->serveForever)) futureCancel(s->serveForever, wrt_unbound());
  s->serveForever = nullptr;
  if (s->active == 0) serverWakeWaiters(s);
}

/// One start_server / create_server waiting for its host to resolve.
struct ListenState {
  WObj hdr;
  EventLoop *loop;
  Future *fut;        ///< what the caller awaits
  Future *resolving;  ///< getaddrinfo's future
  WValue cb, startServing, factory;
  int64_t limit, backlog;
};

WTypeObj *listenType;

/// Binds and listens on the first of [infos] that takes it: the Server, or
/// ERR with CPython's "error while attempting to bind" OSError.
WValue bindServer(ListenState *ls, WValue infos) {
  WList *list = asList(infos);
  int fd = -1, lastErr = 0, family = AF_INET;
  std::string lastAddr;
  for (int64_t i = 0; i < list->size && fd < 0; i++) {
    WTuple *info = asTuple(list->items[i]);
    family = int(info->items[0].i);
    sockaddr_storage ss;
    socklen_t sslen;
    if (!sockaddrFrom(info->items[4], family, ss, sslen)) return wrt_errv();
    fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, int(info->items[2].i));
    if (fd < 0) {
      lastErr = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, reinterpret_cast<sockaddr *>(&ss), sslen) == 0 && listen(fd, int(ls->backlog)) == 0) break;
    lastErr = errno;
    lastAddr = addrText(reinterpret_cast<sockaddr *>(&ss));
    close(fd);
    fd = -1;
  }
  if (fd < 0) {
    if (list->size == 0) return raise(T.OSError, "getaddrinfo() returned empty list");
    std::string msg = "error while attempting to bind on address " + lastAddr + ": " + strerror(lastErr);
    return restoreError(osErrorWith(lastErr, msg));
  }
  auto *s = newObj<ServerObj>(serverType);
  s->loop = ls->loop;
  s->fd = fd;
  s->limit = ls->limit;
  s->cb = ls->cb;
  s->protocolFactory = ls->factory;
  s->sock = newSock(fd, family);
  s->waiters = newList(0);
  if (ls->startServing.tag == WT_UNBOUND || truthy(ls->startServing) == 1) serverStartServing(s);
  return wrt_obj(s);
}

int onListenResolved(void *a, void *) {
  ListenState *ls = static_cast<ListenState *>(a);
  Future *r = ls->resolving;
  if (isDone(ls->fut)) return 0;  // cancelled meanwhile
  if (r->state == FutState::Cancelled) {
    futureSetExceptionRaw(ls->fut, makeCancelledError(r));
  } else if (r->exception) {
    markRetrieved(r);
    futureSetExceptionRaw(ls->fut, r->exception);
  } else {
    WValue srv = bindServer(ls, r->result);
    if (srv.tag == WT_ERR) futureSetExceptionRaw(ls->fut, fetchError());
    else futureSetResult(ls->fut, srv);
  }
  return 0;
}

int listenCancelled(void *a, void *fut) {
  ListenState *ls = static_cast<ListenState *>(a);
  if (static_cast<Future *>(fut)->state == FutState::Cancelled && !isDone(ls->resolving))
    futureCancel(ls->resolving, wrt_unbound());
  return 0;
}

/// A future for a listening Server on (host, port) calling [cb] with a
/// (reader, writer) pair per connection, or with a [factory], making a
/// Protocol per connection (loop.create_server). A literal address (or
/// None) is bound at once; a name is resolved on the default executor first.
WValue listenOn(WValue cb, WValue host, WValue port, int64_t limit, WValue backlogArg, WValue startServing,
                WValue factory) {
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  if (port.tag != WT_NONE && port.tag != WT_UNBOUND && !isIntLike(port) && !isStr(port))
    return raiseTypeError("port must be an int");
  WValue rv = resolveOnLoop(loop, host, port, AF_UNSPEC, SOCK_STREAM, AI_PASSIVE);
  if (rv.tag == WT_ERR) return rv;
  auto *ls = newObj<ListenState>(listenType);
  ls->loop = loop;
  ls->resolving = asFuture(rv);
  ls->cb = cb;
  ls->startServing = startServing;
  ls->factory = factory;
  ls->limit = limit;
  ls->backlog = backlogArg.tag == WT_INT ? backlogArg.i : 100;
  if (isDone(ls->resolving)) {  // as before: errors surface at the call
    if (ls->resolving->exception) {
      markRetrieved(ls->resolving);
      return restoreError(ls->resolving->exception);
    }
    WValue srv = bindServer(ls, ls->resolving->result);
    return srv.tag == WT_ERR ? srv : wrt_obj(doneFuture(loop, srv));
  }
  ls->fut = pendingFuture(loop);
  addDoneCallback(ls->resolving, &onListenResolved, ls);
  addDoneCallback(ls->fut, &listenCancelled, ls);
  return wrt_obj(ls->fut);
}

WValue startServer(WNativeFunc *, WValue *a) {
  int64_t limit;
  if (!limitArg(a[3], limit)) return wrt_errv();
  return listenOn(a[0], a[1], a[2], limit, a[4], a[5], wrt_unbound());
}

WValue serverSockets(WNativeFunc *, WValue *a) {
  ServerObj *s = asServer(a[0]);
  if (s->closed) return newTuple(0);
  return newTupleFrom(1, &s->sock);
}

WValue serverCloseImpl(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], serverType)) return wrt_errv();
  serverClose(asServer(a[0]));
  return wrt_none();
}

WValue serverIsServing(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], serverType)) return wrt_errv();
  return wrt_bool(asServer(a[0])->serving);
}

WValue serverWaitClosed(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], serverType)) return wrt_errv();
  ServerObj *s = asServer(a[0]);
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  // 3.11: returns at once once close() ran (self._sockets is None).
  if (s->closed) return wrt_obj(doneFuture(loop, wrt_none()));
  Future *f = pendingFuture(loop);
  listAppend(asList(s->waiters), wrt_obj(f));
  return wrt_obj(f);
}

WValue serverStartServingImpl(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], serverType)) return wrt_errv();
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  serverStartServing(asServer(a[0]));
  return wrt_obj(doneFuture(loop, wrt_none()));
}

int serveForeverDone(void *a, void *fut) {
  ServerObj *s = static_cast<ServerObj *>(a);
  if (s->serveForever == fut) {
    s->serveForever = nullptr;
    serverClose(s);
  }
  return 0;
}

WValue serverServeForever(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], serverType)) return wrt_errv();
  ServerObj *s = asServer(a[0]);
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  if (s->serveForever) return raise(T.RuntimeError, "server is already being awaited on serve_forever()");
  if (s->closed) return raise(T.RuntimeError, "server is closed");
  serverStartServing(s);
  s->serveForever = pendingFuture(loop);
  addDoneCallback(s->serveForever, &serveForeverDone, s);
  return wrt_obj(s->serveForever);
}

WValue serverAenter(WNativeFunc *, WValue *a) {
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  return wrt_obj(doneFuture(loop, a[0]));
}

WValue serverAexit(WNativeFunc *, WValue *a) {
  if (!checkSelf(a[0], serverType)) return wrt_errv();
  serverClose(asServer(a[0]));
  WValue self = a[0];
  return serverWaitClosed(nullptr, &self);
}

WValue serverGetLoop(WNativeFunc *, WValue *a) { return loopObjOf(asServer(a[0])->loop); }

WValue serverRepr(WNativeFunc *, WValue *a) {
  ServerObj *s = asServer(a[0]);
  std::string out = "<Server sockets=(";
  if (!s->closed) {
    WValue r = sockRepr(nullptr, &s->sock);
    if (r.tag != WT_ERR) out += std::string(strView(r)) + ",";
  }
  return newStr(out + ")>");
}

// ---------------------------------------------------------------- protocols
// loop.create_server / create_connection: the same transport, delivering to
// a Protocol's callbacks instead of a StreamReader, as CPython's
// _SelectorSocketTransport does: connection_made, then data_received per
// read, eof_received at EOF (a falsy result closes the transport),
// connection_lost(exc) once it is gone. A callback that raises is a fatal
// error of the transport: logged, and the connection closed.

Transport *asTransport(WValue v) { return reinterpret_cast<Transport *>(v.o); }

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
  return listenOn(wrt_none(), a[2], a[3], kDefaultLimit, a[4], a[5], a[1]);
}

/// loop.create_connection(protocol_factory, host, port): (transport, protocol).
WValue loopCreateConnection(WNativeFunc *, WValue *a) {
  if (!isCallable(a[1])) return raise(T.TypeError, "protocol_factory must be callable");
  return connectTo(a[2], a[3], kDefaultLimit, a[1]);
}

// ---------------------------------------------------------------- types

WValue prop(WNativeCode code, const char *name) { return newReadOnlyProperty(name, code); }

WValue incompleteCtor(WNativeFunc *, WValue *a) {
  if (!isKind(a[0], Kind::Bytes)) return raiseTypeError("partial must be bytes");
  return wrt_obj(newIncompleteRead(a[0], a[1]));
}

WValue limitOverrunCtor(WNativeFunc *, WValue *a) {
  WValue items[2] = {a[0], a[1]};
  WObj *e = newException(limitOverrunError, &asTuple(newTupleFrom(2, items))->hdr).o;
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

  readerType->ctor = makeNative("StreamReader", readerCtor, "limit=?, loop=None");
  addMethod(readerType, "read", readerRead, "self, n=?");
  addMethod(readerType, "readline", readerReadline, "self");
  addMethod(readerType, "readexactly", readerReadexactly, "self, n");
  addMethod(readerType, "readuntil", readerReaduntil, "self, separator=?");
  addMethod(readerType, "at_eof", readerAtEof, "self");
  addMethod(readerType, "feed_data", readerFeedData, "self, data");
  addMethod(readerType, "feed_eof", readerFeedEof, "self");
  addMethod(readerType, "exception", readerException, "self");
  addMethod(readerType, "set_exception", readerSetException, "self, exc");
  addMethod(readerType, "__aiter__", readerAiter, "self");
  addMethod(readerType, "__anext__", readerAnext, "self");
  addMethod(readerType, "__repr__", readerRepr, "self");

  addMethod(writerType, "write", writerWrite, "self, data");
  addMethod(writerType, "writelines", writerWritelines, "self, data");
  addMethod(writerType, "drain", writerDrain, "self");
  addMethod(writerType, "close", writerClose, "self");
  addMethod(writerType, "wait_closed", writerWaitClosed, "self");
  addMethod(writerType, "is_closing", writerIsClosing, "self");
  addMethod(writerType, "can_write_eof", writerCanWriteEof, "self");
  addMethod(writerType, "write_eof", writerWriteEof, "self");
  addMethod(writerType, "get_extra_info", writerGetExtraInfo, "self, name, default=?");
  addMethod(writerType, "__repr__", writerRepr, "self");
  typeSetAttr(writerType, "transport", prop(writerTransport, "transport"));

  addMethod(socketType, "getsockname", sockGetsockname, "self");
  addMethod(socketType, "getpeername", sockGetpeername, "self");
  addMethod(socketType, "fileno", sockFileno, "self");
  addMethod(socketType, "__repr__", sockRepr, "self");
  typeSetAttr(socketType, "family", prop(sockFamily, "family"));

  typeSetAttr(serverType, "sockets", prop(serverSockets, "sockets"));
  addMethod(serverType, "close", serverCloseImpl, "self");
  addMethod(serverType, "is_serving", serverIsServing, "self");
  addMethod(serverType, "wait_closed", serverWaitClosed, "self");
  addMethod(serverType, "start_serving", serverStartServingImpl, "self");
  addMethod(serverType, "serve_forever", serverServeForever, "self");
  addMethod(serverType, "get_loop", serverGetLoop, "self");
  addMethod(serverType, "__aenter__", serverAenter, "self");
  addMethod(serverType, "__aexit__", serverAexit, "self, *args");
  addMethod(serverType, "__repr__", serverRepr, "self");

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

// CPython's are coroutines: create_task(open_connection(...)) must work.
WEFT_CORO_ENTRY(openConnectionCoro, openConnection, "open_connection", 4)
WEFT_CORO_ENTRY(startServerCoro, startServer, "start_server", 7)
WEFT_CORO_ENTRY(loopCreateServerCoro, loopCreateServer, "create_server", 7)
WEFT_CORO_ENTRY(loopCreateConnectionCoro, loopCreateConnection, "create_connection", 5)

} // namespace

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
  addResolveApi(AT.loop);
}

} // namespace weft::rt
