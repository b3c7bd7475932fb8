// SPDX-License-Identifier: GPL-2.0
/*
 * Datagram helpers on a receive queue of the caller's (see
 * compat/include/linux/skbuff.h), built from exported primitives only.
 */
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/wait.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#ifndef OVPN_HAVE_DATAGRAM_POLL_QUEUE
/**
 * ovpn_compat_datagram_poll_queue - datagram_poll() reading @rcv_queue
 * @file: file struct
 * @sock: socket
 * @wait: poll table
 * @rcv_queue: the queue whose content makes the socket readable
 *
 * datagram_poll() computes everything but readability from the socket
 * itself; readability comes from sk_receive_queue there and from
 * @rcv_queue here (a receive shutdown makes the socket readable in both).
 *
 * Return: the poll mask
 */
__poll_t ovpn_compat_datagram_poll_queue(struct file *file, struct socket *sock,
					 struct poll_table_struct *wait,
					 struct sk_buff_head *rcv_queue)
{
	struct sock *sk = sock->sk;
	__poll_t mask;

	mask = datagram_poll(file, sock, wait);
	if (!(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
		mask &= ~(EPOLLIN | EPOLLRDNORM);
	if (!skb_queue_empty_lockless(rcv_queue))
		mask |= EPOLLIN | EPOLLRDNORM;

	return mask;
}
#endif /* !OVPN_HAVE_DATAGRAM_POLL_QUEUE */

#ifndef OVPN_HAVE_SKB_RECV_DATAGRAM_QUEUE
/* Wait for @queue to get data: 0 to look again, else stop (*err says why). */
static int ovpn_wait_for_packets(struct sock *sk, struct sk_buff_head *queue,
				 int *err, long *timeo)
{
	DEFINE_WAIT(wait);
	int error;

	prepare_to_wait_exclusive(sk_sleep(sk), &wait, TASK_INTERRUPTIBLE);

	error = sock_error(sk);
	if (error)
		goto out_err;

	if (!skb_queue_empty_lockless(queue))
		goto out;

	/* end of stream: no error, no data */
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		goto out_noerr;

	error = -ENOTCONN;
	if ((sk->sk_type == SOCK_STREAM || sk->sk_type == SOCK_SEQPACKET) &&
	    sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_LISTEN)
		goto out_err;

	if (signal_pending(current)) {
		error = sock_intr_errno(*timeo);
		goto out_err;
	}

	*timeo = schedule_timeout(*timeo);
	error = 0;
out:
	finish_wait(sk_sleep(sk), &wait);
	return error;
out_noerr:
	*err = 0;
	error = 1;
	goto out;
out_err:
	*err = error;
	goto out;
}

/**
 * ovpn_compat_skb_recv_datagram - __skb_recv_datagram() on a given queue
 * @sk: socket
 * @queue: the queue to take the skb from
 * @flags: MSG_DONTWAIT (do not wait) and MSG_PEEK (leave the skb queued)
 * @off: set to 0 (peeking at an offset is not supported)
 * @err: error code when NULL is returned (-EAGAIN: no data yet, 0: end of stream)
 *
 * Return: the first skb of @queue, or NULL
 */
struct sk_buff *ovpn_compat_skb_recv_datagram(struct sock *sk,
					      struct sk_buff_head *queue,
					      unsigned int flags, int *off,
					      int *err)
{
	long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	struct sk_buff *skb;
	unsigned long cpu_flags;
	int error;

	*off = 0;
	do {
		error = sock_error(sk);
		if (error) {
			*err = error;
			return NULL;
		}

		spin_lock_irqsave(&queue->lock, cpu_flags);
		skb = skb_peek(queue);
		if (skb) {
			if (flags & MSG_PEEK)
				refcount_inc(&skb->users);
			else
				__skb_unlink(skb, queue);
		}
		spin_unlock_irqrestore(&queue->lock, cpu_flags);
		if (skb)
			return skb;

		*err = -EAGAIN;
	} while (timeo && !ovpn_wait_for_packets(sk, queue, err, &timeo));

	return NULL;
}
#endif /* !OVPN_HAVE_SKB_RECV_DATAGRAM_QUEUE */
