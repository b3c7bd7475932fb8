// SPDX-License-Identifier: GPL-2.0
/*
 * The shims this ovpn.ko was built with, in its modinfo: one
 * "ovpn_shim=NAME" line per OVPN_SHIM(NAME) marker (compat/compat.h) that the
 * gates of the shadow headers compiled on this kernel. The markers sit in the
 * branches of the same #if that compiles each shim, so the list cannot
 * disagree with the code: `modinfo -F ovpn_shim ovpn.ko`.
 *
 * Every shadow header of compat/include is included below, after OVPN_SHIM()
 * is redefined and before anything else includes one of them (compat.h,
 * included first, includes none).
 */
#undef OVPN_SHIM
#define OVPN_SHIM(name)							\
	static const char __ovpn_shim_##name[]				\
	__attribute__((__used__, __section__(".modinfo"), __aligned__(1))) = \
		"ovpn_shim=" #name

#include <crypto/aead.h>
#include <linux/if_link.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/gso.h>
#include <net/hotdata.h>
#include <net/inet_common.h>
#include <net/inet_sock.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/rtnetlink.h>
#include <net/sock.h>
#include <net/transp_v6.h>
#include <net/udp_tunnel.h>
#include <trace/events/sock.h>
