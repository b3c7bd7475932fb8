#!/usr/bin/env bash
# Table of the Debian kernels the project builds and boots for (sourced, not run).
# shellcheck disable=SC2034  # the variables are read by the scripts that source this

# kernel_info ALIAS: set KABI (the uname -r), KHDR_PKGS (the Debian packages of its
# headers and kbuild, an array) and KIMG_PKGS (the packages of its image and modules)
kernel_info() {
	case "$1" in
	debian-5.10)
		KABI=5.10.0-32-amd64
		KHDR_PKGS=(linux-headers-5.10.0-32-amd64 linux-headers-5.10.0-32-common linux-kbuild-5.10)
		KIMG_PKGS=(linux-image-5.10.0-32-amd64)
		;;
	debian-6.1)
		KABI=6.1.0-56-amd64
		KHDR_PKGS=(linux-headers-6.1.0-56-amd64 linux-headers-6.1.0-56-common linux-kbuild-6.1)
		KIMG_PKGS=(linux-image-6.1.0-56-amd64)
		;;
	debian-6.12)
		KABI=6.12.95+deb12-amd64
		KHDR_PKGS=(linux-headers-6.12.95+deb12-amd64 linux-headers-6.12.95+deb12-common
			   linux-kbuild-6.12.95+deb12)
		KIMG_PKGS=(linux-image-6.12.95+deb12-amd64)
		;;
	debian-7.3)
		KABI=7.3.4+deb13-amd64
		KHDR_PKGS=(linux-headers-7.3.4+deb13-amd64 linux-headers-7.3.4+deb13-common
			   linux-kbuild-7.3.4+deb13)
		KIMG_PKGS=(linux-binary-7.3.4+deb13-amd64 linux-modules-7.3.4+deb13-amd64
			   linux-base-7.3.4+deb13-amd64)
		;;
	*)
		echo "unknown kernel '$1' (known: $KERNELS_ALL)" >&2
		return 1
		;;
	esac
}

KERNELS_ALL="debian-5.10 debian-6.1 debian-6.12 debian-7.3"
