/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_LINUX_SKBUFF_H
#define _OVPN_COMPAT_LINUX_SKBUFF_H
#include_next <linux/skbuff.h>

/*
 * skb_list_walk_safe(): mainline 5.6 ("net: introduce skb_list_walk_safe for
 * skb segment walking"), a macro; also in later 5.4.y stable releases.
 */
#ifndef skb_list_walk_safe
#define skb_list_walk_safe(first, skb, next_skb)				\
	for ((skb) = (first), (next_skb) = (skb) ? (skb)->next : NULL; (skb);	\
	     (skb) = (next_skb), (next_skb) = (skb) ? (skb)->next : NULL)
#endif

#endif /* _OVPN_COMPAT_LINUX_SKBUFF_H */
