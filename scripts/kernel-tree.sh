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
