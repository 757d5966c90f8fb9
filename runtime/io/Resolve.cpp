// Resolve.cpp: socket addresses as CPython's socket module gives them, the
// blocking getaddrinfo/getnameinfo, and the loop's non-blocking resolution
// (see Resolve.h). The blocking calls run on executor threads, so they only
// allocate and raise, which workers may do.
#include "io/Resolve.h"

#include "core/CoreInternal.h"
#include "modules/AsyncioInternal.h"
#include "task/CallCoro.h"
#include "task/Future.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>

namespace weft::rt {

namespace {

WTypeObj *gaierror;

/// gaierror(code, message), pending; ERR. EAI_SYSTEM is an OSError of errno.
WValue raiseGai(int rc) {
  if (rc == EAI_SYSTEM) return raiseOSError(errno);
  WValue items[2] = {wrt_int(rc), newStr(gai_strerror(rc))};
  return raiseValue(newException(gaierrorType(), &asTuple(newTupleFrom(2, items))->hdr));
}

/// The text of a host or port argument: None gives [present] false.
bool textArg(WValue v, std::string &out, bool &present) {
  present = v.tag != WT_NONE && v.tag != WT_UNBOUND;
  if (!present) return true;
  if (isStr(v)) out = std::string(strView(v));
  else if (isKind(v, Kind::Bytes)) out.assign(reinterpret_cast<WBytes *>(v.o)->data, reinterpret_cast<WBytes *>(v.o)->size);
  else return false;
  return true;
}

/// Whether [host] is None or a literal IPv4/IPv6 address (asyncio's
/// _ipaddr_info test): such a host needs no name service.
bool numericHost(WValue host) {
  if (host.tag == WT_NONE || host.tag == WT_UNBOUND) return true;
  if (!isStr(host)) return false;
  std::string h(strView(host));
  if (auto pct = h.find('%'); pct != std::string::npos) h.resize(pct);  // fe80::1%eth0
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

WValue getaddrinfoImpl(WNativeFunc *, WValue *a) {
  int family, type, proto, flags;
  if (!intArgOr(a[2], 0, family) || !intArgOr(a[3], 0, type) || !intArgOr(a[4], 0, proto) || !intArgOr(a[5], 0, flags))
    return wrt_errv();
  return getaddrinfoList(a[0], a[1], family, type, proto, flags);
}

WValue getnameinfoImpl(WNativeFunc *, WValue *a) {
  int flags;
  if (!intArgOr(a[1], 0, flags)) return wrt_errv();
  WValue sa = a[0];
  if (!isKind(sa, Kind::Tuple) || asTuple(sa)->size < 2 || asTuple(sa)->size > 4)
    return raiseTypeError("getnameinfo() argument 1 must be a tuple");
  WValue host = asTuple(sa)->items[0];
  int family = asTuple(sa)->size == 2 && !(isStr(host) && strView(host).find(':') != std::string_view::npos)
                   ? AF_INET : AF_INET6;
  sockaddr_storage ss;
  socklen_t len;
  if (!sockaddrFrom(sa, family, ss, len)) return wrt_errv();
  char h[NI_MAXHOST], s[NI_MAXSERV];
  int rc = getnameinfo(reinterpret_cast<sockaddr *>(&ss), len, h, sizeof h, s, sizeof s, flags);
  if (rc != 0) return raiseGai(rc);
  WValue items[2] = {newStr(h), newStr(s)};
  return newTupleFrom(2, items);
}

/// loop.getaddrinfo(host, port, *, family=0, type=0, proto=0, flags=0):
/// always on the default executor, as CPython's.
WValue loopGetaddrinfo(WNativeFunc *, WValue *a) {
  WValue items[6] = {a[1], a[2], a[3], a[4], a[5], a[6]};
  for (WValue &v : items)
    if (v.tag == WT_UNBOUND) v = wrt_int(0);
  WValue args = newTupleFrom(6, items);
  return runInExecutor(loopOf(a[0]), wrt_none(), getaddrinfoFunc(), args.o, nullptr);
}

WValue loopGetnameinfo(WNativeFunc *, WValue *a) {
  WValue items[2] = {a[1], a[2].tag == WT_UNBOUND ? wrt_int(0) : a[2]};
  WValue args = newTupleFrom(2, items);
  return runInExecutor(loopOf(a[0]), wrt_none(), getnameinfoFunc(), args.o, nullptr);
}

WEFT_CORO_ENTRY(loopGetaddrinfoCoro, loopGetaddrinfo, "getaddrinfo", 7)
WEFT_CORO_ENTRY(loopGetnameinfoCoro, loopGetnameinfo, "getnameinfo", 3)

} // namespace

bool intArgOr(WValue v, int dflt, int &out) {
  if (v.tag == WT_UNBOUND || v.tag == WT_NONE) {
    out = dflt;
    return true;
  }
  if (!isIntLike(v)) {
    raiseFormat(T.TypeError, "'%s' object cannot be interpreted as an integer", typeName(v));
    return false;
  }
  out = int(v.i);
  return true;
}

WTypeObj *gaierrorType() {
  if (!gaierror) {
    gaierror = newType("gaierror", T.OSError, Kind::Exception, "socket");
    gaierror->flags |= TYPE_EXCEPTION;
  }
  return gaierror;
}

WValue addrTuple(const sockaddr_storage &ss, socklen_t len) {
  char host[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_UNIX) {
    auto *u = reinterpret_cast<const sockaddr_un *>(&ss);
    size_t n = len > offsetof(sockaddr_un, sun_path) ? len - offsetof(sockaddr_un, sun_path) : 0;
    if (n > 0 && u->sun_path[0] == '\0') return newBytes(std::string_view(u->sun_path, n));  // abstract
    return newStr(std::string_view(u->sun_path, strnlen(u->sun_path, n)));
  }
  if (ss.ss_family == AF_INET6) {
    auto *a = reinterpret_cast<const sockaddr_in6 *>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
    WValue items[4] = {newStr(host), wrt_int(ntohs(a->sin6_port)), wrt_int(ntohl(a->sin6_flowinfo)),
                       wrt_int(a->sin6_scope_id)};
    return newTupleFrom(4, items);
  }
  auto *a = reinterpret_cast<const sockaddr_in *>(&ss);
  inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
  WValue items[2] = {newStr(host), wrt_int(ntohs(a->sin_port))};
  return newTupleFrom(2, items);
}

bool sockaddrFrom(WValue addr, int family, sockaddr_storage &out, socklen_t &len) {
  std::memset(&out, 0, sizeof out);
  if (family == AF_UNIX) {
    std::string path;
    bool present;
    if (!textArg(addr, path, present) || !present) {
      raiseFormat(T.TypeError, "a bytes-like object is required, not '%s'", typeName(addr));
      return false;
    }
    auto *u = reinterpret_cast<sockaddr_un *>(&out);
    if (path.size() >= sizeof u->sun_path) {
      raise(T.OSError, "AF_UNIX path too long");
      return false;
    }
    u->sun_family = AF_UNIX;
    std::memcpy(u->sun_path, path.data(), path.size());
    len = socklen_t(offsetof(sockaddr_un, sun_path) + path.size() + (path.empty() || path[0] ? 1 : 0));
    return true;
  }
  const char *want = family == AF_INET6 ? "AF_INET6" : "AF_INET";
  WTuple *t = isKind(addr, Kind::Tuple) ? asTuple(addr) : nullptr;
  if (!t || t->size < 2 || (family == AF_INET && t->size != 2) || t->size > 4) {
    raiseFormat(T.TypeError, "%s address must be tuple, not %s", want, typeName(addr));
    return false;
  }
  std::string host;
  bool present;
  if (!textArg(t->items[0], host, present) || !present || !isIntLike(t->items[1])) {
    raiseTypeError("%s address must be a (host, port) tuple", want);
    return false;
  }
  int64_t port = t->items[1].i;
  if (port < 0 || port > 65535) {
    raise(T.OverflowError, "getsockaddrarg: port must be 0-65535.");
    return false;
  }
  // A name here is rare (addresses come from getaddrinfo): resolve it the
  // way the socket module would, numerically first.
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = family;
  hints.ai_flags = numericHost(t->items[0]) ? AI_NUMERICHOST : 0;
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    raiseGai(rc);
    return false;
  }
  std::memcpy(&out, res->ai_addr, res->ai_addrlen);
  len = res->ai_addrlen;
  freeaddrinfo(res);
  if (family == AF_INET6) {
    auto *a6 = reinterpret_cast<sockaddr_in6 *>(&out);
    a6->sin6_port = htons(uint16_t(port));
    if (t->size > 2 && isIntLike(t->items[2])) a6->sin6_flowinfo = htonl(uint32_t(t->items[2].i));
    if (t->size > 3 && isIntLike(t->items[3])) a6->sin6_scope_id = uint32_t(t->items[3].i);
  } else {
    reinterpret_cast<sockaddr_in *>(&out)->sin_port = htons(uint16_t(port));
  }
  return true;
}

WValue getaddrinfoList(WValue host, WValue port, int family, int type, int proto, int flags) {
  std::string h, p;
  bool hasHost, hasPort;
  if (!textArg(host, h, hasHost))
    return raiseFormat(T.TypeError, "getaddrinfo() argument 1 must be string or None");
  if (isIntLike(port)) {
    p = std::to_string(port.i);
    hasPort = true;
  } else if (!textArg(port, p, hasPort)) {
    return raise(T.OSError, "Int or String expected");
  }
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = family;
  hints.ai_socktype = type;
  hints.ai_protocol = proto;
  hints.ai_flags = flags;
  int rc;
  do rc = getaddrinfo(hasHost ? h.c_str() : nullptr, hasPort ? p.c_str() : nullptr, &hints, &res);
  while (rc == EAI_SYSTEM && errno == EINTR);
  if (rc != 0) return raiseGai(rc);
  WValue list = newList(0);
  for (addrinfo *ai = res; ai; ai = ai->ai_next) {
    sockaddr_storage ss{};
    std::memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    WValue items[5] = {wrt_int(ai->ai_family), wrt_int(ai->ai_socktype), wrt_int(ai->ai_protocol),
                       newStr(ai->ai_canonname ? ai->ai_canonname : ""), addrTuple(ss, ai->ai_addrlen)};
    listAppend(asList(list), newTupleFrom(5, items));
  }
  freeaddrinfo(res);
  return list;
}

WValue getaddrinfoFunc() {
  static WValue f = makeNative("getaddrinfo", getaddrinfoImpl, "host, port, family=?, type=?, proto=?, flags=?");
  return f;
}

WValue getnameinfoFunc() {
  static WValue f = makeNative("getnameinfo", getnameinfoImpl, "sockaddr, flags, /");
  return f;
}

WValue resolveOnLoop(EventLoop *loop, WValue host, WValue port, int family, int type, int flags) {
  std::string ignored;
  bool present;
  if (!textArg(host, ignored, present)) return raiseTypeError("host must be a str");
  if (!numericHost(host)) {
    WValue items[6] = {host, port, wrt_int(family), wrt_int(type), wrt_int(0), wrt_int(flags)};
    WValue args = newTupleFrom(6, items);
    return runInExecutor(loop, wrt_none(), getaddrinfoFunc(), args.o, nullptr);
  }
  Future *f = newFuture(loop);
  WValue infos = getaddrinfoList(host, port, family, type, 0, flags | (present ? AI_NUMERICHOST : 0));
  if (infos.tag == WT_ERR) futureSetExceptionRaw(f, errFetch().o);
  else futureSetResult(f, infos);
  return wrt_obj(f);
}

void addResolveApi(WTypeObj *loopType) {
  addMethod(loopType, "getaddrinfo", loopGetaddrinfoCoro, "self, host, port, *, family=?, type=?, proto=?, flags=?");
  addMethod(loopType, "getnameinfo", loopGetnameinfoCoro, "self, sockaddr, flags=?");
}

} // namespace weft::rt
