#!/usr/bin/env bash
# Runtime tests: boot every matrix kernel in qemu with our ovpn.ko (7.3: its
# in-tree ovpn, the native twin) and report each test as a TAP point; then
# debian-6.1 once more with the v4-mapped shim forced on (tests/vm/v4mapped.sh).
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

tests="${VMTESTS:-fast}"
if [ "$tests" = none ]; then
	echo "1..0 # skip VMTESTS=none"
	exit 0
fi
results="$TOP/build/vmtest/ci"
rm -rf "$results"
mkdir -p "$results"
rc=0
"$TOP/tests/vm/vmtest.sh" --kernel all --tests "$tests" --results "$results" \
	>"$TOP/build/vmtest/ci.log" 2>&1 || rc=$?
# The table and the per-test details, as vmtest.sh printed them.
sed -n '/^== results/,$p' "$TOP/build/vmtest/ci.log" | sed 's/^/# /'
while read -r kernel test verdict rest; do
	case "$verdict" in
	pass) tap 0 "$kernel $test" ;;
	pass*) tap 0 "$kernel $test (passed on its one retry: $rest)" ;;
	fail) tap 1 "$kernel $test ${rest#* }" ;;
	esac
done < <(sed -n '/^== details/,$p' "$TOP/build/vmtest/ci.log" | grep -E '^debian-[^ ]+ +[^ ]+ +(pass|fail)')
[ "$rc" -eq 0 ] || tap_failed || tap 1 "vmtest.sh exited $rc (see build/vmtest/ci.log)"

# The v4-mapped udp_encap shim forced on (no matrix kernel needs it): one kernel, its own build.
shim_rc=0
"$TOP/tests/vm/vmtest.sh" --kernel debian-6.1 --tests v4mapped --make OVPN_FORCE_V4MAPPED_SHIM=1 \
	--results "$results-shim" >"$TOP/build/vmtest/ci-shim.log" 2>&1 || shim_rc=$?
while read -r kernel test verdict rest; do
	case "$verdict" in
	pass) tap 0 "$kernel $test, OVPN_FORCE_V4MAPPED_SHIM=1" ;;
	fail) tap 1 "$kernel $test, OVPN_FORCE_V4MAPPED_SHIM=1 ${rest#* }" ;;
	esac
done < <(sed -n '/^== details/,$p' "$TOP/build/vmtest/ci-shim.log" | grep -E '^debian-[^ ]+ +[^ ]+ +(pass|fail)')
[ "$shim_rc" -eq 0 ] || tap_failed || tap 1 "vmtest.sh (shim) exited $shim_rc (see build/vmtest/ci-shim.log)"
tap_done
