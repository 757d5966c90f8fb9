// Datagram.cpp: UDP for asyncio: loop.create_datagram_endpoint and the
// transport it makes (CPython's _SelectorDatagramTransport), delivering to a
// DatagramProtocol's connection_made, datagram_received, error_received and
// connection_lost.
//
// As in CPython: one datagram is read per readiness callback (the selector
// is level-triggered, so a busy socket is served once per loop iteration,
// fairly beside the others); sendto() sends at once when nothing is queued
// and queues the datagram when the socket is full; a failed send or receive
// goes to error_received and the transport stays open; an exception from a
// protocol callback is logged as an exception in the transport's callback.
#include "io/StreamsInternal.h"

#include "core/CoreInternal.h"
#include "io/Resolve.h"
#include "io/SocketObject.h"
#include "modules/AsyncioInternal.h"
#include "task/CallCoro.h"
#include "task/Errors.h"
#include "weft/rt/wrt_api.h"

#include <cerrno>
#include <cstdlib>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

namespace weft::rt {

namespace {

constexpr int64_t kMaxDatagram = 256 * 1024;  // CPython's max_size

WTypeObj *dgramType, *setupType;

struct DgramTransport {
  WObj hdr;
  EventLoop *loop;
  int fd;
  bool closing, lost, reading, writing;
  WValue protocol;
  WValue address;   ///< the connected remote address, or UNBOUND
  WValue queue;     ///< list of (data, addr) the socket did not take yet
  int64_t queued;   ///< bytes in queue
  WValue sockname, peername, sock;
};

DgramTransport *asDgram(WValue v) { return reinterpret_cast<DgramTransport *>(v.o); }

/// protocol.<name>(*argv); false if it raised. KeyboardInterrupt and
/// SystemExit stay pending ([fatal]); anything else is logged as CPython
/// logs an exception in the callback [where].
bool callProtocol(DgramTransport *tr, const char *name, int64_t argc, WValue *argv, const char *where, bool &fatal) {
  fatal = false;
  WValue r = callMethod(tr->protocol, name, argc, argv);
  if (r.tag != WT_ERR) return true;
  WObj *exc = fetchError();
  if (isFatalException(exc)) {
    restoreError(exc);
    fatal = true;
    return false;
  }
  std::string cb = std::string("_SelectorDatagramTransport.") + where + "()";
  logLoopError(tr->loop, "Exception in callback " + cb, "handle: <Handle " + cb + ">", exc);
  return false;
}

int connectionLostCb(void *a, void *) {
  auto *tr = static_cast<DgramTransport *>(a);
  WValue none = wrt_none();
  bool fatal;
  callProtocol(tr, "connection_lost", 1, &none, "_call_connection_lost", fatal);
  close(tr->fd);
  tr->fd = -1;
  return fatal ? -1 : 0;
}

/// _force_close: stop watching, drop the queue, tell the protocol next.
void forceClose(DgramTransport *tr) {
  if (tr->lost) return;
  tr->lost = tr->closing = true;
  if (tr->reading) tr->loop->selector()->removeReader(tr->fd);
  if (tr->writing) tr->loop->selector()->removeWriter(tr->fd);
  tr->reading = tr->writing = false;
  tr->queue = newList(0);
  tr->queued = 0;
  tr->loop->callSoon(&connectionLostCb, tr, nullptr);
}

/// One send of [data] to [addr] (UNBOUND: the connected peer). 0, or the errno.
int sendOne(DgramTransport *tr, WValue data, WValue addr) {
  auto *b = reinterpret_cast<WBytes *>(data.o);
  ssize_t n;
  if (addr.tag == WT_UNBOUND || addr.tag == WT_NONE) {
    do n = send(tr->fd, b->data, size_t(b->size), 0);
    while (n < 0 && errno == EINTR);
  } else {
    sockaddr_storage ss;
    socklen_t len;
    sockaddr_storage own;
    socklen_t ownLen = sizeof own;
    getsockname(tr->fd, reinterpret_cast<sockaddr *>(&own), &ownLen);
    if (!sockaddrFrom(addr, own.ss_family, ss, len)) return -1;
    do n = sendto(tr->fd, b->data, size_t(b->size), 0, reinterpret_cast<sockaddr *>(&ss), len);
    while (n < 0 && errno == EINTR);
  }
  return n < 0 ? errno : 0;
}

/// A failed send or receive: the protocol's error_received(exc).
int reportError(DgramTransport *tr, WObj *exc, const char *where) {
  WValue e = wrt_obj(exc);
  bool fatal;
  callProtocol(tr, "error_received", 1, &e, where, fatal);
  return fatal ? -1 : 0;
}

int onReadable(void *a, void *) {
  auto *tr = static_cast<DgramTransport *>(a);
  if (tr->lost) return 0;
  static thread_local char *buf = static_cast<char *>(std::malloc(kMaxDatagram));
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ssize_t n = recvfrom(tr->fd, buf, kMaxDatagram, 0, reinterpret_cast<sockaddr *>(&ss), &len);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return 0;
    return reportError(tr, newOSError(errno).o, "_read_ready");
  }
  WValue args[2] = {newBytes(std::string_view(buf, size_t(n))), addrTuple(ss, len)};
  bool fatal;
  callProtocol(tr, "datagram_received", 2, args, "_read_ready", fatal);
  return fatal ? -1 : 0;
}

int onWritable(void *a, void *) {
  auto *tr = static_cast<DgramTransport *>(a);
  WList *q = asList(tr->queue);
  int64_t sent = 0;
  while (sent < q->size) {
    WTuple *item = asTuple(q->items[sent]);
    int err = sendOne(tr, item->items[0], item->items[1]);
    if (err == EAGAIN) break;
    sent++;
    tr->queued -= reinterpret_cast<WBytes *>(item->items[0].o)->size;
    if (err != 0 && reportError(tr, err > 0 ? newOSError(err).o : fetchError(), "_sendto_ready") < 0) return -1;
  }
  WValue rest = newList(0);
  for (int64_t i = sent; i < q->size; i++) listAppend(asList(rest), q->items[i]);
  tr->queue = rest;
  if (asList(rest)->size == 0) {
    tr->loop->selector()->removeWriter(tr->fd);
    tr->writing = false;
    if (tr->closing) forceClose(tr);
  }
  return 0;
}

// ---------------------------------------------------------------- methods

WValue dgSendto(WNativeFunc *, WValue *a) {
  DgramTransport *tr = asDgram(a[0]);
  WValue data = a[1], addr = a[2].tag == WT_UNBOUND ? wrt_none() : a[2];
  if (!isKind(data, Kind::Bytes))
    return raiseFormat(T.TypeError, "data argument must be a bytes-like object, not '%s'", typeName(data));
  if (reinterpret_cast<WBytes *>(data.o)->size == 0) return wrt_none();
  if (tr->address.tag != WT_UNBOUND && addr.tag != WT_NONE) {
    WValue same = wrt_compare(WOP_EQ, addr, tr->address);
    if (same.tag == WT_ERR) return same;
    if (truthy(same) != 1)
      return raise(T.ValueError, "Invalid address: must be None or " + std::string(strView(wrt_str(tr->address))));
  }
  if (tr->lost) return wrt_none();
  if (asList(tr->queue)->size == 0) {
    int err = sendOne(tr, data, addr);
    if (err == 0) return wrt_none();
    if (err < 0) return wrt_errv();  // a bad address
    if (err != EAGAIN) return reportError(tr, newOSError(err).o, "sendto") < 0 ? wrt_errv() : wrt_none();
    if (tr->loop->selector()->addWriter(tr->fd, &onWritable, tr, nullptr) == 0) tr->writing = true;
  }
  WValue item[2] = {data, addr};
  listAppend(asList(tr->queue), newTupleFrom(2, item));
  tr->queued += reinterpret_cast<WBytes *>(data.o)->size;
  return wrt_none();
}

WValue dgClose(WNativeFunc *, WValue *a) {
  DgramTransport *tr = asDgram(a[0]);
  if (tr->closing) return wrt_none();
  tr->closing = true;
  if (tr->reading) tr->loop->selector()->removeReader(tr->fd);
  tr->reading = false;
  if (asList(tr->queue)->size == 0) forceClose(tr);  // else once the queue drains
  return wrt_none();
}

WValue dgAbort(WNativeFunc *, WValue *a) {
  forceClose(asDgram(a[0]));
  return wrt_none();
}

WValue dgIsClosing(WNativeFunc *, WValue *a) { return wrt_bool(asDgram(a[0])->closing); }
WValue dgBufferSize(WNativeFunc *, WValue *a) { return wrt_int(asDgram(a[0])->queued); }
WValue dgGetProtocol(WNativeFunc *, WValue *a) { return asDgram(a[0])->protocol; }
WValue dgSetProtocol(WNativeFunc *, WValue *a) {
  asDgram(a[0])->protocol = a[1];
  return wrt_none();
}

WValue dgExtraInfo(WNativeFunc *, WValue *a) {
  DgramTransport *tr = asDgram(a[0]);
  WValue dflt = a[2].tag == WT_UNBOUND ? wrt_none() : a[2];
  if (!isStr(a[1])) return dflt;
  std::string_view n = strView(a[1]);
  if (n == "peername") return tr->peername.tag == WT_NONE ? dflt : tr->peername;
  if (n == "sockname") return tr->sockname;
  if (n == "socket") return tr->sock;
  return dflt;
}

// ---------------------------------------------------------------- setup

/// One create_datagram_endpoint between its call and connection_made.
struct Setup {
  WObj hdr;
  EventLoop *loop;
  Future *fut;
  WValue factory;
  WValue local, remote;       ///< the address arguments (None if absent)
  WValue localInfos, remoteInfos; ///< getaddrinfo's answers, once known
  Future *resolving[2];
  int family, proto;
  bool reusePort, broadcast;
  DgramTransport *tr;
};

/// The endpoint is ready: connection_made, then reading, then the caller's
/// future, each one step after the other as CPython's transport schedules them.
int startEndpoint(void *a, void *) {
  auto *s = static_cast<Setup *>(a);
  DgramTransport *tr = s->tr;
  if (isDone(s->fut)) {  // cancelled before it was handed over
    forceClose(tr);
    return 0;
  }
  WValue self = wrt_obj(tr);
  bool fatal;
  if (!callProtocol(tr, "connection_made", 1, &self, "connection_made", fatal) && fatal) return -1;
  if (!tr->closing && tr->loop->selector()->addReader(tr->fd, &onReadable, tr, nullptr) == 0) tr->reading = true;
  WValue pair[2] = {wrt_obj(tr), tr->protocol};
  futureSetResult(s->fut, newTupleFrom(2, pair));
  return 0;
}

/// Makes the socket for one (local, remote) pairing; -1 with [err] set.
int openSocket(Setup *s, WValue localInfo, WValue remoteInfo, int &err) {
  WValue info = remoteInfo.tag == WT_OBJ ? remoteInfo : localInfo;
  int family = info.tag == WT_OBJ ? int(asTuple(info)->items[0].i) : s->family;
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, s->proto);
  if (fd < 0) {
    err = errno;
    return -1;
  }
  int one = 1;
  if (s->reusePort) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (s->broadcast) setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  const WValue steps[2] = {localInfo, remoteInfo};
  for (int i = 0; i < 2; i++) {
    if (steps[i].tag != WT_OBJ) continue;
    sockaddr_storage ss;
    socklen_t len;
    if (!sockaddrFrom(asTuple(steps[i])->items[4], family, ss, len)) {
      fetchError();
      err = EINVAL;
      close(fd);
      return -1;
    }
    int rc = i == 0 ? bind(fd, reinterpret_cast<sockaddr *>(&ss), len)
                    : connect(fd, reinterpret_cast<sockaddr *>(&ss), len);
    if (rc != 0) {
      err = errno;
      close(fd);
      return -1;
    }
  }
  return fd;
}

/// The protocol and the transport on the datagram socket [fd] (connected to
/// a peer or not); connection_made follows one step later.
void makeTransport(Setup *s, int fd, bool connected) {
  WValue protocol = call(s->factory, 0, nullptr);
  if (protocol.tag == WT_ERR) {
    close(fd);
    return futureSetExceptionRaw(s->fut, fetchError());
  }
  auto *tr = newObj<DgramTransport>(dgramType);
  tr->loop = s->loop;
  tr->fd = fd;
  tr->protocol = protocol;
  tr->queue = newList(0);
  tr->sockname = streams::socknameOf(fd);
  tr->peername = connected ? streams::peernameOf(fd) : wrt_none();
  tr->address = connected && tr->peername.tag != WT_NONE ? tr->peername : wrt_unbound();
  sockaddr_storage own;
  socklen_t ownLen = sizeof own;
  getsockname(fd, reinterpret_cast<sockaddr *>(&own), &ownLen);
  tr->sock = streams::newSock(fd, own.ss_family);
  s->tr = tr;
  s->loop->callSoon(&startEndpoint, s, nullptr);
}

/// Both addresses are known: make the socket, the protocol and the transport.
void finishSetup(Setup *s) {
  WList *locals = s->localInfos.tag == WT_OBJ ? asList(s->localInfos) : nullptr;
  WList *remotes = s->remoteInfos.tag == WT_OBJ ? asList(s->remoteInfos) : nullptr;
  int fd = -1, err = 0;
  // CPython pairs the answers by family and takes the first pair that works.
  int64_t nr = remotes ? remotes->size : 1, nl = locals ? locals->size : 1;
  for (int64_t r = 0; r < nr && fd < 0; r++) {
    WValue ri = remotes ? remotes->items[r] : wrt_unbound();
    for (int64_t l = 0; l < nl && fd < 0; l++) {
      WValue li = locals ? locals->items[l] : wrt_unbound();
      if (ri.tag == WT_OBJ && li.tag == WT_OBJ && asTuple(ri)->items[0].i != asTuple(li)->items[0].i) continue;
      fd = openSocket(s, li, ri, err);
    }
  }
  if (fd < 0) {
    if (err == 0) return futureSetExceptionRaw(s->fut, newExceptionMsg(T.ValueError, "can not get address information").o);
    return futureSetExceptionRaw(s->fut, newOSError(err).o);
  }
  makeTransport(s, fd, remotes != nullptr);
}

/// Starts resolving [addr] (a (host, port) tuple) into slot [which].
bool resolveAddress(Setup *s, WValue addr, int which) {
  if (!isKind(addr, Kind::Tuple) || asTuple(addr)->size < 2) {
    raiseTypeError("%s must be a (host, port) tuple", which == 0 ? "local_addr" : "remote_addr");
    return false;
  }
  WValue f = resolveOnLoop(s->loop, asTuple(addr)->items[0], asTuple(addr)->items[1], s->family, SOCK_DGRAM, 0);
  if (f.tag == WT_ERR) return false;
  s->resolving[which] = asFuture(f);
  return true;
}

int onOneResolved(void *a, void *fut);

/// loop.create_datagram_endpoint(protocol_factory, local_addr=None,
/// remote_addr=None, *, family=0, proto=0, flags=0, reuse_address, reuse_port,
/// allow_broadcast, sock).
WValue createDatagramEndpoint(WNativeFunc *, WValue *a) {
  EventLoop *loop = requireRunningLoop();
  if (!loop) return wrt_errv();
  if (!isCallable(a[1])) return raise(T.TypeError, "protocol_factory must be callable");
  if (a[7].tag != WT_UNBOUND && a[7].tag != WT_NONE && truthy(a[7]) == 1)
    return raise(T.ValueError, "Passing `reuse_address=True` is no longer supported, as the usage of "
                               "SO_REUSEPORT in UDP poses a significant security concern.");
  auto *s = newObj<Setup>(setupType);
  s->loop = loop;
  s->factory = a[1];
  s->local = a[2].tag == WT_UNBOUND ? wrt_none() : a[2];
  s->remote = a[3].tag == WT_UNBOUND ? wrt_none() : a[3];
  s->family = isIntLike(a[4]) ? int(a[4].i) : 0;
  s->proto = isIntLike(a[5]) ? int(a[5].i) : 0;
  s->reusePort = a[8].tag != WT_UNBOUND && a[8].tag != WT_NONE && truthy(a[8]) == 1;
  s->broadcast = a[9].tag != WT_UNBOUND && a[9].tag != WT_NONE && truthy(a[9]) == 1;
  s->localInfos = s->remoteInfos = wrt_unbound();
  s->fut = newFuture(loop);
  if (AT.future) s->fut->hdr.type = AT.future;
  if (a[10].tag != WT_UNBOUND && a[10].tag != WT_NONE) {
    // sock=: an existing datagram socket, connected or not; nothing else may
    // say where it goes.
    SocketObj *so = openSocketArg(a[10]);
    if (!so) return wrt_errv();
    if (so->type != SOCK_DGRAM) return raiseFormat(T.ValueError, "A UDP Socket was expected, got %s", reprString(a[10]).c_str());
    if (s->local.tag != WT_NONE || s->remote.tag != WT_NONE || s->family || s->proto || s->reusePort ||
        s->broadcast)
      return raise(T.ValueError, "socket modifier keyword arguments can not be used when sock is specified.");
    int fd = streams::adoptSocket(so);
    sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    makeTransport(s, fd, getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &plen) == 0);
    return wrt_obj(s->fut);
  }
  if (s->local.tag == WT_NONE && s->remote.tag == WT_NONE) {
    if (s->family == 0) return raise(T.ValueError, "unexpected address family");
    finishSetup(s);
    return wrt_obj(s->fut);
  }
  if (s->local.tag != WT_NONE && !resolveAddress(s, s->local, 0)) return wrt_errv();
  if (s->remote.tag != WT_NONE && !resolveAddress(s, s->remote, 1)) return wrt_errv();
  for (Future *r : s->resolving)
    if (r) addDoneCallback(r, &onOneResolved, s);
  return wrt_obj(s->fut);
}

/// One of the addresses resolved: record it; go on once both are known.
int onOneResolved(void *a, void *fut) {
  auto *s = static_cast<Setup *>(a);
  Future *f = static_cast<Future *>(fut);
  if (isDone(s->fut)) return 0;
  if (passFailureOn(f, s->fut)) return 0;
  if (f == s->resolving[0]) s->localInfos = f->result;
  else s->remoteInfos = f->result;
  bool localDone = s->local.tag == WT_NONE || s->localInfos.tag != WT_UNBOUND;
  bool remoteDone = s->remote.tag == WT_NONE || s->remoteInfos.tag != WT_UNBOUND;
  if (localDone && remoteDone) finishSetup(s);
  return 0;
}

WEFT_CORO_ENTRY(createDatagramEndpointCoro, createDatagramEndpoint, "create_datagram_endpoint", 11)

} // namespace

void addDatagramApi(WTypeObj *loopType) {
  dgramType = newType("_SelectorDatagramTransport", T.object, Kind::Other, "asyncio.selector_events");
  setupType = newType("_DatagramSetup", T.object, Kind::Other, "asyncio");
  addMethod(dgramType, "sendto", dgSendto, "self, data, addr=?, /");
  addMethod(dgramType, "close", dgClose, "self, /");
  addMethod(dgramType, "abort", dgAbort, "self, /");
  addMethod(dgramType, "is_closing", dgIsClosing, "self, /");
  addMethod(dgramType, "get_write_buffer_size", dgBufferSize, "self, /");
  addMethod(dgramType, "get_protocol", dgGetProtocol, "self, /");
  addMethod(dgramType, "set_protocol", dgSetProtocol, "self, protocol, /");
  addMethod(dgramType, "get_extra_info", dgExtraInfo, "self, name, default=?, /");
  addMethod(loopType, "create_datagram_endpoint", createDatagramEndpointCoro,
            "self, protocol_factory, local_addr=None, remote_addr=None, *, family=0, proto=0, flags=0, "
            "reuse_address=?, reuse_port=None, allow_broadcast=None, sock=None");
}

} // namespace weft::rt
