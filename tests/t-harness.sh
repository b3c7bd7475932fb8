#!/usr/bin/env bash
# The qemu harness without a guest: tests/vm/tests.tsv (the one list of the
# guest tests) is well-formed, every test's script is there, the rows of a
# set are unique, tests/vm/README.md lists what tests.tsv says, and
# tests/run.sh's exit status agrees with its count when a suite runs beside.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<'USAGE'
Usage: tests/t-harness.sh [--can-fail]

Checks tests/vm/tests.tsv: seven tab-separated fields a line, unique names,
sets of fast/full/-, budgets that evaluate to seconds, placeholders guest.sh
knows, a script under tests/vm for each test (answering --help) or an
upstream selftest name, unique result rows within the fast and the full set,
that tests/vm/README.md carries `tests/vm/manifest.sh --readme` between
its markers, that tests/run.sh exits 0 exactly when it counts no failure
(two stub suites, one run beside the other as the guests are), and that
make selftest (tests/selftest/run.sh) runs no test that sets panic_on_warn.
  --can-fail   the same checks on a broken copy (a row whose script is
               missing, a README without that row): must fail
USAGE
}

vm="$TOP/tests/vm"
readme="$vm/README.md"
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--can-fail)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	cp "$vm/tests.tsv" "$tmp/tests.tsv"
	printf 'gone\tfast\t60\tgone\tgone\tgone.sh\ta test whose script is missing\n' >> "$tmp/tests.tsv"
	export VM_MANIFEST="$tmp/tests.tsv" ;;
"") ;;
*) usage >&2; exit 2 ;;
esac
# shellcheck source=tests/vm/manifest.sh
. "$vm/manifest.sh"

fields() { vm_manifest | awk -F'\t' 'NF != 7 {print "line " NR ": " NF " fields"; bad = 1} END {exit bad}'; }
unique_names() { ! vm_manifest | cut -f1 | sort | uniq -d | grep .; }
sets_known() {
	vm_manifest | awk -F'\t' '{n = split($2, a, ","); for (i = 1; i <= n; i++)
		if (a[i] != "fast" && a[i] != "full" && a[i] != "-") {print $1 ": set " a[i]; bad = 1}} END {exit bad}'
}
budgets() {
	local t b
	for t in $(vm_tests); do
		b=$(vm_budget "$t" 15 2>&1) && [ "$b" -gt 0 ] 2>/dev/null || { echo "$t: budget '$b'"; return 1; }
	done
}
placeholders() {
	vm_manifest | cut -f6 | grep -o '{[^}]*}' | sort -u | grep -vxE '\{(tools|iters|test|bench_conf)\}' &&
		return 1
	return 0
}
# script_ok TEST: its script is there and answers --help (or an upstream selftest)
script_ok() {
	local s
	s=$(vm_script "$1") || return 1
	if [ "$s" = selftest ]; then
		[[ "$1" == test*.sh ]] || { echo "$1: a selftest is named test*.sh"; return 1; }
		return 0
	fi
	[ -f "$vm/$s" ] || { echo "$1: tests/vm/$s does not exist"; return 1; }
	bash "$vm/$s" --help > /dev/null || { echo "$1: tests/vm/$s --help failed"; return 1; }
}
# rows_unique SET: no row is written by two tests of SET
rows_unique() {
	local t
	for t in $(vm_tests "$1"); do vm_rows "$t"; done | sort | uniq -d | grep . && return 1
	return 0
}
# run_exit VM_RESULT: a copy of tests/run.sh with two stub suites, "one"
# (passes) and "vm" (VM_RESULT: ok or not ok; run beside the other) exits 0
# with "2 passed, 0 failed", or 1 with "1 passed, 1 failed"
run_exit() {
	local d rc=0 out want=0 count="2 passed, 0 failed"
	d=$(mktemp -d)
	mkdir "$d/tests"
	cp "$TOP/tests/run.sh" "$d/tests/"
	printf '%%:\n\t@:\n' > "$d/Makefile"
	printf '#!/bin/sh\necho "ok 1 - one"; echo 1..1\n' > "$d/tests/t-one.sh"
	printf '#!/bin/sh\necho "%s 1 - vm"; echo 1..1\n' "$1" > "$d/tests/t-vm.sh"
	chmod +x "$d/tests/"*.sh
	out=$("$d/tests/run.sh" one vm 2>&1) || rc=$?
	rm -rf "$d"
	[ "$1" = ok ] || { want=1 count="1 passed, 1 failed"; }
	[ "$rc" -eq "$want" ] && [ "$(echo "$out" | tail -n1)" = "$count" ] ||
		{ echo "run.sh exited $rc after: $(echo "$out" | tail -n1)"; return 1; }
}
# host_safe: the tests make selftest runs on a real machine
# (tests/selftest/run.sh --list) are in tests.tsv and never set
# kernel.panic_on_warn (their scripts do not call vm_panic_on_warn)
host_safe() {
	local t s list
	list=$("$TOP/tests/selftest/run.sh" --list) && [ -n "$list" ] || return 1
	for t in $list; do
		s=$(vm_script "$t") || { echo "$t: not in tests.tsv"; return 1; }
		[ "$s" = selftest ] && continue
		! grep -q vm_panic_on_warn "$vm/$s" || { echo "$t: tests/vm/$s sets panic_on_warn"; return 1; }
	done
}
readme_list() {
	local got
	got=$(sed -n '/^<!-- BEGIN tests.tsv/,/^<!-- END tests.tsv/p' "$readme" | sed '1d;$d')
	[ "$got" = "$(vm_readme)" ] || { diff <(echo "$got") <(vm_readme); return 1; }
}

check "tests.tsv: seven tab-separated fields a line" fields
check "tests.tsv: test names are unique" unique_names
check "tests.tsv: sets are fast, full or -" sets_known
check "tests.tsv: every budget is a number of seconds" budgets
check "tests.tsv: the run columns use only the placeholders guest.sh fills in" placeholders
for t in $(vm_tests); do
	check "tests.tsv: $t runs a script that is there" script_ok "$t"
done
check "tests.tsv: no result row is written by two tests of the fast set" rows_unique fast
check "tests.tsv: no result row is written by two tests of the full set" rows_unique full
check "run.sh: exit 0 and 2 passed when both suites pass, one beside the other" run_exit ok
check "run.sh: exit 1 and 1 failed when the suite beside fails" run_exit "not ok"
check "make selftest runs only tests of tests.tsv that leave kernel.panic_on_warn alone" host_safe
check "tests/vm/README.md lists the tests of tests.tsv (manifest.sh --readme)" readme_list
tap_done
