#!/usr/bin/env bash
# Build the generated tree against every kernel of the test matrix and print a table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=devel/kernels.sh
. "$here/kernels.sh"

usage() {
	cat <<USAGE
Usage: matrix.sh [--tree DIR] [KERNEL...]

Builds backports/ (or DIR) against each KERNEL (default: $KERNELS_ALL),
fetching kernel trees into the cache, and prints a table: kernel, release,
built, compiler warnings, undefined symbols, probes (ok when the build's
OVPN_HAVE_* set and the module's shims are tests/probes/KERNEL.expected and
.shims), seconds, module version. Exits non-zero unless every kernel built
with zero warnings, no undefined symbols and the recorded probes.
USAGE
}
tree=(--tree "$top/backports")
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--tree) tree=(--tree "$2"); shift 2 ;;
esac
# shellcheck disable=SC2206 # the default list is space-separated on purpose
kernels=("$@")
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

rows=() bad=0
for k in "${kernels[@]}"; do
	t0=$(date +%s)
	kdir=$("$here/fetch-kernel.sh" "$k")
	t1=$(date +%s)
	line=$("$top/scripts/build.sh" --allow-intree --quiet "${tree[@]}" "$kdir" "$top/build/matrix/$k" 2>/dev/null) || true
	rel=${line%% *}
	get() { echo "$line" | sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p"; }
	built=$(get built) warn=$(get warnings) undef=$(get undefined) secs=$(get seconds)
	ver="-" probes="-"
	if [ "$built" = yes ]; then
		ver=$(modinfo -F version "$top/build/matrix/$k/ovpn.ko" | cut -d' ' -f1)
		probes=$(probes_ok "$k" "$top/build/matrix/$k")
	fi
	[ "$built" = yes ] && [ "$warn" = 0 ] && [ "$undef" = 0 ] && [ "$probes" != DIFF ] || bad=$((bad + 1))
	rows+=("$(printf '%-12s %-22s %-5s %8s %9s %-6s %6s %6s  %s' "$k" "${rel:-?}" "${built:-no}" \
		"${warn:-?}" "${undef:-?}" "$probes" "$((t1 - t0))" "${secs:-?}" "$ver")")
done
printf '%-12s %-22s %-5s %8s %9s %-6s %6s %6s  %s\n' kernel release built warnings undefined probes fetch-s build-s version
printf '%s\n' "${rows[@]}"
[ "$bad" -eq 0 ]
