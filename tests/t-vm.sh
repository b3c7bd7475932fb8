#!/usr/bin/env bash
# Runtime tests: boot every matrix kernel in qemu with our ovpn.ko (7.3: its
# in-tree ovpn, the native twin) and report each verdict row as a TAP point.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<'USAGE'
Usage: tests/t-vm.sh [--report DIR]

Runs tests/vm/vmtest.sh on the kernels VMTEST_KERNELS (default: all) with the
tests VMTESTS (fast (default), full, none (skip the suite) or a list), then
maps its verdict to TAP: one point per row that the tests requested must
write (tests/vm/common.sh), per kernel: a row missing or written twice, a
guest status file missing or saying rc!=0, a kernel splat: each is a "not ok"
naming the row.
  --report DIR   no qemu: only the verdict on the results in DIR (as if a run
                 of VMTESTS on VMTEST_KERNELS had written them)
USAGE
}

report=""
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--report) report="${2:?--report DIR}" ;;
"") ;;
*) usage >&2; exit 2 ;;
esac
tests="${VMTESTS:-fast}"
kernels="${VMTEST_KERNELS:-all}"
if [ -z "$report" ] && [ "$tests" = none ]; then
	echo "1..0 # skip VMTESTS=none"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rc=0
if [ -n "$report" ]; then
	results="$report"
else
	results="$TOP/build/vmtest/ci"
	rm -rf "$results"
	mkdir -p "$results"
	"$TOP/tests/vm/vmtest.sh" --kernel "$kernels" --tests "$tests" --results "$results" \
		>"$TOP/build/vmtest/ci.log" 2>&1 || rc=$?
	# The table and the per-test details, as vmtest.sh printed them.
	sed -n '/^== results/,$p' "$TOP/build/vmtest/ci.log" | sed 's/^/# /'
fi

# The verdict, from the results directory alone (the same code as the run's own).
vrc=0
"$TOP/tests/vm/vmtest.sh" --report "$results" --kernel "$kernels" --expect "$tests" --tsv \
	>"$tmp/verdict.tsv" 2>"$tmp/verdict.err" || vrc=$?
n=0
while IFS=$'\t' read -r k name st _secs note; do
	[ -n "$k" ] || continue
	n=$((n + 1))
	case "$st" in
	pass)
		case "$note" in
		*retried*) tap 0 "$k $name (passed on its one retry: $note)" ;;
		*) tap 0 "$k $name" ;;
		esac ;;
	skip) skip "$k $name" "$note" ;;
	*) tap 1 "$k $name: ${note:-status '$st'}" ;;
	esac
done < "$tmp/verdict.tsv"
[ "$n" -gt 0 ] || tap 1 "vm verdict: vmtest.sh --report gave no rows (exit $vrc: $(head -n1 "$tmp/verdict.err"))"
[ "$vrc" -eq 0 ] || tap_failed || tap 1 "vm verdict: vmtest.sh --report exited $vrc without a failed row"
[ "$rc" -eq 0 ] || tap_failed || tap 1 "vmtest.sh exited $rc (see build/vmtest/ci.log)"
tap_done
