// StreamTransport.cpp: the socket transport under asyncio's streams and
// protocols (CPython's _SelectorSocketTransport): its byte buffer, reading
// on the selector with a bounded read per wake-up, buffered writes with
// drain and flow control, and losing the connection. Also the small
// helpers (addresses, errors, futures) the other stream files use.
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

// ---------------------------------------------------------------- byte buffer

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
                    (expected.tag == WT_NONE ? std::string("undefined") : reprString(expected)) +
                    " expected bytes";
  WObj *e = excMsg(incompleteReadError, msg.c_str());
  excSetAttr(e, "partial", partial);
  excSetAttr(e, "expected", expected);
  return e;
}

WObj *newLimitOverrun(const char *msg, int64_t consumed) {
  // LimitOverrunError.__init__ passes only the message on: args == (msg,).
  WValue text = newStr(msg);
  WObj *e = newException(limitOverrunError, &asTuple(newTupleFrom(1, &text))->hdr).o;
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

} // namespace weft::rt::streams
