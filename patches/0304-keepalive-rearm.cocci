// Undo: reliance on disable_delayed_work_sync() to stop the keepalive work
//   from being re-armed once the device is torn down (upstream dropped its
//   "reg_state == NETREG_REGISTERED" re-arm check when it switched
//   ovpn_net_uninit() to disable_delayed_work_sync(); the API is mainline
//   6.10, "workqueue: Implement disable/enable for (delayed) work items").
// Needed on: kernels without disable_delayed_work_sync() (<= 6.9): probed.
//   There compat/include/linux/workqueue.h falls back to
//   cancel_delayed_work_sync(), which does not block later queueing.
// The keepalive work is armed from two places: ovpn_peer_keepalive_set()
//   (netlink PEER_NEW/PEER_SET, possibly concurrent with unregistration) and
//   the work itself (ovpn_peer_keepalive_work()). Both are rewritten to
//   ovpn_compat_{mod,queue}_delayed_work(dev, ...), which queue only while
//   dev->reg_state is NETREG_REGISTERED, checked under RCU: the core sets
//   NETREG_UNREGISTERING and runs synchronize_net() before ndo_uninit, so
//   nothing can be queued after ovpn_net_uninit() cancelled the work. On
//   kernels with disable_delayed_work_sync() they are the plain calls.
// Why not a header: the device to check is only known at the call sites.
// Files: drivers/net/ovpn/peer.c

@@
expression wq, ovpn, delay;
@@
(
- mod_delayed_work(wq, &ovpn->keepalive_work, delay)
+ ovpn_compat_mod_delayed_work(ovpn->dev, wq, &ovpn->keepalive_work, delay)
|
- queue_delayed_work(wq, &ovpn->keepalive_work, delay)
+ ovpn_compat_queue_delayed_work(ovpn->dev, wq, &ovpn->keepalive_work, delay)
)
