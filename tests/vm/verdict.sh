#!/usr/bin/env bash
# The verdict of one kernel's run, from its results directory alone (sourced
# by vmtest.sh; `vmtest.sh --report` uses it without qemu, and so does
# tests/t-canfail.sh). Reads vmtest.sh's global results (the run's directory).
# shellcheck disable=SC2154 # results is set by vmtest.sh

# host_row RES NAME STATUS SECONDS NOTE: a row the host writes (RES/host.tsv;
# the guest writes summary.tsv)
host_row() {
	local res="$1"
	shift
	printf '%s\t%s\t%s\t%s\n' "$@" >> "$res/host.tsv"
}

# kernel_clean RES: the console channel: no timeout, the end sentinel, no
# splat on the console or in dmesg.txt (also writes RES/splats.txt), no
# object kmemleak reported after the tests (RES/kmemleak.txt, debug kernels).
# Prints why not.
kernel_clean() {
	local res="$1" why="" qrc tmo n
	[ -f "$res/qemu.txt" ] || { echo "the guest never ran (no qemu.txt)"; return 1; }
	qrc=$(sed -n 's/^rc=//p' "$res/qemu.txt")
	tmo=$(sed -n 's/^timeout=//p' "$res/qemu.txt")
	[ "$qrc" != 124 ] && [ "$qrc" != 137 ] || why="timeout after ${tmo}s; "
	grep -q '^VMTEST-END rc=' "$res/console.log" 2>/dev/null || why="${why}no end sentinel; "
	cat "$res/console.log" "$res/dmesg.txt" 2>/dev/null | vm_splat_lines | sort -u > "$res/splats.txt"
	[ ! -s "$res/splats.txt" ] || why="${why}kernel splat: $(head -n1 "$res/splats.txt"); "
	n=$(grep -c '^unreferenced object' "$res/kmemleak.txt" 2>/dev/null || true)
	[ "${n:-0}" = 0 ] || why="${why}kmemleak: $n suspected leaks (kmemleak.txt); "
	[ -z "$why" ] || { echo "${why%; }"; return 1; }
}

# not_run_reason RES KERNEL ROWS: why no test of this kernel could run
# (a failed module build, no results at all), or nothing
not_run_reason() {
	local res="$1" k="$2" rows="$3"
	if [ "$(awk -F'\t' '$1 == "module-build" {print $2}' <<< "$rows")" = fail ]; then
		echo "not run: module-build failed"
	elif [ -z "$rows" ] && [ ! -f "$res/request.env" ]; then
		echo "not run: no results for $k (vmtest.sh stopped before this kernel?)"
	fi
}

# channel_row RES NAME TESTS NOTRUN: the row guest-status or kernel-clean,
# decided here from the status file and the console
channel_row() {
	local res="$1" name="$2" tests="$3" notrun="$4" secs=0 st why
	if [ -n "$notrun" ]; then
		printf '%s\tfail\t0\t%s\n' "$name" "$notrun"
		return
	fi
	if [ "$name" = guest-status ]; then
		why=$(vm_status_check "$res" "$tests") && st=pass || st=fail
	else
		secs=$(sed -n 's/^seconds=//p' "$res/qemu.txt" 2>/dev/null)
		why=$(kernel_clean "$res") && st=pass || st=fail
	fi
	printf '%s\t%s\t%s\t%s\n' "$name" "$st" "${secs:-0}" "$why"
}

# written_row NAME ROWS NOTRUN: the one row NAME of ROWS (the host's and the
# guest's), or a failure: missing, or written more than once
written_row() {
	local name="$1" rows="$2" notrun="$3" n
	n=$(awk -F'\t' -v n="$name" '$1 == n' <<< "$rows" | grep -c . || true)
	case "$n" in
	0) printf '%s\tfail\t0\t%s\n' "$name" \
		"${notrun:-missing: no result row (the test script ended before writing it?)}" ;;
	1) awk -F'\t' -v n="$name" 'BEGIN {OFS = "\t"} $1 == n {print $1, $2, $3, $4}' <<< "$rows" ;;
	*) printf '%s\tfail\t0\tduplicated: %s rows (%s)\n' "$name" "$n" \
		"$(awk -F'\t' -v n="$name" '$1 == n {print $2}' <<< "$rows" | xargs)" ;;
	esac
}

# verdict KERNEL TESTS: RES/verdict.tsv, one row (NAME STATUS SECONDS NOTE) per
# row expected for TESTS (common.sh: vm_expected_rows), then any unexpected
# row. A row missing from host.tsv + summary.tsv, or there more than once, is
# a failure naming it; guest-status and kernel-clean are decided here from
# the status file and the console. Non-zero if any row failed.
verdict() {
	local k="$1" tests="$2" res="$results/$1" out rows name expected notrun
	mkdir -p "$res"
	out="$res/verdict.tsv"
	rows=$(cat "$res/host.tsv" "$res/summary.tsv" 2>/dev/null || true)
	notrun=$(not_run_reason "$res" "$k" "$rows")
	expected=$(vm_expected_rows $tests)
	{
		if [ -z "$tests" ] && [ ! -f "$res/request.env" ]; then
			printf 'request\tfail\t0\t%s\n' "no request.env and no --expect: the rows to expect are unknown"
		fi
		for name in $expected; do
			case "$name" in
			guest-status|kernel-clean) channel_row "$res" "$name" "$tests" "$notrun" ;;
			*) written_row "$name" "$rows" "$notrun" ;;
			esac
		done
		awk -F'\t' -v e="$(echo "$expected" | xargs)" 'BEGIN {n = split(e, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1}
			NF && !($1 in want) && !seen[$1]++ {printf "%s\tfail\t0\tunexpected row (not one of the tests requested; status %s)\n", $1, $2}' \
			<<< "$rows"
	} > "$out.tmp"
	mv "$out.tmp" "$out"
	# (a status other than pass or skip is a failure, e.g. an empty one)
	awk -F'\t' '$2 != "pass" && $2 != "skip" {bad = 1} END {exit bad}' "$out"
}
