// SocketObject.h: socket.socket, CPython's socket objects over a descriptor
// (io/SocketObject.cpp), and the loop's sock_* methods that await them
// (io/SockMethods.cpp).
#ifndef WEFT_RT_IO_SOCKETOBJECT_H
#define WEFT_RT_IO_SOCKETOBJECT_H

#include "core/Object.h"

namespace weft::rt {

struct SocketObj {
  WObj hdr;
  int fd;          ///< -1 once closed or detached
  int family, type, proto;
  double timeout;  ///< -1: blocking (None), 0: non-blocking, > 0: seconds
};

/// socket.socket (made on first use).
WTypeObj *socketObjType();
/// A socket object owning [fd], with CPython's default blocking mode.
WValue newSocketObj(int fd, int family, int type, int proto);
/// [v] as an open socket object; null with TypeError/OSError(EBADF) pending.
SocketObj *openSocketArg(WValue v);

/// Fills the socket module: socket, socketpair, create_connection is not here.
void addSocketObjects(WValue module);
/// loop.sock_recv, sock_recvfrom, sock_sendall, sock_sendto, sock_connect
/// and sock_accept.
void addSockMethods(WTypeObj *loopType);

} // namespace weft::rt

#endif
