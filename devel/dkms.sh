#!/usr/bin/env bash
# make dkms-install / dkms-remove: DKMS from a checkout, through the release
# tarball (so DKMS gets exactly what the packages ship).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<'USAGE'
Usage: dkms.sh install TARBALL [KERNEL_RELEASE...]
       dkms.sh remove [VERSION]

install: removes any other version of ovpn from DKMS, unpacks TARBALL
         (ovpn-backports-<version>.tar.xz) as /usr/src/ovpn-<version>,
         then dkms add, build and install for each
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
	[ $# -ge 2 ] || { usage >&2; exit 2; }
	tb="$2"
	shift 2
	kernels=("$@")
	[ ${#kernels[@]} -gt 0 ] || kernels=("$(uname -r)")
	base=$(basename "$tb" .tar.xz)
	version="${base#ovpn-backports-}"
	src="/usr/src/ovpn-$version"
	# One version at a time, as the packages do: an upgrade leaves nothing behind.
	for d in /var/lib/dkms/ovpn/*/; do
		[ -d "$d" ] || continue
		v=$(basename "$d")
		[[ "$v" == kernel-* ]] && continue
		echo "ovpn-backports: removing ovpn $v from DKMS"
		dkms remove -m ovpn -v "$v" --all >/dev/null
		[ "$v" = "$version" ] || rm -rf "/usr/src/ovpn-$v"
	done
	rm -rf "$src"
	mkdir -p "$src"
	tar -C "$src" --strip-components=1 --no-same-owner -xf "$tb"
	dkms add -m ovpn -v "$version"
	failed=0
	for kver in "${kernels[@]}"; do
		rc=0
		dkms build -m ovpn -v "$version" -k "$kver" || rc=$?
		if [ "$rc" -eq 77 ]; then
			"$here/../scripts/dkms-notice.sh" "$kver"
			echo "ovpn-backports: nothing installed for $kver"
		elif [ "$rc" -ne 0 ]; then
			tail -n 5 "/var/lib/dkms/ovpn/$version/build/make.log" >&2 || true
			echo "ovpn-backports: the DKMS build for $kver failed (log: /var/lib/dkms/ovpn/$version/build/make.log)" >&2
			failed=1
		else
			dkms install -m ovpn -v "$version" -k "$kver" || failed=1
		fi
	done
	exit "$failed"
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
