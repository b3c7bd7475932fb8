/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _OVPN_COMPAT_UAPI_LINUX_IF_LINK_H
#define _OVPN_COMPAT_UAPI_LINUX_IF_LINK_H
#include_next <uapi/linux/if_link.h>

/* IFLA_OVPN_*, enum ovpn_mode: mainline 6.16 ("net: introduce OpenVPN Data Channel Offload (ovpn)") */
#ifndef IFLA_OVPN_MAX
OVPN_SHIM(IFLA_OVPN);

enum ovpn_mode {
	OVPN_MODE_P2P,
	OVPN_MODE_MP,
};

enum {
	IFLA_OVPN_UNSPEC,
	IFLA_OVPN_MODE,
	__IFLA_OVPN_MAX,
};

#define IFLA_OVPN_MAX	(__IFLA_OVPN_MAX - 1)
#endif

#endif /* _OVPN_COMPAT_UAPI_LINUX_IF_LINK_H */
