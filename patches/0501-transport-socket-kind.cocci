// SPDX-License-Identifier: GPL-2.0
// Fixes: upstream ovpn takes any socket whose sk_protocol is IPPROTO_UDP or
//   IPPROTO_TCP as its transport, with no sk_type or sk_family check (peer-new
//   since 1d36a36f6d53 "ovpn: implement peer add/get/dump/delete via netlink",
//   ovpn_socket_new() since f6226ae7a0cd "ovpn: introduce the ovpn_socket object",
//   both mainline 6.16). A raw socket (AF_INET/AF_INET6, SOCK_RAW, protocol UDP or
//   TCP) is accepted: ovpn then uses udp_sk()/tcp_sk() of it and installs UDP
//   encapsulation or its TCP proto and ops on a socket that is neither a udp_sock
//   nor a tcp_sock, writing over other fields of it or past it (a connected raw
//   IPPROTO_TCP socket crashes 7.3.4 once TCP traffic reaches it: NULL pointer
//   dereference in tcp_rcvbuf_grow() from strp_work()). Reachable with
//   CAP_NET_ADMIN and CAP_NET_RAW. drivers/net/gtp.c checks protocol, type and
//   family right after its sockfd_lookup().
// Needed on: every kernel this tree is built for: the bug is in every release of
//   upstream ovpn up to the pinned one (7.3.4), so in every tree generated here.
// Upstream: patches/upstream/0001-ovpn-accept-only-UDP-and-TCP-sockets-as-transport.patch
//   (the same change in the form upstream takes)
// Files: drivers/net/ovpn/netlink.c
//
// ovpn_nl_peer_new_doit() (peer-new) is the one place where a socket from
// userspace enters ovpn (sockfd_lookup()). Right after the lookup, before any
// decision made from sk_protocol (the remote-address checks, ovpn_socket_new()),
// it now refuses anything but a SOCK_DGRAM/IPPROTO_UDP or SOCK_STREAM/IPPROTO_TCP
// socket of AF_INET or AF_INET6 with the answer upstream already gives a socket
// of another protocol (a UNIX or ICMP one, which ovpn_socket_new() refuses with
// -EOPNOTSUPP): ENOTSOCK, "cannot encapsulate socket: -95". The helper goes after
// ovpn_nl_peer_modify(), the function before ovpn_nl_peer_new_doit() upstream.
// Detect: ovpn_nl_peer_new_doit() reaching ovpn_socket_new() with no sk_type check.

virtual detect

@helper depends on !detect@
typedef bool;
type T;
@@
 T ovpn_nl_peer_modify(...)
 {
 ...
 }
+
+static bool ovpn_nl_socket_is_transport(const struct sock *sk)
+{
+	/* the protocol number alone does not make a socket a udp_sock or
+	 * a tcp_sock: a raw socket may carry IPPROTO_UDP or IPPROTO_TCP too
+	 */
+	if (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)
+		return false;
+	if (sk->sk_type == SOCK_DGRAM)
+		return sk->sk_protocol == IPPROTO_UDP;
+	if (sk->sk_type == SOCK_STREAM)
+		return sk->sk_protocol == IPPROTO_TCP;
+	return false;
+}

@check depends on helper && !detect@
identifier skb, info, sock, sfd, ret;
statement S;
@@
 ovpn_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info)
 {
 ...
 sock = sockfd_lookup(sfd, &ret);
 if (!sock) S
+
+	if (!ovpn_nl_socket_is_transport(sock->sk)) {
+		NL_SET_ERR_MSG_FMT_MOD(info->extack,
+				       "cannot encapsulate socket: %d",
+				       -EOPNOTSUPP);
+		sockfd_put(sock);
+		ret = -ENOTSOCK;
+		goto peer_release;
+	}
 ...
 }

@depends on detect@
identifier skb, info;
expression E, S;
@@
 ovpn_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info)
 {
 ... when != ovpn_nl_socket_is_transport(...)
     when != S->sk_type
*E = ovpn_socket_new(...);
 ...
 }
