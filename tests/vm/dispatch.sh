#!/usr/bin/env bash
# How a test of tests/vm/tests.tsv runs (sourced by the guest's runner,
# guest.sh, and by the runner for a real machine, tests/selftest/run.sh):
# the module check, the upstream selftests (retried once), the scripts.
# Reads VM_EXPECT_MODULE, VM_SELFTESTS (a writable copy of the selftests'
# directory), VM_SELFTEST_TIMEOUT, VM_TCPDUMP_*, VM_TOOLS, VM_LIFECYCLE_ITERS,
# VM_BENCH_CONF and VM_RESULTS; vm_result and vm_log of guest-lib.sh.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# vm_copy_selftests DIR: a writable copy of the selftests in DIR (they cd
# there and create files); sets VM_SELFTESTS, OVPN_CLI and OVPN_YNL
vm_copy_selftests() {
	mkdir -p "$1"
	cp -a "$VM_TOOLS/tree/tools/testing/selftests/." "$1/"
	export VM_SELFTESTS="$1"
	export OVPN_CLI="$1/net/ovpn/ovpn-cli"
	export OVPN_YNL="$VM_TOOLS/tree/tools/net/ynl/pyynl/cli.py"
}

# check_module: the ovpn that modprobe loads is the one this run asked for
# (VM_EXPECT_MODULE: native, in kernel/; updates, in updates/; any)
check_module() {
	local file taint
	file=$(modinfo -n ovpn 2>/dev/null || true)
	if ! modprobe ovpn; then
		vm_result module-load fail 0 "modprobe ovpn failed ($file)"
		return 1
	fi
	taint=$(cat /sys/module/ovpn/taint 2>/dev/null || true)
	{
		echo "file: $file"
		echo "taint: $taint"
		modinfo ovpn | grep -E '^(version|srcversion|vermagic|filename):' || true
	} > "$VM_RESULTS/module.txt"
	modprobe -r ovpn
	case "$VM_EXPECT_MODULE:$file" in
	native:*/kernel/*|updates:*/updates/*|any:/*)
		vm_log "ovpn module: $file (taint '${taint}')"
		vm_result module-load pass 0 "$file"
		return 0 ;;
	esac
	vm_result module-load fail 0 "expected the $VM_EXPECT_MODULE module, modprobe found $file"
	return 1
}

# run_selftest NAME: one upstream selftest script, KTAP output to NAME.tap;
# retried once (and reported as such) if it fails.
run_selftest() {
	local name="$1" dir="$VM_SELFTESTS/net/ovpn" t0 rc try note=""
	for try in 1 2; do
		t0=$(vm_now)
		modprobe -r ovpn 2>/dev/null || true
		rc=0
		(cd "$dir" && OVPN_TCPDUMP_TIMEOUT="$VM_TCPDUMP_TIMEOUT" \
			OVPN_TCPDUMP_SETTLE="$VM_TCPDUMP_SETTLE" \
			OVPN_PING_DEADLINE="${VM_PING_DEADLINE:-3}" \
			timeout -k 10 "$VM_SELFTEST_TIMEOUT" bash "./$name") \
			> "$VM_RESULTS/$name.tap" 2>&1 < /dev/null || rc=$?
		if [ "$rc" = 0 ] && grep -q '^# Totals:' "$VM_RESULTS/$name.tap" &&
			! grep -q '^not ok' "$VM_RESULTS/$name.tap"; then
			vm_result "$name" pass $(($(vm_now) - t0)) \
				"$(grep '^# Totals:' "$VM_RESULTS/$name.tap" | tail -n1 | sed 's/^# //')${note}"
			return 0
		fi
		[ "$rc" != 124 ] || echo "vmtest: TIMEOUT after ${VM_SELFTEST_TIMEOUT}s" >> "$VM_RESULTS/$name.tap"
		grep '^not ok' "$VM_RESULTS/$name.tap" | sed "s/^/vmtest: $name: /" || true
		if [ "$try" = 1 ]; then
			mv "$VM_RESULTS/$name.tap" "$VM_RESULTS/$name.try1.tap"
			note=" (retried: try 1 failed rc=$rc, see $name.try1.tap)"
			vm_log "$name failed (rc=$rc), retrying once"
		fi
	done
	vm_result "$name" fail $(($(vm_now) - t0)) "rc=$rc${note}"
	return 1
}

# run_test TEST: the test as tests.tsv says (its run column: "selftest", or a
# script under tests/vm and its arguments, then --results DIR)
run_test() {
	local test="$1" run argv
	run=$(vm_field "$test" run) || { vm_result "$test" fail 0 "not in tests.tsv"; return 1; }
	[ "$run" != selftest ] || { run_selftest "$test"; return; }
	run=${run//\{tools\}/$VM_TOOLS}
	run=${run//\{iters\}/$VM_LIFECYCLE_ITERS}
	run=${run//\{test\}/$test}
	run=${run//\{bench_conf\}/$VM_BENCH_CONF}
	read -r -a argv <<< "$run"
	bash "$VM_DIR/${argv[0]}" "${argv[@]:1}" --results "$VM_RESULTS/$test"
}
