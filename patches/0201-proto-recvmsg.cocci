// Undoes: "net: remove noblock parameter from recvmsg() entities" (mainline
// 5.19) and the later removal of the addr_len argument of struct
// proto::recvmsg (mainline after 6.12, also in 6.18.y).
// Needed by: kernels whose struct proto::recvmsg still takes addr_len (<= 6.12
// and the stable series without the change), or noblock too (<= 5.18); both
// are probed (compat/include/net/sock.h).
// Why not a header: the handler is a function ovpn defines and installs; a
// header cannot change its parameter list. This adds a wrapper with the
// kernel's signature after the handler (OVPN_COMPAT_PROTO_RECVMSG, empty where
// the signatures agree) and installs it instead.
// Files: drivers/net/ovpn/tcp.c

@installed@
identifier fn;
expression P;
@@
  P->recvmsg =
- fn
+ ovpn_compat_proto_recvmsg(fn)
  ;

@depends on installed@
identifier installed.fn;
@@
  fn(...) { ... }
+ OVPN_COMPAT_PROTO_RECVMSG(fn);
