#!/usr/bin/env bash
# Run every test of the project and print "N passed, N failed".
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: tests/run.sh [SUITE...]
       tests/run.sh --list

Runs the test suites (default: all, in order): cocci (semantic patch unit
tests), spatch-versions (the series with the coccinelle of Debian 11 and 13:
same unit test results, byte-identical tree), lint (shellcheck, test-point
rules, checkpatch/sparse on compat/), canfail (each suite turns red on a
deliberately broken input), nldiff (the netlink differential
test's allow-list, README and reference agree; no guest), harness (the
qemu harness's list of guest tests, tests/vm/tests.tsv, is complete and agrees
with tests/vm/README.md; no guest), errors (bad input
gives clear errors), probes
(gate and probe unit tests, expected probe sets, README compat table; no
kernel build), compat-build (kbuild regression tests of the compat layer),
release (the range in one place, the Makefile's regeneration, the tarball
without devel/; no root), pipeline (fetch, transform and build the matrix
from upstream 7.3.4, 7.2.13 and the older upstream shapes of 6.16, 6.17, 6.18
and 7.0 derived from the pin; OLDER_UPSTREAM=all: every shape on 5.10, 6.1
and 6.12),
packaging (dkms, .deb, .rpm, tarball), vm (qemu runtime tests on every
matrix kernel; VMTESTS=fast (default), full, or none to skip them) and bench
(make bench's smoke run: one 6.1 guest, about 4 minutes; BENCH=none skips
it). A SUITE with a / in it is a path to a
suite script. --list prints the default suites.

Each suite prints TAP. A suite counts as failed (one failure more, with the
reason) when it exits non-zero without a "not ok", prints no plan or a plan
other than the points it printed, or bails out; a suite that does not exist
is a failure too. Seconds per suite are shown;
the last line counts all test points: "N passed, N failed" (a TAP SKIP counts
as passed and is shown per suite).
USAGE
}
# The default suites, in order (tests/t-canfail.sh reads them: every suite
# needs a deliberately broken input there that turns it red).
default_suites() {
	echo cocci spatch-versions lint canfail nldiff harness errors probes compat-build release pipeline cross packaging
	# The qemu suite takes 10-17 minutes per kernel under TCG: VMTESTS=none skips it.
	[ "${VMTESTS:-fast}" = none ] || echo vm bench
}
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--list) default_suites | xargs; exit 0 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ]; then
	suites=("$@")
else
	read -r -a suites < <(default_suites | xargs)
fi

# suite_verdict LOG RC: the extra failure (one line) a suite's output and exit
# status call for beyond its own "not ok" lines, or nothing
suite_verdict() {
	local log="$1" rc="$2" f plan points
	f=$(grep -cE '^not ok ' "$log" || true)
	points=$(grep -cE '^(not )?ok ' "$log" || true)
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$log")
	if grep -q '^Bail out!' "$log"; then
		echo "bailed out: $(grep -m1 '^Bail out!' "$log" | cut -c11-)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "exited $rc without reporting a failure"
	elif [ -z "$plan" ]; then
		echo "printed no TAP plan (1..N): it did not finish"
	elif [ "$(echo "$plan" | wc -l)" -ne 1 ]; then
		echo "printed more than one TAP plan"
	elif [ "$plan" -ne "$points" ]; then
		echo "planned $plan test points but printed $points"
	fi
}

# suite_cmd NAME: the command of suite NAME (a path, or tests/t-NAME.sh)
suite_cmd() {
	case "$1" in
	*/*) echo "$1" ;;
	cocci) echo "$here/cocci/run.sh" ;;
	*) echo "$here/t-$1.sh" ;;
	esac
}

# run_suite NAME CMD LOG: the suite's output to LOG (the caller shows it),
# then its closing lines: a failure run.sh adds (suite_verdict), and
# "# === suite NAME: P passed, F failed, S s" with the seconds since it started
run_suite() {
	local s="$1" cmd="$2" log="$3" t0 rc=0 p k f why
	t0=$(date +%s)
	"$cmd" > "$log" 2>&1 || rc=$?
	p=$(grep -cE '^ok ' "$log" || true)
	k=$(grep -cE '^ok .*# *SKIP' "$log" || true)
	f=$(grep -cE '^not ok ' "$log" || true)
	why=$(suite_verdict "$log" "$rc")
	if [ -n "$why" ]; then
		echo "not ok - suite $s $why" >> "$log"
		f=$((f + 1))
	fi
	echo "# === suite $s: $p passed${k:+ ($k skipped)}, $f failed, $(( $(date +%s) - t0 )) s" |
		sed 's/ (0 skipped)//' >> "$log"
}

# Suites that start at once and run beside the others: the qemu guests (vm,
# then bench: one guest at a time) spend most of their time in the emulated
# machine, and the host suites use the core its vCPUs leave. Their output is
# shown in their place in the order; their seconds are their own wall time.
BESIDE="vm bench"
run_t0=$(date +%s)
tmp=$(mktemp -d)
beside=() beside_pid=""
# pkill finds nothing once the guests are done: that is not a failure
trap '[ -z "$beside_pid" ] || pkill -P "$beside_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for s in "${suites[@]}"; do
	case " $BESIDE " in *" $s "*) [ -x "$(suite_cmd "$s")" ] && beside+=("$s") ;; esac
done
if [ ${#beside[@]} -gt 0 ]; then
	# what the guests build from must exist before anything else runs
	top=$(cd "$here/.." && pwd)
	make -s -C "$top" "$top/backports/PROVENANCE" > /dev/null
	(for s in "${beside[@]}"; do run_suite "$s" "$(suite_cmd "$s")" "$tmp/$s.log"; done) &
	beside_pid=$!
fi

pass=0 fail=0 secs=()
for s in "${suites[@]}"; do
	cmd=$(suite_cmd "$s")
	case "$s" in */*) s=$(basename "$s" .sh); s=${s#t-} ;; esac
	if ! [ -x "$cmd" ]; then
		echo "not ok - suite $s: no such suite ($cmd)"
		fail=$((fail + 1))
		continue
	fi
	echo "# === suite $s"
	case " ${beside[*]} " in
	*" $s "*)
		echo "# (started with the first suite, beside the others)"
		wait "$beside_pid" 2>/dev/null || true
		cat "$tmp/$s.log" ;;
	*)
		: > "$tmp/$s.log"
		run_suite "$s" "$cmd" "$tmp/$s.log" &
		tail -n +1 --pid=$! -f "$tmp/$s.log" ;;
	esac
	p=$(grep -cE '^ok ' "$tmp/$s.log" || true)
	f=$(grep -cE '^not ok ' "$tmp/$s.log" || true)
	pass=$((pass + p)) fail=$((fail + f))
	secs+=("$s $(sed -n 's/^# === suite .*, \([0-9]*\) s$/\1/p' "$tmp/$s.log" | tail -n1) s")
done
echo "# seconds per suite (wall; ${beside[*]:-none} beside the others): $(IFS=,; echo "${secs[*]+${secs[*]}}" | sed 's/,/, /g')"
echo "# run.sh took $(( $(date +%s) - run_t0 )) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
