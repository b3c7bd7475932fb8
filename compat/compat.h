/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovpn-backports: gate helpers, included before every source file.
 *
 * Version gates: LINUX_VERSION_IS_LESS(a, b, c) / _GEQ. A sublevel is never
 * above 255 (kbuild clamps it since "kbuild: clamp SUBLEVEL to 255").
 * Distribution gates: RHEL_RELEASE_CODE (0 elsewhere), OVPN_SUSE,
 * OVPN_UBUNTU_ABI (0 elsewhere).
 */
#ifndef _OVPN_COMPAT_H
#define _OVPN_COMPAT_H

#include <linux/version.h>
#include <linux/kconfig.h>

#define LINUX_VERSION_IS_LESS(a, b, c)	(LINUX_VERSION_CODE < KERNEL_VERSION(a, b, c))
#define LINUX_VERSION_IS_GEQ(a, b, c)	(LINUX_VERSION_CODE >= KERNEL_VERSION(a, b, c))

#ifndef RHEL_RELEASE_CODE
#define RHEL_RELEASE_CODE 0
#endif
#ifndef RHEL_RELEASE_VERSION
#define RHEL_RELEASE_VERSION(a, b) (((a) << 8) + (b))
#endif

/* SUSE Linux Enterprise kernels say so in their config. */
#ifdef CONFIG_SUSE_KERNEL
#define OVPN_SUSE 1
#else
#define OVPN_SUSE 0
#endif

/* Ubuntu kernels put their ABI number (the "-NN" of 5.15.0-NN) in utsrelease.h. */
#include <generated/utsrelease.h>
#ifdef UTS_UBUNTU_RELEASE_ABI
#define OVPN_UBUNTU_ABI UTS_UBUNTU_RELEASE_ABI
#else
#define OVPN_UBUNTU_ABI 0
#endif

/* The oldest supported kernel: scripts/kernel-range.conf, passed by Kbuild. */
#if defined(OVPN_KERNEL_MIN_MAJOR) && \
	LINUX_VERSION_IS_LESS(OVPN_KERNEL_MIN_MAJOR, OVPN_KERNEL_MIN_MINOR, 0)
#error "ovpn-backports: this kernel is older than the oldest supported (scripts/kernel-range.conf)"
#endif

#endif /* _OVPN_COMPAT_H */
