#!/usr/bin/env bash
# Boot Debian kernels in qemu (TCG), load ovpn.ko (ours or the in-tree one),
# run the upstream selftests, an OpenVPN 2.7 DCO end-to-end test, a module
# life-cycle test and a permission test; print a results table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=devel/kernels.sh
. "$top/devel/kernels.sh"
# shellcheck source=tests/vm/common.sh
. "$here/common.sh"

SELFTESTS_FULL="test.sh test-tcp.sh test-chachapoly.sh test-float.sh test-large-mtu.sh test-mark.sh
test-symmetric-id.sh test-symmetric-id-float.sh test-symmetric-id-tcp.sh test-close-socket.sh
test-close-socket-tcp.sh"
# make check's subset (test-chachapoly.sh is in full: openvpn's chacha cases
# run CHACHA20-POLY1305 through the module on every kernel in fast too)
SELFTESTS_FAST="test.sh test-tcp.sh"
EXTRA_TESTS="openvpn lifecycle unpriv"
# life-cycle iterations of --tests fast (make check), else 50
ITERS_FAST=15
# netlink differential, scale, fault paths, v4-mapped (tests/vm/*.sh of those
# names): a subset in fast, all of it in full; nldiff-random only by name
STRESS_FAST="v4mapped nldiff scale faults"
STRESS_FULL="v4mapped nldiff-full scale-full faults-full"
STRESS_OTHER="nldiff-random"

usage() {
	cat <<USAGE
Usage: vmtest.sh --kernel K[,K...] [--module PATH/ovpn.ko | --native | --tree DIR]
                 [--tests LIST|fast|full] [--results DIR] [--timeout SECONDS]
                 [--iterations N] [--smp N] [--kernel-args ARGS] [--make VAR=VALUE]

Boots each kernel K (one of: $KERNELS_ALL; or "all") in
qemu-system-x86_64 -accel tcg with the host's root shared read-only over
virtio-9p (a tmpfs overlay on top), runs the tests in the guest and prints a
results table and a final "N passed, N failed" line. Exits non-zero on any test
failure, on a result row missing or duplicated (each test writes known rows:
tests/vm/common.sh), on a guest status file (results share) that is missing,
incomplete or says rc!=0, on any kernel splat (common.sh) on the console or in
the guest's dmesg, on a missing end sentinel, or on a timeout.

Which ovpn.ko the guest loads (it is put into the image's updates/ + depmod):
  --module PATH   this ovpn.ko (its vermagic must match the kernel)
  --native        the kernel's own in-tree ovpn (debian-7.3 only)
  --tree DIR      build ovpn.ko from the generated tree DIR with the scripts/build.sh
                  of the checkout DIR is in (DIR/../scripts/build.sh), else ours
  default: --native for debian-7.3, --tree $top/backports otherwise

--tests LIST    comma or space separated; items: the selftest script names
                (test.sh, test-tcp.sh, ...), openvpn, lifecycle, unpriv,
                v4mapped, nldiff[-full|-random], scale[-full], faults[-full],
                bench (the guest part of make bench: tests/bench/bench.sh sets
                VM_BENCH_CONF).
                fast (default): $SELFTESTS_FAST + $EXTRA_TESTS + $STRESS_FAST
                full: all 11 selftests + $EXTRA_TESTS + $STRESS_FULL
--results DIR   where console.log, dmesg.txt, TAP files and logs go
                (default: $top/build/vmtest/<timestamp>); one subdir per kernel
--timeout S     bound of one qemu run (default: from the test list)
--iterations N  life-cycle iterations (default 50; $ITERS_FAST with --tests fast)
--smp N         guest vCPUs (default 2)
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
VMTEST_NLDIFF_SEED, see each test's --help).

Everything fetched or built is cached under \${XDG_CACHE_HOME:-~/.cache}/ovpn-backports.
Host packages: tests/vm/host-packages.txt.
USAGE
}

die() { echo "vmtest: $*" >&2; exit 2; }
log() { echo "vmtest: $*" >&2; }

# test_list LIST: LIST (comma or space separated, or fast|full) as the test
# names, one space between; dies on an unknown name.
test_list() {
	local l="${1//,/ }" t
	case "$l" in
	fast) l="$SELFTESTS_FAST $EXTRA_TESTS $STRESS_FAST" ;;
	full) l="$SELFTESTS_FULL $EXTRA_TESTS $STRESS_FULL" ;;
	esac
	l=$(echo "$l" | xargs)
	for t in $l; do
		case " $(echo "$SELFTESTS_FULL" | xargs) $EXTRA_TESTS $STRESS_FAST $STRESS_FULL $STRESS_OTHER bench " in
		*" $t "*) vm_rows "$t" >/dev/null || die "test '$t' has no result rows in common.sh" ;;
		*) die "unknown test '$t'" ;;
		esac
	done
	echo "$l"
}

main() {
kernels=""
report=""
expect_tests=""
tsv=""
modsel=""
modpath=""
tree="$top/backports"
tests="fast"
results=""
timeout_s=""
iters=""
smp=2
kargs=""
makevars=()
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
	--kernel-args) kargs="$kargs $2"; shift 2 ;;
	--make) [[ "$2" == [A-Za-z_]*=* ]] || die "--make takes VAR=VALUE"; makevars+=("$2"); shift 2 ;;
	--report) report="$2"; shift 2 ;;
	--expect) expect_tests="$2"; shift 2 ;;
	--tsv) tsv=1; shift ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -n "$report" ]; then
	[ -d "$report" ] || die "no results directory $report"
	results=$(cd "$report" && pwd)
	if [ -z "${kernels// /}" ]; then
		kernels=$(find "$results" -mindepth 2 -maxdepth 2 \
			\( -name summary.tsv -o -name request.env -o -name host.tsv \) -printf '%h\n' |
			xargs -rn1 basename | sort -uV | xargs)
		[ -n "$kernels" ] || die "no results under $report"
	fi
fi
[ -n "${kernels// /}" ] || { usage >&2; exit 2; }
# (--report: the functions below are defined first, then only summarize runs)
[ "${kernels// /}" != all ] || kernels="$KERNELS_ALL"
[ "$modsel" != module ] || [ -f "$modpath" ] || die "no such module: $modpath"

if [ -z "$iters" ]; then
	if [ "$tests" = fast ]; then iters=$ITERS_FAST; else iters=50; fi
fi
tests=$(test_list "$tests")
[ -z "$expect_tests" ] || expect_tests=$(test_list "$expect_tests")

for tool in qemu-system-x86_64 busybox depmod modprobe cpio xz zstd; do
	command -v "$tool" >/dev/null ||
		die "$tool not found: install the packages in tests/vm/host-packages.txt"
done
case "$(ldd /bin/busybox 2>&1 || true)" in
*"not a dynamic"*) ;;
*) die "/bin/busybox is not static: install busybox-static" ;;
esac

cache="${XDG_CACHE_HOME:-$HOME/.cache}/ovpn-backports"
results="${results:-$top/build/vmtest/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$results"
results=$(cd "$results" && pwd)

# extract_vmlinux BZIMAGE OUT: the ELF inside a bzImage (qemu boots it via
# PVH, skipping the guest's own slow decompression under TCG).
extract_vmlinux() {
	local bz="$1" out="$2" ss off len magic
	ss=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
	[ "$ss" != 0 ] || ss=4
	read -r off len < <(od -An -tu4 -j $((0x248)) -N8 "$bz")
	magic=$(tail -c +$(((ss + 1) * 512 + off + 1)) "$bz" | head -c 4 | od -An -tx1 | tr -d ' ')
	local dec
	case "$magic" in
	28b52ffd) dec=(zstd -dc) ;;
	fd377a58) dec=(xz -dc --single-stream) ;;
	1f8b*) dec=(gzip -dc) ;;
	*) die "$bz: unknown payload compression (magic $magic)" ;;
	esac
	# the payload is followed by its uncompressed size: ignore the trailing-data complaint
	tail -c +$(((ss + 1) * 512 + off + 1)) "$bz" | head -c "$len" | "${dec[@]}" > "$out.tmp" 2>/dev/null || true
	[ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
		die "$bz: could not extract an ELF vmlinux"
	mv "$out.tmp" "$out"
}

# make_initramfs IMG KABI OUT: busybox + the guest kernel's 9p/virtio/overlay modules.
make_initramfs() {
	local img="$1" kabi="$2" out="$3" d n=0 m line ko base
	d=$(mktemp -d)
	mkdir -p "$d/bin" "$d/modules" "$d/proc" "$d/sys" "$d/dev"
	cp /bin/busybox "$d/bin/busybox"
	install -m755 "$here/initramfs-init" "$d/init"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		while read -r line; do
			case "$line" in
			insmod\ *) ko=$(echo "$line" | awk '{print $2}') ;;
			*) continue ;;
			esac
			base=$(basename "$ko")
			base=${base%.xz}; base=${base%.zst}; base=${base%.gz}
			ls "$d"/modules/*-"$base" >/dev/null 2>&1 && continue
			n=$((n + 1))
			case "$ko" in
			*.xz) xz -dc "$ko" ;;
			*.zst) zstd -qdc "$ko" ;;
			*.gz) gzip -dc "$ko" ;;
			*) cat "$ko" ;;
			esac > "$d/modules/$(printf %02d $n)-$base"
		done < <(modprobe -d "$img" -S "$kabi" --show-depends "$m")
	done
	(cd "$d" && find . | cpio -o -H newc --quiet) > "$out.tmp"
	rm -rf "$d"
	mv "$out.tmp" "$out"
}

# install_module IMG KABI [KO]: KO into updates/ (or none: the in-tree one) + depmod.
install_module() {
	local img="$1" kabi="$2" ko="${3:-}" moddir
	moddir="$img/lib/modules/$kabi"
	rm -rf "$moddir/updates"
	if [ -n "$ko" ]; then
		install -D -m644 "$ko" "$moddir/updates/ovpn.ko"
	fi
	depmod -b "$img" "$kabi"
}

# budget TEST: seconds one guest attempt may take
budget() {
	case "$1" in
	test.sh|test-tcp.sh|test-chachapoly.sh|test-symmetric-id*.sh|test-float.sh|test-large-mtu.sh) echo 600 ;;
	test-*.sh) echo 300 ;;
	openvpn) echo 600 ;;
	lifecycle) echo $((60 + iters * 12)) ;;
	unpriv) echo 180 ;;
	nldiff) echo 240 ;;
	nldiff-full) echo 900 ;;
	nldiff-random) echo $((300 + ${VMTEST_NLDIFF_COUNT:-2000} / 4)) ;;
	scale) echo 300 ;;
	scale-full) echo 900 ;;
	faults) echo 300 ;;
	faults-full) echo 1200 ;;
	v4mapped) echo 120 ;;
	bench) echo 3600 ;;
	esac
}

run_kernel() {
	local alias="$1" res img kabi moddir ko="" expect t0 t1 tb tmo rc=0 st
	kernel_info "$alias"
	kabi="${KABI:?}"
	res="$results/$alias"
	rm -rf "$res"
	mkdir -p "$res"
	echo "kernel $alias ($kabi)" > "$res/steps.txt"
	# What was asked: the verdict expects exactly the rows of these tests.
	echo "VM_TESTS='$tests'" > "$res/request.env"

	tb=$(date +%s)
	img=$("$top/devel/fetch-kernel.sh" --image "$alias")
	img=$(readlink -f "$img")
	moddir=$(readlink -f "$img/lib/modules/$kabi")
	echo "fetch-image $(($(date +%s) - tb))" >> "$res/steps.txt"

	local sel="$modsel"
	[ -n "$sel" ] || { if [ "$alias" = debian-7.3 ]; then sel=native; else sel=tree; fi; }
	case "$sel" in
	native)
		[ -e "$moddir/kernel/drivers/net/ovpn" ] || die "$alias has no in-tree ovpn: --native is for debian-7.3"
		host_row module-build skip 0 "not built: the kernel's in-tree ovpn"
		expect=native ;;
	module)
		host_row module-build skip 0 "not built: --module $modpath"
		ko="$modpath"; expect=updates ;;
	tree)
		tb=$(date +%s)
		local kdir
		kdir=$("$top/devel/fetch-kernel.sh" "$alias")
		# The checkout the tree belongs to builds it (its Kbuild and compat/ match the tree).
		local builder="$top/scripts/build.sh"
		[ ! -x "$(dirname "$tree")/scripts/build.sh" ] || builder="$(dirname "$tree")/scripts/build.sh"
		echo "building with ${makevars[*]} $builder --tree $tree" > "$res/build.txt"
		if ! env ${makevars[@]+"${makevars[@]}"} "$builder" --quiet --tree "$tree" "$kdir" "$res/build" \
			>> "$res/build.txt" 2>&1; then
			cat "$res/build.txt" >&2
			host_row module-build fail "$(($(date +%s) - tb))" "scripts/build.sh failed, see build.txt"
			verdict "$alias" "$tests" || true
			return 1
		fi
		host_row module-build pass "$(($(date +%s) - tb))" "$(tail -n1 "$res/build.txt" | cut -d' ' -f1-4)"
		ko="$res/build/ovpn.ko"
		expect=updates
		echo "build-module $(($(date +%s) - tb))" >> "$res/steps.txt" ;;
	esac
	if [ -n "$ko" ]; then
		case "$(modinfo -F vermagic "$ko")" in
		"$kabi "*) ;;
		*) die "$ko was built for '$(modinfo -F vermagic "$ko")', not $kabi" ;;
		esac
	fi

	tb=$(date +%s)
	[ -s "$img/.vmtest-vmlinux" ] || {
		local bz
		bz=$(find "$img/boot" "$moddir" -maxdepth 1 -name "vmlinuz*" 2>/dev/null | head -n1)
		[ -n "$bz" ] || die "no vmlinuz in $img"
		extract_vmlinux "$bz" "$img/.vmtest-vmlinux"
	}
	local ikey
	ikey=$(cat "$here/initramfs-init" "$0" | sha256sum | cut -c1-12)
	[ -s "$img/.vmtest-initramfs-$ikey" ] || {
		rm -f "$img"/.vmtest-initramfs-*
		make_initramfs "$img" "$kabi" "$img/.vmtest-initramfs-$ikey"
	}
	install_module "$img" "$kabi" "$ko"
	echo "prepare-boot $(($(date +%s) - tb))" >> "$res/steps.txt"

	if [ -n "$timeout_s" ]; then
		tmo="$timeout_s"
	else
		tmo=120
		for t in $tests; do tmo=$((tmo + $(budget "$t"))); done
	fi
	cat > "$res/guest.env" <<ENV
VM_KABI='$kabi'
VM_MODDIR='$moddir'
VM_TOOLS='$tools'
VM_TESTS='$tests'
VM_EXPECT_MODULE='$expect'
VM_SELFTEST_TIMEOUT=600
VM_TCPDUMP_TIMEOUT=${VM_TCPDUMP_TIMEOUT:-20s}
VM_TCPDUMP_SETTLE=${VM_TCPDUMP_SETTLE:-3}
VM_LIFECYCLE_ITERS=$iters
VM_RUN_DIR='$results'
VM_MAKEVARS='$([ "$sel" != tree ] || echo "${makevars[*]}")'
VM_BENCH_CONF='${VM_BENCH_CONF:-}'
ENV
	local v
	for v in $(compgen -e | grep '^VMTEST_' || true); do
		printf '%s=%q\n' "$v" "${!v}" >> "$res/guest.env"
	done
	log "$alias: booting $kabi (module: $sel${ko:+ $ko}), tests: $tests, timeout ${tmo}s"
	t0=$(date +%s)
	set +e
	timeout -k 30 "$tmo" qemu-system-x86_64 -accel tcg -cpu max -m 2G -smp "$smp" \
		-display none -nodefaults -no-reboot -serial stdio -monitor none -nic none \
		-kernel "$img/.vmtest-vmlinux" -initrd "$img/.vmtest-initramfs-$ikey" \
		-append "console=ttyS0 loglevel=5 panic=-1 oops=panic mitigations=off random.trust_cpu=on net.ifnames=0 vmtest.guest=$here/guest.sh$kargs" \
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
		-virtfs "local,path=$res,mount_tag=vmresults,security_model=none,multidevs=remap" \
		< /dev/null 2>&1 | sed -u 's/\r$//' | tee "$res/console.log" |
		grep --line-buffered -E "^vmtest|VMTEST-END|$VM_SPLAT_RE" | sed -u "s/^/[$alias] /"
	rc=${PIPESTATUS[0]}
	set -e
	t1=$(date +%s)
	echo "guest $((t1 - t0))" >> "$res/steps.txt"
	printf 'rc=%s\ntimeout=%s\nseconds=%s\n' "$rc" "$tmo" "$((t1 - t0))" > "$res/qemu.txt"
	log "$alias: guest took $((t1 - t0)) s (qemu rc=$rc)"
	st=0
	verdict "$alias" "$tests" || st=1
	[ ! -s "$res/splats.txt" ] || { log "$alias: kernel splats:"; sed 's/^/    /' "$res/splats.txt" >&2; }
	return "$st"
}

# host_row NAME STATUS SECONDS NOTE: a row the host writes (host.tsv; the
# guest writes summary.tsv)
host_row() { printf '%s\t%s\t%s\t%s\n' "$@" >> "$res/host.tsv"; }

# kernel_clean RES: the console channel: no timeout, the end sentinel, no
# splat on the console or in dmesg.txt (also writes RES/splats.txt).
# Prints why not.
kernel_clean() {
	local res="$1" why="" qrc tmo
	[ -f "$res/qemu.txt" ] || { echo "the guest never ran (no qemu.txt)"; return 1; }
	qrc=$(sed -n 's/^rc=//p' "$res/qemu.txt")
	tmo=$(sed -n 's/^timeout=//p' "$res/qemu.txt")
	[ "$qrc" != 124 ] && [ "$qrc" != 137 ] || why="timeout after ${tmo}s; "
	grep -q '^VMTEST-END rc=' "$res/console.log" 2>/dev/null || why="${why}no end sentinel; "
	cat "$res/console.log" "$res/dmesg.txt" 2>/dev/null | vm_splat_lines | sort -u > "$res/splats.txt"
	[ ! -s "$res/splats.txt" ] || why="${why}kernel splat: $(head -n1 "$res/splats.txt"); "
	[ -z "$why" ] || { echo "${why%; }"; return 1; }
}

# verdict KERNEL TESTS: RES/verdict.tsv, one row (NAME STATUS SECONDS NOTE) per
# row expected for TESTS (common.sh: vm_expected_rows), then any unexpected
# row. A row missing from host.tsv + summary.tsv, or there more than once, is
# a failure naming it; guest-status and kernel-clean are decided here from
# the status file and the console. Non-zero if any row failed.
verdict() {
	local k="$1" tests="$2" res="$results/$1" out rows name n st secs why
	local expected notrun="" bad=0
	mkdir -p "$res"
	out="$res/verdict.tsv"
	rows=$(cat "$res/host.tsv" "$res/summary.tsv" 2>/dev/null || true)
	: > "$out.tmp"
	if [ -z "$tests" ] && [ ! -f "$res/request.env" ]; then
		printf 'request\tfail\t0\t%s\n' "no request.env and no --expect: the rows to expect are unknown" >> "$out.tmp"
	fi
	expected=$(vm_expected_rows $tests)
	[ "$(awk -F'\t' '$1 == "module-build" {print $2}' <<< "$rows")" != fail ] ||
		notrun="not run: module-build failed"
	[ -n "$rows" ] || [ -f "$res/request.env" ] ||
		notrun="not run: no results for $k (vmtest.sh stopped before this kernel?)"
	for name in $expected; do
		case "$name" in
		guest-status|kernel-clean)
			if [ -n "$notrun" ]; then
				printf '%s\tfail\t0\t%s\n' "$name" "$notrun" >> "$out.tmp"
				continue
			fi
			secs=0
			if [ "$name" = guest-status ]; then
				why=$(vm_status_check "$res" "$tests") && st=pass || st=fail
			else
				secs=$(sed -n 's/^seconds=//p' "$res/qemu.txt" 2>/dev/null)
				why=$(kernel_clean "$res") && st=pass || st=fail
			fi
			printf '%s\t%s\t%s\t%s\n' "$name" "$st" "${secs:-0}" "$why" >> "$out.tmp"
			continue ;;
		esac
		n=$(awk -F'\t' -v n="$name" '$1 == n' <<< "$rows" | grep -c . || true)
		case "$n" in
		0) printf '%s\tfail\t0\t%s\n' "$name" \
			"${notrun:-missing: no result row (the test script ended before writing it?)}" >> "$out.tmp" ;;
		1) awk -F'\t' -v n="$name" 'BEGIN {OFS = "\t"} $1 == n {print $1, $2, $3, $4}' <<< "$rows" >> "$out.tmp" ;;
		*) printf '%s\tfail\t0\tduplicated: %s rows (%s)\n' "$name" "$n" \
			"$(awk -F'\t' -v n="$name" '$1 == n {print $2}' <<< "$rows" | xargs)" >> "$out.tmp" ;;
		esac
	done
	awk -F'\t' -v e="$(echo "$expected" | xargs)" 'BEGIN {n = split(e, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1}
		NF && !($1 in want) && !seen[$1]++ {printf "%s\tfail\t0\tunexpected row (not one of the tests requested; status %s)\n", $1, $2}' \
		<<< "$rows" >> "$out.tmp"
	mv "$out.tmp" "$out"
	# (a status other than pass or skip is a failure, e.g. an empty one)
	awk -F'\t' '$2 != "pass" && $2 != "skip" {bad = 1} END {exit bad}' "$out" || bad=1
	return "$bad"
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

print_table() {
	local k m sel_names=(module-build module-load) t
	while read -r t; do
		case "$t" in test*.sh) sel_names+=("$t") ;; esac
	done < <(cat "$results"/*/verdict.tsv 2>/dev/null | cut -f1 | sort -u)
	echo
	echo "== results ($results)"
	printf '%-19s %-9s %-8s %-8s %-8s %-8s %-8s %-6s %-9s %-7s %-6s %-6s %s\n' "kernel (ovpn.ko)" selftests \
		autoload udp-aes udp-chch tcp-aes tcp-chch p2p lifecycle unpriv status clean "guest-s"
	for k in $kernels; do
		case "$(sed -n 's/^file: //p' "$results/$k/module.txt" 2>/dev/null)" in
		*/updates/*) m=ours ;;
		*/kernel/*) m=native ;;
		*) m='?' ;;
		esac
		printf '%-19s %-9s %-8s %-8s %-8s %-8s %-8s %-6s %-9s %-7s %-6s %-6s %s\n' "$k ($m)" \
			"$(cell "$k" "${sel_names[@]}")" "$(cell "$k" openvpn-autoload)" \
			"$(cell "$k" openvpn-udp-aes)" "$(cell "$k" openvpn-udp-chacha)" \
			"$(cell "$k" openvpn-tcp-aes)" "$(cell "$k" openvpn-tcp-chacha)" \
			"$(cell "$k" openvpn-p2p)" "$(cell "$k" lifecycle)" "$(cell "$k" unpriv-denied)" \
			"$(cell "$k" guest-status)" "$(cell "$k" kernel-clean)" \
			"$(awk '$1 == "guest" {print $2}' "$results/$k/steps.txt" 2>/dev/null)"
	done
	echo "(pass(r): passed on its one retry, see details; status: the guest's status file;"
	echo " FAIL with a row missing: see details; guest-s: seconds the guest ran)"
	"$here/stress-table.sh" "$results" $kernels
	echo
	echo "== details"
	for k in $kernels; do
		[ -f "$results/$k/verdict.tsv" ] || continue
		awk -F'\t' -v k="$k" '{printf "%-12s %-24s %-4s %5ss %s\n", k, $1, $2, $3, $4}' "$results/$k/verdict.tsv"
		[ ! -f "$results/$k/steps.txt" ] || echo "$k steps (s): $(tr "\n" " " < "$results/$k/steps.txt")"
	done
}

if [ -n "$report" ]; then
	summarize
	return
fi
[ -z "$expect_tests" ] || die "--expect goes with --report"
tb=$(date +%s)
tools=$("$here/build-tools.sh")
log "test tools: $tools ($(($(date +%s) - tb)) s)"

overall=0
for k in $kernels; do
	# only one qemu guest at a time on this machine (and one user of an image dir);
	# VMTEST_LOCK_HELD=1: the caller holds the lock across several runs (make bench)
	if [ "${VMTEST_LOCK_HELD:-}" != 1 ]; then exec 8>"$cache/.vmtest.lock"; flock 8; fi
	run_kernel "$k" || overall=1
	[ "${VMTEST_LOCK_HELD:-}" = 1 ] || exec 8>&-
done
summarize || overall=1
return "$overall"
}

# summarize: the verdict of every kernel (--report: --expect, else what its
# request.env says was asked; a run: the tests of this run), the table (or
# with --tsv the rows) and the final count; non-zero if anything failed.
summarize() {
	local k t p f s passed=0 failed=0 skipped=0
	for k in $kernels; do
		t="$tests"
		if [ -n "$report" ]; then
			t="$expect_tests"
			if [ -z "$t" ] && [ -f "$results/$k/request.env" ]; then
				t=$(sed -n "s/^VM_TESTS='\(.*\)'$/\1/p" "$results/$k/request.env")
			fi
		fi
		verdict "$k" "$t" || true
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

# Bash reads a script as it runs it: main and the exit on one line make the
# whole script parsed before anything runs (safe against edits during a run).
main "$@"; exit $?
