// SPDX-License-Identifier: GPL-2.0
// Undoes: dev->lltx ("netdev_features: convert NETIF_F_LLTX to dev->lltx", mainline
//   6.12).
// Needed on: kernels without net_device::lltx (<= 6.11): probed (OVPN_HAVE_NETDEV_LLTX).
//   There the same lockless-TX property is the NETIF_F_LLTX feature bit.
// Why not a header: it is a structure member assignment.
// Hooks: ovpn_compat_netdev_set_lltx (compat/include/linux/netdevice.h)
// Files: drivers/net/ovpn/main.c
//
// The assignment becomes ovpn_compat_netdev_set_lltx(dev), which is the upstream
// assignment where the member exists.
// Detect: any use of the member left.

virtual detect

@depends on !detect@
expression dev;
symbol true;
@@
- dev->lltx = true;
+ ovpn_compat_netdev_set_lltx(dev);

@depends on detect@
expression dev;
@@
* dev->lltx
