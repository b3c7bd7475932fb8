#!/usr/bin/env bash
# Decide which kernel tree to build against and print it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# The Debian kernel fetcher is developer tooling: a checkout has it, the
# release tarball (DKMS, packages) does not.
fetch="$here/../devel/fetch-kernel.sh"

usage() {
	cat <<'USAGE'
Usage: kernel-dir.sh KERNEL_SRC KVER KERNEL

The first non-empty wins: KERNEL_SRC (a kernel build tree), KVER (uses
/lib/modules/KVER/build), KERNEL (a matrix kernel such as debian-6.1, fetched
into the cache; a checkout only). With all three empty: the running kernel's
headers, or, where it has none, in a checkout the reference kernel debian-6.1
(fetched; said on stderr), in a release tarball an error.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
[ $# -eq 3 ] || { usage >&2; exit 2; }

if [ -n "$1" ]; then
	echo "$1"
elif [ -n "$2" ]; then
	echo "/lib/modules/$2/build"
elif [ -n "$3" ]; then
	[ -x "$fetch" ] || {
		echo "ovpn-backports: KERNEL=$3 (a test-matrix kernel) needs a git checkout of ovpn-backports; use KERNEL_SRC=DIR or KVER=X" >&2
		exit 1
	}
	"$fetch" "$3"
elif [ -e "/lib/modules/$(uname -r)/build/Makefile" ]; then
	echo "/lib/modules/$(uname -r)/build"
elif [ -x "$fetch" ]; then
	echo "ovpn-backports: the running kernel $(uname -r) has no headers (/lib/modules/$(uname -r)/build):" \
		"building against the reference kernel debian-6.1 instead, fetched into the cache." \
		"For this machine: apt-get install linux-headers-$(uname -r), or pass KERNEL_SRC=DIR." >&2
	"$fetch" debian-6.1
else
	echo "ovpn-backports: no kernel tree at /lib/modules/$(uname -r)/build (install the kernel headers, e.g. linux-headers-$(uname -r), or pass KERNEL_SRC=DIR / KVER=X)" >&2
	exit 1
fi
