/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_GSO_H
#define _OVPN_COMPAT_NET_GSO_H

/*
 * <net/gso.h>: mainline 6.4 ("net: move gso declarations and functions to
 * their own files"); before it skb_gso_segment() was in <linux/netdevice.h>
 * and skb_gso_reset() in <linux/skbuff.h>. Probed (the file's presence).
 */
#ifdef OVPN_HAVE_NET_GSO_H
#include_next <net/gso.h>
#else
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#endif

#endif /* _OVPN_COMPAT_NET_GSO_H */
