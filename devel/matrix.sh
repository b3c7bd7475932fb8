#!/usr/bin/env bash
# Build the generated tree against every kernel of the test matrix and print a table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=devel/kernels.sh
. "$here/kernels.sh"

usage() {
	cat <<USAGE
Usage: matrix.sh [--tree DIR] [--out DIR] [--tsv FILE] [--all-point-releases] [KERNEL...]

Builds backports/ (or DIR) against each KERNEL (default: $KERNELS_ALL),
fetching kernel trees into the cache, and prints a table: kernel, release,
built, compiler warnings, undefined symbols, probes (ok when the build's
OVPN_HAVE_* set and the module's shims are tests/probes/KERNEL.expected and
.shims), seconds, the module's machine (ELF), module version. Exits non-zero
unless every kernel built with zero warnings, no undefined symbols and the
recorded probes.
  --all-point-releases   every Debian point release of each series the
                         mirror has (devel/point-releases.sh), after KERNELs
  --out DIR              build directories under DIR (default build/matrix)
  --tsv FILE             also write the rows tab-separated to FILE
KERNEL names: devel/kernels.sh (e.g. debian-6.1, debian-6.1-arm64, debian-6.1.0-57).
USAGE
}
tree=(--tree "$top/backports")
out="$top/build/matrix" tsv="" all=0
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--tree) tree=(--tree "$2"); shift 2 ;;
	--out) out="$2"; shift 2 ;;
	--tsv) tsv="$2"; shift 2 ;;
	--all-point-releases) all=1; shift ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
done
kernels=("$@")
if [ "$all" = 1 ]; then
	while read -r _ k; do kernels+=("$k"); done < <("$here/point-releases.sh")
fi
[ ${#kernels[@]} -gt 0 ] || read -r -a kernels <<< "$KERNELS_ALL"

# probes_ok KERNEL OUT: ok when the build in OUT used the recorded probe set
# and its module has the recorded shims; DIFF otherwise; "-" with no record
probes_ok() {
	local exp="$top/tests/probes/$1.expected" shims="$top/tests/probes/$1.shims"
	[ -f "$exp" ] && [ -f "$shims" ] || { echo -; return; }
	if diff -q <(grep -v '^#' "$exp") <(grep -oE -- '-DOVPN_HAVE_[A-Za-z0-9_]+' \
			"$2/src/compat/.shims.o.cmd" | sed 's/^-D//' | LC_ALL=C sort -u) >/dev/null &&
		diff -q <(grep -v '^#' "$shims") <(modinfo -F ovpn_shim "$2/ovpn.ko" | LC_ALL=C sort) >/dev/null; then
		echo ok
	else
		echo DIFF
	fi
}

# machine KO: the module's ELF machine, one word (AArch64, ARM, 80386, X86-64, ...)
machine() {
	readelf -h "$1" 2>/dev/null | sed -n 's/^ *Machine: *//p' | sed 's/^Intel //; s/^Advanced Micro Devices //; s/ .*//'
}

fmt='%-26s %-26s %-5s %8s %9s %-6s %6s %6s %-8s %s'
rows=() bad=0
[ -z "$tsv" ] || : > "$tsv"
for k in "${kernels[@]}"; do
	t0=$(date +%s)
	kdir=$("$here/fetch-kernel.sh" "$k") || kdir=""
	t1=$(date +%s)
	line=""
	[ -z "$kdir" ] ||
		line=$("$top/scripts/build.sh" --allow-intree --quiet "${tree[@]}" "$kdir" "$out/$k" 2>/dev/null) || true
	rel=${line%% *}
	get() { echo "$line" | sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p"; }
	built=$(get built) warn=$(get warnings) undef=$(get undefined) secs=$(get seconds)
	ver="-" probes="-" mach="-"
	if [ "$built" = yes ]; then
		ver=$(modinfo -F version "$out/$k/ovpn.ko" | cut -d' ' -f1)
		probes=$(probes_ok "$k" "$out/$k")
		mach=$(machine "$out/$k/ovpn.ko")
	fi
	[ "$built" = yes ] && [ "$warn" = 0 ] && [ "$undef" = 0 ] && [ "$probes" != DIFF ] || bad=$((bad + 1))
	row=("$k" "${rel:-?}" "${built:-no}" "${warn:-?}" "${undef:-?}" "$probes" "$((t1 - t0))" "${secs:-?}" "${mach:--}" "$ver")
	# shellcheck disable=SC2059 # the format is fixed above
	rows+=("$(printf "$fmt" "${row[@]}")")
	[ -z "$tsv" ] || (IFS=$'\t'; echo "${row[*]}") >> "$tsv"
done
# shellcheck disable=SC2059
printf "$fmt\n" kernel release built warnings undefined probes fetch-s build-s machine version
printf '%s\n' "${rows[@]}"
[ "$bad" -eq 0 ]
