// SPDX-License-Identifier: GPL-2.0
// Undoes: netdev_lock()/netdev_unlock() around the reg_state check in ovpn_peer_add()
//   (the helpers: "net: add netdev_lock() / netdev_unlock() helpers" and "net: make
//   netdev_lock() protect netdev->reg_state", mainline 6.14; their use in ovpn: upstream
//   982422b11e6f "ovpn: fix race between deleting interface and adding new peer").
// Needed on: kernels without netdev_lock() (<= 6.13): probed (OVPN_HAVE_NETDEV_LOCK).
// Why not a header: a generic netdev_lock() shim would have to be a per-device lock;
//   mapping every netdev_lock() to the global RTNL would deadlock any caller that
//   legitimately holds RTNL already (RTNL -> instance lock is the upstream order).
// Hooks: ovpn_compat_netdev_lock, ovpn_compat_netdev_unlock
//   (compat/include/linux/netdevice.h)
// Files: drivers/net/ovpn/peer.c
//
// The lock: upstream takes the instance lock so that no peer can be added after
// unregister_netdevice_many() moved the device out of NETREG_REGISTERED (a peer
// added then would hold the device reference forever, since ndo_uninit already
// released the peers). Before 6.14 reg_state changes only under RTNL
// (unregister_netdevice_many() and register_netdevice() run with RTNL held,
// ndo_uninit too), so RTNL gives exactly that exclusion. ovpn_peer_add() runs from
// the OVPN_CMD_PEER_NEW generic netlink handler, which does not hold RTNL (the
// ovpn family does not ask genetlink for it), and it takes only spinlocks and may
// release an old peer's socket under it, which ndo_uninit also does under RTNL: no
// new lock order is created. So only the calls in ovpn_peer_add() are rewritten
// (to ovpn_compat_netdev_{,un}lock(), which are netdev_{,un}lock() where the
// kernel has them): that is where the substitution was checked.
// Upstream ovpn before 982422b11e6f has no such lock: nothing to undo there.
// Detect: a netdev_lock()/netdev_unlock() anywhere else in the file, which must
// be checked (and added here) before it is rewritten.

virtual detect

@depends on !detect@
expression dev;
@@
 ovpn_peer_add(...)
 {
 <...
(
- netdev_lock(dev)
+ ovpn_compat_netdev_lock(dev)
|
- netdev_unlock(dev)
+ ovpn_compat_netdev_unlock(dev)
)
 ...>
 }

@depends on detect@
expression dev;
@@
(
* netdev_lock(dev)
|
* netdev_unlock(dev)
)
