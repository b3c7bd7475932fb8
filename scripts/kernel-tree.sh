#!/usr/bin/env bash
# Helpers about a kernel build tree (sourced).

# ktree_release DIR: the tree's kernel release (what uname -r and vermagic say)
ktree_release() {
	local f="$1/include/generated/utsrelease.h"
	[ -s "$f" ] || return 1
	sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' "$f"
}

# ktree_version DIR: "MAJOR MINOR SUBLEVEL" of the tree (sublevel clamped to 255)
ktree_version() {
	local f="$1/include/generated/uapi/linux/version.h" code
	[ -s "$f" ] || return 1
	code=$(sed -n 's/^#define LINUX_VERSION_CODE \([0-9]*\)/\1/p' "$f")
	[ -n "$code" ] || return 1
	echo "$((code >> 16)) $(((code >> 8) & 255)) $((code & 255))"
}

# ktree_srctree DIR: the source tree of the build tree DIR, whose include/ holds
# the common headers: Debian's -common tree (DIR/Makefile includes its
# Makefile), the "source" link of an O= build, else DIR itself
ktree_srctree() {
	local d="$1" inc
	inc=$(sed -n 's|^include[[:space:]]\{1,\}\(/.*\)/Makefile[[:space:]]*$|\1|p' "$d/Makefile" 2>/dev/null | head -n1)
	if [ -n "$inc" ] && [ -d "$inc/include" ]; then
		echo "$inc"
	elif [ -d "$d/source/include" ]; then
		(cd "$d/source" && pwd -P)
	else
		echo "$d"
	fi
}

# The supported range: OVPN_KERNEL_MIN <= kernel < OVPN_KERNEL_INTREE.
# shellcheck source=scripts/kernel-range.conf
. "$(dirname "${BASH_SOURCE[0]}")/kernel-range.conf"

# krange_num MAJOR.MINOR: MAJOR * 256 + MINOR, for comparisons
krange_num() { echo $(( ${1%%.*} * 256 + ${1#*.} )); }

# krange_class MAJOR MINOR: "below", "supported" or "intree" (OVPN_KERNEL_INTREE and later)
krange_class() {
	local v=$(( $1 * 256 + $2 ))
	if [ "$v" -lt "$(krange_num "$OVPN_KERNEL_MIN")" ]; then
		echo below
	elif [ "$v" -ge "$(krange_num "$OVPN_KERNEL_INTREE")" ]; then
		echo intree
	else
		echo supported
	fi
}

# krange_last: the newest supported MAJOR.MINOR (MAJOR.x when OVPN_KERNEL_INTREE is an X.0)
krange_last() {
	local maj=${OVPN_KERNEL_INTREE%%.*} min=${OVPN_KERNEL_INTREE#*.}
	if [ "$min" -gt 0 ]; then echo "$maj.$((min - 1))"; else echo "$((maj - 1)).x"; fi
}

# krange_text: the range in words ("MIN to LAST")
krange_text() { echo "$OVPN_KERNEL_MIN to $(krange_last)"; }

# ktree_has_ovpn DIR: true when the kernel of build tree DIR has ovpn of its own
# (CONFIG_OVPN=y or =m in its .config); false when its .config lacks it (a
# kernel of OVPN_KERNEL_INTREE or later built without ovpn gets this backport)
ktree_has_ovpn() {
	grep -qE '^CONFIG_OVPN=(y|m)$' "$1/.config"
}

# krange_allow_intree [ROOT]: true when the user opted in to building for kernels that
# ship ovpn (OVPN_ALLOW_INTREE_KERNEL=1 in the environment, or in ROOT/etc/dkms/ovpn.conf,
# which dkms.conf reads too)
krange_allow_intree() {
	local f="${1:-}/etc/dkms/ovpn.conf"
	[ "${OVPN_ALLOW_INTREE_KERNEL:-}" = 1 ] && return 0
	# shellcheck disable=SC1090 # the user's DKMS configuration of ovpn
	[ -r "$f" ] && (. "$f" >/dev/null 2>&1; [ "${OVPN_ALLOW_INTREE_KERNEL:-}" = 1 ])
}
