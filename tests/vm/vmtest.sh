#!/usr/bin/env bash
# Boot Debian kernels in qemu (TCG), load ovpn.ko (ours or the in-tree one),
# run the guest tests of tests/vm/tests.tsv and print a results table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=devel/kernels.sh
. "$top/devel/kernels.sh"
# shellcheck source=tests/vm/common.sh
. "$here/common.sh"
# shellcheck source=tests/vm/image.sh
. "$here/image.sh"
# shellcheck source=tests/vm/verdict.sh
. "$here/verdict.sh"
# shellcheck source=tests/vm/report.sh
. "$here/report.sh"
# shellcheck source=tests/vm/slots.sh
. "$here/slots.sh"
# shellcheck source=tests/vm/run-kernel.sh
. "$here/run-kernel.sh"

# life-cycle iterations of --tests fast (make check), else 50
ITERS_FAST=15

usage() {
	cat <<USAGE
Usage: vmtest.sh --kernel K[,K...] [--module PATH/ovpn.ko | --native | --tree DIR]
                 [--tests LIST|fast|full] [--results DIR] [--timeout SECONDS]
                 [--iterations N] [--smp N] [--cpu MODEL] [--tcg-threads single|multi]
                 [--kernel-args ARGS] [--make VAR=VALUE] [--jobs N]
       vmtest.sh --report DIR [--kernel K,...] [--expect LIST] [--tsv]

Boots each kernel K (one of: $KERNELS_ALL; or "all") in
qemu-system-x86_64 -accel tcg with a local root image of the guest's
userland (rootimg.sh) over the host's root shared read-only over virtio-9p
(a tmpfs overlay on top), runs the tests in the guest and prints a results
table and a final "N passed, N failed" line. Exits non-zero on any test
failure, on a result row missing or duplicated (each test writes the rows
tests/vm/tests.tsv names), on a guest status file (results share) that is
missing, incomplete or says rc!=0, on any kernel splat (common.sh) on the
console or in the guest's dmesg, on a missing end sentinel, or on a timeout.

Which ovpn.ko the guest loads (it is put into the image's updates/ + depmod):
  --module PATH   this ovpn.ko (its vermagic must match the kernel)
  --native        the kernel's own in-tree ovpn (debian-7.3 only)
  --tree DIR      build ovpn.ko from the generated tree DIR with the scripts/build.sh
                  of the checkout DIR is in (DIR/../scripts/build.sh), else ours
  default: --native for debian-7.3, --tree $top/backports otherwise

--tests LIST    comma or space separated names of tests/vm/tests.tsv:
                $(vm_tests | xargs | fold -s -w 60 | sed '2,$s/^/                /')
                fast (default): $(vm_tests fast | xargs)
                full: $(vm_tests full | xargs | fold -s -w 58 | sed '2,$s/^/                /')
--results DIR   where console.log, dmesg.txt, TAP files and logs go
                (default: $top/build/vmtest/<timestamp>); one subdir per kernel
--timeout S     bound of one qemu run (default: 120 + the tests' budgets)
--iterations N  life-cycle iterations (default 50; $ITERS_FAST with --tests fast)
--smp N         guest vCPUs (default 2)
--cpu MODEL     qemu CPU model (default max)
--tcg-threads T multi: one host thread per vCPU (default; debian-7.3: single);
                single: the vCPUs take turns on one host thread (no
                cross-vCPU race of the emulator when the kernel patches its
                own text; less host CPU, but one host core at most)
--jobs N        N guests at a time, each kernel's own (default 1; a guest
                takes the next kernel of the list when it is done; nldiff-full
                and nldiff-random with debian-7.3 run one at a time: 7.3's
                answers come first). make bench's guests run alone.
--kernel-args A more guest kernel command line, e.g. "panic_on_warn=1 slub_debug=FZPU"
                (tests/vm/README.md lists what each Debian kernel offers)
--make VAR=VAL  a make variable for the module build of --tree (repeatable; passed
                to scripts/build.sh through its environment), e.g.
                OVPN_FORCE_V4MAPPED_SHIM=1
--report DIR    no qemu: the verdict on the results already in DIR (the kernels
                there, or those of --kernel) from their files alone
--expect LIST   with --report: the tests that were requested (as --tests;
                default: each kernel's request.env, written when it ran)
--tsv           with --report: print the verdict rows (KERNEL NAME STATUS
                SECONDS NOTE, tab-separated) instead of the table

Environment: VMTEST_* variables are handed to the guest's tests (e.g.
VMTEST_NLDIFF_SEED, see each test's --help; a run of nldiff-random sets it
once for all its kernels when it is not set).

Everything fetched or built is cached under \${XDG_CACHE_HOME:-~/.cache}/ovpn-backports.
Host packages: tests/vm/host-packages.txt and tests/vm/guest-packages.txt.
USAGE
}

die() { echo "vmtest: $*" >&2; exit 2; }
log() { echo "vmtest: $*" >&2; }

# The run's settings (globals, read by the functions of this file and of
# run-kernel.sh, image.sh, verdict.sh, report.sh).
kernels="" report="" expect_tests="" tsv="" modsel="" modpath="" tree="$top/backports"
tests=fast results="" timeout_s="" iters="" jobs=1 smp=2 cpu=max tcg_threads="" kargs="" makevars=()
tools="" rootimg=""

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		-h|--help) usage; exit 0 ;;
		--kernel) kernels="$kernels ${2//,/ }"; shift 2 ;;
		--module) modsel=module; modpath=$(readlink -f "$2"); shift 2 ;;
		--native) modsel=native; shift ;;
		--tree) modsel=tree; tree=$(readlink -f "$2"); shift 2 ;;
		--tests) tests="$2"; shift 2 ;;
		--results) results="$2"; shift 2 ;;
		--timeout) timeout_s="$2"; shift 2 ;;
		--iterations) iters="$2"; shift 2 ;;
		--smp) smp="$2"; shift 2 ;;
		--jobs) jobs="$2"; shift 2 ;;
		--cpu) cpu="$2"; shift 2 ;;
		--tcg-threads) tcg_threads="$2"; shift 2 ;;
		--kernel-args) kargs="$kargs $2"; shift 2 ;;
		--make) [[ "$2" == [A-Za-z_]*=* ]] || die "--make takes VAR=VALUE"; makevars+=("$2"); shift 2 ;;
		--report) report="$2"; shift 2 ;;
		--expect) expect_tests="$2"; shift 2 ;;
		--tsv) tsv=1; shift ;;
		*) usage >&2; exit 2 ;;
		esac
	done
}

# test_list LIST: LIST (comma or space separated, or fast|full) as the test
# names, one space between; dies on a name tests.tsv does not have, or whose
# script does not exist.
test_list() {
	local l="${1//,/ }" t s
	case "$l" in
	fast|full) l=$(vm_tests "$l") ;;
	esac
	l=$(echo "$l" | xargs)
	for t in $l; do
		s=$(vm_script "$t") || die "unknown test '$t' (not in tests/vm/tests.tsv)"
		[ "$s" = selftest ] || [ -f "$here/$s" ] ||
			die "test '$t' runs tests/vm/$s (tests/vm/tests.tsv), which does not exist"
	done
	echo "$l"
}

# report_kernels: the kernels with results under $results (for --report)
report_kernels() {
	find "$results" -mindepth 2 -maxdepth 2 \
		\( -name summary.tsv -o -name request.env -o -name host.tsv \) -printf '%h\n' |
		xargs -rn1 basename | sort -uV | xargs
}

check_host() {
	local tool
	for tool in qemu-system-x86_64 busybox depmod modprobe cpio xz zstd mke2fs; do
		command -v "$tool" >/dev/null ||
			die "$tool not found: install the packages in tests/vm/host-packages.txt"
	done
	case "$(ldd /bin/busybox 2>&1 || true)" in
	*"not a dynamic"*) ;;
	*) die "/bin/busybox is not static: install busybox-static" ;;
	esac
}

main() {
	local overall=0
	parse_args "$@"
	if [ -n "$report" ]; then
		[ -d "$report" ] || die "no results directory $report"
		results=$(cd "$report" && pwd)
		[ -n "${kernels// /}" ] || kernels=$(report_kernels)
		[ -n "$kernels" ] || die "no results under $report"
	fi
	[ -n "${kernels// /}" ] || { usage >&2; exit 2; }
	[ "${kernels// /}" != all ] || kernels="$KERNELS_ALL"
	[ "$modsel" != module ] || [ -f "$modpath" ] || die "no such module: $modpath"
	[ -n "$iters" ] || { if [ "$tests" = fast ]; then iters=$ITERS_FAST; else iters=50; fi; }
	tests=$(test_list "$tests")
	[ -z "$expect_tests" ] || expect_tests=$(test_list "$expect_tests")
	if [ -n "$report" ]; then summarize; return; fi
	[ -z "$expect_tests" ] || die "--expect goes with --report"
	cache="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports"
	results="${results:-$top/build/vmtest/$(date +%Y%m%d-%H%M%S)}"
	mkdir -p "$results" "$cache"
	results=$(cd "$results" && pwd)
	[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "--jobs takes a number of guests (1 or more)"
	prepare_run
	run_kernels || overall=$?
	[ "$overall" -ne 2 ] || exit 2
	summarize || overall=1
	return "$overall"
}

# Bash reads a script as it runs it: main and the exit on one line make the
# whole script parsed before anything runs (safe against edits during a run).
main "$@"; exit $?
