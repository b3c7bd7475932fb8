// Undo: dev->lltx ("netdev_features: convert NETIF_F_LLTX to dev->lltx",
//   mainline 6.12).
// Needed on: kernels without net_device::lltx (<= 6.11): probed. There the
//   same lockless-TX property is the NETIF_F_LLTX feature bit.
// Why not a header: it is a structure member assignment; the patch turns it
//   into ovpn_compat_netdev_set_lltx(dev) (compat/include/linux/netdevice.h),
//   which is the upstream assignment where the member exists.
// Files: drivers/net/ovpn/main.c

@@
expression dev;
symbol true;
@@
- dev->lltx = true;
+ ovpn_compat_netdev_set_lltx(dev);
