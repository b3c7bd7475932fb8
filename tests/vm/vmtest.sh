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
# shellcheck source=tests/vm/qemu-arch.sh
. "$here/qemu-arch.sh"
# shellcheck source=tests/vm/image.sh
. "$here/image.sh"
# shellcheck source=tests/vm/verdict.sh
. "$here/verdict.sh"
# shellcheck source=tests/vm/report.sh
. "$here/report.sh"
# shellcheck source=tests/vm/slots.sh
. "$here/slots.sh"
# shellcheck source=tests/vm/vmtest-usage.sh
. "$here/vmtest-usage.sh"
# shellcheck source=tests/vm/run-kernel.sh
. "$here/run-kernel.sh"
# shellcheck source=tests/vm/image-dir.sh
. "$here/image-dir.sh"

# life-cycle iterations of --tests fast (make check), else 50
ITERS_FAST=15

die() { echo "vmtest: $*" >&2; exit 2; }
log() { echo "vmtest: $*" >&2; }

# The run's settings (globals, read by the functions of this file and of
# run-kernel.sh, image.sh, verdict.sh, report.sh).
kernels="" report="" expect_tests="" tsv="" modsel="" modpath="" tree="$top/backports"
tests=fast results="" timeout_s="" iters="" jobs=1 smp=2 cpu=max tcg_threads="" kargs="" makevars=()
icount_plugin="" icount_profile=""
images=() debug_series=""
declare -A userland_of=() # ARCH: "TOOLS ROOTIMG BUSYBOX" (run-kernel.sh's prepare_run)

parse_args() {
	while [ $# -gt 0 ]; do
		case "$1" in
		-h|--help) usage; exit 0 ;;
		--kernel) kernels="$kernels ${2//,/ }"; shift 2 ;;
		--image) images+=("$2"); shift 2 ;;
		--debug-kernel) debug_series="$debug_series ${2//,/ }"; shift 2 ;;
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
		--icount) icount_plugin=$(readlink -f "$2"); smp=1; tcg_threads=single; shift 2 ;;
		--icount-profile) icount_profile=1; shift ;;
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

main() {
	local overall=0 i
	parse_args "$@"
	if [ -n "$report" ]; then
		[ -d "$report" ] || die "no results directory $report"
		results=$(cd "$report" && pwd)
		[ -n "${kernels// /}" ] || kernels=$(report_kernels)
		[ -n "$kernels" ] || die "no results under $report"
	fi
	for i in $debug_series; do
		images+=("$("$here/debug-kernel.sh" "$i")") || die "--debug-kernel $i: no debug kernel"
	done
	for i in ${images[@]+"${images[@]}"}; do image_add "$i"; done
	[ -n "${kernels// /}" ] || { usage >&2; exit 2; }
	[ "${kernels// /}" != all ] || kernels="$KERNELS_ALL"
	[ "$modsel" != module ] || [ -f "$modpath" ] || die "no such module: $modpath"
	[ -z "$icount_plugin" ] || [ -f "$icount_plugin" ] || die "no such plugin: $icount_plugin"
	[ -z "$icount_plugin" ] || [ "$smp" = 1 ] || die "--icount runs one vCPU (--smp 1)"
	[ -z "$icount_profile" ] || [ -n "$icount_plugin" ] || die "--icount-profile needs --icount"
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
