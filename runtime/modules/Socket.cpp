// Socket.cpp: the parts of the native `socket` module that asyncio programs
// reach for beside the streams: the address-family, socket-type, protocol
// and getaddrinfo/getnameinfo flag constants, gaierror (and socket.error and
// socket.timeout, CPython's aliases of OSError and TimeoutError),
// getaddrinfo, getnameinfo, gethostname and has_ipv6, and socket objects
// (io/SocketObject.cpp) for loop.sock_* and blocking scripts.
//
// Known difference: CPython's constants are IntEnum members, so printing
// getaddrinfo's result shows <AddressFamily.AF_INET: 2> where Weft shows 2.
// They compare, hash and index as the same ints.
#include "core/Text.h"
#include "io/Resolve.h"
#include "io/SocketObject.h"

#include <cerrno>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace weft::rt {

namespace {

WValue sGethostname(WNativeFunc *, WValue *) {
  char name[256];
  if (gethostname(name, sizeof name) != 0) return raiseOSError(errno);
  name[sizeof name - 1] = '\0';
  return newStr(name);
}

WValue initSocket() {
  WValue m = newModule("socket");
  const struct { const char *name; int value; } constants[] = {
      {"AF_UNSPEC", AF_UNSPEC},         {"AF_INET", AF_INET},
      {"AF_INET6", AF_INET6},           {"AF_UNIX", AF_UNIX},
      {"SOCK_STREAM", SOCK_STREAM},     {"SOCK_DGRAM", SOCK_DGRAM},
      {"SOCK_RAW", SOCK_RAW},           {"SOCK_NONBLOCK", SOCK_NONBLOCK},
      {"SOCK_CLOEXEC", SOCK_CLOEXEC},   {"IPPROTO_IP", IPPROTO_IP},
      {"IPPROTO_TCP", IPPROTO_TCP},     {"IPPROTO_UDP", IPPROTO_UDP},
      {"IPPROTO_IPV6", IPPROTO_IPV6},   {"SOL_SOCKET", SOL_SOCKET},
      {"SO_REUSEADDR", SO_REUSEADDR},   {"SO_REUSEPORT", SO_REUSEPORT},
      {"SO_KEEPALIVE", SO_KEEPALIVE},   {"SO_SNDBUF", SO_SNDBUF},
      {"SO_RCVBUF", SO_RCVBUF},         {"SO_ERROR", SO_ERROR},
      {"TCP_NODELAY", TCP_NODELAY},     {"IPV6_V6ONLY", IPV6_V6ONLY},
      {"AI_PASSIVE", AI_PASSIVE},       {"AI_CANONNAME", AI_CANONNAME},
      {"AI_NUMERICHOST", AI_NUMERICHOST}, {"AI_NUMERICSERV", AI_NUMERICSERV},
      {"AI_ADDRCONFIG", AI_ADDRCONFIG}, {"AI_V4MAPPED", AI_V4MAPPED},
      {"NI_NUMERICHOST", NI_NUMERICHOST}, {"NI_NUMERICSERV", NI_NUMERICSERV},
      {"NI_NAMEREQD", NI_NAMEREQD},     {"NI_DGRAM", NI_DGRAM},
      {"NI_NOFQDN", NI_NOFQDN},         {"SHUT_RD", SHUT_RD},
      {"SHUT_WR", SHUT_WR},             {"SHUT_RDWR", SHUT_RDWR},
      {"EAI_NONAME", EAI_NONAME},       {"EAI_AGAIN", EAI_AGAIN},
      {"EAI_FAIL", EAI_FAIL},           {"EAI_SERVICE", EAI_SERVICE},
      {"SOMAXCONN", SOMAXCONN},
  };
  for (const auto &c : constants) moduleSet(m, c.name, wrt_int(c.value));
  moduleSet(m, "has_ipv6", wrt_bool(true));
  moduleSet(m, "gaierror", wrt_obj(gaierrorType()));
  moduleSet(m, "error", wrt_obj(T.OSError));
  moduleSet(m, "timeout", wrt_obj(T.TimeoutError));
  moduleSet(m, "getaddrinfo", getaddrinfoFunc());
  moduleSet(m, "getnameinfo", getnameinfoFunc());
  moduleSet(m, "gethostname", makeNative("gethostname", sGethostname, ""));
  addSocketObjects(m);
  return m;
}

} // namespace

void initSocketModule() { registerModule("socket", initSocket); }

} // namespace weft::rt
