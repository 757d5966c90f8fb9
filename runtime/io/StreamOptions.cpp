// StreamOptions.cpp: the keyword arguments of open_connection,
// start_server, loop.create_connection and loop.create_server (and their
// Unix twins) that Weft acts on, read in one place. CPython forwards
// open_connection's **kwds to create_connection, so an unknown keyword is
// refused with the TypeError create_connection would raise; TLS is refused
// with NotImplementedError rather than ignored, which would send in the clear
// what the program meant to encrypt.
#include "io/StreamsInternal.h"

#include "core/CoreInternal.h"
#include "io/SocketObject.h"

#include <fcntl.h>
#include <string_view>

namespace weft::rt::streams {

namespace {

bool isNoneOrFalse(WValue v) { return v.tag == WT_NONE || v.tag == WT_UNBOUND || (v.tag == WT_BOOL && v.i == 0); }

bool intOption(WValue v, int &out) {
  if (v.tag == WT_NONE) return true;
  if (!isIntLike(v)) {
    raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
    return false;
  }
  out = int(v.i);
  return true;
}

} // namespace

bool streamOptions(WValue kwds, const char *fn, bool server, StreamOptions &out) {
  if (!isKind(kwds, Kind::Dict)) return true;
  WDict *d = asDict(kwds);
  WDictEntry *e;
  for (int64_t pos = 0; dictNext(d, pos, e);) {
    std::string_view k = strView(e->key);
    WValue v = e->value;
    if (k == "sock") {
      if (v.tag == WT_NONE) continue;
      out.sock = openSocketArg(v);
      if (!out.sock) return false;
    } else if (k == "family") {
      if (!intOption(v, out.family)) return false;
    } else if (k == "flags") {
      if (!intOption(v, out.flags)) return false;
    } else if (k == "proto" && !server) {
      if (!intOption(v, out.proto)) return false;
    } else if (k == "local_addr" && !server) {
      out.localAddr = v;
    } else if (k == "reuse_port" && server) {
      out.reusePort = truthy(v) == 1;
    } else if (k == "reuse_address" && server) {
      // SO_REUSEADDR is always set on Unix, as asyncio's default.
    } else if (k == "happy_eyeballs_delay" || k == "interleave") {
      // Hints for racing addresses: Weft tries them in turn, which they
      // only reorder or speed up.
    } else if (k == "ssl" || k == "server_hostname" || k == "ssl_handshake_timeout" ||
               k == "ssl_shutdown_timeout") {
      if (!isNoneOrFalse(v)) {
        raiseFormat(T.NotImplementedError, "%s(%.*s=...): Weft has no TLS support", fn, int(k.size()), k.data());
        return false;
      }
    } else {
      raiseFormat(T.TypeError, "%s() got an unexpected keyword argument '%.*s'", fn, int(k.size()), k.data());
      return false;
    }
  }
  return true;
}

int adoptSocket(SocketObj *s) {
  int fd = s->fd;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  // The transport owns the descriptor now; the socket object lets go of it
  // so that collecting it does not close the connection.
  s->fd = -1;
  return fd;
}

} // namespace weft::rt::streams
