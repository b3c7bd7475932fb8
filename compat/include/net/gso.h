/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_GSO_H
#define _OVPN_COMPAT_NET_GSO_H

/*
 * <net/gso.h>: mainline 6.5 (d457a0e329b0, "net: move gso declarations and
 * functions to their own files"), also 6.4.10, probed. Before it the same declarations (skb_gso_segment(),
 * SKB_GSO_CB, ...) were in <linux/netdevice.h> and <linux/skbuff.h>.
 */
#ifdef OVPN_HAVE_NET_GSO_H
#include_next <net/gso.h>
#else
#include <linux/netdevice.h>
#include <linux/skbuff.h>
OVPN_SHIM(NET_GSO_H);
#endif

#endif /* _OVPN_COMPAT_NET_GSO_H */
