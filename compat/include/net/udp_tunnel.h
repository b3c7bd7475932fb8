/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_UDP_TUNNEL_H
#define _OVPN_COMPAT_NET_UDP_TUNNEL_H
#include_next <net/udp_tunnel.h>
#include <linux/udp.h>

/*
 * udp_tunnel{,6}_xmit_skb(..., u16 ipcb_flags): a mainline change after 6.12
 * (absent from 6.12.y, present in 7.3), probed. Before it the IPCB()/IP6CB()
 * flags of a tunnelled skb start at 0, which is what ovpn passes: the
 * argument is dropped. Upstream ovpn from before that change does not pass
 * it: both calls are taken (the "..."). A self-referencing macro is not
 * expanded again, so the calls reach the kernel's functions.
 */
#ifndef OVPN_HAVE_UDP_TUNNEL_IPCB_FLAGS
OVPN_SHIM(UDP_TUNNEL_IPCB_FLAGS);

#define udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport,	\
			    dport, xnet, nocheck, ...)			\
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport,	\
			    dport, xnet, nocheck)
#define udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl,	\
			     label, sport, dport, nocheck, ...)		\
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl,	\
			     label, sport, dport, nocheck)
#endif

/*
 * Upstream a4a600dd301c ("udp: call udp_encap_enable for v6 sockets when
 * enabling encap"), mainline 5.12, stable 5.4.189 and 5.10.110: before it
 * udp_tunnel_encap_enable() enabled only the IPv6 encap path for an IPv6
 * socket, so IPv4 packets reaching a dual-stack socket (v4-mapped peers)
 * bypassed encap_rcv (and UDP GRO) and went to userspace. On the kernels
 * without it (5.4.0-5.4.188, 5.5-5.10.109, 5.11.x) enable the IPv4 path too,
 * once per socket like udp_tunnel_encap_enable() itself. The fix also made
 * udpv6_destroy_sock() drop that reference again (udp_encap_disable(), which
 * these kernels lack): here it stays taken, which only keeps the IPv4 encap
 * static key on.
 *
 * OVPN_FORCE_V4MAPPED_SHIM (make OVPN_FORCE_V4MAPPED_SHIM=1) compiles the
 * shim on any kernel, to test it at runtime. On a kernel that has the fix
 * (every kernel of the test matrix, 7.3 too) it only takes one more
 * reference on the IPv4 encap static key, never dropped: packets take the
 * same path as without it.
 */
#if defined(OVPN_FORCE_V4MAPPED_SHIM) ||					\
	LINUX_VERSION_IS_LESS(5, 4, 189) ||					\
	(LINUX_VERSION_IS_GEQ(5, 5, 0) && LINUX_VERSION_IS_LESS(5, 10, 110)) ||	\
	(LINUX_VERSION_IS_GEQ(5, 11, 0) && LINUX_VERSION_IS_LESS(5, 12, 0))
#define OVPN_UDP_ENCAP_V4MAPPED_SHIM 1
OVPN_SHIM(V4MAPPED);
#else
#define OVPN_UDP_ENCAP_V4MAPPED_SHIM 0
#endif

/*
 * setup_udp_tunnel_sock(net, struct sock *, cfg): a mainline change after 6.12
 * (absent from 6.12.y, present in 7.3), probed. Before it the function took
 * the struct socket, which is sk->sk_socket here (ovpn passes sock->sk).
 * Upstream ovpn from before that change passes the struct socket itself:
 * taken too (its ->sk), so the IPv6 encap fix below applies to it as well.
 * The wrapper below also carries the v4-mapped shim, so it exists where
 * either is needed.
 */
#if !defined(OVPN_HAVE_SETUP_UDP_TUNNEL_SOCK_SK) || OVPN_UDP_ENCAP_V4MAPPED_SHIM
#ifndef OVPN_HAVE_SETUP_UDP_TUNNEL_SOCK_SK
OVPN_SHIM(SETUP_UDP_TUNNEL_SOCK_SK);
#endif

/*
 * udp_sock::encap_enabled became the UDP_FLAGS_ENCAP_ENABLED bit of
 * udp_sock::udp_flags in mainline 6.7 ("udp: move udp->encap_enabled to
 * udp->udp_flags"), also in 6.1.y: probed.
 */
#ifdef OVPN_HAVE_UDP_FLAGS_ENCAP_ENABLED
static inline bool ovpn_udp_encap_enabled(struct sock *sk)
{
	return udp_test_bit(ENCAP_ENABLED, sk);
}
#else
OVPN_SHIM(UDP_FLAGS_ENCAP_ENABLED);

static inline bool ovpn_udp_encap_enabled(struct sock *sk)
{
	return udp_sk(sk)->encap_enabled;
}
#endif

static inline void ovpn_setup_udp_tunnel_sock(struct net *net, struct sock *sk,
					      struct udp_tunnel_sock_cfg *cfg)
{
	bool enabled = ovpn_udp_encap_enabled(sk);

#ifdef OVPN_HAVE_SETUP_UDP_TUNNEL_SOCK_SK
	setup_udp_tunnel_sock(net, sk, cfg);
#else
	setup_udp_tunnel_sock(net, sk->sk_socket, cfg);
#endif

	if (OVPN_UDP_ENCAP_V4MAPPED_SHIM && !enabled && sk->sk_family == AF_INET6)
		udp_encap_enable();
}
#define setup_udp_tunnel_sock(net, s, cfg)					\
	ovpn_setup_udp_tunnel_sock(net, _Generic((s),				\
		struct socket * : ((struct socket *)(s))->sk, default : (s)), cfg)
#endif

#endif /* _OVPN_COMPAT_NET_UDP_TUNNEL_H */
