#!/usr/bin/env bash
# Cross builds and the newest Debian point releases: backports/ built for
# arm64 and armhf on 5.10, 6.1 and 6.12 and for i386 on 5.10 and 6.1 with
# Debian's cross compilers, and for x86_64 on the newest point release of each
# series that Debian's mirror has (found from its package index at run time),
# each with zero warnings and no undefined symbols (devel/matrix.sh), a module
# for the right machine and vermagic. Prints the build table.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=devel/kernels.sh
. "$TOP/devel/kernels.sh"

usage() {
	cat <<'USAGE'
Usage: tests/t-cross.sh [--can-fail]

Builds backports/ for the cross kernels (devel/kernels.sh KERNELS_CROSS) and
the newest Debian point release of each series (devel/point-releases.sh), and
checks each build. CROSS_KERNELS and CROSS_SERIES narrow the lists (space-
separated; CROSS_SERIES=none builds no newest point release).
--can-fail: a tree with an #error on debian-6.1-arm64, a cross compiler that
is not there, and a series without point releases: must print not ok.
USAGE
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# want_machine KERNEL: the ELF machine (readelf) a module for KERNEL is for
want_machine() {
	case "$1" in
	*-arm64) echo AArch64 ;;
	*-armhf) echo ARM ;;
	*-i386) echo 80386 ;;
	*) echo X86-64 ;;
	esac
}

# row_ok KERNEL TSV: KERNEL's row in TSV says built, zero warnings, no undefined
# symbols, recorded probes (or none recorded), a module for its machine
row_ok() {
	local k="$1" row
	row=$(awk -F'\t' -v k="$k" '$1 == k' "$2")
	[ -n "$row" ] || { echo "$k: no row in the build table"; return 1; }
	IFS=$'\t' read -r _ rel built warn undef probes _ _ mach _ <<< "$row"
	echo "$k: release $rel built=$built warnings=$warn undefined=$undef probes=$probes machine=$mach"
	[ "$built" = yes ] && [ "$warn" = 0 ] && [ "$undef" = 0 ] && [ "$probes" != DIFF ] &&
		[ "$mach" = "$(want_machine "$k")" ]
}

# build_table TREE KERNEL...: devel/matrix.sh on the kernels, the table in
# $tmp/table.txt and $tmp/rows.tsv, one point per kernel
build_table() {
	local tree="$1" k
	shift
	"$TOP/devel/matrix.sh" --tree "$tree" --out "$tmp/build" --tsv "$tmp/rows.tsv" "$@" \
		> "$tmp/table.txt" 2>"$tmp/matrix.err" || true
	for k in "$@"; do
		check "$k builds: zero warnings, no undefined symbols, module for $(want_machine "$k")" row_ok "$k" "$tmp/rows.tsv"
	done
	sed 's/^/# /' "$tmp/table.txt"
}

# newest_kernels SERIES...: the newest point release of each series that is not
# a pinned kernel (those the pipeline suite builds), in $newest; says which
newest_kernels() {
	local s k abi pin list
	newest=()
	list=$("$TOP/devel/point-releases.sh" --newest "$@" 2>"$tmp/pr.err" || true)
	for s in "$@"; do
		k=$(awk -v s="$s" '$1 == s { print $2 }' <<< "$list")
		if [ -z "$k" ]; then
			tap 1 "the newest Debian point release of $s is on the mirror ($(cat "$tmp/pr.err"))"
			continue
		fi
		abi="${k#debian-}"
		pin=$(kernel_pinned_abi "$(echo "$abi" | cut -d. -f1-2)" || echo none)
		if [ "$pin" = "$abi" ]; then
			skip "$s: the newest point release $abi is the pinned one" "the pipeline suite builds it"
		else
			diag "$s: the newest point release on Debian's mirror is $abi (pinned: $pin): building $k"
			newest+=("$k")
		fi
	done
}

case "${1:-}" in
-h|--help) usage; exit 0 ;;
--can-fail)
	[ -f "$TOP/backports/PROVENANCE" ] || make -s -C "$TOP" sources >/dev/null 2>&1
	cp -a "$TOP/backports" "$tmp/broken"
	for f in "$tmp/broken"/drivers/net/ovpn/*.c; do sed -i '1i #error deliberately broken (t-cross.sh --can-fail)' "$f"; done
	build_table "$tmp/broken" debian-6.1-arm64
	# a cross compiler that is not installed: one clear line, no module
	kdir=$("$TOP/devel/fetch-kernel.sh" debian-6.1-arm64)
	check "debian-6.1-arm64 builds with CROSS_COMPILE=no-such-cross-" \
		env CROSS_COMPILE=no-such-cross- "$TOP/scripts/build.sh" --quiet "$kdir" "$tmp/nocc"
	newest_kernels 4.19
	tap_done
	exit 0 ;;
esac

[ -f "$TOP/backports/PROVENANCE" ] || make -s -C "$TOP" sources >/dev/null 2>&1
read -r -a cross <<< "${CROSS_KERNELS:-$KERNELS_CROSS}"
# (no build of this suite may take the caller's cross settings)
unset ARCH CROSS_COMPILE CC
series="${CROSS_SERIES:-$("$TOP/devel/point-releases.sh" --series)}"
newest=()
[ "$series" = none ] || read -r -a series_list <<< "$series"
[ "$series" = none ] || newest_kernels "${series_list[@]}"
t0=$(date +%s)
build_table "$TOP/backports" "${cross[@]}" "${newest[@]}"
diag "benchmark: ${#cross[@]} cross builds and ${#newest[@]} newest point releases in $(($(date +%s) - t0)) s"

# The cross compiler comes from the kernel: KERNEL_SRC alone builds for arm64
# with aarch64-linux-gnu- (row above); a missing one is one clear line.
nocc() {
	local kdir out rc=0
	kdir=$("$TOP/devel/fetch-kernel.sh" debian-6.1-arm64) || return 1
	out=$(env CROSS_COMPILE=no-such-cross- "$TOP/scripts/build.sh" --quiet "$kdir" "$tmp/nocc" 2>&1) || rc=$?
	echo "$out"
	[ "$rc" = 1 ] && [ "$(wc -l <<< "$out")" = 1 ] &&
		grep -q 'no-such-cross-gcc\|CROSS_COMPILE' <<< "$out"
}
check "a missing cross compiler is one clear line naming it" nocc
tap_done
