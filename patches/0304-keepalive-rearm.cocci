// SPDX-License-Identifier: GPL-2.0
// Undoes: reliance on disable_delayed_work_sync() to stop the keepalive work from being
//   re-armed once the device is torn down (upstream dropped its "reg_state ==
//   NETREG_REGISTERED" re-arm check when it switched to it; the API is mainline 6.10,
//   "workqueue: Implement disable/enable for (delayed) work items").
// Needed on: kernels without disable_delayed_work_sync() (<= 6.9): probed
//   (OVPN_HAVE_DISABLE_DELAYED_WORK_SYNC). There compat/include/linux/workqueue.h falls
//   back to cancel_delayed_work_sync(), which does not block later queueing.
// Why not a header: the device to check is only known at the call sites.
// Hooks: ovpn_compat_mod_delayed_work, ovpn_compat_queue_delayed_work
//   (compat/include/linux/netdevice.h)
// Files: drivers/net/ovpn/peer.c
//
// The keepalive work is armed from two places: ovpn_peer_keepalive_set()
// (netlink PEER_NEW/PEER_SET, possibly concurrent with unregistration) and the
// work itself (ovpn_peer_keepalive_work()). Both are rewritten to
// ovpn_compat_{mod,queue}_delayed_work(dev, ...), which queue only while
// dev->reg_state is NETREG_REGISTERED, checked under RCU: the core sets
// NETREG_UNREGISTERING and runs synchronize_net() before ndo_uninit, so nothing
// can be queued after ovpn_net_uninit() cancelled the work. On kernels with
// disable_delayed_work_sync() they are the plain calls. Older upstream ovpn (on
// system_wq, before ovpn_wq) arms it with schedule_delayed_work(), which is
// queue_delayed_work() on system_wq: rewritten the same way (harmless where that
// upstream still cancels the work in its dellink).
// Detect: the keepalive work armed by any other call.

virtual detect

@depends on !detect@
expression wq, ovpn, delay;
@@
(
- mod_delayed_work(wq, &ovpn->keepalive_work, delay)
+ ovpn_compat_mod_delayed_work(ovpn->dev, wq, &ovpn->keepalive_work, delay)
|
- queue_delayed_work(wq, &ovpn->keepalive_work, delay)
+ ovpn_compat_queue_delayed_work(ovpn->dev, wq, &ovpn->keepalive_work, delay)
|
- schedule_delayed_work(&ovpn->keepalive_work, delay)
+ ovpn_compat_queue_delayed_work(ovpn->dev, system_wq, &ovpn->keepalive_work, delay)
)

@depends on detect@
expression E;
expression list es;
identifier f = {mod_delayed_work, queue_delayed_work, schedule_delayed_work,
		mod_delayed_work_on, queue_delayed_work_on, schedule_delayed_work_on};
@@
* f(es, &E->keepalive_work, ...)
