#!/usr/bin/env bash
# Kernel-build regression tests of the compat layer, for build failures no
# kernel of the matrix shows by itself (RHEL 9.6, Linux 6.14 and 6.15), kept
# to one module build and one single-object build:
#  - Debian 5.10 (Makefile.modpost includes the module's Kbuild and runs
#    Makefile.modfinal as a sub-make, as 5.4, 5.15 and RHEL 9 do): ovpn.mod.c
#    is compiled with the same compat flags as the module's own objects.
#  - compat/skb_send_sock.c builds against a kernel tree whose <linux/net.h>
#    lacks kernel_sendmsg_locked() (removed in 6.14), and on Debian 6.1.192
#    sends pages with kernel_sendpage_locked() (zero-copy).
#  - the build's probe flags and the module's shims are the recorded ones
#    (tests/probes/<kernel>.expected, .shims); `make probe-report` for every
#    matrix kernel in a `while read` loop fed by the list (each kernel built,
#    reports in the log), and from a stdin that never delivers (a terminal
#    nobody types into) on 5.10, which has no net/gso.h.
# --update rewrites tests/probes/<kernel>.shims from `make probe-report`.
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=devel/kernels.sh
. "$TOP/devel/kernels.sh"

update=0 canfail=0
case "${1:-}" in
-h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
--update) update=1 ;;
--can-fail) canfail=1 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f "$TOP/backports/PROVENANCE" ] || make -s -C "$TOP" sources >/dev/null

# fails CMD...: CMD exits non-zero
fails() { ! "$@"; }
# recorded FILE: the names of a tests/probes file, without its comments
recorded() { grep -v '^#' "$1"; }
# shims_of REPORT_DIR: the shims of a build (the markers its modinfo got)
shims_of() { LC_ALL=C sort "$1/shims.txt"; }

# compat_flags: the compat flags of one compile command line (stdin), sorted
compat_flags() {
	grep -oE -- '-DOVPN_[A-Za-z0-9_]+|-include [^ ]*/compat/compat\.h' | sed 's|-include .*/|-include |' | sort -u
}

# same_compat_flags LOG: the compile of ovpn.mod.c carries exactly the compat
# flags of the compile of an ovpn object (main.o), and at least compat.h.
same_compat_flags() {
	local log="$1" mod obj
	mod=$(grep -m1 -E 'gcc .*-c -o [^ ]*/ovpn\.mod\.o ' "$log" | compat_flags) || return 1
	obj=$(grep -m1 -E 'gcc .*-c -o [^ ]*/drivers/net/ovpn/main\.o ' "$log" | compat_flags) || return 1
	echo "ovpn.mod.o: $(echo "$mod" | wc -l) compat flags; main.o: $(echo "$obj" | wc -l)"
	grep -qx -- '-include compat.h' <<< "$mod" && [ "$mod" = "$obj" ] ||
		{ diff <(echo "$mod") <(echo "$obj"); return 1; }
}

# --can-fail (tests/t-canfail.sh): the flag check on the compile lines the old
# Kbuild gave on 5.10 (compat/include reached ovpn.mod.c without compat.h and
# the probes), without a build: must print not ok.
if [ "$canfail" = 1 ]; then
	printf '%s\n' \
		'gcc -nostdinc -I/s/compat/include -DOVPN_HAVE_X -include /s/compat/compat.h -c -o /s/backports/drivers/net/ovpn/main.o main.c' \
		'gcc -nostdinc -I/s/compat/include -c -o /s/ovpn.mod.o /s/ovpn.mod.c' > "$tmp/old.log"
	check "ovpn.mod.c is compiled with the compat flags of the module's objects (old Kbuild's lines)" \
		same_compat_flags "$tmp/old.log"
	tap_done
	exit
fi

# --- make probe-report for every matrix kernel, in a loop fed by its list ---
printf '%s\n' $KERNELS_ALL > "$tmp/kernels"
n=0
while read -r k; do
	make -s -C "$TOP" probe-report KERNEL="$k" > "$tmp/report.$k" 2>&1 || true
	n=$((n + 1))
done < "$tmp/kernels"
check "a 'while read' loop of make probe-report ran for all $(wc -l < "$tmp/kernels") kernels of its list" \
	test "$n" -eq "$(wc -l < "$tmp/kernels")"
for k in $KERNELS_ALL; do
	rel=$(sed -n 's/^# ovpn-backports probe report: kernel \([^ ]*\) .*/\1/p' "$tmp/report.$k")
	sed "s/^/# $k: /" "$tmp/report.$k"
	check "$k: make probe-report printed a line per gate" \
		test "$(grep -cvE '^#' "$tmp/report.$k")" -eq "$(bash "$TOP/compat/gates.sh" --dump | wc -l)"
	if [ "$update" = 1 ] && [ -n "$rel" ]; then
		f="$TOP/tests/probes/$k.shims"
		{ grep '^#' "$f" 2>/dev/null; shims_of "$TOP/build/report/$rel"; } > "$f.tmp" && mv "$f.tmp" "$f"
		diag "updated $f"
	fi
	check "$k: the shims compiled are tests/probes/$k.shims" \
		diff <(recorded "$TOP/tests/probes/$k.shims") <(shims_of "$TOP/build/report/${rel:-none}")
done
# all_native REPORT GATE...: the report says native for every GATE
all_native() {
	local r="$1" g
	shift
	for g in "$@"; do grep -qE "^$g +[a-z]+ +native " "$r" || { echo "$g: not native"; return 1; }; done
}
check "debian-6.1.192 report: the kernel's DSTATS, sk_use_task_frag, dst_rt6_info and sendpage, not shims" \
	all_native "$tmp/report.debian-6.1" NETDEV_PCPU_STAT_DSTATS PCPU_DSTATS SK_USE_TASK_FRAG dst_rt6_info \
	KERNEL_SENDPAGE_LOCKED

# --- stdin that never delivers nor closes (a terminal nobody types into) ---
mkfifo "$tmp/tty"
exec 3<>"$tmp/tty"
# hangs SECONDS CMD...: CMD is still running after SECONDS with stdin on the fifo
hangs() { local rc=0 s="$1"; shift; timeout "$s" "$@" <&3 >/dev/null 2>&1 || rc=$?; [ "$rc" -eq 124 ]; }
# The harness sees a hang: make with the old probe form (grep of an empty
# $(wildcard ...)) reads stdin and never finishes.
printf 'all:\n\t@echo $(shell grep -q x $(wildcard %s/none/*.h) && echo y)\n' "$tmp" > "$tmp/old.mk"
check "harness: the old probe form (grep of an empty \$(wildcard)) hangs on such a stdin" \
	hangs 3 make -f "$tmp/old.mk"
check "make probe-report on debian-5.10 (no net/gso.h) finishes with stdin on a silent terminal-like fifo" \
	fails hangs 120 make -s -C "$TOP" probe-report KERNEL=debian-5.10
exec 3>&-

# --- 5.10: ovpn.mod.c sees the compat flags ---
# Where Makefile.modpost includes the module's Kbuild and runs Makefile.modfinal
# as a sub-make (5.4, 5.10, 5.15, RHEL 9), ovpn.mod.c is compiled with
# compat/include: without compat.h and the probe flags there, every probe-gated
# shadow header takes its "kernel lacks it" branch (RHEL 9.6, which backports
# disable_delayed_work_sync(), then fails with a static declaration that
# follows a non-static one).
k510=$("$TOP/devel/fetch-kernel.sh" debian-5.10)
out="$tmp/b510"
check "debian-5.10: module builds (V=1)" env KBUILD_VERBOSE=1 "$TOP/scripts/build.sh" --quiet "$k510" "$out"
log="$out/build.log"
check "debian-5.10: ovpn.mod.c is compiled with the compat flags of the module's objects" \
	same_compat_flags "$log"
# build_set CMDFILE: the OVPN_HAVE_* a compile used
build_set() { grep -oE -- '-DOVPN_HAVE_[A-Za-z0-9_]+' "$1" | sed 's/^-D//' | LC_ALL=C sort -u; }
check "debian-5.10: the build's OVPN_HAVE_* set is tests/probes/debian-5.10.expected" \
	diff <(recorded "$TOP/tests/probes/debian-5.10.expected") <(build_set "$out/src/backports/drivers/net/ovpn/.main.o.cmd")
check "debian-5.10: modinfo ovpn_shim of the module is tests/probes/debian-5.10.shims" \
	diff <(recorded "$TOP/tests/probes/debian-5.10.shims") <(modinfo -F ovpn_shim "$out/ovpn.ko" | LC_ALL=C sort)
check "debian-5.10: the build wrote its probe report" grep -q '^V4MAPPED  *version  *native ' "$out/probe-report.txt"
# The check can fail: the compile line of ovpn.mod.c as the old Kbuild gave it
# (compat/include in LINUXINCLUDE, compat.h and the probes in ccflags-y only).
grep -m1 -E 'gcc .*/drivers/net/ovpn/main\.o ' "$log" > "$tmp/broken.log" || true
grep -m1 -E 'gcc .*-c -o [^ ]*/ovpn\.mod\.o ' "$log" |
	sed -E 's/ -DOVPN_[A-Za-z0-9_]+//g; s| -include [^ ]*/compat/compat\.h||' >> "$tmp/broken.log" || true
check "the flag check fails on an ovpn.mod.c line without compat.h and the probes (as before the fix)" \
	fails same_compat_flags "$tmp/broken.log"

# --- compat/skb_send_sock.c without kernel_sendmsg_locked() ---
# 6.14 removed kernel_sendmsg_locked() (b6be5ba8f1c6), which no matrix kernel
# shows: the shim must build without it. And Debian 6.1.192 defines
# MSG_SPLICE_PAGES while its TCP still sends pages with sendpage: the shim must
# pick kernel_sendpage_locked() there (zero-copy), not a copying splice.
k61=$("$TOP/devel/fetch-kernel.sh" debian-6.1)
prefix=${k61%/usr/src/*}
copy="$tmp/k61"
cp -as "$prefix" "$copy"
kcopy="$copy/usr/src/${k61##*/usr/src/}"
common=$(sed -n 's|^include \(.*\)/Makefile$|\1|p' "$k61/Makefile")
ccopy="$copy/usr/src/${common##*/usr/src/}"
rm "$kcopy/Makefile"
echo "include $ccopy/Makefile" > "$kcopy/Makefile"
net_h="$ccopy/include/linux/net.h"
cp --remove-destination "$(readlink -f "$net_h")" "$net_h"
perl -0pi -e 's/int kernel_sendmsg_locked\([^;]*\);\n//' "$net_h"
src="$tmp/src61"
mkdir -p "$src/scripts"
cp -a "$TOP/Kbuild" "$TOP/compat" "$TOP/backports" "$src/"
cp -a "$TOP/scripts/kernel-range.conf" "$src/scripts/"   # (Kbuild reads the range)

# compile_skb_send_sock: build compat/skb_send_sock.o alone against the copy
compile_skb_send_sock() {
	rm -f "$src/compat/skb_send_sock.o"
	make -C "$kcopy" M="$src" CC="${CC:-gcc-12}" compat/skb_send_sock.o
}
check "copied 6.1 tree no longer declares kernel_sendmsg_locked" fails grep -q kernel_sendmsg_locked "$net_h"
# The copy really lacks it: a caller of kernel_sendmsg_locked() fails there.
cat > "$src/compat/skb_send_sock.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/net.h>
int ovpn_test_send(struct sock *sk, struct msghdr *msg, struct kvec *vec)
{
	return kernel_sendmsg_locked(sk, msg, vec, 1, vec->iov_len);
}
EOF
# compile_fails_with PATTERN: compile_skb_send_sock fails with an error matching PATTERN
compile_fails_with() {
	local out
	! out=$(compile_skb_send_sock 2>&1) && grep -E "$1" <<< "$out"
}
check "a call of kernel_sendmsg_locked() fails to build against the copy" \
	compile_fails_with "error: implicit declaration of function .kernel_sendmsg_locked"
cp "$TOP/compat/skb_send_sock.c" "$src/compat/skb_send_sock.c"
check "compat/skb_send_sock.c builds without kernel_sendmsg_locked()" compile_skb_send_sock
# kernel_send_imports OBJ: the kernel_send* functions OBJ calls
kernel_send_imports() { nm -u "$1" | awk '$2 ~ /^kernel_send/ {print $2}'; }
check "debian-6.1.192 sends pages zero-copy: kernel_sendpage_locked is its only kernel_send* import" \
	test "$(kernel_send_imports "$src/compat/skb_send_sock.o")" = kernel_sendpage_locked
tap_done
