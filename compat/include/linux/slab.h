/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _OVPN_COMPAT_LINUX_SLAB_H
#define _OVPN_COMPAT_LINUX_SLAB_H
#include_next <linux/slab.h>

/*
 * kmalloc_obj()/kzalloc_obj(): mainline 7.0 ("slab: Introduce kmalloc_obj()
 * and family"), also taken by some stable series (6.18.y): test the macro,
 * not the version. Only the single-object forms are used by ovpn.
 */
#ifndef kmalloc_obj
OVPN_SHIM(kmalloc_obj);
#define __ovpn_gfp_sel(_dummy, gfp, ...)	gfp
#define __ovpn_default_gfp(...)	__ovpn_gfp_sel(_dummy, ##__VA_ARGS__, GFP_KERNEL)
#define kmalloc_obj(VAR_OR_TYPE, ...) \
	((typeof(VAR_OR_TYPE) *)kmalloc(sizeof(VAR_OR_TYPE), __ovpn_default_gfp(__VA_ARGS__)))
#define kzalloc_obj(VAR_OR_TYPE, ...) \
	((typeof(VAR_OR_TYPE) *)kzalloc(sizeof(VAR_OR_TYPE), __ovpn_default_gfp(__VA_ARGS__)))
#endif

#endif /* _OVPN_COMPAT_LINUX_SLAB_H */
