#!/usr/bin/env bash
# Packaging: the release tarball, the .deb and the .rpm, installed for real.
#
# Installs real Debian kernel headers (6.1 and 6.12) with dpkg, links a 7.3
# kernel's headers as /lib/modules/7.3.4+deb13-amd64/build and a kernel whose
# config lacks an option, then installs, upgrades and purges ovpn-backports-dkms
# (also against a stand-in for OpenVPN's ovpn-dkms), runs Debian's own
# dkms-autopkgtest on it, and does the same with DKMS from the release tarball.
# Needs root; one run at a time on the machine (a lock); undoes everything it
# did (packages purged, fake /lib/modules entries and /etc/dkms files removed).
# --can-fail (no root): two checks fed a deliberately broken input must fail.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=devel/kernels.sh
. "$TOP/devel/kernels.sh"
# shellcheck source=scripts/kernel-tree.sh
. "$TOP/scripts/kernel-tree.sh"

case "${1:-}" in
-h|--help)
	sed -n '2,11s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac

# What the release tarball must hold (below its top directory): what a build reads
# (the generated tree, compat/ with the gates, scripts/ with the range, kbuild files,
# dkms.conf), the spec, README, COPYING.
tarball_files=(backports/version.h backports/PROVENANCE backports/drivers/net/ovpn/main.c
	backports/include/uapi/linux/ovpn.h compat/compat.h compat/gates.sh compat/gates.txt
	Kbuild Makefile dkms.conf ovpn-backports-dkms.spec README.md COPYING
	scripts/build.sh scripts/check-kernel.sh scripts/kernel-range.conf
	scripts/dkms-kernels.sh scripts/openvpn-check.sh)
# tarball_holds TARBALL: TARBALL has every file of tarball_files; no selftests, no devel/
tarball_holds() {
	local list f ok=0
	list=$(tar -tf "$1" | sed 's|^[^/]*/||') || return 1
	for f in "${tarball_files[@]}"; do
		grep -qx "$f" <<< "$list" || { echo "missing $f"; ok=1; }
	done
	! grep -qE '^backports/(tools|Documentation)/' <<< "$list" || { echo "selftests shipped"; ok=1; }
	! grep -qE '^(devel|tests|patches)/' <<< "$list" || { echo "developer tooling shipped"; ok=1; }
	return "$ok"
}
# versions_ok SRCDIR VERSION: SRCDIR/dkms.conf is what devel/subst.sh makes of dkms.conf.in
# (the version, the range of scripts/kernel-range.conf), version.h carries VERSION
versions_ok() {
	local d="$1" v="$2"
	"$TOP/devel/subst.sh" --provenance "$d/backports/PROVENANCE" "$TOP/dkms.conf.in" |
		diff - "$d/dkms.conf" &&
		grep -qx "PACKAGE_VERSION=\"$v\"" "$d/dkms.conf" &&
		grep -qx "	BUILD_EXCLUSIVE_KERNEL_MAX=\"$(krange_last).999\"" "$d/dkms.conf" &&
		grep -q "OVPN_BACKPORTS_VERSION \"$v " "$d/backports/version.h"
}

case "${1:-}" in
--can-fail)
	# The suite can fail (tests/t-canfail.sh), without root: a tarball without
	# dkms.conf and COPYING, and a dkms.conf whose MAX lets the first in-tree
	# kernel through.
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for f in "${tarball_files[@]}"; do
		case "$f" in dkms.conf|COPYING) continue ;; esac
		mkdir -p "$tmp/t/ovpn-backports-0/$(dirname "$f")"
		touch "$tmp/t/ovpn-backports-0/$f"
	done
	tar -C "$tmp/t" -cf "$tmp/t.tar" ovpn-backports-0
	check "tarball holds the generated tree, compat/ (gates), scripts/ (the range), kbuild files, dkms.conf, spec, README, COPYING; no selftests, no devel/" \
		tarball_holds "$tmp/t.tar"
	d="$tmp/t/ovpn-backports-0"
	printf 'UPSTREAM_KVER=7.3.4\nPACKAGE_VERSION=7.3.4+bp1\n' > "$d/backports/PROVENANCE"
	echo '#define OVPN_BACKPORTS_VERSION "7.3.4+bp1 (can-fail)"' > "$d/backports/version.h"
	"$TOP/devel/subst.sh" --provenance "$d/backports/PROVENANCE" "$TOP/dkms.conf.in" |
		sed "s/^\(\tBUILD_EXCLUSIVE_KERNEL_MAX=\).*/\1\"$OVPN_KERNEL_INTREE.999\"/" > "$d/dkms.conf"
	check "dkms.conf (range of kernel-range.conf, MAX $(krange_last).999) and version.h carry version 7.3.4+bp1" \
		versions_ok "$d" 7.3.4+bp1
	tap_done
	exit 0 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
	if sudo -n true 2>/dev/null; then
		exec sudo -n XDG_CACHE_HOME="$CACHE/.." PATH="$PATH" "$0" "$@"
	fi
	tap 1 "packaging tests need root (or password-less sudo): dpkg -i, dkms install"
	tap_done
	exit 1
fi

# DKMS, dpkg and /lib/modules are machine-wide: one run at a time on this
# machine (another checkout's run would install, upgrade and purge the same
# package version under this one's checks).
mkdir -p "$CACHE"
exec 7>"$CACHE/.packaging.lock"
if ! flock -n 7; then
	diag "another packaging test run holds $CACHE/.packaging.lock: waiting for it"
	flock 7
fi

export DEBIAN_FRONTEND=noninteractive
pkg=ovpn-backports-dkms
tmp=$(mktemp -d)
k73_rel=7.3.4+deb13-amd64
nocfg_rel=6.1.0-56-nocfg
installed_pkgs=()   # packages this run installed, purged at the end
created_dirs=()     # /lib/modules entries this run created
[ -d /lib/modules ] || created_dirs+=(/lib/modules)
intree_ko=""
fwconf=/etc/dkms/framework.conf
fw_saved=""         # how to restore $fwconf: "" untouched, copy, none (did not exist)
optin=/etc/dkms/ovpn.conf
[ ! -e "$optin" ] || cp -p "$optin" "$tmp/ovpn.conf.orig"

cleanup() {
	set +e
	dpkg --purge "$pkg" ovpn-dkms >/dev/null 2>&1
	for v in /var/lib/dkms/ovpn/*/; do
		[ -d "$v" ] && dkms remove -m ovpn -v "$(basename "$v")" --all >/dev/null 2>&1
	done
	rm -rf /var/lib/dkms/ovpn /usr/src/ovpn-[0-9]*
	if [ ${#installed_pkgs[@]} -gt 0 ]; then
		dpkg --purge "${installed_pkgs[@]}" >/dev/null 2>&1
	fi
	# Newest first: /lib/modules itself (if this run made it) goes last, and only if empty.
	for ((i = ${#created_dirs[@]} - 1; i >= 0; i--)); do
		d="${created_dirs[$i]}"
		if [ "$d" = /lib/modules ]; then rmdir "$d" 2>/dev/null; else rm -rf "$d"; fi
	done
	case "$fw_saved" in
	copy) cp -p "$tmp/framework.conf.orig" "$fwconf" ;;
	none) rm -f "$fwconf" ;;
	esac
	if [ -e "$tmp/ovpn.conf.orig" ]; then cp -p "$tmp/ovpn.conf.orig" "$optin"; else rm -f "$optin"; fi
	# (dkms-autopkgtest removes it itself when it gets to its end)
	[ ! -e "$tmp/no-autoinstall.ours" ] || rm -f /etc/dkms/no-autoinstall
	rm -rf "$tmp"
}
trap cleanup EXIT

# Debian's DKMS postinst builds for the running and the newest kernel only when
# the running kernel is installed here; for every kernel otherwise. Make it
# build for every kernel in both cases (restored at the end).
if [ -e "/lib/modules/$(uname -r)" ] && ! grep -q '^autoinstall_all_kernels=' "$fwconf" 2>/dev/null; then
	fw_saved=none
	if [ -e "$fwconf" ]; then cp -p "$fwconf" "$tmp/framework.conf.orig"; fw_saved=copy; fi
	echo 'autoinstall_all_kernels="y" # ovpn-backports tests' >> "$fwconf"
	diag "the running kernel is installed: $fwconf says autoinstall_all_kernels during the tests"
fi

# installed PKG: 0 if dpkg has PKG installed
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
# mkdir_mod REL: create /lib/modules/REL, remembering to remove it
mkdir_mod() {
	[ -e "/lib/modules/$1" ] || created_dirs+=("/lib/modules/$1")
	mkdir -p "/lib/modules/$1"
}
# ko_files: every ovpn.ko DKMS may have installed
ko_files() { find /lib/modules/ -path '*/updates/*' -name 'ovpn.ko*' 2>/dev/null | sort; }
# no_trace: nothing of the package left
no_trace() {
	local left
	left=$( { ls -d /var/lib/dkms/ovpn /usr/src/ovpn-* 2>/dev/null; ko_files; } || true)
	[ -z "$left" ] || { diag "left behind: $(echo "$left" | tr '\n' ' ')"; return 1; }
}
# dkms_installed VERSION KREL: dkms status says installed and the .ko has KREL's vermagic
dkms_installed() {
	local v="$1" k="$2" ko st
	st=$(dkms status -m ovpn -v "$v" -k "$k" 2>/dev/null)
	echo "$st" | grep -q ': installed' || { diag "dkms status for $k: ${st:-nothing}"; return 1; }
	ko=$(find "/lib/modules/$k/updates" -name 'ovpn.ko*' 2>/dev/null | head -n1)
	[ -n "$ko" ] || { diag "no ovpn.ko under /lib/modules/$k/updates"; return 1; }
	case "$(modinfo -F vermagic "$ko")" in
	"$k "*) ;;
	*) diag "$ko vermagic: $(modinfo -F vermagic "$ko")"; return 1 ;;
	esac
	[[ "$(modinfo -F version "$ko")" == "$v "* ]] || { diag "$ko version: $(modinfo -F version "$ko")"; return 1; }
}

for t in dkms dpkg-buildpackage dh_dkms lintian rpmbuild rpmlint xz; do
	command -v "$t" >/dev/null || { tap 1 "tool $t is installed (tests/test-packages.txt)"; tap_done; exit 1; }
done

make -s -C "$TOP" "$TOP/backports/PROVENANCE" >/dev/null 2>&1   # (up to date)
version=$(sed -n 's/^PACKAGE_VERSION=//p' "$TOP/backports/PROVENANCE")
next="$version.1"
diag "version $version, upgrade to $next"

# --- the release tarball ---------------------------------------------------
# (each point is a function run by check: a failing step prints "not ok NAME"
# with its output; the release tarball is what every later point needs)
unset SOURCE_DATE_EPOCH
tb1="" tb2=""
# dist_once: make dist; a copy of the tarball in $tmp/d1 (tb1)
dist_once() {
	local t
	t=$(make -s -C "$TOP" dist | tail -n1) && [ -f "$t" ] && mkdir -p "$tmp/d1" && cp "$t" "$tmp/d1/" &&
		tb1="$tmp/d1/$(basename "$t")"
}
dist_again() { sleep 1 && tb2=$(make -s -C "$TOP" dist | tail -n1) && cmp "$tb1" "$tb2"; }
require "make dist makes the release tarball" dist_once
check "make dist twice gives byte-identical tarballs ($(basename "$tb1"), $(sha256sum < "$tb1" | cut -c1-16))" \
	dist_again
# epoch_dated: members owned by 0/0 and dated SOURCE_DATE_EPOCH
epoch_dated() {
	local got
	SOURCE_DATE_EPOCH=1700000000 "$TOP/devel/dist.sh" --out "$tmp/d3" >/dev/null &&
		got=$(tar -tvf "$tmp/d3/$(basename "$tb1")" --full-time | awk '{print $2, $4, $5}' | sort -u) &&
		echo "owner and dates: $got" &&
		[ "$got" = "0/0 $(date -u -d @1700000000 '+%Y-%m-%d %H:%M:%S')" ]
}
check "tarball members are owned by 0/0 and dated SOURCE_DATE_EPOCH" epoch_dated

# tree_list: the files of the DKMS tree in the tarball (what /usr/src/ovpn-V must hold)
tree_list() {
	tar -tf "$tb1" | sed 's|^[^/]*/||' | grep -vE '^(README.md|COPYING|ovpn-backports-dkms.spec|)$' |
		grep -v '/$' | sort
}
check "tarball holds the generated tree, compat/ (gates), scripts/ (the range), kbuild files, dkms.conf, spec, README, COPYING; no selftests, no devel/" \
	tarball_holds "$tb1"

mkdir -p "$tmp/src"
srcdir="$tmp/src/$(basename "$tb1" .tar.xz)"
require "the release tarball unpacks" tar -C "$tmp/src" -xf "$tb1"
check "dkms.conf (range of kernel-range.conf, MAX $(krange_last).999) and version.h carry version $version" \
	versions_ok "$srcdir" "$version"

# Built from the tarball alone: spatch must not be run, plain make KERNEL_SRC=.
k61=""
# build_without_spatch: plain make KERNEL_SRC=<debian-6.1> in the unpacked tarball, spatch a trap
build_without_spatch() {
	local out rc=0
	k61=$("$TOP/devel/fetch-kernel.sh" debian-6.1) || return 1
	mkdir -p "$tmp/nococci"
	printf '#!/bin/sh\necho "spatch must not run" >&2\ntouch %s/spatch-ran\nexit 1\n' "$tmp" > "$tmp/nococci/spatch"
	chmod +x "$tmp/nococci/spatch"
	out=$(PATH="$tmp/nococci:$PATH" JOBS=2 make -C "$srcdir" KERNEL_SRC="$k61" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] || { echo "$out" | tail -n 8; return 1; }
	[ ! -e "$tmp/spatch-ran" ] || { echo "spatch ran"; return 1; }
	[ -f "$srcdir/ovpn.ko" ] || { echo "no ovpn.ko"; return 1; }
	case "$(modinfo -F vermagic "$srcdir/ovpn.ko")" in 6.1.0-56-amd64\ *) true ;; *) false ;; esac
}
check "the tarball, without coccinelle, builds with plain make KERNEL_SRC=<debian-6.1>" build_without_spatch

# --- .deb and .rpm, and their linters ---------------------------------------
deb="$tmp/pkg/${pkg}_${version}-1_all.deb"
rpm="$tmp/pkg/$pkg-${version}-1.noarch.rpm"
# mkpkg KIND FILE: devel/mkpkg.sh builds FILE from the release tarball
mkpkg() {
	local out
	out=$("$TOP/devel/mkpkg.sh" --out "$tmp/pkg" "$1" "$tb1" 2>&1) || { echo "$out" | tail -n 10; return 1; }
	[ -f "$2" ] || { echo "mkpkg.sh made no $2"; return 1; }
}
check "make deb builds ${pkg}_${version}-1_all.deb from the release tarball" mkpkg deb "$deb"
changes=$(find "$tmp/pkg" -name "ovpn-backports_${version}-1_*.changes" 2>/dev/null | head -n1)
# deb_metadata: Depends, Testsuite, Build-Depends, /usr/src contents
deb_metadata() {
	local info control contents
	# (outputs captured first: grep -q on a pipe would kill the writer under pipefail)
	info=$(dpkg-deb -I "$deb" 2>&1 || true)
	control=$(tar -xOf "$(find "$tmp/pkg" -name '*.debian.tar.xz' | head -n1)" debian/control 2>&1 || true)
	contents=$(dpkg-deb -c "$deb" 2>&1 || true)
	grep -qE '^ Depends:.*\bdkms\b' <<< "$info" &&
		grep -qx 'Testsuite: autopkgtest-pkg-dkms' <<< "$control" &&
		grep -qx 'Build-Depends: .*dh-sequence-dkms.*' <<< "$control" &&
		grep -q " ./usr/src/ovpn-$version/dkms.conf$" <<< "$contents"
}
check ".deb depends on dkms, ships /usr/src/ovpn-$version/dkms.conf; source uses dh-sequence-dkms, declares autopkgtest-pkg-dkms" \
	deb_metadata
# deb_describes: Enhances, Homepage, the coexistence with OpenVPN's ovpn-dkms, OpenVPN
# 2.7+ and the range (from kernel-range.conf) in the description
deb_describes() {
	local info
	info=$(dpkg-deb -I "$deb" 2>&1 || true)
	echo "$info" | sed -n '/^ Package:/,$p'
	grep -qx ' Enhances: openvpn' <<< "$info" && grep -qE '^ Homepage: https://' <<< "$info" &&
		grep -qx ' Conflicts: ovpn-dkms' <<< "$info" && grep -qx ' Replaces: ovpn-dkms' <<< "$info" &&
		grep -qx ' Provides: ovpn-dkms' <<< "$info" &&
		grep -q 'It needs OpenVPN 2.7 or later. OpenVPN 2.6' <<< "$info" &&
		tr -d '\n' <<< "$info" | grep -q "Linux  *$(krange_text) "
}
check ".deb: Enhances: openvpn, Homepage, Conflicts/Replaces/Provides: ovpn-dkms; says OpenVPN 2.7+ and Linux $(krange_text)" \
	deb_describes
# same_tree PKG-FILE-LIST: the package's /usr/src/ovpn-V is the tarball's DKMS tree (one list)
same_tree() {
	diff <(tree_list) <(sed -n "s|^\.\{0,1\}/usr/src/ovpn-$version/||p" <<< "$1" | grep -v '/$' | grep . | sort)
}
check ".deb's /usr/src/ovpn-$version holds exactly the tarball's DKMS tree" \
	eval 'same_tree "$(dpkg-deb -c "$deb" | awk "/^-/ {print \$6}")"'
lint=""
lintian_clean() {
	local rc=0
	[ -n "$changes" ] || { echo "no .changes file"; return 1; }
	lint=$(lintian --fail-on error,warning "$changes" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && ! grep -qE '^[EW]: ' <<< "$lint"
}
check "lintian: no errors or warnings (source and binary)" lintian_clean
grep -E '^[EWI]: ' <<< "$lint" | sed 's/^/#   /' || true

check "make rpm builds $pkg-${version}-1.noarch.rpm from the release tarball" mkpkg rpm "$rpm"
# rpm_metadata: Requires dkms, %post dkms add + the per-kernel loop + the openvpn
# check, %preun dkms remove, Provides/Conflicts ovpn-dkms, files
rpm_metadata() {
	local scripts requires files post provides conflicts
	scripts=$(rpm -qp --scripts "$rpm" 2>/dev/null) || return 1
	requires=$(rpm -qpR "$rpm" 2>/dev/null || true)
	provides=$(rpm -qp --provides "$rpm" 2>/dev/null || true)
	conflicts=$(rpm -qp --conflicts "$rpm" 2>/dev/null || true)
	files=$(rpm -qlp "$rpm" 2>/dev/null || true)
	post=$(sed -n '/^postinstall/,/^preuninstall/p' <<< "$scripts")
	echo "$post"
	grep -qx dkms <<< "$requires" &&
		grep -q "^dkms add -m ovpn -v $version" <<< "$post" &&
		grep -q "/usr/src/ovpn-$version/scripts/dkms-kernels.sh --force $version" <<< "$post" &&
		grep -q "/usr/src/ovpn-$version/scripts/openvpn-check.sh" <<< "$post" &&
		sed -n '/^preuninstall/,$p' <<< "$scripts" | grep -q 'dkms remove' &&
		grep -q '^ovpn-dkms = ' <<< "$provides" && grep -qx 'ovpn-dkms' <<< "$conflicts" &&
		grep -qx "/usr/src/ovpn-$version/dkms.conf" <<< "$files"
}
check ".rpm requires dkms, %post: dkms add + scripts/dkms-kernels.sh + openvpn check, %preun dkms remove; Provides/Conflicts ovpn-dkms" \
	rpm_metadata
check ".rpm's /usr/src/ovpn-$version holds exactly the tarball's DKMS tree" \
	eval 'same_tree "$(rpm -qp --qf "[%{FILEMODES:perms} %{FILENAMES}\n]" "$rpm" | awk "/^-/ {print \$2}")"'
lint=""
rpmlint_clean() {
	local rc=0 spec
	spec="$(basename "$tb1" .tar.xz)/$pkg.spec"
	tar -C "$tmp" -xf "$tb1" "$spec" || return 1
	lint=$(rpmlint -r "$TOP/rpm/$pkg.rpmlintrc" "$rpm" "$tmp/$spec" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && grep -q ' 0 errors, 0 warnings' <<< "$lint"
}
check "rpmlint: no errors or warnings (rpm and spec)" rpmlint_clean
grep -E ': [EW]: ' <<< "$lint" | sed 's/^/#   /' || true

# The next version, for the upgrade tests.
tbn="" debn="$tmp/pkgn/${pkg}_${next}-1_all.deb"
next_package() {
	tbn=$("$TOP/devel/dist.sh" --out "$tmp/dn" --version "$next") &&
		"$TOP/devel/mkpkg.sh" --out "$tmp/pkgn" deb "$tbn" >/dev/null 2>&1 &&
		[ -f "$debn" ]
}
check "a second package of version $next builds" next_package

# --- a 6.16+ kernel: skipped with the reason, in-tree ovpn untouched --------
k73=""
intree_dir="/lib/modules/$k73_rel/kernel/drivers/net/ovpn"
# k73_headers: the 7.3 tree as /lib/modules/REL/build, its in-tree ovpn.ko beside it
k73_headers() {
	local modpkg
	k73=$("$TOP/devel/fetch-kernel.sh" debian-7.3) || return 1
	mkdir_mod "$k73_rel"
	ln -sfn "$k73" "/lib/modules/$k73_rel/build" || return 1
	# The kernel's own ovpn.ko (from its modules package), to check it stays as it is.
	if modpkg=$("$TOP/devel/apt-fetch.sh" "linux-modules-$k73_rel" 2>/dev/null); then
		mkdir -p "$intree_dir"
		dpkg-deb --fsys-tarfile "$modpkg" |
			tar -xO "./usr/lib/modules/$k73_rel/kernel/drivers/net/ovpn/ovpn.ko.xz" > "$intree_dir/ovpn.ko.xz" || true
		intree_ko="$intree_dir/ovpn.ko.xz"
		intree_sum=$(sha256sum "$intree_ko" | cut -d' ' -f1)
		# a modules.dep as the kernel's package has one (DKMS reads the compression from it)
		depmod "$k73_rel" 2>/dev/null
		grep -q 'ovpn.ko.xz:' "/lib/modules/$k73_rel/modules.dep"
	fi
}
check "7.3: its headers as /lib/modules/$k73_rel/build" k73_headers
[ -n "$intree_ko" ] || diag "linux-modules-$k73_rel not available: its in-tree ovpn.ko is not compared"
# --- OpenVPN's ovpn-dkms: a stand-in with the same DKMS name and /usr/src path -
theirs=7.3.0.2026100201
# their_pkg: build and dpkg -i the stand-in (no maintainer scripts: files only)
their_pkg() {
	mkdir -p "$tmp/theirs/DEBIAN" "$tmp/theirs/usr/src/ovpn-$theirs" &&
		printf '%s\n' 'PACKAGE_NAME="ovpn"' "PACKAGE_VERSION=\"$theirs\"" 'BUILT_MODULE_NAME[0]="ovpn"' \
			> "$tmp/theirs/usr/src/ovpn-$theirs/dkms.conf" &&
		printf '%s\n' "Package: ovpn-dkms" "Version: $theirs-debian0" "Architecture: all" \
			"Maintainer: ovpn-backports tests <tests@invalid>" \
			"Description: test stand-in for the ovpn-dkms of OpenVPN's apt repository" \
			" Same DKMS module name (ovpn) and source path (/usr/src/ovpn-VERSION)." \
			> "$tmp/theirs/DEBIAN/control" &&
		dpkg-deb -b "$tmp/theirs" "$tmp/theirs.deb" >/dev/null && dpkg -i "$tmp/theirs.deb" >/dev/null &&
		installed ovpn-dkms
}
check "a stand-in for OpenVPN's ovpn-dkms ($theirs) installs /usr/src/ovpn-$theirs" their_pkg
# dkms_state: what make dkms-install/-remove could change
dkms_state() { ls -d /usr/src/ovpn-* /var/lib/dkms/ovpn/*/ 2>/dev/null; dkms status ovpn 2>/dev/null; true; }
# refuses OWNER CMD...: CMD fails with one line naming the package OWNER, nothing changed
refuses() {
	local owner="$1" out before; shift
	before=$(dkms_state)
	if out=$("$@" 2>&1); then echo "succeeded: $out"; return 1; fi
	echo "$out"
	[ "$(grep -c . <<< "$out")" = 1 ] && grep -q "belongs to the package $owner:" <<< "$out" &&
		[ "$(dkms_state)" = "$before" ]
}
check "make dkms-install refuses to delete OpenVPN's ovpn-dkms tree: one line naming ovpn-dkms, nothing changed" \
	refuses ovpn-dkms "$TOP/devel/dkms.sh" install "$tb1" "$k73_rel"
check "make dkms-remove refuses it too" refuses ovpn-dkms "$TOP/devel/dkms.sh" remove

# An openvpn 2.6 on PATH, for the install scripts' note.
mkdir -p "$tmp/ovpn26"
printf '#!/bin/sh\necho "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [DCO]"\nexit 1\n' \
	> "$tmp/ovpn26/openvpn"
chmod +x "$tmp/ovpn26/openvpn"
# install_skips_73: dpkg -i replaces the stand-in, says the 7.3 kernel is skipped and why,
# and that openvpn 2.6 will not use the module
install_skips_73() {
	local out
	out=$(PATH="$tmp/ovpn26:$PATH" dpkg -i "$deb" 2>&1) || { echo "$out" | tail -n 10; return 1; }
	echo "$out" | grep -E 'ovpn-backports:|ovpn-dkms'
	grep -q "kernel $k73_rel is skipped: Linux $OVPN_KERNEL_INTREE and later ship ovpn in-tree" <<< "$out" &&
		grep -q "is OpenVPN 2.6.14, which speaks the older out-of-tree ovpn-dco interface" <<< "$out" &&
		! installed ovpn-dkms && [ ! -e "/usr/src/ovpn-$theirs" ]
}
check "7.3: dpkg -i $pkg replaces OpenVPN's ovpn-dkms, says 7.3 is skipped (in-tree) and openvpn 2.6 will not use it" \
	install_skips_73
rc=0
dkms build -m ovpn -v "$version" -k "$k73_rel" >/dev/null 2>&1 || rc=$?
check "7.3: dkms build exits 77 (skip) for $k73_rel (exit $rc)" test "$rc" -eq 77
# exit9_skip: the installed scripts/dkms-kernels.sh, with a dkms that answers for 7.3 as
# DKMS 2.8 does (exit 9, BUILD_EXCLUSIVE), reports a skip with the reason and exits 0
exit9_skip() {
	local out real
	real=$(command -v dkms) && mkdir -p "$tmp/dkms28" || return 1
	cat > "$tmp/dkms28/dkms" <<-EOF
	#!/bin/bash
	if [ "\$1" = build ] && [[ " \$* " == *" -k $k73_rel "* ]]; then
		echo "Error! The /var/lib/dkms/ovpn/$version/$k73_rel/x86_64/dkms.conf for module ovpn includes a BUILD_EXCLUSIVE directive which does not match this kernel/arch.  This indicates that it should not be built."
		exit 9
	fi
	exec "$real" "\$@"
	EOF
	chmod +x "$tmp/dkms28/dkms"
	out=$(PATH="$tmp/dkms28:$PATH" "/usr/src/ovpn-$version/scripts/dkms-kernels.sh" "$version" "$k73_rel" 2>&1) &&
		echo "$out" && grep -q "kernel $k73_rel is skipped: Linux" <<< "$out"
}
check "7.3: a simulated DKMS 2.8 exit 9 (BUILD_EXCLUSIVE) is reported as a skip by the installed dkms-kernels.sh" exit9_skip
check "make dkms-remove refuses the package's own tree: one line naming $pkg, nothing changed" \
	refuses "$pkg" "$TOP/devel/dkms.sh" remove
# no_ko_73: no ovpn.ko of ours for 7.3, and its own one unchanged
no_ko_73() {
	[ -z "$(find "/lib/modules/$k73_rel" -path '*/updates/*' -name 'ovpn.ko*')" ] &&
		{ [ -z "$intree_ko" ] || [ "$(sha256sum "$intree_ko" | cut -d' ' -f1)" = "$intree_sum" ]; }
}
check "7.3: no ovpn.ko from us under /lib/modules/$k73_rel; its in-tree ovpn.ko is untouched" no_ko_73
# optin_73: OVPN_ALLOW_INTREE_KERNEL=1 in /etc/dkms/ovpn.conf: dkms builds and installs for
# 7.3, and the ovpn that modprobe loads there is ours (updates/ comes first); the kernel's
# own one stays in place (DKMS up to 3.0 on Debian/Ubuntu) or is archived (DKMS 3.2, and
# any DKMS elsewhere)
optin_73() {
	local out ko
	echo 'OVPN_ALLOW_INTREE_KERNEL=1 # ovpn-backports tests' > "$optin"
	out=$(dkms build -m ovpn -v "$version" -k "$k73_rel" 2>&1) ||
		{ echo "$out" | tail -n 5; tail -n 8 "/var/lib/dkms/ovpn/$version/build/make.log"; return 1; }
	out=$(dkms install -m ovpn -v "$version" -k "$k73_rel" 2>&1) || { echo "$out" | tail -n 8; return 1; }
	echo "$out" | sed -n '/Original module/,/Installation/p'
	ko=$(modinfo -k "$k73_rel" -n ovpn 2>/dev/null)
	echo "modprobe would load: $ko"
	[[ "$ko" == "/lib/modules/$k73_rel/updates/"* ]] &&
		[[ "$(modinfo -F vermagic "$ko")" == "$k73_rel "* ]] &&
		[[ "$(modinfo -F version "$ko")" == "$version "* ]] &&
		{ [ -z "$intree_ko" ] || [ -e "$intree_ko" ] ||
			[ -n "$(find "/var/lib/dkms/ovpn/original_module" -name 'ovpn.ko*' 2>/dev/null)" ]; }
}
t0=$SECONDS
check "7.3 with OVPN_ALLOW_INTREE_KERNEL=1 in /etc/dkms/ovpn.conf: dkms builds and installs; modprobe loads ours, the in-tree one is kept" \
	optin_73
diag "the opt-in build for 7.3: $((SECONDS - t0)) s"
# optin_undone: dkms remove for 7.3: the kernel's own ovpn.ko is in place, unchanged, and
# is what modprobe loads again
optin_undone() {
	dkms remove -m ovpn -v "$version" -k "$k73_rel" >/dev/null 2>&1
	rm -f "$optin"
	no_ko_73 && { [ -z "$intree_ko" ] || [ "$(modinfo -k "$k73_rel" -n ovpn)" = "$intree_ko" ]; }
}
check "7.3: after dkms remove the in-tree ovpn.ko is in place, unchanged, and what modprobe loads" optin_undone

# --- a kernel whose config lacks an option: the build fails, naming it ------
nocfg="$tmp/nocfg"
# nocfg_fails: dkms build on a 6.1 tree without CONFIG_STREAM_PARSER fails, make.log says so
nocfg_fails() {
	local out rc=0 log="/var/lib/dkms/ovpn/$version/build/make.log"
	[ -n "$k61" ] || k61=$("$TOP/devel/fetch-kernel.sh" debian-6.1) || return 1
	{ cp -as "$k61" "$nocfg" && rm "$nocfg/.config" &&
		grep -vE '^CONFIG_STREAM_PARSER=' "$k61/.config" > "$nocfg/.config"; } || return 1
	mkdir_mod "$nocfg_rel"
	ln -sfn "$nocfg" "/lib/modules/$nocfg_rel/build" || return 1
	out=$(dkms build -m ovpn -v "$version" -k "$nocfg_rel" 2>&1) || rc=$?
	echo "dkms build exit $rc; make.log:"
	grep -h 'lacks' "$log" 2>/dev/null
	[ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && grep -q 'make.log' <<< "$out" &&
		grep -q "lacks what ovpn needs: CONFIG_STREAM_PARSER" "$log"
}
check "a kernel without CONFIG_STREAM_PARSER: dkms build fails and make.log names the option" nocfg_fails
rm -rf "/lib/modules/$nocfg_rel"

# purged: apt-get remove --purge of the package succeeds and leaves no trace
purged() {
	local out
	out=$(apt-get remove --purge -y "$pkg" 2>&1) || { echo "$out" | tail -n 10; return 1; }
	no_trace
}
check "7.3: apt-get remove --purge $pkg leaves no trace" purged

# --- real Debian 6.1 and 6.12 headers, installed with dpkg ------------------
kernels=()
for alias in debian-6.1 debian-6.12; do
	kernel_info "$alias"
	kernels+=("$KABI")
done
# headers_installed: fetch and dpkg -i the 6.1 and 6.12 headers (a stub for 6.12's image)
headers_installed() {
	local alias p f out k hdr_debs=()
	local stub=linux-image-6.12.95+deb12-amd64-unsigned
	for alias in debian-6.1 debian-6.12; do
		kernel_info "$alias"
		for p in "${KHDR_PKGS[@]}"; do
			installed "$p" && continue
			f=$("$TOP/devel/apt-fetch.sh" "$p") || return 1
			hdr_debs+=("$f")
			installed_pkgs=("$p" "${installed_pkgs[@]}")
		done
	done
	# The 6.12 headers depend on the kernel image: a stub package stands in for it
	# (an image cannot be installed in a container and is not needed to build).
	if ! installed "$stub" && ! installed linux-image-6.12.95+deb12-amd64; then
		mkdir -p "$tmp/stub/DEBIAN"
		printf '%s\n' "Package: $stub" "Version: 6.12.95-1~bpo12+1" "Architecture: amd64" \
			"Maintainer: ovpn-backports tests <tests@invalid>" \
			"Description: test stub for the ovpn-backports packaging tests" \
			" Satisfies linux-headers-6.12.95+deb12-amd64's dependency on its image." \
			> "$tmp/stub/DEBIAN/control"
		dpkg-deb -b "$tmp/stub" "$tmp/stub.deb" >/dev/null || return 1
		hdr_debs=("$tmp/stub.deb" "${hdr_debs[@]}")
		installed_pkgs+=("$stub")
	fi
	for k in "${kernels[@]}"; do mkdir_mod "$k"; done
	if [ ${#hdr_debs[@]} -gt 0 ]; then
		out=$(dpkg -i "${hdr_debs[@]}" 2>&1) || { echo "$out" | tail -n 10; return 1; }
	fi
	[ -e "/lib/modules/${kernels[0]}/build/Makefile" ] && [ -e "/lib/modules/${kernels[1]}/build/Makefile" ]
}
check "linux-headers-${kernels[0]} and linux-headers-${kernels[1]} installed with dpkg -i" headers_installed

# installs_for VERSION CMD...: CMD succeeds and ovpn.ko VERSION is installed for both kernels
installs_for() {
	local v="$1" out rc=0 ok=0 k
	shift
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] || { ok=1; echo "$* exited $rc:"; echo "$out" | tail -n 8; }
	for k in "${kernels[@]}"; do dkms_installed "$v" "$k" || ok=1; done
	if [ "$ok" -ne 0 ]; then
		grep -h 'DKMS make.log for' "/var/lib/dkms/ovpn/$v/build/make.log" 2>/dev/null
		tail -n 5 "/var/lib/dkms/ovpn/$v/build/make.log" 2>/dev/null
		ls -l /lib/modules/*/build
	fi
	return "$ok"
}
# upgraded_to CMD...: installs_for $next, and nothing of $version is left
upgraded_to() {
	local ok=0
	installs_for "$next" "$@" || ok=1
	[ ! -e "/var/lib/dkms/ovpn/$version" ] && [ ! -e "/usr/src/ovpn-$version" ] || { diag "$version left behind"; ok=1; }
	[ "$(ko_files | wc -l)" -eq "${#kernels[@]}" ] || { diag "ovpn.ko files: $(ko_files | tr '\n' ' ')"; ok=1; }
	return "$ok"
}
# no_ko_73_now: still no ovpn.ko of ours for 7.3
no_ko_73_now() { [ -z "$(find "/lib/modules/$k73_rel" -path '*/updates/*' -name 'ovpn.ko*' 2>/dev/null)" ]; }
# autopkgtest: Debian's own dkms-autopkgtest (from the dkms package) on the .deb, through
# a private apt configuration with a local repository holding it; it must PASS (build,
# install, dkms status) on both real kernels, and SKIP only the in-tree 7.3
autopkgtest() {
	local repo="$tmp/repo" a="$tmp/apt" out rc=0 k
	mkdir -p "$repo" "$a/lists/partial" "$a/cache/archives/partial" && cp "$deb" "$repo/" &&
		(cd "$repo" && dpkg-scanpackages . /dev/null > Packages 2>/dev/null) || return 1
	echo "deb [trusted=yes] file:$repo ./" > "$a/sources.list"
	printf '%s\n' "Dir::Etc::SourceList \"$a/sources.list\";" 'Dir::Etc::SourceParts "/nonexistent";' \
		"Dir::State::Lists \"$a/lists\";" "Dir::Cache \"$a/cache\";" > "$a/apt.conf"
	APT_CONFIG="$a/apt.conf" apt-get update -qq >/dev/null 2>&1 || { echo "apt-get update failed"; return 1; }
	[ -e /etc/dkms/no-autoinstall ] || touch "$tmp/no-autoinstall.ours"
	out=$(APT_CONFIG="$a/apt.conf" AUTOPKGTEST_ARTIFACTS="$tmp" /usr/lib/dkms/dkms-autopkgtest "$pkg" 2>&1) ||
		rc=$?
	rm -f "$tmp/no-autoinstall.ours"
	echo "$out" | sed -n '/^I: Summary:/,$p'
	[ "$rc" -eq 0 ] || { echo "dkms-autopkgtest exited $rc"; echo "$out" | grep -E '^E:' | head; return 1; }
	for k in "${kernels[@]}"; do grep -qx "I: PASS $k" <<< "$out" || return 1; done
	grep -qx "I: SKIP $k73_rel" <<< "$out" &&
		[ "$(grep -cE '^I: (PASS|SKIP|FAIL) ' <<< "$out")" = $((${#kernels[@]} + 1)) ]
}
t0=$SECONDS
check "dkms-autopkgtest (Debian's, dkms $(dpkg-query -W -f='${Version}' dkms)): PASS ${kernels[*]}, SKIP only $k73_rel" \
	autopkgtest
diag "dkms-autopkgtest: $((SECONDS - t0)) s"
check "apt-get remove --purge $pkg after the autopkgtest leaves no trace" purged
check "dpkg -i $pkg builds and installs ovpn.ko $version for ${kernels[*]} (dkms status, vermagic)" \
	installs_for "$version" dpkg -i "$deb"
check "7.3 still gets no ovpn.ko with the 6.1 and 6.12 builds" no_ko_73_now
check "upgrade to $next rebuilds for both kernels; nothing of $version left" upgraded_to dpkg -i "$debn"
check "apt-get remove --purge $pkg leaves no trace (/var/lib/dkms/ovpn, /usr/src/ovpn-*, ovpn.ko)" purged
dpkg --purge "$pkg" >/dev/null 2>&1 || true

# --- DKMS straight from the release tarball (make dkms-install) -------------
check "release tarball: dkms add/build/install for ${kernels[*]}" \
	installs_for "$version" "$TOP/devel/dkms.sh" install "$tb1" "${kernels[@]}"
check "release tarball: upgrade to $next rebuilds; nothing of $version left" \
	upgraded_to "$TOP/devel/dkms.sh" install "$tbn" "${kernels[@]}"
# dkms_removed: devel/dkms.sh remove succeeds and leaves no trace
dkms_removed() {
	local out
	out=$("$TOP/devel/dkms.sh" remove 2>&1) || { echo "$out" | tail -n 5; return 1; }
	no_trace
}
check "release tarball: dkms remove (make dkms-remove) leaves no trace" dkms_removed

tap_done
