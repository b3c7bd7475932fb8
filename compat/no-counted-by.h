/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ovpn-backports: for a kernel configured by a compiler that has the
 * counted_by attribute (CONFIG_CC_HAS_COUNTED_BY) built with one that lacks
 * it (Debian's 7.2.13+deb14 is configured by gcc 16; a host with gcc 12 builds
 * against it). Without this header every flexible array of the kernel's
 * headers warns "'counted_by' attribute directive ignored". The attribute only
 * adds bounds checks; the layout is the same without it. scripts/build.sh
 * passes it in KCFLAGS (after compiler_types.h, which defines the macros) only
 * when its compiler lacks the attribute, so it reaches every compile of the
 * module (ovpn.mod.c too).
 */
#undef __counted_by
#define __counted_by(member)
#undef __counted_by_ptr
#define __counted_by_ptr(member)
