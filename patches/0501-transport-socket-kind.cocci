// SPDX-License-Identifier: GPL-2.0
// Fixes: upstream ovpn takes any socket whose sk_protocol is IPPROTO_UDP or
//   IPPROTO_TCP as its transport, with no sk_type or sk_family check (since
//   f6226ae7a0cd "ovpn: introduce the ovpn_socket object", mainline 6.16). A raw
//   socket (AF_INET/AF_INET6, SOCK_RAW, protocol UDP or TCP) is accepted by
//   peer-new: ovpn then uses udp_sk()/tcp_sk() of it and installs UDP
//   encapsulation or its TCP proto and ops on a socket that is neither a udp_sock
//   nor a tcp_sock, writing over other fields of it or past it. Reachable with
//   CAP_NET_ADMIN and CAP_NET_RAW. drivers/net/gtp.c checks protocol, type and
//   family of its sockets.
// Needed on: every kernel this tree is built for: the bug is in every release of
//   upstream ovpn up to the pinned one (7.3.4), so in every tree generated here.
// Upstream: patches/upstream/0001-ovpn-accept-only-UDP-and-TCP-sockets-as-transport.patch
//   (the same change in the form upstream takes)
// Files: drivers/net/ovpn/socket.c
//
// ovpn_socket_new() is where every peer's socket becomes ovpn's transport
// (ovpn_nl_peer_new_doit() hands it what sockfd_lookup() found): it now refuses,
// before looking at udp_sk() or tcp_sk() of the socket, anything but a
// SOCK_DGRAM/IPPROTO_UDP or SOCK_STREAM/IPPROTO_TCP socket of AF_INET or
// AF_INET6, with -EOPNOTSUPP: what it already returns for a socket of another
// protocol (a UNIX or ICMP socket), which peer-new reports as ENOTSOCK with
// "cannot encapsulate socket: -95". The same check in the same words as the
// upstream-form patch. Older upstream ovpn (no local "sk" in ovpn_socket_new)
// gets the check on sock->sk.
// Detect: ovpn_socket_new() locking its socket with no sk_type check before it.

#spatch --smpl-spacing
virtual detect

@helper depends on !detect@
identifier sock, peer;
typedef bool;
@@
+/* Only UDP and TCP sockets of the IPv4 and IPv6 families can be ovpn's
+ * transport: the protocol number alone does not make a socket a udp_sock or
+ * a tcp_sock (a raw socket may carry IPPROTO_UDP or IPPROTO_TCP too).
+ */
+static bool ovpn_socket_is_transport(const struct sock *sk)
+{
+	if (sk->sk_family != AF_INET && sk->sk_family != AF_INET6)
+		return false;
+	if (sk->sk_type == SOCK_DGRAM)
+		return sk->sk_protocol == IPPROTO_UDP;
+	if (sk->sk_type == SOCK_STREAM)
+		return sk->sk_protocol == IPPROTO_TCP;
+	return false;
+}
+
 struct ovpn_socket *ovpn_socket_new(struct socket *sock, struct ovpn_peer *peer)
 {
 ... when != ovpn_socket_is_transport(...)
 }

@check_sk depends on helper && !detect@
identifier sock, peer, s;
@@
 ovpn_socket_new(struct socket *sock, struct ovpn_peer *peer)
 {
 ...
 struct sock *s = sock->sk;
 ... when != ovpn_socket_is_transport(...)
+	if (!ovpn_socket_is_transport(s))
+		return ERR_PTR(-EOPNOTSUPP);
 lock_sock(s);
 ...
 }

@check_old depends on helper && !check_sk && !detect@
identifier sock, peer;
@@
 ovpn_socket_new(struct socket *sock, struct ovpn_peer *peer)
 {
 ... when != ovpn_socket_is_transport(...)
+	if (!ovpn_socket_is_transport(sock->sk))
+		return ERR_PTR(-EOPNOTSUPP);
 lock_sock(sock->sk);
 ...
 }

@depends on detect@
identifier sock, peer;
expression E, S;
@@
 ovpn_socket_new(struct socket *sock, struct ovpn_peer *peer)
 {
 ... when != S->sk_type
     when != ovpn_socket_is_transport(...)
*lock_sock(E);
 ...
 }
