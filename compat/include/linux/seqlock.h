/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_LINUX_SEQLOCK_H
#define _OVPN_COMPAT_LINUX_SEQLOCK_H
#include_next <linux/seqlock.h>

/*
 * seqcount_spinlock_t: mainline 5.9 ("seqlock: Extend seqcount API with
 * associated locks"); seqcount_spinlock_init() is a macro. Before it a plain
 * seqcount_t: writers are serialized by the same spinlock in ovpn (only
 * lockdep loses the check that the lock is held).
 */
#ifndef seqcount_spinlock_init
OVPN_SHIM(seqcount_spinlock_t);
typedef seqcount_t seqcount_spinlock_t;
#define seqcount_spinlock_init(s, lock)	seqcount_init(s)
#endif

#endif /* _OVPN_COMPAT_LINUX_SEQLOCK_H */
