#!/usr/bin/env bash
# make selftest: the runtime tests of tests/vm on this machine, without qemu:
# the upstream ovpn selftests and the OpenVPN cases, as root, in network
# namespaces of this machine, against the ovpn module installed here; the
# results table of vmtest.sh. It lists what it creates first and removes it
# when it ends (also on a failure or an interrupt).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
vm="$top/tests/vm"
# shellcheck source=tests/vm/guest-lib.sh
. "$vm/guest-lib.sh"
# shellcheck source=tests/vm/dispatch.sh
. "$vm/dispatch.sh"

usage() {
	cat <<USAGE
Usage: tests/selftest/run.sh [--tests LIST|fast|full] [--iterations N]
                             [--results DIR] [--tools DIR]
       tests/selftest/run.sh --list
       make selftest [TESTS=...]

Runs, as root on this machine, the tests of tests/vm/tests.tsv that are
fit for a real machine, against the ovpn module installed for the running
kernel (modinfo ovpn: make install, make dkms-install or the package):
  $(host_tests | xargs | fold -s -w 70 | sed '2,$s/^/  /')
fast (default): $(host_tests fast | xargs);
full: the same with every upstream selftest. The stress tests (nldiff, scale, faults, v4mapped) set
kernel.panic_on_warn while they run: they are for the qemu guests only.

Refuses to start unless run as root, with an ovpn module installed and not
in use (no ovpn interface, no user of the module), the tools the tests use
present, and no network namespace named ovpn_* (the tests' names).

It creates network namespaces named ovpn_* (with veth pairs, ovpn
interfaces and the tests' processes in them) and a work directory, loads
and unloads ovpn many times, and removes all of that when it ends; ovpn is
left loaded only if it was loaded before. Prints the results table of
tests/vm/vmtest.sh and "N passed, N failed"; exits non-zero on a failure.

--list            print the tests it may run, and exit
--tests LIST      comma or space separated test names, fast or full
--iterations N    life-cycle iterations (default 15)
--results DIR     where the results go (default: build/selftest/<timestamp>),
                  one subdirectory host-<kernel release>
--tools DIR       the test tools (default: tests/vm/build-tools.sh builds them
                  once into the cache: the selftests, ovpn-cli, OpenVPN 2.7)
Environment: VM_TCPDUMP_TIMEOUT, VM_TCPDUMP_SETTLE (as for vmtest.sh).
USAGE
}

die() { echo "selftest: $*" >&2; exit 2; }
say() { echo "selftest: $*"; }

# host_tests [SET]: the tests of tests.tsv (of SET) that may run here
host_tests() {
	local t
	for t in $(vm_tests "${1:-}"); do
		case "$(vm_script "$t")" in
		selftest|openvpn-e2e.sh|lifecycle.sh|unpriv.sh) echo "$t" ;;
		esac
	done
}

tests=fast iters=15 results="" tools="" work="" was_loaded=0

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		-h|--help) usage; exit 0 ;;
		--list) host_tests | xargs; exit 0 ;;
		--tests) tests="${2//,/ }"; shift 2 ;;
		--iterations) iters="$2"; shift 2 ;;
		--results) results="$2"; shift 2 ;;
		--tools) tools="$2"; shift 2 ;;
		*) usage >&2; exit 2 ;;
		esac
	done
	case "$tests" in
	fast|"") tests=$(host_tests fast | xargs) ;;
	full) tests=$(host_tests full | xargs) ;;
	esac
	local t all
	all=" $(host_tests | xargs) "
	for t in $tests; do
		[[ "$all" == *" $t "* ]] ||
			die "'$t' is not a test for a real machine (these are: $(host_tests | xargs))"
	done
}

# preflight: root, the module installed and unused, the tools, free names
preflight() {
	local c miss="" ns
	[ "$(id -u)" = 0 ] || die "runs as root (it creates network namespaces and loads ovpn): sudo make selftest"
	for c in ip jq tcpdump python3 ping ss setpriv timeout modprobe modinfo rmmod awk; do
		command -v "$c" >/dev/null || miss+=" $c"
	done
	python3 -c 'import yaml, jsonschema' 2>/dev/null || miss+=" python3-yaml/python3-jsonschema"
	[ -z "$miss" ] ||
		die "missing:$miss (Debian: iproute2 jq tcpdump python3-yaml python3-jsonschema iputils-ping util-linux kmod)"
	modinfo -n ovpn >/dev/null 2>&1 ||
		die "no ovpn module installed for $(uname -r): make && sudo make install (or the package) first"
	[ "$(vm_ovpn_links)" = 0 ] || die "ovpn interfaces exist: stop the VPN using ovpn first (the tests unload the module)"
	if [ -e /sys/module/ovpn ]; then
		[ "$(cat /sys/module/ovpn/refcnt)" = 0 ] || die "ovpn is in use: stop what uses it first (the tests unload the module)"
		was_loaded=1
	fi
	ns=$(ip netns list | awk '$1 ~ /^ovpn_/ {print $1}' | xargs)
	[ -z "$ns" ] || die "network namespaces named like the tests' exist ($ns): delete them first"
}

# cleanup: what the run created goes: the processes in the tests'
# namespaces, the namespaces, the work directory; ovpn as it was before
cleanup() {
	local ns p
	for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^ovpn_/ {print $1}'); do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null && say "removed network namespace $ns (left by a test)"
	done
	vm_kill_ovpn_cli
	[ -z "$work" ] || { rm -rf "$work"; say "removed $work"; }
	if [ "$was_loaded" = 1 ]; then modprobe ovpn || true; else modprobe -r ovpn 2>/dev/null || true; fi
	ns=$(ip netns list 2>/dev/null | awk '$1 ~ /^ovpn_/ {print $1}' | xargs)
	say "cleaned up: ${ns:+NOT removed: namespaces $ns; }ovpn $([ -e /sys/module/ovpn ] && echo loaded || echo unloaded)"
}

announce() {
	say "kernel $(uname -r), module $(modinfo -n ovpn) ($(modinfo -F version ovpn))"
	say "tests: $tests"
	say "creates, and removes when it ends: network namespaces ovpn_* (ovpn_peerN of the"
	say "  selftests, ovpn_lc_a/b, ovpn_e2e_srv/cli, ovpn_unpriv) with veth pairs, ovpn interfaces"
	say "  and the tests' processes (ovpn-cli, openvpn, tcpdump, ping) in them; $work;"
	say "  ovpn is loaded and unloaded many times and left $([ "$was_loaded" = 1 ] && echo loaded || echo unloaded)"
	say "results: $res"
}

# setup_run: the results directory and the settings of dispatch.sh
setup_run() {
	res="$results/host-$(uname -r)"
	mkdir -p "$res"
	echo "VM_TESTS='$tests'" > "$res/request.env"
	printf 'module-build\tskip\t0\tnot built: the installed %s\n' "$(modinfo -n ovpn)" > "$res/host.tsv"
	: > "$res/summary.tsv"
	export VM_RESULTS="$res" VM_TOOLS="$tools" VM_EXPECT_MODULE=any VM_SELFTEST_TIMEOUT=600
	export VM_TCPDUMP_TIMEOUT="${VM_TCPDUMP_TIMEOUT:-20s}" VM_TCPDUMP_SETTLE="${VM_TCPDUMP_SETTLE:-10}"
	export VM_LIFECYCLE_ITERS="$iters" VM_BENCH_CONF=""
	# the kernel log from here on is this run's (vm_splats, dmesg.txt)
	VM_DMESG_MARK="ovpn-selftest: start $$.$(date +%s)"
	export VM_DMESG_MARK
	echo "$VM_DMESG_MARK" > /dev/kmsg
}

# run_all: the module check and every test, as the guest runs them
run_all() {
	local t rc=0 t0
	check_module || rc=1
	for t in $tests; do
		t0=$(date +%s)
		run_test "$t" || rc=1
		vm_log "$t finished after $(($(date +%s) - t0)) s"
	done
	return "$rc"
}

# finish RC SECONDS: the files the verdict reads (vmtest.sh --report)
finish() {
	vm_status_write "$res" "$1" "$tests"
	vm_dmesg > "$res/dmesg.txt" 2>&1 || true
	echo "VMTEST-END rc=$1" >> "$res/console.log"
	printf 'rc=0\ntimeout=0\nseconds=%s\nrunner=host\n' "$2" > "$res/qemu.txt"
	echo "guest $2" > "$res/steps.txt"
}

main() {
	local rc t0
	parse_args "$@"
	preflight
	[ -n "$tools" ] || tools=$("$vm/build-tools.sh")
	results="${results:-$top/build/selftest/$(date +%Y%m%d-%H%M%S)}"
	mkdir -p "$results"
	results=$(cd "$results" && pwd)
	work=$(mktemp -d /tmp/ovpn-selftest.XXXXXX)
	# the unprivileged test runs the selftests' ovpn-cli from here as nobody,
	# also as root of a user namespace of its own (no capability over root's
	# files there): not a 0700 directory
	chmod 755 "$work"
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	setup_run
	announce
	vm_copy_selftests "$work/selftests"
	t0=$(date +%s)
	rc=0
	run_all 2>&1 | tee "$res/console.log" || rc=1
	finish "$rc" $(($(date +%s) - t0))
	cleanup
	trap - EXIT
	"$vm/vmtest.sh" --report "$results"
}

main "$@"; exit $?
