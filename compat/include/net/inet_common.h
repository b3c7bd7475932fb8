/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_NET_INET_COMMON_H
#define _OVPN_COMPAT_NET_INET_COMMON_H
/*
 * Before mainline 5.13 or so <net/inet_common.h> used struct sock in an
 * inline function without including <net/sock.h> itself.
 */
#include <net/sock.h>
#include_next <net/inet_common.h>

#endif /* _OVPN_COMPAT_NET_INET_COMMON_H */
