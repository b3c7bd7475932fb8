/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_IP6_ROUTE_H
#define _OVPN_COMPAT_NET_IP6_ROUTE_H
#include_next <net/ip6_route.h>

/*
 * dst_rt6_info(): mainline 6.10 (e8dfd42c17fa, "ipv6: introduce dst_rt6_info()
 * helper"), a macro in <net/ip6_fib.h>; taken by stable 6.1.183 (Debian's
 * 6.1.192 has it), so tested as a macro, not by version.
 */
#ifndef dst_rt6_info
OVPN_SHIM(dst_rt6_info);
#define dst_rt6_info(_ptr) container_of(_ptr, struct rt6_info, dst)
#endif

#endif /* _OVPN_COMPAT_NET_IP6_ROUTE_H */
