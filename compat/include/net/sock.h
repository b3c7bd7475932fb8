/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_SOCK_H
#define _OVPN_COMPAT_NET_SOCK_H
#include_next <net/sock.h>

/*
 * struct sock::sk_use_task_frag: mainline 6.2 (fb87bd47516d, "net: Introduce
 * sk_use_task_frag in struct sock."), stable 6.1.191 (Debian's 6.1.192 has
 * it), probed. Used through ovpn_compat_sk_disable_task_frag() by
 * patches/0202. Before it sk_page_frag() picked current->task_frag only for
 * an sk_allocation that may sleep: ovpn sets GFP_ATOMIC, so there is nothing
 * more to do.
 */
#ifdef OVPN_HAVE_SK_USE_TASK_FRAG
static inline void ovpn_compat_sk_disable_task_frag(struct sock *sk)
{
	sk->sk_use_task_frag = false;
}
#else
OVPN_SHIM(SK_USE_TASK_FRAG);

static inline void ovpn_compat_sk_disable_task_frag(struct sock *sk)
{
}
#endif

/*
 * struct proto::recvmsg without addr_len: mainline (after 6.12, also in 6.18.y
 * stable), and without noblock: mainline 5.19 ("net: remove noblock parameter
 * from recvmsg() entities"); both probed. patches/0201 adds
 * OVPN_COMPAT_DEFINE_PROTO_RECVMSG(fn) after ovpn's handler and installs
 * ovpn_compat_proto_recvmsg(fn): a wrapper with the kernel's signature where it
 * differs, @fn itself where it does not.
 */
#if defined(OVPN_HAVE_PROTO_RECVMSG_NOBLOCK)
OVPN_SHIM(PROTO_RECVMSG_NOBLOCK);

#define OVPN_COMPAT_DEFINE_PROTO_RECVMSG(fn)				\
static int fn##_compat(struct sock *sk, struct msghdr *msg, size_t len,	\
		       int noblock, int flags, int *addr_len)			\
{										\
	return fn(sk, msg, len, flags | (noblock ? MSG_DONTWAIT : 0));		\
}										\
struct ovpn_compat_proto_recvmsg_##fn
#define ovpn_compat_proto_recvmsg(fn) fn##_compat
#elif defined(OVPN_HAVE_PROTO_RECVMSG_ADDR_LEN)
OVPN_SHIM(PROTO_RECVMSG_ADDR_LEN);

#define OVPN_COMPAT_DEFINE_PROTO_RECVMSG(fn)				\
static int fn##_compat(struct sock *sk, struct msghdr *msg, size_t len,	\
		       int flags, int *addr_len)				\
{										\
	return fn(sk, msg, len, flags);						\
}										\
struct ovpn_compat_proto_recvmsg_##fn
#define ovpn_compat_proto_recvmsg(fn) fn##_compat
#else
#define OVPN_COMPAT_DEFINE_PROTO_RECVMSG(fn) struct ovpn_compat_proto_recvmsg_##fn
#define ovpn_compat_proto_recvmsg(fn) fn
#endif

/*
 * The same pair for an upstream ovpn from before the addr_len removal, whose
 * handler still takes addr_len: patches/0201 uses
 * OVPN_COMPAT_DEFINE_PROTO_RECVMSG_ADDR_LEN(fn) and
 * ovpn_compat_proto_recvmsg_addr_len(fn) for it.
 */
#if defined(OVPN_HAVE_PROTO_RECVMSG_NOBLOCK)
#define OVPN_COMPAT_DEFINE_PROTO_RECVMSG_ADDR_LEN(fn)			\
static int fn##_compat(struct sock *sk, struct msghdr *msg, size_t len,	\
		       int noblock, int flags, int *addr_len)			\
{										\
	return fn(sk, msg, len, flags | (noblock ? MSG_DONTWAIT : 0),	\
		  addr_len);							\
}										\
struct ovpn_compat_proto_recvmsg_##fn
#define ovpn_compat_proto_recvmsg_addr_len(fn) fn##_compat
#elif defined(OVPN_HAVE_PROTO_RECVMSG_ADDR_LEN)
#define OVPN_COMPAT_DEFINE_PROTO_RECVMSG_ADDR_LEN(fn) struct ovpn_compat_proto_recvmsg_##fn
#define ovpn_compat_proto_recvmsg_addr_len(fn) fn
#else
#define OVPN_COMPAT_DEFINE_PROTO_RECVMSG_ADDR_LEN(fn)			\
static int fn##_compat(struct sock *sk, struct msghdr *msg, size_t len,	\
		       int flags)						\
{										\
	int addr_len = 0;							\
										\
	return fn(sk, msg, len, flags, &addr_len);				\
}										\
struct ovpn_compat_proto_recvmsg_##fn
#define ovpn_compat_proto_recvmsg_addr_len(fn) fn##_compat
#endif

#endif /* _OVPN_COMPAT_NET_SOCK_H */
