#!/usr/bin/env bash
# make dkms-install / dkms-remove: DKMS from a checkout, through the release
# tarball (so DKMS gets exactly what the packages ship).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<'USAGE'
Usage: dkms.sh install TARBALL [KERNEL_RELEASE]
       dkms.sh remove [VERSION]

install: unpacks TARBALL (ovpn-backports-<version>.tar.xz) as
         /usr/src/ovpn-<version>, then dkms add, build and install for
         KERNEL_RELEASE (default: the running kernel). A kernel outside 5.4-6.15
         is skipped with the reason (6.16 and later ship ovpn in-tree).
remove:  dkms remove ovpn/VERSION --all and deletes /usr/src/ovpn-VERSION
         (default: every version of ovpn that DKMS knows).
Needs root and dkms.
USAGE
}
die() { echo "ovpn-backports: $*" >&2; exit 1; }
case "${1:-}" in
-h|--help|'') usage; [ -n "${1:-}" ]; exit ;;
esac
command -v dkms >/dev/null || die "dkms is not installed (apt-get install dkms / dnf install dkms)"
[ "$(id -u)" -eq 0 ] || die "DKMS needs root: run this as root (sudo make ...)"

case "$1" in
install)
	[ $# -ge 2 ] && [ $# -le 3 ] || { usage >&2; exit 2; }
	tb="$2" kver="${3:-$(uname -r)}"
	base=$(basename "$tb" .tar.xz)
	version="${base#ovpn-backports-}"
	src="/usr/src/ovpn-$version"
	if [ -e "/var/lib/dkms/ovpn/$version" ]; then
		dkms remove -m ovpn -v "$version" --all >/dev/null
	fi
	rm -rf "$src"
	mkdir -p "$src"
	tar -C "$src" --strip-components=1 --no-same-owner -xf "$tb"
	dkms add -m ovpn -v "$version"
	rc=0
	dkms build -m ovpn -v "$version" -k "$kver" || rc=$?
	if [ "$rc" -eq 77 ]; then
		"$here/dkms-notice.sh" "$kver"
		echo "ovpn-backports: nothing installed for $kver (ovpn $version stays added to DKMS for other kernels)"
		exit 0
	elif [ "$rc" -ne 0 ]; then
		tail -n 5 "/var/lib/dkms/ovpn/$version/build/make.log" >&2 || true
		die "the DKMS build for $kver failed (log: /var/lib/dkms/ovpn/$version/build/make.log)"
	fi
	dkms install -m ovpn -v "$version" -k "$kver"
	;;
remove)
	[ $# -le 2 ] || { usage >&2; exit 2; }
	if [ -n "${2:-}" ]; then
		versions=("$2")
	else
		versions=()
		for d in /var/lib/dkms/ovpn/*/ /usr/src/ovpn-*/; do
			[ -d "$d" ] || continue
			v=$(basename "$d")
			v="${v#ovpn-}"
			[[ "$v" == kernel-* ]] || versions+=("$v")
		done
	fi
	for v in $(printf '%s\n' "${versions[@]}" | sort -u); do
		if [ -e "/var/lib/dkms/ovpn/$v" ]; then
			dkms remove -m ovpn -v "$v" --all
		fi
		rm -rf "/usr/src/ovpn-$v"
	done
	rmdir /var/lib/dkms/ovpn 2>/dev/null || true
	;;
*) usage >&2; exit 2 ;;
esac
