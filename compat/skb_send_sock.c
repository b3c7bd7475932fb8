// SPDX-License-Identifier: GPL-2.0
/*
 * skb_send_sock_locked_with_flags() for kernels that lack it (see
 * compat/include/linux/skbuff.h): the kernel's skb_send_sock_locked() with
 * the caller's MSG_* flags (ovpn passes MSG_NOSIGNAL) added to MSG_DONTWAIT,
 * built from exported primitives only.
 */
#include <linux/bvec.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/sock.h>

#ifndef OVPN_HAVE_SKB_SEND_SOCK_LOCKED_WITH_FLAGS

/* the direction of an iterator that data is sent from: ITER_SOURCE since 6.1 */
#ifdef ITER_SOURCE
#define OVPN_ITER_SOURCE	ITER_SOURCE
#else
#define OVPN_ITER_SOURCE	WRITE
#endif

/* sendmsg_locked of @sk's socket on @msg, as kernel_sendmsg_locked() did */
static int ovpn_sendmsg_locked(struct sock *sk, struct msghdr *msg, int len)
{
	struct socket *sock = sk->sk_socket;
	const struct proto_ops *ops;

	if (!sock)
		return -EINVAL;
	ops = READ_ONCE(sock->ops);
	/* what sock_no_sendmsg_locked() returns */
	if (!ops->sendmsg_locked)
		return -EOPNOTSUPP;

	return ops->sendmsg_locked(sk, msg, len);
}

/*
 * The linear part: kernel_sendmsg_locked() did this until 6.13; mainline
 * 6.14 removed it (b6be5ba8f1c6, "socket: Remove unused
 * kernel_sendmsg_locked"), so the same is done here on every kernel.
 */
static int ovpn_send_linear(struct sock *sk, void *data, int len, int flags)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | flags };
	struct kvec kv = { .iov_base = data, .iov_len = len };

	iov_iter_kvec(&msg.msg_iter, OVPN_ITER_SOURCE, &kv, 1, len);
	return ovpn_sendmsg_locked(sk, &msg, len);
}

/*
 * The page frags: zero-copy through kernel_sendpage_locked() where the
 * kernel has it (probed: up to 6.4, and in 6.1.y and RHEL 9 even though they
 * define MSG_SPLICE_PAGES, because their TCP still implements sendpage);
 * since 6.5 ("net: Kill sendpage" series) by splicing the pages through
 * sendmsg with MSG_SPLICE_PAGES.
 */
static int ovpn_send_page(struct sock *sk, struct page *page, int off, int len,
			  int flags)
{
#ifdef OVPN_HAVE_KERNEL_SENDPAGE_LOCKED
	return kernel_sendpage_locked(sk, page, off, len, MSG_DONTWAIT | flags);
#elif defined(MSG_SPLICE_PAGES)
	struct msghdr msg = { .msg_flags = MSG_SPLICE_PAGES | MSG_DONTWAIT | flags };
	struct bio_vec bvec;

	bvec_set_page(&bvec, page, len, off);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bvec, 1, len);
	return ovpn_sendmsg_locked(sk, &msg, len);
#else
#error "neither kernel_sendpage_locked() nor MSG_SPLICE_PAGES: cannot send pages"
#endif
}

/**
 * ovpn_compat_skb_send_sock_locked_with_flags - send an skb's data on a locked socket
 * @sk: the socket, locked by the caller
 * @skb: the data: linear part, page frags, then the frag_list skbs
 * @offset: where to start in @skb
 * @len: how many bytes to send
 * @flags: MSG_* flags added to MSG_DONTWAIT
 *
 * Return: the number of bytes sent, or, if none was, the error.
 */
int ovpn_compat_skb_send_sock_locked_with_flags(struct sock *sk,
						struct sk_buff *skb,
						int offset, int len, int flags)
{
	struct sk_buff *head = skb;
	int orig_len = len, ret = 0, slen, i;

	while (skb && len) {
		/* linear part */
		while (offset < skb_headlen(skb) && len) {
			slen = min_t(int, len, skb_headlen(skb) - offset);
			ret = ovpn_send_linear(sk, skb->data + offset, slen, flags);
			if (ret <= 0)
				goto error;
			offset += ret;
			len -= ret;
		}

		/* page frags, offset now relative to the first one */
		offset -= skb_headlen(skb);
		for (i = 0; len && i < skb_shinfo(skb)->nr_frags; i++) {
			const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];
			int fsize = skb_frag_size(frag);

			if (offset >= fsize) {
				offset -= fsize;
				continue;
			}

			slen = min_t(int, len, fsize - offset);
			while (slen) {
				ret = ovpn_send_page(sk, skb_frag_page(frag),
						     skb_frag_off(frag) + offset,
						     slen, flags);
				if (ret <= 0)
					goto error;
				len -= ret;
				offset += ret;
				slen -= ret;
			}
			offset = 0;
		}

		/* the head's frag_list, then its chain */
		skb = skb == head ? skb_shinfo(skb)->frag_list : skb->next;
	}

	return orig_len - len;

error:
	return orig_len == len ? ret : orig_len - len;
}
#endif /* !OVPN_HAVE_SKB_SEND_SOCK_LOCKED_WITH_FLAGS */
