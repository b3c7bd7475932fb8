#!/usr/bin/env bash
# Run every test of the project and print "N passed, N failed".
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: tests/run.sh [SUITE...]

Runs the test suites (default: all, in order): cocci (semantic patch unit
tests), spatch-versions (the series with the coccinelle of Debian 11 and 13:
same unit test results, byte-identical tree), lint (shellcheck), errors (bad
input gives clear errors), release (the range in one place, the Makefile's
regeneration, the tarball without devel/; no root), pipeline (fetch,
transform and build the matrix from upstream 7.3.4 and 7.2.13), packaging
(dkms, .deb, .rpm, tarball), and
vm (qemu runtime tests on every matrix kernel; VMTESTS=fast (default), full,
or none to skip them).
Each suite prints TAP; the last line counts all test points.
USAGE
}
case "${1:-}" in -h|--help) usage; exit 0 ;; esac

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ]; then
	suites=("$@")
else
	suites=(cocci spatch-versions lint errors release pipeline packaging)
	# The qemu suite takes 10-17 minutes per kernel under TCG: VMTESTS=none skips it.
	[ "${VMTESTS:-fast}" = none ] || suites+=(vm)
fi

pass=0 fail=0
for s in "${suites[@]}"; do
	case "$s" in
	cocci) cmd=("$here/cocci/run.sh") ;;
	*) cmd=("$here/t-$s.sh") ;;
	esac
	if ! [ -x "${cmd[0]}" ]; then
		echo "# suite $s: not present, skipped"
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
	f=$(grep -cE '^not ok ' "$log" || true)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite $s exited $rc without reporting a failure"
		f=1
	fi
	rm -f "$log"
	echo "# === suite $s: $p passed, $f failed, $(( $(date +%s) - t0 )) s"
	pass=$((pass + p)) fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
