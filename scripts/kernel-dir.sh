#!/usr/bin/env bash
# Decide which kernel tree to build against and print it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<'USAGE'
Usage: kernel-dir.sh KERNEL_SRC KVER KERNEL

The first non-empty wins: KERNEL_SRC (a kernel build tree), KVER (uses
/lib/modules/KVER/build), KERNEL (a matrix kernel such as debian-6.1, fetched
into the cache). With all three empty: the running kernel's headers, or, where
it has none, the reference kernel debian-6.1 (fetched; said on stderr).
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
[ $# -eq 3 ] || { usage >&2; exit 2; }

if [ -n "$1" ]; then
	echo "$1"
elif [ -n "$2" ]; then
	echo "/lib/modules/$2/build"
elif [ -n "$3" ]; then
	"$here/fetch-kernel.sh" "$3"
elif [ -e "/lib/modules/$(uname -r)/build/Makefile" ]; then
	echo "/lib/modules/$(uname -r)/build"
else
	echo "ovpn-backports: the running kernel $(uname -r) has no headers (/lib/modules/$(uname -r)/build):" \
		"building against the reference kernel debian-6.1 instead, fetched into the cache." \
		"For this machine: apt-get install linux-headers-$(uname -r), or pass KERNEL_SRC=DIR." >&2
	"$here/fetch-kernel.sh" debian-6.1
fi
