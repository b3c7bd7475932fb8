// Undo: netdev_lock()/netdev_unlock() around the reg_state check in
//   ovpn_peer_add() ("net: add netdev_lock() / netdev_unlock() helpers" and
//   "net: make netdev_lock() protect netdev->reg_state", mainline 6.14).
// Needed on: kernels without netdev_lock() (<= 6.13): probed.
// The lock: upstream takes the instance lock so that no peer can be added
//   after unregister_netdevice_many() moved the device out of
//   NETREG_REGISTERED (a peer added then would hold the device reference
//   forever, since ndo_uninit already released the peers). Before 6.14
//   reg_state changes only under RTNL (unregister_netdevice_many() and
//   register_netdevice() run with RTNL held, ndo_uninit too), so RTNL gives
//   exactly that exclusion. ovpn_peer_add() runs from the OVPN_CMD_PEER_NEW
//   generic netlink handler, which does not hold RTNL (the ovpn family does
//   not ask genetlink for it), and it takes only spinlocks and may release an
//   old peer's socket under it, which ndo_uninit also does under RTNL: no new
//   lock order is created.
// Why not a header: a generic netdev_lock() shim would have to be a per-device
//   lock; mapping every netdev_lock() to the global RTNL would deadlock any
//   caller that legitimately holds RTNL already (RTNL -> instance lock is the
//   upstream order). Rewriting this call site to ovpn_compat_netdev_{,un}lock()
//   (compat/include/linux/netdevice.h) keeps the substitution where it was
//   checked; they are netdev_{,un}lock() where the kernel has them.
// Files: drivers/net/ovpn/peer.c

@@
expression dev;
@@
(
- netdev_lock(dev)
+ ovpn_compat_netdev_lock(dev)
|
- netdev_unlock(dev)
+ ovpn_compat_netdev_unlock(dev)
)
