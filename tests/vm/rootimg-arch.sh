#!/usr/bin/env bash
# Build (once, cached) the root image of a test guest of another
# architecture than the host's: the host's own files cannot run there, so the
# guest's userland is Debian's for that architecture, unpacked from the
# packages (no maintainer scripts), in an ext4 image that the guest mounts as
# the top lower layer of its root, as rootimg.sh's for x86_64.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() {
	cat <<'USAGE'
Usage: rootimg-arch.sh ARCH [DIR...]

Prints the path of the root image for ARCH (arm64, s390x), building it first
unless a cached copy exists: Debian's ARCH packages of
tests/vm/guest-packages.txt with their dependencies (devel/apt-fetch.sh
--deps): arm64 trixie's with OpenVPN 2.7 from trixie-backports; s390x
bookworm's, without OpenVPN (the mirror here lacks files of trixie's
s390x, and bookworm has no OpenVPN 2.7); unpacked with dpkg-deb -x;
/bin, /sbin and /lib as links into /usr; /etc/passwd and /etc/group of
base-passwd and tcpdump's user; the links update-alternatives would make (awk); each DIR (the
guest tools of build-tools-arch.sh) copied at its host path. /usr, /etc
and /var are opaque to overlayfs (the host's files under them, below in the
guest's root, are for another architecture and stay hidden). The image's
busybox (for the initramfs) is IMAGE's path with .busybox for .img.
The cache key covers the packages' versions, this script and each DIR's files.
USAGE
}

die() { echo "rootimg-arch: $*" >&2; exit 1; }

case "${1:-}" in
-h|--help) usage; exit 0 ;;
arm64) arch=$1 suite=trixie openvpn="openvpn:$1/trixie-backports"; shift ;;
s390x) arch=$1 suite=bookworm openvpn=""; shift ;;
*) usage >&2; exit 2 ;;
esac
dirs=("$@")

# packages: the guest's packages for ARCH, OpenVPN, and what an x86_64
# guest takes from the host's essential ones (mount, hostname, the C.UTF-8
# locale of libc-bin)
packages() {
	grep -vE '^\s*(#|$)' "$here/guest-packages.txt" | sed "s/\$/:$arch/"
	printf "%s:$arch\n" mount hostname libc-bin base-passwd busybox-static
	[ -z "$openvpn" ] || echo "$openvpn"
}

# unpack ROOT DEB...: the packages' files, with the merged-/usr links
unpack() {
	local root="$1" d deb
	shift
	for deb in "$@"; do dpkg-deb -x "$deb" "$root"; done
	for d in bin sbin lib; do
		if [ -d "$root/$d" ] && ! [ -L "$root/$d" ]; then
			mkdir -p "$root/usr/$d"
			cp -a "$root/$d/." "$root/usr/$d/"
			rm -rf "${root:?}/$d"
		fi
		ln -sfn "usr/$d" "$root/$d"
	done
}

# configure ROOT: what the maintainer scripts would have made and the tests use
configure() {
	local root="$1" d
	cp "$root/usr/share/base-passwd/passwd.master" "$root/etc/passwd"
	cp "$root/usr/share/base-passwd/group.master" "$root/etc/group"
	# tcpdump drops its privileges to this user (its postinst makes it)
	echo 'tcpdump:x:102:105::/nonexistent:/usr/sbin/nologin' >> "$root/etc/passwd"
	echo 'tcpdump:x:105:' >> "$root/etc/group"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' > "$root/etc/hosts"
	ln -sfn mawk "$root/usr/bin/awk"
	[ -e "$root/usr/bin/sh" ] || ln -sfn dash "$root/usr/bin/sh"
	[ ! -e "$root/usr/bin/which.debianutils" ] || ln -sfn which.debianutils "$root/usr/bin/which"
	for d in usr etc var; do
		mkdir -p "$root/$d"
		python3 -c 'import os, sys; os.setxattr(sys.argv[1], "trusted.overlay.opaque", b"y")' "$root/$d"
	done
}

# main: the image's path (built first unless cached). Bash reads a script as
# it runs it: main and the exit on one line make the whole script parsed
# before anything runs (safe against edits during a run).
main() {
	cache="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports/rootimg"
	mkdir -p "$cache"
	mapfile -t pkgs < <(packages)
	versions=$("$top/devel/apt-fetch.sh" --deps "$suite" --print-version "${pkgs[@]}") ||
		die "cannot resolve the $arch packages"
	key=$({ cat "$0"; echo "$arch $versions"
		find "${dirs[@]}" \( -type f -o -type l \) -printf '%p %s %T@\n' 2>/dev/null | sort
	} | sha256sum | cut -c1-16)
	img="$cache/$arch-$key.img"
	exec 9>"$cache/.lock"
	flock 9
	find "$cache" -maxdepth 1 -name "$arch-*.img" -mtime +1 -delete
	if [ -s "$img" ] && [ -s "${img%.img}.busybox" ]; then touch "$img"; echo "$img"; exit 0; fi

	t0=$(date +%s)
	tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	"$top/devel/apt-fetch.sh" --deps "$suite" "${pkgs[@]}" > "$tmp/debs" ||
		die "cannot fetch the $arch packages"
	mapfile -t debs < "$tmp/debs"
	unpack "$tmp/root" "${debs[@]}"
	configure "$tmp/root"
	rm -rf "$tmp/root/usr/share/"{doc,man,info,locale}
	for d in "${dirs[@]}"; do mkdir -p "$tmp/root$d"; cp -a "$d/." "$tmp/root$d/"; done
	size=$(du -sm "$tmp/root" | cut -f1)
	truncate -s "$((size * 5 / 4 + 64))M" "$tmp/img"
	mke2fs -q -t ext4 -O ^has_journal -L vmroot -d "$tmp/root" "$tmp/img" >&2 ||
		die "mke2fs -d failed (e2fsprogs 1.43 or later is needed)"
	cp "$tmp/root/usr/bin/busybox" "${img%.img}.busybox"
	mv "$tmp/img" "$img"
	echo "rootimg-arch: ${#debs[@]} packages, ${size} MB, $(($(date +%s) - t0)) s: $img" >&2
	echo "$img"
}

main; exit $?
