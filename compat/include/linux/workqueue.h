/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_LINUX_WORKQUEUE_H
#define _OVPN_COMPAT_LINUX_WORKQUEUE_H
#include_next <linux/workqueue.h>

/*
 * WQ_PERCPU: mainline 6.17 (930c2ea566af, "workqueue: Add new WQ_PERCPU flag"), an enum
 * value, so probed (compat/gates.txt). Before it a workqueue without
 * WQ_UNBOUND was per-CPU already: the flag is 0 there.
 */
#ifndef OVPN_HAVE_WQ_PERCPU
OVPN_SHIM(WQ_PERCPU);
#define WQ_PERCPU 0
#endif

/*
 * system_percpu_wq: mainline 6.17 (128ea9f6ccfb, "workqueue: Add
 * system_percpu_wq and system_dfl_wq"), the per-CPU system workqueue under its
 * new name (upstream ovpn 7.0 kicks its keepalive work there); probed. Before
 * it that workqueue is system_wq.
 */
#ifndef OVPN_HAVE_SYSTEM_PERCPU_WQ
OVPN_SHIM(SYSTEM_PERCPU_WQ);
#define system_percpu_wq system_wq
#endif

/*
 * disable_delayed_work_sync(): mainline 6.10 (86898fa6b8cd, "workqueue:
 * Implement disable/enable for (delayed) work items"): probed. The fallback only
 * cancels the work and waits for it: unlike upstream it does not make later
 * queue_delayed_work()/mod_delayed_work() calls fail, so every caller that
 * could re-arm the work afterwards must be guarded (for ovpn:
 * ovpn_compat_{queue,mod}_delayed_work() in compat/include/linux/netdevice.h).
 */
#ifndef OVPN_HAVE_DISABLE_DELAYED_WORK_SYNC
OVPN_SHIM(DISABLE_DELAYED_WORK_SYNC);

static inline bool disable_delayed_work_sync(struct delayed_work *dwork)
{
	return cancel_delayed_work_sync(dwork);
}
#endif

#endif /* _OVPN_COMPAT_LINUX_WORKQUEUE_H */
