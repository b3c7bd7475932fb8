/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_LINUX_SKBUFF_H
#define _OVPN_COMPAT_LINUX_SKBUFF_H
#include_next <linux/skbuff.h>

/*
 * skb_list_walk_safe(): mainline 5.6 ("net: introduce skb_list_walk_safe for
 * skb segment walking"), a macro; also in later 5.4.y stable releases.
 */
#ifndef skb_list_walk_safe
OVPN_SHIM(skb_list_walk_safe);
#define skb_list_walk_safe(first, skb, next_skb)				\
	for ((skb) = (first), (next_skb) = (skb) ? (skb)->next : NULL; (skb);	\
	     (skb) = (next_skb), (next_skb) = (skb) ? (skb)->next : NULL)
#endif

/*
 * DEBUG_NET_WARN_ON_ONCE(): mainline 5.19 (with CONFIG_DEBUG_NET), first in
 * <linux/netdevice.h>, later in <net/net_debug.h>; probed in both. Same definition as the
 * kernel's without CONFIG_DEBUG_NET (which these kernels lack).
 */
#if !defined(OVPN_HAVE_DEBUG_NET_WARN_ON_ONCE) && !defined(DEBUG_NET_WARN_ON_ONCE)
OVPN_SHIM(DEBUG_NET_WARN_ON_ONCE);
#define DEBUG_NET_WARN_ON_ONCE(cond) BUILD_BUG_ON_INVALID(cond)
#endif

/*
 * The rest are out of line in compat/ (each compiled only where needed) and
 * named ovpn_compat_* so that they never clash with a kernel symbol.
 */
struct poll_table_struct;

/*
 * datagram_poll_queue(): mainline 6.18 (f6ceec6434b5, "net: datagram:
 * introduce datagram_poll_queue for custom receive queues", with ovpn's TCP
 * poll fix; proposed for stable but absent from Debian's 6.1.192 and
 * 6.12.95), probed.
 */
#ifndef OVPN_HAVE_DATAGRAM_POLL_QUEUE
OVPN_SHIM(DATAGRAM_POLL_QUEUE);
__poll_t ovpn_compat_datagram_poll_queue(struct file *file, struct socket *sock,
					 struct poll_table_struct *wait,
					 struct sk_buff_head *rcv_queue);
#define datagram_poll_queue ovpn_compat_datagram_poll_queue
#endif

/*
 * skb_send_sock_locked_with_flags(): mainline 6.16, with ovpn (for its
 * MSG_NOSIGNAL), probed.
 */
#ifndef OVPN_HAVE_SKB_SEND_SOCK_LOCKED_WITH_FLAGS
OVPN_SHIM(SKB_SEND_SOCK_LOCKED_WITH_FLAGS);
int ovpn_compat_skb_send_sock_locked_with_flags(struct sock *sk,
						struct sk_buff *skb,
						int offset, int len, int flags);
#define skb_send_sock_locked_with_flags ovpn_compat_skb_send_sock_locked_with_flags

/* compat/skb_send_sock.c splices pages (MSG_SPLICE_PAGES) without sendpage */
#ifndef OVPN_HAVE_KERNEL_SENDPAGE_LOCKED
OVPN_SHIM(KERNEL_SENDPAGE_LOCKED);
#endif
#endif

/*
 * __skb_recv_datagram(sk, queue, flags, off, err): mainline 5.6 ("net: add
 * queue argument to __skb_wait_for_more_packets and
 * __skb_{,try_}recv_datagram"), probed. 5.4 reads only sk_receive_queue.
 */
#ifndef OVPN_HAVE_SKB_RECV_DATAGRAM_QUEUE
OVPN_SHIM(SKB_RECV_DATAGRAM_QUEUE);
struct sk_buff *ovpn_compat_skb_recv_datagram(struct sock *sk,
					      struct sk_buff_head *queue,
					      unsigned int flags, int *off,
					      int *err);
#define __skb_recv_datagram(sk, queue, flags, off, err) \
	ovpn_compat_skb_recv_datagram(sk, queue, flags, off, err)
#endif

#endif /* _OVPN_COMPAT_LINUX_SKBUFF_H */
