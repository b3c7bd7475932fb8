/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_TRANSP_V6_H
#define _OVPN_COMPAT_NET_TRANSP_V6_H
/* older <net/transp_v6.h> use struct ipcm6_cookie without declaring it */
#include <net/ipv6.h>
#include_next <net/transp_v6.h>

/*
 * The IPv6 TCP proto and proto_ops ovpn copies and overrides. inet6_stream_ops
 * is exported only after 6.12 (not by 6.12.y, by 7.3) and tcpv6_prot not by
 * 5.4 (by 5.10 and later): both are probed in the target's Module.symvers. Where either is missing compat/tcp6.c reads them
 * from a TCP socket of its own made at module init: a fresh kernel socket
 * carries exactly tcpv6_prot and inet6_stream_ops (no ULP, no BPF
 * replacement), unlike a socket handed in by userspace. patches/0203
 * routes ovpn through these two helpers.
 *
 * ovpn_compat_tcp6_build_protos(build, prot, ops): build(prot, ops, &tcpv6_prot,
 *	&inet6_stream_ops), or nothing when they cannot be had (IPv6 disabled).
 * ovpn_compat_tcp6_check(sk, ops): 0, or -EAFNOSUPPORT for an IPv6 socket
 *	when @ops was never built.
 */
#if defined(OVPN_HAVE_EXPORT_inet6_stream_ops) && defined(OVPN_HAVE_EXPORT_tcpv6_prot)
#define ovpn_compat_tcp6_build_protos(build, prot, ops)		\
	build(prot, ops, &tcpv6_prot, &inet6_stream_ops)
#define ovpn_compat_tcp6_check(sk, ops)	0
#else
OVPN_SHIM(TCPV6_PROTOS);

int ovpn_compat_tcpv6_protos(const struct proto **prot,
			     const struct proto_ops **ops);

#define ovpn_compat_tcp6_build_protos(build, new_prot, new_ops)		\
	do {									\
		const struct proto *__prot;					\
		const struct proto_ops *__ops;					\
										\
		if (!ovpn_compat_tcpv6_protos(&__prot, &__ops))		\
			build(new_prot, new_ops, __prot, __ops);		\
	} while (0)

static inline int ovpn_compat_tcp6_check(const struct sock *sk,
					 const struct proto_ops *ops)
{
	if (sk->sk_family == AF_INET6 && ops->family != PF_INET6)
		return -EAFNOSUPPORT;
	return 0;
}
#endif

#endif /* _OVPN_COMPAT_NET_TRANSP_V6_H */
