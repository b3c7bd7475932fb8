#!/usr/bin/env bash
# make selftest (tests/selftest/run.sh) in the test guest, a real machine from
# the module's point of view (ovpn.ko installed in updates/, no qemu of its
# own): it runs, passes, and leaves nothing behind. Runs inside the test
# guest, as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"

usage() {
	cat <<'USAGE'
Usage: selftest-host.sh --tools DIR --results DIR

Runs tests/selftest/run.sh --tests $VMTEST_SELFTEST_TESTS (default
test.sh,lifecycle) --iterations 3 with the test tools DIR, its results
under RESULTS/run (vmtest.sh --report RESULTS/run reprints its table), its
output in RESULTS/run.log. Passes when it exits 0, its count is "N passed,
0 failed" with N > 0, its table has the kernel's row (host-RELEASE) with
no FAIL, and afterwards no ovpn_* network namespace, no work directory of
its own (/tmp/ovpn-selftest.*) and no loaded ovpn are left.
Writes the row selftest-host to VM_RESULTS/summary.tsv.
USAGE
}

tools="" out=""
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	--tools) tools="$2"; shift 2 ;;
	--results) out="$2"; shift 2 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -z "$tools" ] || [ -z "$out" ]; then usage >&2; exit 2; fi
vm_results_dir "$out"
log="$out/run.log"

# judge RC: why the run does not pass, or nothing
judge() {
	local rc="$1" last row left
	last=$(tail -n1 "$log")
	row=$(grep -E "^host-$(uname -r) " "$log" || true)
	[ "$rc" = 0 ] || { echo "run.sh exited $rc: $last"; return; }
	[[ "$last" =~ ^[1-9][0-9]*\ passed,\ 0\ failed$ ]] || { echo "count: '$last'"; return; }
	[ -n "$row" ] || { echo "no table row host-$(uname -r)"; return; }
	[[ "$row" != *FAIL* ]] || { echo "table row: $row"; return; }
	left=$(ip netns list | awk '$1 ~ /^ovpn_/ {print $1}' | xargs)
	[ -z "$left" ] || { echo "namespaces left: $left"; return; }
	left=$(find /tmp -maxdepth 1 -name 'ovpn-selftest.*' -printf '%p ')
	[ -z "$left" ] || { echo "left: $left"; return; }
	[ ! -e /sys/module/ovpn ] || echo "ovpn left loaded"
}

t0=$(vm_now)
rc=0
modprobe -r ovpn 2>/dev/null || true
"$here/../selftest/run.sh" --tests "${VMTEST_SELFTEST_TESTS:-test.sh,lifecycle}" --iterations 3 \
	--tools "$tools" --results "$out/run" > "$log" 2>&1 < /dev/null || rc=$?
sed 's/^/vmtest: selftest-host: /' "$log"
why=$(judge "$rc")
if [ -z "$why" ]; then
	vm_result selftest-host pass $(($(vm_now) - t0)) "$(tail -n1 "$log") (make selftest in the guest)"
else
	vm_result selftest-host fail $(($(vm_now) - t0)) "$why"
	exit 1
fi
