#!/usr/bin/env bash
# What differs between the guests' architectures, for vmtest.sh (sourced):
# the qemu program, machine and console, the kernel file qemu boots, and
# where the guest's userland and tools come from. The architecture is the
# kernel's (devel/kernels.sh: debian-6.1-arm64 is arm64). Reads vmtest.sh's
# globals cpu, here.
# shellcheck disable=SC2154 # those globals are set by vmtest.sh
# shellcheck disable=SC2034 # what it sets is read by image.sh, run-kernel.sh, vmtest.sh

# The architectures a guest can boot on
GUEST_ARCHES="amd64 arm64 s390x"

# arch_setup ARCH: sets qemu_bin, qemu_pkg (the Debian package that has it),
# qemu_args (machine and CPU) and arch_kargs (its kernel command line).
# amd64, tsc=reliable: TCG's TSC is one clock for all vCPUs, but 5.10's
# boot-time sync check finds the vCPUs' TSCs apart and falls back to the
# HPET clocksource, each read of which is an emulated MMIO access (measured:
# program starts cost the same either way; the clock is read on every packet
# and timer). arm64: the virt board (PCIe: virtio-blk and virtio-9p as on
# x86_64), -cpu max with QEMU's own pointer authentication algorithm
# (pauth-impdef: the architected one, QARMA, is slow to emulate; the guest
# only needs the keys to work, not a particular cipher). s390x (big-endian):
# the s390-ccw-virtio machine (virtio over channel I/O, built into Debian's
# kernel), the SCLP console.
arch_setup() {
	case "$1" in
	amd64)
		qemu_bin=qemu-system-x86_64 qemu_pkg=qemu-system-x86
		qemu_args=(-cpu "$cpu")
		arch_kargs="console=ttyS0 tsc=reliable" ;;
	arm64)
		qemu_bin=qemu-system-aarch64 qemu_pkg=qemu-system-arm
		qemu_args=(-M virt -cpu "$cpu")
		[ "$cpu" != max ] || qemu_args=(-M virt -cpu "max,pauth-impdef=on")
		arch_kargs="console=ttyAMA0" ;;
	s390x)
		qemu_bin=qemu-system-s390x qemu_pkg=qemu-system-misc
		qemu_args=(-M s390-ccw-virtio -cpu "$cpu")
		arch_kargs="console=ttysclp0" ;;
	*)
		echo "vmtest: no guest for $1 (guests: $GUEST_ARCHES)" >&2
		return 1 ;;
	esac
}

# arch_kernel ARCH IMAGE OUT: the kernel file qemu boots, made from the
# Debian image file: x86_64's bzImage as its ELF (qemu boots it via PVH,
# skipping the guest's own slow decompression under TCG); arm64's Image
# (qemu takes it, also gzip-compressed) and s390x's image as they are.
arch_kernel() {
	case "$1" in
	amd64) extract_vmlinux "$2" "$3" ;;
	*) cp "$2" "$3" ;;
	esac
}

# arch_userland ARCH: sets tools (the guest test tools), rootimg (the local
# root image) and boot_busybox (the initramfs's static busybox) for ARCH.
# x86_64 guests run the host's own userland (rootimg.sh), the others
# Debian's for their architecture (rootimg-arch.sh, build-tools-arch.sh).
arch_userland() {
	if [ "$1" = amd64 ]; then
		tools=$("$here/build-tools.sh")
		rootimg=$("$here/rootimg.sh" "$tools")
		boot_busybox=/bin/busybox
	else
		tools=$("$here/build-tools-arch.sh" "$1")
		rootimg=$("$here/rootimg-arch.sh" "$1" "$tools")
		boot_busybox="${rootimg%.img}.busybox"
	fi
}
