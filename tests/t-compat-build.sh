#!/usr/bin/env bash
# Kernel-build regression tests of the compat layer (issue 14), kept to one
# module build and one single-object build:
#  - Debian 5.10 (Makefile.modpost includes the module's Kbuild and runs
#    Makefile.modfinal as a sub-make, as 5.4, 5.15 and RHEL 9 do): ovpn.mod.c
#    is compiled with the same compat flags as the module's own objects.
#  - compat/skb_send_sock.c builds against a kernel tree whose <linux/net.h>
#    lacks kernel_sendmsg_locked() (removed in 6.14), and on Debian 6.1.192
#    sends pages with kernel_sendpage_locked() (zero-copy).
set -euo pipefail
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
-h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f "$TOP/backports/PROVENANCE" ] || make -s -C "$TOP" sources >/dev/null

# fails CMD...: CMD exits non-zero
fails() { ! "$@"; }

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

# --- 5.10: ovpn.mod.c sees the compat flags (issue 14.2) ---
k510=$("$TOP/devel/fetch-kernel.sh" debian-5.10)
out="$tmp/b510"
check "debian-5.10: module builds (V=1)" env KBUILD_VERBOSE=1 "$TOP/scripts/build.sh" --quiet "$k510" "$out"
log="$out/build.log"
check "debian-5.10: ovpn.mod.c is compiled with the compat flags of the module's objects" \
	same_compat_flags "$log"
# The check can fail: the compile line of ovpn.mod.c as the old Kbuild gave it
# (compat/include in LINUXINCLUDE, compat.h and the probes in ccflags-y only).
grep -m1 -E 'gcc .*/drivers/net/ovpn/main\.o ' "$log" > "$tmp/broken.log" || true
grep -m1 -E 'gcc .*-c -o [^ ]*/ovpn\.mod\.o ' "$log" |
	sed -E 's/ -DOVPN_[A-Za-z0-9_]+//g; s| -include [^ ]*/compat/compat\.h||' >> "$tmp/broken.log" || true
check "the flag check fails on an ovpn.mod.c line without compat.h and the probes (as before the fix)" \
	fails same_compat_flags "$tmp/broken.log"

# --- compat/skb_send_sock.c without kernel_sendmsg_locked() (issue 14.1, 14.3) ---
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
mkdir -p "$src"
cp -a "$TOP/Kbuild" "$TOP/compat" "$TOP/backports" "$src/"

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
