#!/usr/bin/env bash
# The report of a vmtest.sh run (sourced): each kernel's verdict, the results
# table (one column per tests.tsv column), the details and the final count.
# Reads vmtest.sh's globals: results, kernels, tests, report, expect_tests, tsv.
# shellcheck disable=SC2154 # those globals are set by vmtest.sh

declare -A ktests=()

# requested_tests KERNEL: the tests to judge KERNEL's results by (a run: its
# tests; --report: --expect, else what its request.env says was asked)
requested_tests() {
	local t="$tests"
	if [ -n "$report" ]; then
		t="$expect_tests"
		if [ -z "$t" ] && [ -f "$results/$1/request.env" ]; then
			t=$(sed -n "s/^VM_TESTS='\(.*\)'$/\1/p" "$results/$1/request.env")
		fi
	fi
	echo "$t"
}

# cell KERNEL NAME...: pass|FAIL|skip|- for the named verdict rows of one kernel
cell() {
	local f="$results/$1/verdict.tsv" n st any=0 passed=0 bad=0 retried=""
	shift
	for n in "$@"; do
		st=$(awk -F'\t' -v n="$n" '$1 == n {print $2}' "$f" 2>/dev/null | tail -n1)
		[ -n "$st" ] || continue
		any=1
		case "$st" in pass) passed=1 ;; skip) ;; *) bad=1 ;; esac
		! awk -F'\t' -v n="$n" '$1 == n {print $4}' "$f" | grep -q 'retried' || retried="(r)"
	done
	if [ "$any" = 0 ]; then echo -; elif [ "$bad" = 1 ]; then echo FAIL
	elif [ "$passed" = 1 ]; then echo "pass$retried"; else echo skip; fi
}

# column_rows KERNEL COLUMN: the rows of KERNEL's tests that go to COLUMN
column_rows() {
	local t
	for t in ${ktests[$1]}; do
		[ "$(vm_field "$t" column)" != "$2" ] || vm_rows "$t"
	done
}

# table_columns: the table columns of the tests of this run, in manifest order
table_columns() {
	local k t
	vm_manifest | cut -f4 | awk '!seen[$0]++' | grep -Fxf <(
		for k in $kernels; do
			for t in ${ktests[$k]}; do vm_field "$t" column; done
		done) || true
}

# module_kind KERNEL: ours, native or ? (which ovpn the guest loaded)
module_kind() {
	case "$(sed -n 's/^file: //p' "$results/$1/module.txt" 2>/dev/null)" in
	*/updates/*) echo ours ;;
	*/kernel/*) echo native ;;
	*) echo '?' ;;
	esac
}

print_table() {
	local k c cols line w=19
	read -r -a cols < <(table_columns | xargs)
	# the first column fits the longest kernel name (image-RELEASE ones are long)
	for k in $kernels; do [ $((${#k} + 7)) -le "$w" ] || w=$((${#k} + 7)); done
	echo
	echo "== results ($results)"
	line=$(printf '%-*s %-7s' "$w" "kernel (ovpn.ko)" module)
	for c in ${cols[@]+"${cols[@]}"}; do line+=$(printf ' %-9s' "$c"); done
	echo "$line $(printf '%-6s %-6s %s' status clean guest-s)"
	for k in $kernels; do
		line=$(printf '%-*s %-7s' "$w" "$k ($(module_kind "$k"))" "$(cell "$k" module-build module-load)")
		for c in ${cols[@]+"${cols[@]}"}; do
			# shellcheck disable=SC2046 # row names have no spaces
			line+=$(printf ' %-9s' "$(cell "$k" $(column_rows "$k" "$c"))")
		done
		echo "$line $(printf '%-6s %-6s %s' "$(cell "$k" guest-status)" "$(cell "$k" kernel-clean)" \
			"$(awk '$1 == "guest" {print $2}' "$results/$k/steps.txt" 2>/dev/null)")"
	done
	echo "(a column: all rows of its tests (tests/vm/tests.tsv); pass(r): passed on its one"
	echo " retry, see details; status: the guest's status file; FAIL with a row missing: see"
	echo " details; guest-s: seconds the guest ran)"
	"$here/stress-table.sh" "$results" $kernels
	print_costs
	print_details
}

# print_costs: where each kernel's guest seconds went (the guest's costs.txt)
print_costs() {
	local k f
	echo
	echo "== where the guest seconds went"
	for k in $kernels; do
		f="$results/$k/costs.txt"
		[ -f "$f" ] || continue
		awk -v k="$k" -v total="$(awk '$1 == "guest" {print $2}' "$results/$k/steps.txt" 2>/dev/null)" '
			$1 ~ /^test:/ {t = t sprintf(" %s %s", substr($1, 6), $2); next}
			{v[$1] = $2}
			END {printf "%-12s guest %ss: boot %ss,%s; fixed sleeps %ss (%d calls); exec %s ms, python3 start %s ms, ynl start %s ms (%s ms with its spec check), ip netns exec %s ms, ip -n %s ms, 9p append %s ms\n",
				k, total, v["boot_s"], t, v["sleep_s"], v["sleeps"], v["exec_ms"], v["python_ms"],
				v["ynl_ms"], v["ynl_check_ms"], v["netns_exec_ms"], v["ip_n_ms"], v["append_ms"]}' "$f"
	done
}

print_details() {
	local k
	echo
	echo "== details"
	for k in $kernels; do
		[ -f "$results/$k/verdict.tsv" ] || continue
		awk -F'\t' -v k="$k" '{printf "%-12s %-24s %-4s %5ss %s\n", k, $1, $2, $3, $4}' "$results/$k/verdict.tsv"
		[ ! -f "$results/$k/steps.txt" ] || echo "$k steps (s): $(tr "\n" " " < "$results/$k/steps.txt")"
	done
}

# summarize: the verdict of every kernel, the table (or with --tsv the rows)
# and the final count; non-zero if anything failed.
summarize() {
	local k p f s passed=0 failed=0 skipped=0
	for k in $kernels; do
		ktests[$k]=$(requested_tests "$k")
		verdict "$k" "${ktests[$k]}" || true
	done
	if [ -n "$tsv" ]; then
		for k in $kernels; do
			awk -F'\t' -v k="$k" 'BEGIN {OFS = "\t"} {print k, $1, $2, $3, $4}' "$results/$k/verdict.tsv"
		done
	else
		print_table
	fi
	for k in $kernels; do
		p=$(awk -F'\t' '$2 == "pass"' "$results/$k/verdict.tsv" | wc -l)
		s=$(awk -F'\t' '$2 == "skip"' "$results/$k/verdict.tsv" | wc -l)
		f=$(awk -F'\t' '$2 != "pass" && $2 != "skip"' "$results/$k/verdict.tsv" | wc -l)
		passed=$((passed + p)) skipped=$((skipped + s)) failed=$((failed + f))
	done
	if [ -z "$tsv" ]; then
		[ "$skipped" = 0 ] || echo "($skipped skipped: see details)"
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" = 0 ]
}
