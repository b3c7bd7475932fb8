#!/usr/bin/env bash
# Small TAP helpers for the test scripts (sourced).
# shellcheck disable=SC2034 # TOP/CACHE are used by the scripts that source this

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports"
_tap_n=0
_tap_fail=0

# tap STATUS NAME: one test point from a status already computed (0 = ok).
# Never "cmd; tap $? NAME": under set -e a failing cmd ends the script before
# tap runs (t-lint.sh refuses that form); use check NAME CMD... instead.
tap() {
	local status="$1"; shift
	_tap_n=$((_tap_n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $_tap_n - $*"
	else
		echo "not ok $_tap_n - $*"
		_tap_fail=$((_tap_fail + 1))
	fi
}

# check NAME CMD...: one test point, decided by CMD's exit status. CMD runs in
# this shell (a function may set variables); its output is kept and shown
# (last 20 lines) only when it fails. Never ends the script under set -e, so
# a failing check still prints "not ok NAME" and later checks still run; the
# status is left in $CHECK_RC. A function given as CMD runs with errexit off
# (bash rules): chain its steps with && so that its status is the first failure.
CHECK_RC=0
check() {
	local name="$1" log rc=0; shift
	log=$(mktemp)
	"$@" >"$log" 2>&1 || rc=$?
	tap "$rc" "$name"
	[ "$rc" -eq 0 ] || tail -n 20 "$log" | sed 's/^/#   /'
	rm -f "$log"
	CHECK_RC=$rc
	return 0
}

# passed: true when the last check passed (for points that need its result)
passed() { [ "$CHECK_RC" -eq 0 ]; }

# require NAME CMD...: a check that everything after it needs (e.g. the
# release tarball): on failure print "not ok NAME" and stop the suite with
# "Bail out!" and a non-zero exit, instead of reporting each later point as
# a consequence of it.
require() {
	check "$@"
	passed && return 0
	echo "Bail out! $1: failed, the tests after it need it"
	echo "1..$_tap_n"
	exit 1
}

# not_run NAME REASON: a point that cannot run because what it needs failed
# (shown as a failure, never dropped: the plan stays the same).
not_run() { tap 1 "$1 (not run: $2)"; }

# skip NAME REASON: a point that legitimately does not apply here (TAP SKIP:
# counts as passed, and tests/run.sh counts it as skipped).
skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

# run_ok NAME CMD...: the command must succeed
run_ok() {
	local name="$1" out; shift
	if out=$("$@" 2>&1); then tap 0 "$name"; else tap 1 "$name"; echo "$out" | tail -n 20 | sed 's/^/#   /'; fi
}

# tap_failed: true when a test point has failed so far
tap_failed() { [ "$_tap_fail" -gt 0 ]; }

# diag TEXT: a comment line
diag() { echo "# $*"; }

tap_done() {
	echo "1..$_tap_n"
	[ "$_tap_fail" -eq 0 ]
}
