/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_LINUX_WORKQUEUE_H
#define _OVPN_COMPAT_LINUX_WORKQUEUE_H
#include_next <linux/workqueue.h>

/*
 * WQ_PERCPU: mainline 6.17 ("workqueue: Add new WQ_PERCPU flag"), an enum
 * value, so probed (compat/Kbuild.include). Before it a workqueue without
 * WQ_UNBOUND was per-CPU already: the flag is 0 there.
 */
#ifndef OVPN_HAVE_WQ_PERCPU
#define WQ_PERCPU 0
#endif

#endif /* _OVPN_COMPAT_LINUX_WORKQUEUE_H */
