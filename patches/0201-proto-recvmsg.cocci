// SPDX-License-Identifier: GPL-2.0
// Undoes: "net: remove noblock parameter from recvmsg() entities" (mainline 5.19) and
//   the later removal of the addr_len argument of struct proto::recvmsg (mainline after
//   6.12, also in 6.18.y).
// Needed on: kernels whose struct proto::recvmsg still takes addr_len (<= 6.12 and the
//   stable series without the change), or noblock too (<= 5.18): both probed
//   (OVPN_HAVE_PROTO_RECVMSG_ADDR_LEN, OVPN_HAVE_PROTO_RECVMSG_NOBLOCK).
// Why not a header: the handler is a function ovpn defines and installs; a header
//   cannot change its parameter list.
// Hooks: OVPN_COMPAT_DEFINE_PROTO_RECVMSG, ovpn_compat_proto_recvmsg,
//   OVPN_COMPAT_DEFINE_PROTO_RECVMSG_ADDR_LEN, ovpn_compat_proto_recvmsg_addr_len
//   (compat/include/net/sock.h)
// Files: drivers/net/ovpn/tcp.c
//
// A wrapper with the kernel's signature is defined after the handler
// (OVPN_COMPAT_DEFINE_PROTO_RECVMSG(fn), nothing where the signatures agree) and
// installed instead (ovpn_compat_proto_recvmsg(fn)). Upstream ovpn before the
// addr_len removal has a handler that still takes it: that one gets the _ADDR_LEN
// pair, which wraps it only where the kernel also wants noblock.
// Detect: a recvmsg handler installed other than through these hooks.

virtual detect

@installed depends on !detect@
identifier fn;
expression P;
@@
  P->recvmsg = fn;

@now depends on installed && !detect@
identifier installed.fn, sk, msg, len, flags;
@@
  fn(struct sock *sk, struct msghdr *msg, size_t len, int flags) { ... }
+ OVPN_COMPAT_DEFINE_PROTO_RECVMSG(fn);

@addr_len depends on installed && !detect@
identifier installed.fn, sk, msg, len, flags, alen;
@@
  fn(struct sock *sk, struct msghdr *msg, size_t len, int flags, int *alen) { ... }
+ OVPN_COMPAT_DEFINE_PROTO_RECVMSG_ADDR_LEN(fn);

@depends on now && !detect@
identifier installed.fn;
expression installed.P;
@@
  P->recvmsg =
- fn
+ ovpn_compat_proto_recvmsg(fn)
  ;

@depends on addr_len && !detect@
identifier installed.fn;
expression installed.P;
@@
  P->recvmsg =
- fn
+ ovpn_compat_proto_recvmsg_addr_len(fn)
  ;

@depends on detect@
identifier fn;
expression P, E;
@@
(
  P->recvmsg = ovpn_compat_proto_recvmsg(fn)
|
  P->recvmsg = ovpn_compat_proto_recvmsg_addr_len(fn)
|
* P->recvmsg = E
)

@depends on detect@
identifier X;
expression E;
@@
 struct proto X = {
	...,
*	.recvmsg = E,
	...
 };
