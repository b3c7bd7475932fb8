#!/usr/bin/env bash
# Runtime tests: boot every matrix kernel in qemu with our ovpn.ko (7.3: its
# in-tree ovpn, the native twin) and report each test as a TAP point.
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
tap_done
