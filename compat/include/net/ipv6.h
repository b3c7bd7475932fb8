/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_IPV6_H
#define _OVPN_COMPAT_NET_IPV6_H
#include_next <net/ipv6.h>

/*
 * ip6_dst_lookup_flow(net, sk, fl6, final_dst): mainline 5.5 (c4e85f73afb6,
 * "net: ipv6: add net argument to ip6_dst_lookup_flow"), stable 5.4.5, probed. Before it the
 * namespace came from @sk, which may be NULL here (peer.c): do what that
 * version did, with the namespace given, from exported functions.
 */
#ifndef OVPN_HAVE_IP6_DST_LOOKUP_FLOW_NET
OVPN_SHIM(IP6_DST_LOOKUP_FLOW_NET);

static inline struct dst_entry *
ovpn_compat_ip6_dst_lookup_flow(struct net *net, const struct sock *sk,
				struct flowi6 *fl6,
				const struct in6_addr *final_dst)
{
	struct dst_entry *dst = NULL;
	int err;

	err = ip6_dst_lookup(net, (struct sock *)sk, &dst, fl6);
	if (err)
		return ERR_PTR(err);
	if (final_dst)
		fl6->daddr = *final_dst;

	return xfrm_lookup_route(net, dst, flowi6_to_flowi(fl6), sk, 0);
}

#define ip6_dst_lookup_flow(net, sk, fl6, final_dst) \
	ovpn_compat_ip6_dst_lookup_flow(net, sk, fl6, final_dst)
#endif

#endif /* _OVPN_COMPAT_NET_IPV6_H */
