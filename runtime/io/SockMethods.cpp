// SockMethods.cpp: the loop's low-level socket coroutines (CPython's
// BaseSelectorEventLoop.sock_*): sock_recv, sock_recvfrom, sock_sendall,
// sock_sendto, sock_connect and sock_accept on non-blocking socket objects.
// Each tries its call at once and, when the socket is not ready, waits for
// the selector to report it ready and tries again; a cancel stops watching.
#include "io/SocketObject.h"

#include "core/CoreInternal.h"
#include "io/Resolve.h"
#include "modules/AsyncioInternal.h"
#include "task/CallCoro.h"
#include "task/Errors.h"
#include "weft/rt/wrt_api.h"
#include "task/Future.h"

#include <cerrno>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace weft::rt {

namespace {

enum class SockOpKind : uint8_t { Recv, RecvFrom, SendAll, SendTo, Connect, Accept };

/// One sock_* call waiting for its socket.
struct SockOp {
  WObj hdr;
  EventLoop *loop;
  Future *fut;
  SocketObj *sock;
  SockOpKind kind;
  bool watching;
  int64_t n;       ///< recv size, or bytes of data sent so far
  WValue data;     ///< what sendall/sendto sends
  WValue address;  ///< sendto's and connect's address
};

WTypeObj *opType;

bool writes(SockOpKind k) { return k == SockOpKind::SendAll || k == SockOpKind::SendTo || k == SockOpKind::Connect; }

void stopWatching(SockOp *op) {
  if (!op->watching) return;
  op->watching = false;
  if (writes(op->kind)) op->loop->selector()->removeWriter(op->sock->fd);
  else op->loop->selector()->removeReader(op->sock->fd);
}

/// Tries the operation once: 1 finished (fut done), 0 try again later.
int attempt(SockOp *op);

int onReady(void *a, void *) {
  auto *op = static_cast<SockOp *>(a);
  if (isDone(op->fut) || op->sock->fd < 0) {
    stopWatching(op);
    if (!isDone(op->fut)) futureSetExceptionRaw(op->fut, newOSError(EBADF).o);
    return 0;
  }
  if (attempt(op)) stopWatching(op);
  return 0;
}

int onOpDone(void *a, void *) {
  auto *op = static_cast<SockOp *>(a);
  if (op->fut->state == FutState::Cancelled && op->sock->fd >= 0) stopWatching(op);
  return 0;
}

void fail(SockOp *op, int err) {
  std::string text;
  if (op->kind == SockOpKind::Connect) {
    WValue r = wrt_str(op->address);
    text = "Connect call failed " + std::string(r.tag == WT_OBJ ? strView(r) : "?");
    WValue proto = newOSError(err);
    WValue items[2] = {wrt_int(err), newStr(text)};
    futureSetExceptionRaw(op->fut, newException(typeOf(proto), newTupleFrom(2, items).o).o);
    return;
  }
  futureSetExceptionRaw(op->fut, newOSError(err).o);
}

int attempt(SockOp *op) {
  int fd = op->sock->fd;
  switch (op->kind) {
  case SockOpKind::Recv:
  case SockOpKind::RecvFrom: {
    std::string buf(size_t(op->n), '\0');
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    bool from = op->kind == SockOpKind::RecvFrom;
    ssize_t got = recvfrom(fd, buf.data(), buf.size(), 0, from ? reinterpret_cast<sockaddr *>(&ss) : nullptr,
                           from ? &len : nullptr);
    if (got < 0) {
      if (errno == EAGAIN || errno == EINTR) return 0;
      fail(op, errno);
      return 1;
    }
    WValue data = newBytes(std::string_view(buf.data(), size_t(got)));
    if (!from) {
      futureSetResult(op->fut, data);
    } else {
      WValue pair[2] = {data, len ? addrTuple(ss, len) : wrt_none()};
      futureSetResult(op->fut, newTupleFrom(2, pair));
    }
    return 1;
  }
  case SockOpKind::SendAll:
  case SockOpKind::SendTo: {
    auto *b = reinterpret_cast<WBytes *>(op->data.o);
    for (;;) {
      ssize_t sent;
      if (op->kind == SockOpKind::SendTo) {
        sockaddr_storage ss;
        socklen_t len;
        if (!sockaddrFrom(op->address, op->sock->family, ss, len)) {
          futureSetExceptionRaw(op->fut, fetchError());
          return 1;
        }
        sent = sendto(fd, b->data, size_t(b->size), MSG_NOSIGNAL, reinterpret_cast<sockaddr *>(&ss), len);
      } else {
        sent = send(fd, b->data + op->n, size_t(b->size - op->n), MSG_NOSIGNAL);
      }
      if (sent < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return 0;
        fail(op, errno);
        return 1;
      }
      if (op->kind == SockOpKind::SendTo) {
        futureSetResult(op->fut, wrt_int(sent));
        return 1;
      }
      op->n += sent;
      if (op->n >= b->size) {
        futureSetResult(op->fut, wrt_none());
        return 1;
      }
    }
  }
  case SockOpKind::Connect: {
    if (op->watching) {  // the connect in progress finished
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err) fail(op, err);
      else futureSetResult(op->fut, wrt_none());
      return 1;
    }
    sockaddr_storage ss;
    socklen_t len;
    if (!sockaddrFrom(op->address, op->sock->family, ss, len)) {
      futureSetExceptionRaw(op->fut, fetchError());
      return 1;
    }
    int rc;
    do rc = connect(fd, reinterpret_cast<sockaddr *>(&ss), len);
    while (rc != 0 && errno == EINTR);
    if (rc == 0) {
      futureSetResult(op->fut, wrt_none());
      return 1;
    }
    if (errno == EINPROGRESS || errno == EAGAIN) return 0;
    fail(op, errno);
    return 1;
  }
  case SockOpKind::Accept: {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int c = accept4(fd, reinterpret_cast<sockaddr *>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) return 0;
      fail(op, errno);
      return 1;
    }
    // conn.setblocking(False), as sock_accept does.
    WValue pair[2] = {newSocketObj(c, op->sock->family, op->sock->type | SOCK_NONBLOCK, op->sock->proto),
                      addrTuple(ss, len)};
    futureSetResult(op->fut, newTupleFrom(2, pair));
    return 1;
  }
  }
  return 1;
}

/// Starts [kind] on the socket a[1]: a future, done at once when the call
/// could be made, else once the selector reports the socket ready.
WValue start(WValue *a, SockOpKind kind, int64_t n, WValue data, WValue address) {
  EventLoop *loop = loopOf(a[0]);
  SocketObj *s = openSocketArg(a[1]);
  if (!s) return wrt_errv();
  if (data.tag != WT_UNBOUND && !isKind(data, Kind::Bytes))
    return raiseFormat(T.TypeError, "a bytes-like object is required, not '%s'", typeName(data));
  if (!opType) opType = newType("_SockOp", T.object, Kind::Other, "asyncio");
  auto *op = newObj<SockOp>(opType);
  op->loop = loop;
  op->fut = newFuture(loop);
  if (AT.future) op->fut->hdr.type = AT.future;
  op->sock = s;
  op->kind = kind;
  op->n = n;
  op->data = data;
  op->address = address;
  if (attempt(op)) return wrt_obj(op->fut);
  int e = writes(kind) ? loop->selector()->addWriter(s->fd, &onReady, op, nullptr)
                       : loop->selector()->addReader(s->fd, &onReady, op, nullptr);
  if (e != 0) return raiseOSError(e);
  op->watching = true;
  addDoneCallback(op->fut, &onOpDone, op);
  return wrt_obj(op->fut);
}

bool sizeArg(WValue v, int64_t &n) {
  if (!isIntLike(v)) {
    raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
    return false;
  }
  n = v.i;
  if (n < 0) {
    raise(T.ValueError, "negative buffersize in recv");
    return false;
  }
  return true;
}

WValue sockRecv(WNativeFunc *, WValue *a) {
  int64_t n;
  return sizeArg(a[2], n) ? start(a, SockOpKind::Recv, n, wrt_unbound(), wrt_unbound()) : wrt_errv();
}
WValue sockRecvfrom(WNativeFunc *, WValue *a) {
  int64_t n;
  return sizeArg(a[2], n) ? start(a, SockOpKind::RecvFrom, n, wrt_unbound(), wrt_unbound()) : wrt_errv();
}
WValue sockSendall(WNativeFunc *, WValue *a) { return start(a, SockOpKind::SendAll, 0, a[2], wrt_unbound()); }
WValue sockSendto(WNativeFunc *, WValue *a) { return start(a, SockOpKind::SendTo, 0, a[2], a[3]); }
WValue sockConnect(WNativeFunc *, WValue *a) { return start(a, SockOpKind::Connect, 0, wrt_unbound(), a[2]); }
WValue sockAccept(WNativeFunc *, WValue *a) {
  return start(a, SockOpKind::Accept, 0, wrt_unbound(), wrt_unbound());
}

WEFT_CORO_ENTRY(sockRecvCoro, sockRecv, "sock_recv", 3)
WEFT_CORO_ENTRY(sockRecvfromCoro, sockRecvfrom, "sock_recvfrom", 3)
WEFT_CORO_ENTRY(sockSendallCoro, sockSendall, "sock_sendall", 3)
WEFT_CORO_ENTRY(sockSendtoCoro, sockSendto, "sock_sendto", 4)
WEFT_CORO_ENTRY(sockConnectCoro, sockConnect, "sock_connect", 3)
WEFT_CORO_ENTRY(sockAcceptCoro, sockAccept, "sock_accept", 2)

} // namespace

void addSockMethods(WTypeObj *loopType) {
  addMethod(loopType, "sock_recv", sockRecvCoro, "self, sock, n, /");
  addMethod(loopType, "sock_recvfrom", sockRecvfromCoro, "self, sock, bufsize, /");
  addMethod(loopType, "sock_sendall", sockSendallCoro, "self, sock, data, /");
  addMethod(loopType, "sock_sendto", sockSendtoCoro, "self, sock, data, address, /");
  addMethod(loopType, "sock_connect", sockConnectCoro, "self, sock, address, /");
  addMethod(loopType, "sock_accept", sockAcceptCoro, "self, sock, /");
}

} // namespace weft::rt
