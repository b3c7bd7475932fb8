#!/usr/bin/env bash
# Table of the Debian kernels the project builds and boots for (sourced, not run).
# shellcheck disable=SC2034  # the variables are read by the scripts that source this
#
# A kernel's name is debian-SERIES[-ARCH] (a pinned point release of the series:
# debian-6.1, debian-6.1-arm64, debian-5.10-i386) or debian-ABI[-ARCH] (any point
# release Debian's mirror has: debian-6.1.0-57, debian-6.12.118+deb12-armhf).
# ARCH is a Debian architecture: amd64 (the default), arm64, armhf, i386 or
# s390x (big-endian: not in the build matrix, booted by vmtest.sh on request).

# The pinned point release (ABI) of each series
kernel_pinned_abi() {
	case "$1" in
	5.10) echo 5.10.0-32 ;;
	6.1) echo 6.1.0-56 ;;
	6.12) echo 6.12.95+deb12 ;;
	7.3) echo 7.3.4+deb13 ;;
	*) return 1 ;;
	esac
}

# kernel_arch_info ARCH: set KDEB_ARCH, KFLAVOUR (Debian's headers flavour),
# KMAKE_ARCH (kbuild's ARCH) and KCROSS (the cross compiler prefix, Debian's
# gcc-<triplet> package; empty on the host architecture)
kernel_arch_info() {
	KDEB_ARCH="$1"
	case "$1" in
	amd64) KFLAVOUR=amd64 KMAKE_ARCH=x86 KCROSS="" ;;
	arm64) KFLAVOUR=arm64 KMAKE_ARCH=arm64 KCROSS=aarch64-linux-gnu- ;;
	armhf) KFLAVOUR=armmp KMAKE_ARCH=arm KCROSS=arm-linux-gnueabihf- ;;
	i386) KFLAVOUR=686-pae KMAKE_ARCH=x86 KCROSS=i686-linux-gnu- ;;
	s390x) KFLAVOUR=s390x KMAKE_ARCH=s390 KCROSS=s390x-linux-gnu- ;;
	*) echo "unknown architecture '$1' (known: amd64 arm64 armhf i386 s390x)" >&2; return 1 ;;
	esac
}

# kernel_kbuild_pkg ABI: the package of the host (amd64) kbuild tools of ABI
kernel_kbuild_pkg() {
	case "$1" in
	*+deb*) echo "linux-kbuild-$1" ;;
	*) echo "linux-kbuild-$(echo "$1" | cut -d. -f1-2)" ;;
	esac
}

# kernel_info NAME: set KABI (the uname -r), KSERIES (MAJOR.MINOR), KHDR_PKGS
# (headers set), KIMG_PKGS (image and modules) and those of kernel_arch_info
kernel_info() {
	local name="$1" rest abi arch=amd64 pin
	rest="${name#debian-}"
	[ "$rest" != "$name" ] || { echo "unknown kernel '$1' (known: $KERNELS_ALL $KERNELS_CROSS, or debian-ABI[-ARCH])" >&2; return 1; }
	case "$rest" in
	*-amd64|*-arm64|*-armhf|*-i386|*-s390x) arch="${rest##*-}"; rest="${rest%-*}" ;;
	esac
	kernel_arch_info "$arch" || return 1
	if [[ "$rest" =~ ^[0-9]+\.[0-9]+$ ]]; then
		pin=$(kernel_pinned_abi "$rest") ||
			{ echo "unknown kernel '$1': no pinned point release of Linux $rest (known: $KERNELS_ALL $KERNELS_CROSS)" >&2; return 1; }
		abi="$pin"
	elif [[ "$rest" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9]+|\+deb[0-9]+)$ ]]; then
		abi="$rest"
	else
		echo "unknown kernel '$1' (known: $KERNELS_ALL $KERNELS_CROSS, or debian-ABI[-ARCH] such as debian-6.1.0-57-arm64)" >&2
		return 1
	fi
	KSERIES=$(echo "$abi" | cut -d. -f1-2)
	if [ "$arch" = i386 ] && [ "$(( ${KSERIES%.*} * 256 + ${KSERIES#*.} ))" -gt $((6 * 256 + 1)) ]; then
		echo "unknown kernel '$1': Debian builds no i386 kernel after 6.1" >&2
		return 1
	fi
	KABI="$abi-$KFLAVOUR"
	local q=""
	[ "$arch" = amd64 ] || q=":$arch"
	KHDR_PKGS=("linux-headers-$KABI$q" "linux-headers-$abi-common" "$(kernel_kbuild_pkg "$abi")")
	case "$KSERIES" in
	5.*|6.*) KIMG_PKGS=("linux-image-$KABI$q") ;;
	*) KIMG_PKGS=("linux-binary-$KABI$q" "linux-modules-$KABI$q" "linux-base-$KABI$q") ;;
	esac
}

KERNELS_ALL="debian-5.10 debian-6.1 debian-6.12 debian-7.3"
# The cross builds: every series Debian has the architecture for
KERNELS_CROSS="debian-5.10-arm64 debian-6.1-arm64 debian-6.12-arm64 debian-5.10-armhf debian-6.1-armhf debian-6.12-armhf debian-5.10-i386 debian-6.1-i386"
