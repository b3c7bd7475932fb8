#!/usr/bin/env bash
# Kernels given as an image (vmtest.sh --image PATH; sourced): a bzImage and
# its module tree from outside devel/kernels.sh (an unpacked distribution
# package, the /boot and /lib/modules of a machine, a kernel build installed
# with modules_install). Such a kernel is named image-RELEASE. PATH is only
# read: what the harness writes (ovpn.ko in updates/, depmod's files, the ELF
# kernel, the initramfs, a relocated build tree) goes to a copy in the cache.
# Reads vmtest.sh's globals: cache, top, modsel; uses its die.
# shellcheck disable=SC2154,SC2034 # globals of vmtest.sh; KABI is read by run-kernel.sh

declare -A image_path=() # image-RELEASE -> the PATH given to --image

# The kernel options the guest needs (y or m; m ones go into the initramfs):
# the initramfs itself and its /dev, the virtio devices and the 9p transport
# (the host's root and the results share), the overlay over them, the local
# root image (virtio-blk, ext4), the serial console, the tests' namespaces
IMAGE_NEEDS="BLK_DEV_INITRD DEVTMPFS VIRTIO_PCI NET_9P_VIRTIO 9P_FS OVERLAY_FS VIRTIO_BLK EXT4_FS"
IMAGE_NEEDS+=" SERIAL_8250_CONSOLE NET_NS VETH"
# The modules of those options (and of 9P_FS's NET_9P) where they are m: the
# initramfs loads the first seven from the image's module tree, ip the last
IMAGE_MODULES="VIRTIO_PCI:virtio_pci NET_9P:9pnet NET_9P_VIRTIO:9pnet_virtio 9P_FS:9p"
IMAGE_MODULES+=" OVERLAY_FS:overlay VIRTIO_BLK:virtio_blk EXT4_FS:ext4 VETH:veth"

# image_release BZIMAGE: the kernel release in the bzImage's boot header
# (the version string its setup header points to); fails for no bzImage
image_release() {
	local off
	[ "$(od -An -c -j $((0x202)) -N4 "$1" 2>/dev/null | tr -d ' ')" = HdrS ] || return 1
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$1" | tr -d ' ')
	dd if="$1" bs=1 skip=$((off + 0x200)) count=256 status=none | tr '\0' '\n' | awk 'NR == 1 {print $1}'
}

# image_find_bz DIR: the kernel of an image directory
image_find_bz() {
	local f
	for f in "$1"/boot/vmlinuz-* "$1"/vmlinuz-* "$1"/vmlinuz "$1"/arch/x86/boot/bzImage; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# image_one_kernel DIR: DIR/boot holds one kernel at most (one of several
# is named by its file instead)
image_one_kernel() {
	local n
	[ -d "$1/boot" ] || return 0
	n=$(find "$1/boot" -maxdepth 1 -name 'vmlinuz-*' | wc -l)
	[ "$n" -le 1 ] || die "--image $1: $n kernels in $1/boot: name one, e.g. --image $(find "$1/boot" -maxdepth 1 -name 'vmlinuz-*' | sort -V | tail -n1)"
}

# image_first FILE...: the first of FILEs that exists
image_first() {
	local f
	for f in "$@"; do [ -e "$f" ] && { echo "$f"; return 0; }; done
	return 1
}

# image_locate PATH: sets IMG_BZ (the kernel), IMG_ROOT (the directory
# holding boot/ and lib/), IMG_REL (its release), IMG_MODS (its module tree),
# IMG_CONFIG (its configuration), IMG_PVH (1: an ELF entry qemu boots via PVH)
image_locate() {
	local p="$1" b
	[ -e "$p" ] || die "--image $p: no such file or directory"
	p=$(readlink -f "$p")
	if [ -f "$p" ]; then
		IMG_BZ="$p" IMG_ROOT=$(dirname "$(dirname "$p")")
	else
		IMG_ROOT="$p"
		image_one_kernel "$p"
		IMG_BZ=$(image_find_bz "$p") ||
			die "--image $p: no kernel in it (boot/vmlinuz-RELEASE, vmlinuz-RELEASE or arch/x86/boot/bzImage)"
	fi
	IMG_REL=$(image_release "$IMG_BZ") ||
		die "--image: $IMG_BZ is not a bzImage (no HdrS boot header): the guest boots x86 bzImages"
	IMG_MODS=$(image_first "$IMG_ROOT/lib/modules/$IMG_REL" "$IMG_ROOT/usr/lib/modules/$IMG_REL" \
		"/lib/modules/$IMG_REL") ||
		die "--image $p: no module tree for $IMG_REL (lib/modules/$IMG_REL under $IMG_ROOT or /)"
	b=$(image_build_src 2>/dev/null || true)
	IMG_CONFIG=$(image_first "$(dirname "$IMG_BZ")/config-$IMG_REL" "$IMG_ROOT/boot/config-$IMG_REL" \
		"$IMG_ROOT/.config" ${b:+"$b/.config"}) ||
		die "--image $p: no kernel configuration (boot/config-$IMG_REL, .config or lib/modules/$IMG_REL/build/.config): what the guest needs cannot be checked"
	IMG_PVH=0
	! grep -q '^CONFIG_PVH=y' "$IMG_CONFIG" || IMG_PVH=1
}

# image_missing_modules: "MODULE.ko (CONFIG_X=m)" for each module of
# IMAGE_MODULES configured as m that the image's module tree lacks
image_missing_modules() {
	local e have
	have=$(find "$IMG_MODS/" -name '*.ko*' -printf '%f\n' | sed 's/\.ko\(\.[a-z]*\)\{0,1\}$//')
	for e in $IMAGE_MODULES; do
		grep -q "^CONFIG_${e%%:*}=m$" "$IMG_CONFIG" || continue
		grep -qx "${e#*:}" <<< "$have" || echo "${e#*:}.ko (CONFIG_${e%%:*}=m)"
	done
}

# image_check PATH: the image is complete and its configuration has what the
# guest needs; one line naming what is missing otherwise
image_check() {
	local o miss=""
	image_locate "$1"
	for o in $IMAGE_NEEDS; do
		grep -qE "^CONFIG_$o=[ym]$" "$IMG_CONFIG" || miss+=" CONFIG_$o"
	done
	[ -z "$miss" ] || die "image-$IMG_REL: its configuration ($IMG_CONFIG) lacks what the guest needs:$miss (y or m; see tests/vm/README.md)"
	miss=$(image_missing_modules | paste -sd, | sed 's/,/, /g')
	[ -z "$miss" ] || die "image-$IMG_REL: its module tree ($IMG_MODS) lacks modules the guest loads: $miss"
	[ "$modsel" = module ] || [ "$modsel" = native ] || image_build_src >/dev/null ||
		die "image-$IMG_REL: no kernel build tree ($IMG_MODS/build) to build ovpn.ko against: give --module PATH/ovpn.ko built for $IMG_REL"
}

# image_add PATH: check the image and add it to the run as image-RELEASE
image_add() {
	image_check "$1"
	[ -z "${image_path[image-$IMG_REL]:-}" ] || die "--image: two images of release $IMG_REL"
	image_path[image-$IMG_REL]="$1"
	kernels="$kernels image-$IMG_REL"
}

# image_build_src: the image's build tree as found (lib/modules/REL/build;
# an absolute link is looked for under the image's root first)
image_build_src() {
	local l="$IMG_MODS/build" t
	[ -L "$l" ] || [ -d "$l" ] || return 1
	t=$(readlink "$l" || true)
	case "$t" in
	/*) t=$(image_first "$IMG_ROOT$t" "$t") || return 1 ;;
	*) t=$(readlink -f "$l") ;;
	esac
	[ -f "$t/Makefile" ] && echo "$t"
}

# image_build_tree DEST: the tree to build against. A distribution's headers
# unpacked elsewhere than / include their common part by its absolute path
# under /usr/src: then a copy in DEST with that path under the image's root.
image_build_tree() {
	local src inc l
	src=$(image_build_src) || return 1
	inc=$(sed -n 's|^include \(/.*\)$|\1|p' "$src/Makefile" | head -n1)
	if [ -z "$inc" ] || [ -e "$inc" ] || ! [ -e "$IMG_ROOT$inc" ]; then echo "$src"; return 0; fi
	rm -rf "$1"
	cp -a "$src" "$1"
	for l in "$1"/*; do
		[ ! -L "$l" ] || ln -sfn "$(readlink -f "$src/$(basename "$l")")" "$l"
	done
	sed -i -e "s|^include /|include $IMG_ROOT/|" -e "s|^KBUILD_OUTPUT=.*|KBUILD_OUTPUT=$1|" "$1/Makefile"
	echo "$1"
}

# image_copy_modules SRC DST: the module tree SRC as DST: the modules hard
# linked where the cache is on the same file system (else copied), the
# modules.* files copied (depmod replaces them), without build, source and
# updates (the harness puts its ovpn.ko there)
image_copy_modules() {
	local e
	mkdir -p "$2"
	for e in "$1"/*; do
		case "${e##*/}" in build|source|updates|modules.*) continue ;; esac
		cp -al "$e" "$2/" 2>/dev/null || cp -a "$e" "$2/"
	done
	for e in "$1"/modules.order "$1"/modules.builtin "$1"/modules.builtin.modinfo; do
		[ ! -e "$e" ] || cp "$e" "$2/"
	done
}

# image_stage ALIAS: the image's copy in the cache (made again when the
# kernel or its module tree changed); prints its path
image_stage() {
	local dir="$cache/images/$1" key
	image_locate "${image_path[$1]}"
	key=$({ stat -c '%n %s %Y' "$IMG_BZ" "$IMG_MODS" "$IMG_MODS"/modules.* 2>/dev/null || true; } |
		sha256sum | cut -c1-16)
	if [ "$(cat "$dir/.vmtest-image-key" 2>/dev/null)" != "$key" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/boot" "$dir/lib/modules"
		ln -s "$IMG_BZ" "$dir/boot/vmlinuz-$IMG_REL"
		image_copy_modules "$IMG_MODS" "$dir/lib/modules/$IMG_REL"
		depmod -b "$dir" "$IMG_REL"
		# without PVH qemu boots the bzImage itself (the guest decompresses it)
		[ "$IMG_PVH" = 1 ] || cp "$IMG_BZ" "$dir/.vmtest-vmlinux"
		echo "$key" > "$dir/.vmtest-image-key"
	fi
	echo "$dir"
}

# kernel_setup ALIAS: KABI (the release) and KDEB_ARCH of ALIAS (an --image
# is an x86_64 kernel)
kernel_setup() {
	case "$1" in
	image-*) image_locate "${image_path[$1]}"; KABI="$IMG_REL" KDEB_ARCH=amd64 ;;
	*) kernel_info "$1" ;;
	esac
}

# kernel_image ALIAS: the directory holding ALIAS's boot/ and lib/modules/
kernel_image() {
	local img
	case "$1" in
	image-*) image_stage "$1" ;;
	*)
		img=$("$top/devel/fetch-kernel.sh" --image "$1") ||
			{ echo "vmtest: devel/fetch-kernel.sh --image $1 failed" >&2; return 1; }
		readlink -f "$img" ;;
	esac
}

# kernel_config ALIAS IMG: the configuration ALIAS was built with (IMG: its
# kernel_image directory)
kernel_config() {
	case "$1" in
	image-*) image_locate "${image_path[$1]}"; echo "$IMG_CONFIG" ;;
	*) echo "$2/boot/config-$KABI" ;;
	esac
}

# kernel_build_dir ALIAS: the kernel tree to build ovpn.ko against
kernel_build_dir() {
	case "$1" in
	image-*) image_locate "${image_path[$1]}"; image_build_tree "$cache/images/$1.build" ;;
	*)
		"$top/devel/fetch-kernel.sh" "$1" ||
			{ echo "vmtest: devel/fetch-kernel.sh $1 failed" >&2; return 1; } ;;
	esac
}
