#!/usr/bin/env bash
# The guest's boot, for vmtest.sh (sourced): the kernel as an ELF, the
# initramfs, our module in the image's module tree, and the qemu command.
# Reads vmtest.sh's globals: here (tests/vm), smp, tcg_threads, icount_plugin,
# icount_profile, kargs, and
# those of qemu-arch.sh's arch_setup and arch_userland for the kernel's
# architecture (qemu_bin, qemu_args, arch_kargs, rootimg, boot_busybox).
# shellcheck disable=SC2154 # those globals are set by vmtest.sh

# extract_vmlinux BZIMAGE OUT: the ELF inside a bzImage (qemu boots it via
# PVH, skipping the guest's own slow decompression under TCG).
extract_vmlinux() {
	local bz="$1" out="$2" ss off len magic dec
	ss=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
	[ "$ss" != 0 ] || ss=4
	read -r off len < <(od -An -tu4 -j $((0x248)) -N8 "$bz")
	magic=$(od -An -tx1 -j $(((ss + 1) * 512 + off)) -N4 "$bz" | tr -d ' ')
	case "$magic" in
	28b52ffd) dec=(zstd -dc) ;;
	fd377a58) dec=(xz -dc --single-stream) ;;
	1f8b*) dec=(gzip -dc) ;;
	*) die "$bz: unknown payload compression (magic $magic)" ;;
	esac
	# the payload is followed by its uncompressed size: ignore the trailing-data complaint
	tail -c +$(((ss + 1) * 512 + off + 1)) "$bz" | head -c "$len" | "${dec[@]}" > "$out.tmp" 2>/dev/null || true
	[ "$(od -An -tx1 -N4 "$out.tmp" | tr -d ' ')" = 7f454c46 ] ||
		die "$bz: could not extract an ELF vmlinux"
	mv "$out.tmp" "$out"
}

# unpack_module KO: the module file KO (.ko, .ko.xz/.zst/.gz) uncompressed on stdout
unpack_module() {
	case "$1" in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}

# make_initramfs IMG KABI OUT: busybox + the guest kernel's 9p/virtio/overlay/ext4 modules.
make_initramfs() {
	local img="$1" kabi="$2" out="$3" d n=0 m cmd ko base
	d=$(mktemp -d)
	mkdir -p "$d/bin" "$d/modules" "$d/proc" "$d/sys" "$d/dev"
	cp "$boot_busybox" "$d/bin/busybox"
	install -m755 "$here/initramfs-init" "$d/init"
	for m in virtio_pci 9pnet_virtio 9p overlay virtio_blk ext4; do
		while read -r cmd ko _; do
			[ "$cmd" = insmod ] || continue
			base=$(basename "$ko")
			base=${base%.xz}; base=${base%.zst}; base=${base%.gz}
			ls "$d"/modules/*-"$base" >/dev/null 2>&1 && continue
			n=$((n + 1))
			unpack_module "$ko" > "$d/modules/$(printf %02d $n)-$base"
		done < <(modprobe -d "$img" -S "$kabi" --show-depends "$m")
	done
	(cd "$d" && find . | cpio -o -H newc --quiet) > "$out.tmp"
	rm -rf "$d"
	mv "$out.tmp" "$out"
}

# install_module IMG KABI [KO]: KO into updates/ (or none: the in-tree one) + depmod.
install_module() {
	local img="$1" kabi="$2" ko="${3:-}" moddir
	moddir="$img/lib/modules/$kabi"
	rm -rf "$moddir/updates"
	if [ -n "$ko" ]; then
		install -D -m644 "$ko" "$moddir/updates/ovpn.ko"
	fi
	depmod -b "$img" "$kabi"
}

# prepare_boot IMG KABI: make (once, cached in IMG) the kernel qemu boots
# (qemu-arch.sh's arch_kernel for $KDEB_ARCH) and the initramfs; sets
# boot_kernel and boot_initrd.
prepare_boot() {
	local img="$1" kabi="$2" bz ikey
	boot_kernel="$img/.vmtest-vmlinux"
	if ! [ -s "$boot_kernel" ]; then
		bz=$(find "$img/boot" "$img/lib/modules/$kabi/" -maxdepth 1 -name "vmlinuz*" 2>/dev/null | head -n1 || true)
		[ -n "$bz" ] || die "no vmlinuz in $img"
		arch_kernel "$KDEB_ARCH" "$bz" "$boot_kernel"
	fi
	ikey=$(cat "$here/initramfs-init" "$here/image.sh" | sha256sum | cut -c1-12)
	boot_initrd="$img/.vmtest-initramfs-$ikey"
	if ! [ -s "$boot_initrd" ]; then
		rm -f "$img"/.vmtest-initramfs-*
		make_initramfs "$img" "$kabi" "$boot_initrd"
	fi
}

# The guest kernel's command line (and qemu-arch.sh's arch_kargs: the console)
KERNEL_ARGS="loglevel=5 panic=-1 oops=panic mitigations=off random.trust_cpu=on net.ifnames=0"

# guest_tcg_threads ALIAS: qemu's -accel tcg,thread= for ALIAS (--tcg-threads,
# else multi, single for 7.x). With one host thread per vCPU, 7.3 guests
# running the in-tree ovpn oopsed now and then with int3 at a static-key site
# in the receive path (the kernel patching its own text while the other vCPU
# runs it; not seen on the older kernels); with the vCPUs taking turns on one
# thread that cannot happen. Single takes about 30% less host CPU for the
# same sequential guest work (6.1: program starts, netns, ping flood, python)
# but one host core at most, so parallel guest work (the selftests' listeners)
# and a busy host make it slower.
guest_tcg_threads() {
	if [ -n "$tcg_threads" ]; then echo "$tcg_threads"; return; fi
	case "$1" in debian-7.*|image-7.*) echo single ;; *) echo multi ;; esac
}

# boot_watch RES SECONDS: stop RES's guest (its qemu, found by the path of
# its results share) unless it says it is up within SECONDS, and leave
# RES/boot-stalled. A TCG guest of a debug kernel, on a loaded host, at times
# waits forever in early boot, between its timer calibrations.
boot_watch() {
	local res="$1" s="$2" t
	for ((t = 0; t < s; t += 5)); do
		! grep -q 'vmtest: guest up' "$res/console.log" 2>/dev/null || return 0
		sleep 5
	done
	: > "$res/boot-stalled"
	pkill -TERM -f -- "path=$res,mount_tag=vmresults" || true
}

# boot_guest RES SECONDS TAG BOOT: boot the prepared kernel with the root image
# (rootimg.sh, read-only) over the host's root (read-only) and RES (writable)
# shared over virtio-9p, the guest runner
# guest.sh as PID 1; the console goes to RES/console.log, its test lines to
# stdout prefixed [TAG]. Returns qemu's status (124/137: timeout); a guest
# not up after BOOT seconds is stopped (boot_watch).
boot_guest() {
	local res="$1" tmo="$2" tag="$3" boot="$4" rc icount=() prof="" watch
	[ -z "$icount_profile" ] || prof=",profile=$res/icount-profile.tsv"
	[ -z "$icount_plugin" ] ||
		icount=(-icount "shift=0,sleep=off" -plugin "file=$icount_plugin,out=$res/icount.tsv$prof")
	rm -f "$res/boot-stalled"
	boot_watch "$res" "$boot" &
	watch=$!
	set +e
	timeout -k 30 "$tmo" "$qemu_bin" "${qemu_args[@]}" -accel "tcg,thread=$(guest_tcg_threads "$tag")" -m 2G -smp "$smp" \
		${icount[@]+"${icount[@]}"} \
		-display none -nodefaults -no-reboot -serial stdio -monitor none -nic none \
		-kernel "$boot_kernel" -initrd "$boot_initrd" \
		${rootimg:+-drive "file=$rootimg,if=virtio,format=raw,readonly=on"} \
		-append "$arch_kargs $KERNEL_ARGS vmtest.guest=$here/guest.sh$kargs" \
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$res,mount_tag=vmresults,security_model=none,multidevs=remap" \
		< /dev/null 2>&1 | sed -u 's/\r$//' | tee "$res/console.log" |
		grep --line-buffered -E "^vmtest|VMTEST-END|$VM_SPLAT_RE" | sed -u "s/^/[$tag] /"
	rc=${PIPESTATUS[0]}
	kill "$watch" 2>/dev/null
	wait "$watch" 2>/dev/null
	set -e
	return "$rc"
}
