#!/usr/bin/env bash
# Fetch a Debian kernel's headers (and, with --image, its image and modules)
# into the project cache and print the path to use as KERNEL_SRC.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devel/kernels.sh
. "$here/kernels.sh"

usage() {
	cat <<USAGE
Usage: fetch-kernel.sh [--image] KERNEL

Downloads the Debian headers + kbuild packages of KERNEL into
\${XDG_CACHE_HOME:-~/.cache}/ovpn-backports/kernels/KERNEL, fixes them up to
work from there (absolute include paths; host tools that need a newer glibc
are rebuilt from the matching linux-source) and prints the kernel build dir.

  --image   also fetch the kernel image and modules (for the qemu tests) and
            print the image prefix instead

KERNEL is one of: $KERNELS_ALL
(the pinned x86_64 kernels), $KERNELS_CROSS
(cross builds), or any point release of Debian's mirror as debian-ABI[-ARCH]
(e.g. debian-6.1.0-57, debian-6.12.118+deb12-arm64).
USAGE
}

image=0
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--image) image=1; shift ;;
esac
[ $# -eq 1 ] || { usage >&2; exit 2; }
alias="$1"
kernel_info "$alias"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports"
dest="$cache/kernels/$alias"

log() { echo "fetch-kernel: $*" >&2; }

# Rebuild host tools whose Debian build needs a newer glibc than this host has,
# from the matching linux-source; the tools are kept per linux-source version
# (cache/hosttools) and serve every point release of the series after the first.
rebuild_host_tools() {
	local prefix="$1" kbuild srcpkg ver tools tmp src jobs
	kbuild=$(find "$prefix/usr/lib" -maxdepth 1 -name 'linux-kbuild-*' | head -n1)
	[ -e "$kbuild/scripts/mod/modpost.real-lsb-64" ] || return 0
	# A binary that needs a newer glibc fails to start with "GLIBC_2.xx not found".
	if ! { "$kbuild/scripts/mod/modpost.real-lsb-64" -h 2>&1 || true; } | grep -q GLIBC_; then
		return 0
	fi
	srcpkg="linux-source-$KSERIES"
	ver=$("$here/apt-fetch.sh" --print-version "$srcpkg" | cut -d' ' -f2)
	tools="$cache/hosttools/${srcpkg}_$ver"
	if ! [ -x "$tools/modpost" ]; then
		log "host tools of $alias need a newer glibc: rebuilding them from $srcpkg $ver (about 2-3 min, once per version)"
		tmp="$prefix/.toolsrc"
		rm -rf "$tmp"
		mkdir -p "$tmp"
		"$here/apt-fetch.sh" --unpack "$tmp/pkg" "$srcpkg=$ver" >/dev/null
		tar -C "$tmp" -xJf "$tmp"/pkg/usr/src/"$srcpkg".tar.xz --exclude='*/Documentation/[!K]*'
		src="$tmp/$srcpkg"
		cp "$prefix/usr/src/linux-headers-$KABI/.config" "$src/.config"
		jobs=$(nproc)
		make -s -C "$src" olddefconfig >/dev/null
		make -s -C "$src" -j"$jobs" modules_prepare >/dev/null
		make -s -C "$src" -j"$jobs" tools/objtool >/dev/null
		make -s -C "$src" -j"$jobs" -C tools/bpf/resolve_btfids >/dev/null 2>&1 || true
		mkdir -p "$tools.tmp"
		install -m755 "$src/scripts/mod/modpost" "$src/tools/objtool/objtool" "$tools.tmp/"
		if [ -x "$src/tools/bpf/resolve_btfids/resolve_btfids" ]; then
			install -m755 "$src/tools/bpf/resolve_btfids/resolve_btfids" "$tools.tmp/"
		fi
		rm -rf "$tmp" "$tools"
		mv "$tools.tmp" "$tools"
	fi
	install -m755 "$tools/modpost" "$kbuild/scripts/mod/modpost.real-lsb-64"
	install -m755 "$tools/objtool" "$kbuild/tools/objtool/objtool.real-x86"
	if [ -x "$tools/resolve_btfids" ]; then
		install -m755 "$tools/resolve_btfids" "$kbuild/tools/bpf/resolve_btfids/resolve_btfids"
	fi
}

fetch_headers() {
	local tmp="$dest.tmp.$$" f p
	rm -rf "$tmp"
	mkdir -p "$tmp"
	# shellcheck disable=SC2064 # expand now: the path is fixed
	trap "rm -rf '$tmp'" EXIT
	log "downloading ${KHDR_PKGS[*]}"
	# (another architecture's packages come from an index of their own)
	local native=() foreign=()
	for p in "${KHDR_PKGS[@]}"; do
		case "$p" in *:*) foreign+=("$p") ;; *) native+=("$p") ;; esac
	done
	"$here/apt-fetch.sh" --unpack "$tmp" "${native[@]}" >/dev/null
	[ ${#foreign[@]} -eq 0 ] || "$here/apt-fetch.sh" --unpack "$tmp" "${foreign[@]}" >/dev/null
	# The flavour Makefile includes the -common one by absolute path.
	for f in "$tmp"/usr/src/linux-headers-*/Makefile; do
		sed -i "s|/usr/src/|$dest/usr/src/|g" "$f"
	done
	rebuild_host_tools "$tmp"
	rm -rf "$dest"
	mv "$tmp" "$dest"
	trap - EXIT
}

fetch_image() {
	local img="$cache/images/$alias" tmp
	tmp="$img.tmp.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	# shellcheck disable=SC2064 # expand now: the path is fixed
	trap "rm -rf '$tmp'" EXIT
	log "downloading ${KIMG_PKGS[*]}"
	"$here/apt-fetch.sh" --unpack "$tmp" "${KIMG_PKGS[@]}" >/dev/null
	[ -e "$tmp/lib" ] || ln -s usr/lib "$tmp/lib"
	depmod -b "$tmp" "$KABI"
	rm -rf "$img"
	mv "$tmp" "$img"
	trap - EXIT
	echo "$img"
}

# One fetcher per kernel at a time: a second one waits and then finds it in
# the cache (replacing a tree that another build reads would break that build).
mkdir -p "$cache/kernels"
exec 9>"$cache/kernels/.$alias.lock"
flock 9

if [ "$image" = 1 ]; then
	if [ -e "$cache/images/$alias/lib/modules/$KABI/modules.dep" ]; then
		echo "$cache/images/$alias"
	else
		fetch_image
	fi
	exit 0
fi

if ! [ -e "$dest/usr/src/linux-headers-$KABI/Module.symvers" ]; then
	fetch_headers
fi
echo "$dest/usr/src/linux-headers-$KABI"
