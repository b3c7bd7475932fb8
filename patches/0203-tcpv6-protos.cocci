// SPDX-License-Identifier: GPL-2.0
// Undoes: ovpn's use of the exported inet6_stream_ops (exported by mainline after 6.12)
//   and tcpv6_prot (not exported by 5.4).
// Needed on: kernels whose Module.symvers lacks either: probed
//   (OVPN_HAVE_EXPORT_inet6_stream_ops, OVPN_HAVE_EXPORT_tcpv6_prot); a no-op elsewhere.
// Why not a header: the IPv6 proto/proto_ops are copied in ovpn_tcp_init() by a static
//   function of tcp.c, and attaching must refuse an IPv6 socket when they could not be
//   had (IPv6 disabled).
// Hooks: ovpn_compat_tcp6_build_protos, ovpn_compat_tcp6_check
//   (compat/include/net/transp_v6.h)
// Files: drivers/net/ovpn/tcp.c
//
// The copy goes through ovpn_compat_tcp6_build_protos(), which takes them from a
// kernel socket where they are not exported, and ovpn_compat_tcp6_check() runs
// before the socket's callbacks are changed. Its failure leaves the attach the
// way the attach's own strp_init() failure does: through the error label where
// there is one (upstream 93686c472eb7, "ovpn: set sk_user_data before
// overriding callbacks", 7.0: the label clears sk_user_data), else by returning
// (6.16 to 6.18: sk_user_data is set after the attach).
// Detect: any use of the two symbols left, and a copy through the hook without
// the check on attach.

virtual detect

@init depends on !detect@
identifier build;
expression P, O;
symbol tcpv6_prot, inet6_stream_ops;
@@
- build(P, O, &tcpv6_prot, &inet6_stream_ops);
+ ovpn_compat_tcp6_build_protos(build, P, O);

@labelled depends on init && !detect@
expression SK, STRP, CB;
identifier ret, l;
@@
+ ret = ovpn_compat_tcp6_check(SK, &ovpn_tcp6_ops);
+ if (ret < 0)
+ 	goto l;
  ret = strp_init(STRP, SK, CB);
  if (ret < 0) {
  	...
  	goto l;
  }

@depends on init && !labelled && !detect@
expression SK, STRP, CB;
identifier ret;
@@
+ ret = ovpn_compat_tcp6_check(SK, &ovpn_tcp6_ops);
+ if (ret < 0)
+ 	return ret;
  ret = strp_init(STRP, SK, CB);
  if (ret < 0) {
  	...
  	return ret;
  }

@depends on detect@
symbol tcpv6_prot, inet6_stream_ops;
@@
(
* tcpv6_prot
|
* inet6_stream_ops
)

@checked depends on detect@
expression SK, O;
@@
  ovpn_compat_tcp6_check(SK, O)

@depends on detect && !checked@
expression list es;
@@
* ovpn_compat_tcp6_build_protos(es)
