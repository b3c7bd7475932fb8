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
test's allow-list, README and reference agree; no guest), errors (bad input
gives clear errors), probes
(gate and probe unit tests, expected probe sets, README compat table; no
kernel build), compat-build (kbuild regression tests of the compat layer),
release (the range in one place, the Makefile's regeneration, the tarball
without devel/; no root), pipeline (fetch, transform and build the matrix
from upstream 7.3.4, 7.2.13 and an older upstream derived from the pin),
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
	echo cocci spatch-versions lint canfail nldiff errors probes compat-build release pipeline cross packaging
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

pass=0 fail=0
for s in "${suites[@]}"; do
	case "$s" in
	*/*) cmd=("$s"); s=$(basename "$s" .sh); s=${s#t-} ;;
	cocci) cmd=("$here/cocci/run.sh") ;;
	*) cmd=("$here/t-$s.sh") ;;
	esac
	if ! [ -x "${cmd[0]}" ]; then
		echo "not ok - suite $s: no such suite (${cmd[0]})"
		fail=$((fail + 1))
		continue
	fi
	echo "# === suite $s"
	t0=$(date +%s)
	log=$(mktemp)
	set +e
	"${cmd[@]}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	p=$(grep -cE '^ok ' "$log" || true)
	k=$(grep -cE '^ok .*# *SKIP' "$log" || true)
	f=$(grep -cE '^not ok ' "$log" || true)
	why=$(suite_verdict "$log" "$rc")
	if [ -n "$why" ]; then
		echo "not ok - suite $s $why"
		f=$((f + 1))
	fi
	rm -f "$log"
	echo "# === suite $s: $p passed${k:+ ($k skipped)}, $f failed, $(( $(date +%s) - t0 )) s" |
		sed 's/ (0 skipped)//'
	pass=$((pass + p)) fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
