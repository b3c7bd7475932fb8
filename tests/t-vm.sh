#!/usr/bin/env bash
# Runtime tests: boot every matrix kernel in qemu with our ovpn.ko (7.3: its
# in-tree ovpn, the native twin) and report each verdict row as a TAP point;
# then debian-6.1 once more with the v4-mapped shim forced on (v4mapped.sh).
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<'USAGE'
Usage: tests/t-vm.sh [--report DIR]

Runs tests/vm/vmtest.sh on the kernels VMTEST_KERNELS (default: all) with the
tests VMTESTS (fast (default), full, none (skip the suite) or a list),
VMTEST_JOBS guests at a time (default 2: the host suites run beside), with
qemu's VMTEST_TCG_THREADS (vmtest.sh --tcg-threads; default single), then
maps its verdict to TAP: one point per row that the tests requested must
write (tests/vm/tests.tsv), per kernel: a row missing or written twice, a
guest status file missing or saying rc!=0, a kernel splat: each is a "not ok"
naming the row. Then one more debian-6.1 boot (unless VMTEST_KERNELS leaves
debian-6.1 out) runs v4mapped with a module built with
OVPN_FORCE_V4MAPPED_SHIM=1 (no matrix kernel needs the shim), results in
DIR-shim, its rows named "..., OVPN_FORCE_V4MAPPED_SHIM=1".
  --report DIR   no qemu: only the verdict on the results in DIR (as if a run
                 of VMTESTS on VMTEST_KERNELS had written them), and on DIR-shim
                 if it exists
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
jobs="${VMTEST_JOBS:-2}"
# two guests beside the host suites keep every core busy: one host thread per
# guest does the same work with less host CPU than one per vCPU
threads="${VMTEST_TCG_THREADS:-single}"
if [ -z "$report" ] && [ "$tests" = none ]; then
	echo "1..0 # skip VMTESTS=none"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
results_dir="$TOP/build/vmtest/ci"

# The v4-mapped udp_encap shim forced on: debian-6.1 again, a build of its
# own, in a run beside the matrix (the guest slots keep the machine to
# VMTEST_SLOTS guests, the kernel lock keeps it apart from the matrix's 6.1).
# It starts once the matrix's 6.1 guest is over: a run takes its guest slot
# before the kernel's lock, and would hold a slot idle until then.
shim="$results_dir-shim"
case " ${kernels//,/ } " in
*" all "*|*" debian-6.1 "*) want_shim=yes ;;
*) want_shim=no ;;
esac
run_shim() {
	"$TOP/tests/vm/vmtest.sh" --kernel debian-6.1 --tests v4mapped --make OVPN_FORCE_V4MAPPED_SHIM=1 \
		--tcg-threads "$threads" --results "$shim" >"$TOP/build/vmtest/ci-shim.log" 2>&1
}
# run_shim_after PID: run_shim once the matrix's debian-6.1 guest has ended
# (its steps end with the guest's seconds) or the matrix run PID has
run_shim_after() {
	while kill -0 "$1" 2>/dev/null && ! grep -q '^guest ' "$results/debian-6.1/steps.txt" 2>/dev/null; do
		sleep 5
	done
	run_shim
}

rc=0 src=0
if [ -n "$report" ]; then
	results="$report" shim="$report-shim"
else
	results="$results_dir"
	rm -rf "$results" "$shim"
	mkdir -p "$results" "$shim"
	spid=""
	"$TOP/tests/vm/vmtest.sh" --kernel "$kernels" --tests "$tests" --jobs "$jobs" \
		--tcg-threads "$threads" --results "$results" \
		>"$TOP/build/vmtest/ci.log" 2>&1 &
	mpid=$!
	[ "$want_shim" = no ] || { run_shim_after "$mpid" & spid=$!; }
	wait "$mpid" || rc=$?
	[ -z "$spid" ] || wait "$spid" || src=$?
	# The table and the per-test details, as vmtest.sh printed them.
	sed -n '/^== results/,$p' "$TOP/build/vmtest/ci.log" | sed 's/^/# /'
fi

# report DIR KERNELS TESTS LABEL: one TAP point per verdict row of DIR, from the
# results directory alone (the same code as the run's own)
report() {
	local dir="$1" ks="$2" ts="$3" label="$4" vrc=0 n=0 k name st _secs note
	"$TOP/tests/vm/vmtest.sh" --report "$dir" --kernel "$ks" --expect "$ts" --tsv \
		>"$tmp/verdict.tsv" 2>"$tmp/verdict.err" || vrc=$?
	while IFS=$'\t' read -r k name st _secs note; do
		[ -n "$k" ] || continue
		n=$((n + 1))
		case "$st" in
		pass)
			case "$note" in
			*retried*) tap 0 "$k $name$label (passed on its one retry: $note)" ;;
			*) tap 0 "$k $name$label" ;;
			esac ;;
		skip) skip "$k $name$label" "$note" ;;
		*) tap 1 "$k $name$label: ${note:-status '$st'}" ;;
		esac
	done < "$tmp/verdict.tsv"
	[ "$n" -gt 0 ] ||
		tap 1 "vm verdict$label: vmtest.sh --report gave no rows (exit $vrc: $(head -n1 "$tmp/verdict.err"))"
	[ "$vrc" -eq 0 ] || tap_failed ||
		tap 1 "vm verdict$label: vmtest.sh --report exited $vrc without a failed row"
}
report "$results" "$kernels" "$tests" ""
if [ "$rc" -eq 2 ]; then
	# vmtest.sh stopped before or between the guests (its one-line error)
	tap 1 "vmtest.sh stopped: $(grep '^vmtest: ' "$TOP/build/vmtest/ci.log" | tail -n1)"
elif [ "$rc" -ne 0 ]; then
	tap_failed || tap 1 "vmtest.sh exited $rc (see build/vmtest/ci.log)"
fi

if [ -z "$report" ] && [ "$want_shim" = yes ]; then
	sed -n '/^== results/,$p' "$TOP/build/vmtest/ci-shim.log" | sed 's/^/# /'
	report "$shim" debian-6.1 v4mapped ", OVPN_FORCE_V4MAPPED_SHIM=1"
	[ "$src" -eq 0 ] || tap_failed ||
		tap 1 "vmtest.sh (OVPN_FORCE_V4MAPPED_SHIM=1) exited $src (see build/vmtest/ci-shim.log)"
elif [ -n "$report" ] && [ -d "$shim" ]; then
	report "$shim" debian-6.1 v4mapped ", OVPN_FORCE_V4MAPPED_SHIM=1"
fi
tap_done
