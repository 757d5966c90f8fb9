// StreamConnect.cpp: open_connection and loop.create_connection: the host
// resolved (io/Resolve.h), then each address tried in turn, as CPython's
// create_connection does.
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
#include <sys/un.h>
#include <unistd.h>

namespace weft::rt::streams {

// ---------------------------------------------------------------- name resolution

std::string addrText(const sockaddr *sa) {
  if (sa->sa_family == AF_UNIX) return "'" + std::string(reinterpret_cast<const sockaddr_un *>(sa)->sun_path) + "'";
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
  WValue localAddr;       ///< local_addr=: bound before each connect, or None
  WValue protocolFactory; ///< loop.create_connection's factory; UNBOUND for open_connection
};


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
    // A Unix socket whose listener's backlog is full answers EAGAIN: asyncio
    // waits for it to become writable, as for a TCP connect in progress.
    bool isUnix = family == AF_UNIX;
    if (c->localAddr.tag == WT_OBJ) {
      sockaddr_storage local;
      socklen_t llen;
      if (!sockaddrFrom(c->localAddr, family, local, llen)) {
        close(fd);
        listAppend(asList(c->errors), wrt_obj(fetchError()));
        continue;
      }
      if (bind(fd, reinterpret_cast<sockaddr *>(&local), llen) != 0) {
        int err = errno;
        close(fd);
        WValue text = wrt_repr(c->localAddr);
        listAppend(asList(c->errors),
                   wrt_obj(osErrorWith(err, "error while attempting to bind on address " +
                                                std::string(text.tag == WT_OBJ ? strView(text) : "?") + ": " +
                                                strerror(err))));
        continue;
      }
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
    if (errno == EINPROGRESS || (isUnix && errno == EAGAIN)) {
      c->addrStr = newStr(addr);
      int e = c->loop->selector()->addWriter(fd, &onConnectWritable, c, nullptr);
      if (e == 0) {
        c->fd = fd;
        return;
      }
      errno = e;
    }
    // CPython lets a Unix connect's own error through (FileNotFoundError,
    // ConnectionRefusedError for a stale path), without the address text.
    listAppend(asList(c->errors), isUnix ? newOSError(errno) : wrt_obj(osErrorWith(errno, "Connect call failed " + addr)));
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
  if (passFailureOn(r, c->fut)) return 0;
  if (!isKind(r->result, Kind::List)) futureSetExceptionRaw(c->fut, excMsg(T.OSError, "bad getaddrinfo() result"));
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
WValue connectTo(WValue host, WValue port, int64_t limit, WValue factory, const StreamOptions &opt) {
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  bool noAddress = (host.tag == WT_NONE || host.tag == WT_UNBOUND) && (port.tag == WT_NONE || port.tag == WT_UNBOUND);
  if (opt.sock) {
    if (!noAddress) return raise(T.ValueError, "host/port and sock can not be specified at the same time");
    WValue conn = finishAny(loop, adoptSocket(opt.sock), limit, factory);
    return conn.tag == WT_ERR ? conn : wrt_obj(doneFuture(loop, conn));
  }
  if (noAddress) return raise(T.ValueError, "host and port was not specified and no sock specified");
  if (port.tag != WT_NONE && port.tag != WT_UNBOUND && !isIntLike(port) && !isStr(port))
    return raiseTypeError("port must be an int");
  WValue rv = resolveOnLoop(loop, host, port, opt.family, SOCK_STREAM, opt.flags);
  if (rv.tag == WT_ERR) return rv;
  auto *c = newObj<ConnectState>(connectType);
  c->loop = loop;
  c->fd = -1;
  c->limit = limit;
  c->fut = pendingFuture(loop);
  c->resolving = asFuture(rv);
  c->errors = newList(0);
  c->protocolFactory = factory;
  c->localAddr = opt.localAddr;
  addDoneCallback(c->fut, &connectCancelled, c);
  if (isDone(c->resolving)) onResolved(c, nullptr);
  else addDoneCallback(c->resolving, &onResolved, c);
  return wrt_obj(c->fut);
}

WValue openConnection(WNativeFunc *, WValue *a) {
  int64_t limit;
  StreamOptions opt;
  if (!limitArg(a[2], limit) || !streamOptions(a[3], "BaseEventLoop.create_connection", false, opt)) return wrt_errv();
  return connectTo(a[0], a[1], limit, wrt_unbound(), opt);
}

/// A future for the connection to the Unix socket at [path]
/// (open_unix_connection, loop.create_unix_connection).
WValue connectToUnix(WValue path, int64_t limit, WValue factory, const StreamOptions &opt) {
  EventLoop *loop = runningLoop();
  if (!loop) return wrt_errv();
  if (opt.sock) {
    if (path.tag != WT_NONE && path.tag != WT_UNBOUND) return raise(T.ValueError, "path and sock can not be specified at the same time");
    WValue conn = finishAny(loop, adoptSocket(opt.sock), limit, factory);
    return conn.tag == WT_ERR ? conn : wrt_obj(doneFuture(loop, conn));
  }
  if (!isStr(path) && !isKind(path, Kind::Bytes)) {
    if (path.tag == WT_NONE || path.tag == WT_UNBOUND) return raise(T.ValueError, "no path and sock were specified");
    return raiseTypeError("expected str, bytes or os.PathLike object, not %s", typeName(path));
  }
  WValue items[5] = {wrt_int(AF_UNIX), wrt_int(SOCK_STREAM), wrt_int(0), newStr(""), path};
  auto *c = newObj<ConnectState>(connectType);
  c->loop = loop;
  c->fd = -1;
  c->limit = limit;
  c->fut = pendingFuture(loop);
  c->infos = newList(0);
  listAppend(asList(c->infos), newTupleFrom(5, items));
  c->errors = newList(0);
  c->protocolFactory = factory;
  c->localAddr = wrt_none();
  addDoneCallback(c->fut, &connectCancelled, c);
  tryNextAddress(c);
  return wrt_obj(c->fut);
}

WValue openUnixConnection(WNativeFunc *, WValue *a) {
  int64_t limit;
  StreamOptions opt;
  if (!limitArg(a[1], limit) || !streamOptions(a[2], "_UnixSelectorEventLoop.create_unix_connection", false, opt)) return wrt_errv();
  return connectToUnix(a[0], limit, wrt_unbound(), opt);
}

} // namespace weft::rt::streams
