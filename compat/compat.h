/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovpn-backports: gate helpers, included before every source file.
 *
 * Version gates: LINUX_VERSION_IS_LESS(a, b, c) / _GEQ. A sublevel is never
 * above 255 (kbuild clamps it since "kbuild: clamp SUBLEVEL to 255").
 * No gate depends on a distribution: what distributions backport is found
 * by the probes of compat/gates.txt (OVPN_HAVE_*), whatever the version.
 */
#ifndef _OVPN_COMPAT_H
#define _OVPN_COMPAT_H

#include <linux/version.h>
#include <linux/kconfig.h>

#define LINUX_VERSION_IS_LESS(a, b, c)	(LINUX_VERSION_CODE < KERNEL_VERSION(a, b, c))
#define LINUX_VERSION_IS_GEQ(a, b, c)	(LINUX_VERSION_CODE >= KERNEL_VERSION(a, b, c))

/*
 * The oldest supported kernel: scripts/kernel-range.conf, passed by Kbuild
 * with compat.h in LINUXINCLUDE, so every compile that includes compat.h
 * (ovpn.mod.c too) has it; a compile without it is a Kbuild bug.
 */
#ifndef OVPN_KERNEL_MIN_MAJOR
#error "ovpn-backports: no OVPN_KERNEL_MIN_MAJOR (Kbuild passes it: scripts/kernel-range.conf)"
#elif LINUX_VERSION_IS_LESS(OVPN_KERNEL_MIN_MAJOR, OVPN_KERNEL_MIN_MINOR, 0)
#error "ovpn-backports: this kernel is older than the oldest supported (scripts/kernel-range.conf)"
#endif

/*
 * OVPN_SHIM(NAME); marks, at file scope, the branch of a gate that compiles
 * a shim: NAME is the gate's shim in compat/gates.txt. compat/shims.c, which
 * includes every shadow header, turns each marker into an "ovpn_shim=NAME"
 * line of the module's modinfo, so that the module lists the shims it was
 * built with, decided by the same #if as the code. Elsewhere a marker is an
 * empty declaration.
 */
#define OVPN_SHIM(name)	struct ovpn_shim_##name

#endif /* _OVPN_COMPAT_H */
