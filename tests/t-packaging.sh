#!/usr/bin/env bash
# Packaging: the release tarball, the .deb and the .rpm, installed for real.
#
# Installs real Debian kernel headers (6.1 and 6.12) with dpkg, links a 7.3
# kernel's headers as /lib/modules/7.3.4+deb13-amd64/build and a kernel whose
# config lacks an option, then installs, upgrades and purges ovpn-dkms and does
# the same with DKMS from the release tarball. Needs root; undoes everything
# it did (packages purged, fake /lib/modules entries removed) so it can run again.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=devel/kernels.sh
. "$TOP/devel/kernels.sh"

case "${1:-}" in
-h|--help)
	sed -n '2,8s/^# \{0,1\}//p' "$0"
	exit 0
	;;
esac

if [ "$(id -u)" -ne 0 ]; then
	if sudo -n true 2>/dev/null; then
		exec sudo -n XDG_CACHE_HOME="$CACHE/.." PATH="$PATH" "$0" "$@"
	fi
	tap 1 "packaging tests need root (or password-less sudo): dpkg -i, dkms install"
	tap_done
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
tmp=$(mktemp -d)
k73_rel=7.3.4+deb13-amd64
nocfg_rel=6.1.0-56-nocfg
installed_pkgs=()   # packages this run installed, purged at the end
created_dirs=()     # /lib/modules entries this run created
[ -d /lib/modules ] || created_dirs+=(/lib/modules)
intree_ko=""
fwconf=/etc/dkms/framework.conf
fw_saved=""         # how to restore $fwconf: "" untouched, copy, none (did not exist)

cleanup() {
	set +e
	dpkg --purge ovpn-dkms >/dev/null 2>&1
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
# no_trace: nothing of ovpn-dkms left
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

[ -f "$TOP/backports/PROVENANCE" ] || make -s -C "$TOP" sources >/dev/null 2>&1
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

list=$(tar -tf "$tb1" | sed 's|^[^/]*/||')
ok=0
for f in backports/version.h backports/PROVENANCE backports/drivers/net/ovpn/main.c \
	 backports/include/uapi/linux/ovpn.h compat/compat.h Kbuild Makefile dkms.conf \
	 ovpn-dkms.spec README.md COPYING scripts/build.sh scripts/check-kernel.sh; do
	grep -qx "$f" <<< "$list" || { diag "missing $f"; ok=1; }
done
! grep -qE '^backports/(tools|Documentation)/' <<< "$list" || { diag "selftests shipped"; ok=1; }
tap $ok "tarball holds the generated tree, compat/, kbuild files, dkms.conf, spec, scripts, README, COPYING; no selftests"

mkdir -p "$tmp/src"
srcdir="$tmp/src/$(basename "$tb1" .tar.xz)"
require "the release tarball unpacks" tar -C "$tmp/src" -xf "$tb1"
# versions_ok: dkms.conf and version.h carry the version and the DKMS range
versions_ok() {
	grep -qx "PACKAGE_VERSION=\"$version\"" "$srcdir/dkms.conf" &&
		grep -qx 'BUILD_EXCLUSIVE_KERNEL_MIN="5.4"' "$srcdir/dkms.conf" &&
		grep -qx 'BUILD_EXCLUSIVE_KERNEL_MAX="6.15.999"' "$srcdir/dkms.conf" &&
		grep -q "OVPN_BACKPORTS_VERSION \"$version " "$srcdir/backports/version.h"
}
check "dkms.conf and version.h carry version $version, DKMS range 5.4 to 6.15.999" versions_ok

# dkms.conf's regex (for DKMS < 3.1) must agree with MIN/MAX.
ok=0
# shellcheck disable=SC1090,SC1091 # dkms.conf is a bash fragment
# shellcheck disable=SC2034 # read by the sourced dkms.conf
re=$(kernelver=x kernel_source_dir=x; . "$srcdir/dkms.conf"; echo "$BUILD_EXCLUSIVE_KERNEL")
for k in 5.4.0-1 5.10.0-32-amd64 5.19.17 6.1.0-56-amd64 6.12.95+deb12-amd64 6.15.11 6.15; do
	[[ "$k" =~ $re ]] || { diag "regex refuses $k"; ok=1; }
done
for k in 4.19.0-27-amd64 5.3.18 6.16.0 6.16.1-1-amd64 6.20.0 7.3.4+deb13-amd64 10.1.0; do
	[[ "$k" =~ $re ]] && { diag "regex accepts $k"; ok=1; }
done
tap $ok "dkms.conf BUILD_EXCLUSIVE_KERNEL takes 5.4 to 6.15 and refuses 6.16+ and <5.4"

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
deb="$tmp/pkg/ovpn-dkms_${version}-1_all.deb"
rpm="$tmp/pkg/ovpn-dkms-${version}-1.noarch.rpm"
# mkpkg KIND FILE: devel/mkpkg.sh builds FILE from the release tarball
mkpkg() {
	local out
	out=$("$TOP/devel/mkpkg.sh" --out "$tmp/pkg" "$1" "$tb1" 2>&1) || { echo "$out" | tail -n 10; return 1; }
	[ -f "$2" ] || { echo "mkpkg.sh made no $2"; return 1; }
}
check "make deb builds ovpn-dkms_${version}-1_all.deb from the release tarball" mkpkg deb "$deb"
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
lint=""
lintian_clean() {
	local rc=0
	[ -n "$changes" ] || { echo "no .changes file"; return 1; }
	lint=$(lintian --fail-on error,warning "$changes" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && ! grep -qE '^[EW]: ' <<< "$lint"
}
check "lintian: no errors or warnings (source and binary)" lintian_clean
grep -E '^[EWI]: ' <<< "$lint" | sed 's/^/#   /' || true

check "make rpm builds ovpn-dkms-${version}-1.noarch.rpm from the release tarball" mkpkg rpm "$rpm"
# rpm_metadata: Requires dkms, %post dkms add/build/install, %preun dkms remove, files
rpm_metadata() {
	local scripts requires files
	scripts=$(rpm -qp --scripts "$rpm" 2>/dev/null) || return 1
	requires=$(rpm -qpR "$rpm" 2>/dev/null || true)
	files=$(rpm -qlp "$rpm" 2>/dev/null || true)
	grep -qx dkms <<< "$requires" &&
		sed -n '/^postinstall/,/^preuninstall/p' <<< "$scripts" | grep -q 'dkms add' &&
		sed -n '/^postinstall/,/^preuninstall/p' <<< "$scripts" | grep -q 'dkms build' &&
		sed -n '/^postinstall/,/^preuninstall/p' <<< "$scripts" | grep -q 'dkms install' &&
		sed -n '/^preuninstall/,$p' <<< "$scripts" | grep -q 'dkms remove' &&
		grep -qx "/usr/src/ovpn-$version/dkms.conf" <<< "$files"
}
check ".rpm requires dkms, %post runs dkms add/build/install, %preun dkms remove" rpm_metadata
lint=""
rpmlint_clean() {
	local rc=0 spec
	spec="$(basename "$tb1" .tar.xz)/ovpn-dkms.spec"
	tar -C "$tmp" -xf "$tb1" "$spec" || return 1
	lint=$(rpmlint -r "$TOP/rpm/ovpn-dkms.rpmlintrc" "$rpm" "$tmp/$spec" 2>&1) || rc=$?
	[ "$rc" -eq 0 ] && grep -q ' 0 errors, 0 warnings' <<< "$lint"
}
check "rpmlint: no errors or warnings (rpm and spec)" rpmlint_clean
grep -E ': [EW]: ' <<< "$lint" | sed 's/^/#   /' || true

# The next version, for the upgrade tests.
tbn="" debn="$tmp/pkgn/ovpn-dkms_${next}-1_all.deb"
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
	fi
}
check "7.3: its headers as /lib/modules/$k73_rel/build" k73_headers
[ -n "$intree_ko" ] || diag "linux-modules-$k73_rel not available: its in-tree ovpn.ko is not compared"
# install_skips_73: dpkg -i says the 7.3 kernel is skipped and why
install_skips_73() {
	local out
	out=$(dpkg -i "$deb" 2>&1) || { echo "$out" | tail -n 10; return 1; }
	grep -q "kernel $k73_rel is skipped: Linux 6.16 and later ship ovpn in-tree" <<< "$out" ||
		{ echo "$out" | tail -n 10; return 1; }
}
check "7.3: the package installs and says the kernel is skipped because it ships ovpn in-tree" install_skips_73
rc=0
dkms build -m ovpn -v "$version" -k "$k73_rel" >/dev/null 2>&1 || rc=$?
check "7.3: dkms build exits 77 (skip) for $k73_rel (exit $rc)" test "$rc" -eq 77
# no_ko_73: no ovpn.ko of ours for 7.3, and its own one unchanged
no_ko_73() {
	[ -z "$(find "/lib/modules/$k73_rel" -path '*/updates/*' -name 'ovpn.ko*')" ] &&
		{ [ -z "$intree_ko" ] || [ "$(sha256sum "$intree_ko" | cut -d' ' -f1)" = "$intree_sum" ]; }
}
check "7.3: no ovpn.ko from us under /lib/modules/$k73_rel; its in-tree ovpn.ko is untouched" no_ko_73

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

# purged: apt-get remove --purge ovpn-dkms succeeds and leaves no trace
purged() {
	local out
	out=$(apt-get remove --purge -y ovpn-dkms 2>&1) || { echo "$out" | tail -n 10; return 1; }
	no_trace
}
check "7.3: apt-get remove --purge ovpn-dkms leaves no trace" purged

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
	[ "$ok" -eq 0 ] || tail -n 5 "/var/lib/dkms/ovpn/$v/build/make.log" 2>/dev/null
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
check "dpkg -i ovpn-dkms builds and installs ovpn.ko $version for ${kernels[*]} (dkms status, vermagic)" \
	installs_for "$version" dpkg -i "$deb"
check "7.3 still gets no ovpn.ko with the 6.1 and 6.12 builds" no_ko_73_now
check "upgrade to $next rebuilds for both kernels; nothing of $version left" upgraded_to dpkg -i "$debn"
check "apt-get remove --purge ovpn-dkms leaves no trace (/var/lib/dkms/ovpn, /usr/src/ovpn-*, ovpn.ko)" purged
dpkg --purge ovpn-dkms >/dev/null 2>&1 || true

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
