// Undoes: ovpn's use of the exported inet6_stream_ops (exported by mainline
// after 6.12) and tcpv6_prot (not exported by 5.4).
// Needed by: kernels whose Module.symvers lacks either (probed, see
// compat/include/net/transp_v6.h); a no-op elsewhere.
// Why not a header: the IPv6 proto/proto_ops are copied in ovpn_tcp_init() by a
// static function of tcp.c, and attaching must refuse an IPv6 socket when they
// could not be had (IPv6 disabled). The copy goes through
// ovpn_compat_tcp6_build_protos(), which takes them from a kernel socket
// where they are not exported, and ovpn_compat_tcp6_check() runs before the
// socket's callbacks are changed.
// Files: drivers/net/ovpn/tcp.c

@init@
identifier build;
expression P, O;
symbol tcpv6_prot, inet6_stream_ops;
@@
- build(P, O, &tcpv6_prot, &inet6_stream_ops);
+ ovpn_compat_tcp6_build_protos(build, P, O);

@depends on init@
expression SK, STRP, CB;
identifier ret;
@@
+ ret = ovpn_compat_tcp6_check(SK, &ovpn_tcp6_ops);
+ if (ret < 0)
+ 	goto err;
  ret = strp_init(STRP, SK, CB);
