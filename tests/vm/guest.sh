#!/bin/bash
# PID 1 of the test guest after switch_root (started by initramfs-init): set
# up the runtime environment on the overlaid host root, run the tests named in
# the host's guest.env (each as tests/vm/tests.tsv says), write results to the results share (summary.tsv, and
# last the status file of common.sh: the host requires it), print the end
# sentinel and power off. Never returns (PID 1 exiting would panic the guest).
set -euo pipefail

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"
# shellcheck source=tests/vm/kmemleak.sh
. "$here/kmemleak.sh"
# shellcheck source=tests/vm/dispatch.sh
. "$here/dispatch.sh"

poweroff_now() {
	sync || true
	umount /mnt/vmresults 2>/dev/null || true
	echo 1 > /proc/sys/kernel/sysrq
	# wait with a builtin: once the power-off has begun, the 9p root may be
	# gone, and an exec'd sleep failing (EIO) would make PID 1 exit, which
	# panics ("Attempted to kill init") after the end sentinel
	mkfifo /run/vmtest-poweroff 2>/dev/null || true
	echo o > /proc/sysrq-trigger
	read -r -t 30 _ <> /run/vmtest-poweroff || true
}

setup() {
	# /tmp stays the overlay's (writable, upper in tmpfs): a tmpfs mounted
	# over it would hide a checkout or cache living under the host's /tmp.
	mount -t tmpfs -o mode=0755 tmpfs /run
	mkdir -p /dev/pts /dev/shm /run/netns /var/run
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts || true
	mount -t tmpfs tmpfs /dev/shm
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
	mkdir -p /mnt/vmresults
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=1048576 vmresults /mnt/vmresults
	# shellcheck disable=SC1091 # written by vmtest.sh for this run
	set -a # the tests are child processes: VM_* and VMTEST_* must reach them
	. /mnt/vmresults/guest.env
	set +a
	export VM_RESULTS=/mnt/vmresults
	# The guest kernel's own module tree (with our ovpn.ko in updates/, if any).
	mkdir -p "/lib/modules/$VM_KABI"
	mount --bind "$VM_MODDIR" "/lib/modules/$VM_KABI"
	hostname vmtest
	ip link set lo up
	sysctl -qw kernel.panic_on_oops=1 || true
}

# count_sleeps: a sleep in front of the real one on PATH that logs what each
# caller asked for (the fixed waits of the tests, summed up in costs.txt)
count_sleeps() {
	mkdir -p /run/vmtest-bin
	printf '#!/bin/sh\necho "$*" >> /run/vmtest-sleeps\nexec /usr/bin/sleep "$@"\n' > /run/vmtest-bin/sleep
	chmod +x /run/vmtest-bin/sleep
	export PATH="/run/vmtest-bin:$PATH"
}

# cost NAME: one line of VM_RESULTS/costs.txt
cost() { echo "$*" >> "$VM_RESULTS/costs.txt"; }

# measure_costs: what the emulated machine charges for starting programs
# (the tests start thousands): milliseconds per exec of a dynamic
# executable, per python3 start, per append to a file of the 9p results share,
# per `ip netns exec` (a mount namespace and a sysfs each) and `ip -n`
measure_costs() {
	local t0 i
	t0=$(date +%s%N)
	for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done
	cost exec_ms $((($(date +%s%N) - t0) / 10000000))
	t0=$(date +%s%N)
	python3 -c pass
	cost python_ms $((($(date +%s%N) - t0) / 1000000))
	t0=$(date +%s%N)
	for i in 1 2 3 4 5 6 7 8 9 10; do echo "$i" >> "$VM_RESULTS/.append"; done
	cost append_ms $((($(date +%s%N) - t0) / 10000000))
	rm -f "$VM_RESULTS/.append"
	ip netns add vmtest_cost
	t0=$(date +%s%N)
	for i in 1 2 3 4 5 6 7 8 9 10; do ip netns exec vmtest_cost /bin/true; done
	cost netns_exec_ms $((($(date +%s%N) - t0) / 10000000))
	t0=$(date +%s%N)
	for i in 1 2 3 4 5 6 7 8 9 10; do ip -n vmtest_cost link show lo > /dev/null; done
	cost ip_n_ms $((($(date +%s%N) - t0) / 10000000))
	ip netns del vmtest_cost
}

# ynl_once: ynl checks the ovpn spec against its schema at every start (the
# tests start it two dozen times a guest, each check costs seconds under
# TCG): checked once here, then the tests' ynl (OVPN_YNL) skips the check. A
# spec that fails it keeps the checking ynl, so that the tests fail as before.
# costs.txt: the check (ynl_check_ms) and a start without it (ynl_ms).
ynl_once() {
	local cli="$VM_TOOLS/tree/tools/net/ynl/pyynl/cli.py" t0
	export OVPN_YNL="$cli"
	t0=$(date +%s%N)
	python3 "$cli" --family ovpn --validate > /dev/null 2>&1 || return 0
	cost ynl_check_ms $((($(date +%s%N) - t0) / 1000000))
	t0=$(date +%s%N)
	python3 "$cli" --family ovpn --validate --no-schema > /dev/null 2>&1 || return 0
	cost ynl_ms $((($(date +%s%N) - t0) / 1000000))
	printf '#!/bin/sh\nexec python3 %s --no-schema "$@"\n' "$cli" > /run/vmtest-bin/ynl
	chmod +x /run/vmtest-bin/ynl
	export OVPN_YNL=/run/vmtest-bin/ynl
}

# sleeps_total: the seconds the tests asked sleep for (count_sleeps)
sleeps_total() {
	[ -f /run/vmtest-sleeps ] || { echo "0 0"; return; }
	awk '{for (i = 1; i <= NF; i++) {v = $i; m = 1; if (v ~ /m$/) m = 60; sub(/[smhd]$/, "", v);
		if (v ~ /^[0-9.]+$/) {s += v * m; n++}}} END {printf "%.0f %d\n", s, n}' /run/vmtest-sleeps
}

main() {
	local t test rc=0 slept calls
	vm_log "guest up after $(vm_now) s: $(uname -r), tests: $VM_TESTS"
	: > "$VM_RESULTS/summary.tsv"
	vm_copy_selftests /tmp/selftests

	cost boot_s "$(vm_now)"
	measure_costs
	count_sleeps
	ynl_once
	check_module || rc=1
	kmemleak_clear
	for test in $VM_TESTS; do
		t=$(vm_now)
		run_test "$test" || rc=1
		vm_log "$test finished after $(($(vm_now) - t)) s"
		cost "test:$test" $(($(vm_now) - t))
	done
	read -r slept calls < <(sleeps_total)
	cost sleep_s "${slept:-0}"
	cost sleeps "${calls:-0}"
	kmemleak_report "$VM_RESULTS/kmemleak.txt"
	dmesg > "$VM_RESULTS/dmesg.txt" 2>&1 || true
	vm_log "guest done after $(vm_now) s"
	# The result channel the host trusts (the console is only the second one).
	vm_status_write "$VM_RESULTS" "$rc" "$VM_TESTS"
	echo "VMTEST-END rc=$rc"
}

if [ "$$" != 1 ]; then
	echo "guest.sh: runs as PID 1 of the test guest (see tests/vm/vmtest.sh)" >&2
	exit 2
fi
# Any unexpected error: say where, and power off (without the end sentinel).
set -E # (the ERR trap in functions too)
trap 'echo "vmtest: guest runner failed at line $LINENO"' ERR
trap poweroff_now EXIT
setup
main
