#!/usr/bin/env bash
# make dkms-install / dkms-remove: DKMS from a checkout, through the release
# tarball (so DKMS gets exactly what the packages ship).
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: dkms.sh install TARBALL [KERNEL_RELEASE...]
       dkms.sh remove [VERSION]

install: removes any other version of ovpn from DKMS, unpacks TARBALL
         (ovpn-backports-<version>.tar.xz) as /usr/src/ovpn-<version>,
         then dkms add, and build and install for each KERNEL_RELEASE (default:
         the running kernel) with scripts/dkms-kernels.sh: a kernel outside the
         supported range is skipped with the reason.
remove:  dkms remove ovpn/VERSION --all and deletes /usr/src/ovpn-VERSION
         (default: every version of ovpn that DKMS knows).
Both refuse, changing nothing, when a /usr/src/ovpn-* tree they would delete
belongs to a package (dpkg -S, rpm -qf): ovpn-backports-dkms, or the
ovpn-dkms of OpenVPN's repository; remove that with the package manager.
Needs root and dkms.
USAGE
}
die() { echo "ovpn-backports: $*" >&2; exit 1; }
case "${1:-}" in
-h|--help|'') usage; [ -n "${1:-}" ]; exit ;;
esac
command -v dkms >/dev/null || die "dkms is not installed (apt-get install dkms / dnf install dkms)"
[ "$(id -u)" -eq 0 ] || die "DKMS needs root: run this as root (sudo make ...)"

# owner PATH: the package that owns PATH (dpkg or rpm), if any
owner() {
	local p
	if command -v dpkg-query >/dev/null && p=$(dpkg-query -S "$1" 2>/dev/null); then
		echo "${p%%: *}"
	elif command -v rpm >/dev/null && p=$(rpm -qf "$1" 2>/dev/null); then
		echo "$p"
	else
		return 1
	fi
}
# refuse_owned VERSION...: die if the DKMS tree of a VERSION belongs to a package
refuse_owned() {
	local v p
	for v in "$@"; do
		if p=$(owner "/usr/src/ovpn-$v"); then
			die "/usr/src/ovpn-$v (DKMS ovpn/$v) belongs to the package $p: remove it with the package manager (apt-get remove $p / dnf remove $p); nothing was changed"
		fi
	done
}
# dkms_versions: the versions of ovpn that DKMS or /usr/src know
dkms_versions() {
	local d v
	for d in /var/lib/dkms/ovpn/*/ /usr/src/ovpn-*/; do
		[ -d "$d" ] || continue
		v=$(basename "$d")
		v="${v#ovpn-}"
		[[ "$v" == kernel-* || "$v" == original_module ]] || echo "$v"
	done | sort -u
}

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
	mapfile -t others < <(dkms_versions)
	refuse_owned "$version" "${others[@]}"
	# One version at a time, as the packages do: an upgrade leaves nothing behind.
	for v in "${others[@]}"; do
		if [ -e "/var/lib/dkms/ovpn/$v" ]; then
			echo "ovpn-backports: removing ovpn $v from DKMS"
			dkms remove -m ovpn -v "$v" --all >/dev/null
		fi
		rm -rf "/usr/src/ovpn-$v"
	done
	rm -rf "$src"
	mkdir -p "$src"
	tar -C "$src" --strip-components=1 --no-same-owner -xf "$tb"
	dkms add -m ovpn -v "$version"
	rc=0
	"$src/scripts/dkms-kernels.sh" "$version" "${kernels[@]}" || rc=$?
	"$src/scripts/openvpn-check.sh" >&2
	exit "$rc"
	;;
remove)
	[ $# -le 2 ] || { usage >&2; exit 2; }
	if [ -n "${2:-}" ]; then
		versions=("$2")
	else
		mapfile -t versions < <(dkms_versions)
	fi
	refuse_owned "${versions[@]}"
	for v in "${versions[@]}"; do
		if [ -e "/var/lib/dkms/ovpn/$v" ]; then
			dkms remove -m ovpn -v "$v" --all
		fi
		rm -rf "/usr/src/ovpn-$v"
	done
	rmdir /var/lib/dkms/ovpn 2>/dev/null || true
	;;
*) usage >&2; exit 2 ;;
esac
