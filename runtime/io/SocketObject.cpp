// SocketObject.cpp: socket.socket with the methods scripts and asyncio's
// low-level API use: bind, listen, accept, connect(_ex), send(all), sendto,
// recv, recvfrom, shutdown, close, detach, socket options, blocking mode and
// timeouts (a timeout waits with poll() and raises TimeoutError("timed
// out")), context management, socket.socketpair and socket.create_connection.
// Blocking calls block the calling thread, as in CPython; asyncio code uses
// loop.sock_* instead.
#include "io/SocketObject.h"

#include "core/CoreInternal.h"
#include "io/Resolve.h"
#include "modules/AsyncioInternal.h"
#include "task/Errors.h"
#include "weft/rt/wrt_api.h"

#include <gc/gc.h>

#include <cerrno>
#include <cmath>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace weft::rt {

namespace {

WTypeObj *sockType;

SocketObj *self(WValue *a) { return reinterpret_cast<SocketObj *>(a[0].o); }

/// The fd of the socket in a[0], or -1 with OSError(EBADF) pending.
int liveFd(WValue *a) {
  int fd = self(a)->fd;
  if (fd < 0) raiseOSError(EBADF);
  return fd;
}

/// For a socket with a timeout, waits until [fd] is ready for [events];
/// false with TimeoutError pending when the timeout passes first.
bool waitReady(SocketObj *s, short events) {
  if (s->timeout <= 0) return true;
  pollfd p{s->fd, events, 0};
  int ms = int(std::ceil(s->timeout * 1000));
  int rc;
  do rc = poll(&p, 1, ms);
  while (rc < 0 && errno == EINTR);
  if (rc == 0) {
    raise(T.TimeoutError, "timed out");
    return false;
  }
  return true;
}

/// The OSError of a failed call: EAGAIN on a socket with a timeout means
/// the wait ran out.
WValue sockError(SocketObj *s, int err) {
  if (s->timeout > 0 && (err == EAGAIN || err == EINPROGRESS)) return raise(T.TimeoutError, "timed out");
  return raiseOSError(err);
}

bool addressOf(SocketObj *s, WValue addr, sockaddr_storage &ss, socklen_t &len) {
  return sockaddrFrom(addr, s->family, ss, len);
}

void setNonblocking(int fd, bool on) {
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

WValue sCtor(WNativeFunc *, WValue *a) {
  int family, type, proto;
  if (!intArgOr(a[0], AF_INET, family) || !intArgOr(a[1], SOCK_STREAM, type) || !intArgOr(a[2], 0, proto))
    return wrt_errv();
  if (isIntLike(a[3])) {
    // socket(fileno=fd): adopt it, with the kind the descriptor reports.
    int fd = int(a[3].i);
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) return raiseOSError(errno);
    sockaddr_storage ss{};
    socklen_t sl = sizeof ss;
    if (getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &sl) == 0) family = ss.ss_family;
    return newSocketObj(fd, family, type, proto);
  }
  int fd = socket(family, type | SOCK_CLOEXEC, proto);
  if (fd < 0) return raiseOSError(errno);
  return newSocketObj(fd, family, type, proto);
}

WValue sFileno(WNativeFunc *, WValue *a) { return wrt_int(self(a)->fd); }

WValue sClose(WNativeFunc *, WValue *a) {
  if (self(a)->fd >= 0) close(self(a)->fd);
  self(a)->fd = -1;
  return wrt_none();
}

WValue sDetach(WNativeFunc *, WValue *a) {
  int fd = self(a)->fd;
  self(a)->fd = -1;
  return wrt_int(fd);
}

WValue sBind(WNativeFunc *, WValue *a) {
  int fd = liveFd(a);
  sockaddr_storage ss;
  socklen_t len;
  if (fd < 0 || !addressOf(self(a), a[1], ss, len)) return wrt_errv();
  if (bind(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0) return raiseOSError(errno);
  return wrt_none();
}

WValue sListen(WNativeFunc *, WValue *a) {
  int fd = liveFd(a), backlog;
  if (fd < 0 || !intArgOr(a[1], 128, backlog)) return wrt_errv();
  if (listen(fd, backlog) != 0) return raiseOSError(errno);
  return wrt_none();
}

WValue sAccept(WNativeFunc *, WValue *a) {
  int fd = liveFd(a);
  if (fd < 0) return wrt_errv();
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int c;
  do {
    if (!waitReady(self(a), POLLIN)) return wrt_errv();
    c = accept4(fd, reinterpret_cast<sockaddr *>(&ss), &len, SOCK_CLOEXEC);
  } while (c < 0 && errno == EINTR);
  if (c < 0) return sockError(self(a), errno);
  // The new socket is blocking, as CPython's (no default timeout).
  WValue pair[2] = {newSocketObj(c, self(a)->family, self(a)->type, self(a)->proto), addrTuple(ss, len)};
  return newTupleFrom(2, pair);
}

/// connect() as connect_ex does: 0 or the errno.
int connectErr(WValue *a, bool &failed) {
  failed = false;
  int fd = liveFd(a);
  sockaddr_storage ss;
  socklen_t len;
  if (fd < 0 || !addressOf(self(a), a[1], ss, len)) {
    failed = true;
    return 0;
  }
  int rc;
  do rc = connect(fd, reinterpret_cast<sockaddr *>(&ss), len);
  while (rc != 0 && errno == EINTR);
  if (rc == 0) return 0;
  int err = errno;
  if (err == EINPROGRESS && self(a)->timeout > 0) {
    if (!waitReady(self(a), POLLOUT)) {
      fetchError();
      return EAGAIN;
    }
    socklen_t el = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0) err = errno;
  }
  return err;
}

WValue sConnect(WNativeFunc *, WValue *a) {
  bool failed;
  int err = connectErr(a, failed);
  if (failed) return wrt_errv();
  return err ? sockError(self(a), err) : wrt_none();
}

WValue sConnectEx(WNativeFunc *, WValue *a) {
  bool failed;
  int err = connectErr(a, failed);
  return failed ? wrt_errv() : wrt_int(err);
}

const WBytes *bytesArg(WValue v) {
  if (!isKind(v, Kind::Bytes)) {
    raiseFormat(T.TypeError, "a bytes-like object is required, not '%s'", typeName(v));
    return nullptr;
  }
  return reinterpret_cast<const WBytes *>(v.o);
}

WValue sSend(WNativeFunc *, WValue *a) {
  int fd = liveFd(a);
  const WBytes *b = fd < 0 ? nullptr : bytesArg(a[1]);
  if (!b) return wrt_errv();
  ssize_t n;
  do {
    if (!waitReady(self(a), POLLOUT)) return wrt_errv();
    n = send(fd, b->data, size_t(b->size), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n < 0 ? sockError(self(a), errno) : wrt_int(n);
}

WValue sSendall(WNativeFunc *, WValue *a) {
  int fd = liveFd(a);
  const WBytes *b = fd < 0 ? nullptr : bytesArg(a[1]);
  if (!b) return wrt_errv();
  int64_t off = 0;
  while (off < b->size) {
    if (!waitReady(self(a), POLLOUT)) return wrt_errv();
    ssize_t n = send(fd, b->data + off, size_t(b->size - off), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sockError(self(a), errno);
    off += n;
  }
  return wrt_none();
}

WValue sSendto(WNativeFunc *, WValue *a) {
  int fd = liveFd(a);
  const WBytes *b = fd < 0 ? nullptr : bytesArg(a[1]);
  sockaddr_storage ss;
  socklen_t len;
  if (!b || !addressOf(self(a), a[2], ss, len)) return wrt_errv();
  ssize_t n;
  do n = sendto(fd, b->data, size_t(b->size), MSG_NOSIGNAL, reinterpret_cast<sockaddr *>(&ss), len);
  while (n < 0 && errno == EINTR);
  return n < 0 ? sockError(self(a), errno) : wrt_int(n);
}

/// recv or recvfrom of at most a[1] bytes.
WValue receive(WValue *a, bool from) {
  int fd = liveFd(a), want;
  if (fd < 0 || !intArgOr(a[1], 0, want)) return wrt_errv();
  if (want < 0) return raise(T.ValueError, "negative buffersize in recv");
  std::string buf(size_t(want), '\0');
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ssize_t n;
  do {
    if (!waitReady(self(a), POLLIN)) return wrt_errv();
    n = recvfrom(fd, buf.data(), buf.size(), 0, from ? reinterpret_cast<sockaddr *>(&ss) : nullptr,
                 from ? &len : nullptr);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return sockError(self(a), errno);
  WValue data = newBytes(std::string_view(buf.data(), size_t(n)));
  if (!from) return data;
  WValue pair[2] = {data, len ? addrTuple(ss, len) : wrt_none()};
  return newTupleFrom(2, pair);
}

WValue sRecv(WNativeFunc *, WValue *a) { return receive(a, false); }
WValue sRecvfrom(WNativeFunc *, WValue *a) { return receive(a, true); }

WValue sShutdown(WNativeFunc *, WValue *a) {
  int fd = liveFd(a), how;
  if (fd < 0 || !intArgOr(a[1], SHUT_RDWR, how)) return wrt_errv();
  if (shutdown(fd, how) != 0) return raiseOSError(errno);
  return wrt_none();
}

WValue sSetblocking(WNativeFunc *, WValue *a) {
  int fd = liveFd(a);
  if (fd < 0) return wrt_errv();
  bool blocking = truthy(a[1]) == 1;
  setNonblocking(fd, !blocking);
  self(a)->timeout = blocking ? -1 : 0;
  return wrt_none();
}

WValue sGetblocking(WNativeFunc *, WValue *a) { return wrt_bool(self(a)->timeout != 0); }

WValue sSettimeout(WNativeFunc *, WValue *a) {
  int fd = liveFd(a);
  if (fd < 0) return wrt_errv();
  double t = -1;
  if (a[1].tag != WT_NONE) {
    if (!toSeconds(a[1], t, "timeout")) return wrt_errv();
    if (t < 0) return raise(T.ValueError, "Timeout value out of range");
  }
  // A timeout is a non-blocking descriptor that the calls wait on with poll.
  setNonblocking(fd, t >= 0);
  self(a)->timeout = t;
  return wrt_none();
}

WValue sGettimeout(WNativeFunc *, WValue *a) {
  return self(a)->timeout < 0 ? wrt_none() : wrt_float(self(a)->timeout);
}

WValue sSetsockopt(WNativeFunc *, WValue *a) {
  int fd = liveFd(a), level, opt;
  if (fd < 0 || !intArgOr(a[1], 0, level) || !intArgOr(a[2], 0, opt)) return wrt_errv();
  int rc;
  if (isIntLike(a[3])) {
    int v = int(a[3].i);
    rc = setsockopt(fd, level, opt, &v, sizeof v);
  } else if (const WBytes *b = bytesArg(a[3])) {
    rc = setsockopt(fd, level, opt, b->data, socklen_t(b->size));
  } else {
    return wrt_errv();
  }
  return rc != 0 ? raiseOSError(errno) : wrt_none();
}

WValue sGetsockopt(WNativeFunc *, WValue *a) {
  int fd = liveFd(a), level, opt;
  if (fd < 0 || !intArgOr(a[1], 0, level) || !intArgOr(a[2], 0, opt)) return wrt_errv();
  int v = 0;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, opt, &v, &len) != 0) return raiseOSError(errno);
  return wrt_int(v);
}

WValue nameOf(WValue *a, bool peer) {
  int fd = liveFd(a);
  if (fd < 0) return wrt_errv();
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr *>(&ss), &len)
                : getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len);
  if (rc != 0) return raiseOSError(errno);
  return addrTuple(ss, len);
}

WValue sGetsockname(WNativeFunc *, WValue *a) { return nameOf(a, false); }
WValue sGetpeername(WNativeFunc *, WValue *a) { return nameOf(a, true); }
WValue sFamily(WNativeFunc *, WValue *a) { return wrt_int(self(a)->family); }
WValue sType(WNativeFunc *, WValue *a) { return wrt_int(self(a)->type); }
WValue sProto(WNativeFunc *, WValue *a) { return wrt_int(self(a)->proto); }
WValue sEnter(WNativeFunc *, WValue *a) { return a[0]; }
WValue sExit(WNativeFunc *, WValue *a) { return sClose(nullptr, a); }

WValue sRepr(WNativeFunc *, WValue *a) {
  SocketObj *s = self(a);
  std::string out = "<socket.socket fd=" + std::to_string(s->fd) + ", family=" + std::to_string(s->family) +
                    ", type=" + std::to_string(s->type) + ", proto=" + std::to_string(s->proto);
  if (s->fd >= 0) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(s->fd, reinterpret_cast<sockaddr *>(&ss), &len) == 0) {
      WValue t = wrt_str(addrTuple(ss, len));
      if (t.tag == WT_OBJ) out += ", laddr=" + std::string(strView(t));
    }
    len = sizeof ss;
    if (getpeername(s->fd, reinterpret_cast<sockaddr *>(&ss), &len) == 0) {
      WValue t = wrt_str(addrTuple(ss, len));
      if (t.tag == WT_OBJ) out += ", raddr=" + std::string(strView(t));
    }
    errClear();
  }
  return newStr(out + ">");
}

WValue sSocketpair(WNativeFunc *, WValue *a) {
  int family, type, proto;
  if (!intArgOr(a[0], AF_UNIX, family) || !intArgOr(a[1], SOCK_STREAM, type) || !intArgOr(a[2], 0, proto))
    return wrt_errv();
  int fds[2];
  if (socketpair(family, type | SOCK_CLOEXEC, proto, fds) != 0) return raiseOSError(errno);
  WValue pair[2] = {newSocketObj(fds[0], family, type, proto), newSocketObj(fds[1], family, type, proto)};
  return newTupleFrom(2, pair);
}

/// socket.create_connection(address, timeout=None, source_address=None):
/// each address getaddrinfo gives for (host, port) in turn, the first
/// socket that connects returned, else the last error raised.
WValue sCreateConnection(WNativeFunc *, WValue *a) {
  if (!isKind(a[0], Kind::Tuple) || asTuple(a[0])->size != 2)
    return raiseTypeError("create_connection() address must be a (host, port) tuple");
  WValue infos = getaddrinfoList(asTuple(a[0])->items[0], asTuple(a[0])->items[1], AF_UNSPEC, SOCK_STREAM, 0, 0);
  if (infos.tag == WT_ERR) return infos;
  WValue lastErr = wrt_unbound();
  for (int64_t i = 0; i < asList(infos)->size; i++) {
    WTuple *info = asTuple(asList(infos)->items[i]);
    WValue sv = newSocketObj(socket(int(info->items[0].i), SOCK_STREAM | SOCK_CLOEXEC, int(info->items[2].i)),
                             int(info->items[0].i), SOCK_STREAM, int(info->items[2].i));
    WValue argv[2] = {sv, a[1]};
    if (self(argv)->fd < 0) {
      lastErr = newOSError(errno);
      continue;
    }
    if (a[1].tag != WT_UNBOUND && a[1].tag != WT_NONE && sSettimeout(nullptr, argv).tag == WT_ERR) return wrt_errv();
    WValue step = wrt_none();
    if (a[2].tag != WT_UNBOUND && a[2].tag != WT_NONE) {
      WValue bindArgs[2] = {sv, a[2]};
      step = sBind(nullptr, bindArgs);
    }
    if (step.tag != WT_ERR) {
      WValue connArgs[2] = {sv, info->items[4]};
      step = sConnect(nullptr, connArgs);
    }
    if (step.tag != WT_ERR) return sv;
    lastErr = errFetch();
    sClose(nullptr, argv);
  }
  if (lastErr.tag == WT_UNBOUND) return raise(T.OSError, "getaddrinfo returns an empty list");
  return raiseValue(lastErr);
}

} // namespace

WTypeObj *socketObjType() {
  if (sockType) return sockType;
  sockType = newType("socket", T.object, Kind::Other, "socket");
  sockType->ctor = makeNative("socket", sCtor, "family=?, type=?, proto=?, fileno=None");
  const struct { const char *name; WNativeCode code; const char *params; } methods[] = {
      {"fileno", sFileno, "self, /"},
      {"close", sClose, "self, /"},
      {"detach", sDetach, "self, /"},
      {"bind", sBind, "self, address, /"},
      {"listen", sListen, "self, backlog=?, /"},
      {"accept", sAccept, "self, /"},
      {"connect", sConnect, "self, address, /"},
      {"connect_ex", sConnectEx, "self, address, /"},
      {"send", sSend, "self, data, flags=0, /"},
      {"sendall", sSendall, "self, data, flags=0, /"},
      {"sendto", sSendto, "self, data, address, /"},
      {"recv", sRecv, "self, bufsize, flags=0, /"},
      {"recvfrom", sRecvfrom, "self, bufsize, flags=0, /"},
      {"shutdown", sShutdown, "self, how, /"},
      {"setblocking", sSetblocking, "self, flag, /"},
      {"getblocking", sGetblocking, "self, /"},
      {"settimeout", sSettimeout, "self, value, /"},
      {"gettimeout", sGettimeout, "self, /"},
      {"setsockopt", sSetsockopt, "self, level, option, value, /"},
      {"getsockopt", sGetsockopt, "self, level, option, /"},
      {"getsockname", sGetsockname, "self, /"},
      {"getpeername", sGetpeername, "self, /"},
      {"__enter__", sEnter, "self, /"},
      {"__exit__", sExit, "self, *args"},
      {"__repr__", sRepr, "self, /"},
  };
  for (const auto &m : methods) addMethod(sockType, m.name, m.code, m.params);
  typeSetAttr(sockType, "family", newReadOnlyProperty("family", sFamily));
  typeSetAttr(sockType, "type", newReadOnlyProperty("type", sType));
  typeSetAttr(sockType, "proto", newReadOnlyProperty("proto", sProto));
  return sockType;
}

WValue newSocketObj(int fd, int family, int type, int proto) {
  auto *s = newObj<SocketObj>(socketObjType());
  s->fd = fd;
  s->family = family;
  s->type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  s->proto = proto;
  s->timeout = (type & SOCK_NONBLOCK) ? 0 : -1;
  // Closed with the object if the program forgets to (CPython closes it when
  // the last reference goes, with a ResourceWarning nobody sees by default).
  GC_register_finalizer_no_order(
      s, [](void *o, void *) { if (static_cast<SocketObj *>(o)->fd >= 0) close(static_cast<SocketObj *>(o)->fd); },
      nullptr, nullptr, nullptr);
  return wrt_obj(s);
}

SocketObj *openSocketArg(WValue v) {
  if (v.tag != WT_OBJ || v.o->type != socketObjType()) {
    raiseTypeError("expected a socket.socket, got %s", typeName(v));
    return nullptr;
  }
  auto *s = reinterpret_cast<SocketObj *>(v.o);
  if (s->fd < 0) {
    raiseOSError(EBADF);
    return nullptr;
  }
  return s;
}

void addSocketObjects(WValue module) {
  moduleSet(module, "socket", wrt_obj(socketObjType()));
  moduleSet(module, "SocketType", wrt_obj(socketObjType()));
  moduleSet(module, "socketpair", makeNative("socketpair", sSocketpair, "family=?, type=?, proto=?"));
  moduleSet(module, "create_connection",
            makeNative("create_connection", sCreateConnection, "address, timeout=?, source_address=None"));
}

} // namespace weft::rt
