// StreamReaderWriter.cpp: asyncio.StreamReader (read, readline,
// readexactly, readuntil, async iteration, feed_data/feed_eof),
// asyncio.StreamWriter over a transport, and the TransportSocket that
// server.sockets and get_extra_info('socket') hand out.
#include "io/StreamsInternal.h"

#include "core/Text.h"
#include "io/Resolve.h"
#include "task/CallCoro.h"
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
                    std::to_string(s->family) + ", type=1, proto=" + (s->family == AF_UNIX ? "0" : "6");
  // CPython formats the address with str(): a Unix path shows unquoted.
  WValue laddr = s->sockname.tag == WT_OBJ && truthy(s->sockname) == 1 ? wrt_str(s->sockname) : wrt_none();
  if (laddr.tag == WT_OBJ) out += ", laddr=" + std::string(strView(laddr));
  errClear();
  return newStr(out + ">");
}


// CPython's are coroutines, so create_task(reader.readline()) must work.
WEFT_CORO_ENTRY(readerReadCoro, readerRead, "read", 2)
WEFT_CORO_ENTRY(readerReadlineCoro, readerReadline, "readline", 1)
WEFT_CORO_ENTRY(readerReadexactlyCoro, readerReadexactly, "readexactly", 2)
WEFT_CORO_ENTRY(readerReaduntilCoro, readerReaduntil, "readuntil", 2)
WEFT_CORO_ENTRY(writerDrainCoro, writerDrain, "drain", 1)
WEFT_CORO_ENTRY(writerWaitClosedCoro, writerWaitClosed, "wait_closed", 1)

/// The methods of StreamReader, StreamWriter and TransportSocket (the types exist).
void addReaderWriterMethods() {
  readerType->ctor = makeNative("StreamReader", readerCtor, "limit=?, loop=None");
  addMethod(readerType, "read", readerReadCoro, "self, n=?");
  addMethod(readerType, "readline", readerReadlineCoro, "self");
  addMethod(readerType, "readexactly", readerReadexactlyCoro, "self, n");
  addMethod(readerType, "readuntil", readerReaduntilCoro, "self, separator=?");
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
  addMethod(writerType, "drain", writerDrainCoro, "self");
  addMethod(writerType, "close", writerClose, "self");
  addMethod(writerType, "wait_closed", writerWaitClosedCoro, "self");
  addMethod(writerType, "is_closing", writerIsClosing, "self");
  addMethod(writerType, "can_write_eof", writerCanWriteEof, "self");
  addMethod(writerType, "write_eof", writerWriteEof, "self");
  addMethod(writerType, "get_extra_info", writerGetExtraInfo, "self, name, default=?");
  addMethod(writerType, "__repr__", writerRepr, "self");
  typeSetAttr(writerType, "transport", newReadOnlyProperty("transport", writerTransport));
  addMethod(socketType, "getsockname", sockGetsockname, "self");
  addMethod(socketType, "getpeername", sockGetpeername, "self");
  addMethod(socketType, "fileno", sockFileno, "self");
  addMethod(socketType, "__repr__", sockRepr, "self");
  typeSetAttr(socketType, "family", newReadOnlyProperty("family", sockFamily));
}
} // namespace weft::rt::streams
