#!/usr/bin/env bash
# What the host (vmtest.sh) and the guest (guest-lib.sh) must agree on, in one
# place (sourced by both): which result rows each test writes (tests.tsv, read
# by manifest.sh), what a kernel splat looks like, and the guest's final
# status file.
# shellcheck disable=SC2034 # variables are used by the sourcing scripts

# shellcheck source=tests/vm/manifest.sh
. "$(dirname "${BASH_SOURCE[0]}")/manifest.sh"

# vm_expected_rows TEST...: every verdict row of one kernel's run, in order.
#   module-build   host: built ovpn.ko from a tree (skip: native or --module)
#   module-load    guest: modprobe picks the ovpn this run asked for
#   (the rows of each TEST)
#   guest-status   host: the guest's status file is complete, its rc is 0, it
#                  lists the rows summary.tsv holds
#   kernel-clean   host: no splat on the console or in dmesg, end sentinel, no timeout
vm_expected_rows() {
	local t
	echo module-build
	echo module-load
	for t in "$@"; do vm_rows "$t" || return 1; done
	echo guest-status
	echo kernel-clean
}

# A kernel splat: any of these on the console or in dmesg fails the run
# (lifecycle.sh also checks after each iteration). Not splats: the kernel
# command line (panic=-1 oops=panic) and the runner's own lines.
VM_SPLAT_RE='Oops|BUG|WARNING|panic|KASAN|refcount_t|unregister_netdevice: waiting'
VM_NOT_SPLAT_RE='[Cc]ommand line:|^vmtest:|VMTEST-END'

# vm_splat_lines: the splat lines of stdin
vm_splat_lines() { grep -E "$VM_SPLAT_RE" | grep -vE "$VM_NOT_SPLAT_RE" || true; }

# The guest's status file (DIR/status, written last, fsync'd, renamed into
# place, so that a partial file never looks complete):
#   rc=RC                    the runner's exit status (0: every test passed)
#   tests=TEST...            the tests it ran
#   row<TAB>NAME<TAB>STATUS  each line of summary.tsv, in order
#   end rows=N               N row lines above: the file is complete
# vm_status_write DIR RC TESTS
vm_status_write() {
	local dir="$1" rc="$2" tests="$3" n
	{
		echo "rc=$rc"
		echo "tests=$tests"
		awk -F'\t' '{printf "row\t%s\t%s\n", $1, $2}' "$dir/summary.tsv"
		n=$(grep -c . "$dir/summary.tsv" || true)
		echo "end rows=$n"
	} > "$dir/status.tmp"
	sync "$dir/status.tmp" 2>/dev/null || sync
	mv "$dir/status.tmp" "$dir/status"
	sync "$dir" 2>/dev/null || sync
}

# vm_status_check DIR TESTS: DIR/status is complete, says rc=0 and the tests
# TESTS, and lists exactly the rows of DIR/summary.tsv. Prints why not.
vm_status_check() {
	local dir="$1" tests="$2" st="$1/status" n rows rc ran why=""
	[ -f "$st" ] || { echo "no status file (the guest runner did not finish)"; return 1; }
	n=$(grep -c '^row	' "$st" || true)
	[ "$(tail -n1 "$st")" = "end rows=$n" ] ||
		{ echo "status file incomplete (last line '$(tail -n1 "$st")', $n rows)"; return 1; }
	rc=$(sed -n 's/^rc=//p' "$st")
	ran=$(sed -n 's/^tests=//p' "$st")
	[ "$rc" = 0 ] || why="guest rc=${rc:-none} (a test failed or its script ended early); "
	[ "$(echo "$ran" | xargs)" = "$(echo "$tests" | xargs)" ] ||
		why="${why}the guest ran '$ran', not the tests requested '$(echo "$tests" | xargs)'; "
	rows=$(awk -F'\t' '{printf "row\t%s\t%s\n", $1, $2}' "$dir/summary.tsv" 2>/dev/null)
	[ "$rows" = "$(grep '^row	' "$st")" ] ||
		why="${why}status lists other rows than summary.tsv holds (a lost write?); "
	[ -z "$why" ] || { echo "${why%; }"; return 1; }
	echo "rc=0, $n rows"
}
