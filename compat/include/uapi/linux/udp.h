/* SPDX-License-Identifier: GPL-2.0+ WITH Linux-syscall-note */
#ifndef _OVPN_COMPAT_UAPI_LINUX_UDP_H
#define _OVPN_COMPAT_UAPI_LINUX_UDP_H
#include_next <uapi/linux/udp.h>

/* UDP_ENCAP_OVPNINUDP: mainline 6.16 ("ovpn: implement basic RX path (UDP)") */
#ifndef UDP_ENCAP_OVPNINUDP
OVPN_SHIM(UDP_ENCAP_OVPNINUDP);
#define UDP_ENCAP_OVPNINUDP 8
#endif

#endif /* _OVPN_COMPAT_UAPI_LINUX_UDP_H */
