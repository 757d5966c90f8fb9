// Resolve.h: socket addresses and name resolution, shared by the streams
// (AsyncioStreamsApi.cpp), loop.getaddrinfo/getnameinfo and the native
// `socket` module. Resolution follows asyncio's _ensure_resolved: a host that
// is already a numeric address (or None) is resolved at once, any other name
// goes through getaddrinfo on the loop's default executor, so a slow DNS
// server never blocks the loop.
#ifndef WEFT_RT_IO_RESOLVE_H
#define WEFT_RT_IO_RESOLVE_H

#include "core/Object.h"
#include "loop/EventLoop.h"

#include <string>
#include <sys/socket.h>

namespace weft::rt {

/// An optional int argument of the socket calls: UNBOUND or None gives
/// [dflt]; false with TypeError pending for a non-int.
bool intArgOr(WValue v, int dflt, int &out);

/// socket.gaierror, the OSError subclass getaddrinfo failures raise.
WTypeObj *gaierrorType();

/// The address tuple of [ss] as CPython gives it: (host, port) for IPv4,
/// (host, port, flowinfo, scope_id) for IPv6, the path for AF_UNIX.
WValue addrTuple(const sockaddr_storage &ss, socklen_t len);
/// The inverse for [family]: false with TypeError/OSError pending if [addr]
/// is not an address of that family.
bool sockaddrFrom(WValue addr, int family, sockaddr_storage &out, socklen_t &len);

/// socket.getaddrinfo: a list of (family, type, proto, canonname, sockaddr).
/// Blocking; ERR with gaierror pending on failure. Safe on worker threads.
WValue getaddrinfoList(WValue host, WValue port, int family, int type, int proto, int flags);
/// The native function getaddrinfo(host, port, family=0, type=0, proto=0, flags=0).
WValue getaddrinfoFunc();
/// socket.getnameinfo(sockaddr, flags) as a native function.
WValue getnameinfoFunc();

/// An asyncio future of [loop] for getaddrinfo(host, port, ...): done at
/// once when [host] is None or a numeric address, else completed by the
/// default executor. ERR for an argument of the wrong type.
WValue resolveOnLoop(EventLoop *loop, WValue host, WValue port, int family, int type, int flags);

/// loop.getaddrinfo and loop.getnameinfo on the loop type.
void addResolveApi(WTypeObj *loopType);

} // namespace weft::rt

#endif
