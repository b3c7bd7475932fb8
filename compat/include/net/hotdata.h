/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_HOTDATA_H
#define _OVPN_COMPAT_NET_HOTDATA_H

/*
 * <net/hotdata.h>, struct net_hotdata: mainline 6.9 ("net: introduce struct
 * net_hotdata"), probed. Before it net_hotdata.max_backlog was the exported
 * int netdev_max_backlog. A one-member view of that int keeps
 * READ_ONCE(net_hotdata.max_backlog) as it is; any other member fails to build.
 */
#ifdef OVPN_HAVE_NET_HOTDATA_H
#include_next <net/hotdata.h>
#else
#include <linux/netdevice.h>

OVPN_SHIM(NET_HOTDATA_H);

struct ovpn_net_hotdata {
	int max_backlog;
};

#define net_hotdata	(*(struct ovpn_net_hotdata *)&netdev_max_backlog)
#endif

#endif /* _OVPN_COMPAT_NET_HOTDATA_H */
