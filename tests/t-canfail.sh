#!/usr/bin/env bash
# Every suite can fail: for each suite of tests/run.sh, a deliberately broken
# input must turn it red, naming the point that failed; and run.sh's own
# verdict must turn red for each way a suite can fail. Seconds: no qemu, no
# root, no network.
#
# Hook for a new suite (e.g. probes): give tests/t-NAME.sh a --can-fail mode
# (run its checks on a deliberately broken input: print "not ok", exit
# non-zero), or add a canfail_NAME function below. A suite of run.sh's list
# with neither fails here.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
-h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# red PATTERNS CMD...: CMD (a suite fed a broken input) exits non-zero and, for
# each ;-separated PATTERN (ERE), prints a "not ok" point whose name matches
# it ("" : any "not ok"). Shows CMD's output when it does not.
red() {
	local pats="$1" rc=0 out p
	shift
	out=$("$@" 2>&1) || rc=$?
	echo "$out" | tail -n 40
	[ "$rc" -ne 0 ] || { echo "=> exit 0: the suite stayed green"; return 1; }
	IFS=';' read -r -a pats <<< "$pats"
	[ ${#pats[@]} -gt 0 ] || pats=("")
	for p in "${pats[@]}"; do
		grep -qE "^not ok ([0-9]+ )?- ?$p" <<< "$out" || { echo "=> no 'not ok' point matching '$p'"; return 1; }
	done
}

# --- tests/run.sh: a suite is red when a check fails, and when it ends badly
# suite NAME BODY: a suite script $tmp/t-NAME.sh (bash, set -e, lib.sh) doing BODY
suite() {
	printf '#!/usr/bin/env bash\nset -euo pipefail\n. "%s/tests/lib.sh"\n%s\n' "$TOP" "$2" > "$tmp/t-$1.sh"
	chmod +x "$tmp/t-$1.sh"
}
suite checkfails 'check "demo: a check whose command fails" false
check "demo: a later check still runs" true
tap_done'
suite noplan 'echo "ok 1 - demo: fine so far"'
suite exit3 'check "demo: fine" true
tap_done
exit 3'
suite bail 'check "demo: fine" true
echo "Bail out! demo: cannot go on"'
suite short 'echo "1..3"
check "demo: the first of three" true'
suite green 'check "demo: fine" true
skip "demo: not here" "a legitimate reason"
tap_done'
# last_line_is LINE CMD...: the last line CMD prints is LINE
last_line_is() {
	local want="$1" out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	echo "$out" | tail -n 20
	[ "$(tail -n1 <<< "$out")" = "$want" ] || { echo "=> last line is not '$want'"; return 1; }
}
check_fails_in_suite() {
	local out
	red "demo: a check whose command fails" "$TOP/tests/run.sh" "$tmp/t-checkfails.sh" || return 1
	out=$("$TOP/tests/run.sh" "$tmp/t-checkfails.sh" 2>&1 || true)
	grep -q '^ok 2 - demo: a later check still runs$' <<< "$out" || { echo "=> the later check did not run"; return 1; }
}
canfail_run_sh() {
	check "run.sh: a check whose command fails turns its suite red, named, later checks still run" \
		check_fails_in_suite
	check "run.sh: ... and counts it: last line '1 passed, 1 failed'" \
		last_line_is "1 passed, 1 failed" "$TOP/tests/run.sh" "$tmp/t-checkfails.sh"
	check "run.sh: a suite that prints no plan is red" \
		red "suite noplan printed no TAP plan" "$TOP/tests/run.sh" "$tmp/t-noplan.sh"
	check "run.sh: a suite that exits non-zero without a 'not ok' is red" \
		red "suite exit3 exited 3 without reporting a failure" "$TOP/tests/run.sh" "$tmp/t-exit3.sh"
	check "run.sh: a suite that bails out is red" \
		red "suite bail bailed out" "$TOP/tests/run.sh" "$tmp/t-bail.sh"
	check "run.sh: a suite that prints fewer points than it planned is red" \
		red "suite short planned 3 test points but printed 1" "$TOP/tests/run.sh" "$tmp/t-short.sh"
	check "run.sh: a suite that does not exist is red" \
		red "suite nosuch: no such suite" "$TOP/tests/run.sh" "$tmp/t-nosuch.sh"
	check "run.sh: a suite that passes (one point skipped) stays green: '2 passed, 0 failed' (control)" \
		last_line_is "2 passed, 0 failed" "$TOP/tests/run.sh" "$tmp/t-green.sh"
}

# copy_project DIR: the tracked files of the project, in DIR
copy_project() {
	mkdir -p "$1" && (cd "$TOP" && git ls-files -z | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
		tar -C "$1" -xf -
}

# --- cocci: a unit test whose expected result (.res) is corrupted
cocci_corrupted() {
	local name
	name=$(sed -n 's/^\([^#][^ ]*\)\.cocci.*/\1/p' "$TOP/patches/series" | head -n1)
	[ -n "$name" ] || { echo "patches/series names no semantic patch"; return 1; }
	copy_project "$tmp/cocci" &&
		echo "/* deliberately corrupted (t-canfail.sh) */" >> "$tmp/cocci/tests/cocci/$name.res" &&
		red "$name: patched input is $name.res" "$tmp/cocci/tests/cocci/run.sh" "$name"
}
canfail_cocci() {
	check "cocci: a corrupted .res turns the unit test red, naming the patch" cocci_corrupted
}

# --- spatch-versions: a "coccinelle" that does nothing, in a copy of the project
spatch_noop() {
	local c="$tmp/spv"
	copy_project "$c" || return 1
	mkdir -p "$tmp/noop-bin"
	printf '%s\n' '#!/bin/sh' 'case "$*" in *--version*) echo "spatch version 1.1.1 (a stand-in that changes nothing)" ;; esac' \
		'exit 0' > "$tmp/noop-bin/spatch"
	printf '#!/bin/sh\necho %s\n' "$tmp/noop-bin" > "$c/tests/spatch-from-suite.sh"
	chmod +x "$tmp/noop-bin/spatch" "$c/tests/spatch-from-suite.sh"
	SPATCH_SUITES=noop SPATCH_SOURCES=pin red "noop \(.*\): every semantic patch passes its unit test;noop: the tree generated from upstream 7\.3\.4 is byte-identical" \
		"$c/tests/t-spatch-versions.sh"
}
canfail_spatch_versions() {
	check "spatch-versions: a coccinelle that changes nothing fails the unit tests and the identical-tree check" \
		spatch_noop
}

# --- lint: a script with a shellcheck warning, one with a test point that can be
# lost, a python file with an unused import
lint_bad() {
	local T=tap
	mkdir -p "$tmp/lint"
	printf '#!/usr/bin/env bash\nset -euo pipefail\nunused=1\n' > "$tmp/lint/sc.sh"
	printf '#!/usr/bin/env bash\nset -euo pipefail\nfalse; %s $? "lost"\n' "$T" > "$tmp/lint/tapform.sh"
	printf 'import os\n' > "$tmp/lint/unused.py"
	red "shellcheck $tmp/lint/sc\.sh;test points cannot be lost;pyflakes $tmp/lint/unused\.py" \
		"$TOP/tests/t-lint.sh" "$tmp/lint/sc.sh" "$tmp/lint/tapform.sh" "$tmp/lint/unused.py"
}
canfail_lint() {
	check "lint: a shellcheck warning, a 'tap \$?' point and a python unused import turn it red, naming the file and the rule" \
		lint_bad
}

# --- errors, pipeline, packaging, release: their own --can-fail mode (a broken input each)
canfail_errors() {
	check "errors: --can-fail (a tree of the oldest supported kernel for 'older than' it) is red, naming the case" \
		red "kernel older than [0-9]+\.[0-9]+" "$TOP/tests/t-errors.sh" --can-fail
}
canfail_pipeline() {
	check "pipeline: --can-fail (a tree with #error, a missing tree) is red, naming kernel and tree" \
		red "broken builds on debian-6\.1;missing builds on debian-6\.1;missing on debian-6\.1: modinfo" \
		"$TOP/tests/t-pipeline.sh" --can-fail
}
canfail_cross() {
	check "cross: --can-fail (a tree with #error on arm64, a missing cross compiler, a series without releases) is red" \
		red "debian-6\.1-arm64 builds: zero warnings;debian-6\.1-arm64 builds with CROSS_COMPILE=no-such-cross-;the newest Debian point release of 4\.19" \
		"$TOP/tests/t-cross.sh" --can-fail
}
canfail_packaging() {
	check "packaging: --can-fail (a tarball without dkms.conf, a dkms.conf whose MAX takes the first in-tree kernel) is red" \
		red "tarball holds the generated tree;dkms.conf \(range of kernel-range.conf" \
		"$TOP/tests/t-packaging.sh" --can-fail
}

# --- vm: the verdict on fabricated results directories (no qemu)
# vm_results DIR: what a passing guest run of test-mark.sh and unpriv on
# debian-6.1 leaves (the status file written by common.sh, as the guest does)
vm_tests="test-mark.sh unpriv"
vm_results() {
	local k="$1/debian-6.1"
	mkdir -p "$k"
	echo "VM_TESTS='$vm_tests'" > "$k/request.env"
	printf 'module-build\tpass\t20\tbuilt=yes\n' > "$k/host.tsv"
	printf '%s\t%s\t%s\t%s\n' module-load pass 0 updates/ovpn.ko test-mark.sh pass 30 "Totals: pass:6" \
		unpriv-denied pass 19 "9 ops EPERM" > "$k/summary.tsv"
	(. "$TOP/tests/vm/common.sh"; vm_status_write "$k" 0 "$vm_tests")
	printf '%s\n' "[    1.0] Linux version 6.1.0-56-amd64" "vmtest: guest up" "VMTEST-END rc=0" > "$k/console.log"
	printf '%s\n' "[    1.0] Linux version 6.1.0-56-amd64" "[   29.8] ovpn: loading out-of-tree module taints kernel." > "$k/dmesg.txt"
	printf 'rc=0\ntimeout=600\nseconds=60\n' > "$k/qemu.txt"
}
# vm_case NAME: a results dir $tmp/vm-NAME, fabricated passing, then broken by NAME
vm_case() {
	local d="$tmp/vm-$1" k="$tmp/vm-$1/debian-6.1"
	rm -rf "$d"
	vm_results "$d"
	case "$1" in
	good) ;;
	row-removed) # a guest script that ended early: its row never written, rc=1
		sed -i '/^unpriv-denied/d' "$k/summary.tsv"
		(. "$TOP/tests/vm/common.sh"; vm_status_write "$k" 0 "$vm_tests") ;;
	rc) (. "$TOP/tests/vm/common.sh"; vm_status_write "$k" 1 "$vm_tests") ;;
	duplicated) printf '%s\n' "$(grep '^test-mark.sh' "$k/summary.tsv")" >> "$k/summary.tsv"
		(. "$TOP/tests/vm/common.sh"; vm_status_write "$k" 0 "$vm_tests") ;;
	no-status) rm "$k/status" ;;
	splat) echo "[   42.0] WARNING: CPU: 1 PID: 99 at net/core/dev.c:1 ovpn_xmit+0x1/0x2 [ovpn]" >> "$k/dmesg.txt" ;;
	no-sentinel) sed -i '/VMTEST-END/d' "$k/console.log" ;;
	kasan) printf '%s\n' "[   51.2] ==================================================================" \
		"[   51.2] BUG: KASAN: slab-use-after-free in ovpn_peer_put+0x2a/0x90 [ovpn]" >> "$k/console.log" ;;
	kmemleak) printf '%s\n' 'unreferenced object 0xffff888004a1c000 (size 1024):' \
		'  comm "ovpn-cli", pid 412, jiffies 4294912345 (age 12.3s)' '  backtrace:' \
		'    [<000000001f3c2b1a>] kmalloc_trace+0x26/0x90' \
		'    [<00000000b2d3e4f5>] ovpn_peer_new+0x41/0x3c0 [ovpn]' > "$k/kmemleak.txt" ;;
	esac
	echo "$d"
}
# t_vm_report CASE: tests/t-vm.sh's verdict on that results dir
t_vm_report() {
	VMTESTS="$vm_tests" VMTEST_KERNELS="${2:-debian-6.1}" "$TOP/tests/t-vm.sh" --report "$(vm_case "$1")"
}
vm_green() {
	local out
	out=$(t_vm_report good) || { echo "$out"; return 1; }
	echo "$out"
	! grep -q '^not ok' <<< "$out" && [ "$(grep -c '^ok' <<< "$out")" -eq 6 ]
}
# vm_missing_script: t-vm.sh on a copy of the project whose tests.tsv has a
# fast test whose script does not exist (vmtest.sh stops before any guest)
vm_missing_script() {
	local p="$tmp/vm-project"
	rm -rf "$p"
	mkdir -p "$p"
	cp -a "$TOP/tests" "$TOP/devel" "$TOP/scripts" "$p/"
	printf 'gone\tfast\t60\tgone\tgone\tgone.sh\ta test whose script is missing\n' >> "$p/tests/vm/tests.tsv"
	VMTESTS=fast VMTEST_KERNELS=debian-5.10 "$p/tests/t-vm.sh"
}
# slab_numbers LEAK RELEASE: the per-cache numbers (before, peak, after: bytes)
# of a 50-peer scale run on RELEASE, shaped like a passing 6.1 run (its noise
# kept), plus LEAK: none; one (a kzalloc of 1 KiB per peer never freed: in a
# real 6.1 guest, ovpn built with that leak in ovpn_peer_new() left kmalloc-1k
# 53248 bytes above where it started, as here); spread (1 KiB per peer as 256
# bytes in each of four caches, each under the per-cache tolerance)
slab_numbers() {
	local one=0 spread=0
	case "$1" in one) one=51200 ;; spread) spread=12800 ;; esac
	cat <<JSON
{"peers": 50, "kernel": "$2", "slab": {
 "before": {"kmalloc-1k": 409600, "kmalloc-512": 262144, "kmalloc-256": 131072, "kmalloc-192": 98304,
            "kmalloc-128": 131072, "kmalloc-96": 98304, "kmalloc-64": 131072, "filp": 262144},
 "peak":   {"kmalloc-1k": 563200, "kmalloc-512": 287744, "kmalloc-256": 131072, "kmalloc-192": 98304,
            "kmalloc-128": 156672, "kmalloc-96": 130560, "kmalloc-64": 153472, "filp": 266240},
 "after":  {"kmalloc-1k": $((411648 + one)), "kmalloc-512": $((264192 + spread)),
            "kmalloc-256": $((131072 + spread)), "kmalloc-192": $((98304 + spread)),
            "kmalloc-128": $((131072 + spread)), "kmalloc-96": 107904, "kmalloc-64": 132864,
            "filp": 270336},
 "objsize": {"kmalloc-1k": 1024, "kmalloc-512": 512, "kmalloc-256": 256, "kmalloc-192": 192,
             "kmalloc-128": 128, "kmalloc-96": 96, "kmalloc-64": 64, "filp": 256}}}
JSON
}
# scale_memory LEAK: tests/vm/slabcheck.py's verdict (the scale test's) on
# slab_numbers LEAK for each kernel of the matrix: a TAP point each
scale_memory() {
	local k f out rc=0
	for k in 5.10.0-32-amd64 6.1.0-56-amd64 6.12.95+deb12-amd64 7.3.4+deb13-amd64; do
		f="$tmp/slab-$1-$k.json"
		slab_numbers "$1" "$k" > "$f"
		if out=$(python3 "$TOP/tests/vm/slabcheck.py" judge "$f"); then
			echo "ok - scale memory on $k"
		else
			echo "not ok - scale memory on $k: $(jq -r .why <<< "$out")"
			rc=1
		fi
	done
	return "$rc"
}
canfail_vm() {
	check "vm: scale's memory check passes a 50-peer run that kept only its noise (control)" \
		scale_memory none
	check "vm: scale's memory check fails a module leaking a 1 KiB kzalloc per peer, on every kernel" \
		red "$(printf 'scale memory on %s[^:]*: .*kmalloc-1k kept 53248 bytes;' '5\.10' '6\.1\.' '6\.12' '7\.3')" \
		scale_memory one
	check "vm: ... and 1 KiB per peer spread over four caches (each under its tolerance), on every kernel" \
		red "$(printf 'scale memory on %s[^:]*: .*caches kept [0-9]+ bytes together;' '5\.10' '6\.1\.' '6\.12' '7\.3')" \
		scale_memory spread
	check "vm: the verdict on a complete passing results dir is green, 6 rows (control)" vm_green
	check "vm: a results dir with one row removed is red, naming the row" \
		red "debian-6\.1 unpriv-denied: missing" t_vm_report row-removed
	check "vm: a guest status rc=1 (all rows present) is red" \
		red "debian-6\.1 guest-status: guest rc=1" t_vm_report rc
	check "vm: a row written twice is red" red "debian-6\.1 test-mark\.sh: duplicated" t_vm_report duplicated
	check "vm: no guest status file is red" red "debian-6\.1 guest-status: no status file" t_vm_report no-status
	check "vm: a WARNING in the guest's dmesg is red" red "debian-6\.1 kernel-clean: kernel splat" t_vm_report splat
	check "vm: no end sentinel on the console is red" red "debian-6\.1 kernel-clean: no end sentinel" \
		t_vm_report no-sentinel
	check "vm: a KASAN report on the console is red" red "debian-6\.1 kernel-clean: kernel splat: .*KASAN" \
		t_vm_report kasan
	check "vm: an object kmemleak reports after the tests is red" \
		red "debian-6\.1 kernel-clean: kmemleak: 1 suspected leaks" t_vm_report kmemleak
	check "vm: a tests.tsv row whose script is missing is red before any guest boots" \
		red "vmtest.sh stopped: .*gone\.sh" vm_missing_script
	check "vm: a requested kernel without results is red" \
		red "debian-5\.10 unpriv-denied: not run: no results" t_vm_report good debian-6.1,debian-5.10
}

# --- every suite of run.sh (and every tests/t-*.sh) has its broken input
canfail_run_sh
# (registered: the list with the qemu suites, which VMTESTS=none leaves out)
listed=$("$TOP/tests/run.sh" --list)
registered=$(VMTESTS=fast "$TOP/tests/run.sh" --list)
for f in "$TOP"/tests/t-*.sh; do
	s=$(basename "$f" .sh)
	s=${s#t-}
	case " $registered " in
	*" $s "*) ;;
	*) [ "$s" = vm ] || [ "$s" = bench ] || tap 1 "tests/t-$s.sh is a suite that tests/run.sh does not run (register it)" ;;
	esac
done
for s in $listed; do
	[ "$s" != canfail ] || continue
	fn="canfail_${s//-/_}"
	script="$TOP/tests/t-$s.sh"
	[ "$s" != cocci ] || script="$TOP/tests/cocci/run.sh"
	if [ ! -x "$script" ]; then
		skip "$s: its broken input" "suite not present here"
	elif declare -F "$fn" >/dev/null; then
		"$fn"
	elif grep -q -- '--can-fail)' "$script"; then
		check "$s: --can-fail turns it red" red "" "$script" --can-fail
	else
		tap 1 "$s: no deliberately broken input (add --can-fail to tests/t-$s.sh or $fn to tests/t-canfail.sh)"
	fi
done
tap_done
