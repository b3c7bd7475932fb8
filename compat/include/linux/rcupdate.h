/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_LINUX_RCUPDATE_H
#define _OVPN_COMPAT_LINUX_RCUPDATE_H
#include_next <linux/rcupdate.h>

/*
 * rcu_replace_pointer(): mainline 5.5 ("rcu: Upgrade rcu_swap_protected() to
 * rcu_replace_pointer()"), a macro; some 5.4.y stable releases have it.
 */
#ifndef rcu_replace_pointer
OVPN_SHIM(rcu_replace_pointer);
#define rcu_replace_pointer(rcu_ptr, ptr, c)				\
({									\
	typeof(ptr) __tmp = rcu_dereference_protected((rcu_ptr), (c));	\
	rcu_assign_pointer((rcu_ptr), (ptr));				\
	__tmp;								\
})
#endif

#endif /* _OVPN_COMPAT_LINUX_RCUPDATE_H */
