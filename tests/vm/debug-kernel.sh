#!/usr/bin/env bash
# Build a debug kernel (KASAN, kmemleak, lockdep, KFENCE) of a matrix series
# from Debian's linux-source, cached, laid out as a machine's / for the harness.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

usage() {
	cat <<USAGE
Usage: debug-kernel.sh [--print] SERIES

Builds an x86_64 kernel of SERIES (5.10, 6.1 or 6.12) from Debian's
linux-source-SERIES with x86_64_defconfig, kvm_guest.config and
tests/vm/debug-kernel.config (KASAN, kmemleak, lockdep, KFENCE from 5.12
on, DEBUG_ATOMIC_SLEEP), installs it as a machine's boot/ and lib/modules/ under
\${XDG_CACHE_HOME:-~/.cache}/ovpn-backports/debug-kernels/SERIES-VERSION-HASH
(HASH: of the config fragment) with build/ the kernel tree to build ovpn
against, and prints that directory. A finished build is reused, an
interrupted one (once configured) goes on where it stopped.

  --print   print the directory a build would use, build nothing

The build takes 20 to 40 minutes on two cores (make -j\$(nproc)).
USAGE
}

log() { echo "debug-kernel: $*" >&2; }
die() { echo "debug-kernel: $*" >&2; exit 1; }

# source_tree SERIES DIR: Debian's linux-source-SERIES unpacked into DIR/src
source_tree() {
	local deb tarball
	deb=$("$top/devel/apt-fetch.sh" "linux-source-$1" | tail -n1)
	rm -rf "$2/pkg" "$2/src"
	mkdir -p "$2/pkg"
	dpkg-deb -x "$deb" "$2/pkg"
	tarball=$(find "$2/pkg/usr/src" -name 'linux-source-*.tar.*' | head -n1)
	[ -n "$tarball" ] || die "no source tarball in $deb"
	mkdir "$2/src"
	tar -xf "$tarball" -C "$2/src" --strip-components=1
	rm -rf "$2/pkg"
}

# configure SRC: defconfig + kvm_guest.config + our fragment, checked
configure() {
	local opt kfence=
	make -C "$1" -s x86_64_defconfig
	(cd "$1" && scripts/kconfig/merge_config.sh -m .config \
		kernel/configs/kvm_guest.config "$here/debug-kernel.config" >/dev/null)
	make -C "$1" -s olddefconfig
	# KFENCE came in 5.12: 5.10 has the others only
	[ ! -e "$1/lib/Kconfig.kfence" ] || kfence=KFENCE
	for opt in KASAN DEBUG_KMEMLEAK PROVE_LOCKING DEBUG_ATOMIC_SLEEP $kfence \
		NET_UDP_TUNNEL DST_CACHE GRO_CELLS STREAM_PARSER 9P_FS OVERLAY_FS; do
		grep -Eq "^CONFIG_$opt=[ym]" "$1/.config" ||
			die "CONFIG_$opt did not stay set in $1/.config"
	done
}

# build_install SRC OUT: the kernel and its modules as OUT/boot, OUT/lib/modules
build_install() {
	local rel
	make -C "$1" -s -j"$(nproc)" bzImage modules
	rel=$(make -C "$1" -s kernelrelease)
	mkdir -p "$2/boot"
	cp "$1/arch/x86/boot/bzImage" "$2/boot/vmlinuz-$rel"
	cp "$1/.config" "$2/boot/config-$rel"
	cp "$1/System.map" "$2/boot/System.map-$rel"
	make -C "$1" -s INSTALL_MOD_PATH="$2" INSTALL_MOD_STRIP=1 modules_install
	rm -f "$2/lib/modules/$rel/build" "$2/lib/modules/$rel/source"
	ln -s ../../../build "$2/lib/modules/$rel/build"
}

main() {
	local print=0 series ver hash out t0 resumed=""
	case "${1:-}" in
	-h|--help) usage; exit 0 ;;
	--print) print=1; shift ;;
	esac
	[ $# -eq 1 ] || { usage >&2; exit 2; }
	series="$1"
	case "$series" in 5.10|6.1|6.12) ;; *) die "unknown series '$series' (5.10, 6.1 or 6.12)" ;; esac
	ver=$("$top/devel/apt-fetch.sh" --print-version "linux-source-$series" | cut -d' ' -f2)
	hash=$(sha256sum "$here/debug-kernel.config" | cut -c1-8)
	out="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports/debug-kernels/$series-$ver-$hash"
	if [ "$print" = 1 ] || [ -e "$out/.done" ]; then
		echo "$out"
		return 0
	fi
	t0=$(date +%s)
	# a configured tree is kept: an interrupted build goes on where it stopped
	if [ -e "$out/.configured" ]; then
		log "going on with the build of linux-source-$series $ver in $out"
		resumed=" (the rest: an interrupted run before)"
	else
		log "building linux-source-$series $ver with the debug options into $out"
		rm -rf "$out"
		mkdir -p "$out"
		source_tree "$series" "$out"
		mv "$out/src" "$out/build"
		configure "$out/build"
		: > "$out/.configured"
	fi
	build_install "$out/build" "$out"
	echo "$(($(date +%s) - t0))" > "$out/.done"
	log "built in $(($(date +%s) - t0)) s$resumed"
	echo "$out"
}

main "$@"
