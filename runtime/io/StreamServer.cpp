// StreamServer.cpp: start_server and loop.create_server's Server: binding,
// accepting with a backoff on EMFILE/ENFILE (RELIABILITY.md rule 38),
// serve_forever, close and wait_closed.
#include "io/StreamsInternal.h"

#include "core/Text.h"
#include "io/Resolve.h"
#include "io/SocketObject.h"
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
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace weft::rt::streams {

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

/// The done callback StreamReaderProtocol puts on a client_connected_cb
/// task: a handler that raised is reported and its connection closed, so
/// the client sees EOF instead of waiting forever. (3.11 does nothing more
/// for a cancelled handler.)
int handlerTaskDone(void *a, void *fut) {
  Future *f = static_cast<Future *>(fut);
  if (f->state == FutState::Cancelled || !f->exception) return 0;
  markRetrieved(f);
  Writer *w = static_cast<Writer *>(a);
  logLoopError(f->loop, "Unhandled exception in client_connected_cb", "", f->exception);
  transportClose(w->tr);
  return 0;
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
      else addDoneCallback(asFuture(t), &handlerTaskDone, asWriter(asTuple(pair)->items[1]));
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
  bool reusePort;     ///< reuse_port=: SO_REUSEPORT on each socket
};


/// The Server listening on [fd], serving at once unless start_serving=False.
WValue newServer(ListenState *ls, int fd, int family) {
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
    if (ls->reusePort) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
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
  return newServer(ls, fd, family);
}

int onListenResolved(void *a, void *) {
  ListenState *ls = static_cast<ListenState *>(a);
  Future *r = ls->resolving;
  if (isDone(ls->fut)) return 0;  // cancelled meanwhile
  if (passFailureOn(r, ls->fut)) return 0;
  WValue srv = bindServer(ls, r->result);
  if (srv.tag == WT_ERR) futureSetExceptionRaw(ls->fut, fetchError());
  else futureSetResult(ls->fut, srv);
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
                WValue factory, const StreamOptions &opt) {
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  auto *ls = newObj<ListenState>(listenType);
  ls->loop = loop;
  ls->cb = cb;
  ls->startServing = startServing;
  ls->factory = factory;
  ls->limit = limit;
  ls->backlog = backlogArg.tag == WT_INT ? backlogArg.i : 100;
  ls->reusePort = opt.reusePort;
  if (opt.sock) {
    if ((host.tag != WT_NONE && host.tag != WT_UNBOUND) || (port.tag != WT_NONE && port.tag != WT_UNBOUND))
      return raise(T.ValueError, "host/port and sock can not be specified at the same time");
    int family = opt.sock->family;
    int fd = adoptSocket(opt.sock);
    if (listen(fd, int(ls->backlog)) != 0) return raiseOSError(errno);
    WValue srv = newServer(ls, fd, family);
    return srv.tag == WT_ERR ? srv : wrt_obj(doneFuture(loop, srv));
  }
  if (port.tag != WT_NONE && port.tag != WT_UNBOUND && !isIntLike(port) && !isStr(port))
    return raiseTypeError("port must be an int");
  WValue rv = resolveOnLoop(loop, host, port, opt.family, SOCK_STREAM, opt.flags | AI_PASSIVE);
  if (rv.tag == WT_ERR) return rv;
  ls->resolving = asFuture(rv);
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
  StreamOptions opt;
  if (!limitArg(a[3], limit) || !streamOptions(a[6], "BaseEventLoop.create_server", true, opt)) return wrt_errv();
  return listenOn(a[0], a[1], a[2], limit, a[4], a[5], wrt_unbound(), opt);
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



/// A future for a Server on the Unix socket [path] (start_unix_server,
/// loop.create_unix_server). As CPython's, a stale socket file at [path] is
/// removed first, and a path in use is named in the error.
WValue listenOnUnix(WValue cb, WValue path, int64_t limit, WValue backlogArg, WValue startServing, WValue factory,
                    const StreamOptions &opt) {
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  if (opt.sock) {
    if (path.tag != WT_NONE && path.tag != WT_UNBOUND) return raise(T.ValueError, "path and sock can not be specified at the same time");
    return listenOn(cb, wrt_none(), wrt_none(), limit, backlogArg, startServing, factory, opt);
  }
  if (!isStr(path) && !isKind(path, Kind::Bytes)) {
    if (path.tag == WT_NONE || path.tag == WT_UNBOUND) return raise(T.ValueError, "path was not specified, and no sock specified");
    return raiseTypeError("expected str, bytes or os.PathLike object, not %s", typeName(path));
  }
  sockaddr_storage ss;
  socklen_t sslen;
  if (!sockaddrFrom(path, AF_UNIX, ss, sslen)) return wrt_errv();
  const char *p = reinterpret_cast<sockaddr_un *>(&ss)->sun_path;
  struct stat st;
  if (p[0] != '\0' && stat(p, &st) == 0 && S_ISSOCK(st.st_mode)) unlink(p);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return raiseOSError(errno);
  int64_t backlog = backlogArg.tag == WT_INT ? backlogArg.i : 100;
  if (bind(fd, reinterpret_cast<sockaddr *>(&ss), sslen) != 0 || listen(fd, int(backlog)) != 0) {
    int err = errno;
    close(fd);
    if (err != EADDRINUSE) return raiseOSError(err);
    std::string text(strView(wrt_repr(path)));
    return restoreError(osErrorWith(EADDRINUSE, "Address " + text + " is already in use"));
  }
  auto *ls = newObj<ListenState>(listenType);
  ls->loop = loop;
  ls->cb = cb;
  ls->startServing = startServing;
  ls->factory = factory;
  ls->limit = limit;
  WValue srv = newServer(ls, fd, AF_UNIX);
  return srv.tag == WT_ERR ? srv : wrt_obj(doneFuture(loop, srv));
}

WValue startUnixServer(WNativeFunc *, WValue *a) {
  int64_t limit;
  StreamOptions opt;
  if (!limitArg(a[2], limit) || !streamOptions(a[5], "_UnixSelectorEventLoop.create_unix_server", true, opt)) return wrt_errv();
  return listenOnUnix(a[0], a[1], limit, a[3], a[4], wrt_unbound(), opt);
}

// CPython's are coroutines.
WEFT_CORO_ENTRY(serverWaitClosedCoro, serverWaitClosed, "wait_closed", 1)
WEFT_CORO_ENTRY(serverStartServingCoro, serverStartServingImpl, "start_serving", 1)
WEFT_CORO_ENTRY(serverServeForeverCoro, serverServeForever, "serve_forever", 1)

/// The methods of Server (the type exists).
void addServerMethods() {
  typeSetAttr(serverType, "sockets", newReadOnlyProperty("sockets", serverSockets));
  addMethod(serverType, "close", serverCloseImpl, "self");
  addMethod(serverType, "is_serving", serverIsServing, "self");
  addMethod(serverType, "wait_closed", serverWaitClosedCoro, "self");
  addMethod(serverType, "start_serving", serverStartServingCoro, "self");
  addMethod(serverType, "serve_forever", serverServeForeverCoro, "self");
  addMethod(serverType, "get_loop", serverGetLoop, "self");
  addMethod(serverType, "__aenter__", serverAenter, "self");
  addMethod(serverType, "__aexit__", serverAexit, "self, *args");
  addMethod(serverType, "__repr__", serverRepr, "self");
}
} // namespace weft::rt::streams
