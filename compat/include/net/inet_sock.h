/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_INET_SOCK_H
#define _OVPN_COMPAT_NET_INET_SOCK_H
#include_next <net/inet_sock.h>

/*
 * inet_set_bit(MC_LOOP, sk): mainline 6.6 ("inet: move inet->mc_loop to
 * inet->inet_frags", in the inet_flags conversion), probed. Before it mc_loop is a
 * bitfield of struct inet_sock. Only the flags ovpn uses are provided: any
 * other name fails to build here instead of doing nothing.
 */
#ifndef OVPN_HAVE_INET_FLAGS_MC_LOOP
OVPN_SHIM(INET_FLAGS_MC_LOOP);

static inline void ovpn_inet_set_bit_MC_LOOP(struct sock *sk)
{
	inet_sk(sk)->mc_loop = 1;
}

#define inet_set_bit(nr, sk)	ovpn_inet_set_bit_##nr(sk)
#endif

#endif /* _OVPN_COMPAT_NET_INET_SOCK_H */
